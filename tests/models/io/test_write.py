"""Canonical JSON: the same document gives the same text."""

from __future__ import annotations

from pathlib import Path

from hemplan.models.io.load import load_instance
from hemplan.models.io.write import to_json
from tests.hand_instance import write_hand_instance


def test_canonical_json_is_stable(tmp_path: Path) -> None:
    inst = write_hand_instance(tmp_path)
    assert to_json(inst) == to_json(load_instance(tmp_path / "hand.json"))
