#!/usr/bin/env python3
"""The Python sides of scripts/gpu-check's benchmark, and the device's matrix-multiply peak.

Two models written in plain PyTorch, layer for layer the engine's graphs (bench/gpu_check.py
checks that the parameter counts agree with `torchwright-cli validate`):
  cnn     the Fashion-MNIST sample (projects/fashion_mnist_cnn.json, as bench/pytorch_train.py
          builds it)
  resnet  bench/resnet_synthetic.json: a ResNet-style network on 3x32x32 inputs, widths
          64/128/256 by default (--widths), two basic blocks per stage, BatchNorm, Add skips with a
          1x1 projection where the shape changes
Two training loops, Adam (lr 1e-3) and cross-entropy, bf16 through torch.autocast:
  gpu         the whole training set as tensors on the device; each batch is gathered there
              (randperm + index_select), as a careful hand-written loop does it
  dataloader  the usual way: cnn reads torchvision's FashionMNIST (ToTensor + Normalize), resnet a
              TensorDataset of the same synthetic tensors on the host; a shuffled DataLoader with
              --workers worker processes and pin_memory on CUDA, copies with non_blocking=True
Each (model, side, batch, precision) runs --warmup steps, then --steps timed steps between two
torch.cuda.synchronize() calls; the loss is summed on the device and read once at the end.
Prints one JSON object per line.

  python3 bench/gpu_loops.py train --models cnn,resnet --sides gpu,dataloader --device cuda
      --batches 64,256,1024 --precisions fp32,bf16 [--layouts contiguous,channels_last] [--warmup 20]
      [--steps 100] [--fmnist DIR] [--peak-size N]
  python3 bench/gpu_loops.py peak --device cuda [--size 8192]
  python3 bench/gpu_loops.py params --model resnet [--widths 64,128,256]
"""

import argparse
import gzip
import json
import os
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FMNIST_MEAN, FMNIST_STD = 0.2860, 0.3530  # the training split's, as the engine measures them


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


class ResNet(nn.Module):
    def __init__(self, widths=(64, 128, 256), classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, padding=1, bias=False), nn.BatchNorm2d(widths[0]),
                                  nn.ReLU())
        blocks, cin = [], widths[0]
        for s, w in enumerate(widths):
            blocks += [BasicBlock(cin, w, 2 if s > 0 else 1), BasicBlock(w, w, 1)]
            cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def make_model(name, widths):
    return cnn() if name == "cnn" else ResNet(widths)


