"""Proposing small teams from a staff pool (`hemplan teams`): see `propose`."""

from __future__ import annotations

from hemplan.solver.teaming.propose import (
    Proposal,
    ProposedTeam,
    TeamingOptions,
    propose_teams,
)

__all__ = ["Proposal", "ProposedTeam", "TeamingOptions", "propose_teams"]
