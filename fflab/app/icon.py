"""The tab's icon, drawn here: an emoji or a material icon would be fetched from a CDN by every browser."""

from __future__ import annotations

from functools import cache

from PIL import Image, ImageDraw

PURPLE = (106, 61, 154, 255)  # the Forward-Forward colour of the figures
ORANGE = (217, 95, 2, 255)  # negative data


@cache
def page_icon() -> Image.Image:
    """Two arrows, one forward pass of positive data over one of negative data."""
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for y, colour in ((20, PURPLE), (44, ORANGE)):
        draw.rectangle((6, y - 5, 40, y + 5), fill=colour)
        draw.polygon([(40, y - 14), (60, y), (40, y + 14)], fill=colour)
    return image
