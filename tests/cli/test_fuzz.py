"""Hostile input: random and mutated instance, schedule and CSV files either load or are refused
with exit 2 and plain problem lines, never a traceback, never a partial output file.

Each test runs FUZZ_EXAMPLES examples (a bounded number in CI); a nightly-style run asks for
more with HEMPLAN_FUZZ_EXAMPLES=2000 python3 -m pytest tests/test_fuzz.py.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hemplan.cli.main import main
from hemplan.models.evaluator import evaluate
from hemplan.models.io.load import load_instance
from hemplan.models.io.write import to_json
from hemplan.solver.continuity.solve import solve
from hemplan.solver.method import SolveOptions
from tests.models.io.test_csv_import import GOOD, TEAMS
from tests.paths import REPO

TINY = json.loads((REPO / "instances" / "tiny.json").read_text(encoding="utf-8"))
FUZZ_EXAMPLES = int(os.environ.get("HEMPLAN_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

TEXT = st.text(
    alphabet=st.characters(codec=None), max_size=30
)  # any code point, surrogates included
NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 2**31, 2**63, 10**400, 1e308, -0.0, 0.5]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    NUMBERS,
    TEXT,
    st.sampled_from(["", "07:00", "24:00", "25:61", "-1", "T1", "S1", "C1", "2026-02-30"]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def schedule_of_tiny() -> dict:
    """A verified schedule of tiny, the starting point of the schedule mutations."""
    instance = load_instance(REPO / "instances" / "tiny.json")
    result = solve(instance, SolveOptions(time_limit=10, workers=1, work_limit=0.05))
    assert evaluate(instance, result.schedule).violations == []
    return json.loads(to_json(result.schedule))


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in a document: the root, each object member and each array element."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, path + (index,))
    return found


def _mutate(doc: Any, data: st.DataObject) -> Any:
    """Drop, rename, retype, nest or duplicate one place of `doc` (a deep copy)."""
    doc = json.loads(json.dumps(doc))
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    operation = data.draw(
        st.sampled_from(["drop", "rename", "retype", "nest", "duplicate"]), label="operation"
    )
    if operation == "drop":
        del parent[last]
    elif operation == "rename" and isinstance(parent, dict):
        parent[data.draw(TEXT, label="new name")] = parent.pop(last)
    elif operation == "nest":
        value = parent[last]
        for _ in range(data.draw(st.integers(1, 40), label="depth")):
            value = [value]
        parent[last] = value
    elif operation == "duplicate" and isinstance(parent, list):
        parent.append(json.loads(json.dumps(parent[last])))
    else:
        parent[last] = data.draw(JSON_VALUES, label="value")
    return doc


def _assert_clean(result: Result, allowed: set[int]) -> None:
    """Exit code as allowed, and no exception escaped the command (click turns sys.exit into
    SystemExit)."""
    assert result.exit_code in allowed, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def _validate(text: str | bytes) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "instance.json"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
        return CliRunner().invoke(main, ["validate", str(path)])


@FUZZ
@given(st.one_of(JSON_VALUES, st.dictionaries(st.sampled_from(list(TINY)), JSON_VALUES)))
def test_random_documents_are_refused_cleanly(doc: Any) -> None:
    result = _validate(json.dumps(doc))
    _assert_clean(result, {2})


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_are_refused_cleanly(raw: bytes) -> None:
    _assert_clean(_validate(raw), {2})


@FUZZ
@given(data=st.data())
def test_mutated_instances_load_or_are_refused_cleanly(data: st.DataObject) -> None:
    doc = TINY
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        doc = _mutate(doc, data)
    _assert_clean(_validate(json.dumps(doc)), {0, 2})


@FUZZ
@given(data=st.data())
def test_mutated_schedules_evaluate_or_are_refused_cleanly(
    schedule_of_tiny: dict, data: st.DataObject
) -> None:
    doc = _mutate(schedule_of_tiny, data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "schedule.json"
        path.write_text(json.dumps(doc), encoding="utf-8", errors="surrogatepass")
        result = CliRunner().invoke(
            main, ["evaluate", str(REPO / "instances" / "tiny.json"), str(path)]
        )
    _assert_clean(result, {0, 1, 2})


CELL = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "",
            ";",
            ",",
            "|",
            '"',
            '"a""b',
            "\n",
            "\r\n",
            "\x00",
            "S1 S2",
            "99999999999",
            "2025-13-01",
            "-5",
            "1e9",
            "07:00:00",
            "24:01",
            "62,38",
            "nan",
            "inf",
        ]
    ),
)


@FUZZ
@given(data=st.data())
def test_mutated_csv_folders_import_or_are_refused_cleanly(data: st.DataObject) -> None:
    files: dict[str, str | bytes] = {**GOOD, "teams.csv": TEAMS}
    name = data.draw(st.sampled_from(sorted(files)), label="file")
    text = str(files[name])
    lines = text.splitlines()
    operation = data.draw(
        st.sampled_from(["cell", "drop line", "duplicate line", "truncate", "bytes", "remove"]),
        label="operation",
    )
    if operation == "cell":
        row = data.draw(st.integers(0, len(lines) - 1), label="line")
        cells = lines[row].split(",")
        cells[data.draw(st.integers(0, len(cells) - 1), label="cell")] = data.draw(
            CELL, label="value"
        )
        lines[row] = ",".join(cells)
        files[name] = "\n".join(lines) + "\n"
    elif operation == "drop line":
        del lines[data.draw(st.integers(0, len(lines) - 1), label="line")]
        files[name] = "\n".join(lines) + "\n"
    elif operation == "duplicate line":
        lines.append(lines[data.draw(st.integers(0, len(lines) - 1), label="line")])
        files[name] = "\n".join(lines) + "\n"
    elif operation == "truncate":
        files[name] = text[: data.draw(st.integers(0, len(text)), label="length")]
    elif operation == "bytes":
        files[name] = data.draw(st.binary(max_size=300), label="bytes")
    else:
        del files[name]
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "district"
        folder.mkdir()
        for file, content in files.items():
            path = folder / file
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", errors="surrogatepass")
        out = Path(root) / "instance.json"
        result = CliRunner().invoke(main, ["import", str(folder), "-o", str(out)])
        _assert_clean(result, {0, 2})
        if result.exit_code == 0:
            load_instance(out)  # what import writes, validate accepts
        else:
            assert not out.exists()  # never a partial output file
