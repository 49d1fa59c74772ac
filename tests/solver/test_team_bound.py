"""The team bound (`solver.team_bound`): each family satisfied and violated, a team whose
capacity forces a client above its own bound, and the bound against brute force over every
lawful schedule of small instances (each verified by the evaluator)."""

from __future__ import annotations

from itertools import permutations, product

from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from hemplan.models.contract.clock import format_clock
from hemplan.models.contract.instance import Instance, Staff, Visit
from hemplan.models.contract.schedule import Schedule
from hemplan.models.evaluator import evaluate
from hemplan.solver.assemble import to_schedule
from hemplan.solver.bounds import client_bounds
from hemplan.solver.problem import Problem
from hemplan.solver.solution import Placement, Solution
from hemplan.solver.team_bound import (
    Stretch,
    add_apart,
    add_day_minutes,
    add_stretches,
    build_model,
    serves_every_visit,
    team_bound,
    team_bounds,
)
from tests.small_instances import shift, small, visit


def _feasible(model: cp_model.CpModel) -> bool:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _bound(instance: Instance) -> tuple[int, int]:
    """(the clients' bounds summed, the team bound) of a one-team instance."""
    result = team_bound(Problem.build(instance), "T", None, 20.0, 0, None)
    assert result.status == "OPTIMAL"
    return result.cover, result.bound


def _parts(*spans: tuple[int, int, int]) -> tuple[cp_model.CpModel, list[Stretch]]:
    """A model with one literal per (release, deadline, minutes), each forced true."""
    model = cp_model.CpModel()
    parts = []
    for release, deadline, minutes in spans:
        does = model.new_bool_var("")
        model.add(does == 1)
        parts.append(Stretch(release, deadline, minutes, does))
    return model, parts


def test_stretches_refuse_two_parts_that_must_overlap() -> None:
    model, parts = _parts((480, 520, 30), (490, 530, 30))  # 60 min in 50
    add_stretches(model, parts)
    assert not _feasible(model)


def test_stretches_accept_parts_with_room_and_weigh_only_what_must_be_inside() -> None:
    model, parts = _parts((480, 540, 30), (490, 550, 30))  # 60 min in 70
    add_stretches(model, parts)
    assert _feasible(model)
    model, parts = _parts((480, 520, 30), (490, 600, 30))  # the second may follow the first
    add_stretches(model, parts)
    assert _feasible(model)


def test_apart_refuses_parts_whose_minutes_fit_but_not_their_order() -> None:
    """B must run 08:20-08:50; A (30 min) must end by 09:00: before B it would overlap, after
    it end at 09:20. The stretches weigh 60 minutes in 60 and accept it."""
    model, parts = _parts((480, 540, 30), (500, 530, 30))
    add_stretches(model, parts)
    assert _feasible(model)
    add_apart(model, parts)
    assert not _feasible(model)
    model, parts = _parts((480, 560, 40), (480, 560, 40))  # back to back: satisfied
    add_apart(model, parts)
    assert _feasible(model)


def test_day_minutes_refuse_more_than_the_shift_holds_with_its_break() -> None:
    brk = {"minutes": 30, "earliest": "08:30", "latest": "09:00"}
    for minutes, fits in ((60, True), (61, False)):  # 60 + the 30-min break = 90
        inst = small(
            [{"id": "A", "shifts": [{**shift(0, "08:00", "09:30"), "break": brk}]}],
            [{"id": "K"}],
            [visit("V", "K", 0, duration=minutes)],
            days=1,
        )
        model = cp_model.CpModel()
        works, lit = model.new_bool_var("works"), model.new_bool_var("x")
        model.add(lit == 1)
        model.add_implication(lit, works)
        add_day_minutes(model, inst.staff[0].shift_by_day[0], [(inst.visits[0], lit)], works)
        assert _feasible(model) is fits


def _service_instance() -> Instance:
    """K's double visit on day 0 or 1 (08:00-09:00), A and B work both days, C day 1 only."""
    staff = [
        {"id": "A", "shifts": [shift(0), shift(1)]},
        {"id": "B", "shifts": [shift(0), shift(1)]},
        {"id": "C", "shifts": [shift(1)]},
    ]
    visits = [visit("V", "K", 0, staff_needed=2, last_day=1)]
    return small(staff, [{"id": "K"}], visits, days=2)


