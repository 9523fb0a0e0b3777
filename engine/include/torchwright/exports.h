#pragma once
// Exports of a trained run, each checked against the model it came from, and the deployment
// bundle with its predictor. Every file is written to a temporary and renamed into place, so a
// failed export leaves nothing half-written. All functions throw EngineError with a message
// naming what failed (a layer by node name, a file by path).

#include "torchwright/message.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace torchwright {

// TorchScript: a torch::jit::Module with the weights as parameters and buffers and a generated
// forward in eval mode; loads with torch.jit.load (Python) and torch::jit::load (C++).
void exportTorchScript(const std::string &runDir, const std::string &outFile, const std::string &checkpoint = "best");

// ONNX (opset 13, IR version 8: engine/src/onnxconstants.h) written with ONNX's own library:
// input "input" and output "logits" with a dynamic batch dimension, weights as initializers,
// class names and normalization as metadata. onnx::checker::check_model passes before the file
// is written. A layer with no ONNX form is refused with its node named.
void exportOnnx(const std::string &runDir, const std::string &outFile, const std::string &checkpoint = "best");

// A standalone PyTorch program in `outDir`: train.py (the model as an nn.Module with the graph's
// layer names, the project's data loading, preprocessing, optimizer, schedule, loss and seed,
// torch.distributed data parallel under torchrun), weights.pt (the run's weights, a plain dict
// name -> tensor that torch.load reads, names as in the engine: "conv1.weight"), README.md.
void exportPythonProgram(const std::string &runDir, const std::string &outDir, const std::string &checkpoint = "best");

// One format a run can be exported to: everything the CLI, the studio's export dialog, project
// validation and the deployment bundle need to know about it, so that adding a format is one
// entry in exportFormatsList() (exportformats.cpp) and no caller names formats.
struct ExportFormat {
    std::string name;        // on the command line and in the project's /export/formats: "onnx"
    std::string target;      // the file or folder it writes inside the run folder by default
    bool folder = false;     // it writes a folder
    std::string title;       // "ONNX"
    std::string label;       // one line in a list of choices: the title and what reads it
    std::string description; // what it writes, for help texts and the studio's notes
    // Why this build, or the run in `runDir`, cannot be exported to the format; empty when it
    // can. With an empty runDir only the build is asked. A quick structural check: the export
    // itself still refuses what only writing it finds (a layer's parameters with no form).
    std::function<Message(const std::string &runDir)> unavailableReason;
    // Writes the format to `out`; throws EngineError naming what failed.
    std::function<void(const std::string &runDir, const std::string &out, const std::string &checkpoint)> exportTo;

    // In a deployment bundle: its file there (empty: bundles leave the format out), whether the
    // bundle goes without it when it fails, what the manifest says of it besides the file, and
    // its line in the bundle's README.
    std::string bundleFile;
    bool bundleOptional = false;
    nlohmann::json bundleInfo;
    std::string bundleReadme;

    Message whyUnavailable(const std::string &runDir = {}) const
    {
        return unavailableReason ? unavailableReason(runDir) : Message();
    }
};

// Every export format, in the order they are offered.
const std::vector<ExportFormat> &exportFormatsList();
// The format named `name`, or null.
const ExportFormat *findExportFormat(const std::string &name);
// The formats' names, as on the command line and in the project.
const std::vector<std::string> &exportFormats();

// A deployment bundle folder: model.pt (TorchScript), model.onnx (when every layer has an ONNX
// form), manifest.json (input shape and type, normalization, class names, source project, run,
// metrics, format versions, SHA-256 of every file) and README.md.
void exportBundle(const std::string &runDir, const std::string &outDir, const std::string &checkpoint = "best");

struct ClassScore {
    int index = 0;
    std::string name;
    double probability = 0;
};
struct Prediction {
    std::vector<ClassScore> top; // best first
    std::string source;          // the file (or "file.csv:LINE") it was read from; empty for IDX and .npy
};
// Runs a bundle's TorchScript model on INPUT: a raw tensor file (.npy: uint8 pixels are
// preprocessed as the manifest says, float32 is taken as already preprocessed, [N, ...] or one
// sample), or what the training data's format reads: an IDX image file, image files or a folder
// of them, CSV rows; these are preprocessed with the run's record exactly as in training.
// Checks the bundle's checksums first. One Prediction per sample.
std::vector<Prediction> predictBundle(const std::string &bundleDir, const std::string &inputFile, int topK = 3,
                                      const std::string &device = "cpu");

} // namespace torchwright
