#pragma once
// Compression (the Compress step of Evaluate & deploy): pruning, int8 quantization and
// distillation. Each technique makes a run folder like any other (runs/<time>-<name>/ with
// project.json, run.json, metrics.jsonl, checkpoints), so listRuns(), evaluate, export,
// registerVersion() and the studio's runs panel see it; run.json carries a "compression" object
// saying what was done and from which run:
//
//   {"method": "prune" | "quantize" | "distill", "source_run": "<folder of the run it came from>",
//    ...the method's own figures (sparsity, removed channels, calibration, teacher, alpha, T)}
//
// A quantized run keeps the float checkpoint it was made from (best.pt/last.pt, copied) and adds
// kInt8OnnxFile, the int8 ONNX model that ONNX Runtime runs; its bundle carries that model.
// The before/after table (compressionTable) measures the original and any compressed runs the
// same way. All functions throw EngineError naming what failed.

#include "torchwright/message.h"
#include "torchwright/training.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace torchwright {

// The int8 ONNX model in a quantized run's folder.
constexpr const char *kInt8OnnxFile = "model.int8.onnx";

// Progress and log lines of a long compression step, for the CLI and the studio (called on the
// thread that runs the step).
using CompressLog = std::function<void(const Message &)>;

// ---- Pruning -------------------------------------------------------------------------------
// pruneRun() (engine/src/prune.cpp) reads the run's checkpoint and runs `steps` steps; step k
// prunes to amount * k / steps (a linear schedule) of the original figures, starting from the
// previous step's best checkpoint, and fine-tunes `finetuneEpochs` epochs through the ordinary
// trainer into a run folder of its own (a run of the original project: runs panel, evaluate,
// export and versions see it). Each step's run.json records "compression": {"method": "prune",
// "source_run", "checkpoint", "structured", "score", "amount", "steps", "step", "schedule":
// "linear", "step_amount", "finetune_epochs", "parameters_before", "parameters_after",
// "macs_before", "macs_after", "sparsity", "layers", and "previous_run" after the first step}.
//
// Unstructured: the weight tensors of Conv2d, ConvTranspose2d and Linear layers (not biases, not
// normalization) are ranked together by magnitude and the smallest set to zero; the masks go to
// the run folder as masks.pt (TrainRequest::masks), which keeps them at zero while fine-tuning.
// "layers" holds each weight's zero share. Multiply-adds do not change (the tensors stay dense).
//
// Structured: whole Conv2d output channels and Linear output neurons go, ranked by their score
// normalised by the layer's mean score, lowest first, until the multiply-adds (GraphAnalysis)
// are at most (1 - amount) of the original; every layer keeps at least one channel. The
// following layers lose the matching inputs (through Flatten, the channels' blocks; BatchNorm is
// sliced); layers whose outputs meet in an Add share one channel set, and a layer whose channels
// reach something that cannot drop them (the model's output, softmax, layer normalization,
// recurrent layers, an Add with an unpruned input) keeps them all, with a log line saying why.
// The sliced weights are a checkpoint in <runs>/.pruned/, the fine-tuning run's pretraining
// source ("start_weights"). "layers" holds {"before", "after"} output channels per layer.
struct PruneOptions {
    // Unstructured: the share of the prunable weights (Conv/Linear weight tensors, globally by
    // magnitude) set to zero. Structured: the share of the multiply-adds to remove, by removing
    // whole conv output channels and linear output neurons. Above 0 and below 1.
    double amount = 0.5;
    bool structured = false;
    // Structured: "l1" (the channel's sum of |weight| and |bias|) or "taylor" (|sum over the
    // channel of weight * gradient|, summed over `scoreBatches` training batches, eval mode).
    std::string score = "l1";
    int scoreBatches = 32;
    int steps = 1;                   // the amount is reached over this many steps (1..100)
    int finetuneEpochs = 1;          // fine-tuning epochs after each step (0: the pruned weights as they are)
    std::string checkpoint = "best"; // of the source run: "best" or "last"
    std::string runsDir;             // "" = the source run's runs folder
    std::optional<std::string> device;
    std::optional<int> batchLimit; // per fine-tuning epoch (tests, benchmarks)
};
struct PruneResult {
    std::string runDir; // the run folder of the pruned model (after its last fine-tuning)
    int64_t parametersBefore = 0, parametersAfter = 0; // structured: counts; unstructured: non-zero
    int64_t macsBefore = 0, macsAfter = 0;
    double sparsity = 0;    // zero share of the prunable weights (Conv/Linear weight tensors)
    nlohmann::json summary; // what run.json's "compression" records (the last step's)
};
PruneResult pruneRun(const std::string &runDir, const PruneOptions &options, const TrainingEventSink &sink,
                     const CompressLog &log = {});

