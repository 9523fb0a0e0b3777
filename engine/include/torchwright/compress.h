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
struct PruneOptions {
    // Unstructured: the share of the prunable weights (Conv/Linear weight tensors, globally by
    // magnitude) set to zero. Structured: the share of the multiply-adds to remove, by removing
    // whole conv output channels and linear output neurons.
    double amount = 0.5;
    bool structured = false;
    std::string score = "l1"; // structured: "l1" (the channel's weight norm) or "taylor"
    int steps = 1;            // the amount is reached over this many steps
    int finetuneEpochs = 1;   // fine-tuning epochs after each step
    std::string checkpoint = "best";
    std::string runsDir; // "" = the source run's runs folder
    std::optional<std::string> device;
    std::optional<int> batchLimit; // per fine-tuning epoch (tests, benchmarks)
};
struct PruneResult {
    std::string runDir; // the run folder of the pruned model (after its last fine-tuning)
    int64_t parametersBefore = 0, parametersAfter = 0; // structured: counts; unstructured: non-zero
    int64_t macsBefore = 0, macsAfter = 0;
    double sparsity = 0;    // unstructured: zero share of the prunable weights
    nlohmann::json summary; // what run.json's "compression" records
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
// hardLoss). distillRequest() makes the training request for a student project and a teacher
// run, as `torchwright-cli distill TEACHER_RUN STUDENT_PROJECT` does.
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

} // namespace torchwright
