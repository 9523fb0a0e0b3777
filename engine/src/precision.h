#pragma once
// Mixed precision for training (/training/precision, --precision): the arithmetic type autocast
// runs the forward pass in, the gradient scaling fp16 needs, TF32 matrix math for fp32 on GPUs,
// and channels-last memory for convolutional models. Parameters, optimizer state and checkpoints
// stay float32 in every mode (autocast casts copies of the weights for each operation), so resume,
// evaluation and every export are the same whatever precision the run trained in.
//
//   fp32  float32 everywhere; on CUDA, matrix products may use TF32 tensor cores
//         (setFloat32MatmulPrecision("high"), as PyTorch's torch.backends.cuda.matmul.allow_tf32),
//         on GPUs that have them (Ampere and later); set back to "highest", LibTorch's default,
//         when the run ends.
//   bf16  autocast to bfloat16 on CUDA, and on the CPU where this LibTorch runs bfloat16 matrix
//         products (checked once with a real product); no scaling: bfloat16 has float32's range.
//   fp16  autocast to float16, CUDA only, with dynamic loss scaling as torch.cuda.amp.GradScaler
//         does it: the loss is multiplied by the scale before backward, the gradients divided by
//         it before clipping and the step; a step whose gradients hold inf or NaN is skipped (and
//         counted) and halves the scale; 2000 clean steps in a row double it.
//
// The LibTorch API for autocast changed in 2.4 (per-device functions); AutocastGuard hides the
// difference, so the engine builds against Debian's 1.13 and an official 2.x alike.

#include "torchwright/message.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace torchwright {

enum class Precision { Fp32, Bf16, Fp16 };

// "fp32", "bf16", "fp16"; throws EngineError naming `where` for anything else.
Precision parsePrecision(const std::string &name, const std::string &where = "/training/precision");
const char *precisionName(Precision p);

// Empty when `p` can train on `device`; otherwise the sentence that says why not and what to use.
Message precisionUnsupported(Precision p, const torch::Device &device);

// Autocast on for `device` in `p` (nothing for fp32) for its lifetime: the forward pass and the
// loss of one batch run inside one guard. Restores the previous state and clears autocast's cast
// cache when it ends.
class AutocastGuard {
public:
    AutocastGuard(Precision p, const torch::Device &device);
    ~AutocastGuard();
    AutocastGuard(const AutocastGuard &) = delete;
    AutocastGuard &operator=(const AutocastGuard &) = delete;

private:
    bool active_ = false;
    bool cuda_ = false;
    bool wasEnabled_ = false;
    at::ScalarType wasType_ = at::kFloat;
};

// TF32 matrix products for fp32 on CUDA while it lives (see above); nothing elsewhere.
class MatmulPrecisionGuard {
public:
    MatmulPrecisionGuard(Precision p, const torch::Device &device);
    ~MatmulPrecisionGuard();
    MatmulPrecisionGuard(const MatmulPrecisionGuard &) = delete;
    MatmulPrecisionGuard &operator=(const MatmulPrecisionGuard &) = delete;
    bool tf32() const { return changed_; }

private:
    bool changed_ = false;
};

// Dynamic loss scaling for fp16 (see above). Disabled (scale 1, never skips) for other precisions.
class LossScaler {
public:
    explicit LossScaler(bool enabled) : enabled_(enabled), scale_(enabled ? 65536.0 : 1.0) {}
    bool enabled() const { return enabled_; }
    double scale() const { return scale_; }
    // The loss to call backward() on.
    torch::Tensor scaled(const torch::Tensor &loss) const { return enabled_ ? loss * scale_ : loss; }
    // Divides the gradients by the scale and says whether they are all finite (one read of the
    // device). Call it before clipping and stepping; when it returns false, skip the step.
    bool unscale(const std::vector<torch::Tensor> &params);
    // After each batch: `stepped` says whether the optimizer stepped.
    void update(bool stepped);
    int64_t skippedSteps() const { return skipped_; }

    // For checkpoints, so a resumed fp16 run scales as the uninterrupted one would.
    double growthTracker() const { return double(cleanSteps_); }
    void restore(double scale, double cleanSteps, int64_t skipped);

private:
    bool enabled_;
    double scale_;
    int64_t cleanSteps_ = 0;
    int64_t skipped_ = 0;
};

// Channels-last memory for 4-d tensors (convolution weights and image batches); others as they are.
torch::Tensor channelsLast(const torch::Tensor &t);
// Every 4-d parameter and buffer of `module` to channels-last memory, in place.
void toChannelsLast(torch::nn::Module &module);

} // namespace torchwright
