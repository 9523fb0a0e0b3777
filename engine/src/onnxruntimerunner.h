#pragma once
// ONNX Runtime, run as an independent process: Node.js with onnxruntime-node (installed by
// scripts/setup-onnxruntime into <source>/.npm-tools, or where TORCHWRIGHT_ONNXRUNTIME names a
// folder holding node_modules/onnxruntime-node). The engine hands the inputs over as a .npy file
// and reads the outputs back the same way, so what is measured is ONNX Runtime's own result.

#include "torchwright/message.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace torchwright {

struct OnnxRuntimeOptions {
    std::vector<int> latencyBatches; // batch sizes to time (each: warm-up, then `repeats` runs)
    int repeats = 30;
    int threads = 0;     // intra-op threads; 0 = ONNX Runtime's default
    bool outputs = true; // run every input and return the outputs
};
struct OnnxRuntimeResult {
    torch::Tensor outputs;                 // [N, ...] float32, the model's "logits" for the inputs
    std::map<int, double> latencyMedianMs; // batch size -> median milliseconds per run
    std::string version;                   // onnxruntime-node's version
};

// Why ONNX Runtime cannot run here (no node, no onnxruntime-node); empty when it can.
Message onnxRuntimeUnavailable();

// Runs `onnxFile` on `inputs` ([N, ...sample], float32 or int64, already preprocessed).
OnnxRuntimeResult runOnnxRuntime(const std::string &onnxFile, const torch::Tensor &inputs,
                                 const OnnxRuntimeOptions &options = {});

} // namespace torchwright
