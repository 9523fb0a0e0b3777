#pragma once
// The studio's before/after preview of the Preprocess stage's augmentation (/preprocess/augment):
// a few samples as stored and as a training batch would see them. Torch-free; the operations
// themselves are engine-private (engine/src/augment.h states each exactly).

#include "torchwright/datasetformat.h"

#include <cstdint>
#include <vector>

namespace torchwright {

struct Project;

struct AugmentedSample {
    int label = 0;
    SampleImage before; // as stored
    SampleImage after;  // augmented, shown in the stored range (bytes clamped to 0..255)
};

// `samples` (from datasetPreview) augmented with the project's settings, as one batch; another
// `variant` gives another draw. All settings off: `after` equals `before`. Throws EngineError when
// the settings do not fit the samples.
std::vector<AugmentedSample> augmentPreview(const Project &project, const std::vector<DatasetSample> &samples,
                                            uint64_t variant = 0);

// Whether the image operations apply to the project's samples ([C, H, W]); the table noise
// applies to 1-D samples.
bool augmentTakesImages(const Project &project);
bool augmentTakesFeatures(const Project &project);

} // namespace torchwright
