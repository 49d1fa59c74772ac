"""Deterministic client colours, as CSS classes so each colour is written once.

A client's hue comes from a hash of its id, not its position in the file, so a client keeps
its colour from one day's report to the next even when other clients come and go.
"""

from __future__ import annotations

import colorsys
import hashlib

from hemplan.models.contract.instance import Instance


def client_colour(client_id: str) -> str:
    """A mid-tone colour as #rrggbb, fixed by the client id."""
    digest = hashlib.sha1(client_id.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    lightness = 0.45 + digest[2] / 255 * 0.2
    saturation = 0.55 + digest[3] / 255 * 0.35
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def client_classes(instance: Instance) -> dict[str, str]:
    """A short CSS class per client id (k0, k1, ...)."""
    return {c.id: f"k{k}" for k, c in enumerate(instance.clients)}


def palette_css(instance: Instance) -> str:
    """One rule per client: `.k12{fill:#...;background:#...}` for SVG shapes and HTML swatches."""
    classes = client_classes(instance)
    return "".join(
        f".{classes[c.id]}{{fill:{client_colour(c.id)};background:{client_colour(c.id)}}}"
        for c in instance.clients
    )
