#pragma once
// Run folders: runs/<time>-<name>/ with project.json (the project as trained), metrics.jsonl,
// and checkpoints last.pt / best.pt with a readable summary in last.json / best.json.

#include "torchwright/diagnostics.h"
#include "torchwright/exports.h"
#include "torchwright/project.h"
#include "torchwright/training.h"

#include <string>
#include <vector>

namespace torchwright {

struct RunSummary {
    std::string dir;
    std::string name;
    std::string created; // ISO time
    std::string status;  // completed, stopped, early_stopped, failed, running
    int epochsCompleted = 0;
    int epochsPlanned = 0;
    double bestValAccuracy = 0;
    double bestValLoss = 0;
    std::string device;
};

std::vector<RunSummary> listRuns(const std::string &runsDir);
RunSummary readRunSummary(const std::string &runDir);
std::vector<TrainingEvent> readMetrics(const std::string &runDir);
// The project copy stored in the run folder, with paths still resolving to the original data.
ProjectLoad loadRunProject(const std::string &runDir);

// The most classes for which evaluation keeps the whole confusion matrix; above it the matrix
// (memory in proportion to the square of the classes) is left empty and only the per-class
// figures are computed.
constexpr int kMaxConfusionClasses = 1000;

struct Evaluation {
    int samples = 0;
    int64_t correct = 0;
    double accuracy = 0;
    double loss = 0;
    std::vector<std::vector<int64_t>> confusion; // [true][predicted]; empty above kMaxConfusionClasses
    std::vector<int64_t> support;                // test samples per true class
    std::vector<std::string> classNames;
    std::vector<double> precision;
    std::vector<double> recall;
    std::vector<int> labels;      // per test sample, in the dataset's order
    std::vector<int> predictions; // per test sample
    std::string checkpoint;
};

// An 8-bit image of one sample for thumbnails: interleaved channels (1 or 3), row-major.
struct SampleImage {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<uint8_t> pixels;
};

// Test-split samples by index, as stored (IDX, CIFAR-10) or scaled to 0..255 (synthetic).
// Throws EngineError when the data cannot be read.
std::vector<SampleImage> testSampleImages(const Project &project, const std::vector<int> &indices);

// Evaluates a run's checkpoint ("best" when there is one, else "last") on the test split.
Evaluation evaluateRun(const std::string &runDir, const std::string &checkpoint = "best",
                       const std::string &device = "auto");

} // namespace torchwright
