"""What every chart shares: the fonts (Chinese included) and the PNG rendering (matplotlib's Agg canvas, without
pyplot and its global state: each chart builds a `Figure` of its own, which tests can inspect).

Chinese labels need a CJK font. `chart_font()` looks for one the machine has (Noto Sans CJK, Source Han Sans,
WenQuanYi, SimHei, Microsoft YaHei, PingFang) and otherwise uses the subset of Noto Sans CJK SC shipped in
`handlers/services/chart_fonts/` (the characters of every chart's Chinese texts, see its README); DejaVu Sans
draws the rest. Used by finance (handlers/services/finance_exports.py) and the management reports.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.figure import Figure

log = logging.getLogger(__name__)

SHIPPED_FONT = Path(__file__).resolve().parent / "chart_fonts" / "NotoSansCJKsc-charts-subset.otf"
SYSTEM_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)


@cache
def chart_font() -> list[str]:
    """The font families a chart uses: DejaVu Sans, then a CJK font (the machine's, else the shipped subset)."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    for name in SYSTEM_CJK_FONTS:
        if name in installed:
            return ["DejaVu Sans", name]
    return shipped_font()


def shipped_font() -> list[str]:
    """DejaVu Sans and the shipped CJK subset (what a fresh machine without CJK fonts draws with)."""
    if SHIPPED_FONT.exists():
        font_manager.fontManager.addfont(str(SHIPPED_FONT))
        return ["DejaVu Sans", font_manager.FontProperties(fname=str(SHIPPED_FONT)).get_name()]
    log.warning("no CJK font found: Chinese chart labels will show as boxes (install fonts-noto-cjk)")
    return ["DejaVu Sans"]


def png(figure: Figure, *, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