def test_service_puts_a_visit_on_one_day_with_as_many_carers_as_it_needs() -> None:
    problem = Problem.build(_service_instance())
    m = build_model(problem, None, client_bounds(problem.instance, problem.eligible))
    day = {d: m.day_of[("V", d)] for d in (0, 1)}
    lits = {(c, d): lit for (c, d), visits in m.does.items() for _, lit in visits}
    assert set(lits) == {("A", 0), ("B", 0), ("A", 1), ("B", 1), ("C", 1)}
    m.model.add(day[1] == 1)
    m.model.add(lits[("A", 1)] + lits[("C", 1)] == 2)
    assert _feasible(m.model)  # satisfied: two carers on day 1
    for extra in (lits[("B", 1)] == 1, lits[("A", 0)] == 1, day[0] == 1):
        violated = m.model.clone()
        violated.add(extra)  # a third carer, a carer on the other day, both days
        assert not _feasible(violated)


def test_pairs_and_client_covers_count_each_carer_a_client_meets() -> None:
    problem = Problem.build(_service_instance())
    m = build_model(problem, None, {"K": 2})
    lits = {(c, d): lit for (c, d), visits in m.does.items() for _, lit in visits}
    m.model.add(lits[("A", 1)] + lits[("C", 1)] == 2)
    m.model.add(m.pair[("K", "A")] + m.pair[("K", "C")] <= 1)
    assert not _feasible(m.model)  # the carers who came are met
    for cover, fits in ((2, True), (3, False)):  # K's own bound held against two pairs
        covered = build_model(problem, None, {"K": cover})
        covered.model.add(sum(covered.pair.values()) <= 2)
        assert _feasible(covered.model) is fits


def _triangle(carers: int) -> Instance:
    """Clients K, L and M at 08:00 sharp (30 min) in pairs: K and L on day 0, L and M on day 1,
    M and K on day 2. Each client alone needs one carer; with two carers at work the three
    clients cannot all keep one (a triangle takes three colours), so one meets two."""
    staff = [{"id": c, "shifts": [shift(d) for d in range(3)]} for c in "ABC"[:carers]]
    pairs = [("K", "L"), ("L", "M"), ("M", "K")]
    visits = [
        visit(f"{client}{day}", client, day, "08:00", "08:00")
        for day, pair in enumerate(pairs)
        for client in pair
    ]
    return small(staff, [{"id": k} for k in "KLM"], visits, days=3)


def test_two_carers_for_a_triangle_of_clients_force_one_above_its_own_bound() -> None:
    assert _bound(_triangle(2)) == (3, 4)
    assert _bound(_triangle(3)) == (3, 3)  # a third carer: each client keeps one


def test_serves_every_visit_only_when_the_carers_have_room_at_that_hour() -> None:
    """Two 40-minute visits that must both start at 08:00-08:05: one carer cannot, two can;
    a window that leaves one of them out (or a day without them) asks no more of one carer."""
    rush = [
        visit("K", "k", 0, "08:00", "08:05", 40),
        visit("L", "l", 0, "08:00", "08:05", 40),
        visit("M", "m", 0, "09:00", "12:00", 60),
    ]
    clients = [{"id": "k"}, {"id": "l"}, {"id": "m"}]
    one = Problem.build(small([{"id": "A", "shifts": [shift(0)]}], clients, rush, days=2))
    assert not serves_every_visit(one, 0)
    assert serves_every_visit(one, 0, window=(480, 530)) is False  # the rush alone: still short
    assert serves_every_visit(one, 0, window=(481, 24 * 60))  # visit M alone
    assert serves_every_visit(one, 1)  # no visits that day
    carers = [{"id": "A", "shifts": [shift(0)]}, {"id": "B", "shifts": [shift(0)]}]
    assert serves_every_visit(Problem.build(small(carers, clients, rush, days=2)), 0)


def test_team_bounds_run_each_team_and_say_the_relaxation_was_solved() -> None:
    inst = _triangle(2)
    (found,) = team_bounds(inst, time_limit=20.0, workers=2, work_limit=5.0)
    assert found is not None
    assert (found.team, found.clients, found.cover, found.bound, found.status) == (
        "T",
        3,
        3,
        4,
        "OPTIMAL",
    )


# --- against brute force --------------------------------------------------------------------


