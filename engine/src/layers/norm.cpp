// Batch normalization over features or channels.

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
            return fail(std::string("expects a ") + (dims == 1 ? "C or CxL" : "CxHxW") + " input, got "
                        + formatShape(s));
        const int64_t declared = I(p, "num_features");
        if (declared > 0 && declared != s[0])
            return fail(std::to_string(s[0]) + " channels reach a layer that expects " + std::to_string(declared)
                        + " (num_features = " + std::to_string(declared) + ")");
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

} // namespace torchwright::layers
