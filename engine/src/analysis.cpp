#include "torchwright/analysis.h"
#include "torchwright/limits.h"

#include <functional>
#include <map>
#include <set>

namespace torchwright {

using nlohmann::json;

std::optional<TensorType> GraphAnalysis::edgeType(const Edge &e) const
{
    auto it = nodes.find(e.from.node.value);
    if (it == nodes.end())
        return std::nullopt;
    return it->second.output;
}

void GraphAnalysis::normalize(Graph &graph) const
{
    std::set<int> done;
    for (Node &n : graph.nodes) {
        auto it = params.find(n.id.value);
        if (it != params.end() && done.insert(n.id.value).second)
            n.params = it->second;
    }
}

namespace {

std::string quoted(const Node &n) { return "'" + n.name + "'"; }

// A node's number of inputs, or nothing when its type or parameters are wrong.
using InputCount = std::function<std::optional<int>(const Node &)>;

// The rules for one edge of `graph`, shared by the editor's new edges and the edges a graph
// holds. `takenBy` is the index of an earlier edge that holds its input already, or -1. A new edge is
// also refused when it feeds its own layer or closes a cycle; for the edges a graph holds,
// analysis reports cycles (a layer feeding itself included) once, naming every node on them.
EdgeCheck checkEdge(const Graph &graph, const Edge &edge, int takenBy, bool isNew, const InputCount &inputCount)
{
    auto refuse = [](EdgeRefusal why, Message message) {
        EdgeCheck c;
        c.refusal = why;
        c.message = message.str();
        c.text = std::move(message);
        return c;
    };
    const Node *from = graph.node(edge.from.node);
    const Node *to = graph.node(edge.to.node);
    if (!from)
        return refuse(EdgeRefusal::MissingSource,
                      Message::tr("edge starts at node %1, which does not exist", edge.from.node.value));
    if (!to)
        return refuse(EdgeRefusal::MissingTarget,
                      Message::tr("edge ends at node %1, which does not exist", edge.to.node.value));
    if (edge.from.port != 0)
        return refuse(EdgeRefusal::NoSuchOutput,
                      Message::tr("node %1 has one output (port 0), got port %2", quoted(*from), edge.from.port));
    if (isNew && edge.from.node == edge.to.node)
        return refuse(EdgeRefusal::SelfLoop, Message::tr("layer %1 cannot feed itself", quoted(*from)));
    const std::optional<int> count = inputCount(*to);
    if (count && *count == 0)
        return refuse(EdgeRefusal::NoInputs, Message::tr("%1 (%2) takes no inputs", quoted(*to), to->type));
    if (count && (edge.to.port < 0 || edge.to.port >= *count))
        return refuse(EdgeRefusal::NoSuchInput, Message::tr("node %1 (%2) has %3 input port(s), got port %4",
                                                            quoted(*to), to->type, *count, edge.to.port));
    if (edge.to.port < 0)
        return refuse(EdgeRefusal::NoSuchInput,
                      Message::tr("node %1 (%2) has no input %3", quoted(*to), to->type, edge.to.port));
    if (takenBy >= 0) {
        EdgeCheck c = refuse(EdgeRefusal::InputTaken,
                             Message::tr("input %1 of %2 is already connected", edge.to.port, quoted(*to)));
        c.takenBy = takenBy;
        return c;
    }
    if (isNew && graph.wouldCreateCycle(edge))
        return refuse(EdgeRefusal::Cycle,
                      Message::tr("connecting %1 to %2 would create a cycle", quoted(*from), quoted(*to)));
    return {};
}

// The steps of analyzeGraph() and what they share: the graph, where it lies in the file, what
// the earlier steps learned about each node and edge, and the result being filled.
class GraphChecker {
public:
    GraphChecker(const Graph &graph, const std::string &where)
        : m_graph(graph), m_where(where), m_nodesPath(where + "/nodes/"), m_edgesPath(where + "/edges/"),
          m_registry(LayerRegistry::instance()), m_typeOf(graph.nodes.size(), nullptr), m_params(graph.nodes.size()),
          m_edgeOk(graph.edges.size(), false)
    {
    }

