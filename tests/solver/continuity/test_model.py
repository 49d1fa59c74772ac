"""Each constraint family of the CP-SAT neighbourhood model, satisfied and violated.

Every test builds the families a rule needs on a small instance whose answer follows by
reasoning, fixes the decision in question, and asks CP-SAT whether the model still has a
solution: a rule that holds must leave one, a broken rule none."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Instance
from hemplan.solver.continuity.model.assignment import add_candidates, add_locked_carers, add_visit
from hemplan.solver.continuity.model.continuity import add_new_pairs
from hemplan.solver.continuity.model.objective import objective_levels
from hemplan.solver.continuity.model.roles import add_roles
from hemplan.solver.continuity.model.routes import add_route
from hemplan.solver.continuity.model.solve import lexicographic
from hemplan.solver.continuity.model.staffing import add_staffing
from hemplan.solver.continuity.model.stagger import add_stagger
from hemplan.solver.continuity.model.tardiness import add_tardiness, add_worst_lateness
from hemplan.solver.continuity.model.times import Start
from hemplan.solver.continuity.model.variables import Candidate, RouteVars, VisitVars
from hemplan.solver.continuity.model.weeks import add_week_repeats
from hemplan.solver.problem import Problem
from hemplan.solver.score import Weights
from hemplan.solver.solution import Placement
from hemplan.solver.travel import travel_times
from tests.small_instances import late_carer, shift, small, visit

HOME = {"lat": 62.392, "lon": 17.304}  # every client lives here: no travel between visits


@dataclass
class Built:
    model: cp_model.CpModel
    serves: dict[Candidate, cp_model.IntVar]
    visits: dict[str, VisitVars]
    routes: dict[tuple[str, int], RouteVars]


def build(
    instance: Instance,
    free: list[str],
    current: dict[str, Placement] | None = None,
    routes: bool = True,
) -> Built:
    """The assignment, staffing, lock and (optionally) route families for `free`, with every
    eligible carer allowed, around the fixed `current` placements."""
    current = current or {}
    problem = Problem.build(instance)
    model = cp_model.CpModel()
    allowed = {v: [c.id for c in instance.staff] for v in free}
    serves = add_candidates(model, problem, allowed, free)
    visits = {}
    for v_id in free:
        v = instance.visit_by_id[v_id]
        visits[v_id] = add_visit(model, v)
        add_staffing(model, v, visits[v_id], serves)
        add_locked_carers(model, v, visits[v_id], serves)
    built_routes: dict[tuple[str, int], RouteVars] = {}
    if routes:
        start: dict[str, Start] = {v: visits[v].start for v in free} | {
            v: p.start for v, p in current.items()
        }
        keys = sorted(
            {(c, d) for (_, c, d) in serves}
            | {(c, p.day) for p in current.values() for c in p.carers}
        )
        for c, d in keys:
            fixed = sorted(
                (v for v, p in current.items() if p.day == d and c in p.carers),
                key=lambda v: current[v].start,
            )
            built_routes[(c, d)] = add_route(
                model, problem, c, d, fixed, [v for v in free if (v, c, d) in serves], serves, start
            )
    return Built(model, serves, visits, built_routes)


def feasible(model: cp_model.CpModel) -> bool:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def with_fixed(built: Built, *constraints: object) -> bool:
    """Whether the model has a solution once `constraints` are added (on a copy)."""
    model = built.model.clone()
    for c in constraints:
        model.add(c)
    return feasible(model)


def one_carer(visits: list[dict], staff: list[dict] | None = None) -> Instance:
    staff = staff or [{"id": "A", "shifts": [shift(0)]}]
    return small(staff, [{"id": "K", "location": HOME}], visits, days=2)


# --- assignment and presence ------------------------------------------------------------------


def test_a_candidate_exists_only_on_a_day_the_carer_works() -> None:
    inst = one_carer(
        [visit("V", "K", 0, last_day=1)],
        [{"id": "A", "shifts": [shift(0)]}, {"id": "B", "shifts": [shift(1)]}],
    )
    built = build(inst, ["V"], routes=False)
    assert set(built.serves) == {("V", "A", 0), ("V", "B", 1)}


def test_a_start_inside_the_window_is_allowed_and_one_outside_is_not() -> None:
    built = build(one_carer([visit("V", "K", 0, "08:00", "09:00")]), ["V"])
    start = built.visits["V"].start
    assert with_fixed(built, start == 9 * 60, built.visits["V"].served == 1)
    assert not with_fixed(built, start == 9 * 60 + 1)
    assert not with_fixed(built, start == 8 * 60 - 1)


def test_a_locked_start_is_the_only_start() -> None:
    built = build(one_carer([visit("V", "K", 0, "08:00", "09:00", locked_start="08:20")]), ["V"])
    assert with_fixed(built, built.visits["V"].start == 8 * 60 + 20)
    assert not with_fixed(built, built.visits["V"].start == 8 * 60 + 21)


def test_a_locked_carer_serves_the_visit_whenever_it_is_served() -> None:
    staff = [{"id": "A", "shifts": [shift(0)]}, {"id": "B", "shifts": [shift(0)]}]
    built = build(one_carer([visit("V", "K", 0, locked_carers=["A"])], staff), ["V"])
    served = built.visits["V"].served
    assert with_fixed(built, served == 1, built.serves[("V", "A", 0)] == 1)
    assert not with_fixed(
        built, served == 1, built.serves[("V", "A", 0)] == 0, built.serves[("V", "B", 0)] == 1
    )


def test_a_soft_window_allows_a_start_up_to_its_lateness_and_prices_each_late_minute() -> None:
    """V may start 08:00-09:00, up to 30 minutes late; its carer works from 09:20."""
    inst = late_carer(30)
    built = build(inst, ["V"])
    [late] = add_tardiness(built.model, Problem.build(inst), ["V"], built.visits).terms
    start, served = built.visits["V"].start, built.visits["V"].served == 1
    assert with_fixed(built, served, start == 9 * 60 + 20, late == 20)
    assert not with_fixed(built, served, start == 9 * 60 + 20, late <= 19)
    assert with_fixed(built, served, start == 9 * 60 + 30)
    assert not with_fixed(built, start == 9 * 60 + 31)


def test_the_worst_lateness_is_at_least_every_late_start_and_the_fixed_worst() -> None:
    """V starts at 09:20, 20 minutes late; a visit the step keeps is 25 late: the worst is 25
    (not 20), and 30 when V starts 30 late."""
    inst = late_carer(30)
    built = build(inst, ["V"])
    lateness = add_tardiness(built.model, Problem.build(inst), ["V"], built.visits)
    worst = add_worst_lateness(built.model, lateness, 25)
    start, served = built.visits["V"].start, built.visits["V"].served == 1
    assert with_fixed(built, served, start == 9 * 60 + 20, worst == 25)
    assert not with_fixed(built, served, start == 9 * 60 + 20, worst <= 24)
    assert with_fixed(built, served, start == 9 * 60 + 30, worst == 30)
    assert not with_fixed(built, served, start == 9 * 60 + 30, worst <= 29)


def test_a_start_in_a_later_window_is_not_late() -> None:
    """Windows 08:00-09:00 and 09:15-10:00, 30 minutes late allowed: 09:20 lies in the second."""
    windows = {"windows": [["08:00", "09:00"], ["09:15", "10:00"]], "lateness": {"max": 30}}
    raw = visit("V", "K", 0, **windows)
    del raw["window"]
    inst = one_carer([raw])
    built = build(inst, ["V"])
    [late] = add_tardiness(built.model, Problem.build(inst), ["V"], built.visits).terms
    start, served = built.visits["V"].start, built.visits["V"].served == 1
    assert with_fixed(built, served, start == 9 * 60 + 20, late == 0)
    assert with_fixed(built, served, start == 9 * 60 + 10, late == 10)
    assert not with_fixed(built, served, start == 9 * 60 + 10, late <= 9)


def test_hard_windows_add_no_tardiness() -> None:
    inst = late_carer(None)
    built = build(inst, ["V"], routes=False)
    before = len(built.model.proto.constraints)
    assert add_tardiness(built.model, Problem.build(inst), ["V"], built.visits).terms == []
    assert len(built.model.proto.constraints) == before


# --- staffing and double staffing ---------------------------------------------------------------


def test_a_served_visit_has_exactly_the_carers_it_needs() -> None:
    staff = [{"id": c, "shifts": [shift(0)]} for c in ("A", "B", "C")]
    built = build(one_carer([visit("V", "K", 0, staff_needed=2)], staff), ["V"], routes=False)
    lit = {c: built.serves[("V", c, 0)] for c in "ABC"}
    served = built.visits["V"].served
    assert with_fixed(built, served == 1, lit["A"] == 1, lit["B"] == 1, lit["C"] == 0)
    assert not with_fixed(built, served == 1, lit["A"] == 1, lit["B"] == 0, lit["C"] == 0)
    assert not with_fixed(built, served == 1, lit["A"] == 1, lit["B"] == 1, lit["C"] == 1)
    assert not with_fixed(built, served == 0, lit["A"] == 1)


def test_both_carers_of_a_double_visit_come_on_the_same_day() -> None:
    staff = [{"id": c, "shifts": [shift(0), shift(1)]} for c in ("A", "B")]
    built = build(
        one_carer([visit("V", "K", 0, staff_needed=2, last_day=1)], staff), ["V"], routes=False
    )
    s = built.serves
    assert with_fixed(built, s[("V", "A", 1)] == 1, s[("V", "B", 1)] == 1)
    assert not with_fixed(built, s[("V", "A", 0)] == 1, s[("V", "B", 1)] == 1)


def test_a_visit_with_roles_needs_a_carer_holding_each_role_skills() -> None:
    staff = [
        {"id": "A", "skills": ["medication"], "shifts": [shift(0)]},
        {"id": "B", "shifts": [shift(0)]},
        {"id": "C", "shifts": [shift(0)]},
    ]
    roles = [{"skills": ["medication"]}, {"skills": []}]
    inst = one_carer([visit("V", "K", 0, staff_needed=2, roles=roles)], staff)
    built = build(inst, ["V"], routes=False)
    add_roles(built.model, Problem.build(inst), inst.visits[0], built.visits["V"], built.serves)
    lit = {c: built.serves[("V", c, 0)] for c in "ABC"}
    served = built.visits["V"].served == 1
    assert with_fixed(built, served, lit["A"] == 1, lit["B"] == 1)
    assert not with_fixed(built, served, lit["B"] == 1, lit["C"] == 1)


def test_a_visit_without_roles_adds_no_role_constraint() -> None:
    staff = [{"id": c, "shifts": [shift(0)]} for c in ("B", "C")]
    inst = one_carer([visit("V", "K", 0, staff_needed=2)], staff)
    built = build(inst, ["V"], routes=False)
    before = len(built.model.proto.constraints)
    add_roles(built.model, Problem.build(inst), inst.visits[0], built.visits["V"], built.serves)
    assert len(built.model.proto.constraints) == before
    assert with_fixed(built, built.visits["V"].served == 1)


def staggered(gap: tuple[int, int], **extra: object) -> tuple[Instance, Built]:
    """V (08:00-09:00 unless told, 30 min) needs a nurse (A) and any carer (B, C), the second
    role starting `gap` minutes after the first; the stagger family built on it."""
    staff = [
        {"id": "A", "skills": ["medication"], "shifts": [shift(0)]},
        {"id": "B", "shifts": [shift(0)]},
        {"id": "C", "shifts": [shift(0)]},
    ]
    roles = [{"skills": ["medication"]}, {"skills": []}]
    gap_ = {"min": gap[0], "max": gap[1]}
    inst = one_carer([visit("V", "K", 0, staff_needed=2, roles=roles, gap=gap_, **extra)], staff)
    return inst, build(inst, ["V"], routes=False)


def test_the_second_role_starts_within_the_gap_after_the_first() -> None:
    inst, built = staggered((10, 20))
    s = add_stagger(
        built.model, Problem.build(inst), inst.visits[0], built.visits["V"], built.serves
    )
    start, served = built.visits["V"].start, built.visits["V"].served == 1
    assert with_fixed(built, served, start == 8 * 60, s.second == 8 * 60 + 15)
    assert not with_fixed(built, served, start == 8 * 60, s.second == 8 * 60 + 21)
    assert not with_fixed(built, served, start == 8 * 60, s.second == 8 * 60 + 9)


def test_each_carer_starts_at_its_role_start_and_only_a_nurse_takes_the_nurse_role() -> None:
    inst, built = staggered((20, 20), window={"earliest": "08:00", "latest": "08:00"})
    s = add_stagger(
        built.model, Problem.build(inst), inst.visits[0], built.visits["V"], built.serves
    )
    lit = {c: built.serves[("V", c, 0)] for c in "ABC"}
    pair = [built.visits["V"].served == 1, lit["A"] == 1, lit["B"] == 1]
    assert with_fixed(built, *pair, s.own["A"] == 8 * 60, s.own["B"] == 8 * 60 + 20)
    assert not with_fixed(built, *pair, s.own["B"] == 8 * 60)  # B cannot be the nurse
    assert not with_fixed(built, built.visits["V"].served == 1, lit["B"] == 1, lit["C"] == 1)


def test_a_late_second_role_is_priced_by_its_own_start() -> None:
    """Window 08:00-08:00 with 30 minutes of lateness, gap 20: on time, the second role's
    carer is still 20 minutes late."""
    inst, built = staggered(
        (20, 20), window={"earliest": "08:00", "latest": "08:00"}, lateness={"max": 30}
    )
    s = add_stagger(
        built.model, Problem.build(inst), inst.visits[0], built.visits["V"], built.serves
    )
    problem = Problem.build(inst)
    [late] = add_tardiness(built.model, problem, ["V"], built.visits, {"V": s.second}).terms
    start, served = built.visits["V"].start, built.visits["V"].served == 1
    assert with_fixed(built, served, start == 8 * 60, late == 20)
    assert not with_fixed(built, served, start == 8 * 60, late <= 19)
    assert with_fixed(built, served, start == 8 * 60 + 5, late == 5 + 25)


# --- routes and circuits ------------------------------------------------------------------------


def test_two_visits_fit_one_route_only_one_after_the_other() -> None:
    """A and B both take an hour; A must start at 08:00, B between 08:30 and 09:00: B after A is
    possible from 09:00 on (no travel between them), so B may not start at 08:45 on A's route."""
    inst = one_carer(
        [visit("A", "K", 0, "08:00", "08:00", 60), visit("B", "K", 0, "08:30", "09:00", 60)]
    )
    built = build(inst, ["A", "B"])
    both = [built.serves[("A", "A", 0)] == 1, built.serves[("B", "A", 0)] == 1]
    assert with_fixed(built, *both, built.visits["B"].start == 9 * 60)
    assert not with_fixed(built, *both, built.visits["B"].start == 8 * 60 + 45)


