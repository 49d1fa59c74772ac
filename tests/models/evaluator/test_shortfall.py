"""Whether a few carers could serve more of a day's visits than a plan does: each rule of the
evaluator's own model holds the count down (satisfied and violated), and for one carer the
proof holds exactly at the brute-force maximum over every order of every subset."""

from __future__ import annotations

import random
import time
from itertools import combinations, permutations

import pytest
from ortools.sat.python import cp_model

from hemplan.models.contract.instance import Instance, Staff, Visit
from hemplan.models.contract.start_windows import snap_start
from hemplan.models.evaluator import evaluate
from hemplan.models.evaluator import shortfall as shortfall_module
from hemplan.models.evaluator.eligibility import allowed_windows, rule_out
from hemplan.models.evaluator.shortfall import Question, Shortfall, proven_shortfalls
from hemplan.models.evaluator.travel import TravelMinutes
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions
from tests.small_instances import shift, small, visit


def shortfall(
    instance: Instance,
    travel: TravelMinutes,
    v: Visit,
    carers: list[Staff],
    borrowing: bool,
    served: frozenset[str],
) -> Shortfall | None:
    """The proof for one question, alone in its diagnosis's budget."""
    return proven_shortfalls(instance, travel, [Question(v, tuple(carers))], borrowing, served)[0]


def most(instance: Instance, visit_id: str) -> tuple[int, int]:
    """(the most served, of how many) of the one-day visits only `visit_id`'s carers can do:
    the smallest count a plan could serve and be proven unable to serve one more."""
    travel = TravelMinutes(instance)
    v = instance.visit_by_id[visit_id]
    carers = [c for c in instance.staff if rule_out(instance, travel, c, v, False) is None]
    ids = [u.id for u in instance.visits]
    for count in range(len(ids) + 1):
        found = shortfall(instance, travel, v, carers, False, frozenset(ids[:count]))
        if found is not None:
            assert found.most == count
            return count, len(found.visits)
    return len(ids), len(ids)


def one_carer(visits: list[dict], brk: bool = False, end: str = "16:00") -> Instance:
    """Carer A alone, one client per visit."""
    s = shift(0, "07:00", end)
    if brk:
        s["break"] = {"minutes": 30, "earliest": "09:00", "latest": "10:00"}
    return small(
        [{"id": "A", "shifts": [s]}],
        [{"id": v["client"]} for v in visits],
        visits,
        days=1,
    )


def test_two_fixed_visits_at_once_leave_one_out_and_apart_both_fit() -> None:
    at_once = [visit("X", "K", 0, "08:15", "08:15", 60), visit("Y", "L", 0, "08:15", "08:30", 30)]
    assert most(one_carer(at_once), "Y") == (1, 2)
    apart = [visit("X", "K", 0, "08:15", "08:15", 60), visit("Y", "L", 0, "08:15", "10:30", 30)]
    assert most(one_carer(apart), "Y") == (2, 2)


def test_the_break_takes_the_room_between_two_visits() -> None:
    """X 08:15-09:15 and Y 09:20-10:20 fit one after the other, but a 30-minute break that
    must start 09:00-10:00 fits neither inside them nor in the five minutes between."""
    visits = [visit("X", "K", 0, "08:15", "08:15", 60), visit("Y", "L", 0, "09:20", "09:20", 60)]
    assert most(one_carer(visits), "Y") == (2, 2)
    assert most(one_carer(visits, brk=True), "Y") == (1, 2)


def test_a_double_visit_needs_both_carers_at_one_start() -> None:
    """A is busy 08:15-09:15 (X, medication: only A), B from 09:30 (Z, lift: only B): each
    could do the hour-long double visit D alone, but not both together unless D may start
    after 10:30."""

    def with_double(latest: str) -> Instance:
        return small(
            [
                {"id": "A", "skills": ["medication"], "shifts": [shift(0, "08:00", "12:00")]},
                {"id": "B", "skills": ["lift"], "shifts": [shift(0, "08:00", "12:00")]},
            ],
            [{"id": c} for c in "KLM"],
            [
                visit("X", "K", 0, "08:15", "08:15", 60, skills=["medication"]),
                visit("Z", "L", 0, "09:30", "09:30", 60, skills=["lift"]),
                visit("D", "M", 0, "08:15", latest, 60, staff_needed=2),
            ],
            days=1,
            skills=["medication", "lift"],
        )

    assert most(with_double("09:30"), "D") == (2, 3)
    assert most(with_double("10:45"), "D") == (3, 3)


def test_a_visit_someone_else_could_do_is_not_in_the_group() -> None:
    """B can do Y too, so Y is not among the visits only A can do: the count is over X alone
    (a shortfall there is B's to take up)."""
    instance = small(
        [
            {"id": "A", "skills": ["medication"], "shifts": [shift(0)]},
            {"id": "B", "shifts": [shift(0)]},
        ],
        [{"id": "K"}, {"id": "L"}],
        [
            visit("X", "K", 0, "08:15", "08:15", 60, skills=["medication"]),
            visit("Y", "L", 0, "08:15", "08:15", 60),
        ],
        days=1,
    )
    travel = TravelMinutes(instance)
    x = instance.visit_by_id["X"]
    found = shortfall(instance, travel, x, [instance.staff[0]], False, frozenset())
    assert found is None  # X fits
    found = shortfall(instance, travel, x, [instance.staff[0]], False, frozenset({"X"}))
    assert found is not None and found.visits == ("X",) and found.most == 1


