// Batch normalization over features or channels, and layer normalization over the last dimension.

#include "layers/entries.h"

namespace torchwright::layers {

using nlohmann::json;

LayerType batchNormLayer(int dims)
{
    LayerType t;
    t.name = dims == 1 ? "BatchNorm1d" : "BatchNorm2d";
    t.category = "Normalization";
    t.description = dims == 1 ? "Batch normalization over C or CxL inputs." : "Batch normalization over CxHxW inputs.";
    t.params = {intParam("num_features", 0, 0, 0, "Channels; 0 infers them from the input"),
                floatParam("eps", 1e-5, 0, 0, true, "Added to the variance"),
                floatParam("momentum", 0.1, 0, 1, false, "Running statistics update rate")};
    t.inputCount = fixedInputs(1);
    t.infer = [dims](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        const bool fits = dims == 1 ? (s.size() == 1 || s.size() == 2) : s.size() == 3;
        if (!fits)
            return fail(Message::tr("expects a %1 input, got %2", dims == 1 ? "C or CxL" : "CxHxW", formatShape(s)));
        const int64_t declared = I(p, "num_features");
        if (declared > 0 && declared != s[0])
            return fail(Message::tr("%1 channels reach a layer that expects %2 (num_features = %2)", s[0], declared));
        return ok(s, Count(2) * s[0], 0);
    };
    t.build = [dims](const json &p, const std::vector<TensorType> &in) {
        const int64_t c = in[0].shape[0];
        const double eps = F(p, "eps"), momentum = F(p, "momentum");
        auto b = std::make_shared<BuiltLayer>();
        if (dims == 1) {
            auto m = torch::nn::BatchNorm1d(torch::nn::BatchNorm1dOptions(c).eps(eps).momentum(momentum));
            b->module = m.ptr();
            b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        } else {
            auto m = torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(c).eps(eps).momentum(momentum));
            b->module = m.ptr();
            b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        }
        b->script = [eps](const ScriptContext &c) {
            return c.output + " = torch.batch_norm(" + c.inputs[0] + ", " + c.self + "weight, " + c.self + "bias, "
                   + c.self + "running_mean, " + c.self + "running_var, False, 0.0, " + pyNumber(eps) + ", False)";
        };
        b->onnx = [eps](OnnxContext &c) {
            return c.node(
                "BatchNormalization",
                {c.inputs[0], c.weight("weight"), c.weight("bias"), c.weight("running_mean"), c.weight("running_var")},
                {onnxFloat("epsilon", eps)});
        };
        return b;
    };
    const std::string cls = t.name;
    t.python = pythonModule([cls](const json &p, const std::vector<TensorType> &in) {
        return "nn." + cls + "(" + std::to_string(in[0].shape[0]) + ", eps=" + pyNumber(F(p, "eps"))
               + ", momentum=" + pyNumber(F(p, "momentum")) + ")";
    });
    return t;
}

LayerType layerNormLayer()
{
    LayerType t;
    t.name = "LayerNorm";
    t.category = "Normalization";
    t.description = "Layer normalization over the last dimension (the features of each step).";
    t.params = {floatParam("eps", 1e-5, 0, 0, true, "Added to the variance")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        if (s.empty())
            return fail(Message::tr("expects at least one dimension, got a scalar"));
        const int64_t e = s.back();
        return ok(s, Count(2) * e, Count(elementCount(s)) * 2);
    };
    t.build = [](const json &p, const std::vector<TensorType> &in) {
        const int64_t e = in[0].shape.back();
        const double eps = F(p, "eps");
        auto m = torch::nn::LayerNorm(torch::nn::LayerNormOptions({e}).eps(eps));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        b->script = [e, eps](const ScriptContext &c) {
            return c.output + " = torch.layer_norm(" + c.inputs[0] + ", [" + std::to_string(e) + "], " + c.self
                   + "weight, " + c.self + "bias, " + pyNumber(eps) + ", False)";
        };
        // Opset 13 has no LayerNormalization: mean and variance over the last axis, written out.
        b->onnx = [eps](OnnxContext &c) {
            const std::vector<OnnxAttribute> last = {onnxInts("axes", {-1}), onnxInt("keepdims", 1)};
            const std::string centered = c.node("Sub", {c.inputs[0], c.node("ReduceMean", {c.inputs[0]}, last)});
            const std::string variance = c.node("ReduceMean", {c.node("Mul", {centered, centered})}, last);
            const std::string stdev =
                c.node("Sqrt", {c.node("Add", {variance, c.constant("eps", torch::tensor(float(eps)))})});
            const std::string normalized = c.node("Div", {centered, stdev});
            return c.node("Add", {c.node("Mul", {normalized, c.weight("weight")}), c.weight("bias")});
        };
        return b;
    };
    t.python = pythonModule([](const json &p, const std::vector<TensorType> &in) {
        return "nn.LayerNorm(" + std::to_string(in[0].shape.back()) + ", eps=" + pyNumber(F(p, "eps")) + ")";
    });
    return t;
}

} // namespace torchwright::layers
