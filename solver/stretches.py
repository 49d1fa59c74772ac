"""Parts that must lie inside a stretch of one carer's day, weighed against its minutes.

A part (a visit, or a break) must run between its `release` and its `deadline` for `minutes`;
one carer does one part at a time. Whatever the order, the parts that must lie inside a
stretch take no more minutes than it holds. The lock check asks this of the locks fixed on a
carer-day (`solver.locks`), the team bound of the parts a carer might take (`solver.team_bound`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol


class Part(Protocol):
    @property
    def release(self) -> int: ...

    @property
    def deadline(self) -> int: ...

    @property
    def minutes(self) -> int: ...


def crowded(parts: Sequence[Part], longest: int | None = None) -> Iterator[tuple[list[int], int]]:
    """The sets of parts (their indices) that must lie inside one stretch and need more
    minutes than it holds, each with its room. The sets weighed are those of every stretch
    from one part's release to another's deadline, each once, against the tightest stretch
    that holds it (its own first release to its last deadline); with `longest`, only those of
    stretches at most that long. For each release, the parts released then or later are taken
    in deadline order: each prefix is one stretch's set."""
    seen: set[tuple[int, int]] = set()
    for begin in sorted({p.release for p in parts}):
        later = sorted(
            (i for i, p in enumerate(parts) if p.release >= begin), key=lambda i: parts[i].deadline
        )
        minutes, first, prefix = 0, begin, []
        for k, i in enumerate(later):
            part = parts[i]
            if longest is not None and part.deadline - begin > longest:
                break
            minutes += part.minutes
            first = part.release if k == 0 else min(first, part.release)
            prefix.append(i)
            if k + 1 < len(later) and parts[later[k + 1]].deadline == part.deadline:
                continue  # the stretch ends at this deadline: take every part ending there
            tight = (first, part.deadline)
            if tight in seen:
                continue
            seen.add(tight)
            room = max(0, part.deadline - first)
            if minutes > room:
                yield list(prefix), room
