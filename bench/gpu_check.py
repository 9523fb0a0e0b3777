#!/usr/bin/env python3
"""scripts/gpu-check's driver: checks through torchwright-cli that training, stop and resume,
evaluation, every export and predict work on a device (cuda) and agree with cpu within the
tolerances below, then benchmarks the engine against two Python loops. Writes a JSON of results
(--out), prints the checks and the table; exit status 1 when a check fails (the benchmark's goals
are reported, not enforced). On --device cpu every path runs and the "agree with cpu" checks
compare cpu with cpu.

  python3 bench/gpu_check.py --cli BUILD/app/torchwright-cli --device cuda [--quick] [--out FILE]

The checks train --check-project (the Fashion-MNIST sample by default) with --batch-limit; the
benchmark trains the sample CNN on Fashion-MNIST and bench/resnet_synthetic.json.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "bench")
CNN_PROJECT = os.path.join(ROOT, "projects", "fashion_mnist_cnn.json")
RESNET_PROJECT = os.path.join(HERE, "resnet_synthetic.json")

# What "agree" means, stated once: the JSON and the README carry these.
TOLERANCES = {
    "train_cpu_val_accuracy_points": 1.5,  # same project trained on the device and on cpu
    "train_cpu_val_loss_relative": 0.10,
    "evaluate_accuracy_points": 0.1,  # one checkpoint evaluated on the device and on cpu
    "evaluate_loss_absolute": 1e-3,  # evaluate prints 4 decimals
    "predict_percent_points": 0.15,  # predict prints confidences with 1 decimal
    "predict_top1_margin_points": 0.3,  # top-1 must match where top-1 and top-2 differ by more
    "torchscript_logits_relative": 1e-4,  # max |logit difference| / max(1, max |logit|), TF32 off
    "precision_val_accuracy_points": 2.0,  # bf16, fp16, channels-last against the fp32 run
    "placement_loss_relative": 1e-6,  # --data-placement stream against device, both --deterministic
    "resume_cpu_val_accuracy_points": 1.5,  # a device run resumed on cpu against the uninterrupted one
}
GOALS = {"engine_over_gpu_loop": 1.0, "resnet_bf16_over_fp32": 1.5}
# Dense (no sparsity) tensor-core peaks from NVIDIA's datasheets, TFLOP/s: TF32 and BF16.
DATASHEET = [
    ("H200", {"fp32_tf32": 494.7, "bf16": 989.4}),
    ("H100 PCIe", {"fp32_tf32": 378.0, "bf16": 756.0}),
    ("H100 NVL", {"fp32_tf32": 417.5, "bf16": 835.0}),
    ("H100", {"fp32_tf32": 494.7, "bf16": 989.4}),  # SXM
    ("A100", {"fp32_tf32": 156.0, "bf16": 312.0}),
]


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def finite(x):
    return isinstance(x, (int, float)) and math.isfinite(x)


def datasheet_peak(name):
    for key, peaks in DATASHEET:
        if key.lower() in (name or "").lower():
            return key, peaks
    return None, None


def read_events(run_dir):
    events = []
    path = os.path.join(run_dir, "metrics.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    pass  # a torn last line of a killed run
    return events


def epoch_events(run_dir):
    """The last event of each epoch (a resumed run repeats none: --resume drops what it redoes)."""
    by_epoch = {}
    for e in read_events(run_dir):
        if e.get("event") == "epoch":
            by_epoch[e["epoch"]] = e
    return [by_epoch[k] for k in sorted(by_epoch)]


def missing_epochs(run_dir, epochs):
    """Epochs without an event in metrics.jsonl (the checkpoint of an epoch is written before its
    event, so a kill between the two loses the event)."""
    have = {e["epoch"] for e in epoch_events(run_dir)}
    return [k for k in range(1, epochs + 1) if k not in have]


def save_npy(path, t):
    """A uint8 or float32 tensor as a .npy file (format 1.0), without numpy, which a PyTorch
    install need not have."""
    import ctypes
    import torch
    t = t.contiguous()
    descr = {torch.uint8: "|u1", torch.float32: "<f4"}[t.dtype]
    shape = "(" + "".join(f"{d}, " for d in t.shape) + ")" if t.dim() != 1 else f"({t.shape[0]},)"
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin1"))
        f.write(ctypes.string_at(t.data_ptr(), t.numel() * t.element_size()))


def run_json(run_dir):
    with open(os.path.join(run_dir, "run.json")) as f:
        return json.load(f)


def checkpoint_fingerprint(path):
    """What a checkpoint holds, bit for bit: the SHA-256 of each tensor (weights, optimizer state,
    counters, random generators) from the checksums the engine stores in it. Adam's state is keyed
    by a parameter's address in the process that wrote it, so those keys are compared without it."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if "/data/" in name:
                blob = z.read(name)
                if blob.startswith(b'{"algorithm":"sha256"'):
                    tensors = json.loads(blob)["tensors"]
                    return sorted((re.sub(r"0x[0-9a-f]+", "P", k), v) for k, v in tensors.items())
    raise RuntimeError(f"{path}: no checksums in it")


def engine_rate(run_dir, batch):
    """Samples/s of the engine's timed epochs: epoch 1 warms up (cuDNN's autotuning, the caching
    allocator), epochs 2.. each train the same --batch-limit batches, and an epoch event's
    samples_per_second counts its training loop only (not validation), so the rate over them is
    the harmonic mean. Without such epochs: the batch events of epoch 1 (samples_per_second =
    samples so far / seconds so far in the epoch, so batch b ended at b * batch / sps seconds)."""
    timed = [e for e in epoch_events(run_dir) if e["epoch"] >= 2 and e.get("samples_per_second")]
    if timed:
        return len(timed) / sum(1.0 / e["samples_per_second"] for e in timed), f"epochs 2-{timed[-1]['epoch']}"
    ends = {}
    for e in read_events(run_dir):
        if e.get("event") == "batch" and e.get("epoch") == 1 and e.get("samples_per_second"):
            ends[e["batch"]] = e["batch"] * batch / e["samples_per_second"]
    if not ends:
        return None, "no batch or epoch events"
    done = sorted(ends)
    start, end = done[0], done[-1]
    if end > start:
        return (end - start) * batch / (ends[end] - ends[start]), f"epoch 1, batches {start}-{end}"
    return end * batch / ends[end], f"epoch 1 (only batch {end} reported)"


