"""Clock times: read as "HH:MM" or minutes after midnight, always written as "HH:MM".

Planners read and write "07:30"; the solver and evaluator compute with integer minutes.
`ClockTime` is the one pydantic type that bridges the two.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

MINUTES_PER_DAY = 24 * 60


def format_clock(minutes: int) -> str:
    """Format minutes after midnight as HH:MM (24:00 is the end of the day)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_clock(value: Any) -> int:
    """Parse "HH:MM" or an integer number of minutes after midnight (0..1440)."""
    if isinstance(value, bool):
        raise ValueError("expected a time as HH:MM or minutes after midnight")
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, str):
        text = value.strip()
        hours, sep, mins = text.partition(":")
        if not sep or not hours.isdigit() or not mins.isdigit() or len(mins) != 2:
            raise ValueError(f"'{value}' is not a time as HH:MM")
        if int(mins) >= 60:
            raise ValueError(f"'{value}' has minutes beyond 59")
        minutes = int(hours) * 60 + int(mins)
    else:
        raise ValueError("expected a time as HH:MM or minutes after midnight")
    if not 0 <= minutes <= MINUTES_PER_DAY:
        raise ValueError(f"time {value!r} is outside 00:00-24:00")
    return minutes


ClockTime = Annotated[
    int,
    BeforeValidator(parse_clock),
    PlainSerializer(format_clock, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{1,2}:\d{2}$"},
                {"type": "integer", "minimum": 0, "maximum": MINUTES_PER_DAY},
            ],
            "description": "time of day as HH:MM or minutes after midnight",
        }
    ),
]
