"""Input problems reported to people: which file, which record, which field, what is wrong.

Every user mistake ends up as a list of `InputProblem`s inside an `InputError`; the CLI prints one
line per problem and exits 2. Nothing here knows about the CLI.

Three rules keep the lines readable whatever the input holds:
- a problem prints as `file[:line]: record.field: problem`, with every control character of the
  input (newline, NUL, escape sequences, other C0 and C1 controls, line separators, bidi
  overrides) shown escaped (`\\n`, `\\x00`, `\\u2028`), so an echoed cell can neither split a
  line nor drive the terminal (`readable`);
- a number too long to read is said to be too long, not how to raise Python's limit
  (`plain_message`);
- repeated problems are summarised: at most `MAX_PER_KIND` lines of one kind (same file, same
  field, same message apart from the quoted values and numbers) and `MAX_SHOWN` in all, then
  `... and K more like this` (`summarise`). Producers of very many problems (pydantic
  validation, the CSV import) cap while collecting, so a million errors cost counting only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic import ValidationError

MAX_PER_KIND = 20  # lines of one kind of problem before "... and K more like this"
MAX_SHOWN = 200  # problem lines in all before "... and K more problems"


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with one input: `source: where: message`.

    `more` > 0 makes it a summary line: that many more problems like the one before it
    (`source` and `where` then name the file and the field without a line or record id).
    """

    source: str
    where: str
    message: str
    more: int = 0

    def __str__(self) -> str:
        if self.more:
            head = ": ".join(part for part in (self.source, self.where) if part)
            if head:
                return readable(f"{head}: ... and {self.more:,} more like this")
            return f"... and {self.more:,} more problems"
        if self.where:
            return readable(f"{self.source}: {self.where}: {self.message}")
        return readable(f"{self.source}: {self.message}")


class InputError(Exception):
    """Raised when an input file cannot be used; carries every problem found (repeated ones
    summarised, see `summarise`)."""

    def __init__(self, problems: Sequence[InputProblem]):
        self.problems = list(problems)
        super().__init__(self.problems)  # so that the error pickles back into the same problems

    def __str__(self) -> str:
        return "\n".join(problem_lines(self.problems))


# --------------------------------------------------------------------------- readable text

# Every character of Unicode's control (Cc), format (Cf), line and paragraph separator (Zl, Zp)
# and surrogate (Cs) categories, as of Python 3.11's Unicode 14: C0 and C1 controls and DEL;
# the format characters, which print nothing yet change what a line says or how it reads
# (zero-width spaces and joiners, the byte-order mark U+FEFF, the soft hyphen, the direction
# marks, embeddings, overrides and isolates that reorder what a terminal shows, tags); the
# separators, which break a line; lone surrogates, which cannot even be printed
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LONG_DIGITS = re.compile(r"\d{41,}")
_INT_LIMIT = re.compile(
    r"Exceeds the limit \((\d+) digits\) for integer string conversion"
    r"(?:: value has (\d+) digits)?(?:; use sys\.set_int_max_str_digits\(\) to increase the limit)?"
)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _shorten_digits(match: re.Match[str]) -> str:
    digits = match.group()
    return f"{digits[:20]}...({len(digits):,} digits)"


def escape_controls(text: str) -> str:
    """`text` with every control character shown escaped (`\\n`, `\\x1b`, `\\u2028`)."""
    return _CONTROL.sub(_escape, text)


def plain_message(message: str) -> str:
    """Python's "Exceeds the limit (4300 digits) for integer string conversion ...; use
    sys.set_int_max_str_digits() ..." said plainly: the number is too long."""
    match = _INT_LIMIT.search(message)
    if match is None:
        return message
    limit, has = int(match.group(1)), match.group(2)
    if has:
        plain = f"the number is too long ({int(has):,} digits; at most {limit:,} are read)"
    else:
        plain = f"the number is too long (over {limit:,} digits)"
    return message[: match.start()] + plain + message[match.end() :]


def readable(text: str) -> str:
    """A problem line as it is shown: numbers of more than 40 digits shortened, Python's integer
    limit message in plain words, control characters escaped."""
    if "integer string conversion" in text:
        text = plain_message(text)
    return escape_controls(_LONG_DIGITS.sub(_shorten_digits, text))


# --------------------------------------------------------------------------- summaries

_DIGITS = str.maketrans("0123456789", "##########")
_BRACKETS = re.compile(r"\[[^\]]*\]")


def message_shape(message: str) -> str:
    """The message without its quoted values and numbers: "unknown client ''"."""
    return "'".join(message.translate(_DIGITS).split("'")[::2])


def _file_of(source: str) -> str:
    head, sep, tail = source.rpartition(":")
    return head if sep and tail.isdigit() else source


def _field_of(where: str) -> str:
    """`visits[V17].window.latest` -> `visits[*].window.latest`."""
    return _BRACKETS.sub("[*]", where) if "[" in where else where


def problem_kind(problem: InputProblem) -> tuple[str, str, str]:
    """Problems of one kind: the same file, the same field, the same message shape."""
    return (_file_of(problem.source), _field_of(problem.where), message_shape(problem.message))


