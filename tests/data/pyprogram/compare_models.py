# Loads each exported program's model with its weights.pt and compares it with the engine's
# outputs written as .npy by tst_pyprogram; prints "RESULT {json}" per row.
# Usage: compare_models.py ROWS.json
import importlib.util, json, math, sys, traceback
import numpy as np
import torch

def diff(a, b):
    if a.shape != b.shape:
        return 1e30
    if a.numel() == 0:
        return 0.0
    d = (a.double() - b.double()).abs().max().item()
    return d if math.isfinite(d) else 1e30

def load(path):
    return torch.from_numpy(np.load(path))

for row in json.load(open(sys.argv[1])):
    result = {"name": row["name"]}
    try:
        spec = importlib.util.spec_from_file_location("train_" + row["name"], row["program"] + "/train.py")
        program = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(program)
        model = program.build_model()
        program.load_weights(model, row["program"] + "/weights.pt")
        result["keys"] = list(model.state_dict().keys())
        x = load(row["dir"] + "/x.npy")
        model.eval()
        with torch.no_grad():
            out = model(x)
        result["eval_diff"] = diff(out, load(row["dir"] + "/eval.npy"))
        if row["train"]:
            model.train()
            with torch.no_grad():
                out = model(x)
            result["train_diff"] = diff(out, load(row["dir"] + "/train.npy"))
            result["buffer_diff"] = max([diff(b, load(row["dir"] + "/buffer_" + name + ".npy"))
                                         for name, b in model.named_buffers()] + [0.0])
        if row["data"]:
            data = program.load_data()
            test_x, test_y = data["test"]
            result["data_diff"] = diff(test_x, load(row["dir"] + "/test_x.npy"))
            result["labels_equal"] = bool(torch.equal(test_y, load(row["dir"] + "/test_y.npy")))
            result["split_sizes"] = [data["train"][1].numel(), data["validation"][1].numel()]
    except Exception:
        result["error"] = traceback.format_exc()
    print("RESULT " + json.dumps(result), flush=True)