def test_a_freed_visit_cannot_squeeze_between_fixed_visits_without_room() -> None:
    """Fixed visits at 08:00-09:00 and 09:10-10:10 leave a 10-minute gap: a 30-minute visit
    that must start by 09:00 cannot go on that route, one that may start at 10:10 can."""
    inst = one_carer(
        [
            visit("F1", "K", 0, "08:00", "08:00", 60),
            visit("F2", "K", 0, "09:10", "09:10", 60),
            visit("V", "K", 0, "08:30", "09:00", 30),
            visit("W", "K", 0, "08:30", "10:30", 30),
        ]
    )
    current = {"F1": Placement(0, 8 * 60, ("A",)), "F2": Placement(0, 9 * 60 + 10, ("A",))}
    built = build(inst, ["V", "W"], current)
    assert not with_fixed(built, built.serves[("V", "A", 0)] == 1)
    assert with_fixed(built, built.serves[("W", "A", 0)] == 1)


def test_the_route_must_get_back_to_the_office_by_the_end_of_the_shift() -> None:
    late = [{"id": "A", "shifts": [shift(0, "07:00", "09:00")]}]
    inst = one_carer([visit("V", "K", 0, "08:00", "08:50", 30)], late)
    built = build(inst, ["V"])
    travel = travel_times(inst)
    back = travel.between("bike", travel.client_index["K"], travel.office_index["T"])
    assert with_fixed(
        built, built.serves[("V", "A", 0)] == 1, built.visits["V"].start == 9 * 60 - 30 - back
    )
    assert not with_fixed(
        built, built.serves[("V", "A", 0)] == 1, built.visits["V"].start == 9 * 60 - 30 - back + 1
    )


