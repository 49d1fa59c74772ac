"""The instance suites of `hemplan bench`: which instances, where they come from, what the
published reference is.

`bundled` holds the repository's instances; `scaling` generates 1 to 20 teams with the seeded
generator when a job runs; `public-<set>` converts files of the public sets (see
`instances/README.md`) when a job runs, so a suite is only a list of small picklable cases.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hemplan.models.contract.problems import InputError, InputProblem
from hemplan.models.io.bundled import bundled_path

SCALING_TEAMS = (1, 2, 5, 10, 20)


@dataclass(frozen=True)
class Case:
    """One instance of a suite: `kind` is `file`, `generated` or a public set name."""

    name: str
    kind: str
    source: str  # a path, or `TEAMSxCLIENTSxSTAFFxDAYS` (per team) for `generated`
    reference: float | None = None  # the published value the set's objective is compared with


def _reference(folder: Path, column: str) -> dict[str, float]:
    """A column of a set's `reference_results.csv`, by instance name."""
    with open(folder / "reference_results.csv", newline="") as handle:
        return {
            row["instance"]: float(row[column]) for row in csv.DictReader(handle) if row.get(column)
        }


def _bundled() -> list[Case]:
    names = ["tiny", "team-14d", "district-14d", "district-28d", "city-14d"]
    return [Case(n, "file", str(bundled_path(n))) for n in names]


def _solomon(folder: Path) -> list[Case]:
    bks = _reference(folder, "bks_distance")
    names = ["C101", "C201", "R101", "R201", "RC101", "RC201"]  # one per class
    return [Case(n, "solomon", str(next(folder.glob(f"{n}.*.vrptw"))), bks.get(n)) for n in names]


def _mankowska(folder: Path) -> list[Case]:
    best = _reference(folder, "best_known")
    files = sorted(folder.glob("A*__*.txt"), key=lambda p: int(p.name[1:].split("__")[0]))
    return [
        Case(p.name.split("__")[0], "mankowska", str(p), best.get(p.name.split("__")[0]))
        for p in files
    ]


def _convrp(folder: Path) -> list[Case]:
    files = [
        p for p in sorted(folder.glob("convrp_1*_test_*.vrp")) if p.name != "convrp_10_test_0.vrp"
    ]
    return [Case(p.stem, "convrp", str(p)) for p in files]


# Patients accepted by the source's deterministic model (its README's table of results/*.csv).
HOSSEINI_ACCEPTED = {
    "caseA/08_data": 60,
    "caseA/10_data": 59,
    "caseA/12_data": 59,
    "caseA/14_data": 59,
    "caseA/16_data": 60,
    "caseA/18_data": 60,
    "caseB/20_20_new_data": 60,
    "caseB/25_20_new_data": 60,
    "caseB/35_20_new_data": 60,
    "caseB/40_20_new_data": 60,
    "caseC/40_20_all_new_data": 40,
    "caseC/60_20_all_new_data": 60,
}


def _hosseini(folder: Path) -> list[Case]:
    files = sorted(folder.glob("case*/*_data.txt"))
    names = [f"{p.parent.name}/{p.stem}" for p in files]
    return [
        Case(n, "hosseini", str(p), HOSSEINI_ACCEPTED.get(n))
        for n, p in zip(names, files, strict=True)
    ]


def _uhhc(folder: Path) -> list[Case]:
    """No reference: the published values weigh terms (tardiness, idle time...) not modelled
    here."""
    return [Case(p.stem, "uhhc", str(p)) for p in sorted(folder.glob("i-*.json"))]


# suite -> (the set's folder under --public, its cases)
PUBLIC: dict[str, tuple[str, Callable[[Path], list[Case]]]] = {
    "public-solomon": ("solomon-vrptw-100", _solomon),
    "public-mankowska": ("mankowska2014-hhcrsp", _mankowska),
    "public-convrp": ("convrp-groer2009-kovacs2014", _convrp),
    "public-hosseini": ("hosseini-stochastic-con-hhcrsp", _hosseini),
    "public-uhhc": ("uhhc-ceschia2026/validation", _uhhc),
}
SUITES = ["bundled", "scaling", *PUBLIC]


def suite_cases(suite: str, public_root: Path | None) -> list[Case]:
    """The cases of a suite; a public suite needs the folder of the public sets."""
    if suite == "bundled":
        return _bundled()
    if suite == "scaling":
        return [Case(f"scaling-{k}t", "generated", f"{k}x30x10x14") for k in SCALING_TEAMS]
    if public_root is None:
        raise InputError(
            [
                InputProblem(
                    "--public",
                    "",
                    f"suite {suite} needs the folder of the public instance sets "
                    "(see instances/README.md): --public DIR",
                )
            ]
        )
    if not public_root.is_dir():
        raise InputError(
            [
                InputProblem(
                    str(public_root),
                    "",
                    f"suite {suite} needs the public instance sets here "
                    "(see instances/README.md); no such folder",
                )
            ]
        )
    subfolder, cases_of = PUBLIC[suite]
    folder = public_root / subfolder
    if not folder.is_dir():
        raise InputError(
            [
                InputProblem(
                    str(folder),
                    "",
                    f"suite {suite} needs this folder of the public sets; it is missing",
                )
            ]
        )
    try:
        cases = cases_of(folder)
    except (
        OSError,
        StopIteration,
        KeyError,
        ValueError,
    ) as exc:  # a file of the set missing or unreadable
        raise InputError(
            [
                InputProblem(
                    str(folder), "", f"suite {suite} cannot read the set's files here: {exc!r}"
                )
            ]
        ) from None
    if not cases:
        raise InputError(
            [InputProblem(str(folder), "", f"suite {suite} finds no instance file of its set here")]
        )
    return cases
