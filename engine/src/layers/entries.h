#pragma once
// Private to the layer entries (engine/src/layers/*.cpp): the helpers they share and each
// family's entry functions, which registry.cpp lists in the palette's order. An entry is one
// function returning a LayerType with everything about that layer side by side: parameters,
// shape rule (infer), builder (module and forward, TorchScript and ONNX forms) and Python form.

#include "builtlayer.h"
#include "layers/python.h"
#include "torchwright/layers.h"
#include "torchwright/limits.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace torchwright::layers {

// ---- parameters ------------------------------------------------------------------------------

ParamSpec intParam(std::string name, nlohmann::json def, double min, double max, std::string help);
ParamSpec floatParam(std::string name, nlohmann::json def, double min, double max, bool minExclusive, std::string help);
ParamSpec boolParam(std::string name, bool def, std::string help);
ParamSpec choiceParam(std::string name, std::string def, std::vector<std::string> choices, std::string help);

// A validated parameter's value.
int64_t I(const nlohmann::json &p, const char *k);
double F(const nlohmann::json &p, const char *k);
bool B(const nlohmann::json &p, const char *k);

// ---- shape rules -----------------------------------------------------------------------------

LayerInference fail(Message message, int port = 0);
// A fitting output; a failure when the output has more than kMaxElements elements or a count
// overflowed (torchwright/limits.h).
LayerInference ok(Shape shape, Count params = 0, Count macs = 0, DType dtype = DType::Float32);
// The problem when a weight tensor (`what`: "the weight 3x4") of `elements` is larger than
// kMaxElements, else an empty message.
Message weightTooLarge(Message what, Count elements);
std::function<int(const nlohmann::json &)> fixedInputs(int n);
// Resolves a negative dimension against a sample's rank (batch excluded); -1 when invalid.
int64_t sampleDim(int64_t dim, size_t rank);

struct Conv2dGeometry {
    int64_t k, s, pad, dil;
};
// A convolution's or pooling window's output size along one dimension (conv.cpp).
int64_t convOut(int64_t size, const Conv2dGeometry &g);

// ---- builders: TorchScript and ONNX ---------------------------------------------------------

// "[a, b]", a TorchScript int list.
std::string ints(int64_t a, int64_t b);

using OnnxUnary = std::function<std::string(OnnxContext &, const std::string &x)>;

// A stateless layer of one input: forward, TorchScript expression, ONNX nodes.
std::shared_ptr<BuiltLayer> stateless(std::function<torch::Tensor(const torch::Tensor &)> f,
                                      std::function<std::string(const std::string &)> expr, OnnxUnary onnx);
// An ONNX operator applied to the layer's one input.
OnnxUnary onnxOp(std::string op, std::vector<OnnxAttribute> attributes = {});

// ---- Python forms ----------------------------------------------------------------------------

// Most layers: the module applied to the single input.
std::string callModule(const nlohmann::json &, const std::vector<TensorType> &, const std::string &self,
                       const std::vector<std::string> &x);
// A layer written as the nn.Module `module` makes, called on its input.
PythonForm pythonModule(std::function<std::string(const nlohmann::json &, const std::vector<TensorType> &)> module);
// A negative "dim" parameter counts from the end of the sample; +1 for the batch dimension.
int64_t batchDim(int64_t dim, size_t sampleRank);

// ---- the entries, by family --------------------------------------------------------------------

// core.cpp
LayerType inputLayer();
LayerType dropoutLayer();
LayerType flattenLayer();
// linear.cpp
LayerType linearLayer();
// conv.cpp
LayerType conv2dLayer();
LayerType convTranspose2dLayer();
// pool.cpp
LayerType pool2dLayer(bool max);
LayerType adaptiveAvgPoolLayer();
// norm.cpp
LayerType batchNormLayer(int dims);
LayerType layerNormLayer();
// activation.cpp
LayerType reluLayer();
LayerType leakyReluLayer();
LayerType geluLayer();
LayerType sigmoidLayer();
LayerType tanhLayer();
LayerType softmaxLayer(bool log);
// merge.cpp
LayerType addLayer();
LayerType concatLayer();
// sequence.cpp
LayerType embeddingLayer();
LayerType recurrentLayer(bool lstm);
LayerType attentionLayer();

} // namespace torchwright::layers
