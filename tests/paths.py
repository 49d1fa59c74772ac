"""Where the tests find the repository, its bundled instances and, outside it, the workplace's
public sets (absent in a clone elsewhere: tests that need them skip and say why)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INSTANCES = REPO / "instances"
PUBLIC = REPO.parent / "shared" / "instances-public"
