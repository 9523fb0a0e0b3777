#pragma once
// What a registry builder returns: the torch module holding the layer's weights (null for
// stateless layers) and the forward function over its inputs, plus the TorchScript emitter.

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

struct BuiltLayer {
    std::shared_ptr<torch::nn::Module> module; // registered under the node's name; may be null
    std::function<torch::Tensor(const std::vector<torch::Tensor> &)> forward;
    // TorchScript statements in eval mode, each on its own line, using the module's parameters
    // and buffers as `<self><name with . replaced by __>`. Null when not exportable.
    std::function<std::string(const ScriptContext &)> script;
};

} // namespace torchwright
