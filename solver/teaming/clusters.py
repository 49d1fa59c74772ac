"""Clients into k compact groups of about equal demand: capacitated, weighted k-means.

Why k-means: a team's office sits at its clients' (demand-weighted) centre and every trip of
a day starts there, so the weighted squared distance to the centre is what a compact team
saves. Why capacitated: a team's carers are sized to its demand, so groups of very different
demand would give teams of very different size; each group's demand stays within
`tolerance` of the mean. Seeded and deterministic: the same seed gives the same groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Clustering:
    """Group label per client, the groups' weighted centres (km plane), the cost."""

    labels: np.ndarray
    centers: np.ndarray
    cost: float  # sum over clients of weight x squared km to their group's centre


def cluster_clients(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    tolerance: float = 0.1,
    seed: int = 0,
    restarts: int = 8,
) -> list[Clustering]:
    """Distinct clusterings of `points` (n x 2, km) into `k` groups, cheapest first.

    `weights` are the clients' demands; each group's demand is kept within
    [mean x (1 - tolerance), mean x (1 + tolerance)] where the clients allow it (one client
    heavier than the upper bound gets a group of its own size)."""
    n = len(points)
    if not 1 <= k <= n:
        raise ValueError(f"cannot make {k} groups of {n} clients")
    w = np.maximum(weights.astype(float), 1.0)  # a client without visits still belongs somewhere
    mean = float(w.sum()) / k
    upper = max(mean * (1 + tolerance), float(w.max()))
    lower = mean * (1 - tolerance)
    # numpy takes seeds from 0 up; any whole number is a seed: a negative one wraps to 64 bits
    rng = np.random.default_rng(seed % 2**64 if seed < 0 else seed)
    found: dict[bytes, Clustering] = {}
    for _ in range(restarts):
        centers = _plus_plus(points, w, k, rng)
        labels = np.full(n, -1)
        for _ in range(50):
            new = _assign(points, w, centers, lower, upper)
            centers = _centres(points, w, new, centers)
            if np.array_equal(new, labels):
                break
            labels = new
        labels = _polish(points, w, labels, centers, lower, upper)
        centers = _centres(points, w, labels, centers)
        cost = float((w * _sq(points, centers)[np.arange(n), labels]).sum())
        found.setdefault(_canonical(labels).tobytes(), Clustering(labels, centers, cost))
    return sorted(found.values(), key=lambda c: c.cost)


def _sq(points: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Squared km from every point to every centre (n x k)."""
    diff = points[:, None, :] - centers[None, :, :]
    return np.asarray((diff**2).sum(axis=2))


def _plus_plus(points: np.ndarray, w: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding, weighted by demand: far, heavy clients are likely centres."""
    first = rng.choice(len(points), p=w / w.sum())
    chosen = [int(first)]
    for _ in range(1, k):
        d2 = _sq(points, points[chosen]).min(axis=1) * w
        total = float(d2.sum())
        if total <= 0:  # every remaining client sits on a centre already
            rest = [i for i in range(len(points)) if i not in chosen]
            chosen.append(rest[0])
            continue
        chosen.append(int(rng.choice(len(points), p=d2 / total)))
    return np.asarray(points[chosen], dtype=float)


def _centres(points: np.ndarray, w: np.ndarray, labels: np.ndarray, old: np.ndarray) -> np.ndarray:
    centers = old.copy()
    for g in range(len(old)):
        members = labels == g
        if members.any():
            centers[g] = (points[members] * w[members, None]).sum(axis=0) / w[members].sum()
    return centers


def _assign(
    points: np.ndarray, w: np.ndarray, centers: np.ndarray, lower: float, upper: float
) -> np.ndarray:
    """Each client to its nearest group with room, those with most to lose first (regret);
    then groups below `lower` take the clients that cost least to move in."""
    d2 = _sq(points, centers)
    k = len(centers)
    ranked = np.sort(d2, axis=1)
    regret = ranked[:, 1] - ranked[:, 0] if k > 1 else np.zeros(len(points))
    order = sorted(range(len(points)), key=lambda i: (-regret[i], i))
    load = np.zeros(k)
    labels = np.full(len(points), -1)
    for i in order:
        roomy = [g for g in np.argsort(d2[i], kind="stable") if load[g] + w[i] <= upper + 1e-9]
        g = int(roomy[0]) if roomy else int(np.argmin(load))
        labels[i] = g
        load[g] += w[i]
    return _fill(d2, w, labels, load, lower)


def _fill(
    d2: np.ndarray, w: np.ndarray, labels: np.ndarray, load: np.ndarray, lower: float
) -> np.ndarray:
    """Move clients into groups under `lower` from groups that stay at or above it."""
    for _ in range(len(labels)):
        short = [g for g in range(len(load)) if load[g] < lower - 1e-9]
        if not short:
            break
        g = short[0]
        movable = [
            i
            for i in range(len(labels))
            if labels[i] != g and (load[labels[i]] - w[i] >= lower or load[g] == 0)
        ]
        if not movable:
            break
        i = min(movable, key=lambda j: (d2[j, g] - d2[j, labels[j]], j))
        load[labels[i]] -= w[i]
        labels[i] = g
        load[g] += w[i]
    return labels


def _polish(
    points: np.ndarray,
    w: np.ndarray,
    labels: np.ndarray,
    centers: np.ndarray,
    lower: float,
    upper: float,
) -> np.ndarray:
    """Moves and swaps of clients between groups that lower the cost and keep the bounds."""
    labels = labels.copy()
    k = len(centers)
    load = np.array([w[labels == g].sum() for g in range(k)])
    for _ in range(10):
        changed = False
        d2 = _sq(points, centers)
        for i in range(len(labels)):
            a = labels[i]
            for b in np.argsort(d2[i], kind="stable"):
                if d2[i, b] >= d2[i, a]:
                    break
                if load[b] + w[i] <= upper + 1e-9 and load[a] - w[i] >= lower - 1e-9:
                    load[a] -= w[i]
                    load[b] += w[i]
                    labels[i] = b
                    changed = True
                    break
        for i in range(len(labels)):
            a = labels[i]
            for b in np.argsort(d2[i], kind="stable"):
                gain_i = d2[i, a] - d2[i, b]  # what i saves by going to b
                if gain_i <= 1e-9:
                    break
                members = np.flatnonzero(labels == b)
                gain = gain_i + d2[members, b] - d2[members, a]
                shift = w[i] - w[members]
                ok = (
                    (gain > 1e-9)
                    & (load[a] - shift >= lower - 1e-9)
                    & (load[a] - shift <= upper + 1e-9)
                    & (load[b] + shift >= lower - 1e-9)
                    & (load[b] + shift <= upper + 1e-9)
                )
                if ok.any():
                    j = int(members[np.flatnonzero(ok)[np.argmax(gain[ok])]])
                    labels[i], labels[j] = b, a
                    load[a] -= w[i] - w[j]
                    load[b] += w[i] - w[j]
                    changed = True
                    break
        centers = _centres(points, w, labels, centers)
        if not changed:
            break
    return labels


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered by first appearance, so equal partitions compare equal."""
    seen: dict[int, int] = {}
    return np.array([seen.setdefault(int(g), len(seen)) for g in labels])
