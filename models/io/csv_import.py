"""Import an instance from the CSV files a planner keeps in a spreadsheet.

A folder holds `clients.csv`, `staff.csv`, `shifts.csv`, `visits.csv` and optionally
`teams.csv` (the columns are listed in `csv_layout.FILES` and in the README). Every mistake
becomes an `InputProblem` whose text is `file.csv:line: column: what is wrong`, and all of them, in
all files, are reported together in one `InputError` (in file and line order, repeated ones
summarised after a cap: see `hemplan.models.contract.problems.summarise`).

Where each part lives: the files and their columns in `csv_layout`, a file read and a row
checked in `csv_table`, a cell parsed by its kind in `csv_cells`; this module sets the horizon
and assembles the instance.

How it works: each file is read with the csv module (UTF-16 with a byte order mark, as Excel saves
"Unicode text"; else UTF-8 with or without Excel's byte order mark, falling back to Windows-1252;
`;`, `,` or tab as delimiter, detected from the header line). Each row is converted to the record
shape of the JSON instance and validated on its own against the pydantic model (`Team`, `Client`,
`Staff`, `Shift`, `Visit`), so a field error maps straight back to its line and column. The valid
rows are then assembled into an instance document and passed through
`hemplan.models.io.load.instance_from_data` — the same checks as loading a JSON file — and every
cross-record problem it finds (unknown team, client or carer, ...) is mapped back from the record
id to its file and line. The result is therefore exactly what loading the written JSON gives.

Conventions (see also the README):
- column names are case-insensitive and in any order; an unknown column is an error;
- an empty cell means the default; a required column must have a value on every row;
- lists (skills, carers) are separated by `|`, e.g. `insulin|lift`;
- times are HH:MM (Excel's HH:MM:00 is accepted); numbers may use a decimal comma;
- a day is a day number (0 = start date) or a date YYYY-MM-DD;
- the horizon starts at `start_date` (else the earliest date in shifts.csv/visits.csv) and
  lasts `days` days (else up to the last day used);
- the skills list is every skill named in staff.csv or visits.csv; a skill no carer has is
  allowed (the visit cannot be served, and the import warns);
- without teams.csv, teams are the values of the `team` columns, each with its office at the
  centroid of its clients.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from hemplan.models.contract.instance import Client, Instance
from hemplan.models.contract.problems import MAX_PER_KIND, InputError, InputProblem
from hemplan.models.io.csv_cells import ISO_DATE, parse_rows
from hemplan.models.io.csv_layout import (
    CLIENTS,
    FILES,
    RECURRING,
    REFERENCES,
    ROTA,
    SHIFTS,
    SPEC_BY_COLLECTION,
    STAFF,
    TEAMS,
    FileSpec,
)
from hemplan.models.io.csv_table import (
    CsvProblems,
    Row,
    Table,
    read_table,
    report_duplicates,
    strip_column,
    validate_row,
)
from hemplan.models.io.load import instance_from_data

MAX_DAYS = 366
_PLACEHOLDER_TEAM = "\x00placeholder-team"


# --------------------------------------------------------------------------- horizon


def _horizon(
    tables: dict[str, Table | None],
    start_date: date | None,
    days: int | None,
    folder: str,
    out: CsvProblems,
) -> tuple[date, int]:
    """Fix the horizon from the options or the day columns; turn dates into day numbers."""
    day_columns = [
        (t, c.name)
        for t in (tables["shifts"], tables["visits"])
        if t
        for c in t.spec.columns
        if c.kind == "day"
    ]
    dates = [
        row.values[name]
        for t, name in day_columns
        for row in t.rows
        if isinstance(row.values.get(name), date)
    ]
    start = start_date or (min(dates) if dates else None)
    if start is None:
        if any(name in row.values for t, name in day_columns for row in t.rows):
            out.add(
                folder,
                None,
                None,
                "no start date: the day columns hold day numbers, so give --start-date YYYY-MM-DD",
            )
        else:
            out.add(folder, None, None, "no start date: give --start-date YYYY-MM-DD")
        start = date(2000, 1, 3)

    offsets: list[int] = []
    for table, name in day_columns:
        for row in table.rows:
            value = row.values.get(name)
            if isinstance(value, date):
                offset = (value - start).days
                if offset < 0:
                    out.at(table.spec, row, name, f"{value} is before the start date {start}")
                    del row.values[name]
                    continue
                row.values[name] = offset
            if isinstance(row.values.get(name), int):
                offsets.append(row.values[name])

    recurring = any(bool(t.rows) for c in ("patterns", "rota") if (t := tables.get(c)))
    if days is None and recurring and not offsets:
        out.add(
            folder,
            None,
            None,
            "no horizon length: rota.csv and patterns.csv repeat without end, so give --days N",
        )
    if days is None:
        days = max(offsets, default=0) + 1
        if days > MAX_DAYS:
            out.add(
                folder,
                None,
                None,
                f"the days used span {days} days from {start}, more than {MAX_DAYS}; "
                "check the dates or give --days",
            )
            days = MAX_DAYS
    for table, name in day_columns:
        for row in table.rows:
            value = row.values.get(name)
            if isinstance(value, int) and value >= days:
                text = row.cells[name]
                shown = text if ISO_DATE.fullmatch(text) else f"day {value}"
                out.at(
                    table.spec,
                    row,
                    name,
                    (
                        f"{shown} is outside the horizon of {days} day{'s' if days != 1 else ''} "
                        f"starting {start}"
                    ),
                )
    return start, days


# --------------------------------------------------------------------------- assembly


def _derive_teams(
    clients: Table | None, staff: Table | None, out: CsvProblems
) -> list[dict[str, Any]]:
    """Teams named in clients.csv and staff.csv, each with its office at its clients' centroid."""
    order: dict[str, None] = {}  # the teams in order of first mention (a dict: fast lookups)
    homes: dict[str, list[tuple[float, float]]] = {}
    first_staff_row: dict[str, Row] = {}
    for row in clients.rows if clients else []:
        team = row.values.get("team")
        if team is None:
            continue
        order.setdefault(team)
        if isinstance(row.record, Client):
            homes.setdefault(team, []).append((row.record.location.lat, row.record.location.lon))
    client_teams = set(order)
    for row in staff.rows if staff else []:
        team = row.values.get("team")
        if team is None:
            continue
        order.setdefault(team)
        first_staff_row.setdefault(team, row)
    teams = []
    for team in order:
        points = homes.get(team)
        if points:
            lat = round(sum(p[0] for p in points) / len(points), 6)
            lon = round(sum(p[1] for p in points) / len(points), 6)
        else:
            lat = lon = 0.0
            if clients is not None and not clients.failed and team not in client_teams:
                row = first_staff_row[team]
                out.at(
                    STAFF,
                    row,
                    "team",
                    f"team '{team}' has no clients, so its office cannot be placed; "
                    "add teams.csv with office_lat and office_lon",
                )
        teams.append({"id": team, "name": team, "office": {"lat": lat, "lon": lon}})
    return teams


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


