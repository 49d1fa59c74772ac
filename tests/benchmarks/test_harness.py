"""`hemplan bench`: suites, one verified row per job, the files it promises, bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hemplan.benchmarks.harness import Job, run_job, run_jobs
from hemplan.benchmarks.suites import Case, suite_cases
from hemplan.cli.main import main
from hemplan.models.io.convert import SETS
from hemplan.models.io.convert.common import (
    OFFICE,
    Converted,
    Reader,
    SetObjective,
    planar,
    skeleton,
)
from hemplan.solver.method import SolveOptions
from tests.paths import REPO


def test_bench_writes_table_csv_and_plot_with_a_verified_row_per_repeat(tmp_path: Path) -> None:
    out = tmp_path / "b"
    result = CliRunner().invoke(
        main,
        [
            "bench",
            "bundled",
            "--instances",
            "tiny",
            "--repeat",
            "2",
            "--time-limit",
            "1",
            "--workers",
            "1",
            "-o",
            str(out),
            "--progress",
            "none",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    with open(out / "bench.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    printed = json.loads(result.stdout)  # --json: the same rows on stdout
    assert [(r["instance"], r["method"], str(r["seed"])) for r in printed] == [
        (r["instance"], r["method"], r["seed"]) for r in rows
    ]
    assert [(r["instance"], r["method"], r["seed"]) for r in rows] == [
        ("tiny", "continuity", "0"),
        ("tiny", "continuity", "1"),
    ]
    assert all(r["ok"] == "yes" and r["unassigned"] == "0" for r in rows)
    assert all(
        float(r["carers_mean"]) >= 1 and int(r["distinct_total"]) >= int(r["lower_bound"])
        for r in rows
    )
    assert (out / "bench.md").read_text().count("\n| tiny | continuity |") == 2
    assert (out / "scaling.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_scaling_job_generates_its_instance_and_verifies_it() -> None:
    row = run_job(
        Job(
            Case("gen", "generated", "2x6x3x7"), "continuity", SolveOptions(time_limit=1, workers=1)
        )
    )
    assert (
        row["ok"] == "yes" and row["teams"] == 2 and int(row["visits"] or 0) > 2 * 6 * 7
    )  # patterns expanded


def _fake_set(counts_partial: bool) -> Reader:
    """A converter of a made-up set: one carer, a visit it can serve and one longer than its
    shift, and an objective that is 42 whatever the plan (so the row can only have it from here)."""

    def read(path: Path) -> Converted:
        data = skeleton("fake", 1, planar(0, 0), [])
        data["staff"] = [
            {
                "id": "K1",
                "team": "T1",
                "travel_mode": "car",
                "shifts": [{"day": 0, "start": 480, "end": 960}],
            }
        ]
        data["clients"] = [{"id": "N1", "team": "T1", "location": planar(1, 0)}]
        window = {"earliest": 480, "latest": 900}
        data["visits"] = [
            {"id": "V1", "client": "N1", "day": 0, "window": window, "duration": 30},
            {"id": "V2", "client": "N1", "day": 0, "window": window, "duration": 500},
        ]
        return Converted(
            "fake",
            data,
            [OFFICE, "N1"],
            [[0.0, 1.0], [1.0, 0.0]],
            1.0,
            lambda converted, schedule, instance: SetObjective(
                42.0, "fake objective", counts_partial
            ),
        )

    return read


@pytest.mark.parametrize("counts_partial", [False, True])
def test_a_public_job_takes_its_objective_and_comparability_from_the_sets_converter(
    monkeypatch: pytest.MonkeyPatch, counts_partial: bool
) -> None:
    monkeypatch.setitem(SETS, "fake", _fake_set(counts_partial))
    options = SolveOptions(time_limit=5, workers=1)
    row = run_job(Job(Case("F", "fake", "unused", reference=40.0), "central-greedy", options))
    assert row["ok"] == "yes" and row["unassigned"] == 1  # V2 fits no shift: a partial plan
    assert (row["objective"], row["objective_note"]) == (42.0, "fake objective")
    # a partial plan is compared with the reference only when the set's objective counts what it
    # leaves out
    assert row["ref_gap"] == (pytest.approx(42.0 / 40.0 - 1) if counts_partial else None)


def test_the_harness_names_no_set() -> None:
    """Each set's objective is its converter's: the harness never branches on a set's name."""
    source = (REPO / "benchmarks" / "harness.py").read_text()
    assert [name for name in SETS if f'"{name}"' in source or f"'{name}'" in source] == []


def test_run_jobs_gives_every_job_a_process_and_a_row_of_its_own() -> None:
    jobs = [
        Job(
            Case(f"gen{k}", "generated", "1x3x2x2"),
            "central-greedy",
            SolveOptions(time_limit=1, workers=1),
        )
        for k in range(2)
    ]
    done: list[str] = []
    rows = run_jobs(jobs, lambda row: done.append(str(row["instance"])))
    assert (
        [r["instance"] for r in rows if r is not None] == done == ["gen0", "gen1"]
    )  # each reported as it ended
    assert all(r is not None and r["ok"] == "yes" and float(r["peak_mb"] or 0) > 0 for r in rows)


def test_suites_list_their_cases() -> None:
    assert [c.name for c in suite_cases("scaling", Path("/nowhere"))][-1] == "scaling-20t"
    assert all(Path(c.source).is_file() for c in suite_cases("bundled", Path("/nowhere")))


def test_bench_bad_input_exits_2_without_files(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(
        main,
        ["bench", "public-solomon", "--public", str(tmp_path / "none"), "-o", str(tmp_path / "o")],
    )
    assert missing.exit_code == 2 and "public instance sets" in missing.output
    unknown = runner.invoke(
        main, ["bench", "bundled", "--instances", "nope", "-o", str(tmp_path / "o")]
    )
    assert unknown.exit_code == 2 and "nope" in unknown.output
    method = runner.invoke(
        main, ["bench", "bundled", "--methods", "magic", "-o", str(tmp_path / "o")]
    )
    assert method.exit_code == 2 and "magic" in method.output
    assert not (tmp_path / "o" / "bench.md").exists()


def test_benchmark_suites_smoke_run() -> None:
    """Every pytest-benchmark suite in benchmarks/ runs once (timing disabled) and passes."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "benchmarks/",
            "--benchmark-disable",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
