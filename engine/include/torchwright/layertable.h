#pragma once
// The per-layer summary of an analysed graph: each layer's name, type, output shape, parameters
// and multiply-adds, in the order data flows, then any layer that order leaves out (all of them on a cycle) in
// the node list's order.
// The CLI's `validate` prints it; the studio's layer table shows it.

#include "torchwright/analysis.h"

#include <optional>
#include <string>
#include <vector>

namespace torchwright {

struct LayerRow {
    NodeId id;
    std::string name;
    std::string type;
    std::optional<TensorType> output; // empty when it could not be inferred
    int64_t parameters = 0;           // meaningful only with an output
    int64_t multiplyAdds = 0;
};

std::vector<LayerRow> layerTable(const Graph &graph, const GraphAnalysis &analysis);

} // namespace torchwright
