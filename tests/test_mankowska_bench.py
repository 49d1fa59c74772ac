"""The Mankowska benchmark adapter: the CP-SAT search finds what reasoning says is optimal on a
hand-made instance and a checked solution of A1; the independent checker rejects broken ones."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

from benchmarks.mankowska import best_known, default_names, main, run_instance
from benchmarks.mankowska_check import check
from benchmarks.mankowska_greedy import greedy
from benchmarks.mankowska_lns import search
from benchmarks.mankowska_model import SCALE, add_hint, build, run
from benchmarks.mankowska_source import Solution, Source, parse_source, read_source

PUBLIC = Path(__file__).resolve().parent.parent.parent / "shared" / "instances-public"
MANKOWSKA = PUBLIC / "mankowska2014-hhcrsp"

# Depot at (0, 0); patient 1 at (0, 20) needs service 0; patient 2 at (0, 10) needs services
# 0 then 1, the second starting 5 to 10 after the first; patient 3 at (0, -10) needs service 1
# and should start by 5. Staff 0 can do service 0 only, staff 1 both. Every service takes 5.
HAND = """nbNodes
5
nbVehi
2
nbServi
2
r
1 1
1 0
1 1
0 1
1 1
DS
3
a
1 0
1 1
x
0 0 0 0 0
y
0 20 10 -10 0
d
0 20 10 10 0
20 0 10 30 20
10 10 0 20 10
10 30 20 0 10
0 20 10 10 0
p
0 0
0 0
5 5
5 5
5 5
5 5
5 5
5 5
0 0
0 0
mind
0 0 5 0 0
maxd
0 0 10 0 0
e
0 0 0 0 0
l
600 100 100 5 1000
"""


def _solve(src: Source, seconds: float) -> Solution:
    grid = src.scaled(SCALE)
    return search(grid, greedy(grid), seconds).solution.rescaled(SCALE)


def test_hand_instance_reaches_the_optimum_found_by_reasoning() -> None:
    # Only staff 1 holds service 1, so it does patient 3 and patient 2's second service, and
    # staff 0 patient 2's first (two different staff). Both routes reach (0, 10) and back (20
    # each), staff 1's also (0, -10) (+20), and whoever serves (0, 20) adds 20 more: travel
    # >= 80. Patient 3 cannot start before 10 (travel from the depot), 5 late: total and
    # maximum tardiness >= 5. Staff 1 going 3 -> 2 meets every bound, so the optimum is
    # (80 + 5 + 5) / 3 = 30.
    src = parse_source(HAND, "hand")
    result = check(src, _solve(src, 5))
    assert result.feasible, result.problems
    assert result.cost == pytest.approx(30, abs=1e-6)
    assert (result.travel, result.tardiness, result.max_tardiness) == pytest.approx((80, 5, 5))


def test_greedy_start_is_feasible_in_the_source_and_seeded() -> None:
    src = parse_source(HAND, "hand")
    for tries in (1, 20):
        result = check(src, greedy(src.scaled(SCALE), tries, seed=3).rescaled(SCALE))
        assert result.feasible, result.problems
        assert result.cost >= 30 - 1e-6
    assert greedy(src, 20, seed=3) == greedy(src, 20, seed=3)


def _valid() -> tuple[Source, Solution]:
    src = parse_source(HAND, "hand")
    sol = Solution([[(2, 0), (1, 0)], [(3, 1), (2, 1)]], {(2, 0): 25, (1, 0): 40, (3, 1): 10, (2, 1): 35})
    assert check(src, sol).feasible and check(src, sol).cost == pytest.approx(30)
    return src, sol


def test_checker_rejects_a_violated_synchronisation_gap() -> None:
    src, sol = _valid()
    sol.starts[(2, 0)] = 24  # second service 11 after the first: max is 10
    assert any("gap" in p for p in check(src, sol).problems)
    sol.starts[(2, 0)] = 35  # simultaneous, but the minimum gap is 5
    assert any("gap" in p for p in check(src, sol).problems)


def test_checker_rejects_missing_duplicate_unqualified_and_too_early_services() -> None:
    src, sol = _valid()
    missing = copy.deepcopy(sol)
    missing.routes[0].remove((1, 0))
    assert any("not done" in p for p in check(src, missing).problems)
    twice = copy.deepcopy(sol)
    twice.routes[1].append((1, 0))  # staff 1 may do service 0, but staff 0 does it already
    assert any("done twice" in p for p in check(src, twice).problems)
    unqualified = Solution([[(2, 1), (1, 0)], [(3, 1), (2, 0)]], dict(sol.starts))  # staff 0 lacks service 1
    assert any("not qualified" in p for p in check(src, unqualified).problems)
    too_early = copy.deepcopy(sol)
    too_early.starts[(3, 1)] = 9.5  # staff 1 needs 10 to get there
    assert any("arrives" in p for p in check(src, too_early).problems)


def test_checker_rejects_both_services_by_one_staff_member() -> None:
    src = parse_source(HAND, "hand")
    sol = Solution([[(1, 0)], [(3, 1), (2, 0), (2, 1)]], {(1, 0): 20, (3, 1): 10, (2, 0): 35, (2, 1): 40})
    assert any("both services" in p for p in check(src, sol).problems)


def test_cost_counts_travel_back_to_the_end_depot_and_tardiness() -> None:
    src, sol = _valid()
    late = copy.deepcopy(sol)
    late.starts[(1, 0)] = 150  # 50 after patient 1's window end
    result = check(src, late)
    assert result.feasible
    assert (result.tardiness, result.max_tardiness) == pytest.approx((55, 50))
    assert result.cost == pytest.approx((80 + 55 + 50) / 3)


def test_best_known_is_the_proven_optimum_else_the_best_published_cost() -> None:
    row = {"LB_plus": "477.3", "LB_plus_is_proven_optimal": "0", "mankowska2014_best": "1123.6",
           "lasfargeas2019_best": "974.2", "brkga_mp_ipr_best": "965.2", "cplex_2h_warmstart_final_tableA1": "951.0"}
    assert best_known(row) == (951.0, "cplex_2h_warmstart_final_tableA1")
    assert best_known(row | {"LB_plus_is_proven_optimal": "1"}) == (477.3, "optimal (LB+)")


@pytest.mark.skipif(not MANKOWSKA.is_dir(), reason=f"public instance sets not present at {PUBLIC}")
def test_a1_solution_is_accepted_by_the_checker_and_not_below_the_proven_optimum() -> None:
    run = run_instance(next(MANKOWSKA.glob("A1__*.txt")), time_limit=5)
    assert run.check.feasible, run.check.problems
    optimum = 218.2  # proven optimal (the folder's reference_results.csv)
    assert run.check.cost >= optimum - 0.05  # the published optimum is rounded to 0.1
    if run.status == "OPTIMAL":
        assert math.isclose(run.check.cost, optimum, abs_tol=0.05)


@pytest.mark.skipif(not MANKOWSKA.is_dir(), reason=f"public instance sets not present at {PUBLIC}")
def test_default_names_are_families_a_to_c_in_natural_order() -> None:
    names = default_names(MANKOWSKA)
    assert names[:2] == ["A1", "A2"] and "A10" in names
    assert {n[0] for n in names} == {"A", "B", "C"}
    assert names.index("A10") == names.index("A9") + 1


@pytest.mark.skipif(not MANKOWSKA.is_dir(), reason=f"public instance sets not present at {PUBLIC}")
def test_a_work_limit_makes_the_search_repeatable_and_every_result_is_checked() -> None:
    src = read_source(next(MANKOWSKA.glob("B1__*.txt")))  # not proven optimal in the first phase
    grid = src.scaled(SCALE)
    start = greedy(grid, 20, seed=1)
    first, again = (search(grid, start, 30, seed=1, work_limit=0.15) for _ in range(2))
    assert first.steps > 0
    assert (first.solution, first.objective) == (again.solution, again.objective)
    result = check(src, first.solution.rescaled(SCALE))
    assert result.feasible, result.problems
    assert result.cost * 3 * SCALE <= first.objective + 1e-6  # the grid rounds travel up
    assert result.cost <= check(src, start.rescaled(SCALE)).cost + 1e-6


def test_last_return_is_when_the_latest_route_is_back_at_the_depot() -> None:
    src, sol = _valid()
    # staff 0 leaves patient 1 at 45 and drives 20 home; staff 1 leaves patient 2 at 40, 10 home
    assert check(src, sol).last_return == pytest.approx(65)


@pytest.mark.skipif(not MANKOWSKA.is_dir(), reason=f"public instance sets not present at {PUBLIC}")
def test_published_a8_routes_cost_what_their_authors_printed() -> None:
    # Kummer et al.'s BRKGA solution of A8 (afkummer/gecco2020-brkga,
    # solutions/routes/solution-10-8-2.txt): "Cost = 232.049 Dist = 653.268 Tard = 26.5071
    # TMax = 16.3711", with tardiness and both kinds of double service. Timed by the model on
    # our grid (travel rounded up by < 0.01 a leg), the checker must agree with their evaluator.
    src = read_source(next(MANKOWSKA.glob("A8__*.txt")))
    routes = [[(10, 1), (4, 1), (6, 2), (9, 0), (5, 0)], [(8, 5)],
              [(8, 4), (10, 3), (7, 3), (1, 4), (3, 4), (2, 4), (9, 3)]]
    timed = run(build(src.scaled(SCALE), routes, [[], [], []]), 5).solution
    result = check(src, timed.rescaled(SCALE))
    assert result.feasible, result.problems
    assert result.travel == pytest.approx(653.268, abs=1e-3)
    assert (result.tardiness, result.max_tardiness) == pytest.approx((26.5071, 16.3711), abs=0.1)
    assert result.cost == pytest.approx(232.049, abs=0.05)


def test_command_prints_a_checked_row_per_instance_and_refuses_unknown_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "H1__hand.txt").write_text(HAND)
    (tmp_path / "reference_results.csv").write_text("instance,LB_plus,LB_plus_is_proven_optimal\nH1,30.0,1\n")
    main(["--folder", str(tmp_path), "--time-limit", "5", "H1"])
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("| H1 "))
    assert row.startswith("| H1 | 30.0 | optimal (LB+) | 30.00 | +0.00% | feasible |")
    with pytest.raises(SystemExit) as failed:
        main(["--folder", str(tmp_path), "H2"])
    assert failed.value.code == 2


def test_the_tardiness_cap_keeps_any_solution_the_bound_allows() -> None:
    # Patient 3 cannot start before 10 (travel), five late, which counts twice (total and
    # maximum): a bound of 90 (the valid solution's 3 x 30) admits it, one below 2 x 5 none.
    src, sol = _valid()
    grid, on_grid = src.scaled(SCALE), Solution(sol.routes, {s: t * SCALE for s, t in sol.starts.items()})
    for bound, admitted in ((90 * SCALE, True), (10 * SCALE - 1, False)):
        built = build(grid, bound=bound)
        add_hint(built, on_grid)
        assert run(built, 5).status in (("OPTIMAL", "FEASIBLE") if admitted else ("INFEASIBLE",))