def brute_most(instance: Instance) -> int:
    """One carer without a break: the most visits of any subset some order serves, each
    started as early as the travel and its windows allow."""
    travel = TravelMinutes(instance)
    carer = instance.staff[0]
    shift_ = carer.shift_by_day[0]
    office = travel.office(carer.team)

    def fits(order: tuple[Visit, ...]) -> bool:
        place, ready = office, shift_.start
        for v in order:
            home = travel.home(v.client)
            windows = allowed_windows(v)
            begin = snap_start(windows, ready + travel.minutes(carer.travel_mode, place, home))
            if begin > windows[-1][1]:
                return False
            place, ready = home, begin + v.duration
        return ready + travel.minutes(carer.travel_mode, place, office) <= shift_.end

    able = [v for v in instance.visits if rule_out(instance, travel, carer, v, False) is None]
    for size in range(len(able), 0, -1):
        for subset in combinations(able, size):
            if any(fits(order) for order in permutations(subset)):
                return size
    return 0


@pytest.mark.parametrize("seed", range(30))
def test_one_carer_count_is_the_brute_force_maximum(seed: int) -> None:
    rng = random.Random(seed)
    visits = []
    for k in range(rng.randint(2, 5)):
        earliest = rng.randrange(7 * 60 + 30, 10 * 60 + 30, 5)  # each fits the shift alone
        latest = earliest + rng.choice([0, 10, 30, 60, 120])
        duration = rng.choice([15, 30, 45, 60])
        visits.append(visit(f"V{k}", f"K{k}", 0, _clock(earliest), _clock(latest), duration))
    instance = one_carer(visits, end="12:00")
    assert most(instance, "V0") == (brute_most(instance), len(visits))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@pytest.mark.parametrize("seed", range(6))
def test_no_proof_against_a_lawful_plan_that_serves_more(seed: int) -> None:
    """Soundness with every rule at once (breaks, double visits, two carers): whatever a
    lawful plan of hemplan's serves of a group, one fewer is never proven to be the most."""
    rng = random.Random(seed)
    brk = {"minutes": 30, "earliest": "10:00", "latest": "11:00"}
    visits = []
    for k in range(rng.randint(4, 8)):
        earliest = rng.randrange(8 * 60, 12 * 60, 5)
        latest = earliest + rng.choice([0, 15, 45, 90])
        visits.append(
            visit(
                f"V{k}",
                f"K{k}",
                0,
                _clock(earliest),
                _clock(latest),
                rng.choice([20, 30, 45, 60]),
                staff_needed=rng.choice([1, 1, 1, 2]),
            )
        )
    instance = small(
        [{"id": c, "shifts": [dict(shift(0, "07:30", "13:30"), **{"break": brk})]} for c in "AB"],
        [{"id": v["client"]} for v in visits],
        visits,
        days=1,
    )
    schedule = solve(instance, SolveOptions(workers=1, work_limit=0.5)).schedule
    assert [str(v) for v in evaluate(instance, schedule).violations] == []
    travel = TravelMinutes(instance)
    served = [a.visit for a in schedule.assignments]
    assert served
    for visit_id in served:
        v = instance.visit_by_id[visit_id]
        carers = [c for c in instance.staff if rule_out(instance, travel, c, v, False) is None]
        fewer = frozenset(served[:-1])
        assert shortfall(instance, travel, v, carers, False, fewer) is None


def _one_per_client(count: int) -> tuple[Instance, list[Question]]:
    """Carer A alone and `count` fixed visits at 08:15, each of an hour: one fits."""
    visits = [visit(f"V{k}", f"K{k}", 0, "08:15", "08:15", 60) for k in range(count)]
    instance = one_carer(visits)
    questions = [Question(v, (instance.staff[0],)) for v in instance.visits]
    return instance, questions


def test_the_questions_of_one_diagnosis_share_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many questions stay unanswered, their work together stays within TOTAL_WORK,
    and each gets its first look before any gets a second."""
    instance, questions = _one_per_client(12)
    asked: list[float] = []

    def unanswered(
        travel: object, group: object, most: int, work: float, seconds: float | None = None
    ) -> tuple[cp_model.CpSolverStatus, float]:
        asked.append(work)
        return cp_model.UNKNOWN, work

    monkeypatch.setattr(shortfall_module, "_one_more", unanswered)
    answers = proven_shortfalls(instance, TravelMinutes(instance), questions, False, frozenset())
    assert answers == [None] * 12
    assert sum(asked) <= shortfall_module.TOTAL_WORK + 1e-9
    first_looks = asked[:12]
    assert all(0 < work <= shortfall_module.FIRST_LOOK for work in first_looks)
    assert max(asked[12:]) > shortfall_module.FIRST_LOOK  # the rest goes to the second pass


def test_without_work_left_no_claim_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same question proven with the budget and left unproven without any."""
    instance, questions = _one_per_client(2)
    travel = TravelMinutes(instance)
    served = frozenset({"V0"})
    assert proven_shortfalls(instance, travel, questions[1:], False, served)[0] is not None
    monkeypatch.setattr(shortfall_module, "TOTAL_WORK", 0.0)
    assert proven_shortfalls(instance, travel, questions[1:], False, served) == [None]


def test_after_the_deadline_no_question_is_asked() -> None:
    """A command that keeps a time limit for its diagnosis too (`hemplan replan`): the same
    question proven before its deadline is left unproven once the deadline has passed."""
    instance, questions = _one_per_client(2)
    travel = TravelMinutes(instance)
    served = frozenset({"V0"})
    later = time.monotonic() + 60
    assert proven_shortfalls(instance, travel, questions[1:], False, served, later)[0] is not None
    passed = time.monotonic() - 1
    assert proven_shortfalls(instance, travel, questions[1:], False, served, passed) == [None]
