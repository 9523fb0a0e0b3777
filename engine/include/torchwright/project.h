#pragma once
// The project document: pipeline settings plus the layer graph, saved as versioned JSON. All
// paths are stored relative to the project file; nothing else depends on this machine.

#include "torchwright/analysis.h"
#include "torchwright/diagnostics.h"
#include "torchwright/graph.h"
#include "torchwright/layers.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace torchwright {

inline constexpr const char *kProjectFormat = "torchwright-project";
inline constexpr int kProjectVersion = 2;

// The csv format's own settings (datasets/csv.cpp): a table whose rows are samples.
struct CsvSettings {
    std::string file;     // the training table, in the dataset folder (or absolute); .gz is read too
    std::string testFile; // the test table; empty: test_fraction of `file` is held out
    double testFraction = 0.2;
    std::vector<std::string> features;   // column names or 0-based indices; empty: all but the target
    std::string target;                  // the target column's name or 0-based index
    std::string task = "classification"; // or "regression": a real-valued target
    std::string delimiter = "auto";      // auto, comma, semicolon, tab
    std::string header = "auto";         // auto, yes, no: whether the first row names the columns
    int skipRows = -1;                   // rows before the header (or data); -1: detect a count line
    int maxClasses = 1000;               // more distinct target values than this is refused
};

// The image formats' settings (image_folder, image_list; engine/src/datasets/image_*.cpp).
struct ImageDatasetSettings {
    std::string channels = "auto";  // "auto" (what most files are), "grayscale", "rgb"
    std::string resize = "stretch"; // "stretch" or "crop" (shorter side to the target, centre crop)
    double testFraction = 0.2;      // held out as the test split when there is no test root or list
    std::string testPath;           // image_folder: the test root ("": ROOT/test when ROOT/train is there)
    // image_list: CSV files in /dataset/path, and the columns naming the image and the label.
    std::string trainList = "train.csv";
    std::string testList; // "": the training list is split by testFraction
    std::string imageColumn = "x:image";
    std::string labelColumn = "y:label";
};

struct DatasetSettings {
    std::string kind = "idx"; // "idx" (MNIST layout), "cifar10" (binary batches), "synthetic"
    std::string path;         // as written in the file: relative to the project, or absolute
    Shape sampleShape;        // declared shape of one sample, without batch
    int numClasses = 10;
    std::vector<std::string> classNames;
    double validationFraction = 0.1;
    uint64_t splitSeed = 42;
    // synthetic only
    int syntheticTrain = 1024;
    int syntheticTest = 256;
    double syntheticNoise = 0.5;
    uint64_t syntheticSeed = 7;
    CsvSettings csv;
    ImageDatasetSettings image;
};

// Random changes to training batches (never validation, test or evaluation data), applied after
// normalisation; engine/src/augment.h states each operation exactly. All off by default.
struct AugmentSettings {
    uint64_t seed = 0; // 0: derived from /training/seed
    // Images ([C, H, W] or [H, W] samples):
    double hflip = 0;      // probability of a horizontal flip
    double vflip = 0;      // probability of a vertical flip
    int translate = 0;     // random crop after padding by this many pixels on each side
    double rotate = 0;     // largest rotation, degrees either way
    double scale = 0;      // largest relative zoom either way (0.1: 0.9x to 1.1x)
    double brightness = 0; // largest offset, in stored units times the format's scale (0..1 for bytes)
    double contrast = 0;   // largest relative change of the contrast (0.2: 0.8x to 1.2x)
    double noise = 0;      // std of Gaussian noise, in the same units as brightness
    // Tables and other 1-D samples:
    double featureNoise = 0; // std of Gaussian noise added to the standardised features

    bool imageOps() const
    {
        return hflip > 0 || vflip > 0 || translate > 0 || rotate > 0 || scale > 0 || brightness > 0 || contrast > 0
               || noise > 0;
    }
    bool any() const { return imageOps() || featureNoise > 0; }
};

struct PreprocessSettings {
    std::string normalize = "dataset"; // "none", "dataset" (mean/std of the training split), "fixed"
    std::vector<double> mean;          // for "fixed", one per channel
    std::vector<double> std;
    AugmentSettings augment;
};

struct PretrainSettings {
    bool enabled = false;
    std::string source;              // run folder or checkpoint file, relative to the project
    std::vector<std::string> frozen; // node names whose parameters are not trained
};

struct OptimizerSettings {
    std::string type = "adam"; // sgd, adam, adamw, rmsprop
    double lr = 1e-3;
    double momentum = 0.0;
    bool nesterov = false;
    double weightDecay = 0.0;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double alpha = 0.99; // rmsprop
};

struct ScheduleSettings {
    std::string type = "none"; // none, step, cosine
    int stepSize = 1;
    double gamma = 0.1;
    double minLr = 0.0;
};

struct EarlyStoppingSettings {
    bool enabled = false;
    std::string metric = "val_loss"; // val_loss, val_accuracy
    int patience = 3;
    double minDelta = 0.0;
};

