"""Days packed for a big report: each day's charts and maps deflated and base64-encoded in
the page, unpacked by the browser when the day is shown.

A city's fortnight is megabytes of inline SVG (city-14d: 5.6 MB of day sections); deflated
they are a sixth of that, and the browser builds only the days a planner opens. Small
reports stay inline, so they print and read without a script. The browser side is the
standard `DecompressionStream("deflate")` (Chromium 80, Firefox 113, Safari 16.4).
"""

from __future__ import annotations

import base64
import zlib

PACK_ABOVE = 1_000_000  # characters of day sections above which a report packs them (auto)
PACKED_CLASS = "packed"


def pack(html: str) -> str:
    """The HTML as a script element the browser does not run: its deflated bytes in base64."""
    payload = base64.b64encode(zlib.compress(html.encode("utf-8"), 9)).decode("ascii")
    return f'<script type="application/octet-stream" class="{PACKED_CLASS}">{payload}</script>'


def unpack(element: str) -> str:
    """The HTML of a `pack`ed element (for tests and tools that read a report)."""
    start = element.index(">") + 1
    payload = element[start : element.index("</script>", start)]
    return zlib.decompress(base64.b64decode(payload)).decode("utf-8")


def should_pack(sizes: list[int], packed: bool | None) -> bool:
    """Pack when asked, or (None: automatic) when the days' HTML is over PACK_ABOVE."""
    return sum(sizes) > PACK_ABOVE if packed is None else packed


# unpacks a day's section when shown, and every day before printing from the print button
UNPACK_SCRIPT = """
function unpack(e){if(e._unpacked){return e._unpacked;}
var p=e.querySelector('script.packed');if(!p){return e._unpacked=Promise.resolve();}
var bytes=Uint8Array.from(atob(p.textContent),function(c){return c.charCodeAt(0);});
var text=new Response(new Blob([bytes]).stream().pipeThrough(
new DecompressionStream('deflate'))).text();
return e._unpacked=text.then(function(html){p.insertAdjacentHTML('afterend',html);p.remove();});}
"""
