"""Reading JSON input: what cannot be read is reported where it stands."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemplan.models.contract.problems import InputError
from hemplan.models.io.read import read_json


def test_an_integer_too_long_to_read_is_reported_where_it_stands(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    path.write_text('{"name": "x",\n  "horizon": {"days": ' + "9" * 5000 + "}}", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_json(path)
    [problem] = caught.value.problems
    assert (problem.source, problem.where) == (str(path), "line 2 column 23")
    assert "too long" in problem.message and "set_int_max_str_digits" not in str(problem)
