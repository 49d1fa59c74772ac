"""Fixtures shared by test modules."""

from __future__ import annotations

import pytest

from hemplan.models.contract.instance import Instance
from hemplan.models.contract.schedule import Schedule
from hemplan.models.io.load import load_instance
from tests.solved import TINY, solved


@pytest.fixture(scope="session")
def solved_tiny() -> tuple[Instance, Schedule]:
    """The bundled tiny instance and a verified schedule of it, solved once for every module
    that reads schedules (exports, report)."""
    instance = load_instance(TINY)
    return instance, solved(instance)
