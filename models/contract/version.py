"""The installed hemplan version, written into every schedule's solver block."""

from __future__ import annotations

from importlib import metadata


def hemplan_version() -> str:
    """The package version, or "" when running from a source tree that is not installed."""
    try:
        return metadata.version("hemplan")
    except metadata.PackageNotFoundError:
        return ""
