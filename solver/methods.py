"""Planning methods by name: the continuity solver and the baselines it is compared with.

Every method implements `solver.method.Method` and returns an evaluator-verified
`SolveResult` whose `solver.method` is its name, so `hemplan solve --method`, `hemplan compare`
and `hemplan bench` treat them alike.
"""

from __future__ import annotations

from hemplan.models.contract.instance import Instance
from hemplan.solver.baselines.central_greedy import CentralGreedy
from hemplan.solver.baselines.central_travel import CentralTravel
from hemplan.solver.continuity.solve import Continuity
from hemplan.solver.method import Method, ProgressCallback, SolveOptions, SolveResult

METHODS: dict[str, Method] = {
    "continuity": Continuity(),
    "central-travel": CentralTravel(),
    "central-greedy": CentralGreedy(),
    "teams-travel": CentralTravel(name="teams-travel"),
}


def solve(
    instance: Instance,
    options: SolveOptions = SolveOptions(),
    method: str = "continuity",
    on_progress: ProgressCallback = lambda event: None,
) -> SolveResult:
    """Plan `instance` with the method named `method` and return the verified schedule."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    return METHODS[method].solve(instance, options, on_progress)
