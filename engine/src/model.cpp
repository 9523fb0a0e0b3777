#include "model.h"

namespace torchwright {

GraphModelImpl::GraphModelImpl(const Graph &graph, const TensorType &sample) : m_graph(graph)
{
    m_analysis = analyzeGraph(m_graph, sample);
    if (!m_analysis.ok())
        throw EngineError(m_analysis.diagnostics);
    // Layers are built, and exports written, from the parameters with their defaults filled.
    m_analysis.normalize(m_graph);
    const auto &registry = LayerRegistry::instance();
    for (NodeId id : m_analysis.order) {
        const Node &n = *m_graph.node(id);
        const LayerType *type = registry.find(n.type);
        std::vector<TensorType> ins;
        Step step;
        step.id = id;
        if (n.type == "Input") {
            ins.push_back(sample);
        } else {
            for (const Edge &e : m_graph.inputsOf(id)) {
                step.inputSlots.push_back(m_stepOfNode.at(e.from.node.value));
                ins.push_back(*m_analysis.nodes.at(e.from.node.value).output);
            }
        }
        step.layer = type->build(n.params, ins);
        if (step.layer->module)
            register_module(n.name, step.layer->module);
        m_stepOfNode[id.value] = int(m_steps.size());
        if (id == m_analysis.inputNode)
            m_inputStep = int(m_steps.size());
        if (id == m_analysis.outputNode)
            m_outputStep = int(m_steps.size());
        m_steps.push_back(std::move(step));
    }
}

torch::Tensor GraphModelImpl::forward(const torch::Tensor &input)
{
    // Values by step; each is released after its last use would need reference counting that
    // costs more than it saves on graphs of this size.
    std::vector<torch::Tensor> values(m_steps.size());
    std::vector<torch::Tensor> args;
    for (size_t i = 0; i < m_steps.size(); ++i) {
        const Step &s = m_steps[i];
        args.clear();
        if (int(i) == m_inputStep)
            args.push_back(input);
        for (int slot : s.inputSlots)
            args.push_back(values[size_t(slot)]);
        try {
            values[i] = s.layer->forward(args);
        } catch (const c10::Error &e) {
            // Name the layer: LibTorch's own text ("index out of range in self") does not.
            const Node &n = *m_graph.node(s.id);
            throw EngineError(Message::tr("layer '%1' (%2): %3", n.name, n.type, e.what_without_backtrace()));
        }
    }
    return values[size_t(m_outputStep)];
}

const BuiltLayer *GraphModelImpl::layer(NodeId id) const
{
    auto it = m_stepOfNode.find(id.value);
    return it == m_stepOfNode.end() ? nullptr : m_steps[size_t(it->second)].layer.get();
}

} // namespace torchwright
