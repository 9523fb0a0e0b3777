#pragma once
// Datasets held as tensors in memory: images [N, ...sample shape] float32 (or int64), labels
// [N] int64. Batches are gathered by index, never built from per-sample objects.

#include "datasetreader.h"
#include "torchwright/datasetformat.h"
#include "torchwright/diagnostics.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <functional>
#include <string>

namespace torchwright {

struct TensorDataset {
    torch::Tensor inputs; // [N, ...]
    torch::Tensor labels; // [N] int64
    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

// IDX (MNIST layout, datasets/idx.cpp): images uint8 [N, rows, cols] -> [N, 1, rows, cols]. `path` names a file,
// or a file without its ".gz" that exists with it. Throws EngineError naming the file and the
// problem on a wrong magic number, truncation or bad sizes.
torch::Tensor readIdxFile(const std::string &path);
// Reads a whole file, inflating it when it is gzip; throws EngineError.
std::string readMaybeGzip(const std::string &path);

struct DataSplits {
    TensorDataset train;
    TensorDataset validation;
    TensorDataset test;
    std::vector<double> mean; // per channel, as applied
    std::vector<double> std;
    // The exact preprocessing, as recorded in runs and carried by exports: {"format", "scale",
    // "mean", "std"} plus the format's own part (RawInfo::preprocessing).
    nlohmann::json preprocessing = nlohmann::json::object();
    std::vector<SkippedInput> skipped; // inputs the format left out, train then test
    // SHA-256 of the training split and of the test split as read (stored inputs, then labels),
    // before the validation split is taken: what model versions record as the data they saw and
    // the frozen test split they were measured on (versions.h).
    std::string trainSha256;
    std::string testSha256;
    // Samples `extraTrain` added at the end of `train` (fine-tuning's feedback items).
    int64_t extraTrain = 0;
};

// Raw samples to add to the training split (fine-tuning's feedback items), asked for with the
// preprocessing record so far (the format's part and "format") once the data is read; they join
// the training split after the validation split is taken and after the normalisation statistics
// are computed, so validation and the statistics stay those of the original data.
using ExtraTrainSamples = std::function<RawSplit(const nlohmann::json &record)>;

// Loads train and test through the project's dataset format, splits validation off train (fixed
// seed), casts to the Input node's dtype with the format's scale, and normalises with statistics
// of the training split (or fixed values).
DataSplits loadDataSplits(const Project &project, DType inputType, const ImportControl &control = {},
                          const ExtraTrainSamples &extraTrain = {});

// The test split's inputs before any preprocessing (uint8 for files, float for synthetic).
torch::Tensor rawTestInputs(const Project &project);

// One sample [C, H, W], [H, W] or [N] as an 8-bit image: bytes as stored, real values stretched
// to 0..255.
SampleImage sampleImage(torch::Tensor sample);

// A learnable synthetic classification set: class-dependent patterns plus Gaussian noise
// (datasets/synthetic.cpp).
TensorDataset makeSyntheticDataset(const Shape &sampleShape, int numClasses, int count, double noise, uint64_t seed);

// Writes an IDX file (for tests and tools): uint8 images [N, rows, cols] or labels [N].
void writeIdxFile(const std::string &path, const torch::Tensor &data, bool gzip = false);

} // namespace torchwright
