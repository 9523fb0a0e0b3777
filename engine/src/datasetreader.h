#pragma once
// The engine-private half of a dataset format's descriptor (torchwright/datasetformat.h): how its
// files are checked and read as tensors. Each format lives in engine/src/datasets/<name>.cpp and
// makes its whole descriptor there; everything format-independent (the validation split,
// normalisation, the cast to the Input layer's type) is in dataset.cpp.

#include "torchwright/datasetformat.h"
#include "torchwright/project.h"

#include <torch/torch.h>

#include <functional>
#include <string>

namespace torchwright {

// One split as stored, before any preprocessing.
struct RawSplit {
    torch::Tensor inputs; // [N, ...sample shape]: uint8 for bytes, float32 for real values
    torch::Tensor labels; // [N] int64
};

struct DatasetReader {
    // True when every file the format reads is present; otherwise false with `missing` (when
    // given) naming the first absent file. A format without files is always present.
    std::function<bool(const Project &, std::string *missing)> filesPresent;
    // The training and the test split as stored. Throws EngineError naming the file and the
    // problem. The dataset folder is known to exist when the format needs one.
    std::function<RawSplit(const Project &)> train;
    std::function<RawSplit(const Project &)> test;
    // The test split's inputs alone (the labels are not read).
    std::function<torch::Tensor(const Project &)> testInputs;
};

// Bytes become floats in [0, 1]; token ids (int64 inputs) stay as stored.
double byteScale(DType inputType);

// The descriptors, one per file in engine/src/datasets/.
DatasetFormat idxFormat();
DatasetFormat cifar10Format();
DatasetFormat syntheticFormat();
DatasetFormat sequenceFormat();

} // namespace torchwright
