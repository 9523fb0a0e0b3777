#pragma once
// Random augmentation of training batches (/preprocess/augment, AugmentSettings in project.h).
// Applied by the trainer to each training batch after normalisation, never to validation, test or
// evaluation data. Every operation works on the whole batch at once; the random draws of a batch
// come from a CPU generator seeded by (seed, epoch, batch) alone, so the same seed gives the same
// batches, a resumed run continues them, and the exported program (train.py.in), which makes the
// same draws in the same order, gets the same numbers. In order, each only when its setting is on:
//
//   hflip, vflip  rand(N) < p: the sample mirrored left-right / upside down (W / H reversed).
//   translate t   randint(-t, t + 1, [2, N]) = (dy, dx): the sample padded by t on each side with
//                 the stored value 0 and the H x W window at (t + dy, t + dx) taken, so pixel (i, j)
//                 becomes the old (i + dy, j + dx).
//   rotate, scale rand([2, N]) = (u, v): angle a = (2u - 1) * rotate degrees, zoom s = 1 +
//                 (2v - 1) * scale; one affine_grid + grid_sample (bilinear, align_corners false)
//                 with theta = [[cos a / s, -sin a / s, 0], [sin a / s, cos a / s, 0]]; outside the
//                 sample reads the stored value 0.
//   contrast, brightness  rand([2, N]) = (u, v): x = (x - m) * (1 + (2u - 1) * contrast) + m with
//                 m each channel's mean in the sample, then + (2v - 1) * brightness / std[c].
//   noise         + randn(x.shape) * noise / std[c].
//   feature_noise (1-D samples) + randn(x.shape) * feature_noise.
//
// std[c] (and the stored 0's value, -mean[c] / std[c]) are the normalisation as applied, so
// brightness and noise are in the units of the scaled input (0..1 for bytes).

#include "torchwright/project.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace torchwright {

// The seed augmentation uses: /preprocess/augment/seed, or when 0 one derived from /training/seed.
uint64_t augmentSeed(const Project &project);
// The generator seed of one batch (epoch and batch counted from 1 and 0, as the trainer does).
uint64_t augmentBatchSeed(uint64_t seed, int64_t epoch, int64_t batch);

// The settings as applied, for the run's preprocessing record: {"enabled": false} when off, else
// every setting with the seed in use.
nlohmann::json augmentationRecord(const Project &project);

class Augmenter {
public:
    Augmenter() = default;
    // `mean` and `std`: the per-channel normalisation applied to the inputs (empty: none). Throws
    // EngineError when the settings do not fit the samples (image operations on 1-D samples,
    // token ids).
    Augmenter(const Project &project, DType inputType, std::vector<double> mean, std::vector<double> std);

    bool enabled() const { return m_on; }
    // The batch [N, ...sample] augmented as the header says; the input is not changed. Off: the
    // same tensor.
    torch::Tensor operator()(const torch::Tensor &batch, int64_t epoch, int64_t index) const;
    // The same with the generator seeded by `generatorSeed` directly (the studio's preview).
    torch::Tensor apply(const torch::Tensor &batch, uint64_t generatorSeed) const;

private:
    AugmentSettings m_s;
    uint64_t m_seed = 0;
    bool m_on = false;
    bool m_image = false;
    std::vector<double> m_mean, m_std;
};

} // namespace torchwright
