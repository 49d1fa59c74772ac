"""Text from the user's files in a plot: drawn as written."""

from __future__ import annotations

from hemplan.models.contract.problems import escape_controls


def plot_text(text: str) -> str:
    """`text` (an instance's name in a title) as matplotlib should draw it: control characters
    shown escaped, as in the terminal, and every `$` literal. Between two `$` matplotlib reads
    math, and a name such as `x $\\frac{$` ended `hemplan compare` in a traceback."""
    return escape_controls(text).replace("$", r"\$")
