#pragma once
// The engine-private half of a dataset format's descriptor (torchwright/datasetformat.h): how its
// files are checked and read as tensors. Each format lives in engine/src/datasets/<name>.cpp and
// makes its whole descriptor there; everything format-independent (the validation split,
// normalisation, the cast to the Input layer's type) is in dataset.cpp.

#include "torchwright/datasetformat.h"
#include "torchwright/project.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace torchwright {

// What a reader knows about the files it read, beside the tensors: for the summary, the preview
// and the run's record of the exact preprocessing.
struct RawInfo {
    std::vector<SkippedInput> skipped;          // inputs left out, with file, line and reason
    std::map<std::string, int64_t> sourceSizes; // "WxH" -> count, before resizing
    std::vector<Message> warnings;
    // The format's part of the preprocessing record (resize policy, channels, column encoders);
    // merged into DataSplits::preprocessing and from there into runs and exports.
    nlohmann::json preprocessing = nlohmann::json::object();
    // Tables: the header and the first rows as read.
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
};

// One split as stored, before any preprocessing.
struct RawSplit {
    torch::Tensor inputs; // [N, ...sample shape]: uint8 for bytes, float32 for real values
    torch::Tensor labels; // [N] int64 classes, or float32 targets for a regression
    RawInfo info;
};

struct DatasetReader {
    // True when every file the format reads is present; otherwise false with `missing` (when
    // given) naming the first absent file. A format without files is always present.
    std::function<bool(const Project &, std::string *missing)> filesPresent;
    // The training and the test split as stored. Throws EngineError naming the file and the
    // problem, ImportCancelled when `control` says stop. The dataset folder is known to exist
    // when the format needs one.
    std::function<RawSplit(const Project &, const ImportControl &)> train;
    std::function<RawSplit(const Project &, const ImportControl &)> test;
    // The test split's inputs alone (the labels are not read).
    std::function<torch::Tensor(const Project &)> testInputs;
    // Inputs to classify with an exported model, read from a file or folder the user names the
    // way training read its data: `record` is the run's preprocessing record (DataSplits::
    // preprocessing, as carried by the bundle). Returns the inputs as stored (uint8 pixels,
    // float features), one source name per input in `sources` ("photo.png", "rows.csv:12").
    // Empty when the format cannot read inputs for prediction (the IDX and .npy paths remain).
    std::function<torch::Tensor(const nlohmann::json &record, const std::string &path,
                                std::vector<std::string> &sources, const ImportControl &control)>
        predictInputs;
};

// Bytes become floats in [0, 1]; token ids (int64 inputs) stay as stored.
double byteScale(DType inputType);

// The descriptors, one per file in engine/src/datasets/.
DatasetFormat idxFormat();
DatasetFormat cifar10Format();
DatasetFormat syntheticFormat();
DatasetFormat sequenceFormat();
DatasetFormat csvFormat();
DatasetFormat imageFolderFormat();
DatasetFormat imageListFormat();

} // namespace torchwright
