"""The fuzz census (HEMPLAN_FUZZ_TALLY, `tests/cli/fuzz_support.py`) starts afresh once a run."""

from __future__ import annotations

import pytest

from tests.cli.fuzz_support import clear_tally


def pytest_configure(config: pytest.Config) -> None:
    """Clear a previous run's census before any test: in the one process, or with
    pytest-xdist in the controller before its workers start. Each worker clearing it as its
    first fuzz test began removed what the other had already counted, and the two raced
    over the same files (FileNotFoundError)."""
    if not hasattr(config, "workerinput"):
        clear_tally()
