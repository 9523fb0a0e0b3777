// The layers that pass samples through: the graph's Input, Dropout and Flatten.

#include "layers/entries.h"

namespace torchwright::layers {

using nlohmann::json;

LayerType inputLayer()
{
    LayerType t;
    t.name = "Input";
    t.category = "Input";
    t.description = "The dataset's samples; its shape comes from the dataset settings.";
    t.params = {
        choiceParam("dtype", "float32", {"float32", "int64"}, "Element type fed to the graph (int64 for token ids)")};
    t.inputCount = fixedInputs(0);
    // The analysis supplies the dataset's sample shape as the single "input".
    t.infer = [](const json &p, const std::vector<TensorType> &in) {
        DType dt = p.at("dtype") == "int64" ? DType::Int64 : DType::Float32;
        return ok(in.empty() ? Shape{} : in[0].shape, 0, 0, dt);
    };
    t.build = [](const json &, const std::vector<TensorType> &) {
        return stateless([](const torch::Tensor &x) { return x; }, [](const std::string &x) { return x; },
                         [](OnnxContext &, const std::string &x) { return x; });
    };
    t.python.forward = [](const json &, const std::vector<TensorType> &, const std::string &,
                          const std::vector<std::string> &x) { return x[0]; };
    return t;
}

LayerType dropoutLayer()
{
    LayerType t;
    t.name = "Dropout";
    t.category = "Regularization";
    t.description = "Zeroes elements with probability p while training.";
    t.params = {floatParam("p", 0.5, 0, 0.999, false, "Probability of zeroing an element")};
    t.inputCount = fixedInputs(1);
    t.infer = [](const json &, const std::vector<TensorType> &in) { return ok(in[0].shape); };
    t.build = [](const json &p, const std::vector<TensorType> &) {
        auto m = torch::nn::Dropout(torch::nn::DropoutOptions(F(p, "p")));
        auto b = std::make_shared<BuiltLayer>();
        b->module = m.ptr();
        b->forward = [m](const std::vector<torch::Tensor> &x) mutable { return m->forward(x[0]); };
        b->script = [](const ScriptContext &c) { return c.output + " = " + c.inputs[0]; };
        b->onnx = [](OnnxContext &c) { return c.inputs[0]; }; // eval mode: the identity
        return b;
    };
    t.python = pythonModule(
        [](const json &p, const std::vector<TensorType> &) { return "nn.Dropout(p=" + pyNumber(F(p, "p")) + ")"; });
    return t;
}

LayerType flattenLayer()
{
    LayerType t;
    t.name = "Flatten";
    t.category = "Reshape";
    t.description = "Flattens every dimension but the batch into one.";
    t.inputCount = fixedInputs(1);
    t.anyInputDType = true;
    t.infer = [](const json &, const std::vector<TensorType> &in) {
        return ok({elementCount(in[0].shape)}, 0, 0, in[0].dtype);
    };
    t.build = [](const json &, const std::vector<TensorType> &) {
        return stateless([](const torch::Tensor &x) { return torch::flatten(x, 1); },
                         [](const std::string &x) { return "torch.flatten(" + x + ", 1)"; },
                         onnxOp("Flatten", {onnxInt("axis", 1)}));
    };
    // start_dim=1, as torch::flatten(x, 1).
    t.python = pythonModule([](const json &, const std::vector<TensorType> &) { return "nn.Flatten()"; });
    return t;
}

} // namespace torchwright::layers
