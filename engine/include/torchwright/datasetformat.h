#pragma once
// Dataset formats: one descriptor per kind of data a project can train on ("idx", "cifar10",
// "synthetic", ...). Everything that depends on the kind (which settings it uses, how its files
// are checked and read, the pixel scale and preprocessing it implies, how the exported program
// and the bundle read it) is asked of its descriptor; nothing else branches on the kind's name.
// Adding a format is one file engine/src/datasets/<name>.cpp that makes its descriptor (with
// its reader, engine/src/datasetreader.h), one line in the list in engine/src/datasetformats.cpp,
// and the exported program's reader engine/templates/datasets/<name>.py. Torch-free, so the
// studio can list formats and their settings without LibTorch's headers.

#include "torchwright/layers.h"
#include "torchwright/runs.h"

#include <functional>
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
    // A file the exported program reads beside train.py instead of the dataset folder ("data.pt":
    // the raw splits, pickled, when Python cannot reproduce them); empty when it reads the folder.
    std::string programDataFile;
    std::shared_ptr<const DatasetReader> reader;
};

// Every format, in the order the studio lists them.
const std::vector<DatasetFormat> &datasetFormats();
// The format of that name, or null.
const DatasetFormat *findDatasetFormat(const std::string &name);
// The format a project uses; throws EngineError when its kind is unknown.
const DatasetFormat &datasetFormat(const Project &project);
std::vector<std::string> datasetFormatNames();

// One sample to show in the studio, with its class.
struct DatasetSample {
    int label = 0;
    SampleImage image; // stored bytes as they are; real values stretched to 0..255 per sample
};
// The first `perClass` samples of each class in the test split (the smallest files), in file
// order, grouped by class. Throws EngineError naming the file when the data cannot be read.
std::vector<DatasetSample> datasetPreview(const Project &project, int perClass);

} // namespace torchwright
