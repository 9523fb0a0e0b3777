#pragma once
// What every ONNX file Torchwright writes declares, in one place: the exporter writes these into
// the model and the bundle's manifest and README repeat them, so the two can never disagree.
// Also the one answer to "can this be written as ONNX?", for the exporter and its descriptor.

#include "torchwright/message.h"

#include <cstdint>
#include <string>

namespace torchwright {

// Opset 13: Softmax over one axis, Split with sizes as an input; read by every runtime since 2021.
constexpr int64_t kOnnxOpset = 13;
// IR version 8 (ONNX 1.10), fixed rather than the ONNX library's newest, so a file does not change
// with the library it was built with and older runtimes still read it.
constexpr int64_t kOnnxIrVersion = 8;
constexpr const char *kOnnxProducer = "Torchwright";

class GraphModelImpl;
// Why this build, or a layer of `model` when one is given, has no ONNX form; empty when it has.
Message onnxUnavailableReason(const GraphModelImpl *model);

} // namespace torchwright
