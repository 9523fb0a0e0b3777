#!/usr/bin/python3
"""Torchwright's benchmarks (issue 5). scripts/bench builds build-bench/ in Release and runs this.

  /usr/bin/python3 bench/run.py --build build-bench [--reps 3] [--quick] [--only SECTION,...]

Sections, in the order they run:
  throughput  1-2. samples/s of the sample CNN and the 784-256-10 MLP, batch 64, Adam, after a
              warm-up, over the same batches: a. torchwright-cli train, b. a hand-written
              LibTorch loop (bench_engine handloop), c. Python PyTorch with torchvision's
              FashionMNIST and a DataLoader (bench/pytorch_train.py). Every thread setting of
              every side, interleaved round by round; each side is then judged at its best.
  matmul      3. the machine's single-precision matrix-multiply peak (large torch::mm), and the
              sample CNN's training FLOP/s (engine multiply-adds x 6 per sample) against it.
  profile     where the CNN's batch time goes: `perf record` over the hand loop, CPU samples per
              library (evidence for 3; not a timed figure; needs perf).
  accuracy    4-5. wall time from `torchwright-cli train` starting to the first epoch whose
              checkpoint reaches 91% test accuracy, and the CLI's peak resident memory then.
  gui         6. the studio window while the sample trains (offscreen): gaps between ticks of
              a 10 ms GUI-thread timer; the loss plot's redraw with 100,000 points.
  startup     7. process start to the main window painted with the sample loaded.

The throughput runs also try a what-if beside side a (not counted as a): the CLI with
OMP_WAIT_POLICY=PASSIVE (--no-experiments leaves it out). a/b comes from adjacent pairs of runs
at each side's best setting (--pairs, 10 by default), as it is smaller than the machine's drift.
a/c too (--ac-pairs, default --pairs): each pair runs a at its best setting beside every Python
setting, and takes PyTorch's fastest of them, so PyTorch has its best threads in every pair.

Prints one table and writes bench/results.json (--out). Each figure is min/median/max over
--reps repetitions (3 by default); every raw value is kept in the JSON.
"""

import argparse
import collections
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"  # Debian's python, which has python3-torch and python3-torchvision
CNN_PROJECT = os.path.join(ROOT, "projects", "fashion_mnist_cnn.json")
MLP_PROJECT = os.path.join(ROOT, "bench", "fashion_mnist_mlp.json")
DATASET = "/usr/share/datasets/fashion-mnist"
BATCH = 64
# glibc malloc told to keep freed memory for reuse: one arena, no mmap()ed chunks, no trimming.
# The same as mallopt(M_ARENA_MAX, 1), mallopt(M_MMAP_MAX, 0), mallopt(M_TRIM_THRESHOLD, ...).
MALLOC_KEEP = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=2000000000"

GOALS = {
    "cnn_a_over_c": (">=", 1.3),
    "cnn_a_over_b": (">=", 0.97),
    "mlp_a_over_c": (">=", 1.5),
    "cnn_efficiency_percent": (">=", 25.0),
    "peak_rss_mb": ("<", 700.0),
    "gui_gap_p99_ms": ("<", 16.0),
    "gui_gap_max_ms": ("<=", 50.0),
    "plot_redraw_ms": ("<", 10.0),
    "startup_ms": ("<", 1500.0),
    "import_images_per_s": (">=", 20000.0),
    "import_cached_s": ("<", 1.0),
    "import_peak_over_tensor": ("<", 1.5),
}


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def cpu_account():
    """CPU seconds so far: the machine's busy time and steal (/proc/stat, all cores), its total
    time (cores x wall), and this process's own with its reaped children's (os.times)."""
    hz = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as f:
        user, nice, system, idle, iowait, irq, softirq, steal = [int(x) for x in f.readline().split()[1:9]]
    t = os.times()
    return {"busy": (user + nice + system + irq + softirq) / hz, "steal": steal / hz,
            "total": (user + nice + system + idle + iowait + irq + softirq + steal) / hz,
            "ours": t.user + t.system + t.children_user + t.children_system}


def other_work(start, end):
    """What else used the cores between two cpu_account()s: busy time that was not ours."""
    d = {k: end[k] - start[k] for k in start}
    other = max(0.0, d["busy"] - d["ours"])
    pct = lambda x: round(100 * x / d["total"], 1) if d["total"] > 0 else 0.0
    return {"other_cpu_seconds": round(other, 1), "other_percent_of_cores": pct(other),
            "steal_percent_of_cores": pct(d["steal"]), "seconds": round(d["total"], 1)}


def summary(values):
    v = [x for x in values if x is not None]
    if not v:
        return {"min": None, "median": None, "max": None, "values": values, "n": 0}
    return {"min": min(v), "median": statistics.median(v), "max": max(v), "values": values, "n": len(v)}