@dataclass
class _Index:
    """Where each record of the assembled document came from."""

    lines: dict[str, dict[str, int]] = field(default_factory=dict)  # collection -> id -> line
    # staff id -> the file and line of each shift, in order (shifts.csv, or a rota.csv row)
    shift_lines: dict[str, list[tuple[FileSpec, int]]] = field(default_factory=dict)

    def locate(self, where: str) -> tuple[FileSpec, int, str] | None:
        """Map `visits[V3].window.latest` to (visits.csv spec, line, 'latest')."""
        for collection, ids in self.lines.items():
            prefix = collection + "["
            if not where.startswith(prefix):
                continue
            rest = where[len(prefix) :]
            # the record id ends at one of the "]": the longest known id, tried from the right
            # (a dictionary lookup each, not a scan of every id: a million problems stay cheap)
            end = len(rest)
            while (end := rest.rfind("]", 0, end)) != -1 and rest[:end] not in ids:
                pass
            if end == -1:
                return None
            ident = rest[:end]
            spec, line = SPEC_BY_COLLECTION[collection], ids[ident]
            tail = rest[len(ident) + 1 :]
            shift = re.match(r"\.shifts\[(\d+)\](.*)", tail)
            if collection == "staff" and shift:
                index = int(shift.group(1))
                lines = self.shift_lines.get(ident, [])
                if index >= len(lines):
                    return None
                (spec, line), tail = lines[index], shift.group(2)
            path = tuple(re.sub(r"\[[^\]]*\]", "", tail).strip(".").split(".")) if tail else ()
            # roles[0].skills is the role_skills column's: the longest path a column holds
            held = (spec.column_at(path[:k]) for k in range(len(path), 0, -1))
            column = next((c for c in held if c is not None), None) or (
                path[-1] if path and path[-1] in spec.column_names else ""
            )
            return spec, line, column
        return None


