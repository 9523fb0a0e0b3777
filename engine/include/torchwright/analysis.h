#pragma once
// Shape inference over the whole layer graph, run before anything is built: every edge gets a
// tensor type, every node its output, parameter count and multiply-adds, and every problem
// (unknown types, bad parameters, dangling edges, duplicate ids and names, cycles, mismatched
// shapes) is collected at once. Also the rule for a single edge, which the editor asks while a
// connection is dragged, so that it refuses exactly what analysis would report.

#include "torchwright/diagnostics.h"
#include "torchwright/graph.h"
#include "torchwright/layers.h"

#include <map>
#include <optional>

namespace torchwright {

struct NodeAnalysis {
    NodeId id;
    std::optional<TensorType> output; // empty when it could not be inferred
    int64_t parameters = 0;
    int64_t multiplyAdds = 0;
    bool ok = false;
};

struct GraphAnalysis {
    std::map<int, NodeAnalysis> nodes; // by node id
    std::vector<NodeId> order;         // topological order (empty on a cycle)
    NodeId inputNode;
    NodeId outputNode;
    Diagnostics diagnostics;
    int64_t totalParameters = 0;
    int64_t totalMultiplyAdds = 0;
    // Parameters with defaults filled, by node id, for every node whose parameters are valid:
    // what shapes were inferred from, and what a model is built from.
    std::map<int, nlohmann::json> params;

    bool ok() const { return !diagnostics.hasErrors(); }
    // The tensor type carried by an edge (its source's output), if known.
    std::optional<TensorType> edgeType(const Edge &e) const;
    // Writes `params` into the analysed `graph` (the first node of each id), so that the
    // serializer writes every key; nodes with wrong parameters keep what the user wrote.
    void normalize(Graph &graph) const;
};

// Analyses `graph` without changing it; the normalised parameters are part of the result.
// `where` prefixes JSON paths ("/graph").
GraphAnalysis analyzeGraph(const Graph &graph, const TensorType &sample, const std::string &where = "/graph");

// Why an edge may not be in a graph, in the order the rules are checked.
enum class EdgeRefusal {
    None,
    MissingSource, // it starts at a node that does not exist
    MissingTarget, // it ends at a node that does not exist
    NoSuchOutput,  // it leaves from a port other than the single output, 0
    SelfLoop,      // it starts and ends at one node
    NoInputs,      // the target layer takes no inputs
    NoSuchInput,   // the target layer has no input of that number
    InputTaken,    // that input is connected already
    Cycle,         // it would close a cycle
};

struct EdgeCheck {
    EdgeRefusal refusal = EdgeRefusal::None;
    std::string message; // why not, naming the layers; empty when allowed
    Message text;        // the same, to show translated
    int takenBy = -1;    // InputTaken: index in graph.edges of the edge holding the input

    bool allowed() const { return refusal == EdgeRefusal::None; }
};

// Whether `edge` may be added to `graph`: both ends exist, it leaves a layer's output for
// another layer's input that exists and is free, and it closes no cycle. Input counts come
// from the target's parameters; when those are wrong any input number from 0 passes.
// analyzeGraph() applies the same rules to the edges a graph holds.
EdgeCheck checkNewEdge(const Graph &graph, const Edge &edge);

} // namespace torchwright
