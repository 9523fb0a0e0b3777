#pragma once
// The loss of a batch and its number of correct predictions, shared by training, validation
// and evaluation so that all three measure the same thing.

#include "torchwright/project.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

namespace torchwright {

// Samples per forward pass when evaluating (validation each epoch, the test split). Activations
// of a whole evaluation batch are alive at once: at 1,024 the sample CNN's conv1 output alone
// took 103 MB and lifted the training process's peak from about 400 MB to 746 MB.
constexpr int64_t kEvaluationBatch = 256;

struct LossAndHits {
    torch::Tensor loss;
    torch::Tensor hits;        // number of correct predictions in the batch (a 0-dim tensor)
    torch::Tensor predictions; // predicted class per sample; a regression's predicted values
};

// A regression's figures over a set of samples, summed batch by batch: the mean absolute error
// and R^2 = 1 - (sum of squared errors) / (sum of squares about the targets' mean).
struct RegressionSums {
    double absError = 0, sqError = 0, sumY = 0, sumY2 = 0;
    int64_t n = 0;
    void add(const torch::Tensor &predicted, const torch::Tensor &target)
    {
        const torch::Tensor p = predicted.detach().to(torch::kFloat64).reshape({-1});
        const torch::Tensor y = target.detach().to(torch::kFloat64).reshape({-1});
        absError += (p - y).abs().sum().item<double>();
        sqError += (p - y).square().sum().item<double>();
        sumY += y.sum().item<double>();
        sumY2 += y.square().sum().item<double>();
        n += y.numel();
    }
    double mae() const { return n ? absError / double(n) : NAN; }
    // NaN without samples, or when every target is the same (no variance to explain).
    double r2() const
    {
        if (n == 0)
            return NAN;
        const double total = sumY2 - sumY * sumY / double(n);
        return total > 0 ? 1.0 - sqError / total : NAN;
    }
};

inline LossAndHits lossAndHits(const std::string &loss, const torch::Tensor &out, const torch::Tensor &labels,
                               int classes)
{
    namespace F = torch::nn::functional;
    if (labels.is_floating_point()) {
        // A regression (real-valued targets): one output per sample, the mean squared error, no
        // hits.
        LossAndHits r;
        r.predictions = out.reshape({-1});
        r.loss = F::mse_loss(r.predictions, labels.to(out.scalar_type()));
        return r;
    }
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

// Knowledge distillation's loss (compress.h) and its two parts, each a 0-dim tensor:
//   soft  = KL(softmax(teacher / T) || softmax(student / T)) * T^2, averaged over the batch (as
//           torch's kl_div(log_softmax(student / T), softmax(teacher / T), reduction "batchmean"));
//   hard  = the cross-entropy of the student's logits against the labels;
//   total = alpha * soft + (1 - alpha) * hard.
// The T^2 keeps the soft part's gradients on the hard part's scale whatever T is (Hinton et al.).
// The teacher's logits carry no gradient. Logits are [batch, classes], labels int64 [batch].
struct DistillationLoss {
    torch::Tensor total, soft, hard;
};

inline DistillationLoss distillationLoss(const torch::Tensor &studentLogits, const torch::Tensor &teacherLogits,
                                         const torch::Tensor &labels, double alpha, double temperature)
{
    namespace F = torch::nn::functional;
    const torch::Tensor logStudent = F::log_softmax(studentLogits / temperature, F::LogSoftmaxFuncOptions(1));
    const torch::Tensor logTeacher = F::log_softmax(
        teacherLogits.detach().to(studentLogits.scalar_type()) / temperature, F::LogSoftmaxFuncOptions(1));
    DistillationLoss r;
    // sum_c q_c (log q_c - log p_c) per sample, with log q from log_softmax (finite where q is 0).
    r.soft = (logTeacher.exp() * (logTeacher - logStudent)).sum(1).mean() * (temperature * temperature);
    r.hard = F::cross_entropy(studentLogits, labels);
    r.total = alpha * r.soft + (1.0 - alpha) * r.hard;
    return r;
}

} // namespace torchwright