def import_csv_dir(
    folder: str | Path,
    *,
    start_date: date | None = None,
    days: int | None = None,
    name: str | None = None,
    warnings: list[str] | None = None,
    check: Callable[[Instance, str], list[InputProblem]] = lambda instance, source: [],
) -> Instance:
    """Read an instance from the CSV files in `folder`; raises InputError listing every problem.

    `start_date` and `days` fix the horizon (see the module text for the defaults); `name`
    names the instance (default: the folder's name). Warnings that do not stop the import
    (ignored files, skills no carer has) are appended to `warnings` if it is given. `check`
    judges the assembled instance further (the CLI passes the solver's lock checks, which this
    package may not import); its problems are reported at the rows they come from, like the
    others, so what the import writes `hemplan validate` accepts.
    """
    folder = Path(folder)
    source = str(folder)
    if not folder.is_dir():
        raise InputError([InputProblem(source, "", "no such folder")])
    notes: list[str] = warnings if warnings is not None else []
    out = CsvProblems()

    found = {
        p.name.lower(): p
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix.lower() == ".csv"
    }
    expected = {s.name for s in FILES}
    for other in sorted(set(found) - expected):
        notes.append(
            f"{found[other].name}: ignored (the files read are {', '.join(sorted(expected))})"
        )

    tables: dict[str, Table | None] = {}
    for spec in FILES:
        path = found.get(spec.name)
        if path is None:
            alternative = SPEC_BY_COLLECTION.get(RECURRING.get(spec.collection, ""))
            if spec.required and not (alternative and alternative.name in found):
                either = f" (or {alternative.name})" if alternative else ""
                out.add(spec.name, None, None, f"missing required file{either} in {folder}")
            tables[spec.collection] = None
            continue
        table = read_table(spec, path, out)
        parse_rows(table, out)
        if "id" in spec.column_names:
            report_duplicates(table, out)
        tables[spec.collection] = table

    start, horizon_days = _horizon(tables, start_date, days, source, out)

    for parsed in tables.values():
        if parsed is not None:
            for row in parsed.rows:
                validate_row(parsed.spec, row, out)

    def rows(collection: str) -> list[Row]:
        table = tables[collection]
        return table.rows if table is not None else []

    def unusable(collection: str) -> bool:
        table = tables[collection]
        return table is None or table.failed

    index = _Index()
    # A record whose row was rejected is stood in for by a placeholder with the same id, so
    # that other rows referring to it are not reported as well: the row's own problem is.
    rejected: dict[str, set[str]] = {
        c: {r.values["id"] for r in rows(c) if r.record is None and "id" in r.values}
        for c in ("teams", "clients", "staff")
    }

    if tables["teams"] is not None:
        teams = []
        for row in rows("teams"):
            if row.record is not None:
                teams.append(_dump(row.record))
                index.lines.setdefault("teams", {})[row.record.id] = row.line
    else:
        teams = _derive_teams(tables["clients"], tables["staff"], out)
        rejected["teams"] = set()
    if not teams:
        if tables["teams"] is not None and not tables["teams"].failed and not rejected["teams"]:
            out.add(TEAMS.name, None, None, "no teams; an instance needs at least one")
        elif tables["teams"] is None and not unusable("clients") and not unusable("staff"):
            out.add(
                CLIENTS.name,
                None,
                None,
                "no teams: clients.csv and staff.csv have no rows naming a team",
            )
    team_ids = {t["id"] for t in teams}
    for ident in sorted(rejected["teams"] - team_ids):
        teams.append({"id": ident, "office": {"lat": 0.0, "lon": 0.0}})
        team_ids.add(ident)
    if not teams:
        teams.append({"id": _PLACEHOLDER_TEAM, "office": {"lat": 0.0, "lon": 0.0}})
    any_team = teams[0]["id"]

    staff: list[dict[str, Any]] = []
    shifts_of: dict[str, list[tuple[int, FileSpec, int, dict[str, Any]]]] = {}
    for row in rows("staff"):
        if row.record is not None:
            staff.append(_dump(row.record))
            index.lines.setdefault("staff", {})[row.record.id] = row.line
            shifts_of[row.record.id] = []
    shift_day_line: dict[tuple[str, int], int] = {}
    for row in rows("shifts"):
        carer = row.values.get("staff")
        if carer is None:
            continue
        if carer not in shifts_of:
            if not unusable("staff") and carer not in rejected["staff"]:
                out.at(SHIFTS, row, "staff", f"unknown carer '{carer}'")
            continue
        day = row.values.get("day")
        if isinstance(day, int):
            if (carer, day) in shift_day_line:
                out.at(
                    SHIFTS,
                    row,
                    "day",
                    f"carer '{carer}' already has a shift on {row.cells['day']} "
                    f"(line {shift_day_line[carer, day]})",
                )
                continue
            shift_day_line[carer, day] = row.line
        if row.record is not None:
            shifts_of[carer].append((row.record.day, SHIFTS, row.line, _dump(row.record)))
    _repeat_rota(
        rows("rota"), start, horizon_days, shifts_of, shift_day_line, unusable, rejected, out
    )
    for record in staff:
        ordered = sorted(shifts_of[record["id"]], key=lambda s: s[0])
        record["shifts"] = [s[3] for s in ordered]
        index.shift_lines[record["id"]] = [(s[1], s[2]) for s in ordered]
    for ident in sorted(rejected["staff"] - set(shifts_of)):
        staff.append({"id": ident, "team": any_team})

    clients = []
    for row in rows("clients"):
        if row.record is not None:
            clients.append(_dump(row.record))
            index.lines.setdefault("clients", {})[row.record.id] = row.line
    client_ids = {c["id"] for c in clients}
    for ident in sorted(rejected["clients"] - client_ids):
        clients.append({"id": ident, "team": any_team, "location": {"lat": 0.0, "lon": 0.0}})

    visits = []
    for row in rows("visits"):
        if row.record is not None:
            visits.append(_dump(row.record))
            index.lines.setdefault("visits", {})[row.record.id] = row.line

    patterns = []
    for row in rows("patterns"):
        if row.record is not None:
            patterns.append(_dump(row.record))
            index.lines.setdefault("patterns", {})[row.record.id] = row.line

    staff_skills = {s for r in staff for s in r.get("skills", [])}
    visit_skills = {s for r in visits + patterns for s in r.get("skills", [])}
    notes.extend(_unserved_skill_notes(visits, visit_skills - staff_skills, index))

    document = {
        "name": name if name is not None else folder.resolve().name,
        "horizon": {"start_date": start.isoformat(), "days": horizon_days},
        "skills": sorted(staff_skills | visit_skills),
        "teams": teams,
        "staff": staff,
        "clients": clients,
        "visits": visits,
        "patterns": patterns,
    }
    try:
        instance = instance_from_data(document, source)
    except InputError as exc:
        for problem in exc.problems:
            _report_checked(problem, index, unusable, out)
        raise InputError(out.sorted()) from None
    if not out:
        for problem in check(instance, source):
            _report_checked(problem, index, unusable, out)
    if out:
        raise InputError(out.sorted())
    return instance


