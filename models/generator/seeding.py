"""Random generators derived from the arguments only, one per purpose.

Every random draw of the generator comes from a numpy Generator seeded with the user's seed
and a fixed key naming what is drawn ("team 2", "client 7 of team 2", ...). Keys make the
draws independent of each other, so adding a fourth team never changes the first three, and
re-drawing one client never shifts another's numbers. Strings are turned into integers by
CRC32, not `hash()`, which Python randomises per process.
"""

from __future__ import annotations

import zlib

import numpy as np


def _as_int(key: int | str) -> int:
    if isinstance(key, str):
        return zlib.crc32(key.encode("utf-8"))
    if key < 0:
        raise ValueError(f"seed keys must be non-negative, got {key}")
    return int(key)


def rng_for(seed: int, *keys: int | str) -> np.random.Generator:
    """A Generator that depends only on `seed` and `keys`."""
    return np.random.default_rng(
        np.random.SeedSequence([_as_int(seed), *(_as_int(k) for k in keys)])
    )


def pick(rng: np.random.Generator, options: list | tuple, weights: list[float] | None = None):
    """One element of `options` (weights need not sum to one)."""
    if weights is None:
        return options[int(rng.integers(len(options)))]
    p = np.asarray(weights, dtype=float)
    return options[int(rng.choice(len(options), p=p / p.sum()))]