struct TrainingSettings {
    int epochs = 5;
    int batchSize = 64;
    std::string loss = "cross_entropy"; // cross_entropy, mse, bce_with_logits
    // What the output is compared with: "labels" (the dataset's classes) or "input" (the sample
    // itself, with the mse loss: an autoencoder learns to reconstruct its input, unsupervised).
    std::string target = "labels";
    bool reconstructs() const { return target == "input"; }
    OptimizerSettings optimizer;
    ScheduleSettings schedule;
    EarlyStoppingSettings earlyStopping;
    double gradClip = 0.0; // max global L2 norm; 0 = off
    uint64_t seed = 1;
    std::string device = "auto"; // auto, cpu, cuda, cuda:N
    int threads = 0;             // 0 = automatic
    // The arithmetic of the forward pass: fp32, or autocast to bf16 or fp16 (fp16 with loss
    // scaling, CUDA only); weights and checkpoints stay float32 (engine/src/precision.h).
    std::string precision = "fp32";
    // Convolution weights and image batches in channels-last memory (NHWC), which GPU tensor
    // cores and oneDNN prefer; the results are the same up to rounding.
    bool channelsLast = false;
};

// The half of the lifecycle after deployment (torchwright/feedback.h, torchwright/versions.h):
// the Application, User feedback, Continuous optimization and Model update stages. Each setting
// is left out of the file while it has its default.
struct ApplicationSettings {
    int topK = 3; // classes shown per input in the try-it panel and logged with each prediction
};

// Continuous optimization: fine-tuning from a model version on the original training data plus
// the reviewed feedback items.
struct FinetuneSettings {
    int epochs = 3;
    double lr = 1e-4;                // small: the model starts trained
    double feedbackWeight = 5;       // each reviewed item is seen this many times per epoch (oversampling)
    double replayFraction = 0.5;     // the share of the original training data replayed in each epoch
    double holdout = 0.2;            // the share of reviewed items kept out of fine-tuning: the feedback set
    std::vector<std::string> frozen; // layers that keep the parent version's weights
};

// Model update: the promotion gate a candidate version must pass against the current one.
struct GateSettings {
    double maxTestDrop = 0.5;     // test accuracy may drop by at most this many points (R^2 x 100 for a regression)
    bool feedbackMustRise = true; // accuracy on the feedback set must rise (R^2 for a regression)
};

// Knowledge distillation (compress.h): a project with a teacher run trains with
// loss = alpha * KL(softmax(teacher / T) || softmax(student / T)) * T^2 + (1 - alpha) * cross-entropy.
// Validation and test stay plain cross-entropy and accuracy, so runs compare. Each setting is left
// out of the file while it has its default.
struct DistillSettings {
    std::string teacher;             // the teacher's run folder, relative to the project; "" = no distillation
    std::string checkpoint = "best"; // the teacher run's checkpoint: best or last
    double alpha = 0.5;              // the weight of the soft (teacher) part, 0..1
    double temperature = 4;          // T > 0: softens both distributions
    bool enabled() const { return !teacher.empty(); }
};

struct ExportSettings {
    std::vector<std::string> formats = {"torchscript"};
};

struct Project {
    std::string name;
    DatasetSettings dataset;
    PreprocessSettings preprocess;
    PretrainSettings pretrain;
    TrainingSettings training;
    DistillSettings distill;
    ExportSettings exports;
    ApplicationSettings application;
    FinetuneSettings finetune;
    GateSettings gate;
    Graph graph;
    nlohmann::json ui = nlohmann::json::object(); // studio layout, kept as-is

    // Absolute path of the project file it was loaded from or saved to ("" when new).
    std::string filePath;

    // `path` resolved against the project file's folder.
    std::string resolvePath(const std::string &path) const;
    std::string datasetPath() const { return resolvePath(dataset.path); }
};

struct ProjectLoad {
    Project project;
    Diagnostics diagnostics; // errors mean the project is not usable
    bool ok() const { return !diagnostics.hasErrors(); }
};

// Parses, migrates and checks a project's settings and graph structure. Shape problems come
// from analyzeProject().
ProjectLoad loadProjectFile(const std::string &path);
ProjectLoad parseProject(const std::string &text, const std::string &filePath = {});
ProjectLoad projectFromJson(nlohmann::json j, const std::string &filePath = {});

nlohmann::ordered_json projectToJson(const Project &project);
std::string serializeProject(const Project &project); // canonical, 2-space indent, final newline
// The project as it must be written at `newFilePath`: relative paths re-based from its current
// file's folder to the new one (absolute paths stay), filePath set to the new place.
Project relocatedProject(const Project &project, const std::string &newFilePath);
// Writes to a temporary beside `path` and renames it into place; throws EngineError on failure.
void saveProjectFile(Project &project, const std::string &path);

// Older project JSON brought up to kProjectVersion; problems go to `diags`.
nlohmann::json migrateProject(nlohmann::json j, Diagnostics &diags);

// True when every file the dataset needs is present; otherwise `missing` names the first absent
// file. The synthetic dataset needs none.
bool datasetFilesPresent(const Project &project, std::string *missing = nullptr);

// Settings checks that need no data: returns the graph analysis for the dataset's sample shape.
// Changes nothing; the analysis carries the normalised parameters (GraphAnalysis::normalize).
GraphAnalysis analyzeProject(const Project &project);

} // namespace torchwright