def parse_evaluate(text):
    acc = re.search(r"accuracy:\s*([\d.]+)%", text)
    loss = re.search(r"loss:\s*([-\d.eE+naif]+)", text)
    return (float(acc.group(1)) if acc else None, float(loss.group(1)) if loss else None)


def parse_predict(text):
    """{sample: [(class, percent), ...]} from predict's lines "i:  name 12.3%  name 4.5% ..."."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\s*(\d+):\s+(.*)$", line)
        if not m:
            continue
        pairs = re.findall(r"(.+?)\s+([\d.]+)%", m.group(2))
        if pairs:
            rows[int(m.group(1))] = [(c.strip(), float(p)) for c, p in pairs]
    return rows


def one_line(text):
    """The line that says what happened: the first "error:" line, else the last line."""
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    errors = [l for l in lines if l.startswith("error:")]
    return errors[0] if errors else lines[-1] if lines else ""


class GpuCheck:
    def __init__(self, a):
        self.a = a
        self.cli_path = os.path.abspath(a.cli)
        self.dev = a.device
        self.py = sys.executable
        self.work = a.work or tempfile.mkdtemp(prefix="torchwright-gpu-check-")
        os.makedirs(self.work, exist_ok=True)
        self.env = dict(os.environ)
        if a.threads:
            # LibTorch and OpenMP on the CPU side (evaluate and predict have no --threads).
            self.env["OMP_NUM_THREADS"] = str(a.threads)
        self.checks = []
        self.results = {"checks": self.checks, "tolerances": TOLERANCES, "goals": GOALS}
        self.onnx_built = self.detect_onnx()

    # ------------------------------------------------------------------ helpers
    def detect_onnx(self):
        """Whether the CLI was built with ONNX export (its build's CMakeCache names ONNX_DIR)."""
        cache = os.path.join(os.path.dirname(os.path.dirname(self.cli_path)), "CMakeCache.txt")
        if not os.path.exists(cache):
            return None
        with open(cache) as f:
            m = re.search(r"^ONNX_DIR:PATH=(.*)$", f.read(), re.M)
        return bool(m and not m.group(1).endswith("NOTFOUND"))

    def cli(self, args, env=None, timeout=1800):
        t0 = time.perf_counter()
        p = subprocess.run([self.cli_path] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=env or self.env, timeout=timeout)
        p.seconds = time.perf_counter() - t0
        return p

    def python(self, args, timeout=1800):
        return subprocess.run([self.py] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=self.env, timeout=timeout)

    def device_args(self, device):
        args = ["--device", device]
        if device == "cpu" and self.a.threads:
            args += ["--threads", str(self.a.threads)]
        return args

    def project_copy(self, src, name, edit=None):
        """The project in its own folder under the work folder, dataset path made absolute (the
        Fashion-MNIST folder --data names for idx projects)."""
        with open(src) as f:
            p = json.load(f)
        ds = p["dataset"]
        if ds.get("kind") == "idx":
            ds["path"] = os.path.abspath(self.a.data)
        elif ds.get("path") and not os.path.isabs(ds["path"]):
            ds["path"] = os.path.normpath(os.path.join(os.path.dirname(src), ds["path"]))
        if edit:
            edit(p)
        folder = os.path.join(self.work, name)
        os.makedirs(folder, exist_ok=True)
        dst = os.path.join(folder, "project.json")
        with open(dst, "w") as f:
            json.dump(p, f, indent=2)
        return dst

    def train(self, name, project, device, extra=(), env=None):
        """Trains into a fresh --out folder; returns (process, run folder or None)."""
        out = os.path.join(self.work, "runs", name)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        p = self.cli(["train", project, "--out", out] + self.device_args(device) + list(extra), env=env)
        dirs = [os.path.join(out, d) for d in os.listdir(out)]
        return p, (dirs[0] if dirs else None)

    def resume(self, run_dir, device, extra=()):
        return self.cli(["train", "--resume", run_dir] + self.device_args(device) + list(extra))

    def check(self, name, ok, detail, **figures):
        status = {True: "pass", False: "fail", None: "skip"}[ok]
        self.checks.append({"name": name, "status": status, "detail": detail, **figures})
        log(f"{status.upper():4}  {name}: {detail}")
        return ok

    def guarded(self, name, fn):
        """Runs one check; an exception is that check's failure, not the end of the others."""
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - reported as the check's failure
            self.check(name, False, f"{type(e).__name__}: {one_line(str(e))}")

    def trained_ok(self, p, run_dir, epochs, resumed=False):
        """None when the run completed with `epochs` finite epochs, else why not. A run killed
        between epochs may lack that epoch's event (see missing_epochs); its last must be there."""
        if not run_dir:
            return f"exit {p.returncode}, no run folder: {one_line(p.stdout)}"
        if p.returncode != 0:
            return f"exit {p.returncode}: {one_line(p.stdout)}"
        evs = epoch_events(run_dir)
        if not evs or evs[-1]["epoch"] != epochs or (not resumed and len(evs) != epochs):
            return f"epoch events {[e['epoch'] for e in evs]}, expected 1..{epochs}"
        bad = [e["epoch"] for e in evs if not (finite(e.get("loss")) and finite(e.get("val_loss")))]
        if bad:
            return f"non-finite loss in epoch(s) {bad}"
        status = run_json(run_dir).get("status")
        return None if status == "completed" else f"run.json status {status!r}"

    # ------------------------------------------------------------------ checks
    def run_checks(self):
        a, dev = self.a, self.dev
        epochs = 2
        limit = ["--epochs", str(epochs), "--batch-limit", str(a.check_batches)]
        src = a.check_project or CNN_PROJECT
        project = self.project_copy(src, "check", lambda p: p["dataset"].update(validation_fraction=0.05)
                                    if a.quick else None)
        self.results["check_project"] = src
        det = ["--deterministic"]
        st = self.state = {}

        def devices():
            p = self.cli(["devices"])
            ok = p.returncode == 0 and ("cuda" in p.stdout if dev.startswith("cuda") else "cpu" in p.stdout)
            self.check("devices", ok, one_line(p.stdout) if ok else f"{dev} not listed: {p.stdout.strip()}")
        self.guarded("devices", devices)

        def train_ref():
            p, d = self.train("ref", project, dev, limit + det)
            why = self.trained_ok(p, d, epochs)
            info = run_json(d) if d else {}
            if why is None and info.get("precision", "fp32") != "fp32":
                why = f"run.json precision {info.get('precision')!r}, expected fp32"
            if why is None and "precision" not in info:
                why = "run.json has no \"precision\""
            if why is None and info.get("deterministic") is not True:
                why = f"run.json deterministic {info.get('deterministic')!r}, expected true"
            if why is None:
                st["ref"] = d
            last = epoch_events(d)[-1] if why is None else {}
            self.check("train", why is None, why or f"{epochs} epochs on {info.get('device')}: loss {last['loss']:.4f}, "
                       f"val accuracy {100 * last['val_accuracy']:.2f}%, {p.seconds:.1f} s",
                       data_placement=info.get("data_placement"), seconds=p.seconds)
        self.guarded("train", train_ref)
        ref = st.get("ref")
        ref_last = epoch_events(ref)[-1] if ref else None

        def train_cpu():
            p, d = self.train("ref-cpu", project, "cpu", limit + det)
            why = self.trained_ok(p, d, epochs)
            if why is None and ref:
                last = epoch_events(d)[-1]
                dacc = 100 * abs(last["val_accuracy"] - ref_last["val_accuracy"])
                dloss = abs(last["val_loss"] - ref_last["val_loss"]) / max(1e-12, abs(ref_last["val_loss"]))
                ok = dacc <= TOLERANCES["train_cpu_val_accuracy_points"] and \
                    dloss <= TOLERANCES["train_cpu_val_loss_relative"]
                self.check("train_agrees_with_cpu", ok, f"val accuracy differs by {dacc:.2f} points, val loss by "
                           f"{100 * dloss:.2f}%", val_accuracy_points=dacc, val_loss_relative=dloss)
            else:
                self.check("train_agrees_with_cpu", False, why or "no reference run")
        self.guarded("train_agrees_with_cpu", train_cpu)

        def evaluate():
            if not ref:
                return self.check("evaluate", False, "no reference run")
            pd, pc = self.cli(["evaluate", ref, "--device", dev]), self.cli(["evaluate", ref, "--device", "cpu"])
            if pd.returncode or pc.returncode:
                return self.check("evaluate", False, f"exit {pd.returncode}/{pc.returncode}: "
                                  f"{one_line(pd.stdout if pd.returncode else pc.stdout)}")
            (ad, ld), (ac, lc) = parse_evaluate(pd.stdout), parse_evaluate(pc.stdout)
            if None in (ad, ld, ac, lc):
                return self.check("evaluate", False, "no accuracy/loss in its output")
            ok = abs(ad - ac) <= TOLERANCES["evaluate_accuracy_points"] and \
                abs(ld - lc) <= TOLERANCES["evaluate_loss_absolute"]
            self.check("evaluate", ok, f"{dev}: {ad:.2f}% loss {ld:.4f}; cpu: {ac:.2f}% loss {lc:.4f}",
                       device_accuracy=ad, cpu_accuracy=ac, device_loss=ld, cpu_loss=lc)
        self.guarded("evaluate", evaluate)

        def kill_resume(name, deterministic, resume_device, reference):
            flags = det if deterministic else []
            env = dict(self.env, TORCHWRIGHT_CRASH_AT="train:after-epoch")
            p, d = self.train(name, project, dev, limit + flags, env=env)
            if p.returncode != -signal.SIGKILL:
                return self.check(name, False, f"expected a kill after epoch 1, got exit {p.returncode}: "
                                  f"{one_line(p.stdout)}")
            done = run_json(d).get("epochs_completed")
            r = self.resume(d, resume_device, limit + flags)
            why = self.trained_ok(r, d, epochs, resumed=True)
            if why:
                return self.check(name, False, f"killed after epoch {done}; resume: {why}")
            missing = missing_epochs(d, epochs)
            if not reference:
                return self.check(name, False, "no uninterrupted run to compare with")
            mine = {e["epoch"]: e for e in epoch_events(d)}
            theirs = {e["epoch"]: e for e in epoch_events(reference)}
            pairs = [(mine[k], theirs[k]) for k in sorted(mine) if k in theirs]
            keys = ("loss", "accuracy", "val_loss", "val_accuracy")
            diff = max(abs(m[k] - t[k]) for m, t in pairs for k in keys if k in m and k in t)
            same_figures = all(m.get(k) == t.get(k) for m, t in pairs for k in keys)
            same_weights = checkpoint_fingerprint(os.path.join(d, "last.pt")) == \
                checkpoint_fingerprint(os.path.join(reference, "last.pt"))
            figures = dict(killed_after_epoch=done, bit_exact_figures=same_figures, bit_exact_weights=same_weights,
                           max_figure_difference=diff, resumed_on=resume_device, missing_epoch_events=missing)
            text = (f"killed after epoch {done}, resumed on {resume_device}: epoch figures "
                    f"{'identical' if same_figures else f'differ by up to {diff:.3g}'}, last.pt "
                    f"{'identical' if same_weights else 'differs'}"
                    + (f"; metrics.jsonl lacks epoch(s) {missing}" if missing else ""))
            if resume_device != dev:  # another device: near, not equal
                dacc = 100 * abs(mine[epochs]["val_accuracy"] - theirs[epochs]["val_accuracy"])
                ok = dacc <= TOLERANCES["resume_cpu_val_accuracy_points"]
                return self.check(name, ok, text + f"; val accuracy {dacc:.2f} points apart", **figures)
            if deterministic:
                return self.check(name, same_figures and same_weights, text, **figures)
            return self.check(name, True, text + " (reported, not required)", **figures)

        self.guarded("resume_deterministic", lambda: kill_resume("resume_deterministic", True, dev, ref))

        def nondeterministic():
            p, d = self.train("ref-nondet", project, dev, limit)
            why = self.trained_ok(p, d, epochs)
            if why:
                return self.check("resume_nondeterministic", False, f"uninterrupted run: {why}")
            kill_resume("resume_nondeterministic", False, dev, d)
        self.guarded("resume_nondeterministic", nondeterministic)
        self.guarded("resume_on_cpu", lambda: kill_resume("resume_on_cpu", True, "cpu", ref))
        self.guarded("stop_resume", lambda: self.stop_resume(project))

        def precision(name, extra):
            p, d = self.train(name, project, dev, limit + extra)
            refused = p.returncode != 0 and (d is None or not epoch_events(d))
            msg = one_line(p.stdout)
            if dev == "cpu" and name == "precision_fp16":
                # fp16 is CUDA-only: the CLI must refuse it on cpu with a message naming it, exit 1.
                ok = p.returncode == 1 and refused and "fp16" in msg
                return self.check(name, ok, f"refused on cpu: {msg}" if ok else
                                  f"expected a refusal on cpu (exit 1, a message naming fp16), got exit "
                                  f"{p.returncode}: {msg}")
            if dev == "cpu" and refused and p.returncode == 1 and "bf16" in msg:
                return self.check(name, True, f"refused on cpu: {msg}", refused=True)
            why = self.trained_ok(p, d, epochs)
            if why:
                return self.check(name, False, why)
            evs, info = epoch_events(d), run_json(d)
            wanted = extra[1] if extra[0] == "--precision" else "fp32"
            if info.get("precision") != wanted:
                return self.check(name, False, f"run.json precision {info.get('precision')!r}, expected {wanted}")
            if "--channels-last" in extra and info.get("channels_last") is not True:
                return self.check(name, False, f"run.json channels_last {info.get('channels_last')!r}, expected true")
            if name == "precision_fp16" and not all(isinstance(e.get("skipped_steps"), int) for e in evs):
                return self.check(name, False, "epoch events carry no \"skipped_steps\"")
            dacc = 100 * abs(evs[-1]["val_accuracy"] - ref_last["val_accuracy"]) if ref_last else float("inf")
            ok = dacc <= TOLERANCES["precision_val_accuracy_points"]
            skipped = [e.get("skipped_steps") for e in evs] if name == "precision_fp16" else None
            self.check(name, ok, f"val accuracy {100 * evs[-1]['val_accuracy']:.2f}% ({dacc:.2f} points from fp32)"
                       + (f", skipped steps per epoch {skipped}" if skipped is not None else ""),
                       val_accuracy_points=dacc, skipped_steps=skipped)
        self.guarded("precision_bf16", lambda: precision("precision_bf16", ["--precision", "bf16"]))
        self.guarded("precision_fp16", lambda: precision("precision_fp16", ["--precision", "fp16"]))
        self.guarded("channels_last", lambda: precision("channels_last", ["--channels-last"]))
        self.guarded("data_placement", lambda: self.placement(project, limit + det))
        self.guarded("exports", self.exports)

    def stop_resume(self, project):
        """Ctrl-C: SIGINT once the first batch or epoch is on record (polled, no fixed wait); the run
        stops as "stopped" with exit 130 and `train --resume` finishes it."""
        out = os.path.join(self.work, "runs", "stop")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        many = 50
        proc = subprocess.Popen([self.cli_path, "train", project, "--out", out, "--epochs", str(many),
                                 "--batch-limit", str(self.a.check_batches)] + self.device_args(self.dev),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=self.env)
        deadline = time.monotonic() + 600
        run_dir = None
        while proc.poll() is None and time.monotonic() < deadline:
            dirs = os.listdir(out)
            run_dir = os.path.join(out, dirs[0]) if dirs else None
            if run_dir and any(e.get("event") in ("batch", "epoch") for e in read_events(run_dir)):
                break
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        text = proc.communicate(timeout=600)[0]
        if proc.returncode != 130:
            return self.check("stop_resume", False, f"after Ctrl-C: exit {proc.returncode}, expected 130: "
                              f"{one_line(text)}")
        info = run_json(run_dir)
        done = info.get("epochs_completed", 0)
        if info.get("status") != "stopped":
            return self.check("stop_resume", False, f"run.json status {info.get('status')!r}, expected 'stopped'")
        total = done + 1
        r = self.resume(run_dir, self.dev, ["--epochs", str(total), "--batch-limit", str(self.a.check_batches)])
        why = self.trained_ok(r, run_dir, total, resumed=True)
        self.check("stop_resume", why is None, why or f"stopped by Ctrl-C after {done} epoch(s) (exit 130, status "
                   f"stopped), resumed to {total}", stopped_after_epochs=done)

    def placement(self, project, args):
        """--data-placement device and stream give the same losses (both --deterministic)."""
        runs = {}
        for how in ("device", "stream"):
            p, d = self.train("placement-" + how, project, self.dev, args + ["--data-placement", how])
            if self.dev == "cpu" and p.returncode == 1 and (d is None or not epoch_events(d)) \
                    and how in one_line(p.stdout):
                runs[how] = ("refused", one_line(p.stdout))
                continue
            why = self.trained_ok(p, d, len(epoch_events(d)) or 1) if d else one_line(p.stdout)
            if why:
                return self.check("data_placement", False, f"{how}: {why}")
            recorded = run_json(d).get("data_placement")
            if recorded != how:
                return self.check("data_placement", False, f"{how}: run.json data_placement {recorded!r}")
            runs[how] = ("ran", epoch_events(d))
        if any(v[0] == "refused" for v in runs.values()):
            text = "; ".join(f"{k}: {v[0]}" + (f" ({v[1]})" if v[0] == "refused" else "") for k, v in runs.items())
            return self.check("data_placement", True, "on cpu " + text, refused=True)
        a, b = runs["device"][1], runs["stream"][1]
        rel = max(abs(x[k] - y[k]) / max(1e-12, abs(x[k])) for x, y in zip(a, b) for k in ("loss", "val_loss"))
        ok = len(a) == len(b) and rel <= TOLERANCES["placement_loss_relative"]
        self.check("data_placement", ok, f"stream vs device: losses differ by at most {rel:.3g} (relative)",
                   loss_relative=rel)

    # ------------------------------------------------------------------ exports and predict
    def sample_inputs(self, project):
        """(the .npy predict reads, a torch.save file of the model's inputs for TorchScript): the
        first test images of an IDX project (raw uint8 / normalised as the run recorded), random
        inputs of the sample shape otherwise (float32, taken as the model's input by both)."""
        import torch
        with open(project) as f:
            ds = json.load(f)["dataset"]
        n = self.a.predict_samples
        raw = os.path.join(self.work, "inputs.npy")
        model_in = os.path.join(self.work, "inputs-model.pt")
        if ds.get("kind") == "idx":
            sys.path.insert(0, HERE)
            from gpu_loops import read_idx
            norm = run_json(self.state["ref"]).get("normalization", {})
            mean, std = norm.get("mean", [0.0]), norm.get("std", [1.0])
            images = read_idx(os.path.join(ds["path"], "t10k-images-idx3-ubyte.gz"))[:n].reshape(n, *ds["sample_shape"])
            save_npy(raw, images)
            x = images.float().div(255)
            x = (x - torch.tensor(mean).view(-1, 1, 1)) / torch.tensor(std).view(-1, 1, 1)
        else:
            x = torch.randn(n, *ds["sample_shape"], generator=torch.Generator().manual_seed(3))
            save_npy(raw, x)
        torch.save(x.float().contiguous(), model_in)
        return raw, model_in

    def exports(self):
        ref = self.state.get("ref")
        if not ref:
            return self.check("exports", False, "no reference run")
        project = os.path.join(ref, "project.json")
        written = {}
        for fmt in ("torchscript", "onnx", "pytorch", "bundle"):
            p = self.cli(["export", ref, "--format", fmt])
            if p.returncode == 0:
                written[fmt] = True
                self.check("export_" + fmt, True, one_line(p.stdout))
            elif fmt in ("onnx", "bundle") and self.onnx_built is False and "onnx" in p.stdout.lower():
                self.check("export_" + fmt, None, f"this build has no ONNX library: {one_line(p.stdout)}")
            else:
                self.check("export_" + fmt, False, f"exit {p.returncode}: {one_line(p.stdout)}")
        raw, model_in = self.sample_inputs(project)
        if written.get("torchscript"):
            self.guarded("torchscript_python", lambda: self.torchscript_python(ref, model_in))
        if written.get("onnx"):
            self.guarded("onnx_python", lambda: self.onnx_python(ref))
        if written.get("pytorch"):
            self.guarded("pytorch_weights_only", lambda: self.weights_only(ref))
            self.guarded("pytorch_program", lambda: self.program(ref))
        if written.get("bundle"):
            self.guarded("predict", lambda: self.predict(ref, raw))

    def torchscript_python(self, ref, model_in):
        code = r"""
import json, sys, torch
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
path, inputs, dev, probs = sys.argv[1:5]
x = torch.load(inputs)
outs = {}
for d in dict.fromkeys([dev, "cpu"]):
    m = torch.jit.load(path, map_location=d).eval()
    with torch.no_grad():
        outs[d] = m(x.to(d)).float().cpu()
a, b = outs[dev], outs["cpu"]
with open(probs, "w") as f:
    json.dump((100 * torch.softmax(b, 1)).tolist(), f)
scale = max(1.0, float(b.abs().max()))
print(json.dumps({"relative": float((a - b).abs().max()) / scale, "finite": bool(torch.isfinite(a).all()),
                  "same_top1": float((a.argmax(1) == b.argmax(1)).float().mean())}))
"""
        probs = os.path.join(self.work, "torchscript-percent.json")
        p = self.python(["-c", code, os.path.join(ref, "model.torchscript.pt"), model_in, self.dev, probs])
        if p.returncode:
            return self.check("torchscript_python", False, one_line(p.stderr))
        self.state["torchscript_percent"] = probs
        r = json.loads(one_line(p.stdout))
        ok = r["finite"] and r["relative"] <= TOLERANCES["torchscript_logits_relative"]
        self.check("torchscript_python", ok, f"torch.jit.load in Python {self.py_torch}: logits on {self.dev} vs "
                   f"cpu differ by {r['relative']:.2g} (relative), same top-1 on {100 * r['same_top1']:.1f}%", **r)

    def onnx_python(self, ref):
        code = "import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m); print(m.opset_import[0].version)"
        p = self.python(["-c", code, os.path.join(ref, "model.onnx")])
        if p.returncode and "No module named 'onnx'" in p.stderr:
            return self.check("onnx_python", None, "this Python has no onnx module: not checked")
        self.check("onnx_python", p.returncode == 0, f"onnx.checker accepts it (opset {one_line(p.stdout)})"
                   if p.returncode == 0 else one_line(p.stderr))

    def weights_only(self, ref):
        code = r"""
import sys, torch
w = torch.load(sys.argv[1], map_location="cpu", weights_only=True)
assert isinstance(w, dict) and all(torch.is_tensor(v) for v in w.values()), type(w)
bad = [k for k, v in w.items() if v.is_floating_point() and not torch.isfinite(v).all()]
assert not bad, bad
print(len(w))
"""
        p = self.python(["-c", code, os.path.join(ref, "pytorch", "weights.pt")])
        self.check("pytorch_weights_only", p.returncode == 0,
                   f"torch.load(weights.pt, weights_only=True): {one_line(p.stdout)} tensors" if p.returncode == 0
                   else one_line(p.stderr))

    def program(self, ref):
        out = os.path.join(self.work, "program-checkpoint.pt")
        p = self.python([os.path.join(ref, "pytorch", "train.py"), "--device", self.dev, "--epochs", "1",
                         "--limit", str(self.a.program_samples), "--out", out])
        text = p.stdout + p.stderr
        ok = p.returncode == 0 and os.path.exists(out) and "nan" not in text.lower()
        self.check("pytorch_program", ok, f"train.py --device {self.dev} trained {self.a.program_samples} samples: "
                   f"{one_line(p.stdout)}" if ok else f"exit {p.returncode}: {one_line(text)}")

    def predict(self, ref, inputs):
        bundle = os.path.join(ref, "bundle")
        k = ["--top", "3"]
        pd = self.cli(["predict", bundle, inputs, "--device", self.dev] + k)
        pc = self.cli(["predict", bundle, inputs, "--device", "cpu"] + k)
        if pd.returncode or pc.returncode:
            return self.check("predict", False, f"exit {pd.returncode}/{pc.returncode}: "
                              f"{one_line(pd.stdout if pd.returncode else pc.stdout)}")
        a, b = parse_predict(pd.stdout), parse_predict(pc.stdout)
        if not a or sorted(a) != sorted(b):
            return self.check("predict", False, f"{len(a)} and {len(b)} samples printed")
        worst, top1_mismatch = 0.0, 0
        for i in a:
            pa, pb = dict(a[i]), dict(b[i])
            worst = max([worst] + [abs(pa[c] - pb[c]) for c in pa if c in pb])
            if a[i][0][0] != b[i][0][0] and b[i][0][1] - b[i][1][1] > TOLERANCES["predict_top1_margin_points"]:
                top1_mismatch += 1
        ok = worst <= TOLERANCES["predict_percent_points"] and top1_mismatch == 0
        self.check("predict", ok, f"{len(a)} samples on {self.dev} and cpu: confidences differ by at most "
                   f"{worst:.2f} points, {top1_mismatch} top-1 mismatches", percent_points=worst)
        if self.state.get("torchscript_percent"):
            # The engine's predict (its preprocessing of the raw inputs included) against the
            # TorchScript export in Python on the inputs preprocessed here.
            with open(self.state["torchscript_percent"]) as f:
                python = json.load(f)
            with open(os.path.join(ref, "project.json")) as f:
                names = json.load(f)["dataset"]["class_names"]
            index = {n: i for i, n in enumerate(names)}
            gap = max(abs(pct - python[i][index[c]]) for i in b for c, pct in b[i])
            self.check("predict_matches_python", gap <= TOLERANCES["predict_percent_points"],
                       f"predict on cpu and the TorchScript export in Python: confidences differ by at most "
                       f"{gap:.2f} points", percent_points=gap)

    # ------------------------------------------------------------------ benchmark
    def bench_project(self, model, batch, steps):
        warm = self.a.warmup

        def edit(p):
            p["training"]["batch_size"] = batch
            # Validation runs between the timed epochs, not in them: kept small, it costs little.
            p["dataset"]["validation_fraction"] = 0.005 if self.a.quick else 0.02
            if model == "resnet":
                # Enough samples for an epoch of `steps` batches (the Python side draws as many).
                need = batch * (max(warm, steps) + 1)
                kept = 1 - p["dataset"]["validation_fraction"]
                p["dataset"]["synthetic"]["train_samples"] = max(2048, int(math.ceil(need / kept)))
                p["dataset"]["synthetic"]["test_samples"] = 256
                scale = {64: self.widths[0], 128: self.widths[1], 256: self.widths[2]}
                for n in p["graph"]["nodes"]:
                    if n["type"] == "Conv2d":
                        n["params"]["out_channels"] = scale[n["params"]["out_channels"]]
        src = CNN_PROJECT if model == "cnn" else RESNET_PROJECT
        return self.project_copy(src, f"bench-{model}-{batch}", edit)

    def steps_for(self, batch):
        return self.a.steps if batch < 1024 else max(1, self.a.steps // 2)

    def bench(self):
        a, dev = self.a, self.dev
        self.widths = a.widths
        rows = self.results["bench_rows"] = []
        info = self.results["bench"] = {"batches": a.batches, "precisions": a.precisions, "warmup": a.warmup,
                                        "steps": a.steps, "resnet_widths": a.widths, "workers": a.workers,
                                        "engine_timed_epochs": a.engine_timed_epochs,
                                        "python_cudnn_benchmark": not a.no_cudnn_benchmark}
        # MACs from the engine's own analysis; parameters against the Python models (imported here).
        sys.path.insert(0, HERE)
        import gpu_loops
        macs = {}
        for model in ("cnn", "resnet"):
            proj = self.bench_project(model, a.batches[0], 1)
            p = self.cli(["validate", proj])
            m = re.search(r"total: (\d+) parameters .*?, ([\d.]+)([kMG]?) multiply-adds per sample", p.stdout)
            if p.returncode or not m:
                self.check(f"bench_{model}_graph", False, f"validate: exit {p.returncode}: {one_line(p.stdout)}")
                continue
            macs[model] = float(m.group(2)) * {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}[m.group(3)]
            py_params = sum(t.numel() for t in gpu_loops.make_model(model, a.widths).parameters())
            self.check(f"bench_{model}_graph", py_params == int(m.group(1)),
                       f"engine {int(m.group(1))} parameters, Python model {py_params}; "
                       f"{macs[model] / 1e6:.2f}M multiply-adds per sample", multiply_adds=macs[model])
        info["multiply_adds_per_sample"] = macs

        # The Python loops and the peak: one process per batch size (the timed steps differ).
        python, measured = {}, {}
        for i, batch in enumerate(a.batches):
            steps = self.steps_for(batch)
            args = [os.path.join(HERE, "gpu_loops.py"), "train", "--device", dev, "--models", "cnn,resnet",
                    "--sides", "gpu,dataloader", "--layouts", "contiguous,channels_last", "--batches", str(batch),
                    "--precisions", ",".join(a.precisions), "--warmup", str(a.warmup), "--steps", str(steps),
                    "--widths", ",".join(map(str, a.widths)), "--fmnist", a.data, "--workers", str(a.workers),
                    "--samples", str(max(2048, batch * (max(a.warmup, steps) + 1)))]
            args += ["--threads", str(a.threads)] if a.threads else []
            args += ["--peak-size", str(a.peak_size)] if i == 0 else []
            args += ["--no-cudnn-benchmark"] if a.no_cudnn_benchmark else []
            log(f"python loops: batch {batch}")
            q = self.python(args)
            for line in q.stdout.splitlines():
                if line.startswith("{"):
                    r = json.loads(line)
                    if r["kind"] == "peak":
                        measured = r
                    else:
                        python[(r["model"], r["side"], r["batch"], r["precision"], r["channels_last"])] = r
            if q.returncode:
                self.check("bench_python", False, one_line(q.stderr))
        name = measured.get("versions", {}).get("device_name", dev)
        sheet_key, sheet = datasheet_peak(name)
        info["device_name"] = name
        info["peak_tflops_measured"] = {k: measured.get(k + "_tflops") for k in ("fp32_tf32", "bf16")}
        info["peak_matrix_size"] = a.peak_size
        info["peak_tflops_datasheet"] = sheet
        info["datasheet_entry"] = sheet_key

        # The engine, one CLI run per configuration.
        for model in ("cnn", "resnet"):
            layouts = [False, True] if model == "resnet" else [False]
            for batch in a.batches:
                steps = self.steps_for(batch)
                proj = self.bench_project(model, batch, steps)
                for precision in a.precisions:
                    for cl in layouts:
                        extra = ["--epochs", str(1 + a.engine_timed_epochs), "--batch-limit", str(steps),
                                 "--precision", precision]
                        if cl:
                            extra.append("--channels-last")
                        tag = f"bench-{model}-{batch}-{precision}{'-cl' if cl else ''}"
                        log(f"engine: {tag}")
                        p, d = self.train(tag, proj, dev, extra)
                        row = {"model": model, "batch": batch, "precision": precision,
                               "memory": "channels_last" if cl else "contiguous"}
                        if p.returncode == 0 and d:
                            row["engine"], row["engine_window"] = engine_rate(d, batch)
                        else:
                            row["engine"], row["engine_error"] = None, one_line(p.stdout)
                        g = python.get((model, "gpu", batch, precision, cl), {})
                        dl = python.get((model, "dataloader", batch, precision, cl), {})
                        row["python_gpu"] = g.get("samples_per_second")
                        row["python_dataloader"] = dl.get("samples_per_second")
                        for side, r in (("python_gpu", g), ("python_dataloader", dl)):
                            if r.get("error"):
                                row[side + "_error"] = r["error"]
                        if row["engine"] and row["python_gpu"]:
                            row["engine_over_gpu_loop"] = row["engine"] / row["python_gpu"]
                        if model in macs and row["engine"]:
                            flops = 6.0 * macs[model] * row["engine"]
                            row["engine_tflops"] = flops / 1e12
                            key = "bf16" if precision == "bf16" else "fp32_tf32"
                            if info["peak_tflops_measured"].get(key):
                                row["fraction_of_measured_peak"] = row["engine_tflops"] / info["peak_tflops_measured"][key]
                            if sheet:
                                row["fraction_of_datasheet_peak"] = row["engine_tflops"] / sheet[key]
                        rows.append(row)
                        if d and not a.keep:
                            shutil.rmtree(d, ignore_errors=True)
        self.goals()

    def goals(self):
        rows = self.results["bench_rows"]
        g = self.results["goal_results"] = []
        for r in rows:
            if r["memory"] == "contiguous" and r.get("engine_over_gpu_loop") is not None:
                g.append({"goal": f"engine >= {GOALS['engine_over_gpu_loop']}x the data-on-GPU loop",
                          "model": r["model"], "batch": r["batch"], "precision": r["precision"],
                          "value": r["engine_over_gpu_loop"],
                          "met": r["engine_over_gpu_loop"] >= GOALS["engine_over_gpu_loop"]})
        for mem in ("contiguous", "channels_last"):
            for b in self.a.batches:
                pick = {r["precision"]: r for r in rows
                        if r["model"] == "resnet" and r["batch"] == b and r["memory"] == mem}
                if pick.get("fp32", {}).get("engine") and pick.get("bf16", {}).get("engine"):
                    v = pick["bf16"]["engine"] / pick["fp32"]["engine"]
                    g.append({"goal": f"resnet bf16 >= {GOALS['resnet_bf16_over_fp32']}x fp32 (engine)", "model": "resnet",
                              "batch": b, "memory": mem, "value": v, "met": v >= GOALS["resnet_bf16_over_fp32"]})

    # ------------------------------------------------------------------ output
    def table(self):
        rows = self.results.get("bench_rows", [])
        if not rows:
            return ""
        info = self.results["bench"]
        k = lambda v: "-" if v is None else f"{v / 1000:,.1f}k" if v >= 1000 else f"{v:,.0f}"
        pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"
        head = ["model", "batch", "precision", "memory", "engine", "Python, data on GPU", "Python, DataLoader",
                "engine / GPU loop", "engine TFLOP/s", "of measured peak", "of datasheet peak"]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        for r in rows:
            cells = [r["model"], str(r["batch"]), r["precision"], "NHWC" if r["memory"] == "channels_last" else "NCHW",
                     k(r.get("engine")) if r.get("engine") else "failed" if r.get("engine_error") else "-",
                     k(r.get("python_gpu")), k(r.get("python_dataloader")),
                     f"{r['engine_over_gpu_loop']:.2f}x" if r.get("engine_over_gpu_loop") else "-",
                     f"{r['engine_tflops']:.3g}" if r.get("engine_tflops") is not None else "-",
                     pct(r.get("fraction_of_measured_peak")), pct(r.get("fraction_of_datasheet_peak"))]
            lines.append("| " + " | ".join(cells) + " |")
        m = info["peak_tflops_measured"]
        notes = [f"Samples/s; {info['device_name']}; torch.mm peak measured: fp32 (TF32) "
                 f"{m.get('fp32_tf32') or 0:.3g}, bf16 {m.get('bf16') or 0:.3g} TFLOP/s"
                 + (f"; datasheet ({info['datasheet_entry']}, dense): TF32 {info['peak_tflops_datasheet']['fp32_tf32']}, "
                    f"BF16 {info['peak_tflops_datasheet']['bf16']} TFLOP/s" if info["peak_tflops_datasheet"] else
                    "; no datasheet peak known for this device")
                 + ". TFLOP/s = 6 x multiply-adds per sample x samples/s."]
        for g in self.results.get("goal_results", []):
            where = f"{g['model']} batch {g['batch']} {g.get('precision', g.get('memory'))}"
            notes.append(f"goal {g['goal']}: {where}: {g['value']:.2f}x {'met' if g['met'] else 'MISSED'}")
        return "\n".join(lines) + "\n\n" + "\n".join(notes)

    def write(self):
        self.results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        self.results["table_markdown"] = self.table()
        failed = [c["name"] for c in self.checks if c["status"] == "fail"]
        self.results["failed_checks"] = failed
        self.results["passed"] = not failed
        if self.a.out:
            tmp = self.a.out + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.results, f, indent=2)
            os.replace(tmp, self.a.out)
        print("\nchecks:")
        for c in self.checks:
            print(f"  {c['status']:4}  {c['name']}: {c['detail']}")
        if self.results["table_markdown"]:
            print("\n" + self.results["table_markdown"])
        counts = {s: sum(c["status"] == s for c in self.checks) for s in ("pass", "fail", "skip")}
        print(f"\n{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped"
              + (f": {', '.join(failed)}" if failed else "") + (f"; results in {self.a.out}" if self.a.out else ""))
        return 0 if not failed else 1

    def describe(self):
        import torch
        self.py_torch = torch.__version__
        cli_version = self.cli(["--version"]).stdout.strip()
        self.results["environment"] = {
            "date": datetime.date.today().isoformat(), "device": self.dev, "quick": self.a.quick,
            "cli": self.cli_path, "cli_version": cli_version, "onnx_built": self.onnx_built,
            "python": sys.executable, "python_version": platform.python_version(), "torch": torch.__version__,
            "torch_cuda": torch.version.cuda,
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
            "host": platform.node(), "cpus": os.cpu_count()}
        log(f"{cli_version}; Python {platform.python_version()} torch {torch.__version__}; device {self.dev}"
            + (f" ({self.results['environment']['gpu']})" if self.results["environment"]["gpu"] else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True, help="torchwright-cli to check")
    ap.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu (cpu: every path, compared with itself)")
    ap.add_argument("--quick", action="store_true", help="a smoke run: few batches, a narrow ResNet, batch 64 only")
    ap.add_argument("--out", help="the JSON of results")
    ap.add_argument("--data", default=os.environ.get("TORCHWRIGHT_FASHION_MNIST", "/usr/share/datasets/fashion-mnist"),
                    help="Fashion-MNIST's folder (the four .gz files)")
    ap.add_argument("--check-project", help="the project the checks train (default: the Fashion-MNIST sample)")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads for cpu work (0: all)")
    ap.add_argument("--batches", help="benchmark batch sizes, comma-separated (default 64,256,1024; --quick: 64)")
    ap.add_argument("--steps", type=int, help="timed batches per measurement (default 100, half at 1024; --quick: 2)")
    ap.add_argument("--no-cudnn-benchmark", action="store_true",
                    help="the Python loops without torch.backends.cudnn.benchmark (on by default)")
    ap.add_argument("--checks-only", action="store_true")
    ap.add_argument("--bench-only", action="store_true")
    ap.add_argument("--work", help="work folder (default: a temporary one, removed unless --keep)")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    if not os.access(a.cli, os.X_OK):
        sys.exit(f"{a.cli}: not an executable torchwright-cli")
    if not os.path.exists(os.path.join(a.data, "train-images-idx3-ubyte.gz")):
        sys.exit(f"{a.data}: no Fashion-MNIST here (train-images-idx3-ubyte.gz); pass --data DIR")
    # Sizes: the full run on a GPU, or a smoke run (the CTest on cpu).
    a.check_batches = 3 if a.quick else 300
    a.batches = [int(b) for b in a.batches.split(",")] if a.batches else [64] if a.quick else [64, 256, 1024]
    a.precisions = ["fp32", "bf16"]
    a.warmup = 1 if a.quick else 10
    a.engine_timed_epochs = 1 if a.quick else 2  # after one epoch of warm-up
    a.steps = a.steps or (2 if a.quick else 100)
    a.widths = [8, 16, 32] if a.quick else [64, 128, 256]
    a.peak_size = 512 if a.quick else 8192
    a.workers = 0 if a.quick else min(8, os.cpu_count() or 1)
    a.predict_samples = 64 if a.quick else 1000
    a.program_samples = 256 if a.quick else 4096
    g = GpuCheck(a)
    try:
        g.describe()
        if not a.bench_only:
            g.run_checks()
        if not a.checks_only:
            g.guarded("bench", g.bench)
        return g.write()
    finally:
        if not a.keep and not a.work:
            shutil.rmtree(g.work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
