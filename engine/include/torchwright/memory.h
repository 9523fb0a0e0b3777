#pragma once
// Memory a run needs, estimated from the analysed graph before anything is allocated, and the
// memory the device has. Training and evaluation refuse, with both figures, a model that would
// not fit instead of being killed by the kernel's out-of-memory killer half-way through.
//
// The estimate is float32 throughout and deliberately simple:
//   parameters        every weight and buffer, 4 bytes each;
//   gradients         one per trainable weight;
//   optimizer state   Adam/AdamW 2 per weight, SGD with momentum and RMSprop 1 (RMSprop with
//                     momentum 2), plain SGD 0;
//   activations       every layer's output for one batch, kept for the backward pass, and its
//                     gradient: 2 x batch x (sum of every node's output elements).
// The dataset is already loaded (and on the device) when training checks, so the available
// figure excludes it.
// Torch-free.

#include "torchwright/analysis.h"
#include "torchwright/project.h"

#include <cstdint>
#include <string>

namespace torchwright {

struct MemoryEstimate {
    int64_t parameters = 0;
    int64_t gradients = 0;
    int64_t optimizerState = 0;
    int64_t activations = 0;
    int64_t batch = 0; // the batch size the activations are for

    int64_t total() const;
    // "7.9 GiB (parameters 1.9 GiB, gradients 1.9 GiB, optimizer state 3.9 GiB, activations of
    // a batch of 64 12 MiB)"
    Message describe() const;
};

// Training at the project's batch size with its optimizer. `analysis` must be ok().
MemoryEstimate estimateTrainingMemory(const Project &project, const GraphAnalysis &analysis);
// Evaluation, export and prediction: the weights twice (the model's, and the checkpoint's while
// they are read) and one batch's activations; no gradients, no optimizer.
MemoryEstimate estimateEvaluationMemory(const GraphAnalysis &analysis, int64_t batch);

struct MemoryLimit {
    int64_t bytes = -1; // -1: unknown (nothing is refused)
    std::string source; // where the figure comes from, for messages
};

// What `device` ("cpu", "cuda", "cuda:1") can still give: on the CPU the smallest of the
// kernel's MemAvailable, the cgroup's limit less its usage, and RLIMIT_AS less this process's
// size; on a GPU the driver's free memory when the CUDA runtime is loaded in this process.
MemoryLimit availableMemory(const std::string &device);

// Throws EngineError naming `what` ("training", "evaluation"), the estimate with its parts, the
// limit and its source, and what to change, when the estimate exceeds the limit.
void checkMemory(const MemoryEstimate &estimate, const MemoryLimit &limit, const Message &what);

// "1.5 GiB", "12 MiB", "512 bytes".
std::string formatBytes(int64_t bytes);

} // namespace torchwright