def read_idx(path):
    """An IDX file (.gz) as a uint8 tensor."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


_HOST_DATA = {}  # the host tensors, made once per process and shared by the configurations


def fmnist_tensors(folder):
    if ("fmnist", folder) not in _HOST_DATA:
        _HOST_DATA[("fmnist", folder)] = _read_fmnist(folder)
    return _HOST_DATA[("fmnist", folder)]


def _read_fmnist(folder):
    x = read_idx(os.path.join(folder, "train-images-idx3-ubyte.gz")).float().div_(255).unsqueeze(1)
    y = read_idx(os.path.join(folder, "train-labels-idx1-ubyte.gz")).long()
    return (x - FMNIST_MEAN) / FMNIST_STD, y


def synthetic_tensors(samples, seed=7):
    if ("synthetic", samples, seed) not in _HOST_DATA:
        _HOST_DATA[("synthetic", samples, seed)] = _make_synthetic(samples, seed)
    return _HOST_DATA[("synthetic", samples, seed)]


def _make_synthetic(samples, seed):
    """Class prototypes plus Gaussian noise, as the engine's synthetic format makes them (not the
    same numbers: its generator is std::mt19937_64)."""
    g = torch.Generator().manual_seed(seed)
    protos = torch.randn(10, 3, 32, 32, generator=g)
    y = torch.randint(0, 10, (samples,), generator=g)
    return protos[y] + torch.randn(samples, 3, 32, 32, generator=g), y


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class Batches:
    """Endless batches of a training side: `gpu` gathers from tensors on the device, `dataloader`
    iterates a DataLoader (new epochs as needed)."""

    def __init__(self, side, model, batch, device, a, channels_last):
        self.side, self.batch, self.device, self.cl = side, batch, device, channels_last
        if side == "gpu":
            x, y = fmnist_tensors(a.fmnist) if model == "cnn" else synthetic_tensors(a.samples)
            self.x, self.y = x.to(device), y.to(device)
            if channels_last:
                self.x = self.x.contiguous(memory_format=torch.channels_last)
            self.perm, self.pos = None, 0
        else:
            from torch.utils.data import DataLoader, TensorDataset
            cuda = device.type == "cuda"
            if model == "cnn":
                import torchvision
                from torchvision import transforms
                sys.path.insert(0, HERE)
                from pytorch_train import prepare_root
                root = prepare_root(a.fmnist, a.tvroot)
                tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((FMNIST_MEAN,), (FMNIST_STD,))])
                data = torchvision.datasets.FashionMNIST(root, train=True, download=False, transform=tf)
            else:
                data = TensorDataset(*synthetic_tensors(a.samples))
            self.loader = DataLoader(data, batch_size=batch, shuffle=True, drop_last=True, num_workers=a.workers,
                                     pin_memory=cuda, persistent_workers=a.workers > 0)
            self.it = iter(self.loader)

    def next(self):
        if self.side == "gpu":
            n = self.x.shape[0]
            if self.perm is None or self.pos + self.batch > n:
                self.perm, self.pos = torch.randperm(n, device=self.device), 0
            idx = self.perm[self.pos:self.pos + self.batch]
            self.pos += self.batch
            return self.x.index_select(0, idx), self.y.index_select(0, idx)
        try:
            x, y = next(self.it)
        except StopIteration:
            self.it = iter(self.loader)
            x, y = next(self.it)
        x = x.to(self.device, non_blocking=True)
        if self.cl:
            x = x.contiguous(memory_format=torch.channels_last)
        return x, y.to(self.device, non_blocking=True)


def train_rate(model_name, side, batch, precision, channels_last, device, a):
    torch.manual_seed(1)
    model = make_model(model_name, a.widths).to(device)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    data = Batches(side, model_name, batch, device, a, channels_last)
    bf16 = precision == "bf16"
    loss_sum = torch.zeros((), device=device)

    def step():
        x, y = data.next()
        opt.zero_grad(set_to_none=True)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=bf16):
            loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.detach().float()

    for _ in range(a.warmup):
        loss_sum += step()
    sync(device)
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss_sum += step()
    sync(device)
    seconds = time.perf_counter() - t0
    mean_loss = loss_sum.item() / (a.warmup + a.steps)
    return {"kind": "train", "model": model_name, "side": side, "batch": batch, "precision": precision,
            "samples_per_second": a.steps * batch / seconds, "seconds": seconds, "steps": a.steps,
            "warmup": a.warmup, "mean_loss": mean_loss, "loss_finite": mean_loss == mean_loss
            and abs(mean_loss) != float("inf"), "channels_last": channels_last,
            "workers": a.workers if side == "dataloader" else None}


def peak(device, size, iters):
    """Dense matrix-multiply rate in TFLOP/s: fp32 with TF32 allowed (what the engine's fp32 may use on
    CUDA) and bf16, square matrices of --size."""
    out = {"kind": "peak", "device": str(device), "size": size}
    for name, dtype in (("fp32_tf32", torch.float32), ("bf16", torch.bfloat16)):
        a = torch.randn(size, size, device=device, dtype=dtype)
        b = torch.randn(size, size, device=device, dtype=dtype)
        for _ in range(3):
            torch.mm(a, b)
        sync(device)
        t0 = time.perf_counter()
        for _ in range(iters):
            torch.mm(a, b)
        sync(device)
        out[name + "_tflops"] = 2.0 * size ** 3 * iters / (time.perf_counter() - t0) / 1e12
    return out


def csv_ints(s):
    return [int(v) for v in s.split(",") if v]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["train", "peak", "params"])
    ap.add_argument("--models", default="cnn,resnet")
    ap.add_argument("--model", help="for params")
    ap.add_argument("--sides", default="gpu,dataloader")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--batches", type=csv_ints, default=[64, 256, 1024])
    ap.add_argument("--precisions", default="fp32,bf16")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--widths", type=csv_ints, default=[64, 128, 256], help="the ResNet's stage widths")
    ap.add_argument("--samples", type=int, default=20480, help="synthetic training samples (resnet)")
    ap.add_argument("--fmnist", default="/usr/share/datasets/fashion-mnist", help="Fashion-MNIST's .gz files")
    ap.add_argument("--tvroot", help="torchvision root for FashionMNIST (default: a temporary folder)")
    ap.add_argument("--workers", type=int, default=4, help="DataLoader worker processes")
    ap.add_argument("--threads", type=int, default=0, help="torch intra-op threads on the CPU (0: its default)")
    ap.add_argument("--layouts", default="contiguous",
                    help="contiguous and/or channels_last (the latter for the resnet's gpu side only)")
    ap.add_argument("--peak-size", type=int, default=0, help="train: measure the peak first at this size (0: no)")
    ap.add_argument("--no-cudnn-benchmark", action="store_true")
    ap.add_argument("--size", type=int, default=8192, help="peak: matrix size")
    ap.add_argument("--iters", type=int, default=50, help="peak: timed multiplications")
    a = ap.parse_args()
    if a.what == "params":
        print(json.dumps({"kind": "params", "model": a.model,
                          "parameters": sum(p.numel() for p in make_model(a.model, a.widths).parameters())}))
        return
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    if device.type == "cuda":
        # The engine's fp32 allows TF32 on CUDA; so does this side. cuDNN picks its fastest kernels.
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = not a.no_cudnn_benchmark
    versions = {"torch": torch.__version__, "cuda": torch.version.cuda,
                "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"}
    if a.what == "peak" or a.peak_size:
        r = peak(device, a.peak_size or a.size, a.iters)
        r["versions"] = versions
        print(json.dumps(r), flush=True)
        if a.what == "peak":
            return
    tmp = None
    if a.tvroot is None:
        tmp = tempfile.TemporaryDirectory(prefix="gpu-loops-")
        a.tvroot = tmp.name
    configs = [(m, s, b, p, layout == "channels_last") for m in a.models.split(",") for s in a.sides.split(",")
               for layout in a.layouts.split(",") for b in a.batches for p in a.precisions.split(",")
               if layout == "contiguous" or (m == "resnet" and s == "gpu")]
    for model, side, batch, precision, cl in configs:
        try:
            r = train_rate(model, side, batch, precision, cl, device, a)
        except Exception as e:  # one failing configuration (say bf16 here) does not hide the others
            r = {"kind": "train", "model": model, "side": side, "batch": batch, "precision": precision,
                 "channels_last": cl, "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
        r["versions"] = versions
        print(json.dumps(r), flush=True)
        if device.type == "cuda":
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
