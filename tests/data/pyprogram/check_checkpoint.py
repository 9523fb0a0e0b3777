# Checks a checkpoint written by an exported program against the documented structure.
# Usage: check_checkpoint.py CHECKPOINT PROJECT_NAME EPOCHS NAME,NAME,...
import math, sys
import torch

path, project, epochs, names = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
# Restricted to tensors and plain containers, as the program itself and PyTorch 2.6 load it.
c = torch.load(path, map_location="cpu", weights_only=True)
problems = []
if not isinstance(c, dict):
    problems.append(f"not a dict but {type(c)}")
else:
    if set(c) != {"format", "version", "model", "epoch", "project", "metrics"}:
        problems.append(f"keys {sorted(c)}")
    if c.get("format") != "torchwright-pytorch-checkpoint":
        problems.append(f"format {c.get('format')!r}")
    if c.get("version") != 2:
        problems.append(f"version {c.get('version')!r}")
    if c.get("epoch") != epochs:
        problems.append(f"epoch {c.get('epoch')!r}, expected {epochs}")
    if c.get("project") != project:
        problems.append(f"project {c.get('project')!r}")
    model = c.get("model")
    if type(model) is not dict:
        problems.append(f"model is {type(model)}, not a plain dict")
    else:
        if sorted(model) != sorted(names):
            problems.append(f"model keys {sorted(model)} differ from the engine's {sorted(names)}")
        for k, v in model.items():
            if type(v) is not torch.Tensor or v.device.type != "cpu" or v.requires_grad:
                problems.append(f"model[{k!r}] is not a plain CPU tensor")
    metrics = c.get("metrics")
    if not isinstance(metrics, dict) or set(metrics) != {"loss", "accuracy", "val_loss", "val_accuracy"}:
        problems.append(f"metrics {metrics!r}")
    elif not all(type(v) is torch.Tensor and v.dim() == 0 and v.dtype == torch.float64
                 and math.isfinite(float(v)) for v in metrics.values()):
        problems.append(f"metrics not finite 0-d float64 tensors: {metrics!r}")
print("CHECKPOINT OK" if not problems else "CHECKPOINT PROBLEMS: " + "; ".join(problems), flush=True)
