"""Chart images for link previews (og:image): simple horizontal bars drawn with Pillow, no
browser. The CJK font is the one `make test` installs (fonts-wqy-microhei); without it the
image is drawn with Pillow's default font (Chinese then shows as boxes, the bars stay right).
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)
# The size link previews ask for (Open Graph / Twitter summary_large_image).
WIDTH, HEIGHT = 1200, 630
MARGIN, LABEL_WIDTH, BAR_HEIGHT, BAR_GAP = 48, 360, 40, 22
MAX_BARS = 8
COLOURS = ("#1f5f8b", "#2e86ab", "#4f9fbd", "#76b7cf", "#9ccbdd", "#b9d9e6", "#cfe4ec", "#e0edf2")
INK, MUTED, PAPER = "#1d2a33", "#5b6b75", "#ffffff"


@cache
def font_file() -> Path | None:
    return next((p for p in FONT_PATHS if p.exists()), None)


def _font(size: int):
    path = font_file()
    return ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    """The text, cut with an ellipsis so that it fits in `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def bar_chart_png(title: str, subtitle: str, bars: list[tuple[str, Decimal]],
                  footer: str = "部门预算公开门户") -> bytes:
    """A PNG of the largest `bars` (label, amount in 万元) as horizontal bars with values."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    title_font, text_font, small_font = _font(44), _font(26), _font(22)
    draw.text((MARGIN, MARGIN - 8), _fit(draw, title, title_font, WIDTH - 2 * MARGIN),
              font=title_font, fill=INK)
    draw.text((MARGIN, MARGIN + 50), _fit(draw, subtitle, small_font, WIDTH - 2 * MARGIN),
              font=small_font, fill=MUTED)
    shown = sorted((b for b in bars if b[1] > 0), key=lambda b: -b[1])[:MAX_BARS]
    top = MARGIN + 100
    largest = max((amount for _, amount in shown), default=Decimal(0))
    value_width = 190
    span = WIDTH - 2 * MARGIN - LABEL_WIDTH - value_width
    for index, (label, amount) in enumerate(shown):
        y = top + index * (BAR_HEIGHT + BAR_GAP)
        draw.text((MARGIN, y + 6), _fit(draw, label, text_font, LABEL_WIDTH - 16), font=text_font,
                  fill=INK)
        length = max(int(span * amount / largest), 2) if largest else 2
        x0 = MARGIN + LABEL_WIDTH
        draw.rectangle((x0, y, x0 + length, y + BAR_HEIGHT), fill=COLOURS[index % len(COLOURS)])
        draw.text((x0 + length + 10, y + 6), f"{amount:,.2f}", font=text_font, fill=INK)
    if not shown:
        draw.text((MARGIN, top), "无可绘制的金额", font=text_font, fill=MUTED)
    draw.text((MARGIN, HEIGHT - MARGIN - 20), footer, font=small_font, fill=MUTED)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
