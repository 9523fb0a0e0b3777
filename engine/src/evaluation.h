#pragma once
// Measuring a model on a split held as tensors: what evaluateRun() does for a run's checkpoint on
// the project's test split, for any model and any TensorDataset (the model registry measures
// versions on the frozen test split and on the feedback set, each preprocessed with the version's
// own record).

#include "dataset.h"
#include "datasetreader.h"
#include "model.h"

#include "torchwright/runs.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>

namespace torchwright {

// `test` already preprocessed for `model` (scaled, normalised, on any device). Classification:
// accuracy, loss, per-class figures, confusion and each sample's prediction; a regression (float
// labels): R^2, MAE and each sample's value; a project whose target is its input: the
// reconstruction's mean squared error.
Evaluation evaluateModel(GraphModelImpl &model, const Project &project, const TensorDataset &test,
                         const torch::Device &device);

// Stored inputs ([N, ...sample], as a dataset reader returns them) as a model takes them, by the
// preprocessing record of a run or bundle: token ids as int64; anything else as float32 divided by
// 1/scale and normalised with the record's mean and std (per channel; per feature for a 1-D
// sample with one per feature), exactly as training did.
torch::Tensor preprocessStored(const torch::Tensor &stored, const nlohmann::json &record, bool tokens);

// The SHA-256 (hex) of a split as read, before any preprocessing or validation split: the inputs'
// bytes, then the labels' (contiguous, CPU), exactly as loadDataSplits() computes
// DataSplits::testSha256, which the trainer records as run.json's test_sha256.
std::string splitSha256(const torch::Tensor &inputs, const torch::Tensor &labels);

} // namespace torchwright
