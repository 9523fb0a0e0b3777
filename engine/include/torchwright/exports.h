#pragma once
// Exports of a trained run, each checked against the model it came from, and the deployment
// bundle with its predictor. Every file is written to a temporary and renamed into place, so a
// failed export leaves nothing half-written. All functions throw EngineError with a message
// naming what failed (a layer by node name, a file by path).

#include <cstdint>
#include <string>
#include <vector>

namespace torchwright {

// TorchScript: a torch::jit::Module with the weights as parameters and buffers and a generated
// forward in eval mode; loads with torch.jit.load (Python) and torch::jit::load (C++).
void exportTorchScript(const std::string &runDir, const std::string &outFile,
                       const std::string &checkpoint = "best");

// ONNX (opset 13) written with ONNX's own library: input "input" and output "logits" with a
// dynamic batch dimension, weights as initializers, class names and normalization as metadata.
// onnx::checker::check_model passes before the file is written. A layer with no ONNX form is
// refused with its node named.
void exportOnnx(const std::string &runDir, const std::string &outFile,
                const std::string &checkpoint = "best");

// A standalone PyTorch program in `outDir`: train.py (the model as an nn.Module with the graph's
// layer names, the project's data loading, preprocessing, optimizer, schedule, loss and seed,
// torch.distributed data parallel under torchrun), weights.pt (the run's weights, a plain dict
// name -> tensor that torch.load reads, names as in the engine: "conv1.weight"), README.md.
void exportPythonProgram(const std::string &runDir, const std::string &outDir,
                         const std::string &checkpoint = "best");

// The formats a run can be exported to, as named on the command line and in the project.
const std::vector<std::string> &exportFormats();

// A deployment bundle folder: model.pt (TorchScript), model.onnx (when every layer has an ONNX
// form), manifest.json (input shape and type, normalization, class names, source project, run,
// metrics, format versions, SHA-256 of every file) and README.md.
void exportBundle(const std::string &runDir, const std::string &outDir,
                  const std::string &checkpoint = "best");

struct ClassScore {
    int index = 0;
    std::string name;
    double probability = 0;
};
struct Prediction {
    std::vector<ClassScore> top; // best first
};
// Runs a bundle's TorchScript model on INPUT: an IDX image file (raw pixels, normalised as the
// manifest says) or a raw tensor file (.npy, already preprocessed, [N, ...] or one sample).
// Checks the bundle's checksums first. One Prediction per sample.
std::vector<Prediction> predictBundle(const std::string &bundleDir, const std::string &inputFile,
                                      int topK = 3, const std::string &device = "cpu");

} // namespace torchwright
