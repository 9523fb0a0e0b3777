#pragma once
// Files that Python's torch.load reads with weights_only=True: a dict of tensors written the way
// Python's own torch.save writes it (the zip archive with archive/data.pkl, archive/data/<key>
// for each storage, archive/byteorder and archive/version), not LibTorch's torch::pickle_save,
// whose pickle names torch.jit._pickle globals that PyTorch's restricted unpickler refuses (the
// default from PyTorch 2.6 on).
//
// The pickle (protocol 2, as torch.save writes it) uses only what the weights_only unpickler of
// every PyTorch since 1.13 allows: a plain dict, strings, small integers, tuples, False,
// torch._utils._rebuild_tensor_v2, collections.OrderedDict (the empty backward hooks) and the
// storage classes (torch.FloatStorage, ...) in the persistent id ("storage", class, key, "cpu",
// numel). LibTorch's torch::pickle_load reads the result too, as it reads any torch.save file.

#include <torch/types.h>

#include <string>
#include <utility>
#include <vector>

namespace torchwright {

// The bytes of a torch.save file holding {name: tensor, ...} in this order. Each tensor is
// written as a contiguous CPU copy with its own storage (views, non-contiguous and channels-last
// tensors included), requires_grad False. Dense tensors of the dtypes Python has storage classes
// for: float32/64, float16, bfloat16, int8/16/32/64, uint8, bool, complex64/128. Throws
// EngineError naming the tensor for anything else (quantized, sparse, an undefined tensor).
std::string torchSaveBytes(const std::vector<std::pair<std::string, torch::Tensor>> &tensors);

} // namespace torchwright
