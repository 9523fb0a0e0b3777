#!/usr/bin/env python3
"""Checks the cluster files of a PyTorch program export (tst_importrun).

    check_cluster_files.py PROGRAM_DIR

pytorchjob.yaml, read with yaml.safe_load, must be a Kubeflow PyTorchJob with what the training
operator needs: apiVersion kubeflow.org/v1, kind PyTorchJob, metadata.name a DNS-1123 name,
spec.pytorchReplicaSpecs with Master (replicas 1) and Worker, each with a restartPolicy and a pod
template whose first container is named "pytorch" (the operator finds the container by that
name), has an image, a command running torchrun on train.py with --run-dir, a GPU limit
(nvidia.com/gpu) and a volume mount backed by a volume of the pod. train.sbatch must have the
#SBATCH lines for nodes, GPUs per node and time, and start torchrun through srun with a c10d
rendezvous on the first node of SLURM_JOB_NODELIST and --run-dir. Prints CLUSTER FILES OK, or
each problem on its own line and exits 1.
"""

import os
import re
import sys

import yaml


def main(folder):
    problems = []

    def need(ok, what):
        if not ok:
            problems.append(what)

    with open(os.path.join(folder, "pytorchjob.yaml"), encoding="utf-8") as f:
        job = yaml.safe_load(f)
    need(isinstance(job, dict), "the manifest is not a mapping")
    job = job if isinstance(job, dict) else {}
    need(job.get("apiVersion") == "kubeflow.org/v1", f"apiVersion is {job.get('apiVersion')!r}")
    need(job.get("kind") == "PyTorchJob", f"kind is {job.get('kind')!r}")
    name = (job.get("metadata") or {}).get("name", "")
    need(isinstance(name, str) and re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name) and len(name) <= 63,
         f"metadata.name {name!r} is not a DNS-1123 label")
    specs = (job.get("spec") or {}).get("pytorchReplicaSpecs") or {}
    need(set(specs) == {"Master", "Worker"}, f"pytorchReplicaSpecs has {sorted(specs)}")
    need((specs.get("Master") or {}).get("replicas") == 1, "Master does not have replicas: 1")
    need(isinstance((specs.get("Worker") or {}).get("replicas"), int), "Worker has no replicas count")
    for role, spec in specs.items():
        spec = spec or {}
        need(spec.get("restartPolicy") in ("Always", "OnFailure", "Never", "ExitCode"),
             f"{role}: restartPolicy is {spec.get('restartPolicy')!r}")
        pod = (spec.get("template") or {}).get("spec") or {}
        containers = pod.get("containers") or [{}]
        c = containers[0]
        need(c.get("name") == "pytorch", f"{role}: containers[0].name is {c.get('name')!r}, not 'pytorch'")
        need(bool(c.get("image")), f"{role}: no image")
        command = " ".join(c.get("command") or []) + " " + " ".join(c.get("args") or [])
        need("torchrun" in command and "train.py" in command and "--run-dir" in command,
             f"{role}: the command does not run torchrun train.py --run-dir: {command!r}")
        gpus = ((c.get("resources") or {}).get("limits") or {}).get("nvidia.com/gpu")
        need(isinstance(gpus, int) and gpus >= 1, f"{role}: resources.limits has no nvidia.com/gpu")
        volumes = {v.get("name") for v in pod.get("volumes") or []}
        mounts = c.get("volumeMounts") or []
        need(bool(mounts) and all(m.get("name") in volumes and m.get("mountPath") for m in mounts),
             f"{role}: no volume mount backed by a volume of the pod")

    with open(os.path.join(folder, "train.sbatch"), encoding="utf-8") as f:
        script = f.read()
    need(script.startswith("#!/bin/bash\n"), "train.sbatch does not start with #!/bin/bash")
    for option in ("--nodes=", "--gpus-per-node=", "--time="):
        need(re.search(r"^#SBATCH " + re.escape(option), script, re.M), f"train.sbatch has no #SBATCH {option}")
    need(re.search(r"scontrol show hostnames \"\$\{SLURM_JOB_NODELIST", script), "no head node from SLURM_JOB_NODELIST")
    need(re.search(r"^srun .*torchrun", script, re.M), "no srun ... torchrun line")
    need("--rdzv_backend=c10d" in script and '--rdzv_endpoint="$HEAD_NODE:$PORT"' in script, "no c10d rendezvous")
    need('--run-dir "$RUN_DIR"' in script, "train.py is not given --run-dir")

    if problems:
        print("\n".join(problems))
        return 1
    print("CLUSTER FILES OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
