#pragma once
// The layer registry: one entry per layer type with its parameters (types, defaults, ranges),
// its input ports, its shape rule, its builder (the LibTorch module with its TorchScript and ONNX
// forms, engine/src/builtlayer.h) and its Python form. The header is torch-free so the studio can
// show palettes and inspectors without compiling LibTorch's headers; builders are opaque here.
// The entries are in engine/src/layers/, one file per family.

#include "torchwright/graph.h"
#include "torchwright/message.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace torchwright {

// A sample's shape, without the batch dimension: {64, 14, 14} is shown as "64x14x14".
using Shape = std::vector<int64_t>;
std::string formatShape(const Shape &shape);
// The product of the dimensions; int64's largest when it overflows.
int64_t elementCount(const Shape &shape);

enum class DType { Float32, Int64 };
const char *dtypeName(DType t);

struct TensorType {
    Shape shape;
    DType dtype = DType::Float32;
    friend bool operator==(const TensorType &a, const TensorType &b)
    {
        return a.shape == b.shape && a.dtype == b.dtype;
    }
};

enum class ParamType { Int, Float, Bool, Choice };

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::Int;
    // null: required, the project must give it.
    nlohmann::json defaultValue;
    // Inclusive. An Int's range is always stated (at most kMaxDimension, torchwright/limits.h);
    // for a Float, min == max == 0 means unbounded and max == 0 no upper bound.
    double min = 0;
    double max = 0;
    bool minExclusive = false;
    std::vector<std::string> choices; // for Choice
    std::string help;
    // For required parameters: the value a new node starts with in the editor.
    nlohmann::json example;

    bool required() const { return defaultValue.is_null(); }
    // Describes the accepted values, e.g. "an integer >= 1", for error messages.
    Message expectation() const;
};

// What a shape rule says about one node with given inputs.
struct LayerInference {
    TensorType output;
    int64_t parameters = 0;   // trainable parameter count
    int64_t multiplyAdds = 0; // per sample, forward pass
    std::string error;        // non-empty: the inputs do not fit (English: errorText.str())
    Message errorText;        // the same, to show translated
    int errorPort = -1;       // the input port the error is about, or -1
};

struct BuiltLayer; // engine/src/builtlayer.h: a torch module and its forward

// How a layer is written in the exported PyTorch program (train.py). It is text made from the
// parameters and inferred inputs alone, torch-free, so it sits here in the entry beside the
// shape rule rather than in the builder: the export writes the model without building modules.
struct PythonForm {
    // The nn.Module made in __init__ ("nn.Linear(64, 10, bias=True)"), whose parameter and buffer
    // names equal LibTorch's; null for layers written inline in forward (Add, Concat).
    std::function<std::string(const nlohmann::json &params, const std::vector<TensorType> &inputs)> module;
    // The expression computing the output, in eval mode and in training as the builder does, from
    // the input variables `x`; `self` is the expression naming the module.
    std::function<std::string(const nlohmann::json &params, const std::vector<TensorType> &inputs,
                              const std::string &self, const std::vector<std::string> &x)>
        forward;
};

struct LayerType {
    std::string name;
    std::string category; // "Input", "Linear", "Convolution", "Pooling", "Normalization", ...
    std::string description;
    std::vector<ParamSpec> params;
    // Number of input ports for given (validated) parameters; 0 for Input.
    std::function<int(const nlohmann::json &params)> inputCount;
    DType inputDType = DType::Float32;
    bool anyInputDType = false; // passes its input's element type through (Flatten)
    std::function<LayerInference(const nlohmann::json &params, const std::vector<TensorType> &inputs)> infer;
    // Builds the module; only called after infer() succeeded on the same inputs.
    std::function<std::shared_ptr<BuiltLayer>(const nlohmann::json &params, const std::vector<TensorType> &inputs)>
        build;
    PythonForm python;
};

class LayerRegistry {
public:
    static const LayerRegistry &instance();
    const LayerType *find(const std::string &name) const;
    const std::vector<LayerType> &types() const { return m_types; }
    std::vector<std::string> categories() const;

    // Parameters of a freshly added node: defaults, and each required one's example value.
    nlohmann::json initialParams(const LayerType &type) const;

    // Fills defaults; returns problems with paths under `where` ("/graph/nodes/3/params").
    // Unknown and missing parameters and out-of-range values are each reported.
    nlohmann::json normalizeParams(const LayerType &type, const nlohmann::json &params, const std::string &where,
                                   class Diagnostics &diags, int nodeId) const;

private:
    LayerRegistry();
    std::vector<LayerType> m_types;
};

} // namespace torchwright
