#pragma once
// The weights of a checkpoint that the exported PyTorch program wrote (train.py's checkpoint.pt,
// or last.pt / best.pt of its run folder: torch.save of {"format":
// "torchwright-pytorch-checkpoint", "model": {name: tensor}, ...}), read into the engine's model
// of the same graph. Implemented in checkpoint.cpp beside the pretraining import, whose reader it
// shares; kept out of checkpoint.h so that few files rebuild when it changes.

#include "model.h"

#include <string>

namespace torchwright {

// Copies every tensor of `path` into `model`. Unlike pretraining, the file must hold exactly the
// graph's tensors: one that is missing or unknown to the graph, or whose shape or kind (floating
// point or not) differs, is an EngineError naming the file and the tensor ("a checkpoint from
// another layer graph"); nothing is copied then. The file is checked as a zip and tensor by tensor
// before LibTorch reads it.
void loadProgramWeights(const std::string &path, GraphModelImpl &model);

} // namespace torchwright