class ProblemCap:
    """Collects problems in the order they come, keeping at most `per_kind` of each kind and
    `total` in all and counting the rest, without building the problems it will not show:
    `add(kind, make)` calls `make()` only for a problem that is kept."""

    def __init__(self, per_kind: int = MAX_PER_KIND, total: int = MAX_SHOWN) -> None:
        self.per_kind = per_kind
        self.total = total
        self.kept: list[InputProblem] = []
        self._counts: dict[Hashable, int] = {}
        self._summary: dict[Hashable, list[Any]] = {}  # kind -> [index of its last line, hidden]
        self._passed: list[tuple[int, InputProblem]] = []  # summaries given to us, kept as such
        self.omitted = 0  # hidden for the total cap, with no line of their kind shown

    def add(self, kind: Hashable, make: Callable[[], InputProblem]) -> None:
        seen = self._counts.get(kind, 0) + 1
        self._counts[kind] = seen
        if seen <= self.per_kind and len(self.kept) < self.total:
            self.kept.append(make())
            self._summary[kind] = [len(self.kept) - 1, 0]
        elif kind in self._summary:
            self._summary[kind][1] += 1
        else:
            self.omitted += 1

    def add_problem(self, problem: InputProblem) -> None:
        """Add a built problem; a summary given here is kept as it is, in its place."""
        if problem.more:
            self._passed.append((len(self.kept), problem))
        else:
            self.add(problem_kind(problem), lambda: problem)

    def problems(self) -> list[InputProblem]:
        """The kept problems, each kind's summary right after its last line, and a last line
        counting the problems of kinds that did not fit at all."""
        after: dict[int, list[InputProblem]] = {}
        for index, problem in self._passed:
            after.setdefault(index - 1, []).append(problem)
        for index, hidden in self._summary.values():
            if hidden:
                shown = self.kept[index]
                after.setdefault(index, []).append(
                    InputProblem(_file_of(shown.source), _field_of(shown.where), "", hidden)
                )
        lines = list(after.get(-1, []))
        for index, problem in enumerate(self.kept):
            lines.append(problem)
            lines.extend(after.get(index, []))
        if self.omitted:
            lines.append(InputProblem("", "", "", self.omitted))
        return lines


def summarise(
    problems: Iterable[InputProblem], per_kind: int = MAX_PER_KIND, total: int = MAX_SHOWN
) -> list[InputProblem]:
    """`problems` with repeats summarised: at most `per_kind` lines of one kind and `total` in
    all, then `... and K more like this` after a kind's last line and `... and K more problems`
    at the end. Summaries already in `problems` are kept as they are."""
    cap = ProblemCap(per_kind, total)
    for problem in problems:
        cap.add_problem(problem)
    return cap.problems()


def problem_lines(problems: Iterable[InputProblem]) -> list[str]:
    """The lines to show for `problems`: summarised, each one readable."""
    return [str(problem) for problem in summarise(problems)]


# --------------------------------------------------------------------------- pydantic errors

_MESSAGE_REWRITES = {
    "Field required": "missing (required field)",
    "Extra inputs are not permitted": "unknown field",
}
# pydantic's own message for an integer given as a string of more than 4,300 digits
_TYPE_MESSAGES = {"int_parsing_size": "the number is too long"}


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


FIELD_MARK = "\x1f"  # ends the field a record-level check names at the start of its message
_FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]*")  # what `field_error` is given: a field's name


def field_error(field: str, message: str) -> ValueError:
    """The error of a record-level check (a model validator) about one field of the record: its
    problem line then reads `record.field: message`, as a field's own check would."""
    return ValueError(f"{field}{FIELD_MARK}{message}")


def _marked(msg: str) -> tuple[str, str] | None:
    """The field and the message of a `field_error`'s text, or None for any other: a message
    that quotes what the user wrote may hold FIELD_MARK too (a CSV cell with a control
    character), and must not lose its field to the text before it."""
    head, mark, rest = msg.partition(FIELD_MARK)
    field = head.removeprefix("Value error, ")
    if not mark or not _FIELD_NAME.fullmatch(field):
        return None
    return field, rest


def error_field(error: Mapping[str, Any]) -> str | None:
    """The field a record-level check named (`field_error`), if it named one."""
    marked = _marked(str(error.get("msg", "")))
    return None if marked is None else marked[0]


def bare_message(error: Mapping[str, Any]) -> str:
    """A pydantic error's message without the "Value error, " pydantic puts before our own, and
    a number too long to read said plainly."""
    rewritten = _TYPE_MESSAGES.get(str(error.get("type", "")))
    if rewritten is not None:
        return rewritten
    msg = str(error.get("msg", "invalid value"))
    marked = _marked(msg)
    if marked is not None:  # the field goes into the place, not the message (`field_error`)
        msg = marked[1]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
            break
    return plain_message(msg)


def _message(error: Mapping[str, Any]) -> str:
    msg = bare_message(error)
    msg = _MESSAGE_REWRITES.get(msg, msg)
    return msg[:1].lower() + msg[1:]


def problems_from_validation(error: ValidationError, source: str, raw: Any) -> list[InputProblem]:
    """Convert a pydantic ValidationError into one InputProblem per error, in document order,
    repeated ones summarised (see `summarise`): a million errors are counted, and only the
    problems shown are built."""
    cap = ProblemCap()
    # without the input values: converting those for a million errors takes seconds
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        loc = [k for k in item.get("loc", ()) if not is_union_tag(k)]
        shape = tuple(None if isinstance(k, int) else k for k in loc)
        kind = (shape, item.get("type"), message_shape(str(item.get("msg", ""))))
        cap.add(kind, partial(_problem, source, loc, raw, item))
    return cap.problems()


def _problem(source: str, loc: Sequence[Any], raw: Any, item: Mapping[str, Any]) -> InputProblem:
    field = error_field(item)
    place = [*loc, field] if field else loc
    return InputProblem(source, record_path(place, raw) or "(document)", _message(item))


def is_union_tag(key: Any) -> bool:
    """Pydantic inserts the branch name of a union (e.g. 'int', 'str') into error locations."""
    return isinstance(key, str) and (
        key in {"int", "str", "float", "list[...]"} or key.startswith("function-")
    )
