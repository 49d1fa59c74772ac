"""Input problems reported to people: which file, which record, which field, what is wrong.

Every user mistake ends up as a list of `InputProblem`s inside an `InputError`; the CLI prints one
line per problem and exits 2. Nothing here knows about the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with one input: `source: where: message`."""

    source: str
    where: str
    message: str

    def __str__(self) -> str:
        if self.where:
            return f"{self.source}: {self.where}: {self.message}"
        return f"{self.source}: {self.message}"


class InputError(Exception):
    """Raised when an input file cannot be used; carries every problem found."""

    def __init__(self, problems: Sequence[InputProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


_MESSAGE_REWRITES = {
    "Field required": "missing (required field)",
    "Extra inputs are not permitted": "unknown field",
}


def record_path(loc: Sequence[Any], raw: Any) -> str:
    """Turn a pydantic error location into `visits[V17].window`, using record ids where present.

    `raw` is the parsed JSON document, walked alongside `loc` so that a list index becomes
    the id of the record at that index when the record has one.
    """
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            label = str(key)
            if isinstance(node, list) and 0 <= key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), (str, int)):
                    label = str(node["id"])
            else:
                node = None
            if parts:
                parts[-1] = f"{parts[-1]}[{label}]"
            else:
                parts.append(f"[{label}]")
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts)


def bare_message(error: Mapping[str, Any]) -> str:
    """A pydantic error's message without the "Value error, " pydantic puts before our own."""
    msg = str(error.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg


def _message(error: Mapping[str, Any]) -> str:
    msg = bare_message(error)
    msg = _MESSAGE_REWRITES.get(msg, msg)
    return msg[:1].lower() + msg[1:]


def problems_from_validation(error: ValidationError, source: str, raw: Any) -> list[InputProblem]:
    """Convert a pydantic ValidationError into one InputProblem per error, in document order."""
    problems = []
    for item in error.errors(include_url=False):
        loc = [k for k in item.get("loc", ()) if not is_union_tag(k)]
        problems.append(InputProblem(source, record_path(loc, raw) or "(document)", _message(item)))
    return problems


def is_union_tag(key: Any) -> bool:
    """Pydantic inserts the branch name of a union (e.g. 'int', 'str') into error locations."""
    return isinstance(key, str) and (
        key in {"int", "str", "float", "list[...]"} or key.startswith("function-")
    )
