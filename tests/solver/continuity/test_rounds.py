"""How `solve` shares the search time between teams: an even opening round, then the rest by
what each team still has to gain, no team more than one process can give it."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from hemplan.models.evaluator import evaluate
from hemplan.models.generator import generate_instance
from hemplan.models.io.load import load_instance
from hemplan.models.io.write import write_model
from hemplan.solver.assemble import to_schedule
from hemplan.solver.continuity import final_routing
from hemplan.solver.continuity import rounds as rounds_module
from hemplan.solver.continuity import solve as solve_module
from hemplan.solver.continuity.construct import construct
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.continuity.rounds import round_needs, solve_teams
from hemplan.solver.continuity.team_job import OPENING_SHARE, TeamJob, TeamPlan, TeamStart, shares
from hemplan.solver.executors import InlineExecutor, make_executor
from hemplan.solver.method import SolveOptions
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights, score
from tests.paths import INSTANCES

TINY = INSTANCES / "tiny.json"


def job(work_limit: float | None, teams: int, processes: int, seconds: float = 100.0) -> TeamJob:
    now = time.time()
    return TeamJob(
        end=now + seconds,
        teams=teams,
        processes=processes,
        work_limit=work_limit,
        seed=0,
        allow_borrowing=False,
        started=now,
    )


def test_shares_follow_the_needs_when_no_cap_binds() -> None:
    assert shares([1, 3, 0], 8.0, cap=10.0) == pytest.approx([2.0, 6.0, 0.0])


def test_a_capped_share_gives_what_it_cannot_take_to_the_others() -> None:
    # 9 of 10 would go to the first; it may take 4, the rest (6) is shared 1:1 by the others
    assert shares([18, 1, 1], 10.0, cap=4.0) == pytest.approx([4.0, 3.0, 3.0])


def test_shares_never_exceed_the_cap_or_the_total() -> None:
    result = shares([5, 5, 5], 30.0, cap=4.0)
    assert result == pytest.approx([4.0, 4.0, 4.0])
    assert shares([0, 0], 10.0, cap=10.0) == [0.0, 0.0]


def test_the_opening_round_takes_its_share_of_the_time_and_of_a_work_budget() -> None:
    opening = job(work_limit=10.0, teams=5, processes=2).opening()
    assert opening.work_limit == pytest.approx(OPENING_SHARE * 10.0)
    assert opening.end - time.time() == pytest.approx(OPENING_SHARE * 100.0, abs=1.0)


def test_the_second_round_shares_the_work_left_by_need_one_process_at_most() -> None:
    # 3 teams with 10 units each: 18 left after the opening; one process may take half of it
    allotted = job(work_limit=10.0, teams=3, processes=2).allotments([0, 5, 15])
    assert [work for _, work in allotted] == pytest.approx([0.0, 9.0, 9.0])


def test_the_second_round_by_the_clock_gives_a_needy_team_at_most_the_time_left() -> None:
    allotted = job(work_limit=None, teams=5, processes=2, seconds=30.0).allotments(
        [100, 1, 1, 1, 1]
    )
    seconds = [s for s, _ in allotted]
    assert seconds[0] == pytest.approx(30.0, abs=0.5)
    assert sum(seconds) == pytest.approx(60.0, abs=1.0)  # two processes' worth, nothing idle
    assert seconds[1:] == pytest.approx([seconds[1]] * 4)


def test_with_nothing_to_gain_anywhere_the_second_round_polishes_every_team_by_visits() -> None:
    """Every team at its bound, all served: the round goes by visits rather than to nobody
    (which left a one-team day with 40 % of its budget); any need keeps the needs."""
    assert round_needs([0.0, 0.0], [10, 30]) == [10.0, 30.0]
    assert round_needs([0.0, 2.0], [10, 30]) == [0.0, 2.0]
    assert shares(round_needs([0.0, 0.0], [10, 30]), 8.0, cap=10.0) == pytest.approx([2.0, 6.0])


class _Clock:
    """A stand-in for the `time` module: each round below takes one second of it."""

    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now


def _heard(event: object) -> None:
    """Progress events are not what these tests look at."""


class _Running:
    stopped = False


@pytest.mark.parametrize(("constructed", "rounds"), [(0.0, 10), (3.0, 8)])
def test_a_round_that_improves_no_team_is_followed_by_restarts_until_one_wins(
    monkeypatch: pytest.MonkeyPatch, constructed: float, rounds: int
) -> None:
    """A 10 s search, each round one second of it: a round from the best plans that improves
    nothing is followed by a restart, and restarts go on until one wins; then rounds go on
    from the new best. They end when MORE_ROUNDS_LEFT of the time is left (0.2 s: ten), and
    restarts when less is left than the first constructions took (3 s: eight)."""
    assert rounds_module.MORE_ROUNDS_LEFT * 10 < 1
    clock = _Clock()
    wins = iter([False, True] + [False] * 10)
    calls: list[str] = []

    def polish(*args: object) -> None:
        calls.append("round")  # improves nothing
        clock.now += 1

    def restart(*args: object) -> bool:
        calls.append("restart")
        clock.now += 1
        return next(wins)

    monkeypatch.setattr(rounds_module, "time", clock)
    monkeypatch.setattr(rounds_module, "_second_round", polish)
    monkeypatch.setattr(rounds_module, "_restart_round", restart)
    search = replace(job(None, 1, 1), end=10.0, started=0.0)
    started = [(0, SimpleNamespace(first=constructed))]
    outcomes = {0: SimpleNamespace(score=0)}
    rounds_module.more_rounds(_Running(), started, outcomes, search, _heard)  # type: ignore[arg-type]
    assert calls == ["round", "restart", "restart", "round"] + ["restart"] * (rounds - 4)


def test_a_restart_keeps_a_teams_plan_only_where_it_scores_better() -> None:
    """From tiny's bare construction a restart (another construction, searched) does better
    and replaces it; against that better plan a restart with no time to search does not."""
    problem = Problem.build(load_instance(TINY))
    start = TeamStart(problem, construct(problem, 0), 0.0)
    outcomes = {0: rounds_module.as_found(start, Weights(), "work")}
    with make_executor("local", workers=1) as executor:
        searched = replace(job(None, 1, 1, seconds=3.0), seed=5)
        assert rounds_module._restart_round(executor, [(0, start)], outcomes, searched, _heard)
        better = outcomes[0]
        assert better.score < score(problem, start.solution, Weights())
        assert evaluate(problem.instance, to_schedule(problem, better.solution)).violations == []
        no_time = replace(job(None, 1, 1, seconds=0.0), seed=6)
        assert not rounds_module._restart_round(executor, [(0, start)], outcomes, no_time, _heard)
        assert outcomes[0] is better


def test_a_stop_request_during_a_restart_keeps_the_best_plans_and_says_so() -> None:
    problem = Problem.build(load_instance(TINY))
    start = TeamStart(problem, construct(problem, 0), 0.0)
    best = rounds_module.as_found(start, Weights(), "work")
    outcomes = {0: best}
    with make_executor("local", workers=1) as executor:
        executor.request_stop()
        later = replace(job(None, 1, 1, seconds=3.0), seed=5)
        assert not rounds_module._restart_round(executor, [(0, start)], outcomes, later, _heard)
    assert outcomes[0].solution is best.solution and outcomes[0].interrupted


def test_the_time_the_final_routing_leaves_goes_to_rounds_from_the_routed_plans() -> None:
    """From tiny's bare construction as the routed plan, the rounds after the routing find a
    better plan in the time left; with none left the plans are returned as they were."""
    instance = load_instance(TINY)
    problem = Problem.build(instance)
    bare = construct(problem, 0)
    plans = [TeamPlan(instance, bare, score(problem, bare, Weights()))]
    with make_executor("local", workers=1) as executor:
        after, stopped = final_routing.rounds_after_routing(
            executor, plans, job(None, 1, 1, seconds=3.0), 0.0, _heard
        )
        assert not stopped and after[0].score < plans[0].score
        assert after[0].score == score(problem, after[0].solution, Weights())
        assert evaluate(instance, to_schedule(problem, after[0].solution)).violations == []
        unchanged, _ = final_routing.rounds_after_routing(
            executor, plans, job(None, 1, 1, seconds=0.0), 0.0, _heard
        )
        assert unchanged is plans


@pytest.mark.parametrize(("work_limit", "called"), [(None, True), (1.0, False)])
def test_only_a_solve_by_the_clock_alone_searches_after_the_routing(
    monkeypatch: pytest.MonkeyPatch, work_limit: float | None, called: bool
) -> None:
    calls: list[int] = []

    def after(executor: object, plans: list, *args: object) -> tuple[list, bool]:
        calls.append(len(plans))
        return plans, False

    monkeypatch.setattr(solve_module, "rounds_after_routing", after)
    options = SolveOptions(time_limit=5.0, work_limit=work_limit, workers=1, seed=0)
    result = solve_module.solve(load_instance(TINY), options)
    assert result.evaluation.feasible
    assert bool(calls) == called


def test_with_no_team_left_to_plan_no_rounds_follow_the_routing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rounds: list[object] = []
    monkeypatch.setattr(final_routing, "more_rounds", lambda *args: rounds.append(args))
    with make_executor("local", workers=1) as executor:
        after = final_routing.rounds_after_routing(
            executor, [], job(None, 1, 1, seconds=3.0), 0.0, _heard
        )
    assert after == ([], False) and not rounds


def test_a_start_that_begins_late_gets_no_more_than_the_time_left() -> None:
    """Under the clock the hand-over, the ladder and a team's own travel-only plan get shares
    of the whole search time; begun with 5 s of a 100-s search left (a budgeted start after a
    refused sub-team try), none of them may run past the job's end."""
    early = job(None, teams=1, processes=1)
    assert rounds_module.relabel_seconds(early) == pytest.approx(10.0, abs=0.1)
    assert rounds_module.familiar_routing(early).seconds == pytest.approx(30.0, abs=0.1)
    late = replace(early, started=early.started - 95.0, end=early.started + 5.0)
    assert rounds_module.relabel_seconds(late) <= 5.0
    assert rounds_module.familiar_routing(late).seconds <= 5.0
    assert rounds_module._travel_start_seconds(late) <= 5.0