# --- breaks -------------------------------------------------------------------------------------


def break_day(gap_minutes: int) -> Built:
    """Fixed visits from 11:00 and from 11:30 + 30 + gap, a 30-minute break between 11:00 and
    12:00; a freed visit early in the day makes the route a model route."""
    first_end = 11 * 60 + 30
    second = first_end + gap_minutes
    staff = [
        {
            "id": "A",
            "shifts": [
                shift(0, brk=True)
                | {"break": {"minutes": 30, "earliest": "11:00", "latest": "12:00"}}
            ],
        }
    ]
    inst = one_carer(
        [
            visit("F1", "K", 0, "11:00", "11:00", 30),
            visit(
                "F2",
                "K",
                0,
                f"{second // 60:02d}:{second % 60:02d}",
                f"{second // 60:02d}:{second % 60:02d}",
                120,
            ),
            visit("V", "K", 0, "08:00", "08:00", 30),
        ],
        staff,
    )
    current = {"F1": Placement(0, 11 * 60, ("A",)), "F2": Placement(0, second, ("A",))}
    return build(inst, ["V"], current)


def test_the_break_fits_a_gap_long_enough_and_starts_inside_its_window() -> None:
    built = break_day(30)
    route = built.routes[("A", 0)]
    assert route.break_start is not None
    assert with_fixed(built, route.break_start == 11 * 60 + 30)
    assert not with_fixed(built, route.break_start == 11 * 60 + 31)  # would end inside F2