def run_child(cmd, env=None, timeout=900, cwd=None):
    """Runs a command to the end; returns (stdout, None, wall seconds). Raises on failure."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise RuntimeError(f"timed out: {' '.join(cmd)}\n{err[-2000:]}")
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"exit {p.returncode}: {' '.join(cmd)}\n{err[-3000:]}")
    return out, None, wall


def spawn_measured(cmd, env=None, timeout=900):
    """Runs cmd to the end; returns (stdout, stderr, returncode, peak RSS MB, wall s)."""
    t0 = time.perf_counter()
    outf = tempfile.TemporaryFile(mode="w+")
    errf = tempfile.TemporaryFile(mode="w+")
    p = subprocess.Popen(cmd, stdout=outf, stderr=errf, env=env)
    deadline = t0 + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.02)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    outf.seek(0)
    errf.seek(0)
    return outf.read(), errf.read(), p.returncode, ru.ru_maxrss / 1024.0, wall


def page_fault_cost_us(megabytes=256):
    """Microseconds per first touch of a fresh 4 KiB page (anonymous mmap). Freshly allocated
    memory pays this; on some virtual machines it is tens of times the bare-metal cost."""
    import mmap
    best = None
    for _ in range(3):
        size = megabytes << 20
        t0 = time.perf_counter()
        m = mmap.mmap(-1, size)
        for off in range(0, size, 4096):
            m[off] = 1
        dt = time.perf_counter() - t0
        m.close()
        best = dt if best is None else min(best, dt)
    return round(best / (size // 4096) * 1e6, 2)


def resident_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) // 1024
    except (OSError, AttributeError):
        return None


def last_json_line(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no JSON in output:\n" + text[-2000:])


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.cli = os.path.join(self.build, "app", "torchwright-cli")
        self.studio = os.path.join(self.build, "app", "torchwright")
        self.engine = os.path.join(self.build, "bench", "bench_engine")
        self.gui_bin = os.path.join(self.build, "bench", "bench_gui")
        self.scratch = tempfile.mkdtemp(prefix="torchwright-bench-")
        self.tvroot = os.path.join(self.build, "bench-data", "torchvision-root")
        self.results = {}
        self.figures = {}
        self.env = dict(os.environ)
        if args.openblas_detect:
            self.env.pop("OPENBLAS_CORETYPE", None)
        # Scoring checkpoints is not timed; glibc's malloc kept off fresh mmap()s makes it several
        # times quicker where page faults are dear (see docs/benchmarks.md).
        self.eval_env = dict(self.env)
        self.eval_env["GLIBC_TUNABLES"] = MALLOC_KEEP
        # OpenBLAS picking its own kernels (an inherited OPENBLAS_CORETYPE removed): 3's peak.
        self.detected_env = {k: v for k, v in self.env.items() if k != "OPENBLAS_CORETYPE"}
        self.passive_env = dict(self.env)
        self.passive_env["OMP_WAIT_POLICY"] = "PASSIVE"
        # Qt: no display, and the user's settings, recent files and recovery files left alone.
        self.qt_env = dict(self.env)
        self.qt_env["QT_QPA_PLATFORM"] = "offscreen"
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            self.qt_env[var] = os.path.join(self.scratch, var.lower())
            os.makedirs(self.qt_env[var], exist_ok=True)
        self.qt_env.setdefault("XDG_RUNTIME_DIR", os.path.join(self.scratch, "xdg-runtime"))
        os.makedirs(self.qt_env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
        self.cnn = self.project_copy(CNN_PROJECT, "cnn")
        # Throughput runs hold no validation split back: the CLI's epoch then ends without a
        # validation pass (outside the timed batches anyway, but seconds of bench time each),
        # and every side trains on all 60,000 samples, as torchvision's FashionMNIST does.
        self.cnn_tp = self.project_copy(CNN_PROJECT, "cnn-throughput", validation_fraction=0.0)
        self.mlp_tp = self.project_copy(MLP_PROJECT, "mlp-throughput", validation_fraction=0.0)

    def project_copy(self, path, name, validation_fraction=None):
        """The project in a scratch folder (its runs go there), dataset path made absolute."""
        with open(path) as f:
            p = json.load(f)
        if validation_fraction is not None:
            p["dataset"]["validation_fraction"] = validation_fraction
        ds = p["dataset"]["path"]
        if not os.path.isabs(ds):
            p["dataset"]["path"] = os.path.normpath(os.path.join(os.path.dirname(path), ds))
        folder = os.path.join(self.scratch, name)
        os.makedirs(folder, exist_ok=True)
        dst = os.path.join(folder, os.path.basename(path))
        with open(dst, "w") as f:
            json.dump(p, f, indent=2)
        return dst

    def fig(self, key, values, unit, label, extra=None):
        s = summary(values)
        s["unit"] = unit
        s["label"] = label
        if key in GOALS:
            op, goal = GOALS[key]
            s["goal"] = f"{op} {goal:g}"
            med = s["median"]
            s["goal_met"] = None if med is None else {
                ">=": med >= goal, "<": med < goal, "<=": med <= goal}[op]
        if extra:
            s.update(extra)
        self.figures[key] = s
        return s

    # ---------------------------------------------------------------- machine and versions
    def machine(self):
        info = {}
        with open("/proc/cpuinfo") as f:
            cpu = f.read()
        m = re.search(r"model name\s*:\s*(.+)", cpu)
        info["cpu_model"] = m.group(1).strip() if m else platform.processor()
        flags = re.search(r"flags\s*:\s*(.+)", cpu)
        if flags:
            fl = flags.group(1).split()
            info["simd"] = [x for x in ("sse4_2", "avx", "avx2", "fma", "avx512f") if x in fl]
        info["logical_cpus"] = os.cpu_count()
        info["usable_cpus"] = len(os.sched_getaffinity(0))
        with open("/proc/meminfo") as f:
            mem = f.read()
        info["memory_gb"] = round(int(re.search(r"MemTotal:\s*(\d+)", mem).group(1)) / 1024 / 1024, 1)
        info["kernel"] = platform.release()
        try:
            with open("/etc/os-release") as f:
                info["os"] = re.search(r'PRETTY_NAME="([^"]+)"', f.read()).group(1)
        except (OSError, AttributeError):
            info["os"] = platform.platform()
        info["blas_environment"] = {k: v for k, v in os.environ.items()
                                    if k.startswith(("OPENBLAS", "OMP_", "MKL_", "GOMP", "GLIBC_TUNABLES"))}
        info["page_fault_us"] = page_fault_cost_us()
        return info

    def versions(self):
        v = {}
        try:
            v["torchwright_cli"] = subprocess.run([self.cli, "--version"], capture_output=True, text=True).stdout.strip()
        except OSError:
            pass
        pkgs = ["libtorch-dev", "python3-torch", "python3-torchvision", "libqt6core6", "libqcustomplot2.1-qt6",
                "libopenblas0-pthread", "g++"]
        out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Version}\n"] + pkgs, capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            name, _, ver = line.partition(" ")
            v[name] = ver
        v["python"] = platform.python_version()
        try:
            head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                  text=True).stdout.strip()
            dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True).stdout.strip()
            v["git"] = head + ("+changes" if dirty else "")
        except OSError:
            pass
        return v

    # ---------------------------------------------------------------- 1-2 throughput
    def cli_throughput(self, project, threads, warmup, batches, env=None):
        out_dir = tempfile.mkdtemp(dir=self.scratch, prefix="cli-")
        cmd = [self.cli, "train", project, "--epochs", "1", "--batch-limit", str(warmup + batches),
               "--threads", str(threads), "--out", out_dir, "--device", "cpu"]
        out, err, rc, rss, wall = spawn_measured(cmd, env=env or self.env)
        if rc != 0:
            raise RuntimeError(f"torchwright-cli exit {rc}\n{err[-2000:]}")
        run_dir = os.path.join(out_dir, os.listdir(out_dir)[0])
        # Per-batch events: samples_per_second = samples so far / seconds so far in the epoch,
        # so each batch's end time within the epoch is samples / samples_per_second.
        ends = {}
        with open(os.path.join(run_dir, "metrics.jsonl")) as f:
            for line in f:
                e = json.loads(line)
                if e.get("event") == "batch" and e.get("epoch") == 1:
                    ends[e["batch"]] = e["batch"] * BATCH / e["samples_per_second"]
        t = ends[warmup + batches] - ends[warmup]
        per_batch = sorted((ends[i] - ends[i - 1]) * 1000 for i in range(warmup + 1, warmup + batches + 1))
        started = re.search(r"with (\d+) intra-op thread\(s\), (\S+) (\d+) thread", out)
        shutil.rmtree(out_dir, ignore_errors=True)
        return {"samples_per_second": batches * BATCH / t, "seconds": t, "peak_rss_mb": rss, "wall_seconds": wall,
                "batch_ms_median": per_batch[len(per_batch) // 2],
                "threads": {"intra_op": int(started.group(1)) if started else threads,
                            "blas": int(started.group(3)) if started else None}}

    def hand_throughput(self, project, model, threads, blas, warmup, batches, extra=()):
        out, err, rc, rss, wall = spawn_measured(
            [self.engine, "handloop", project, "--model", model, "--threads", str(threads), "--blas", str(blas),
             "--warmup", str(warmup), "--batches", str(batches)] + list(extra), env=self.env)  # extra's --model wins
        if rc != 0:
            raise RuntimeError(f"bench_engine handloop exit {rc}\n{err[-2000:]}")
        r = last_json_line(out)
        r["peak_rss_mb"] = rss
        return r

    def python_throughput(self, model, threads, workers, warmup, batches, blas=0):
        out, err, rc, rss, wall = spawn_measured(
            [PY, os.path.join(ROOT, "bench", "pytorch_train.py"), "--root", self.tvroot, "--source", DATASET,
             "--model", model, "--threads", str(threads), "--workers", str(workers), "--blas", str(blas),
             "--warmup", str(warmup), "--batches", str(batches)], env=self.env)
        if rc != 0:
            raise RuntimeError(f"pytorch_train.py exit {rc}\n{err[-2000:]}")
        r = last_json_line(out)
        r["peak_rss_mb"] = rss
        return r

    def throughput(self):
        a = self.args
        cores = len(os.sched_getaffinity(0))
        threads = sorted({1, cores})
        labels = {"cli": "torchwright-cli", "hand": "hand LibTorch loop", "python": "PyTorch + DataLoader"}
        results = {}
        for model in ("cnn", "mlp"):
            project = self.cnn_tp if model == "cnn" else self.mlp_tp
            w, n = (a.cnn_warmup, a.cnn_batches) if model == "cnn" else (a.mlp_warmup, a.mlp_batches)
            # (side, setting, function): every setting of every side, run once per round.
            configs = []
            for t in threads:
                configs.append(("cli", f"threads={t}",
                                lambda t=t, p=project, w=w, n=n: self.cli_throughput(p, t, w, n)))
            if a.experiments and cores > 1:
                # A what-if, not side a: the CLI with libgomp's idle threads sleeping instead of
                # spinning (OMP_WAIT_POLICY must be set before the process starts).
                configs.append(("cli_passive_experiment", f"threads={cores}",
                                lambda p=project, w=w, n=n: self.cli_throughput(p, cores, w, n, env=self.passive_env)))
            # Both pools at full width oversubscribe the cores (the engine's own note; every run
            # here confirmed it), so the hand loop tries each pool wide with the other at one.
            for t, b in sorted({(1, 1), (1, cores), (cores, 1)}):
                configs.append(("hand", f"threads={t},blas={b}", lambda t=t, b=b, p=project, w=w, n=n, m=model:
                                self.hand_throughput(p, m, t, b, w, n)))
            if a.experiments and model == "cnn":
                # What-ifs between b and a: the hand loop with the engine's own GraphModel, then
                # also counting correct predictions every batch as the trainer does, then also
                # on a worker thread as the engine trains; what is left is the trainer's own.
                for side, extra in (("hand_graph_experiment", ["--model", "graph"]),
                                    ("hand_graph_accuracy_experiment", ["--model", "graph", "--accuracy", "1"]),
                                    ("hand_graph_accuracy_thread_experiment",
                                     ["--model", "graph", "--accuracy", "1", "--worker-thread", "all"])):
                    configs.append((side, f"threads={cores},blas=1", lambda p=project, w=w, n=n, x=extra:
                                    self.hand_throughput(p, "cnn", cores, 1, w, n, x)))
            for t in threads:
                configs.append(("python", f"threads={t},workers=0",
                                lambda t=t, w=w, n=n, m=model: self.python_throughput(m, t, 0, w, n)))
            if cores > 1:
                # OpenBLAS's own pool beside a full-width OpenMP one oversubscribes the cores, as
                # the engine found; PyTorch leaves OpenBLAS at every core unless told.
                configs.append(("python", f"threads={cores},blas=1,workers=0",
                                lambda w=w, n=n, m=model: self.python_throughput(m, cores, 0, w, n, blas=1)))
            if model == "mlp" or a.python_workers_cnn:
                # Where the DataLoader dominates, a worker process can overlap it with training.
                configs.append(("python", "threads=1,workers=1",
                                lambda w=w, n=n, m=model: self.python_throughput(m, 1, 1, w, n)))
            raw = {(side, name): [] for side, name, _ in configs}
            for rep in range(a.reps):
                # Interleaved, every configuration once per round, the order reversed every
                # other round: drift and neighbours hit all sides alike.
                for side, name, fn in (configs if rep % 2 == 0 else list(reversed(configs))):
                    log(f"{model} {side} {name} round {rep + 1}/{a.reps}")
                    raw[(side, name)].append(fn())
            per_side = {}
            for (side, name), runs in raw.items():
                per_side.setdefault(side, {})[name] = {
                    "samples_per_second": summary([r["samples_per_second"] for r in runs]),
                    "threads_in_force": runs[0].get("threads"),
                    "peak_rss_mb": summary([r.get("peak_rss_mb") for r in runs]),
                    "batch_ms_median": summary([r.get("batch_ms_median") for r in runs]),
                    # The same from the median batch: less moved by a neighbour's burst of work.
                    "samples_per_second_from_median_batch": summary(
                        [BATCH * 1000 / r["batch_ms_median"] if r.get("batch_ms_median") else None for r in runs]),
                }
            # Each side at its best setting (by median); ratios taken round by round.
            best = {side: max(per_side[side], key=lambda k: per_side[side][k]["samples_per_second"]["median"])
                    for side in ("cli", "hand", "python")}
            vals = {side: [r["samples_per_second"] for r in raw[(side, best[side])]] for side in best}
            results[model] = {"warmup_batches": w, "measured_batches": n, "batch_size": BATCH,
                              "validation_fraction": 0.0, "configs": per_side, "best": best, "best_values": vals}
            label = model.upper()
            for side, key in (("cli", "a"), ("hand", "b"), ("python", "c")):
                self.fig(f"{model}_{key}_{side}", vals[side], "samples/s",
                         f"{label} {key}. {labels[side]} [{best[side]}]")
            self.fig(f"{model}_a_over_c_rounds", [x / y for x, y in zip(vals["cli"], vals["python"])], "x",
                     f"{label} a/c, round by round (not the figure: rounds are minutes apart)")
            # a/b is a few per cent, smaller than this machine's drift between runs a minute apart
            # (the same program varies 10-20%), so it is taken from adjacent pairs at the best
            # settings, a then b and b then a in turn: each ratio compares runs seconds apart.
            fn = {(side, name): f for side, name, f in configs}
            pair_a, pair_b, peaks = [], [], []
            for i in range(a.pairs):
                order = [("cli", pair_a), ("hand", pair_b)]
                for side, store in (order if i % 2 == 0 else list(reversed(order))):
                    log(f"{model} a/b pair {i + 1}/{a.pairs}: {side} {best[side]}")
                    store.append(fn[(side, best[side])]()["samples_per_second"])
                if model == "cnn" and "matmul" in a.sections:
                    # 3's peak beside each pair, so that efficiency too compares runs seconds apart.
                    peaks.append(self.matmul_rate(self.detected_env, cores, a.matmul_size))
            results[model]["ab_pairs"] = {"a": pair_a, "b": pair_b, "settings": {"a": best["cli"], "b": best["hand"]}}
            if peaks:
                results[model]["ab_pairs"]["matmul_gflops"] = peaks
                results[model]["ab_pairs"]["matmul_setting"] = f"blas={cores},coretype=detected"
            self.fig(f"{model}_a_over_b", [x / y for x, y in zip(pair_a, pair_b)], "x",
                     f"{label} a/b, {a.pairs} adjacent pair{'s' if a.pairs != 1 else ''}",
                     {"a_samples_per_second": summary(pair_a), "b_samples_per_second": summary(pair_b)})
            # a/c the same way: adjacent pairs, a then c and c then a in turn. PyTorch gets its best
            # thread setting in each pair: every Python setting runs beside a, and the pair's c is
            # the fastest of them (PyTorch's best setting drifts with the machine as a's does).
            py_settings = [name for side, name, _ in configs if side == "python"]
            pair_ac_a, pair_ac_c, pair_ac_c_setting = [], [], []
            for i in range(a.ac_pairs):
                def run_c():
                    got = {}
                    for name in py_settings:
                        log(f"{model} a/c pair {i + 1}/{a.ac_pairs}: python {name}")
                        got[name] = fn[("python", name)]()["samples_per_second"]
                    top = max(got, key=got.get)
                    pair_ac_c.append(got[top])
                    pair_ac_c_setting.append(top)

                def run_a():
                    log(f"{model} a/c pair {i + 1}/{a.ac_pairs}: cli {best['cli']}")
                    pair_ac_a.append(fn[("cli", best["cli"])]()["samples_per_second"])

                for step in ((run_a, run_c) if i % 2 == 0 else (run_c, run_a)):
                    step()
            results[model]["ac_pairs"] = {"a": pair_ac_a, "c": pair_ac_c, "c_settings": pair_ac_c_setting,
                                          "settings": {"a": best["cli"], "c": "the fastest of " + ", ".join(py_settings)}}
            self.fig(f"{model}_a_over_c", [x / y for x, y in zip(pair_ac_a, pair_ac_c)], "x",
                     f"{label} a/c, {a.ac_pairs} adjacent pair{'s' if a.ac_pairs != 1 else ''}",
                     {"a_samples_per_second": summary(pair_ac_a), "c_samples_per_second": summary(pair_ac_c),
                      "c_best_settings": {n: pair_ac_c_setting.count(n) for n in sorted(set(pair_ac_c_setting))}})
            for side, what in (("cli_passive_experiment", "CLI, OMP_WAIT_POLICY=passive"),
                               ("hand_graph_experiment", "hand loop, the engine's GraphModel"),
                               ("hand_graph_accuracy_experiment", "... + accuracy every batch"),
                               ("hand_graph_accuracy_thread_experiment", "... + on a worker thread")):
                key = next(((sd, nm) for sd, nm in raw if sd == side), None)
                if key in raw:
                    v = [r["samples_per_second"] for r in raw[key]]
                    same = [r["samples_per_second"] for r in raw[("cli", f"threads={cores}")]]
                    self.fig(f"{model}_{side}", v, "samples/s", f"{label} what-if: {what} [threads={cores}]",
                             {"over_cli_same_threads": summary([x / y for x, y in zip(v, same)]),
                              "over_b": summary([x / y for x, y in zip(v, vals["hand"])])})
        self.results["throughput"] = results

    # ---------------------------------------------------------------- 3 matmul / efficiency
    def matmul_rate(self, env, blas, size):
        out, _, _ = run_child([self.engine, "matmul", "--threads", str(blas), "--blas", str(blas),
                               "--size", str(size), "--reps", "3"], env=env)
        return last_json_line(out)["gflops_max"]

    def matmul(self):
        a = self.args
        cores = len(os.sched_getaffinity(0))
        # torch::mm on CPU floats is OpenBLAS's sgemm, on OpenBLAS's own threads. An inherited
        # OPENBLAS_CORETYPE (this kind of machine sets Haswell) pins its kernels to AVX2; the
        # machine's peak is the best of that and OpenBLAS's own CPU detection.
        envs = {"inherited": self.env}
        if "OPENBLAS_CORETYPE" in self.env:
            envs["detected"] = self.detected_env
        configs = [(e, b) for e in envs for b in sorted({1, cores})]
        raw = {c: [] for c in configs}
        for rep in range(a.reps):
            for e, b in configs:
                log(f"matmul blas={b} ({e} OpenBLAS core type) round {rep + 1}/{a.reps}")
                raw[(e, b)].append(self.matmul_rate(envs[e], b, a.matmul_size))
        name = lambda e, b: f"blas={b},coretype=" + (self.env.get("OPENBLAS_CORETYPE", "detected")
                                                      if e == "inherited" else "detected")
        per = {name(e, b): summary(v) for (e, b), v in raw.items()}
        best_cfg = max(configs, key=lambda c: statistics.median(raw[c]))
        best, best_vals = name(*best_cfg), raw[best_cfg]
        self.fig("matmul_peak_gflops", best_vals, "GFLOP/s", f"sgemm peak, torch::mm {a.matmul_size}^2 [{best}]")
        inherited_best = max((c for c in configs if c[0] == "inherited"), key=lambda c: statistics.median(raw[c]))
        if inherited_best != best_cfg:
            self.fig("matmul_inherited_gflops", raw[inherited_best], "GFLOP/s",
                     f"sgemm, the OpenBLAS every side ran with [{name(*inherited_best)}]")
        macs = last_json_line(run_child([self.engine, "macs", self.cnn], env=self.env)[0])
        res = {"size": a.matmul_size, "configs": per, "best": best, "cnn_multiply_adds_per_sample":
               macs["multiply_adds_per_sample"], "cnn_layers_multiply_adds": macs["layers"],
               "flop_convention": "training FLOPs per sample = 3 passes (forward, backward to inputs, "
                                  "backward to weights) x 2 FLOPs per multiply-add x the engine's forward count"}
        tp = self.results.get("throughput", {}).get("cnn")
        if tp:
            pairs = tp.get("ab_pairs", {})
            if pairs.get("matmul_gflops"):
                # Each CLI run of the a/b pairs against the peak measured right after it.
                cli, peaks, how = pairs["a"], pairs["matmul_gflops"], "a/b pairs, each with the peak beside it"
                self.fig("matmul_peak_beside_pairs_gflops", peaks, "GFLOP/s",
                         f"sgemm peak beside each a/b pair [{pairs['matmul_setting']}]")
            else:
                cli, peaks, how = tp["best_values"]["cli"], best_vals, "rounds of 1a against the rounds above"
            flops = [s * 6 * macs["multiply_adds_per_sample"] / 1e9 for s in cli]
            eff = [100 * f / p for f, p in zip(flops, peaks)]
            self.fig("cnn_training_gflops", flops, "GFLOP/s", "CNN training rate (a, engine count)")
            self.fig("cnn_efficiency_percent", eff, "%", "CNN training / matmul peak", {"from": how})
        self.results["matmul"] = res

    def profile(self):
        """Where the CNN's batch time goes: `perf record` over the hand loop (the same model and
        operators as the engine's), CPU samples per library. LibTorch's own autograd profiler
        is no help here: its bookkeeping makes the operators fault in fresh pages (about 3,600
        per batch), which on this kind of machine quadruples the batch time it reports."""
        perf = shutil.which("perf")
        if not perf:
            log("profile: perf is not installed (apt-get install linux-perf); skipped")
            return
        cores = len(os.sched_getaffinity(0))
        data = os.path.join(self.scratch, "perf.data")
        seconds = 2 if self.args.quick else 8
        log(f"profile: CNN hand loop, threads={cores}, {seconds} s of training under perf record")
        # Sampled while it trains only: data loading and start-up stay out of the picture.
        child = subprocess.Popen([self.engine, "handloop", self.cnn_tp, "--model", "cnn", "--threads", str(cores),
                                  "--blas", "1", "--warmup", "20", "--batches", "1000000"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=self.env)
        try:
            for line in child.stderr:
                if line.strip() == "measuring":
                    break
            p = subprocess.run([perf, "record", "-q", "-F", "999", "-o", data, "-p", str(child.pid), "--",
                                "sleep", str(seconds)], capture_output=True, text=True)
        finally:
            child.kill()
            child.wait()
        if p.returncode != 0:
            log(f"profile: perf record failed ({p.stderr.strip()[-200:]}); skipped")
            return
        rep = subprocess.run([perf, "report", "-i", data, "--stdio", "--sort", "dso", "--no-children"],
                             capture_output=True, text=True).stdout
        kinds = {
            "JIT": "oneDNN's generated convolution kernels (the multiply-adds)",
            "libtorch_cpu": "ATen CPU operators: ReLU, max-pool, their backward, zero fills, Adam, ...",
            "libgomp": "OpenMP threads waiting at the ends of parallel regions",
            "kernel": "the kernel: page faults on freshly mapped memory, munmap",
            "libc": "memcpy/memset, malloc",
            "libopenblas": "OpenBLAS sgemm: the Linear layers",
            "libdnnl": "oneDNN outside its generated kernels (reorders, set-up)",
        }
        shares = collections.OrderedDict()
        for line in rep.splitlines():
            m = re.match(r"\s*([\d.]+)%\s+(.+?)\s*$", line)
            if not m:
                continue
            dso = m.group(2)
            key = next((k for k in kinds if k in dso or (k == "kernel" and dso.startswith("[kernel"))), "other")
            shares[key] = shares.get(key, 0.0) + float(m.group(1))
        self.results["profile_cnn"] = {
            "method": f"perf record -F 999 for {seconds} s of bench_engine handloop (CNN, threads={cores}, "
                      "OpenBLAS 1) after its warm-up; CPU samples per shared library",
            "percent_of_cpu_samples": {k: round(v, 1) for k, v in sorted(shares.items(), key=lambda kv: -kv[1])},
            "what": kinds,
        }

    # ---------------------------------------------------------------- 4-5 time to accuracy, memory
    def time_to_accuracy_once(self, target, max_epochs, env=None):
        out_dir = tempfile.mkdtemp(dir=self.scratch, prefix="tta-")
        cmd = [self.cli, "train", self.cnn, "--epochs", str(max_epochs), "--out", out_dir, "--device", "cpu"]
        logf = open(os.path.join(out_dir, "cli.log"), "w")
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, env=env or self.env)
        paused = 0.0
        seen = 0
        epochs = []
        reached = None
        ru = None
        timeline = []  # (seconds since launch, resident MB), every ~250 ms
        while True:
            pid, status, ru_ = os.wait4(p.pid, os.WNOHANG)
            if pid:
                ru = ru_
                break
            now = time.perf_counter() - t0
            if not timeline or now - timeline[-1][0] >= 0.25:
                rss = resident_mb(p.pid)
                if rss is not None:
                    timeline.append((round(now, 2), rss))
            runs = [d for d in os.listdir(out_dir) if os.path.isdir(os.path.join(out_dir, d))]
            if runs:
                run_dir = os.path.join(out_dir, runs[0])
                last = os.path.join(run_dir, "last.json")
                epoch, val_acc = 0, None
                if os.path.exists(last):
                    try:
                        with open(last) as f:
                            info = json.load(f)
                        epoch, val_acc = info["epoch"], info.get("val_accuracy")
                    except (OSError, ValueError, KeyError):
                        epoch = 0
                if epoch > seen and reached is None:
                    t_epoch = time.perf_counter() - t0 - paused
                    seen = epoch
                    if val_acc is not None and val_acc < target - 0.015:
                        # Far from the target on the validation split: not worth scoring.
                        epochs.append({"epoch": epoch, "seconds": t_epoch, "val_accuracy": val_acc,
                                       "test_accuracy": None})
                        log(f"  epoch {epoch}: {t_epoch:.1f} s, validation accuracy {val_acc * 100:.2f}%")
                    else:
                        # The epoch's checkpoint is written: freeze training, score it, go on.
                        stop_at = time.perf_counter()
                        os.kill(p.pid, signal.SIGSTOP)
                        shutil.copyfile(os.path.join(run_dir, "last.pt"), os.path.join(run_dir, f"epoch{epoch}.pt"))
                        out, _, _ = run_child([self.engine, "evaluate", run_dir, f"epoch{epoch}"], env=self.eval_env)
                        acc = last_json_line(out)["evaluations"][0]["accuracy"]
                        os.kill(p.pid, signal.SIGCONT)
                        paused += time.perf_counter() - stop_at
                        epochs.append({"epoch": epoch, "seconds": t_epoch, "val_accuracy": val_acc,
                                       "test_accuracy": acc})
                        log(f"  epoch {epoch}: {t_epoch:.1f} s, test accuracy {acc * 100:.2f}%")
                        if acc >= target:
                            reached = epochs[-1]
                            os.kill(p.pid, signal.SIGINT)  # stops after the current batch
            time.sleep(0.01)
        logf.close()
        metrics = []
        runs = [d for d in os.listdir(out_dir) if os.path.isdir(os.path.join(out_dir, d))]
        if runs:
            with open(os.path.join(out_dir, runs[0], "metrics.jsonl")) as f:
                metrics = [json.loads(l) for l in f if '"epoch"' in l and '"event":"epoch"' in l.replace(" ", "")]
        shutil.rmtree(out_dir, ignore_errors=True)
        return {"reached": reached, "epochs": epochs, "peak_rss_mb": ru.ru_maxrss / 1024.0,
                "rss_timeline_first_epoch": [x for x in timeline if not epochs or x[0] <= epochs[0]["seconds"] + 1],
                "epoch_samples_per_second": [m.get("samples_per_second") for m in metrics]}

    def accuracy(self):
        a = self.args
        runs = []
        for rep in range(a.tta_reps):
            log(f"time to {a.target * 100:g}% test accuracy, round {rep + 1}/{a.tta_reps}")
            runs.append(self.time_to_accuracy_once(a.target, a.max_epochs))
            if rep > 0:
                runs[-1].pop("rss_timeline_first_epoch", None)
        secs = [r["reached"]["seconds"] if r["reached"] else None for r in runs]
        self.fig("time_to_91_s", secs, "s", f"CNN time to {a.target * 100:g}% test acc. (CLI, default threads)",
                 {"epochs_needed": [r["reached"]["epoch"] if r["reached"] else None for r in runs]})
        self.fig("peak_rss_mb", [r["peak_rss_mb"] for r in runs], "MB", "CNN peak RSS, torchwright-cli train")
        self.fig("cnn_full_epoch_sps", [statistics.median(r["epoch_samples_per_second"]) for r in runs
                                        if r["epoch_samples_per_second"]], "samples/s",
                 "CNN full epochs, CLI default threads")
        self.results["accuracy"] = {"target": a.target, "max_epochs": a.max_epochs, "runs": runs,
                                    "method": "wall time from launching torchwright-cli train (default settings) to "
                                              "the epoch checkpoint written, with the pauses to score each epoch's "
                                              "checkpoint on the test split (training frozen by SIGSTOP) left out"}

    # ---------------------------------------------------------------- 6 gui
    def gui(self):
        a = self.args
        ticks, thin, plots = [], [], []
        for rep in range(a.reps):
            # A fresh project copy each time, so every run starts alike.
            project = self.project_copy(CNN_PROJECT, f"gui{rep}")
            variants = [(ticks, [])]
            if a.experiments:
                variants.append((thin, ["--thin-pens", "1"]))
            for store, extra in (variants if rep % 2 == 0 else list(reversed(variants))):
                log(f"gui ticks while training{' (what-if: 1-pixel pens)' if extra else ''}, round {rep + 1}/{a.reps}")
                shutil.rmtree(os.path.join(os.path.dirname(project), "runs"), ignore_errors=True)
                out, _, _ = run_child([self.gui_bin, "ticks", project, "--seconds", str(a.gui_seconds)] + extra,
                                      env=self.qt_env)
                store.append(last_json_line(out))
            log(f"gui plot redraw, round {rep + 1}/{a.reps}")
            out, _, _ = run_child([self.gui_bin, "plot", project, "--points", "100000", "--reps", "10"], env=self.qt_env)
            plots.append(last_json_line(out))
        self.fig("gui_gap_p99_ms", [t["gap_p99_ms"] for t in ticks], "ms", "GUI 10 ms timer: p99 gap, training")
        self.fig("gui_gap_max_ms", [t["gap_max_ms"] for t in ticks], "ms", "GUI 10 ms timer: longest gap")
        self.fig("gui_replot_ms", [t["replot_ms_median"] for t in ticks], "ms",
                 "Dashboard plot redraws meanwhile (median)")
        self.fig("studio_sps", [t["studio_samples_per_second"] for t in ticks], "samples/s",
                 "CNN training in the studio (same run)")
        if thin:
            self.fig("gui_thin_gap_p99_ms", [t["gap_p99_ms"] for t in thin], "ms",
                     "what-if, 1-pixel pens: p99 gap")
            self.fig("gui_thin_gap_max_ms", [t["gap_max_ms"] for t in thin], "ms",
                     "what-if, 1-pixel pens: longest gap")
        self.fig("plot_redraw_ms", [p["replot_ms_median"] for p in plots], "ms",
                 "Loss plot redraw, 2 x 100,000 points (median of 10)",
                 {"slowest_single_redraw_ms": max(p["replot_ms_max"] for p in plots)})
        self.fig("plot_redraw_thin_ms", [p["breakdown"]["smoothed_pen_1px_ms_median"] for p in plots], "ms",
                 "what-if, smoothed curve 1-pixel pen: redraw")
        self.results["gui"] = {"ticks": ticks, "ticks_thin_pens": thin, "plot": plots}

    # ---------------------------------------------------------------- 7 startup
    def imports(self):
        """The image-folder import on Fashion-MNIST as 70,000 PNG files (scripts/make-image-folder):
        a first open that decodes every file, then a cached re-open, each in a fresh process."""
        a = self.args
        run_child(["/usr/bin/python3", os.path.join(ROOT, "scripts", "make-image-folder")])
        with open(os.path.join(ROOT, "projects", "fashion_mnist_png_cnn.json")) as f:
            p = json.load(f)
        p["dataset"]["path"] = os.path.join(ROOT, "data", "fashion_mnist_png")
        folder = os.path.join(self.scratch, "imports")
        os.makedirs(folder, exist_ok=True)
        project = os.path.join(folder, "fashion_mnist_png_cnn.json")
        with open(project, "w") as f:
            json.dump(p, f, indent=2)
        fresh, cached, peak, runs = [], [], [], []
        for rep in range(a.reps):
            for mode in ("1", "0"):
                out, _, _ = run_child([self.engine, "import", project, "--fresh", mode])
                r = last_json_line(out)
                runs.append(dict(r, fresh=mode == "1"))
                if mode == "1":
                    fresh.append(r["images_per_s"])
                    peak.append(r["peak_over_tensor"])
                else:
                    cached.append(r["seconds"])
                log(f"import round {rep + 1}/{a.reps} ({'decode' if mode == '1' else 'cached'}): "
                    f"{r['images']} images in {r['seconds']:.2f} s ({r['images_per_s']:,.0f}/s), "
                    f"peak +{r['import_peak_mb']:.0f} MB for {r['tensor_mb']:.0f} MB of images")
        self.fig("import_images_per_s", fresh, "images/s", "Image-folder import, decoding 70,000 PNGs")
        self.fig("import_cached_s", cached, "s", "Image-folder re-open from the cache")
        self.fig("import_peak_over_tensor", peak, "x", "Import peak memory over the decoded tensor")
        self.results["imports"] = {"method": "bench_engine import: the image_folder reader's train and test splits "
                                             "in a fresh process; peak = VmHWM after minus VmRSS "
                                             "before, over the uint8 tensor's size",
                                   "runs": runs}

    def startup(self):
        a = self.args
        project = self.project_copy(CNN_PROJECT, "startup")
        inside, outside = [], []
        for rep in range(a.reps + 1):
            t0 = time.perf_counter()
            out, _, _ = run_child([self.studio, "--startup-time", project], env=self.qt_env)
            wall = (time.perf_counter() - t0) * 1000
            m = re.search(r"startup_ms ([\d.]+)", out)
            if rep == 0:
                continue  # warms the page cache for the libraries; not counted
            inside.append(float(m.group(1)) if m else None)
            outside.append(wall)
            log(f"startup round {rep}/{a.reps}: {inside[-1]} ms (process exit seen after {wall:.0f} ms)")
        self.fig("startup_ms", inside, "ms", "Start-up to window painted, sample loaded",
                 {"including_exit_ms": summary(outside)})
        self.results["startup"] = {"method": "the studio's --startup-time: /proc/self/stat start time to the "
                                             "first paint of the main window (offscreen), after one uncounted "
                                             "run that warms the file cache",
                                   "in_process_ms": inside, "launch_to_exit_ms": outside}


def fmt(v, unit):
    if v is None:
        return "-"
    if unit in ("samples/s", "images/s"):
        return f"{v:,.0f}"
    if unit == "x":
        return f"{v:.2f}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.1f}"


def table(figures):
    rows = [("Figure", "min", "median", "max", "unit", "goal", "")]
    for key, f in figures.items():
        met = f.get("goal_met")
        rows.append((f["label"], fmt(f["min"], f["unit"]), fmt(f["median"], f["unit"]), fmt(f["max"], f["unit"]),
                     f["unit"], f.get("goal", ""), "" if met is None else ("met" if met else "MISSED")))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(widths[j]) if j == 0 or j >= 4 else c.rjust(widths[j])
                                       for j, c in enumerate(r)) + " |")
        if i == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results.json"))
    ap.add_argument("--reps", type=int, default=None, help="rounds of every figure (default 3; --quick: 1)")
    ap.add_argument("--tta-reps", type=int, default=None, help="time-to-accuracy runs (default: --reps)")
    ap.add_argument("--only", default="throughput,matmul,profile,accuracy,gui,startup")
    ap.add_argument("--quick", action="store_true", help="a smoke test: 1 round, few batches; not for figures")
    ap.add_argument("--cnn-warmup", type=int, default=20)
    ap.add_argument("--cnn-batches", type=int, default=200)
    ap.add_argument("--mlp-warmup", type=int, default=50)
    ap.add_argument("--mlp-batches", type=int, default=500)
    ap.add_argument("--pairs", type=int, default=None, help="adjacent a/b pairs per model (default 10; --quick: 1)")
    ap.add_argument("--ac-pairs", type=int, default=None,
                    help="adjacent a/c pairs per model, every Python setting in each (default: --pairs)")
    ap.add_argument("--no-experiments", dest="experiments", action="store_false",
                    help="leave out the what-if runs (the CLI with OMP_WAIT_POLICY=PASSIVE, 1-pixel pens)")
    ap.add_argument("--openblas-detect", action="store_true",
                    help="run every side without an inherited OPENBLAS_CORETYPE (OpenBLAS picks its kernels)")
    ap.add_argument("--python-workers-cnn", action="store_true", help="also try a DataLoader worker for the CNN")
    ap.add_argument("--matmul-size", type=int, default=4096)
    ap.add_argument("--target", type=float, default=0.91)
    ap.add_argument("--max-epochs", type=int, default=8)
    ap.add_argument("--gui-seconds", type=float, default=20)
    args = ap.parse_args()
    if args.reps is None:
        args.reps = 1 if args.quick else 3
    if args.pairs is None:
        args.pairs = 1 if args.quick else 10
    if args.ac_pairs is None:
        args.ac_pairs = args.pairs
    if args.pairs < 1 or args.reps < 1 or args.ac_pairs < 1:
        ap.error("--reps, --pairs and --ac-pairs must be at least 1")
    if args.quick:
        args.cnn_warmup, args.cnn_batches = 5, 20
        args.mlp_warmup, args.mlp_batches = 10, 50
        args.matmul_size = 1024
        args.gui_seconds = 3
        args.max_epochs = 1
    if args.tta_reps is None:
        args.tta_reps = args.reps
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    args.sections = sections

    b = Bench(args)
    # The load average is no test of an idle machine here (this kind of VM shows 1-2 with every
    # core idle); the cores' own busy time is. Two quiet seconds first, then the whole run.
    before = cpu_account()
    time.sleep(2)
    idle_check = other_work(before, cpu_account())
    started = time.time()
    load_start = loadavg()
    account_start = cpu_account()
    log(f"scratch folder {b.scratch}; other work on the cores before the run: "
        f"{idle_check['other_percent_of_cores']}%; load average {load_start}")
    try:
        for s in ("throughput", "matmul", "profile", "accuracy", "gui", "startup", "imports"):
            if s in sections:
                getattr(b, s)()
    finally:
        shutil.rmtree(b.scratch, ignore_errors=True)
    load_end = loadavg()
    during = other_work(account_start, cpu_account())
    out = {
        "generated": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "duration_seconds": round(time.time() - started, 1),
        "command": " ".join(sys.argv),
        "quick": args.quick,
        "repetitions": args.reps,
        "load_average": {"start": load_start, "end": load_end},
        "other_work": {"before_run": idle_check, "during_run": during,
                       "note": "CPU time on the machine's cores that was neither this benchmark's nor its "
                               "programs' (from /proc/stat and os.times), as a share of all cores' time"},
        "machine": b.machine(),
        "versions": b.versions(),
        "thread_settings": {
            "cli": "torchwright-cli train --threads N: LibTorch intra-op (OpenMP) threads N, OpenBLAS 1 "
                   "(the engine's configureThreads); N = 1 and all cores tried",
            "hand": "bench_engine handloop: at::set_num_threads(N) and openblas_set_num_threads(B); "
                    "every N, B in {1, cores} tried",
            "python": "torch.set_num_threads(N) with OpenBLAS at its default (all cores), N = 1 and all "
                      "cores; also all cores with OpenBLAS at 1; DataLoader num_workers 0 (the article's "
                      "way), and for the MLP also 1 worker. In each a/c pair every one of them runs beside a "
                      "and the fastest counts",
        },
        "figures": b.figures,
        "details": b.results,
    }
    if not args.quick or args.out != os.path.join(ROOT, "bench", "results.json"):
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")
        log(f"wrote {args.out}")
    else:
        log("--quick: bench/results.json left as it was (pass --out to keep these figures)")
    print()
    print(table(b.figures))
    print()
    print(f"{out['machine']['cpu_model']}, {out['machine']['usable_cpus']} cores, {out['machine']['memory_gb']} GB; "
          f"LibTorch {out['versions'].get('libtorch-dev', '?')}, Qt {out['versions'].get('libqt6core6', '?')}; "
          f"{out['duration_seconds']:.0f} s; other work on the cores: {idle_check['other_percent_of_cores']}% "
          f"before the run, {during['other_percent_of_cores']}% during it ({during['other_cpu_seconds']} CPU s), "
          f"steal {during['steal_percent_of_cores']}%")
    if idle_check["other_percent_of_cores"] > 10 or during["other_percent_of_cores"] > 5:
        print("note: other work shared the cores; the figures carry that noise")
    prof = b.results.get("profile_cnn")
    if prof:
        print("Where a CNN training batch's CPU time goes (perf over the hand loop):")
        for k, v in prof["percent_of_cpu_samples"].items():
            print(f"  {v:5.1f}%  {prof['what'].get(k, 'other')}")
    best = {m: v["best"] for m, v in b.results.get("throughput", {}).items()}
    if best:
        print("best settings:", "; ".join(f"{m}: " + ", ".join(f"{s} {c}" for s, c in v.items())
                                          for m, v in best.items()))


if __name__ == "__main__":
    main()
