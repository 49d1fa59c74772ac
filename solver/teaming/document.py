"""The teamed instance file: the input document with new teams and every client and carer
re-teamed, nothing else changed.

It edits the document as read (not the loaded instance), so recurring visits stay written as
patterns, times keep the author's notation and unknown-to-the-teaming fields pass through.
"""

from __future__ import annotations

import copy
from typing import Any

from hemplan.solver.teaming.propose import Proposal


def teamed_document(raw: dict[str, Any], proposal: Proposal, name: str) -> dict[str, Any]:
    """A copy of the instance document `raw` with the proposal's teams."""
    doc = copy.deepcopy(raw)
    doc["name"] = name
    doc["teams"] = [
        {"id": t.id, "name": t.name, "office": {"lat": t.office.lat, "lon": t.office.lon}}
        for t in proposal.all_teams
    ]
    for carer in doc.get("staff", []):
        carer["team"] = proposal.team_of_carer[carer["id"]]
    for client in doc.get("clients", []):
        client["team"] = proposal.team_of_client[client["id"]]
    return doc
