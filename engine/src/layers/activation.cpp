// Element-wise activations and the (log-)softmax over one dimension.

#include "layers/entries.h"

#include <cmath>

namespace torchwright::layers {

using nlohmann::json;

namespace {

// GELU with the exact erf form PyTorch uses: ONNX has Gelu only from opset 20.
std::string onnxGelu(OnnxContext &c, const std::string &x)
{
    auto scalar = [&](const char *hint, float v) { return c.constant(hint, torch::tensor(v)); };
    const std::string e = c.node("Erf", {c.node("Div", {x, scalar("sqrt2", float(std::sqrt(2.0)))})});
    const std::string onePlus = c.node("Add", {e, scalar("one", 1.0f)});
    return c.node("Mul", {c.node("Mul", {x, onePlus}), scalar("half", 0.5f)});
}

// An element-wise layer without parameters: `scriptFunction` is its TorchScript function and
// `pythonConstructor` its nn.Module.
LayerType activation(std::string name, std::string description, std::function<torch::Tensor(const torch::Tensor &)> f,
                     std::string scriptFunction, OnnxUnary onnx, std::string pythonConstructor)
{
    LayerType t;
    t.name = std::move(name);
    t.category = "Activation";
    t.description = std::move(description);
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &, const std::vector<TensorType> &in) { return ok(in[0].shape); };
    t.build = [f, scriptFunction, onnx](const json &, const std::vector<TensorType> &) {
        return stateless(
            f, [scriptFunction](const std::string &x) { return scriptFunction + "(" + x + ")"; }, onnx);
    };
    t.python =
        pythonModule([pythonConstructor](const json &, const std::vector<TensorType> &) { return pythonConstructor; });
    return t;
}

} // namespace

LayerType reluLayer()
{
    return activation(
        "ReLU", "max(0, x)", [](const torch::Tensor &x) { return torch::relu(x); }, "torch.relu", onnxOp("Relu"),
        "nn.ReLU()");
}

// The exact (erf) form in all three: torch::gelu's default, nn.GELU's and onnxGelu's.
LayerType geluLayer()
{
    return activation(
        "GELU", "Gaussian error linear unit", [](const torch::Tensor &x) { return torch::gelu(x); }, "torch.gelu",
        onnxGelu, "nn.GELU()");
}

LayerType sigmoidLayer()
{
    return activation(
        "Sigmoid", "1 / (1 + exp(-x))", [](const torch::Tensor &x) { return torch::sigmoid(x); }, "torch.sigmoid",
        onnxOp("Sigmoid"), "nn.Sigmoid()");
}

LayerType tanhLayer()
{
    return activation(
        "Tanh", "Hyperbolic tangent", [](const torch::Tensor &x) { return torch::tanh(x); }, "torch.tanh",
        onnxOp("Tanh"), "nn.Tanh()");
}

LayerType leakyReluLayer()
{
    LayerType t = activation("LeakyReLU", "max(0, x) + slope * min(0, x)", nullptr, "", nullptr, "");
    t.params = {floatParam("negative_slope", 0.01, 0, 0, false, "Slope for negative inputs")};
    t.build = [](const json &p, const std::vector<TensorType> &) {
        const double slope = F(p, "negative_slope");
        return stateless(
            [slope](const torch::Tensor &x) { return torch::leaky_relu(x, slope); },
            [slope](const std::string &x) { return "torch.leaky_relu(" + x + ", " + pyNumber(slope) + ")"; },
            onnxOp("LeakyRelu", {onnxFloat("alpha", slope)}));
    };
    t.python = pythonModule([](const json &p, const std::vector<TensorType> &) {
        return "nn.LeakyReLU(negative_slope=" + pyNumber(F(p, "negative_slope")) + ")";
    });
    return t;
}

LayerType softmaxLayer(bool log)
{
    LayerType t =
        activation(log ? "LogSoftmax" : "Softmax",
                   log ? "Log of softmax along a dimension" : "Softmax along a dimension", nullptr, "", nullptr, "");
    t.params = {intParam("dim", -1, -kMaxRank, kMaxRank - 1,
                         "Sample dimension (batch excluded); negative counts from the end")};
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        if (sampleDim(I(p, "dim"), in[0].shape.size()) < 0)
            return fail(Message::tr("dim %1 is outside the %2 input", I(p, "dim"), formatShape(in[0].shape)));
        return ok(in[0].shape);
    };
    t.build = [log](const json &p, const std::vector<TensorType> &in) {
        const int64_t d = sampleDim(I(p, "dim"), in[0].shape.size()) + 1;
        const std::string fn = log ? "torch.log_softmax(" : "torch.softmax(";
        return stateless(
            [log, d](const torch::Tensor &x) { return log ? torch::log_softmax(x, d) : torch::softmax(x, d); },
            [fn, d](const std::string &x) { return fn + x + ", " + std::to_string(d) + ")"; },
            onnxOp(log ? "LogSoftmax" : "Softmax", {onnxInt("axis", d)}));
    };
    const std::string cls = log ? "LogSoftmax" : "Softmax";
    t.python = pythonModule([cls](const json &p, const std::vector<TensorType> &in) {
        return "nn." + cls + "(dim=" + std::to_string(batchDim(I(p, "dim"), in[0].shape.size())) + ")";
    });
    return t;
}

} // namespace torchwright::layers
