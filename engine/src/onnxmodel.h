#pragma once
// The float ONNX model held in memory (export_onnx.cpp), for the exporter and for what rewrites
// it before it is written (the int8 quantizer, quantize.cpp). Only with ONNX's C++ library.

#if TORCHWRIGHT_HAVE_ONNX

#include "checkpoint.h"
#include "torchwright/analysis.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <set>
#include <string>

namespace torchwright {

struct OnnxModel {
    onnx::ModelProto proto;
    // Graph node id -> the name of the ONNX tensor that holds that node's output (the Input node's
    // is "input"; a layer that passes its input through, like Dropout, names its input's tensor).
    std::map<int, std::string> nodeOutputs;
    Shape outputShape; // per sample, of "logits"
};

// The run's model as ONNX (opset 13): weights as initializers under the engine's names, the batch
// dimension symbolic, metadata for the preprocessing. Throws EngineError naming a layer that has
// no ONNX form.
OnnxModel buildOnnxModel(LoadedRun &run, const std::string &runDir);

// onnx::checker plus strict shape inference; the inferred output must be `expected` per sample.
// Throws EngineError (a bug in Torchwright when it fails).
void verifyOnnxModel(onnx::ModelProto m, const Shape &expected);

// Node and tensor names are unique in a graph: `base` when `used` lacks it, else base_2, base_3,
// ... ("conv1/Conv", then "conv1/Conv_2"); the name returned is added to `used`.
std::string uniqueName(std::set<std::string> &used, const std::string &base);

// Serialises and writes atomically; throws EngineError / WriteError naming the file.
void writeOnnxModel(const onnx::ModelProto &m, const std::string &outFile);

} // namespace torchwright

#endif
