#include "torchwright/analysis.h"

#include <cctype>
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

namespace {

std::string quoted(const Node &n) { return "'" + n.name + "'"; }

} // namespace

GraphAnalysis analyzeGraph(Graph &graph, const TensorType &sample, const std::string &where)
{
    GraphAnalysis a;
    Diagnostics &diags = a.diagnostics;
    const auto &registry = LayerRegistry::instance();
    const std::string nodesPath = where + "/nodes/";
    const std::string edgesPath = where + "/edges/";

    // Nodes: ids, names, types and parameters.
    std::map<int, int> firstIndexOfId;
    std::map<std::string, int> firstIndexOfName;
    std::vector<const LayerType *> typeOf(graph.nodes.size(), nullptr);
    std::vector<bool> paramsOk(graph.nodes.size(), false);
    std::vector<NodeId> inputs;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        Node &n = graph.nodes[i];
        const std::string path = nodesPath + std::to_string(i);
        if (!n.id.valid())
            diags.error(path + "/id", "expected a non-negative integer id, got " + std::to_string(n.id.value));
        else if (auto [it, fresh] = firstIndexOfId.emplace(n.id.value, int(i)); !fresh)
            diags.error(path + "/id", "duplicate node id " + std::to_string(n.id.value) + " (also used by "
                            + nodesPath + std::to_string(it->second) + ")", n.id.value);
        if (!isValidNodeName(n.name))
            diags.error(path + "/name", "node name '" + n.name
                            + "' must start with a letter or '_' and hold only letters, digits and '_'",
                        n.id.value);
        else if (auto [it, fresh] = firstIndexOfName.emplace(n.name, int(i)); !fresh)
            diags.error(path + "/name", "duplicate node name '" + n.name + "' (also used by "
                            + nodesPath + std::to_string(it->second) + ")", n.id.value);
        typeOf[i] = registry.find(n.type);
        if (!typeOf[i]) {
            std::string known;
            for (const auto &t : registry.types())
                known += (known.empty() ? "" : ", ") + t.name;
            diags.error(path + "/type", "unknown layer type '" + n.type + "' (known types: " + known + ")",
                        n.id.value);
            continue;
        }
        Diagnostics paramDiags;
        json normalized = registry.normalizeParams(*typeOf[i], n.params, path + "/params", paramDiags,
                                                   n.id.value);
        paramsOk[i] = !paramDiags.hasErrors();
        if (paramsOk[i])
            n.params = std::move(normalized); // keep what the user wrote when it is wrong
        diags.append(paramDiags);
        if (n.type == "Input")
            inputs.push_back(n.id);
    }
    if (inputs.empty())
        diags.error(where + "/nodes", "the graph has no Input node");
    else if (inputs.size() > 1)
        diags.error(where + "/nodes", "the graph has " + std::to_string(inputs.size())
                                          + " Input nodes; exactly one is allowed",
                    inputs[1].value);
    if (!inputs.empty())
        a.inputNode = inputs.front();

    // Edges: endpoints exist, ports exist, each input port taken once.
    std::map<std::pair<int, int>, int> takenBy; // (node, port) -> edge index
    std::vector<bool> edgeOk(graph.edges.size(), false);
    for (size_t j = 0; j < graph.edges.size(); ++j) {
        const Edge &e = graph.edges[j];
        const std::string path = edgesPath + std::to_string(j);
        const Node *from = graph.node(e.from.node);
        const Node *to = graph.node(e.to.node);
        bool good = true;
        if (!from) {
            diags.error(path + "/from/node", "edge starts at node " + std::to_string(e.from.node.value)
                                                 + ", which does not exist");
            good = false;
        } else if (e.from.port != 0) {
            diags.error(path + "/from/port", "node " + quoted(*from) + " has one output (port 0), got port "
                                                 + std::to_string(e.from.port), from->id.value);
            good = false;
        }
        if (!to) {
            diags.error(path + "/to/node", "edge ends at node " + std::to_string(e.to.node.value)
                                               + ", which does not exist");
            good = false;
        } else {
            const int ti = graph.indexOf(e.to.node);
            if (typeOf[size_t(ti)] && paramsOk[size_t(ti)]) {
                const int count = typeOf[size_t(ti)]->inputCount(to->params);
                if (e.to.port < 0 || e.to.port >= count) {
                    diags.error(path + "/to/port", "node " + quoted(*to) + " (" + to->type + ") has "
                                                       + std::to_string(count) + " input port(s), got port "
                                                       + std::to_string(e.to.port),
                                to->id.value, e.to.port);
                    good = false;
                }
            }
            auto [it, fresh] = takenBy.emplace(std::make_pair(e.to.node.value, e.to.port), int(j));
            if (!fresh) {
                diags.error(path + "/to", "input " + std::to_string(e.to.port) + " of " + quoted(*to)
                                              + " is already connected by " + edgesPath
                                              + std::to_string(it->second),
                            to->id.value, e.to.port);
                good = false;
            }
        }
        edgeOk[j] = good;
    }

    // Cycles.
    auto order = graph.topologicalOrder();
    if (!order) {
        std::string names;
        for (NodeId id : graph.nodesOnCycles())
            if (const Node *n = graph.node(id))
                names += (names.empty() ? "" : ", ") + quoted(*n);
        diags.error(where + "/edges", "the graph has a cycle through " + names
                                          + "; layers must form a directed acyclic graph");
    } else {
        a.order = *order;
    }

    // Unconnected inputs and the single output.
    std::vector<std::string> sinks;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        const Node &n = graph.nodes[i];
        if (typeOf[i] && paramsOk[i]) {
            const int count = typeOf[i]->inputCount(n.params);
            for (int p = 0; p < count; ++p)
                if (!takenBy.count({n.id.value, p}))
                    diags.error(nodesPath + std::to_string(i), typeOf[i]->name + " " + quoted(n) + " input "
                                                                   + std::to_string(p) + " is not connected",
                                n.id.value, p);
        }
        if (graph.outputsOf(n.id).empty()) {
            sinks.push_back(n.name);
            a.outputNode = n.id;
        }
    }
    if (sinks.size() > 1 && !graph.nodes.empty()) {
        std::string names;
        for (const auto &s : sinks)
            names += (names.empty() ? "'" : ", '") + s + "'";
        diags.error(where + "/nodes", "the graph must end in exactly one output layer, but "
                                          + std::to_string(sinks.size())
                                          + " layers have no outgoing connection: " + names);
        a.outputNode = NodeId{};
    }

    // Shapes, in topological order, from the dataset's sample shape.
    for (NodeId id : a.order) {
        const int i = graph.indexOf(id);
        const Node &n = graph.nodes[size_t(i)];
        NodeAnalysis na;
        na.id = id;
        const LayerType *type = typeOf[size_t(i)];
        if (!type || !paramsOk[size_t(i)]) {
            a.nodes[id.value] = na;
            continue;
        }
        std::vector<TensorType> ins;
        bool known = true;
        if (type->name == "Input") {
            ins.push_back(sample);
        } else {
            const int count = type->inputCount(n.params);
            for (int p = 0; p < count && known; ++p) {
                const Edge *edge = nullptr;
                for (size_t j = 0; j < graph.edges.size(); ++j)
                    if (edgeOk[j] && graph.edges[j].to.node == id && graph.edges[j].to.port == p)
                        edge = &graph.edges[j];
                auto src = edge ? a.nodes.find(edge->from.node.value) : a.nodes.end();
                if (!edge || src == a.nodes.end() || !src->second.output) {
                    known = false;
                    break;
                }
                const TensorType &t = *src->second.output;
                if (!type->anyInputDType && t.dtype != type->inputDType) {
                    diags.error(nodesPath + std::to_string(i),
                                type->name + " " + quoted(n) + " input " + std::to_string(p) + " expects "
                                    + dtypeName(type->inputDType) + " values, got " + dtypeName(t.dtype)
                                    + " from " + quoted(*graph.node(edge->from.node)),
                                id.value, p);
                    known = false;
                    break;
                }
                ins.push_back(t);
            }
        }
        if (!known) {
            a.nodes[id.value] = na;
            continue;
        }
        LayerInference r = type->infer(n.params, ins);
        if (!r.error.empty()) {
            std::string context;
            if (r.errorPort >= 0 && type->name != "Input") {
                for (const auto &e : graph.edges)
                    if (e.to.node == id && e.to.port == r.errorPort)
                        if (const Node *src = graph.node(e.from.node))
                            context = " input " + std::to_string(r.errorPort) + " (" + formatShape(ins[size_t(r.errorPort)].shape)
                                      + " from " + quoted(*src) + ")";
            }
            diags.error(nodesPath + std::to_string(i), type->name + " " + quoted(n) + context + ": " + r.error,
                        id.value, r.errorPort);
            a.nodes[id.value] = na;
            continue;
        }
        na.output = r.output;
        na.parameters = r.parameters;
        na.multiplyAdds = r.multiplyAdds;
        na.ok = true;
        a.totalParameters += r.parameters;
        a.totalMultiplyAdds += r.multiplyAdds;
        a.nodes[id.value] = na;
    }
    return a;
}

} // namespace torchwright
