#pragma once
// Pruning masks (unstructured pruning, torchwright/compress.h): what the trainer needs to keep
// pruned weights at zero while it fine-tunes. A masks file is torch.save's format (torchsave.h),
// so Python reads it with torch.load(path, weights_only=True): {parameter name ("conv1.weight"):
// uint8 tensor of the parameter's shape, 1 = kept, 0 = pruned}.

#include "model.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace torchwright {

// Writes the masks (each converted to uint8 on the CPU) atomically.
void writeMaskFile(const std::string &path, const std::map<std::string, torch::Tensor> &masks);

// A parameter of the model and its mask (same shape, device and dtype: 1 keeps, 0 zeroes).
using BoundMasks = std::vector<std::pair<torch::Tensor, torch::Tensor>>;

// Reads a masks file and pairs each mask with the model's parameter of that name. Throws
// EngineError naming the file and the parameter when a name is not a parameter of the model, a
// shape differs or a value is not 0 or 1.
BoundMasks bindMaskFile(const std::string &path, GraphModelImpl &model);

// Multiplies every masked parameter by its mask, without recording gradients.
void applyMasks(const BoundMasks &masks);

} // namespace torchwright