def _repeat_rota(
    rota: list[Row],
    start: date,
    days: int,
    shifts_of: dict[str, list[tuple[int, FileSpec, int, dict[str, Any]]]],
    shift_day_line: dict[tuple[str, int], int],
    unusable: Callable[[str], bool],
    rejected: dict[str, set[str]],
    out: CsvProblems,
) -> None:
    """Each rota row as the shifts it repeats into over the horizon (weeks counted as
    patterns count them: calendar weeks from the week of the start date)."""
    first_weekday = start.weekday()
    for row in rota:
        carer = row.values.get("staff")
        if carer is None:
            continue
        if carer not in shifts_of:
            if not unusable("staff") and carer not in rejected["staff"]:
                out.at(ROTA, row, "staff", f"unknown carer '{carer}'")
            continue
        rule = row.record
        if rule is None:
            continue
        shift = rule.model_dump(by_alias=True, include={"start", "end", "break_"})
        for day in range(days):
            week, weekday = divmod(first_weekday + day, 7)
            if weekday not in rule.weekdays or (week - rule.week_offset) % rule.every_weeks:
                continue
            if (carer, day) in shift_day_line:
                when = start + timedelta(days=day)
                out.at(
                    ROTA,
                    row,
                    "weekdays",
                    f"carer '{carer}' already has a shift on {when} "
                    f"(line {shift_day_line[carer, day]})",
                )
                break
            shift_day_line[carer, day] = row.line
            shifts_of[carer].append((day, ROTA, row.line, {**shift, "day": day}))