// ---- int8 quantization ------------------------------------------------------------------------
struct QuantizeOptions {
    std::string mode = "static";     // "static" (calibrated QDQ) or "dynamic" (Linear/LSTM/GRU)
    int calibrate = 512;             // training samples the observers see (static)
    std::string observer = "minmax"; // "minmax", "percentile" or "entropy"
    double percentile = 99.99;       // with "percentile"
    std::string checkpoint = "best";
    std::string runsDir; // "" = the source run's runs folder
    int testLimit = 0;   // accuracy on the first N test samples only (tests); 0 = the full test split
};
struct QuantizeResult {
    std::string runDir;   // the quantized run's folder
    std::string onnxFile; // <runDir>/model.int8.onnx
    int64_t floatOnnxBytes = 0, int8OnnxBytes = 0;
    // On the full test split, both through ONNX Runtime; agreement = share of test samples where
    // the int8 model predicts the float model's class. NaN when not measured.
    double floatAccuracy = NAN, int8Accuracy = NAN, agreement = NAN;
    int testSamples = 0;
    nlohmann::json summary; // what run.json's "compression" records
};
QuantizeResult quantizeRun(const std::string &runDir, const QuantizeOptions &options, const CompressLog &log = {});

// ---- Distillation -----------------------------------------------------------------------------
// Distillation is a project setting (/distill: teacher run, checkpoint, alpha, temperature): a
// project with a teacher trains with loss = alpha * KL(student/T || teacher/T) * T^2
// + (1 - alpha) * cross-entropy, and its Batch and Epoch events carry both parts (softLoss,
// hardLoss; metrics.jsonl's soft_loss and hard_loss). Validation and test stay plain
// cross-entropy and accuracy, so a distilled run compares with the student trained alone. The
// teacher must take the student's sample shape and give its output shape (checked when the
// request is made and again when training starts: an EngineError at /distill/teacher naming the
// teacher run and both shapes), and the student must use the cross_entropy loss. Its outputs are
// computed once for the training split when augmentation is off (and they take at most a quarter
// of the memory left), else for each batch. run.json's "compression" adds "checkpoint", "alpha",
// "temperature", "teacher_parameters", "student_parameters" and "teacher_logits" ("cached" or
// "per_batch"). distillRequest() makes the training request for a student project file and a
// teacher run, as `torchwright-cli distill TEACHER_RUN STUDENT_PROJECT` does: the project as read
// with /distill/teacher pointing at the run (relative to the project) and alpha and T when given
// (checked against the settings' ranges); the file itself is not changed.
TrainRequest distillRequest(const std::string &teacherRunDir, const std::string &studentProjectFile,
                            std::optional<double> alpha = {}, std::optional<double> temperature = {});

// ---- The before/after table -------------------------------------------------------------------
struct CompressionRow {
    std::string runDir, label, method; // method: "original", "prune", "quantize", "distill"
    int64_t parameters = 0, nonZeroParameters = 0, macs = 0;
    int64_t torchscriptBytes = -1, onnxBytes = -1; // -1: the format cannot hold it
    // Medians of repeated runs, milliseconds per batch; NaN when not measured (no ONNX Runtime,
    // or no TorchScript form for an int8 model).
    double libtorchMs1 = NAN, libtorchMs64 = NAN, onnxRuntimeMs1 = NAN, onnxRuntimeMs64 = NAN;
    double testAccuracy = NAN;   // on the full test split (ONNX Runtime for an int8 model)
    double accuracyChange = NAN; // points against the original
    bool passes = false;         // within the allowed drop
    std::string note;
};
struct CompressionTableOptions {
    double allowedDrop = 1.0; // points of test accuracy a row may lose and still pass
    int repeats = 30;         // timed runs per latency figure (the median is reported)
    int threads = 0;          // 0 = LibTorch's and ONNX Runtime's defaults
};
std::vector<CompressionRow> compressionTable(const std::string &originalRunDir, const std::vector<std::string> &runDirs,
                                             const CompressionTableOptions &options = {}, const CompressLog &log = {});

// The runs made from `sourceRunDir`: those in `runsDirs` (none given: the source's own runs
// folder) whose run.json "compression"."source_run" names it, oldest first, each once. Runs whose
// run.json cannot be read are left out.
struct CompressedRun {
    std::string runDir, label, method;
};
std::vector<CompressedRun> compressedRuns(const std::string &sourceRunDir,
                                          const std::vector<std::string> &runsDirs = {});

} // namespace torchwright
