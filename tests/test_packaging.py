"""What `pip install .` installs: every package folder of the repository under `hemplan`, the
bundled instances as package data, and nothing at the top level but `hemplan`."""

from __future__ import annotations

import tomllib

from tests.paths import REPO

FOLDERS = ("models", "solver", "cli", "benchmarks")


def _declared() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"hemplan": "."}  # the repository root is the package
    return list(setuptools["packages"])


def test_every_package_folder_is_installed() -> None:
    """A folder with an __init__.py that pyproject.toml does not list would be missing from a
    plain install, while the tests of an editable one still pass."""
    folders = {
        "hemplan." + ".".join(init.parent.relative_to(REPO).parts)
        for folder in FOLDERS
        for init in (REPO / folder).rglob("__init__.py")
    }
    declared = set(_declared())
    assert folders - declared == set()
    assert declared - folders == {"hemplan", "hemplan.instances", "hemplan.instances.public"}


def test_the_bundled_instances_ship_as_package_data() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    data = config["tool"]["setuptools"]["package-data"]
    assert "*.json" in data["hemplan.instances"] and "*.json" in data["hemplan.instances.public"]
    assert list((REPO / "instances").glob("*.json"))