def test_walks_cool_once_over_the_rounds_and_hot_again_only_from_a_new_construction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The opening round's walks cover the first OPENING_SHARE of the cooling and the second
    round the rest; later rounds from the best plans walk cold, and a restart's round (from
    a new construction) from hot to cold again."""
    search = job(None, 1, 1)
    assert search.opening().cooling == (0.0, OPENING_SHARE)
    assert search.second().cooling == (OPENING_SHARE, 1.0)
    clock = _Clock()
    given: list[tuple[float, float]] = []

    def polish(*args: object) -> None:
        given.append(args[3].cooling)  # type: ignore[attr-defined]
        clock.now += 1

    monkeypatch.setattr(rounds_module, "time", clock)
    monkeypatch.setattr(rounds_module, "_second_round", polish)

    def restart(*args: object) -> bool:
        clock.now += 1
        return False

    monkeypatch.setattr(rounds_module, "_restart_round", restart)
    started = [(0, SimpleNamespace(first=0.0))]
    outcomes = {0: SimpleNamespace(score=0)}
    later = replace(search, end=3.0, started=0.0)
    rounds_module.more_rounds(_Running(), started, outcomes, later, _heard)  # type: ignore[arg-type]
    assert given == [(1.0, 1.0)]
    monkeypatch.undo()
    # a restart: tiny constructed again, then searched with the whole cooling
    problem = Problem.build(load_instance(TINY))
    start = TeamStart(problem, construct(problem, 0), 0.0)
    given.clear()
    monkeypatch.setattr(rounds_module, "_second_round", polish)
    with make_executor("local", workers=1) as executor:
        cold = replace(job(None, 1, 1, seconds=3.0), seed=5, cooling=(1.0, 1.0))
        outcomes = {0: rounds_module.as_found(start, Weights(), "work")}
        rounds_module._restart_round(executor, [(0, start)], outcomes, cold, _heard)
    assert given == [(0.0, 1.0)]


class _Recording(InlineExecutor):
    """Runs the jobs in this process and keeps each map's task and jobs, in submitted order."""

    def __init__(self) -> None:
        super().__init__()
        self.maps: list[tuple[object, list[object]]] = []

    def map(self, task, jobs, on_event=lambda e: None):  # type: ignore[no-untyped-def]
        self.maps.append((task, list(jobs)))
        return super().map(task, jobs, on_event)


