"""Hero pictures for the demo guides, drawn with Pillow when the demo loads.

Abstract on purpose: a soft gradient in the site's colours with a few translucent shapes, so
no picture pretends to show a real patient or product. The same recipe always gives the same
picture, and its digest names the file, so `load_demo` redraws only when a recipe changes.
"""

from __future__ import annotations

import hashlib
import io
import math
import random
import re
from dataclasses import astuple, dataclass
from enum import StrEnum

from PIL import Image, ImageDraw, ImageFilter

SIZE = (1600, 900)
JPEG_QUALITY = 85
# Part of every digest: change it when the drawing code changes, and every picture is redrawn.
RECIPE_VERSION = 1
COLOUR = re.compile(r"#[0-9a-f]{6}")


class Motif(StrEnum):
    CIRCLES = "circles"  # overlapping bubbles
    WAVES = "waves"  # soft bands across the picture
    STONES = "stones"  # ovals along a curving path, like stepping stones
    RINGS = "rings"  # concentric outlines


@dataclass(frozen=True)
class Artwork:
    """A picture's recipe: a seed, a motif, a gradient and the colours of its shapes."""

    seed: int
    motif: Motif
    start: str  # gradient colour, top left (#rrggbb)
    end: str  # gradient colour, bottom right
    accents: tuple[str, ...]

    def __post_init__(self) -> None:
        for colour in (self.start, self.end, *self.accents):
            if not COLOUR.fullmatch(colour):
                raise ValueError(f"{colour!r} is not a colour written as #rrggbb")
        if not self.accents:
            raise ValueError("a picture needs at least one accent colour")

    @property
    def digest(self) -> str:
        """Short, stable fingerprint of the recipe (not of the encoded bytes)."""
        recipe = repr((RECIPE_VERSION, SIZE, JPEG_QUALITY, astuple(self)))
        return hashlib.sha256(recipe.encode()).hexdigest()[:12]


def render_jpeg(artwork: Artwork) -> bytes:
    """The picture as a baseline JPEG without metadata."""
    buffer = io.BytesIO()
    draw(artwork).save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def draw(artwork: Artwork) -> Image.Image:
    rng = random.Random(artwork.seed)
    picture = _gradient(artwork.start, artwork.end).convert("RGBA")
    shapes = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    pen = ImageDraw.Draw(shapes)
    {
        Motif.CIRCLES: _circles,
        Motif.WAVES: _waves,
        Motif.STONES: _stones,
        Motif.RINGS: _rings,
    }[artwork.motif](pen, rng, artwork.accents)
    # A light blur keeps the edges soft; blurring premultiplied ("RGBa") avoids dark fringes.
    soft = shapes.convert("RGBa").filter(ImageFilter.GaussianBlur(3)).convert("RGBA")
    picture.alpha_composite(soft)
    return picture.convert("RGB")


def _rgb(colour: str, alpha: int | None = None) -> tuple[int, ...]:
    value = colour.lstrip("#")
    rgb = tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))
    return rgb if alpha is None else (*rgb, alpha)


def _gradient(start: str, end: str) -> Image.Image:
    """A diagonal blend from `start` (top left) to `end` (bottom right)."""
    width, height = SIZE
    side = math.ceil(math.hypot(width, height))
    mask = Image.linear_gradient("L").resize((side, side)).rotate(45, expand=True)
    left, top = (mask.width - width) // 2, (mask.height - height) // 2
    mask = mask.crop((left, top, left + width, top + height))
    return Image.composite(
        Image.new("RGB", SIZE, _rgb(end)), Image.new("RGB", SIZE, _rgb(start)), mask
    )


def _circles(pen: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    width, height = SIZE
    for index in range(9):
        radius = rng.randint(90, 300)
        x, y = rng.randint(0, width), rng.randint(0, height)
        colour = _rgb(accents[index % len(accents)], rng.randint(60, 120))
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)


def _waves(pen: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    width, height = SIZE
    for index in range(5):
        base = height * (0.3 + 0.13 * index)
        amplitude = rng.randint(30, 80)
        length = rng.uniform(0.6, 1.4) * width
        phase = rng.uniform(0, math.tau)
        top = [
            (x, base + amplitude * math.sin(phase + math.tau * x / length))
            for x in range(0, width + 20, 20)
        ]
        colour = _rgb(accents[index % len(accents)], rng.randint(50, 100))
        pen.polygon([*top, (width, height), (0, height)], fill=colour)


def _stones(pen: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    width, height = SIZE
    count = 7
    bend = rng.uniform(0.12, 0.2) * height
    for index in range(count):
        t = (index + 0.5) / count
        x = t * width + rng.randint(-30, 30)
        y = height * (0.85 - 0.6 * t) - bend * math.sin(math.pi * t) + rng.randint(-25, 25)
        rx, ry = rng.randint(85, 120), rng.randint(45, 65)
        colour = _rgb(accents[index % len(accents)], rng.randint(110, 160))
        pen.ellipse((x - rx, y - ry, x + rx, y + ry), fill=colour)


def _rings(pen: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    width, height = SIZE
    for centre_index in range(3):
        cx, cy = rng.randint(width // 5, 4 * width // 5), rng.randint(height // 5, 4 * height // 5)
        colour = _rgb(accents[centre_index % len(accents)], rng.randint(70, 120))
        for ring in range(4):
            radius = 70 + ring * rng.randint(45, 70)
            box = (cx - radius, cy - radius, cx + radius, cy + radius)
            pen.ellipse(box, outline=colour, width=14)
