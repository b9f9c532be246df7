#!/usr/bin/env python3
"""Writes the example digit pictures in Examples/digits/ and the PNG/PGM decoding fixtures in
Tests/LeNetImagesTests/Fixtures/. Needs Pillow and pypng (pip install pillow pypng). The outputs are
committed; run this only to change them. Everything is synthetic and seeded, so reruns are identical:

- font-N.png: the digit N rendered from a DejaVu font, dark on white (a font, 200x200 RGB);
- drawn-N.png: the digit N as strokes of a round brush, as in a paint program, in the PNG kinds
  `lenet predict` must read: palette, 16-bit gray, RGBA on a transparent ground, interlaced;
- photo-N.png: the digit N as pen on paper under uneven light, with sensor noise, slightly rotated
  and blurred (a stand-in for a phone photo of paper: no camera here).
"""
import math
import os
import random

import png  # pypng: writes interlaced PNGs, which Pillow cannot
from PIL import Image, ImageDraw, ImageFilter, ImageFont

root = os.path.join(os.path.dirname(__file__), "..")
examples = os.path.join(root, "Examples", "digits")
fixtures = os.path.join(root, "Tests", "LeNetImagesTests", "Fixtures")
os.makedirs(examples, exist_ok=True)
os.makedirs(fixtures, exist_ok=True)
rng = random.Random(1998)

# Strokes of each digit on a 100x100 grid, as a hand would draw them.
STROKES = {
    0: [[(50 + 28 * math.sin(t / 20 * 2 * math.pi), 50 - 38 * math.cos(t / 20 * 2 * math.pi)) for t in range(21)]],
    1: [[(38, 28), (54, 12), (54, 90)]],
    2: [[(24, 30), (34, 14), (56, 10), (74, 24), (72, 44), (24, 88), (80, 88)]],
    3: [[(26, 18), (50, 8), (72, 20), (68, 40), (46, 48)], [(46, 48), (74, 58), (74, 80), (50, 92), (24, 82)]],
    4: [[(62, 90), (62, 10), (20, 66), (82, 66)]],
    5: [[(76, 12), (32, 12), (28, 46), (56, 40), (76, 56), (72, 82), (48, 92), (24, 82)]],
    6: [[(70, 12), (42, 30), (28, 62), (38, 88), (62, 88), (72, 66), (58, 50), (36, 56), (28, 66)]],
    7: [[(22, 14), (78, 14), (42, 90)]],
    8: [[(50, 50), (28, 32), (38, 12), (62, 12), (72, 32), (50, 50), (26, 70), (36, 90), (64, 90), (74, 70), (50, 50)]],
    9: [[(72, 40), (54, 50), (32, 40), (34, 18), (56, 10), (72, 24), (70, 60), (58, 90)]],
}


def drawn(digit, size=280, width=22, jitter=2.0):
    img = Image.new("L", (size, size), 255)
    d = ImageDraw.Draw(img)
    s = size / 100
    for stroke in STROKES[digit]:
        pts = [((x + rng.uniform(-jitter, jitter)) * s, (y + rng.uniform(-jitter, jitter)) * s) for x, y in stroke]
        d.line(pts, fill=0, width=width, joint="curve")
        for x, y in (pts[0], pts[-1]):
            d.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=0)
    return img


def font(digit, name):
    img = Image.new("RGB", (200, 200), (255, 255, 255))
    f = ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{name}.ttf", 150)
    ImageDraw.Draw(img).text((100, 100), str(digit), fill=(20, 20, 20), font=f, anchor="mm")
    return img


def photo(digit):
    ink = drawn(digit, size=240, width=10, jitter=3.0).rotate(rng.uniform(-8, 8), fillcolor=255, resample=Image.BICUBIC)
    w, h = 320, 300
    paper = Image.new("RGB", (w, h))
    px = paper.load()
    for y in range(h):
        for x in range(w):
            light = 200 - 50 * x / w - 25 * y / h + rng.gauss(0, 5)  # uneven light, noise
            px[x, y] = (int(light), int(light * 0.97), int(light * 0.9))
    mask = ink.point(lambda v: 255 - v)
    pen = Image.new("RGB", ink.size, (30, 40, 110))  # blue ballpoint
    paper.paste(pen, (40 + rng.randint(-10, 10), 30 + rng.randint(-10, 10)), mask)
    return paper.filter(ImageFilter.GaussianBlur(1.2)).resize((w * 5 // 8, h * 5 // 8), Image.BILINEAR)


def rows(img):
    return [list(img.get_flattened_data())[y * img.width:(y + 1) * img.width] for y in range(img.height)]


def save(img, path, kind):
    """One gray picture in one of the PNG kinds a reader must handle."""
    if kind == "palette":
        img.convert("P", palette=Image.ADAPTIVE, colors=16).save(path)
    elif kind == "gray16":
        with open(path, "wb") as f:
            png.Writer(img.width, img.height, greyscale=True, bitdepth=16).write(f, [[v * 257 for v in r] for r in rows(img)])
    elif kind == "rgba":  # black strokes on a fully transparent ground
        rgba = Image.new("RGBA", img.size, (0, 0, 0, 0))
        rgba.putalpha(img.point(lambda v: 255 - v))
        rgba.save(path)
    elif kind == "interlaced":
        with open(path, "wb") as f:
            png.Writer(img.width, img.height, greyscale=True, bitdepth=8, interlace=True).write(f, rows(img))
    elif kind == "gray8":
        img.save(path)
    elif kind == "pgm-binary":
        img.save(path, format="PPM")  # Pillow writes mode L as binary P5
    elif kind == "pgm-plain":
        with open(path, "w") as f:
            f.write(f"P2\n# plain PGM\n{img.width} {img.height}\n255\n")
            for r in rows(img):
                f.write(" ".join(map(str, r)) + "\n")


KINDS = ["palette", "gray16", "rgba", "interlaced"]
for n in range(10):
    font(n, "DejaVuSans" if n % 2 == 0 else "DejaVuSerif-Bold").save(os.path.join(examples, f"font-{n}.png"))
    save(drawn(n), os.path.join(examples, f"drawn-{n}.png"), KINDS[n % 4])
    photo(n).save(os.path.join(examples, f"photo-{n}.png"))

# Fixtures: one small drawn 7 in every kind; the tests decode each and compare with gray8.
seven = drawn(7, size=40, width=4, jitter=0)
for kind in KINDS + ["gray8"]:
    save(seven, os.path.join(fixtures, f"seven-{kind}.png"), kind)
save(seven, os.path.join(fixtures, "seven-binary.pgm"), "pgm-binary")
save(seven, os.path.join(fixtures, "seven-plain.pgm"), "pgm-plain")
