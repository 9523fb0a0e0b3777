#include "torchwright/layertable.h"

#include <set>

namespace torchwright {

std::vector<LayerRow> layerTable(const Graph &graph, const GraphAnalysis &analysis)
{
    // The analysis's order, then any node it left out (all of them on a cycle), in list order.
    std::vector<NodeId> order = analysis.order;
    std::set<int> listed;
    for (NodeId id : order)
        listed.insert(id.value);
    for (const Node &n : graph.nodes)
        if (listed.insert(n.id.value).second)
            order.push_back(n.id);
    std::vector<LayerRow> rows;
    rows.reserve(order.size());
    for (NodeId id : order) {
        const Node *n = graph.node(id);
        if (!n)
            continue;
        LayerRow row;
        row.id = id;
        row.name = n->name;
        row.type = n->type;
        auto it = analysis.nodes.find(id.value);
        if (it != analysis.nodes.end() && it->second.output) {
            row.output = it->second.output;
            row.parameters = it->second.parameters;
            row.multiplyAdds = it->second.multiplyAdds;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace torchwright