    void checkNodes();
    void checkEdges();
    void checkCycles();
    void checkConnections();
    void inferShapes(const TensorType &sample);
    GraphAnalysis result();

private:
    // Node i's layer type when both it and the parameters are valid, else null.
    const LayerType *usable(size_t i) const { return m_params[i] ? m_typeOf[i] : nullptr; }
    std::optional<int> inputCount(const Node &n) const;
    void checkNode(size_t i);
    NodeAnalysis inferNode(size_t i, const TensorType &sample);
    std::optional<std::vector<TensorType>> inputTypes(size_t i, const TensorType &sample);
    void reportInferenceError(size_t i, const LayerInference &r, const std::vector<TensorType> &ins);
    Diagnostics &diags() { return m_a.diagnostics; }

    const Graph &m_graph;
    const std::string m_where, m_nodesPath, m_edgesPath;
    const LayerRegistry &m_registry;
    GraphAnalysis m_a;
    std::vector<const LayerType *> m_typeOf;   // by node index; null for an unknown type
    std::vector<std::optional<json>> m_params; // by node index: normalised; empty when wrong
    std::vector<bool> m_edgeOk;                // by edge index: it may carry a shape
    std::map<int, int> m_firstIndexOfId;
    std::map<std::string, int> m_firstIndexOfName;
};

std::optional<int> GraphChecker::inputCount(const Node &n) const
{
    const int i = m_graph.indexOf(n.id);
    const LayerType *type = i < 0 ? nullptr : usable(size_t(i));
    if (!type)
        return std::nullopt;
    return type->inputCount(*m_params[size_t(i)]);
}

// Ids, names, types and parameters, and exactly one Input.
void GraphChecker::checkNodes()
{
    for (size_t i = 0; i < m_graph.nodes.size(); ++i)
        checkNode(i);
    std::vector<NodeId> inputs;
    for (size_t i = 0; i < m_graph.nodes.size(); ++i)
        if (m_typeOf[i] && m_graph.nodes[i].type == "Input")
            inputs.push_back(m_graph.nodes[i].id);
    if (inputs.empty())
        diags().error(m_where + "/nodes", Message::tr("the graph has no Input node"));
    else if (inputs.size() > 1)
        diags().error(m_where + "/nodes",
                      Message::tr("the graph has %1 Input nodes; exactly one is allowed", inputs.size()),
                      inputs[1].value);
    if (!inputs.empty())
        m_a.inputNode = inputs.front();
}

void GraphChecker::checkNode(size_t i)
{
    const Node &n = m_graph.nodes[i];
    const std::string path = m_nodesPath + std::to_string(i);
    if (!n.id.valid())
        diags().error(path + "/id", Message::tr("expected a non-negative integer id, got %1", n.id.value));
    else if (auto [it, fresh] = m_firstIndexOfId.emplace(n.id.value, int(i)); !fresh)
        diags().error(
            path + "/id",
            Message::tr("duplicate node id %1 (also used by %2)", n.id.value, m_nodesPath + std::to_string(it->second)),
            n.id.value);
    if (!isValidNodeName(n.name))
        diags().error(
            path + "/name",
            Message::tr("node name '%1' must start with a letter or '_' and hold only letters, digits and '_'", n.name),
            n.id.value);
    else if (auto [it, fresh] = m_firstIndexOfName.emplace(n.name, int(i)); !fresh)
        diags().error(
            path + "/name",
            Message::tr("duplicate node name '%1' (also used by %2)", n.name, m_nodesPath + std::to_string(it->second)),
            n.id.value);
    m_typeOf[i] = m_registry.find(n.type);
    if (!m_typeOf[i]) {
        std::string known;
        for (const auto &t : m_registry.types())
            known += (known.empty() ? "" : ", ") + t.name;
        diags().error(path + "/type", Message::tr("unknown layer type '%1' (known types: %2)", n.type, known),
                      n.id.value);
        return;
    }
    Diagnostics paramDiags;
    json normalized = m_registry.normalizeParams(*m_typeOf[i], n.params, path + "/params", paramDiags, n.id.value);
    if (!paramDiags.hasErrors())
        m_params[i] = std::move(normalized);
    // Each problem names the layer as well as the parameter's path.
    for (Diagnostic d : paramDiags.items()) {
        d.text = Message::tr("layer %1 (%2): %3", quoted(n), n.type, std::move(d.text));
        d.message = d.text.str();
        diags().add(std::move(d));
    }
}

// Every edge by the rules for a single edge, against the edges before it; cycles come next.
void GraphChecker::checkEdges()
{
    const InputCount count = [this](const Node &n) { return inputCount(n); };
    std::map<std::pair<int, int>, int> firstEdgeInto; // (node, port) -> the first edge ending there
    for (size_t j = 0; j < m_graph.edges.size(); ++j) {
        const Edge &e = m_graph.edges[j];
        const auto taken = firstEdgeInto.emplace(std::make_pair(e.to.node.value, e.to.port), int(j));
        const EdgeCheck check = checkEdge(m_graph, e, taken.second ? -1 : taken.first->second, false, count);
        m_edgeOk[j] = check.allowed();
        const std::string path = m_edgesPath + std::to_string(j);
        const int from = e.from.node.value, to = e.to.node.value;
        switch (check.refusal) {
        case EdgeRefusal::None: break;
        case EdgeRefusal::MissingSource: diags().error(path + "/from/node", check.text); break;
        case EdgeRefusal::MissingTarget: diags().error(path + "/to/node", check.text); break;
        case EdgeRefusal::NoSuchOutput: diags().error(path + "/from/port", check.text, from); break;
        case EdgeRefusal::NoInputs:
        case EdgeRefusal::NoSuchInput: diags().error(path + "/to/port", check.text, to, e.to.port); break;
        case EdgeRefusal::InputTaken:
            diags().error(path + "/to",
                          Message::tr("%1 by %2", check.text, m_edgesPath + std::to_string(check.takenBy)), to,
                          e.to.port);
            break;
        case EdgeRefusal::SelfLoop: // only new edges; a graph's own are cycles
        case EdgeRefusal::Cycle: break;
        }
    }
}

void GraphChecker::checkCycles()
{
    auto order = m_graph.topologicalOrder();
    if (order) {
        m_a.order = *order;
        return;
    }
    std::string names;
    for (NodeId id : m_graph.nodesOnCycles())
        if (const Node *n = m_graph.node(id))
            names += (names.empty() ? "" : ", ") + quoted(*n);
    diags().error(m_where + "/edges",
                  Message::tr("the graph has a cycle through %1; layers must form a directed acyclic graph", names));
}

// Every input connected, and exactly one layer without outgoing connections: the output.
void GraphChecker::checkConnections()
{
    // An input counts as connected by any edge ending there, even one reported above.
    std::set<std::pair<int, int>> connected;
    for (const Edge &e : m_graph.edges)
        if (m_graph.node(e.to.node))
            connected.insert({e.to.node.value, e.to.port});
    std::vector<std::string> sinks;
    for (size_t i = 0; i < m_graph.nodes.size(); ++i) {
        const Node &n = m_graph.nodes[i];
        if (const LayerType *type = usable(i)) {
            const int count = type->inputCount(*m_params[i]);
            for (int p = 0; p < count; ++p)
                if (!connected.count({n.id.value, p}))
                    diags().error(m_nodesPath + std::to_string(i),
                                  Message::tr("%1 %2 input %3 is not connected", type->name, quoted(n), p), n.id.value,
                                  p);
        }
        if (m_graph.outputsOf(n.id).empty()) {
            sinks.push_back(n.name);
            m_a.outputNode = n.id;
        }
    }
    if (sinks.size() > 1 && !m_graph.nodes.empty()) {
        std::string names;
        for (const auto &s : sinks)
            names += (names.empty() ? "'" : ", '") + s + "'";
        diags().error(m_where + "/nodes",
                      Message::tr("the graph must end in exactly one output layer, but %1 layers have no outgoing "
                                  "connection: %2",
                                  sinks.size(), names));
        m_a.outputNode = NodeId{};
    }
}

// Shapes, in topological order, from the dataset's sample shape.
void GraphChecker::inferShapes(const TensorType &sample)
{
    for (NodeId id : m_a.order) {
        const NodeAnalysis na = inferNode(size_t(m_graph.indexOf(id)), sample);
        if (na.ok) {
            // Saturating: each count is within int64, their sum need not be.
            m_a.totalParameters = (Count(m_a.totalParameters) + na.parameters).value();
            m_a.totalMultiplyAdds = (Count(m_a.totalMultiplyAdds) + na.multiplyAdds).value();
        }
        m_a.nodes[id.value] = na;
    }
}

NodeAnalysis GraphChecker::inferNode(size_t i, const TensorType &sample)
{
    NodeAnalysis na;
    na.id = m_graph.nodes[i].id;
    const LayerType *type = usable(i);
    if (!type)
        return na;
    const std::optional<std::vector<TensorType>> ins = inputTypes(i, sample);
    if (!ins)
        return na;
    const LayerInference r = type->infer(*m_params[i], *ins);
    if (!r.error.empty()) {
        reportInferenceError(i, r, *ins);
        return na;
    }
    na.output = r.output;
    na.parameters = r.parameters;
    na.multiplyAdds = r.multiplyAdds;
    na.ok = true;
    return na;
}

// The types reaching node i's inputs, or nothing when one is unknown (a problem reported
// elsewhere) or of an element type the layer does not take (reported here).
std::optional<std::vector<TensorType>> GraphChecker::inputTypes(size_t i, const TensorType &sample)
{
    const Node &n = m_graph.nodes[i];
    const LayerType &type = *usable(i);
    if (type.name == "Input")
        return std::vector<TensorType>{sample};
    std::vector<TensorType> ins;
    const int count = type.inputCount(*m_params[i]);
    for (int p = 0; p < count; ++p) {
        const Edge *edge = nullptr;
        for (size_t j = 0; j < m_graph.edges.size(); ++j)
            if (m_edgeOk[j] && m_graph.edges[j].to.node == n.id && m_graph.edges[j].to.port == p)
                edge = &m_graph.edges[j];
        auto src = edge ? m_a.nodes.find(edge->from.node.value) : m_a.nodes.end();
        if (!edge || src == m_a.nodes.end() || !src->second.output)
            return std::nullopt;
        const TensorType &t = *src->second.output;
        if (!type.anyInputDType && t.dtype != type.inputDType) {
            diags().error(m_nodesPath + std::to_string(i),
                          Message::tr("%1 %2 input %3 expects %4 values, got %5 from %6", type.name, quoted(n), p,
                                      dtypeName(type.inputDType), dtypeName(t.dtype),
                                      quoted(*m_graph.node(edge->from.node))),
                          n.id.value, p);
            return std::nullopt;
        }
        ins.push_back(t);
    }
    return ins;
}

void GraphChecker::reportInferenceError(size_t i, const LayerInference &r, const std::vector<TensorType> &ins)
{
    const Node &n = m_graph.nodes[i];
    const LayerType &type = *usable(i);
    Message message = Message::tr("%1 %2: %3", type.name, quoted(n), r.errorText);
    if (r.errorPort >= 0 && type.name != "Input") {
        for (const auto &e : m_graph.edges)
            if (e.to.node == n.id && e.to.port == r.errorPort)
                if (const Node *src = m_graph.node(e.from.node))
                    message = Message::tr("%1 %2 input %3 (%4 from %5): %6", type.name, quoted(n), r.errorPort,
                                          formatShape(ins[size_t(r.errorPort)].shape), quoted(*src), r.errorText);
    }
    diags().error(m_nodesPath + std::to_string(i), std::move(message), n.id.value, r.errorPort);
}

GraphAnalysis GraphChecker::result()
{
    // The normalised parameters join the result under their node's id (the first node of it).
    for (const auto &[id, index] : m_firstIndexOfId)
        if (m_params[size_t(index)])
            m_a.params[id] = std::move(*m_params[size_t(index)]);
    return std::move(m_a);
}

} // namespace

GraphAnalysis analyzeGraph(const Graph &graph, const TensorType &sample, const std::string &where)
{
    GraphChecker checker(graph, where);
    checker.checkNodes();
    checker.checkEdges();
    checker.checkCycles();
    checker.checkConnections();
    checker.inferShapes(sample);
    return checker.result();
}

EdgeCheck checkNewEdge(const Graph &graph, const Edge &edge)
{
    const auto &registry = LayerRegistry::instance();
    const InputCount count = [&registry](const Node &n) -> std::optional<int> {
        const LayerType *type = registry.find(n.type);
        if (!type)
            return std::nullopt;
        Diagnostics problems;
        const json params = registry.normalizeParams(*type, n.params, {}, problems, n.id.value);
        if (problems.hasErrors())
            return std::nullopt;
        return type->inputCount(params);
    };
    int takenBy = -1;
    for (size_t j = 0; j < graph.edges.size() && takenBy < 0; ++j)
        if (graph.edges[j].to == edge.to)
            takenBy = int(j);
    return checkEdge(graph, edge, takenBy, true, count);
}

} // namespace torchwright
