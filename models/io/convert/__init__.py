"""Converters of the public benchmark sets into hemplan instances (`hemplan convert`).

One module per set reads the source format and builds a `Converted` instance with the
shared helpers of `common.py`; `SETS` maps the set names of the command to them.
"""

from __future__ import annotations

from hemplan.models.io.convert import convrp, hosseini, mankowska, solomon, uhhc
from hemplan.models.io.convert.common import Converted, Reader

SETS: dict[str, Reader] = {
    "solomon": solomon.convert,
    "mankowska": mankowska.convert,
    "convrp": convrp.convert,
    "hosseini": hosseini.convert,
    "uhhc": uhhc.convert,
}

__all__ = ["SETS", "Converted", "Reader"]
