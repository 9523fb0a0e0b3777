#pragma once
// Shape inference over the whole layer graph, run before anything is built: every edge gets a
// tensor type, every node its output, parameter count and multiply-adds, and every problem
// (unknown types, bad parameters, dangling edges, duplicate ids and names, cycles, mismatched
// shapes) is collected at once.

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
    std::map<int, NodeAnalysis> nodes;   // by node id
    std::vector<NodeId> order;           // topological order (empty on a cycle)
    NodeId inputNode;
    NodeId outputNode;
    Diagnostics diagnostics;
    int64_t totalParameters = 0;
    int64_t totalMultiplyAdds = 0;

    bool ok() const { return !diagnostics.hasErrors(); }
    // The tensor type carried by an edge (its source's output), if known.
    std::optional<TensorType> edgeType(const Edge &e) const;
};

// `graph` as loaded: parameters are normalised (defaults filled) while analysing and the
// normalised values are written back into it. `where` prefixes JSON paths ("/graph").
GraphAnalysis analyzeGraph(Graph &graph, const TensorType &sample,
                           const std::string &where = "/graph");

} // namespace torchwright