def test_the_starts_are_routed_longest_first_and_each_team_keeps_its_own(tmp_path: Path) -> None:
    """The travel starts go to the processes in the order of what each team's construction
    has left to gain (the further, the longer its routing toward familiar carers), and each
    team's search still starts from its own."""
    generated = generate_instance(teams=3, clients_per_team=10, staff_per_team=5, days=3, seed=1)
    write_model(tmp_path / "three.json", generated)
    parts = [p for p in team_instances(load_instance(tmp_path / "three.json")) if p.visits]
    executor = _Recording()
    searched = solve_teams(
        executor, parts, [None] * len(parts), job(0.05, len(parts), 1), lambda e: None, 1, True
    )
    firsts = executor.maps[0][1]
    travel_task, travel_jobs = executor.maps[1]
    assert travel_task is rounds_module._travel_task
    gaps = [
        rounds_module._need(rounds_module.as_found(start, Weights()), start)
        for start, _ in travel_jobs  # type: ignore[misc]
    ]
    assert gaps == sorted(gaps, reverse=True) and len(set(gaps)) > 1
    assert len(firsts) == len(parts) == len(searched)
    for part, outcomes in zip(parts, searched, strict=True):
        assert outcomes[0].team == part.teams[0].id
        assert set(outcomes[0].solution.assignments) <= {v.id for v in part.visits}
