// The fully connected layer.

#include "layers/entries.h"

namespace torchwright::layers {

using nlohmann::json;

LayerType linearLayer()
{
    LayerType t;
    t.name = "Linear";
    t.category = "Linear";
    t.description = "Fully connected layer over the last dimension.";
    t.params = {intParam("in_features", 0, 0, 0, "Input features; 0 infers them from the input"),
                intParam("out_features", nullptr, 1, 0, "Output features"),
                boolParam("bias", true, "Learn an additive bias")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        const Shape &s = in[0].shape;
        if (s.empty())
            return fail(Message::tr("expects at least one dimension, got a scalar"));
        const int64_t features = s.back();
        const int64_t declared = I(p, "in_features");
        if (declared > 0 && declared != features) {
            if (s.size() > 1)
                return fail(Message::tr("%1 features reach a layer that expects %2 (in_features = %2); the input "
                                        "is %3, add a Flatten before it",
                                        features, declared, formatShape(s)));
            return fail(
                Message::tr("%1 features reach a layer that expects %2 (in_features = %2)", features, declared));
        }
        const int64_t out = I(p, "out_features");
        Shape o = s;
        o.back() = out;
        const int64_t lead = elementCount(s) / features;
        const Count weights = Count(features) * out;
        Message tooLarge = weightTooLarge(Message::tr("the weight %1x%2", out, features), weights);
        if (!tooLarge.empty())
            return fail(tooLarge);
        return ok(o, weights + (B(p, "bias") ? out : 0), Count(lead) * weights);
    };
    t.build = [](const json &p, const std::vector<TensorType> &in) {
        auto m =
            torch::nn::Linear(torch::nn::LinearOptions(in[0].shape.back(), I(p, "out_features")).bias(B(p, "bias")));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        const bool bias = B(p, "bias");
        b->script = [bias](const ScriptContext &c) {
            std::string s = c.output + " = torch.matmul(" + c.inputs[0] + ", " + c.self + "weight.t())";
            if (bias)
                s += " + " + c.self + "bias";
            return s;
        };
        b->onnx = [bias](OnnxContext &c) {
            // Gemm for [N, F]; a longer input (a sequence) multiplies its last dimension.
            if (c.inputShapes[0].size() == 1) {
                std::vector<std::string> in = {c.inputs[0], c.weight("weight")};
                if (bias)
                    in.push_back(c.weight("bias"));
                return c.node("Gemm", in, {onnxInt("transB", 1)});
            }
            const std::string wt = c.node("Transpose", {c.weight("weight")}, {onnxInts("perm", {1, 0})});
            const std::string y = c.node("MatMul", {c.inputs[0], wt});
            return bias ? c.node("Add", {y, c.weight("bias")}) : y;
        };
        return b;
    };
    t.python = pythonModule([](const json &p, const std::vector<TensorType> &in) {
        return "nn.Linear(" + std::to_string(in[0].shape.back()) + ", " + std::to_string(I(p, "out_features"))
               + ", bias=" + pyBool(B(p, "bias")) + ")";
    });
    return t;
}

} // namespace torchwright::layers
