"""Demo signature and seal images, drawn with Pillow when the demo is set up (no binary files in the repository):
a blue handwritten-looking signature and a red round seal, both PNG with a transparent background, as Decree
30/2020 wants the images a visible signature shows. A real agency uploads its own in the admin."""
from __future__ import annotations

import io
import math
import random

from lienthong.printing import fonts

SIGNATURE_BLUE = (20, 40, 190, 255)
SEAL_RED = (215, 25, 32, 255)


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def signature_png(name: str, *, width: int = 960, height: int = 440) -> bytes:
    """A flowing pen stroke seeded by the name (the same name draws the same signature): a few loops rising
    and falling along a baseline, a flourish underneath, drawn as round-capped segments of varying width."""
    from PIL import Image, ImageDraw

    rng = random.Random(name)
    scale = 3  # drawn large, then reduced: smooth edges
    w, h = width * scale, height * scale
    im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    loops = rng.randint(4, 6)
    phase = [rng.uniform(0, math.tau) for _ in range(3)]
    points = []
    steps = 900
    for i in range(steps + 1):
        t = i / steps
        x = w * (0.08 + 0.78 * t) + w * 0.05 * math.sin(loops * math.tau * t + phase[0])
        y = h * (0.45 - 0.18 * t) + h * 0.22 * math.sin(loops * math.tau * t * 1.02 + phase[1]) \
            + h * 0.05 * math.sin(3 * math.tau * t + phase[2])
        points.append((x, y, t))
    for (x1, y1, t), (x2, y2, _t) in zip(points, points[1:]):
        pen = int(scale * (5 + 5 * math.sin(math.pi * t)))
        draw.line([(x1, y1), (x2, y2)], fill=SIGNATURE_BLUE, width=pen)
        draw.ellipse([x2 - pen / 2, y2 - pen / 2, x2 + pen / 2, y2 + pen / 2], fill=SIGNATURE_BLUE)
    # the underline flourish
    flourish = [(w * (0.12 + 0.8 * t), h * (0.78 - 0.1 * math.sin(math.pi * t)) + h * 0.03 * math.sin(7 * t))
                for t in (i / 200 for i in range(201))]
    draw.line(flourish, fill=SIGNATURE_BLUE, width=4 * scale, joint="curve")
    return _png(im.resize((width, height), Image.LANCZOS))


def _text_on_circle(image, text: str, font, centre: tuple[float, float], radius: float, *, top: bool) -> None:
    """Letters set one by one around the circle, upright to its centre: across the top (reading clockwise)
    or the bottom (reading counter-clockwise, so the letters stand the right way up)."""
    from PIL import Image, ImageDraw

    widths = [font.getlength(c) for c in text]
    spread = sum(widths) * 1.08 / radius  # radians the text covers
    cx, cy = centre
    angle = (-math.pi / 2 - spread / 2) if top else (math.pi / 2 + spread / 2)
    for ch, cw in zip(text, widths):
        step = cw * 1.08 / radius
        mid = angle + (step / 2 if top else -step / 2)
        size = int(font.size * 1.6)
        glyph = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, font=font, fill=SEAL_RED, anchor="mm")
        rotation = -math.degrees(mid) - 90 if top else -math.degrees(mid) + 90
        glyph = glyph.rotate(rotation, resample=Image.BICUBIC)
        x = cx + radius * math.cos(mid) - size / 2
        y = cy + radius * math.sin(mid) - size / 2
        image.alpha_composite(glyph, (int(x), int(y)))
        angle += step if top else -step


def seal_png(agency: str, *, place: str = "AN GIANG", size: int = 720) -> bytes:
    """A round red seal: two rings, the agency's name around the top, the place around the bottom, a star in
    the middle (the shape of a Vietnamese state body's seal)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = 2
    s = size * scale
    im = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    c = s / 2
    draw.ellipse([s * 0.02, s * 0.02, s * 0.98, s * 0.98], outline=SEAL_RED, width=int(s * 0.025))
    draw.ellipse([s * 0.20, s * 0.20, s * 0.80, s * 0.80], outline=SEAL_RED, width=int(s * 0.010))
    font = ImageFont.truetype(fonts.path(bold=True), int(s * 0.068))
    _text_on_circle(im, agency.upper(), font, (c, c), s * 0.385, top=True)
    _text_on_circle(im, f"★ {place.upper()} ★", font, (c, c), s * 0.385, top=False)
    star = [(c + (s * 0.17 if i % 2 == 0 else s * 0.07) * math.cos(-math.pi / 2 + i * math.pi / 5),
             c + (s * 0.17 if i % 2 == 0 else s * 0.07) * math.sin(-math.pi / 2 + i * math.pi / 5)) for i in range(10)]
    draw.polygon(star, fill=SEAL_RED)
    # A stamped seal is never solid: a little transparency lets the signature show through it.
    alpha = im.getchannel("A").point(lambda a: int(a * 0.85))
    im.putalpha(alpha)
    return _png(im.resize((size, size), Image.LANCZOS))
