#pragma once
// NumPy's .npy format (1.0, C order), the form tensors take to and from outside tools.

#include <torch/torch.h>

#include <string>

namespace torchwright {

// A .npy file as a tensor (uint8, int64, float32, float64, ...); throws EngineError naming the
// file when it is not one or is truncated. (bundle.cpp)
torch::Tensor readNpy(const std::string &path);
// A tensor as the bytes of a .npy file: uint8, int64 and float64 as they are, anything else as
// float32. (feedbackdata.cpp)
std::string npyBytes(torch::Tensor t);

} // namespace torchwright
