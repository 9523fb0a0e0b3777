#!/usr/bin/python3
"""Data for the feedback-loop test (tst_loop): Fashion-MNIST with a shifted training set.

usage: make_loop_data.py FASHION_MNIST_DIR OUT_DIR [--per-class N] [--shirts N] [--seed S]

Writes into OUT_DIR:
  data/train-images-idx3-ubyte.gz, data/train-labels-idx1-ubyte.gz
      N training images of every class but Shirt (class 6), of which only --shirts are kept:
      the model trained on it has hardly seen a shirt (the shift deployment reveals);
  data/t10k-*.gz
      the real test split, unchanged (the frozen test split every version is measured on);
  deploy/<n>_<class>.png
      images the deployed model is asked about, from training images left out above: 300 shirts,
      150 T-shirts, 75 pullovers, 75 coats (the classes a shirt is mistaken for);
  heldout/<n>_<class>.png
      the same mix again, never shown to any model nor fed back: measures whether the fixed
      model generalises beyond the corrected items.
The class is in each PNG's name after the underscore. Deterministic for a seed.
"""

import argparse
import gzip
import os
import struct
import sys

import numpy as np
from PIL import Image

SHIRT, TSHIRT, PULLOVER, COAT = 6, 0, 2, 4


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def write_idx(path, array):
    header = struct.pack(">I", 0x0800 | array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    tmp = path + ".tmp"
    with gzip.open(tmp, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())
    os.replace(tmp, path)


def write_pngs(folder, images, labels, indices):
    os.makedirs(folder, exist_ok=True)
    for n, i in enumerate(indices):
        Image.fromarray(images[i], mode="L").save(os.path.join(folder, "%04d_%d.png" % (n, labels[i])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--per-class", type=int, default=800)
    ap.add_argument("--shirts", type=int, default=16)
    ap.add_argument("--seed", type=int, default=12)
    a = ap.parse_args()

    images = read_idx(os.path.join(a.source, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(a.source, "train-labels-idx1-ubyte.gz"))
    rng = np.random.default_rng(a.seed)
    train, rest = [], {}
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(labels == c))
        keep = a.shirts if c == SHIRT else a.per_class
        train.extend(idx[:keep].tolist())
        rest[c] = idx[keep:].tolist()
    train = np.array(sorted(train))
    data = os.path.join(a.out, "data")
    os.makedirs(data, exist_ok=True)
    write_idx(os.path.join(data, "train-images-idx3-ubyte.gz"), images[train])
    write_idx(os.path.join(data, "train-labels-idx1-ubyte.gz"), labels[train])
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        with open(os.path.join(a.source, name), "rb") as f:
            content = f.read()
        with open(os.path.join(data, name), "wb") as f:
            f.write(content)

    mix = {SHIRT: 300, TSHIRT: 150, PULLOVER: 75, COAT: 75}
    deploy, heldout = [], []
    for c, n in mix.items():
        deploy.extend(rest[c][:n])
        heldout.extend(rest[c][n:2 * n])
    deploy = rng.permutation(deploy).tolist()
    heldout = rng.permutation(heldout).tolist()
    write_pngs(os.path.join(a.out, "deploy"), images, labels, deploy)
    write_pngs(os.path.join(a.out, "heldout"), images, labels, heldout)
    print("train %d (shirts %d), deploy %d, heldout %d" % (len(train), a.shirts, len(deploy), len(heldout)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
