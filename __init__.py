"""hemplan: continuity-first planning of home-care visits in small teams.

The public API, for scripts and notebooks::

    import hemplan

    # a file, or a bundled instance by name
    instance = hemplan.load_instance("district-14d")
    result = hemplan.solve(instance, hemplan.SolveOptions(time_limit=30))
    print(result.evaluation.metrics.distinct_carers_total)    # verified by the evaluator
    hemplan.write_schedule("schedule.json", result.schedule)
    again = hemplan.evaluate(instance, hemplan.load_schedule("schedule.json"))

Names are loaded on first use, so `import hemplan` (and the `hemplan` command's start) does not
pay for OR-Tools or matplotlib until they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hemplan.models.contract.instance import Instance
    from hemplan.models.contract.problems import InputError
    from hemplan.models.contract.schedule import Schedule
    from hemplan.models.evaluator import Evaluation, evaluate
    from hemplan.models.generator import generate_instance
    from hemplan.models.io.bundled import bundled_instances
    from hemplan.models.io.load import load_instance, load_schedule
    from hemplan.models.io.write import write_model as write_schedule
    from hemplan.solver.method import SolveOptions, SolveResult
    from hemplan.solver.methods import METHODS, solve

# public name -> (module, attribute)
_API: dict[str, tuple[str, str]] = {
    "Instance": ("hemplan.models.contract.instance", "Instance"),
    "Schedule": ("hemplan.models.contract.schedule", "Schedule"),
    "InputError": ("hemplan.models.contract.problems", "InputError"),
    "load_instance": ("hemplan.models.io.load", "load_instance"),
    "load_schedule": ("hemplan.models.io.load", "load_schedule"),
    "write_schedule": ("hemplan.models.io.write", "write_model"),
    "bundled_instances": ("hemplan.models.io.bundled", "bundled_instances"),
    "generate_instance": ("hemplan.models.generator", "generate_instance"),
    "evaluate": ("hemplan.models.evaluator", "evaluate"),
    "Evaluation": ("hemplan.models.evaluator", "Evaluation"),
    "solve": ("hemplan.solver.methods", "solve"),
    "METHODS": ("hemplan.solver.methods", "METHODS"),
    "SolveOptions": ("hemplan.solver.method", "SolveOptions"),
    "SolveResult": ("hemplan.solver.method", "SolveResult"),
}

__all__ = [
    "Evaluation",
    "InputError",
    "Instance",
    "METHODS",
    "Schedule",
    "SolveOptions",
    "SolveResult",
    "bundled_instances",
    "evaluate",
    "generate_instance",
    "load_instance",
    "load_schedule",
    "solve",
    "write_schedule",
]


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'hemplan' has no attribute {name!r}")
    module, attribute = _API[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
