#pragma once
// The layer graph as plain values: nodes and edges named by small ids, never by pointers, so
// they survive undo, copy/paste and save/load. The graph knows nothing about torch.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace torchwright {

struct NodeId {
    int value = -1;
    bool valid() const { return value >= 0; }
    friend bool operator==(NodeId a, NodeId b) { return a.value == b.value; }
    friend bool operator!=(NodeId a, NodeId b) { return a.value != b.value; }
    friend bool operator<(NodeId a, NodeId b) { return a.value < b.value; }
};

// An output or input of a node. Every layer has one output (port 0); inputs are numbered.
struct PortRef {
    NodeId node;
    int port = 0;
    friend bool operator==(const PortRef &a, const PortRef &b) { return a.node == b.node && a.port == b.port; }
};

// Layer names double as module names in checkpoints and exports: a letter or '_' first, then
// letters, digits and '_'.
bool isValidNodeName(const std::string &name);

struct Node {
    NodeId id;
    std::string type; // a registry name: "Linear", "Conv2d", ...
    std::string name; // unique identifier-like name, also the module's name
    nlohmann::json params = nlohmann::json::object();
    double x = 0.0; // canvas position
    double y = 0.0;
};

struct Edge {
    PortRef from; // output port
    PortRef to;   // input port
    friend bool operator==(const Edge &a, const Edge &b) { return a.from == b.from && a.to == b.to; }
};

class Graph {
public:
    std::vector<Node> nodes;
    std::vector<Edge> edges;

    const Node *node(NodeId id) const;
    Node *node(NodeId id);
    int indexOf(NodeId id) const; // position in `nodes`, or -1
    const Node *findByName(const std::string &name) const;
    NodeId nextId() const;
    // A name not used yet, built from `base` ("conv" -> "conv1", "conv2", ...).
    std::string uniqueName(const std::string &base) const;

    std::vector<Edge> inputsOf(NodeId id) const;  // edges ending at id, sorted by port
    std::vector<Edge> outputsOf(NodeId id) const; // edges starting at id

    // True when adding `e` would close a cycle.
    bool wouldCreateCycle(const Edge &e) const;
    // Kahn's order of all nodes; empty optional when the graph has a cycle.
    std::optional<std::vector<NodeId>> topologicalOrder() const;
    // Nodes that lie on a cycle (empty when there is none).
    std::vector<NodeId> nodesOnCycles() const;
};

} // namespace torchwright