def test_a_route_whose_gaps_are_too_short_for_the_break_is_infeasible() -> None:
    built = break_day(29)
    assert not feasible(built.model)


# --- continuity ---------------------------------------------------------------------------------


def test_a_pair_already_met_outside_costs_nothing_and_a_new_one_costs_one() -> None:
    staff = [{"id": c, "shifts": [shift(0), shift(1)]} for c in ("A", "B")]
    inst = one_carer([visit("V0", "K", 0), visit("V1", "K", 1)], staff)
    current = {"V0": Placement(0, 8 * 60, ("A",))}
    built = build(inst, ["V1"], current, routes=False)
    pairs = add_new_pairs(built.model, Problem.build(inst), current, {"V1"}, built.serves)
    assert [p.pair.name for p in pairs] == ["new_pair[K,B]"]  # A meets K outside the step
    assert not pairs[0].known
    model = built.model.clone()
    model.add(built.serves[("V1", "B", 1)] == 1)
    model.minimize(sum(p.pair for p in pairs))
    solver = cp_model.CpSolver()
    solver.solve(model)
    assert solver.objective_value == 1


def test_a_carer_met_in_the_history_is_a_known_pair_and_costs_less() -> None:
    """K met B the day before the horizon: giving K to B costs a tenth of a new carer, to C a whole
    one, so the step picks B though both could come."""
    staff = [{"id": c, "shifts": [shift(0)]} for c in ("B", "C")]
    history = {"visits": [{"date": "2026-01-04", "client": "K", "carers": ["B"]}]}
    inst = small(staff, [{"id": "K", "location": HOME}], [visit("V", "K", 0)], 2, history=history)
    built = build(inst, ["V"], routes=False)
    problem = Problem.build(inst)
    pairs = add_new_pairs(built.model, problem, {}, {"V"}, built.serves)
    assert {p.pair.name: p.known for p in pairs} == {"new_pair[K,B]": True, "new_pair[K,C]": False}
    levels = objective_levels(
        built.model, problem, {}, ["V"], built.visits, built.serves, [], pairs, {}, Weights()
    )
    model = built.model.clone()
    model.add(built.visits["V"].served == 1)
    model.minimize(levels.heads)
    solver = cp_model.CpSolver()
    solver.solve(model)
    assert round(solver.objective_value) == Weights().new_pair * Weights().known_share // 100
    assert solver.value(built.serves[("V", "B", 0)]) == 1


