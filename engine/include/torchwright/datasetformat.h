#pragma once
// Dataset formats: one descriptor per kind of data a project can train on ("idx", "cifar10",
// "synthetic", ...). Everything that depends on the kind (which settings it uses, how its files
// are checked and read, the pixel scale and preprocessing it implies, how the exported program
// and the bundle read it) is asked of its descriptor; nothing else branches on the kind's name.
// Adding a format is one file engine/src/datasets/<name>.cpp that makes its descriptor (with
// its reader, engine/src/datasetreader.h), one line in the list in engine/src/datasetformats.cpp,
// and the exported program's reader engine/templates/datasets/<name>.py. Torch-free, so the
// studio can list formats and their settings without LibTorch's headers.

#include "torchwright/diagnostics.h"
#include "torchwright/layers.h"
#include "torchwright/runs.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace torchwright {

struct Project;
struct DatasetReader; // engine-private: how the format's files are checked and read as tensors

struct DatasetFormat {
    std::string name;        // as stored in the project file ("/dataset/kind")
    std::string label;       // as shown in the studio ("IDX files (MNIST layout)")
    std::string description; // one sentence for tooltips, help and `validate`
    bool needsPath = true;   // reads files from the folder in "/dataset/path"
    // JSON pointers of the settings that only this format uses ("/dataset/synthetic/noise").
    std::vector<std::string> settings;
    // The factor stored values are multiplied by before normalisation, for an Input layer of
    // element type `inputType`: 1/255 for bytes fed to a float model, 1 for token ids and for
    // data that is already real-valued. The one place this rule is written.
    std::function<double(DType inputType)> scale;
    // The exported program's reader, relative to engine/templates: a Python file defining
    // load_raw(data_dir) -> (train inputs, train labels, test inputs, test labels) as stored.
    std::string programReader;
    // Template files the reader uses, shared with other formats' readers, relative to
    // engine/templates; the program holds each once, before the reader.
    std::vector<std::string> programHelpers;
    // A file the exported program reads beside train.py instead of the dataset folder ("data.pt":
    // the raw splits, pickled, when Python cannot reproduce them); empty when it reads the folder.
    std::string programDataFile;
    // The class names the data itself defines (an image folder's sorted class folders, a list's
    // string labels), for `validate --fix` and the studio to write into /dataset/class_names and
    // /dataset/num_classes; null or empty when the project states them. Throws EngineError naming
    // the file when the data cannot be listed.
    std::function<std::vector<std::string>(const Project &)> classNames;
    std::shared_ptr<const DatasetReader> reader;
    // Whether the project's target is a real value to predict (regression: one output, the mse
    // loss, R^2 and MAE instead of accuracy) rather than a class; null: always a class.
    std::function<bool(const Project &)> regression;
};

// An input a format could not read and left out of the data: the file (and the 1-based line, for
// a table row; 0 otherwise) and why. Never dropped silently: loading lists every one.
struct SkippedInput {
    std::string file;
    int64_t line = 0;
    Message reason;
};

// Progress and cancellation for an import that takes a while (decoding an image folder). Both
// are optional. `progress` is called from the importing thread, with the items done so far and
// the total; setting `*cancel` makes the import throw ImportCancelled soon after.
struct ImportControl {
    std::function<void(int64_t done, int64_t total)> progress;
    const std::atomic<bool> *cancel = nullptr;
    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
    void report(int64_t done, int64_t total) const
    {
        if (progress)
            progress(done, total);
    }
};

// Thrown by an import stopped through ImportControl::cancel.
class ImportCancelled : public EngineError {
public:
    ImportCancelled();
};

// Every format, in the order the studio lists them.
const std::vector<DatasetFormat> &datasetFormats();
// The format of that name, or null.
const DatasetFormat *findDatasetFormat(const std::string &name);
// The format a project uses; throws EngineError when its kind is unknown.
const DatasetFormat &datasetFormat(const Project &project);
std::vector<std::string> datasetFormatNames();
// Whether the project's dataset format says its target is a real value (DatasetFormat::regression);
// false for an unknown format.
bool isRegression(const Project &project);

// One sample to show in the studio, with its class.
struct DatasetSample {
    int label = 0;
    SampleImage image; // stored bytes as they are; real values stretched to 0..255 per sample
};
// The first `perClass` samples of each class in the test split (the smallest files), in file
// order, grouped by class. Throws EngineError naming the file when the data cannot be read.
std::vector<DatasetSample> datasetPreview(const Project &project, int perClass);

// What the Input data stage and `validate` show about a project's data before training.
struct DatasetSummary {
    std::string format;
    int64_t trainCount = 0; // as read, before the validation split is taken off
    int64_t testCount = 0;
    std::vector<std::string> classNames;
    std::vector<int64_t> trainPerClass; // class balance, one count per class
    std::vector<int64_t> testPerClass;
    // Per channel (one value for tables and sequences), of the training split as the model sees
    // it before normalisation (bytes scaled to 0..1).
    std::vector<double> mean;
    std::vector<double> std;
    // Source sizes before any resizing ("28x28" -> number of files); empty when the format has
    // no notion of it.
    std::map<std::string, int64_t> sourceSizes;
    std::vector<SkippedInput> skipped;  // every input left out, in file order
    std::vector<Message> warnings;      // things to know before training (a class with one image)
    std::vector<DatasetSample> samples; // up to `perClass` training samples per class
    // Tables: the header and the first rows as read, for a preview table.
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
};
// Reads the project's data (through the cache where the format has one) and summarises it.
// Throws EngineError naming the file when the data cannot be read, ImportCancelled when stopped.
DatasetSummary datasetSummary(const Project &project, int perClass, const ImportControl &control = {});

} // namespace torchwright
