# Loads what the engine writes for Python with torch.load(..., weights_only=True), the restricted
# unpickler that PyTorch 2.6 and later use by default, and hands the tensors back to tst_pyprogram
# as Python's own torch.save writes them, so the C++ side can compare names, dtypes, shapes and
# values with the engine's. Also checks that the exported program loads every file it reads
# (weights.pt, data.pt, its own checkpoint) that way and refuses a file that would run code.
# Usage: check_safe_load.py ODD_IN ODD_OUT PROGRAM_DIR OUT_DIR
# Prints "ODD_KEYS [...]", "ODD_META {...}", "ZIP [...]", "LOAD_CALLS [...]" and "SAFE LOAD OK" or the problems.
import functools, importlib.util, json, os, sys, zipfile
import torch

odd_in, odd_out, program_dir, out_dir = sys.argv[1:5]
problems = []


def expect(ok, what):
    if not ok:
        problems.append(what)


def safe_load(path):
    return torch.load(path, map_location="cpu", weights_only=True)


def plain_tensors(d, what):
    expect(type(d) is dict, f"{what}: a {type(d).__name__}, not a plain dict")
    for k, v in d.items():
        expect(type(v) is torch.Tensor and v.device.type == "cpu" and not v.requires_grad,
               f"{what}[{k!r}] is not a plain CPU tensor")


# The odd tensors: views, channels-last, empty, 0-d, every dtype.
odd = safe_load(odd_in)
plain_tensors(odd, odd_in)
print("ODD_KEYS " + json.dumps(list(odd.keys())), flush=True)
print("ODD_META " + json.dumps({k: [str(v.dtype), list(v.shape)] for k, v in odd.items()}), flush=True)
# Handed back without sizes of 2^31 and more, which LibTorch's unpickler cannot read from Python's
# pickle (a LONG1 shorter than 8 bytes).
torch.save({k: v for k, v in odd.items() if max(v.shape, default=0) < 2**31}, odd_out)

# The archive is laid out as torch.save lays it out.
print("ZIP " + json.dumps(zipfile.ZipFile(os.path.join(program_dir, "weights.pt")).namelist()), flush=True)

# The program, with torch.load watched.
calls = []
real_load = torch.load


@functools.wraps(real_load)  # keeps the signature the program looks at
def watched_load(*args, **kwargs):
    calls.append(kwargs.get("weights_only"))
    return real_load(*args, **kwargs)


torch.load = watched_load
spec = importlib.util.spec_from_file_location("program", os.path.join(program_dir, "train.py"))
program = importlib.util.module_from_spec(spec)
spec.loader.exec_module(program)

weights = program.read_weights(os.path.join(program_dir, "weights.pt"))
plain_tensors(weights, "weights.pt")
torch.save(dict(weights), os.path.join(out_dir, "weights_py.pt"))
model = program.build_model()
program.load_weights(model, os.path.join(program_dir, "weights.pt"))

train_x, train_y, test_x, test_y = program.load_raw(program_dir)
torch.save({"train_inputs": train_x, "train_labels": train_y, "test_inputs": test_x, "test_labels": test_y},
           os.path.join(out_dir, "data_py.pt"))
plain_tensors(safe_load(os.path.join(program_dir, "data.pt")), "data.pt")

# Its own checkpoint loads the same way and continues training (--weights checkpoint.pt).
checkpoint = os.path.join(out_dir, "checkpoint.pt")
program.save_checkpoint(model, checkpoint, 3, {"loss": 0.25, "accuracy": 0.5, "val_loss": 0.75,
                                               "val_accuracy": float("nan")})
c = safe_load(checkpoint)
expect(c["format"] == "torchwright-pytorch-checkpoint" and c["version"] == 2 and c["epoch"] == 3,
       f"checkpoint header {c['format']!r} {c['version']!r} {c['epoch']!r}")
expect(float(c["metrics"]["val_loss"]) == 0.75 and c["metrics"]["loss"].dtype == torch.float64,
       f"checkpoint metrics {c['metrics']!r}")
state = program.read_weights(checkpoint)
expect(sorted(state) == sorted(model.state_dict()), "the checkpoint's model differs from the program's")
expect(all(torch.equal(state[k], v) for k, v in model.state_dict().items()),
       "the checkpoint's tensors differ from the model's")

# A file that would run code when unpickled is refused with a one-line reason, and runs nothing.
marker = os.path.join(out_dir, "ran")


class RunsCode:
    def __reduce__(self):
        return (open, (marker, "w"))


unsafe = os.path.join(out_dir, "unsafe.pt")
torch.save({"conv1.weight": torch.zeros(1), "hook": RunsCode()}, unsafe)
try:
    program.read_weights(unsafe)
    problems.append("a file that runs code was loaded")
except program.ProgramError as e:
    print(f"refused: {e}", flush=True)
    expect(str(e).startswith(unsafe + ": torch.load(weights_only=True) refuses it"), f"refusal {e}")
expect(not os.path.exists(marker), "loading the unsafe file ran its code")

torch.load = real_load
print("LOAD_CALLS " + json.dumps(calls), flush=True)
expect(calls and all(w is True for w in calls), f"torch.load calls with weights_only {calls}")
print("SAFE LOAD OK" if not problems else "SAFE LOAD PROBLEMS: " + "; ".join(problems), flush=True)
