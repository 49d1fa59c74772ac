"""One BLAS thread while the generator sizes its teams.

Sizing a team checks its load after every client it admits (capacity.py), each check a small
matrix product (days x skill groups by visit shapes, times visit shapes by the interval grid).
OpenBLAS splits each product over all cores; on a 2-core machine that is busy with anything
else its threads mostly wait for each other: 10 teams took 15.6 s instead of 2.4 s with one
thread (and `hemplan generate --teams 100` minutes instead of seconds). A product gives the
same numbers whatever the thread count (OpenBLAS divides the output among threads, never a
sum), so the instances stay byte-identical.

Where no OpenBLAS is loaded (another BLAS, another platform) nothing changes.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# the thread setters of OpenBLAS builds: plain, 64-bit integer, and numpy's scipy-openblas
_PREFIXES = ("openblas", "scipy_openblas")
_SUFFIXES = ("", "64_")


def _openblas_controls() -> list[tuple[Callable[[], Any], Callable[[int], Any]]]:
    """(get, set) of the number of threads of each OpenBLAS library this process has loaded."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    paths = sorted({line.split()[-1] for line in maps.splitlines() if "openblas" in line.lower()})
    controls: list[tuple[Callable[[], Any], Callable[[int], Any]]] = []
    for path in paths:
        if not path.startswith("/"):
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in _SUFFIXES:
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and set_ is not None:
                    get.restype = ctypes.c_int
                    set_.argtypes = [ctypes.c_int]
                    controls.append((get, set_))
    return controls


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the body with OpenBLAS on one thread; the thread counts before are restored after."""
    controls = _openblas_controls()
    before = [get() for get, _ in controls]
    for _, set_ in controls:
        set_(1)
    try:
        yield
    finally:
        for (_, set_), count in zip(controls, before):
            set_(count)