# --- stable week -------------------------------------------------------------------------------


def test_a_week_repeat_holds_only_when_the_carer_of_the_week_before_comes() -> None:
    """V7 is V0 a week later; A did V0, so V7 repeats it only when A does V7 too."""
    staff = [{"id": c, "shifts": [shift(0), shift(7)]} for c in ("A", "B")]
    inst = small(
        staff, [{"id": "K", "location": HOME}], [visit("V0", "K", 0), visit("V7", "K", 7)], 8
    )
    current = {"V0": Placement(0, 8 * 60, ("A",)), "V7": Placement(7, 8 * 60, ("B",))}
    built = build(inst, ["V7"], current, routes=False)
    [repeat] = add_week_repeats(built.model, Problem.build(inst), current, {"V7"}, built.serves)
    assert repeat.name == "week_repeat[V7]"
    assert with_fixed(built, repeat == 1, built.serves[("V7", "A", 7)] == 1)
    assert not with_fixed(built, repeat == 1, built.serves[("V7", "B", 7)] == 1)


def test_a_fixed_visit_a_week_later_asks_the_freed_one_for_its_carer() -> None:
    staff = [{"id": c, "shifts": [shift(0), shift(7)]} for c in ("A", "B")]
    inst = small(
        staff, [{"id": "K", "location": HOME}], [visit("V0", "K", 0), visit("V7", "K", 7)], 8
    )
    current = {"V0": Placement(0, 8 * 60, ("A",)), "V7": Placement(7, 8 * 60, ("B",))}
    built = build(inst, ["V0"], current, routes=False)
    [repeat] = add_week_repeats(built.model, Problem.build(inst), current, {"V0"}, built.serves)
    assert repeat.name == "week_repeat[V7]"
    assert with_fixed(built, repeat == 1, built.serves[("V0", "B", 0)] == 1)
    assert not with_fixed(built, repeat == 1, built.serves[("V0", "A", 0)] == 1)


# --- objective levels ---------------------------------------------------------------------------


def test_heads_come_first_a_mandatory_visit_is_served_whatever_the_travel() -> None:
    """Serving V needs the far carer's whole morning; the step serves it anyway, then the
    minutes are minimised with the heads held."""
    inst = one_carer([visit("V", "K", 0, "08:00", "12:00", 30)])
    built = build(inst, ["V"])
    route = built.routes[("A", 0)]
    levels = objective_levels(
        built.model,
        Problem.build(inst),
        {},
        ["V"],
        built.visits,
        built.serves,
        [route],
        [],
        {},
        Weights(),
    )
    solved = lexicographic(built.model, levels, 5.0, 0, 1, None, 1.0)
    assert solved is not None and solved.solver.value(built.visits["V"].served) == 1
    assert solved.status == "OPTIMAL"
