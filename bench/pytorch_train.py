#!/usr/bin/python3
"""The Python PyTorch side of scripts/bench: the sample CNN (or the 784-256-10 MLP) trained the
way the usual Fashion-MNIST article does it: torchvision.datasets.FashionMNIST with ToTensor +
Normalize, a DataLoader (batch 64, shuffled), Adam, cross-entropy. Times --batches batches after
--warmup batches and prints one JSON object.

Needs Debian's python3-torch and python3-torchvision: run it with /usr/bin/python3.

  /usr/bin/python3 bench/pytorch_train.py --root DIR --model cnn --threads 2 [--workers 0]

--root is a torchvision root holding FashionMNIST/raw/ with the four IDX files unpacked;
prepare_root() makes one from the gzip files the projects use.
"""

import argparse
import ctypes
import ctypes.util
import gzip
import json
import os
import shutil
import sys
import time

IDX_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def prepare_root(source_dir, root):
    """Unpacks the same .gz files the engine reads into ROOT/FashionMNIST/raw/, as torchvision
    expects them (it does not read .gz files it did not download itself)."""
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for name in IDX_FILES:
        dst = os.path.join(raw, name)
        if os.path.exists(dst):
            continue
        src = os.path.join(source_dir, name + ".gz")
        with gzip.open(src, "rb") as fin, open(dst + ".part", "wb") as fout:
            shutil.copyfileobj(fin, fout)
        os.replace(dst + ".part", dst)
    return root


def openblas():
    """OpenBLAS as torch loaded it, for reading and setting its own thread pool."""
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas") or ""):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_num_threads
            return lib
        except (OSError, AttributeError):
            pass
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    ap.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: torch's default)")
    ap.add_argument("--blas", type=int, default=0, help="OpenBLAS threads (0: its default)")
    ap.add_argument("--workers", type=int, default=0, help="DataLoader workers (the article: 0)")
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--batches", type=int, default=200)
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args()

    t_import = time.perf_counter()
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    import torchvision
    from torch.utils.data import DataLoader
    from torchvision import transforms

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    blas = openblas()
    if blas is not None and args.blas > 0:
        blas.openblas_set_num_threads(args.blas)
    torch.manual_seed(1)

    prepare_root(args.source, args.root)
    t_data = time.perf_counter()
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.2860,), (0.3530,))])
    train_set = torchvision.datasets.FashionMNIST(args.root, train=True, download=False, transform=transform)
    loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True, num_workers=args.workers)
    data_seconds = time.perf_counter() - t_data

    if args.model == "cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))
    else:
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()

    total = args.warmup + args.batches
    done = 0
    loss_sum = 0.0
    batch_ms = []
    t0 = None
    while done < total:
        tb = time.perf_counter()
        for x, y in loader:
            if done == args.warmup:
                t0 = time.perf_counter()
                tb = t0
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
            now = time.perf_counter()
            if done >= args.warmup:
                batch_ms.append((now - tb) * 1000)
            tb = now
            done += 1
            if done == total:
                break
    seconds = time.perf_counter() - t0
    batch_ms.sort()
    print(json.dumps({
        "samples_per_second": args.batches * args.batch_size / seconds,
        "seconds": seconds,
        "batches": args.batches,
        "warmup": args.warmup,
        "batch_ms_median": batch_ms[len(batch_ms) // 2],
        "mean_loss": loss_sum / total,
        "model": args.model,
        "data_setup_seconds": data_seconds,
        "threads": {
            "intra_op": torch.get_num_threads(),
            "blas": blas.openblas_get_num_threads() if blas is not None else 0,
            "dataloader_workers": args.workers,
        },
        "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__,
                     "python": sys.version.split()[0]},
    }))


if __name__ == "__main__":
    main()
