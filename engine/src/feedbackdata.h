#pragma once
// The feedback store's items as tensors (engine side of torchwright/feedback.h), for fine-tuning
// (trainer.cpp) and for measuring versions on the feedback set (versions.cpp).

#include "datasetreader.h"

#include "torchwright/feedback.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>
#include <vector>

namespace torchwright {

// Reads the inputs at `path` (a file or folder) the way predictBundle does: a .npy sample or
// batch, what the training data's format reads for prediction (image files, CSV rows), or an IDX
// image file. `record` is the run's preprocessing record (DataSplits::preprocessing). Returns the
// inputs as stored, [N, ...sample]: `raw` says whether they still need the record's scale and
// normalisation (uint8 pixels, table features as read) or are already preprocessed (float .npy).
// `sources` gets one name per input when the format names them. Throws EngineError naming the
// file when it cannot be read or its samples do not have the shape `sample`.
torch::Tensor readInputsForRecord(const nlohmann::json &record, const Shape &sample, const std::string &path,
                                  std::vector<std::string> &sources, bool &raw);

// The reviewed items of a store as raw splits in the dataset's stored form ([N, ...sample], uint8
// or float as the format stores them; labels int64, or float32 for a regression), split by
// feedbackHeldOut(id, holdout) into what fine-tuning trains on and the feedback set. An item whose
// input cannot be read is left out and listed in the split's info.skipped, naming its id and file.
struct FeedbackData {
    RawSplit train;
    std::vector<std::string> trainIds;
    RawSplit heldOut;
    std::vector<std::string> heldOutIds;
};
FeedbackData readFeedbackData(const FeedbackStore &store, const nlohmann::json &record, const Shape &sample,
                              double holdout);

} // namespace torchwright
