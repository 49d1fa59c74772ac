"""A visit's start windows as every consumer reads them: sorted, disjoint (earliest, latest)
pairs of minutes, one pair for the usual single window.

A client who can be visited 08:00-09:00 or 11:00-12:00 has two; the visit must start inside
one. Routes time a visit by the first start at or after the moment the carer can be there
(`snap_start`), so a single window stays the same arithmetic as before: the max with its
earliest, then the check against its latest.
"""

from __future__ import annotations

from collections.abc import Sequence

from hemplan.models.contract.clock import format_clock

StartWindows = tuple[tuple[int, int], ...]  # (earliest, latest) start minutes, sorted, apart


def snap_start(windows: Sequence[tuple[int, int]], t: int) -> int:
    """The first start at or after `t` that a window allows; `t` itself when it is inside a
    window or past the last one (the caller then sees it beyond the latest start)."""
    for earliest, latest in windows:
        if t <= latest:
            return max(t, earliest)
    return t


def latest_start_by(windows: Sequence[tuple[int, int]], t: int) -> int | None:
    """The last start at or before `t` that a window allows, or None before the first one."""
    for earliest, latest in reversed(windows):
        if earliest <= t:
            return min(t, latest)
    return None


def starts_inside(windows: Sequence[tuple[int, int]], t: int) -> bool:
    """Whether a start at `t` lies inside one of the windows."""
    return any(earliest <= t <= latest for earliest, latest in windows)


def extend_windows(windows: Sequence[tuple[int, int]], late: int) -> StartWindows:
    """The windows with each latest start moved `late` minutes on (soft windows: lateness up to
    a limit), those that then touch or overlap merged; the windows themselves for 0."""
    if not late:
        return tuple(windows)
    merged: list[tuple[int, int]] = []
    for earliest, latest in windows:
        if merged and earliest <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], latest + late)
        else:
            merged.append((earliest, latest + late))
    return tuple(merged)


def lateness_of(windows: Sequence[tuple[int, int]], t: int) -> int:
    """Minutes by which a start at `t` falls after the latest start of the window it comes in
    or after (0 inside a window or before the first)."""
    late = 0
    for earliest, latest in windows:
        if t < earliest:
            break
        late = max(0, t - latest)
    return late


def windows_text(windows: Sequence[tuple[int, int]], joiner: str = " or ") -> str:
    """`08:00-09:00` or `08:00-09:00 or 11:00-12:00`, as planners write windows (`joiner`:
    the word between them in the reader's language)."""
    return joiner.join(f"{format_clock(lo)}-{format_clock(hi)}" for lo, hi in windows)
