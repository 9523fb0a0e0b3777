#pragma once
// Knowledge distillation's teacher (compress.h; the settings are project.h's DistillSettings):
// the teacher run checked against the student project, and its model loaded for the student's
// training. The trainer asks it for the logits of each training batch (or once for the whole
// training split) and trains on distillationLoss() (losses.h).

#include "checkpoint.h"
#include "distillcheck.h"
#include "torchwright/diagnostics.h"
#include "torchwright/project.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace torchwright {

// The teacher's model, in eval mode on the training device, with what it needs to see the
// student's inputs as its own training saw them.
struct Teacher {
    std::string runDir;
    std::string checkpoint; // the file the weights came from
    GraphModel model{nullptr};
    int64_t parameters = 0;
    // The student's normalised inputs back to the 0..1 scale and on to the teacher's normalisation:
    // x * scale + shift, per channel; undefined when both normalise alike.
    torch::Tensor scale, shift;

    // The teacher's logits for a batch of the student's (normalised, possibly augmented) inputs;
    // no gradient.
    torch::Tensor logits(const torch::Tensor &studentInputs);
};

// checkTeacher(), then the teacher run's checkpoint (/distill/checkpoint) on `device`. The
// student's normalisation (its training split's mean and std per channel, empty when it
// normalises nothing) decides the input conversion. Throws EngineError naming what failed.
Teacher loadTeacher(const Project &student, const torch::Device &device, const std::vector<double> &studentMean,
                    const std::vector<double> &studentStd);

} // namespace torchwright