def _unserved_skill_notes(
    visits: list[dict[str, Any]], unserved: set[str], index: _Index
) -> list[str]:
    """A warning per skill a visit needs and no carer has, naming the lines (at most
    `MAX_PER_KIND` warnings and lines each, then how many more)."""
    lines: dict[str, list[int]] = {skill: [] for skill in unserved}
    for visit in visits:
        for skill in dict.fromkeys(visit.get("skills", [])):  # a skill listed twice: one line
            if skill in lines:
                lines[skill].append(index.lines["visits"][visit["id"]])
    notes = []
    for skill in sorted(unserved)[:MAX_PER_KIND]:
        where = lines[skill]
        shown = ", ".join(str(line) for line in where[:MAX_PER_KIND])
        if len(where) > MAX_PER_KIND:
            shown += f" and {len(where) - MAX_PER_KIND:,} more"
        notes.append(
            f"visits.csv: skill '{skill}' is needed on line{'s' if len(where) > 1 else ''} "
            f"{shown} but no carer in staff.csv has it; those visits cannot be served"
        )
    if len(unserved) > MAX_PER_KIND:
        notes.append(
            f"visits.csv: ... and {len(unserved) - MAX_PER_KIND:,} more skills no carer has"
        )
    return notes


def _report_checked(
    problem: InputProblem, index: _Index, unusable: Callable[[str], bool], out: CsvProblems
) -> None:
    """Report a problem found on the assembled document at the file and line it came from."""
    if problem.more:  # "... and K more like this": the problems it counts have no line here
        if not out:
            out.add(problem.source, None, problem.where, f"... and {problem.more:,} more like this")
        return
    located = index.locate(problem.where)
    if located is None:
        if out:
            return  # about a placeholder or a consequence of a problem already reported
        out.add(problem.source, None, problem.where or None, problem.message)
        return
    spec, line, column = located
    for target, columns in REFERENCES.items():
        if (
            (spec.collection, column) in columns
            and unusable(target)
            and problem.message.startswith("unknown")
        ):
            return  # the referenced file could not be read; its own problem says so
    out.add(spec.name, line, column or None, strip_column(problem.message, column))
