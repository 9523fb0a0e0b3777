#pragma once
// A layer graph built as one torch::nn::Module. Each layer's module is registered under its
// node's name, so parameters(), to(device), save and load see everything; forward runs the
// nodes in topological order.

#include "builtlayer.h"
#include "torchwright/analysis.h"
#include "torchwright/graph.h"

#include <torch/torch.h>

namespace torchwright {

class GraphModelImpl : public torch::nn::Module {
public:
    // Throws EngineError with the analysis' diagnostics when the graph does not check.
    GraphModelImpl(const Graph &graph, const TensorType &sample);

    torch::Tensor forward(const torch::Tensor &input);

    const Graph &graph() const { return m_graph; }
    const GraphAnalysis &analysis() const { return m_analysis; }
    // The built layer of a node (for the exporters).
    const BuiltLayer *layer(NodeId id) const;

private:
    struct Step {
        NodeId id;
        std::vector<int> inputSlots; // indices into the value table
        std::shared_ptr<BuiltLayer> layer;
    };
    Graph m_graph;
    GraphAnalysis m_analysis;
    std::vector<Step> m_steps;
    int m_inputStep = -1;
    int m_outputStep = -1;
    std::map<int, int> m_stepOfNode;
};
TORCH_MODULE(GraphModel);

} // namespace torchwright
