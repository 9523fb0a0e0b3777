#!/usr/bin/env python3
# Writes the image fixtures tst_images reads, with PIL (an outside tool), and PIL's own decode of
# each for a few targets, so the engine's decoder is checked against the library the exported
# program uses. Usage: make_image_fixtures.py OUT_DIR
#   OUT_DIR/mixed/<file>          gray, gray+alpha, RGB, RGBA, 16-bit gray and RGB, palette (with
#                                 transparency), 1-bit, interlaced PNGs, a BMP, JPEGs (china.jpg
#                                 and flower.jpg, sklearn's photographs)
#   OUT_DIR/expected/<file>.<C>x<H>x<W>.<policy>   PIL's pixels, channels first, uint8
import os
import shutil
import sys

import numpy as np
from PIL import Image

out = sys.argv[1]
mixed = os.path.join(out, "mixed")
expected = os.path.join(out, "expected")
os.makedirs(mixed, exist_ok=True)
os.makedirs(expected, exist_ok=True)
rng = np.random.default_rng(7)

def rgb(h, w):
    y, x = np.mgrid[0:h, 0:w]
    a = np.stack([(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)), ((x + y) * 7) % 256], axis=-1)
    return (a + rng.integers(0, 40, size=a.shape)).clip(0, 255).astype(np.uint8)

Image.fromarray(rgb(37, 53)[:, :, 0], "L").save(os.path.join(mixed, "gray.png"))
Image.fromarray(rgb(40, 30)).save(os.path.join(mixed, "rgb.png"))
a = rgb(33, 47)
Image.fromarray(np.dstack([a, a[:, :, :1]]), "RGBA").save(os.path.join(mixed, "rgba.png"))
Image.fromarray(np.dstack([a[:, :, 1], a[:, :, 2]]), "LA").save(os.path.join(mixed, "la.png"))
g16 = (rgb(29, 31)[:, :, 0].astype(np.uint16) * 257 + rng.integers(0, 256, size=(29, 31))).astype(np.uint16)
Image.fromarray(g16, "I;16").save(os.path.join(mixed, "gray16.png"))
Image.fromarray(rgb(45, 28)).convert("P", palette=Image.ADAPTIVE, colors=16).save(
    os.path.join(mixed, "palette.png"), transparency=3)
Image.fromarray((rgb(20, 20)[:, :, 0] > 128).astype(np.uint8) * 255, "L").convert("1").save(
    os.path.join(mixed, "bilevel.png"))
Image.fromarray(rgb(50, 60)).save(os.path.join(mixed, "interlaced.png"), interlace=1)
Image.fromarray(rgb(25, 35)).save(os.path.join(mixed, "picture.bmp"))
Image.fromarray(rgb(64, 48)).save(os.path.join(mixed, "photo.jpg"), quality=90)
photos = "/usr/lib/python3/dist-packages/sklearn/datasets/images"
for name in ("china.jpg", "flower.jpg"):
    shutil.copy(os.path.join(photos, name), os.path.join(mixed, name))

def load(path, channels):
    img = Image.open(path)
    if img.mode in ("I", "I;16", "I;16B", "I;16L"):
        img = Image.fromarray((np.asarray(img).astype(np.uint32) >> 8).astype(np.uint8), "L")
    return img.convert("L" if channels == 1 else "RGB")

def box(w, h, tw, th, policy):
    if policy != "crop":
        return (0.0, 0.0, float(w), float(h))
    if tw * h >= th * w:
        bh = th * w / tw
        y0 = (h - bh) / 2.0
        return (0.0, y0, float(w), y0 + bh)
    bw = tw * h / th
    x0 = (w - bw) / 2.0
    return (x0, 0.0, x0 + bw, float(h))

targets = [(1, 28, 28, "stretch"), (3, 32, 32, "crop"), (3, 20, 50, "crop"), (1, 64, 48, "stretch"),
           (3, 37, 53, "stretch"), (1, 40, 30, "crop")]
for name in sorted(os.listdir(mixed)):
    for c, h, w, policy in targets:
        img = load(os.path.join(mixed, name), c)
        img = img.resize((w, h), Image.BILINEAR, box=box(img.width, img.height, w, h, policy))
        arr = np.asarray(img, dtype=np.uint8)
        arr = arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
        arr.tofile(os.path.join(expected, f"{name}.{c}x{h}x{w}.{policy}"))
