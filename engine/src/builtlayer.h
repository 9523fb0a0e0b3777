#pragma once
// What a registry builder returns: the torch module holding the layer's weights (null for
// stateless layers) and the forward function over its inputs, plus the TorchScript and ONNX
// emitters, so every form of a layer is written in one place.

#include "torchwright/layers.h"

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace torchwright {

struct ScriptContext {
    std::vector<std::string> inputs; // variable names of the inputs, by port
    std::string output;              // variable to assign
    std::string self;                // attribute prefix for this node's tensors: "self.conv1__"
};

// An ONNX node attribute: an integer, a float, a list of integers or a string.
struct OnnxAttribute {
    enum class Kind { Int, Float, Ints, String };
    std::string name;
    Kind kind = Kind::Int;
    int64_t i = 0;
    double f = 0;
    std::vector<int64_t> ints;
    std::string s;
};
inline OnnxAttribute onnxInt(std::string name, int64_t v)
{
    return {std::move(name), OnnxAttribute::Kind::Int, v, 0, {}, {}};
}
inline OnnxAttribute onnxFloat(std::string name, double v)
{
    return {std::move(name), OnnxAttribute::Kind::Float, 0, v, {}, {}};
}
inline OnnxAttribute onnxInts(std::string name, std::vector<int64_t> v)
{
    return {std::move(name), OnnxAttribute::Kind::Ints, 0, 0, std::move(v), {}};
}
inline OnnxAttribute onnxString(std::string name, std::string v)
{
    return {std::move(name), OnnxAttribute::Kind::String, 0, 0, {}, std::move(v)};
}

// What an ONNX emitter writes into: the graph being built, seen from one layer. Tensor names
// are strings; the batch dimension is dynamic, so shapes given to Reshape keep it with 0.
class OnnxContext {
public:
    virtual ~OnnxContext() = default;
    std::vector<std::string> inputs; // tensor names of the inputs, by port
    std::vector<Shape> inputShapes;  // their sample shapes (batch excluded)
    Shape outputShape;               // the layer's inferred sample shape

    // The initializer holding this layer's tensor `local` ("weight", "out_proj.weight").
    virtual std::string weight(const std::string &local) = 0;
    // The value of that tensor, for emitters that must rearrange it (recurrent gates).
    virtual torch::Tensor weightValue(const std::string &local) = 0;
    // A new initializer named after this layer and `hint`.
    virtual std::string constant(const std::string &hint, const torch::Tensor &value) = 0;
    // Appends a node; returns the names of its outputs.
    virtual std::vector<std::string> nodes(const std::string &op, const std::vector<std::string> &inputs,
                                           const std::vector<OnnxAttribute> &attributes, int outputs) = 0;
    std::string node(const std::string &op, const std::vector<std::string> &inputs,
                     const std::vector<OnnxAttribute> &attributes = {})
    {
        return nodes(op, inputs, attributes, 1)[0];
    }
    // An int64 vector initializer (Reshape shapes, Split sizes, Gather indices).
    std::string int64s(const std::string &hint, const std::vector<int64_t> &values)
    {
        return constant(hint, torch::tensor(values, torch::kInt64));
    }
};

struct BuiltLayer {
    std::shared_ptr<torch::nn::Module> module; // registered under the node's name; may be null
    std::function<torch::Tensor(const std::vector<torch::Tensor> &)> forward;
    // TorchScript statements in eval mode, each on its own line, using the module's parameters
    // and buffers as `<self><name with . replaced by __>`. Null when not exportable.
    std::function<std::string(const ScriptContext &)> script;
    // ONNX nodes in eval mode; returns the name of the layer's output tensor. Null, or throwing
    // std::invalid_argument with the reason, when the layer has no ONNX form.
    std::function<std::string(OnnxContext &)> onnx;
};

} // namespace torchwright
