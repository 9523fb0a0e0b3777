#pragma once
// Runs that come back from a cluster. The exported PyTorch program (the "pytorch" export:
// train.py, run by torchrun under Slurm, Kubernetes or by hand) writes a run folder of its own
// (train.py --run-dir; rank 0 only):
//   program_run.json  {"format": "torchwright-program-run", "version": 1, "status",
//                     "epochs_planned", "epochs_completed", "best_epoch", "device", "world_size",
//                     "torch_version", "normalization", "early_stopping", "origin": {the project
//                     file, the studio run and checkpoint it was exported from, the run's
//                     "preprocessing" and "test_sha256"}, "test": the last epoch's test figures}
//   metrics.jsonl     TrainingEvent::toJson() lines: batch, epoch, log and a last finished event
//   last.pt, best.pt  torch.save files in the program's checkpoint format (weights only)
//
// importProgramRun() turns such a folder into a run folder of a project, as training in the
// studio would have left it: <runs>/<time>-<name>/ with project.json, run.json (status, epochs,
// best figures, device, normalization and preprocessing, "imported_from"), metrics.jsonl (the
// program's lines as they are), last.pt / best.pt in the engine's checkpoint format with
// last.json / best.json. The folder is made under a temporary name in the runs folder and renamed
// into place, so a refused or failed import leaves nothing behind. The imported checkpoints hold
// no optimizer state: evaluate, export, versions and the studio take the run; train --resume
// refuses it.

#include "torchwright/diagnostics.h"

#include <string>

namespace torchwright {

struct ImportRunOptions {
    std::string projectFile; // "" = the project file the program was exported from
    std::string name;        // the new folder's name after its time stamp; "" = the project file's stem
    std::string runsDir;     // "" = runs/ beside the project file
};

struct ImportedRun {
    std::string runDir; // the new run folder
    std::string status; // completed, early_stopped, stopped or failed
    int epochsCompleted = 0;
    int epochsPlanned = 0;
    int bestEpoch = 0; // 0 when no epoch improved (best.pt absent)
};

// The project file the program's run names as its origin ("" when it names none). Throws
// EngineError when the folder is not such a run (see importProgramRun()).
std::string programRunProject(const std::string &programRunDir);

// Refuses, with an EngineError naming the file and what is wrong: a folder that is missing or has
// no program_run.json or metrics.jsonl; a record of another format or a newer version; a line of
// metrics.jsonl that is torn (no newline at its end), not JSON, not an event or out of order
// (naming the line); a run that completed no epoch; no project (none given, and the recorded one is
// not on this machine); a checkpoint whose tensors are not exactly the project's layer graph's
// (naming the tensor).
ImportedRun importProgramRun(const std::string &programRunDir, const ImportRunOptions &options = {});

} // namespace torchwright
