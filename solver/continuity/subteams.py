"""Big teams planned as small ones: a team of more than SPLIT_ABOVE carers is split, for the
search only, into sub-teams that `hemplan teams` would propose (clients grouped by place,
carers by what the clients need on every day and shift, the team's own office kept), and
each sub-team is planned as a team of its own.

A search over one group of 40 or 60 carers draws neighbourhoods that mix clients from all
over the area and seldom finds the small circles of carers that continuity needs; its travel
on the pre-reform pool was 2.7 times central-travel's (benchmarks/RESULTS.md). Planned as
sub-teams of about SUB_TEAM_SIZE, the same group gets small-team continuity and travel. The
sub-teams are a guide, not a rule: the visits a sub-team leaves out then go to any carer of
the whole team (`borrow.place_left_out`), and the schedule knows nothing of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.problems import InputError
from hemplan.solver.continuity.decompose import team_instances
from hemplan.solver.teaming.propose import Proposal, TeamingOptions, propose_teams

SPLIT_ABOVE = 15  # carers: a team larger than this is planned as sub-teams
SUB_TEAM_SIZE = 10  # carers per sub-team, as the generator's and the reform's teams
SLACK = 0.1  # capacity over demand per day and shift type (the whole team takes the rest)
# CP-SAT work units of the carers' assignment (deterministic): every first plan waits for it,
# and on group-14d 0.5 gives the same sub-teams as 2.0, the split in 1.8 s instead of 4.7
TEAMING_WORK = 0.5


@dataclass(frozen=True)
class Split:
    """A big team (`whole`, an instance of that team alone), the same with its carers and
    clients in sub-teams (`teamed`), and the sub-teams' instances."""

    whole: Instance
    teamed: Instance
    parts: list[Instance]


def split_big_team(part: Instance, seed: int, most: int | None = None) -> Split | None:
    """The sub-teams of a one-team instance of more than SPLIT_ABOVE carers, or None (a small
    team, or no split the teaming can make: the team is then planned whole). Fewer sub-teams
    are tried when the first count cannot cover its visits; `most` caps the count (a coarser
    split, for a travel budget the finer one cannot keep)."""
    carers = len(part.staff)
    if len(part.teams) != 1 or carers <= SPLIT_ABOVE:
        return None
    first = max(2, round(carers / SUB_TEAM_SIZE))
    for count in range(first if most is None else min(first, most), 1, -1):
        options = TeamingOptions(  # a failed count is not explained: fewer are tried
            teams=count,
            keep_base=True,
            slack=SLACK,
            seed=seed,
            work_limit=TEAMING_WORK,
            explain=False,
        )
        try:
            proposal = propose_teams(part, options)
        except InputError:
            continue
        teamed = _with_sub_teams(part, proposal)
        return Split(part, teamed, [p for p in team_instances(teamed) if p.visits])
    return None


def _with_sub_teams(part: Instance, proposal: Proposal) -> Instance:
    """`part` with its clients and carers in the proposal's sub-teams, each with the team's
    own office and an id that says whose sub-team it is (`T01.2`); history kept."""
    team = part.teams[0]
    ids = {t.team.id: f"{team.id}.{k + 1}" for k, t in enumerate(proposal.teams)}
    data = part.model_dump(by_alias=True, exclude={"patterns"})
    data["teams"] = [
        {
            "id": ids[t.team.id],
            "name": f"{team.name or team.id} {k + 1}",
            "office": data["teams"][0]["office"],
        }
        for k, t in enumerate(proposal.teams)
    ]
    for carer in data["staff"]:
        carer["team"] = ids[proposal.team_of_carer[carer["id"]]]
    for client in data["clients"]:
        client["team"] = ids[proposal.team_of_client[client["id"]]]
    return Instance.model_validate(data)
