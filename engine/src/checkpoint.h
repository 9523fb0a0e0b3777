#pragma once
// Checkpoints: model weights, optimizer state, epoch and random-number state in one LibTorch
// archive, written atomically. `last.pt` after every epoch, `best.pt` when the watched metric
// improves; each has a readable summary beside it (`last.json`, `best.json`).
//
// Integrity: a checkpoint is serialised in memory and written with checked writes, fsync and a
// rename (a full disk throws WriteError and keeps the previous file). It carries "checksums", the
// SHA-256 of every tensor in it (weights, optimizer state, RNG state, counters) by archive path.
// Loading reads the file whole, checks it as a zip (archivecheck.h: every entry inside the file,
// CRC-32s match), checks every tensor against its storage, then compares every tensor with its
// SHA-256; any failure is an EngineError naming the file and the entry or tensor, before a
// single weight is copied, so a damaged checkpoint is never trained on, evaluated or exported.
// Checkpoints written before checksums existed still load (their zip CRC-32s and tensor bounds
// are checked), with a warning on stderr that their tensors are not verified.

#include "model.h"
#include "torchwright/project.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <string>

namespace torchwright {

struct TrainingState {
    int epoch = 0;          // completed epochs
    std::string shuffleRng; // std::mt19937_64 state as text
    torch::Tensor torchRng; // the default CPU generator's state
    double bestMetric = 0;  // best value of the watched metric so far
    int bestEpoch = 0;
    int epochsWithoutImprovement = 0;
    // The CUDA generator's state (dropout masks drawn on the GPU) when the run trains on CUDA;
    // undefined otherwise. A run resumed on the CPU cannot use it (its draws come from the CPU
    // generator), so it continues exactly only in everything but dropout.
    torch::Tensor cudaRng;
    // fp16's loss scaler (precision.h): its scale (0 = none), clean steps since it last changed,
    // and the steps it skipped in the run so far.
    double lossScale = 0;
    double lossScaleCleanSteps = 0;
    int64_t skippedSteps = 0;
};

void saveCheckpoint(const std::string &path, GraphModelImpl &model, torch::optim::Optimizer *optimizer,
                    const TrainingState &state);
// Restores everything saved; `device` is where the optimizer state goes. Throws EngineError.
TrainingState loadCheckpoint(const std::string &path, GraphModelImpl &model, torch::optim::Optimizer *optimizer,
                             const torch::Device &device);

// Pretraining: copies the weights of layers found by name in a checkpoint (`*.pt` written by
// Torchwright, or a run folder, whose best.pt or last.pt is used). Layers missing from the
// source keep their initialisation; a shape mismatch is an error naming the layer and both
// shapes. Returns a line per copied layer.
std::vector<Message> loadPretrainedWeights(const std::string &source, GraphModelImpl &model);

// A run folder's checkpoint file by role ("best" falls back to "last" when absent).
std::string checkpointPath(const std::string &runDir, const std::string &which);

// A run's project and model with a checkpoint's weights, in eval mode on `device`.
struct LoadedRun {
    Project project;
    GraphModel model{nullptr};
    std::string checkpoint;
};
LoadedRun loadRun(const std::string &runDir, const std::string &which, const torch::Device &device);

// The layer graph as a torch::jit::Module: weights as parameters and buffers, forward generated
// from each layer's TorchScript emitter, in eval mode. Throws EngineError naming a layer that
// cannot be exported.
torch::jit::Module buildScriptModule(GraphModelImpl &model);

// exportOnnx() for a run already loaded (tests use it to reach layers directly).
void writeOnnxFile(LoadedRun &run, const std::string &runDir, const std::string &outFile);

// A batch of `n` samples for checking an export against the engine: normal noise for float
// inputs, token ids below the smallest vocabulary for int64 ones. Leaves the global RNG alone.
torch::Tensor exampleBatch(GraphModelImpl &model, const Project &project, int64_t n);

// Checks that `exported` gives the engine model's outputs on an example batch (eval mode);
// throws EngineError naming `what` and the difference when it does not.
void checkAgainstEngine(GraphModelImpl &model, const Project &project, torch::jit::Module &exported,
                        const std::string &what);

// The per-channel mean and std training applied to inputs scaled to 0..1 (both empty when the
// project normalises nothing). Read from the run's run.json; computed from the data for runs
// that predate the record.
struct Normalization {
    std::vector<double> mean;
    std::vector<double> std;
};
Normalization runNormalization(const std::string &runDir, const Project &project);

// The run's record of the exact preprocessing (DataSplits::preprocessing): {"format", "scale",
// "normalize", "mean", "std"} plus the format's part ("image", "table") and "augmentation".
// Read from run.json; for runs that predate the record, made from the normalisation and the
// project's format. Exports and bundles carry it so predict and other programs preprocess alike.
nlohmann::json runPreprocessing(const std::string &runDir, const Project &project);

// A run folder's run.json, checked before any field is used: an object whose known fields have
// their types (strings; epochs as integers 0..100000; best_val_* as numbers or null;
// normalization as {mean, std} arrays of numbers; preprocessing as an object). Throws EngineError naming run.json and
// the field's JSON pointer.
nlohmann::json readRunJson(const std::string &runDir);

torch::Tensor defaultGeneratorState();
void setDefaultGeneratorState(const torch::Tensor &state);
// The default generator of a CUDA device (undefined tensor for the CPU).
torch::Tensor cudaGeneratorState(const torch::Device &device);
void setCudaGeneratorState(const torch::Device &device, const torch::Tensor &state);

} // namespace torchwright
