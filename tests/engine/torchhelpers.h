#pragma once
// Helpers for tests that include LibTorch: models in a state where eval-mode differences show.

#include "model.h"

#include <torch/torch.h>

namespace testhelpers {

// Batch-norm running statistics away from their 0/1 start, so that an export or a program that
// ignored them (or used batch statistics) would give different outputs.
inline void randomizeRunningStats(torchwright::GraphModelImpl &model)
{
    torch::NoGradGuard noGrad;
    for (auto &b : model.named_buffers())
        if (b.key().find("running_") != std::string::npos)
            b.value().uniform_(0.5, 1.5);
}

} // namespace testhelpers
