"""The instances that ship with hemplan (`instances/` in the repository, package data once
installed), so that every command in the README runs from any folder after `pip install .`."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "instances"


def bundled_instances() -> list[str]:
    """Names of the bundled instances (`tiny`, `team-14d`, ...), smallest file first."""
    return [p.stem for p in sorted(FOLDER.glob("*.json"), key=lambda p: (p.stat().st_size, p.name))]


def bundled_path(name: str) -> Path | None:
    """The file of a bundled instance named `name` (with or without `.json`), else None."""
    stem = name[:-5] if name.endswith(".json") else name
    if not stem or "/" in stem or "\\" in stem:
        return None
    path = FOLDER / f"{stem}.json"
    return path if path.is_file() else None
