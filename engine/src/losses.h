#pragma once
// The loss of a batch and its number of correct predictions, shared by training, validation
// and evaluation so that all three measure the same thing.

#include "torchwright/project.h"

#include <torch/torch.h>

#include <string>

namespace torchwright {

// Samples per forward pass when evaluating (validation each epoch, the test split). Activations
// of a whole evaluation batch are alive at once: at 1,024 the sample CNN's conv1 output alone
// took 103 MB and lifted the training process's peak from about 400 MB to 746 MB.
constexpr int64_t kEvaluationBatch = 256;

struct LossAndHits {
    torch::Tensor loss;
    torch::Tensor hits;        // number of correct predictions in the batch (a 0-dim tensor)
    torch::Tensor predictions; // predicted class per sample
};

inline LossAndHits lossAndHits(const std::string &loss, const torch::Tensor &out, const torch::Tensor &labels,
                               int classes)
{
    namespace F = torch::nn::functional;
    const bool binary = out.dim() == 2 && out.size(1) == 1 && classes <= 2;
    torch::Tensor predictions = binary ? (out.squeeze(1) > 0).to(torch::kInt64) : out.argmax(1);
    LossAndHits r;
    r.predictions = predictions;
    r.hits = predictions.eq(labels).sum();
    if (loss == "cross_entropy") {
        r.loss = F::cross_entropy(out, labels);
    } else {
        torch::Tensor target =
            binary ? labels.to(out.scalar_type()).unsqueeze(1) : F::one_hot(labels, out.size(1)).to(out.scalar_type());
        r.loss = loss == "mse" ? F::mse_loss(out, target) : F::binary_cross_entropy_with_logits(out, target);
    }
    return r;
}

// The loss the project trains with: against the labels, or, when the target is the input
// (/training/target), the mean squared error between the output and the input; a
// reconstruction has no hits or predictions (both stay undefined).
inline LossAndHits projectLoss(const TrainingSettings &t, const torch::Tensor &out, const torch::Tensor &inputs,
                               const torch::Tensor &labels, int classes)
{
    if (!t.reconstructs())
        return lossAndHits(t.loss, out, labels, classes);
    LossAndHits r;
    r.loss = torch::nn::functional::mse_loss(out, inputs);
    return r;
}

} // namespace torchwright
