#pragma once
// The PyTorch program export's train.py, made from a project alone (no trained run needed), so
// that tests and later callers can generate it without training.

#include "checkpoint.h"
#include "torchwright/project.h"

#include <string>

namespace torchwright {

// train.py for `project` (engine/templates/train.py.in filled in): its graph as an nn.Module
// written from each layer type's Python form, its dataset, preprocessing with `norm`, and
// training settings. `runName` and `checkpointName` only appear in its header comment; `origin`
// becomes its ORIGIN, which the program copies into its run folder's program_run.json for
// import-run (exportPythonProgram() fills it in: programOrigin()). Throws EngineError when the
// graph does not check or a layer has no Python form.
std::string pythonTrainingProgram(const Project &project, const Normalization &norm, const std::string &runName,
                                  const std::string &checkpointName,
                                  const nlohmann::json &origin = nlohmann::json::object());

} // namespace torchwright
