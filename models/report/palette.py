"""Deterministic client colours, as CSS classes so each colour is written once.

A client's hue comes from a hash of its id, not its position in the file, so a client keeps
its colour from one day's report to the next even when other clients come and go. Each colour
is light enough that the client's name written on it in dark text stays readable (WCAG AA:
contrast at least 4.5 to 1); the name, not the colour, tells clients apart, since among a
hundred clients colours repeat and some readers do not tell red from green.
"""

from __future__ import annotations

import colorsys
import hashlib

from hemplan.models.contract.instance import Instance

LABEL_TEXT = "#111111"  # the colour of names written on client colours (Gantt bars)
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
# luminance band of client colours: from the lowest that keeps MIN_CONTRAST with LABEL_TEXT
# (with a margin) to a highest that still shows a colour against the white page
LUMINANCE_BAND = (0.26, 0.62)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of #rrggbb (or #rgb)."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(d * 2 for d in hex_digits)
    channels = [int(hex_digits[k : k + 2], 16) / 255 for k in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)))
    return (b + 0.05) / (a + 0.05)


def client_colour(client_id: str) -> str:
    """A light colour as #rrggbb, fixed by the client id, on which LABEL_TEXT is readable."""
    digest = hashlib.sha1(client_id.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    saturation = 0.55 + digest[3] / 255 * 0.35
    low, high = LUMINANCE_BAND
    wanted = low + digest[2] / 255 * (high - low)
    # HLS lightness to luminance is monotone for a fixed hue and saturation: bisect
    dark, light = 0.0, 1.0
    for _ in range(30):
        middle = (dark + light) / 2
        if relative_luminance(_hex(colorsys.hls_to_rgb(hue, middle, saturation))) < wanted:
            dark = middle
        else:
            light = middle
    return _hex(colorsys.hls_to_rgb(hue, light, saturation))


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


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
