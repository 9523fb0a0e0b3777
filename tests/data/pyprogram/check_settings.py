# Checks that an exported program carries the project's training settings: the tiny CNN with SGD
# (momentum 0.9, Nesterov, weight decay 1e-4, lr 0.05), a step schedule (step 1, gamma 0.5),
# gradient clipping at 1.0, the bce_with_logits loss, the layer "conv1" frozen, and node names
# that clash with Python ("class", "x", "torch", "forward"). Trains two epochs in-process through
# main() and checks the frozen layer kept the studio's weights. Prints "SETTINGS OK" or problems.
# Usage: check_settings.py PROGRAM_DIR OUT_CHECKPOINT
import importlib.util
import math
import sys

import torch
import torch.nn.functional as F

folder, out = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("program", folder + "/train.py")
program = importlib.util.module_from_spec(spec)
spec.loader.exec_module(program)
problems = []


def expect(ok, what):
    if not ok:
        problems.append(what)


model = program.build_model()
keys = list(model.state_dict())
expect("forward.weight" in keys and "conv1.weight" in keys, f"state_dict keys {keys}")
expect(callable(model.forward) and not isinstance(model.forward, torch.nn.Module),
       "the layer named 'forward' hides Model.forward")

optimizer = program.make_optimizer(list(model.parameters()))
group = optimizer.param_groups[0]
expect(isinstance(optimizer, torch.optim.SGD), f"optimizer {type(optimizer).__name__}")
expect(math.isclose(group["lr"], 0.05) and math.isclose(group["momentum"], 0.9) and group["nesterov"]
       and math.isclose(group["weight_decay"], 1e-4), f"optimizer settings {group}")
lrs = [program.scheduled_lr(e) for e in (1, 2, 3)]
expect(all(math.isclose(a, b) for a, b in zip(lrs, [0.05, 0.025, 0.0125])), f"step schedule {lrs}")
# The cosine schedule as the studio computes it: from lr at epoch 1 to min_lr at EPOCHS.
program.SCHEDULE = {"type": "cosine", "step_size": 1, "gamma": 0.1, "min_lr": 0.001}
cosine = [program.scheduled_lr(e) for e in range(1, program.EPOCHS + 1)]
expect(math.isclose(cosine[0], 0.05) and math.isclose(cosine[-1], 0.001), f"cosine schedule {cosine}")
program.SCHEDULE = {"type": "step", "step_size": 1, "gamma": 0.5, "min_lr": 0.0}
expect(program.GRAD_CLIP == 1.0, f"GRAD_CLIP {program.GRAD_CLIP}")
expect(program.FROZEN == ["conv1"], f"FROZEN {program.FROZEN}")

out_logits = torch.randn(6, 4)
labels = torch.tensor([0, 1, 2, 3, 1, 0])
loss, hits = program.loss_and_hits(out_logits, None, labels)
expected = F.binary_cross_entropy_with_logits(out_logits, F.one_hot(labels, 4).float())
expect(torch.allclose(loss, expected), f"bce loss {loss} != {expected}")
expect(hits.item() == (out_logits.argmax(1) == labels).sum().item(), "hits")
# A project whose target is its input (an autoencoder) trains on the reconstruction's MSE.
expect(program.TARGET == "labels", f"TARGET {program.TARGET}")
program.TARGET = "input"
inputs = torch.randn(6, 4)
loss, hits = program.loss_and_hits(out_logits, inputs, labels)
expect(torch.allclose(loss, F.mse_loss(out_logits, inputs)), f"reconstruction loss {loss}")
expect(math.isnan(hits.item()), f"reconstruction hits {hits}")
program.TARGET = "labels"

code = program.main(["--epochs", "2", "--device", "cpu", "--out", out, "--log-every", "100"])
expect(code == 0, f"main() returned {code}")
if code == 0:
    studio = torch.load(folder + "/weights.pt", weights_only=True)
    trained = torch.load(out, weights_only=True)["model"]
    expect(torch.equal(studio["conv1.weight"], trained["conv1.weight"]), "the frozen layer conv1 changed")
    expect(not torch.equal(studio["forward.weight"], trained["forward.weight"]), "the layer 'forward' did not train")
print("SETTINGS OK" if not problems else "SETTINGS PROBLEMS: " + "; ".join(problems), flush=True)
