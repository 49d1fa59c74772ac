"""Executors: local processes and a dask cluster on loopback give the same schedules; events
stream back and a stop request reaches running tasks."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hemplan.cli.main import main
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance, load_schedule
from hemplan.models.io.write import to_json
from hemplan.solver.compare import run_methods
from hemplan.solver.continuity.solve import solve
from hemplan.solver.executors import InlineExecutor, LocalExecutor, make_executor
from hemplan.solver.method import SolveOptions
from tests.paths import REPO

distributed = pytest.importorskip("distributed")

TEAM = REPO / "instances" / "team-14d.json"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    import dask

    with dask.config.set(
        {"distributed.worker.daemon": False}
    ):  # compare's methods use process pools
        local = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        )
    with local:
        yield local


def _assignments(schedule: Any) -> str:
    """The plan itself, without wall times."""
    data = json.loads(to_json(schedule))
    return json.dumps([data["assignments"], data["routes"], data["unassigned"]], sort_keys=True)


def test_dask_and_local_give_identical_schedules_on_team_14d(cluster: Any) -> None:
    instance = load_instance(TEAM)
    options = SolveOptions(time_limit=60, workers=2, seed=7, work_limit=0.1)
    local = solve(instance, options)
    events: list[Any] = []
    on_dask = solve(
        instance,
        SolveOptions(
            time_limit=60,
            workers=2,
            seed=7,
            work_limit=0.1,
            executor="dask",
            scheduler=cluster.scheduler_address,
        ),
        events.append,
    )
    for result in (local, on_dask):
        assert evaluate(instance, result.schedule).violations == []
    assert _assignments(local.schedule) == _assignments(on_dask.schedule)
    assert any(e.first for e in events)  # progress came back from the dask worker


def _counting(
    job: int, report: Callable[[Any], None], should_stop: Callable[[], bool]
) -> tuple[int, bool]:
    """A toy task: reports its job, then waits up to 60 s for a stop request."""
    report(("started", job))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not should_stop():
        time.sleep(0.05)
    return job * job, should_stop()


def test_dask_executor_streams_events_and_honours_a_stop_request(cluster: Any) -> None:
    events: list[Any] = []

    def on_event(event: Any) -> None:
        events.append(event)
        executor.request_stop()  # the first event stops every task

    began = time.monotonic()
    with make_executor("dask", cluster.scheduler_address, 2) as executor:
        assert executor.slots == 2
        results = executor.map(_counting, [1, 2, 3], on_event)
    assert results == [(1, True), (4, True), (9, True)]
    assert ("started", 1) in events or ("started", 2) in events
    assert time.monotonic() - began < 40  # the stop request ended the tasks, not their 60 s wait


def test_local_and_inline_executors_run_the_same_task() -> None:
    with LocalExecutor(2) as pool:
        events: list[Any] = []
        pool.request_stop()
        assert pool.map(_counting, [2, 3], events.append) == [(4, True), (9, True)]
        assert sorted(events) == [("started", 2), ("started", 3)]
    inline = InlineExecutor()
    inline.request_stop()
    assert inline.map(_counting, [2, 3]) == [None, None]  # nothing starts after a stop request


def test_cli_solve_on_a_local_dask_cluster_matches_local_processes(tmp_path: Path) -> None:
    runner = CliRunner()
    instance_file = tmp_path / "two.json"
    made = runner.invoke(
        main,
        [
            "generate",
            "--teams",
            "2",
            "--clients-per-team",
            "5",
            "--staff-per-team",
            "3",
            "--days",
            "3",
            "--seed",
            "1",
            "-o",
            str(instance_file),
        ],
    )
    assert made.exit_code == 0, made.output
    outputs: list[str] = []
    for extra in ([], ["--executor", "dask"]):
        out = tmp_path / f"s{len(outputs)}.json"
        result = runner.invoke(
            main,
            [
                "solve",
                str(instance_file),
                "-o",
                str(out),
                "--work-limit",
                "0.3",
                "--seed",
                "2",
                "--quiet",
                *extra,
            ],
        )
        assert result.exit_code == 0, result.output
        schedule = load_schedule(out)
        assert evaluate(load_instance(instance_file), schedule).violations == []
        outputs.append(_assignments(schedule))
    assert outputs[0] == outputs[1]


def test_compare_on_a_dask_cluster_gives_the_local_schedules(cluster: Any, tmp_path: Path) -> None:
    tiny = REPO / "instances" / "tiny.json"
    instance = load_instance(tiny)
    plans = []
    for name, extra in (("local", []), ("dask", ["--scheduler", cluster.scheduler_address])):
        folder = tmp_path / name
        result = CliRunner().invoke(
            main,
            [
                "compare",
                str(tiny),
                "-o",
                str(folder),
                "--methods",
                "continuity,central-travel",
                "--work-limit",
                "0.1",
                "--quiet",
                *extra,
            ],
        )
        assert result.exit_code == 0, result.output
        schedules = [
            load_schedule(folder / f"{method}.json") for method in ("continuity", "central-travel")
        ]
        for schedule in schedules:
            assert evaluate(instance, schedule).violations == []
        plans.append([_assignments(s) for s in schedules])
    assert plans[0] == plans[1]


def test_ctrl_c_stops_every_method_of_a_compare_on_a_dask_cluster(cluster: Any) -> None:
    """Each method runs as a task in a dask worker's thread, where no signal arrives: the stop
    request reaches it as a Ctrl-C would, and each keeps its best plan, verified."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    instance = load_instance(TEAM)
    options = SolveOptions(
        time_limit=60, workers=1, executor="dask", scheduler=cluster.scheduler_address
    )
    heard: set[str] = set()

    def on_progress(method: str, event: Any) -> None:
        heard.add(method)
        if len(heard) == 2 and not stopped:  # both are searching: a real Ctrl-C here
            stopped.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)

    stopped: list[float] = []
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        runs = run_methods(
            instance, options, ["continuity", "teams-travel"], on_progress=on_progress
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    assert stopped and time.monotonic() - stopped[0] < 20  # not the 60 s of the methods
    assert [(run.method, run.interrupted) for run in runs] == [
        ("continuity", True),
        ("teams-travel", True),
    ]
    for run in runs:
        assert run.result.schedule.solver is not None
        assert run.result.schedule.solver.status == "INTERRUPTED"
        assert evaluate(instance, run.result.schedule).violations == []
