"""Checks Torchwright's exports with Python's own tools (Debian's python3-torch and python3-onnx).

Usage: /usr/bin/python3 check_exports.py CASES.json

CASES.json lists {"name", "torchscript", "onnx", "input", "expected", "tolerance"} with .npy
files for the batch and the engine's outputs. For each case: torch.jit.load runs the TorchScript
file on the batch, and onnx.checker, the opset, the names, the dynamic batch dimension, the
initializers and the metadata of the ONNX file are checked. Prints one JSON line per check and
exits 1 when any fails.
"""
import json
import sys

import numpy as np
import onnx
import torch


def check_torchscript(case):
    extra = {"torchwright.json": ""}
    module = torch.jit.load(case["torchscript"], _extra_files=extra)
    module.eval()
    meta = json.loads(extra["torchwright.json"] or "{}")
    pre = meta.get("preprocessing", {})
    if not {"format", "scale", "mean", "std"} <= set(pre) or list(meta.get("input_shape", [])) != case["shape"]:
        return False, f"torchwright.json in the archive is incomplete: {meta}"
    x = torch.from_numpy(np.load(case["input"]))
    expected = torch.from_numpy(np.load(case["expected"]))
    with torch.no_grad():
        out = module(x)
    if tuple(out.shape) != tuple(expected.shape):
        return False, f"output shape {tuple(out.shape)}, engine {tuple(expected.shape)}"
    diff = (out - expected).abs().max().item()
    return diff <= case["tolerance"], f"max abs difference {diff:.3g} (tolerance {case['tolerance']})"


def check_onnx(case):
    model = onnx.load(case["onnx"])
    onnx.checker.check_model(model, full_check=True)
    problems = []
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    if opset < 13:
        problems.append(f"opset {opset} < 13")
    inputs = [i.name for i in model.graph.input]
    outputs = [o.name for o in model.graph.output]
    if inputs != ["input"] or outputs != ["logits"]:
        problems.append(f"inputs {inputs}, outputs {outputs}")
    for v in list(model.graph.input) + list(model.graph.output):
        first = v.type.tensor_type.shape.dim[0]
        if not first.dim_param or first.HasField("dim_value"):
            problems.append(f"{v.name}: batch dimension is not dynamic")
    if not model.graph.initializer:
        problems.append("no initializers")
    meta = {p.key: p.value for p in model.metadata_props}
    for key in ("torchwright.class_names", "torchwright.normalization", "torchwright.preprocessing"):
        if key not in meta:
            problems.append(f"metadata {key} missing")
    json.loads(meta.get("torchwright.class_names", "[]"))
    norm = json.loads(meta.get("torchwright.normalization", "{}"))
    if not {"mean", "std", "scale"} <= set(norm):
        problems.append(f"normalization metadata incomplete: {norm}")
    pre = json.loads(meta.get("torchwright.preprocessing", "{}"))
    if not {"format", "scale", "mean", "std"} <= set(pre):
        problems.append(f"preprocessing metadata incomplete: {pre}")
    detail = f"opset {opset}, {len(model.graph.initializer)} initializers, {len(model.graph.node)} nodes"
    return not problems, "; ".join(problems) or detail


def main():
    cases = json.load(open(sys.argv[1]))
    failed = 0
    for case in cases:
        for kind, check in (("torchscript", check_torchscript), ("onnx.checker", check_onnx)):
            if not case.get(kind.split(".")[0]):
                continue
            try:
                ok, detail = check(case)
            except Exception as e:  # a file that does not load is a failed check, with its reason
                ok, detail = False, f"{type(e).__name__}: {e}"
            failed += not ok
            print(json.dumps({"case": case["name"], "check": kind, "ok": ok, "detail": detail}), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
