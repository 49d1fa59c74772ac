"""What the fuzz tests (`tests/cli/test_fuzz.py`) share: writing hostile JSON, running a command
in-process, judging its output by the project's promises, and counting.

The promises checked on every command a fuzz case runs:
- no traceback: the command ends by `sys.exit` (click's SystemExit) or returns, never by another
  exception; `SolverBug` is counted apart (a method's schedule the evaluator rejects);
- the exit code is one the command documents;
- on exit 2 every stderr line is a problem line `file[:line]: where: problem` that starts with the
  name of an input file the command was given (or is the documented closing summary
  `... and K more problems`), holds no raw control character, names the field of a record it is
  about (`visits[V1].window`, not `visits[V1]`), and, for a CSV file, the line of a row it is
  about (`visits.csv:7: duration: ...`);
- no command runs for more than `SLOW_SECONDS` (every case is small).

Two modes:
- strict (default): the first broken promise fails the example, so hypothesis shrinks it and
  prints the smallest input it found;
- census (`HEMPLAN_FUZZ_TALLY=DIR`): every case runs to the end, broken promises are counted by
  kind, the first `KEEP_PER_KIND` cases of each kind are written to `DIR/cases/<test>/<kind>-<n>/`
  (the input files, `command.sh` to run from that folder, `output.txt`), the counts to
  `DIR/<test>.json` (with the refusal lines by kind in `DIR/<test>.lines.txt`) and the sums to
  `DIR/summary.json` (the fuzz tests, and apart the tests of fixed inputs); each test fails at its
  end if anything was found. The folder is emptied of a previous run's counts when a run starts.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import shutil
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from hemplan.cli.main import main
from hemplan.solver.method import SolverBug

TALLY = os.environ.get("HEMPLAN_FUZZ_TALLY", "")
KEEP_PER_KIND = 10
FIXED = ("found-", "starting-points", "sep-line")  # tests of fixed inputs, counted apart
SLOW_SECONDS = 60.0

# what must never reach the terminal raw (README: "shown escaped"): every character of the
# control, format, line and paragraph separator and surrogate categories (a zero-width space or
# a byte-order mark as much as NUL or a direction override), the newline ending a line aside;
# told by unicodedata here, not by the product's own list of them
UNSHOWN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def raw_control(text: str) -> int | None:
    """Where the first character that must be shown escaped stands raw in `text`, or None."""
    for at, char in enumerate(text):
        if char != "\n" and unicodedata.category(char) in UNSHOWN:
            return at
    return None


MORE_PROBLEMS = re.compile(r"\.\.\. and [\d,]+ more problems")
# the records of instance and schedule files, as problem lines name them: `visits[V1].window`
RECORDS = (
    "teams",
    "staff",
    "clients",
    "visits",
    "patterns",
    "shifts",
    "assignments",
    "routes",
    "stops",
    "unassigned",
)
# `visits[V1]: problem`: a record without a field (judged only when the id holds no bracket or
# colon, so that where the record ends is certain). A part of a record named by its place in a
# list of the record, `staff[S1].shifts[0]: end ... is not after start ...`, names the field
# (`shifts`) as `visits[V1].window: latest ... is before earliest ...` does.
RECORD_ONLY = re.compile(rf"^(?:{'|'.join(RECORDS)})\[[^\]\[:]*\]: ")
# a record given as something else than an object has no field to name: that is fine (the type
# of the record, or a limit of the raw document on the value standing where the record should)
WHOLE_RECORD = re.compile(
    r"^input should be (?:a valid dictionary|an object)|^text holds an invalid character|^text of "
    r"|^nested more than|^number is too large|^-?\w+ is not a number JSON allows"
)
# a CSV line's problem that is about its shape (header, cells, encoding), not one column
ROW_AS_A_WHOLE = re.compile(r"column|header|cells|cannot read|\.\.\. and")
SUMMARY = re.compile(r"\.\.\. and [\d,]+ more")


# --------------------------------------------------------------------------- hostile JSON


class RawNumber(str):
    """A number written into JSON as these exact characters (10**5000, 1e400, -0): Python
    cannot even print an int of more than 4,300 digits."""


class DupDict(dict):  # type: ignore[type-arg]
    """An object written with one member twice (`extra`: the key and the second value)."""

    extra: tuple[str, Any] = ("", None)


def dumps(value: Any, ensure_ascii: bool = False) -> str:
    """JSON text of `value`, keeping what `json.dumps` cannot write: `RawNumber`, a member
    twice (`DupDict`), `NaN` and `Infinity`, lone surrogates (written by the caller with
    surrogatepass)."""
    if isinstance(value, RawNumber):
        return str.__str__(value)
    if isinstance(value, dict):
        items = list(value.items())
        if isinstance(value, DupDict):
            items.append(value.extra)
        return (
            "{"
            + ", ".join(
                f"{json.dumps(str(k), ensure_ascii=ensure_ascii)}: {dumps(v, ensure_ascii)}"
                for k, v in items
            )
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(dumps(v, ensure_ascii) for v in value) + "]"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**4000:
        return RawNumber(_digits(value))  # beyond what str() may convert
    return json.dumps(value, ensure_ascii=ensure_ascii)


def _digits(value: int) -> str:
    sign, value = ("-", -value) if value < 0 else ("", value)
    chunks = []
    while value:
        value, low = divmod(value, 10**1000)
        chunks.append(low)
    text = str(chunks.pop()) + "".join(f"{c:01000d}" for c in reversed(chunks))
    return sign + text


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------- line checks


def line_defects(line: str, sources: Sequence[str], csv_columns: set[str] | None = None) -> list:
    """What is wrong with one stderr line of an exit-2 refusal (empty: nothing).

    `sources`: the names a problem line may start with (the files given, the folder);
    `csv_columns`: the column names of the CSV files, when the sources are CSV files."""
    found = []
    if raw_control(line) is not None:
        found.append("raw control character")
    if MORE_PROBLEMS.fullmatch(line):
        return found
    rest = None
    for source in sorted(sources, key=len, reverse=True):
        if line.startswith(source + ": "):
            rest, numbered = line[len(source) + 2 :], False
            break
        head = re.match(re.escape(source) + r":(\d+): ", line)
        if head:
            rest, numbered = line[head.end() :], True
            break
    if rest is None:
        found.append("message without a file")
        return found
    if csv_columns is None:
        record = RECORD_ONLY.match(rest)
        if record:
            message = rest[record.end() :]
            if not WHOLE_RECORD.match(message) and not SUMMARY.match(message):
                found.append("record without a field")
    else:
        column, sep, message = rest.partition(": ")
        if not numbered and sep and column in csv_columns and not SUMMARY.match(message):
            found.append("row problem without a line")
        elif (
            numbered and (not sep or column not in csv_columns) and not ROW_AS_A_WHOLE.search(rest)
        ):
            found.append("record without a field")
    return found


def _shape(line: str, sources: Sequence[str]) -> str:
    """A refusal line with its file, quoted values and numbers blanked, to list the kinds."""
    for source in sorted(sources, key=len, reverse=True):
        if line.startswith(source + ":"):
            line = "FILE" + line[len(source) :]
            break
    line = re.sub(r"'[^']*'", "'…'", line)
    line = re.sub(r"\[[^\]]*\]", "[…]", line)
    return re.sub(r"\d[\d,.]*", "#", line)[:200]


# --------------------------------------------------------------------------- census


def clear_tally() -> None:
    """Start a census afresh: remove the counts and reproducers a previous run left in TALLY."""
    if not TALLY or not Path(TALLY).is_dir():
        return
    for path in Path(TALLY).glob("*.json"):
        path.unlink()
    for path in Path(TALLY).glob("*.lines.txt"):
        path.unlink()
    shutil.rmtree(Path(TALLY) / "cases", ignore_errors=True)


@dataclass
class Census:
    """Cases, commands and broken promises of one fuzz test."""

    test: str
    cases: int = 0
    commands: int = 0
    exits: Counter = field(default_factory=Counter)
    defects: Counter = field(default_factory=Counter)  # broken promises (lines, commands)
    defect_cases: Counter = field(default_factory=Counter)  # cases with such a promise broken
    examples: list[str] = field(default_factory=list)
    shapes: Counter = field(default_factory=Counter)  # refusal lines, values blanked (census)
    started: float = field(default_factory=time.monotonic)

    @contextmanager
    def case(self, runner: CliRunner | None = None) -> Iterator[Case]:
        """A fuzz case in a fresh folder that is the working directory while it runs."""
        runner = runner or CliRunner()
        with runner.isolated_filesystem() as folder:
            case = Case(self, runner, Path(folder))
            yield case
            case.close()

    def finish(self) -> None:
        """Write the counts (census mode) and fail if anything was found."""
        if not TALLY:
            return
        root = Path(TALLY)
        root.mkdir(parents=True, exist_ok=True)
        record = {
            "test": self.test,
            "cases": self.cases,
            "commands": self.commands,
            "exit_codes": dict(sorted(self.exits.items())),
            "defects": dict(self.defects),
            "defect_cases": dict(self.defect_cases),
            "seconds": round(time.monotonic() - self.started, 1),
        }
        (root / f"{self.test}.json").write_text(json.dumps(record, indent=2) + "\n")
        (root / f"{self.test}.lines.txt").write_text(
            "".join(f"{n:7d}  {shape}\n" for shape, n in self.shapes.most_common()),
            errors="backslashreplace",
        )
        totals: dict[str, dict[str, Any]] = {}
        for path in sorted(root.glob("*.json")):
            if path.name == "summary.json":
                continue
            one = json.loads(path.read_text())
            # the fuzz tests, and apart the fixed cases (starting points, defects found before)
            group = "fixed" if one["test"].startswith(FIXED) else "fuzz"
            total = totals.setdefault(
                group, {"tests": 0, "cases": 0, "commands": 0, "defects": Counter(), "seconds": 0}
            )
            total["tests"] += 1
            total["cases"] += one["cases"]
            total["commands"] += one["commands"]
            total["seconds"] = round(total["seconds"] + one["seconds"], 1)
            total["defects"].update(one["defects"])
        (root / "summary.json").write_text(json.dumps(totals, indent=2) + "\n")
        assert not self.defects, (
            f"{self.test}: {dict(self.defects)} in {self.cases} cases; first:\n"
            + "\n".join(self.examples[:5])
        )


class Case:
    """One fuzz input (files in a folder) and the commands run on it."""

    def __init__(self, census: Census, runner: CliRunner, folder: Path) -> None:
        self.census = census
        self.runner = runner
        self.folder = folder
        self.inputs: dict[str, bytes | None] = {}  # relative name -> content (None: a folder)
        self.commands: list[list[str]] = []
        self.outputs: list[str] = []
        self.kinds: set[str] = set()

    def write(self, name: str, content: bytes) -> str:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.inputs[name] = content
        return name

    def mkdir(self, name: str) -> str:
        (self.folder / name).mkdir(parents=True, exist_ok=True)
        self.inputs[name] = None
        return name

    def run(
        self,
        args: Sequence[str],
        exits: set[int],
        sources: Sequence[str],
        csv_columns: set[str] | None = None,
        exit_kind: str = "undocumented exit code",
    ) -> Result:
        """Run `hemplan ARGS` in-process and check every promise; `exits`: the exit codes the
        command documents for this input (another is counted as `exit_kind`)."""
        if not self.commands:
            self.census.cases += 1  # a case counts once it runs a command
        self.census.commands += 1
        self.commands.append(list(args))
        began = time.monotonic()
        result = self.runner.invoke(main, list(args))
        seconds = time.monotonic() - began
        self.census.exits[f"{args[0]} {result.exit_code}"] += 1
        self.outputs.append(
            f"$ hemplan {shlex.join(args)}\nexit {result.exit_code} after {seconds:.1f}s\n"
            f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
            + (f"--- exception\n{result.exception!r}\n" if result.exception else "")
        )
        exception = result.exception
        if isinstance(exception, SolverBug) or "SolverBug" in result.output:
            self.defect("SolverBug", f"{args[0]}: {exception!r}")
        elif (exception is not None and not isinstance(exception, SystemExit)) or (
            "Traceback" in result.output
        ):
            self.defect("traceback", f"{args[0]}: {exception!r}")
        elif result.exit_code not in exits:
            self.defect(exit_kind, f"{args[0]}: exit {result.exit_code} not in {exits}")
        if seconds > SLOW_SECONDS:
            self.defect("slow", f"{args[0]}: {seconds:.0f} s")
        raw = raw_control(result.output) if result.exit_code != 2 else None
        if raw is not None:
            self.defect(
                "raw control character in output",
                f"{args[0]}: exit {result.exit_code}: {result.output[: raw + 40][-120:]!r}",
            )
        if result.exit_code == 2 and (exception is None or isinstance(exception, SystemExit)):
            lines = result.stderr.splitlines()
            if not lines:
                self.defect("refusal without a message", f"{args[0]}: exit 2, nothing on stderr")
            for line in lines:
                if TALLY:
                    self.census.shapes[_shape(line, sources)] += 1
                for kind in line_defects(line, sources, csv_columns):
                    self.defect(kind, f"{args[0]}: {line!r}")
        return result

    def expect(self, condition: bool, kind: str, detail: str) -> None:
        if not condition:
            self.defect(kind, detail)

    def defect(self, kind: str, detail: str) -> None:
        census = self.census
        census.defects[kind] += 1
        if kind not in self.kinds:
            self.kinds.add(kind)
            census.defect_cases[kind] += 1
            if census.defect_cases[kind] <= KEEP_PER_KIND and TALLY:
                self._keep(kind, census.defect_cases[kind])
        if len(census.examples) < 20:
            census.examples.append(f"{kind}: {detail}")
        if not TALLY:
            raise AssertionError(f"{kind}: {detail}\n\n" + "\n".join(self.outputs)[-6000:])

    def _keep(self, kind: str, number: int) -> None:
        """The reproducer: the input files as they were given, the commands, their output."""
        target = Path(TALLY) / "cases" / self.census.test / f"{kind.replace(' ', '-')}-{number}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name, content in self.inputs.items():
            path = target / name
            if content is None:
                path.mkdir(parents=True, exist_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
        here = str(self.folder) + os.sep
        script = "# run from this folder\n" + "".join(
            f'hemplan {shlex.join(a.replace(here, "") for a in c)}; echo "exit $?"\n'
            for c in self.commands
        )
        (target / "command.sh").write_text(script)
        (target / "output.txt").write_text("\n".join(self.outputs), errors="backslashreplace")

    def close(self) -> None:
        """Bring the reproducer up to date with the commands run after a defect was kept."""
        if TALLY:
            for kind in self.kinds:
                number = self.census.defect_cases[kind]
                if number <= KEEP_PER_KIND:
                    self._keep(kind, number)
