"""How small should teams be here? For each team count: propose, plan continuity-first,
evaluate; and central-travel on the pool as it is, as the reference.

Every figure comes from the evaluator (`SolveResult.evaluation`), never from a method's own
view. A team count the pool cannot be split into is a row with the reason, not a failure of
the sweep.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError, problem_lines
from hemplan.solver.method import SolveOptions, SolveResult
from hemplan.solver.methods import METHODS
from hemplan.solver.teaming.propose import Proposal, TeamingOptions, propose_teams

REFERENCE = "central-travel"  # the pool planned centrally, travel first


@dataclass
class SweepPoint:
    """One row of the sweep: `teams` teams (None: the reference on the pool), the proposal,
    the verified plan, or why the pool cannot be split so. `carers`: those split into the
    teams (the whole pool for the reference; without the substitutes when they are shared)."""

    teams: int | None
    carers: int
    proposal: Proposal | None
    result: SolveResult | None
    refusal: list[str]
    wall_s: float

    @property
    def label(self) -> str:
        if self.teams is None:
            return f"{REFERENCE} (pool)"
        return f"{self.teams} team{'s' if self.teams != 1 else ''}"

    @property
    def team_size(self) -> float:
        """Mean carers per team (the pool's size for the reference)."""
        return self.carers / (self.teams or 1)


def run_sweep(
    instance: Instance,
    counts: list[int],
    teaming: TeamingOptions,
    options: SolveOptions,
    on_point: Callable[[SweepPoint], None] = lambda point: None,
) -> list[SweepPoint]:
    """The reference first, then one point per team count, in order; `on_point` hears each
    as it is done (to write its files and print its line)."""
    points = []
    began = time.monotonic()
    reference = METHODS[REFERENCE].solve(instance, options)
    points.append(
        SweepPoint(None, len(instance.staff), None, reference, [], time.monotonic() - began)
    )
    on_point(points[-1])
    shared = sum(s.substitute for s in instance.staff) if teaming.shared_substitutes else 0
    carers = len(instance.staff) - shared
    for k in counts:
        began = time.monotonic()
        try:
            proposal = propose_teams(instance, replace(teaming, teams=k, team_size=None))
        except InputError as refused:
            lines = problem_lines(refused.problems)
            points.append(SweepPoint(k, carers, None, None, lines, time.monotonic() - began))
            on_point(points[-1])
            continue
        # the shared substitutes serve only what the teams borrow
        borrowing = replace(options, borrow_left_out=True) if proposal.shared else options
        result = METHODS["continuity"].solve(proposal.teamed(instance), borrowing)
        points.append(SweepPoint(k, carers, proposal, result, [], time.monotonic() - began))
        on_point(points[-1])
    return points
