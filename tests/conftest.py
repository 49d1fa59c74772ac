"""Fixtures shared by test modules, and the property tests' profile.

Property tests (hypothesis) draw the same examples on every run (`derandomize`), so the suite
passes or fails on the code alone, never on a lucky or unlucky draw: a run of CI cannot fail
for a case no earlier run drew. To explore new cases (the long fuzz run, benchmarks/RESULTS.md)
set `HYPOTHESIS_PROFILE=explore`: random draws, as hypothesis makes them by default.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.io.load import load_instance
from tests.solved import TINY, solved

settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session")
def solved_tiny() -> tuple[Instance, Schedule]:
    """The bundled tiny instance and a verified schedule of it, solved once for every module
    that reads schedules (exports, report)."""
    instance = load_instance(TINY)
    return instance, solved(instance)