def _lawful_schedules(instance: Instance) -> list[Schedule]:
    """Every schedule with each visit on its day by one carer, starts as early as the order, the
    travel and the break allow, that fits the carer's shift: all orders of each carer's day,
    with the break at every place in it, tried."""
    problem = Problem.build(instance)
    visits = instance.visits
    carers = [s.id for s in instance.staff]
    found = []
    for chosen in product(carers, repeat=len(visits)):
        starts: dict[str, int] = {}
        breaks: dict[tuple[str, int], int] = {}
        for carer_id, day in product(carers, sorted({v.day for v in visits})):
            mine = [v for v, c in zip(visits, chosen) if c == carer_id and v.day == day]
            timed = _first_fitting_order(problem, problem.carer(carer_id), day, mine)
            if timed is None:
                break
            starts.update(timed[0])
            if timed[1] is not None:
                breaks[(carer_id, day)] = timed[1]
        else:
            placed = {v.id: Placement(v.day, starts[v.id], (c,)) for v, c in zip(visits, chosen)}
            found.append(to_schedule(problem, Solution(assignments=placed, breaks=breaks)))
    return found


def _first_fitting_order(
    problem: Problem, carer: Staff, day: int, mine: list[Visit]
) -> tuple[dict[str, int], int | None] | None:
    """The starts (and the break's) of the first order of `mine` that fits the carer's day."""
    if not mine:
        return {}, None
    shift = carer.shift_by_day.get(day)
    if shift is None:
        return None
    office, rule = problem.office(carer), shift.break_
    for order in permutations(mine):
        for place_of_break in range(len(order) + 1) if rule is not None else [-1]:
            t, place, starts, rest = shift.start, office, {}, None
            for i, v in enumerate([*order, None]):
                if i == place_of_break and rule is not None:
                    rest = max(t, rule.earliest)
                    if rest > rule.latest:
                        break
                    t = rest + rule.minutes
                if v is None:
                    if t + problem.minutes(carer, place, office) <= shift.end:
                        return starts, rest
                    break
                home = problem.home(v)
                begin = max(t + problem.minutes(carer, place, home), v.window.earliest)
                if begin > v.window.latest:
                    break
                starts[v.id], t, place = begin, begin + v.duration, home
    return None


BREAK = {"minutes": 30, "earliest": "08:30", "latest": "09:00"}


@st.composite
def _instances(draw: st.DrawFn) -> Instance:
    days = draw(st.integers(1, 2))
    carers = draw(st.integers(2, 3))
    staff = []
    for c in range(carers):
        worked = draw(st.lists(st.integers(0, days - 1), min_size=1, max_size=days, unique=True))
        start = draw(st.sampled_from(["07:00", "08:00"]))
        end = draw(st.sampled_from(["09:30", "10:30", "12:00"]))
        rest = {"break": BREAK} if draw(st.booleans()) else {}
        staff.append({"id": f"S{c}", "shifts": [{**shift(d, start, end), **rest} for d in worked]})
    clients = draw(st.integers(2, 4))
    visits = []
    for i in range(draw(st.integers(2, 6))):
        earliest = draw(st.sampled_from([480, 510, 540]))  # 08:00, 08:30, 09:00
        latest = earliest + draw(st.sampled_from([0, 15, 30]))
        visits.append(
            visit(
                f"V{i}",
                f"K{draw(st.integers(0, clients - 1))}",
                draw(st.integers(0, days - 1)),
                format_clock(earliest),
                format_clock(latest),
                draw(st.sampled_from([30, 45, 60])),
            )
        )
    used = sorted({v["client"] for v in visits})
    return small(staff, [{"id": k} for k in used], visits, days=days)


@given(_instances(), st.booleans())
@settings(max_examples=80, deadline=None)
def test_the_team_bound_never_exceeds_the_fewest_pairs_of_any_lawful_schedule(
    instance: Instance, apart: bool
) -> None:
    """Brute force: every assignment of the visits to carers, every order of each carer's day.
    The fewest pairs among the lawful schedules (each checked by the evaluator) is at least
    the team bound, which is at least the clients' bounds."""
    schedules = _lawful_schedules(instance)
    if not schedules:
        return  # no schedule serves every visit: the bound's premise does not hold
    for schedule in schedules:
        assert evaluate(instance, schedule).violations == []
    fewest = min(
        len({(instance.visit_by_id[a.visit].client, a.carers[0]) for a in s.assignments})
        for s in schedules
    )
    result = team_bound(Problem.build(instance), "T", None, 20.0, 0, None, apart)
    assert result.status == "OPTIMAL"
    assert result.cover <= result.bound <= fewest
