#include "autolayout.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace torchwright::ui {

std::map<int, QPointF> autoLayout(const Graph &graph, const AutoLayoutOptions &options)
{
    const size_t count = graph.nodes.size();
    std::map<int, size_t> indexOf;
    for (size_t i = 0; i < count; ++i)
        indexOf.emplace(graph.nodes[i].id.value, i);

    // Predecessor and successor lists by node index; edges to unknown nodes are skipped.
    std::vector<std::vector<size_t>> preds(count), succs(count);
    for (const Edge &e : graph.edges) {
        auto from = indexOf.find(e.from.node.value);
        auto to = indexOf.find(e.to.node.value);
        if (from == indexOf.end() || to == indexOf.end() || from->second == to->second)
            continue;
        preds[to->second].push_back(from->second);
        succs[from->second].push_back(to->second);
    }

    // Kahn's order; when only nodes on cycles remain, the earliest listed one is taken as if
    // ready, which cuts its cycle there.
    std::vector<int> pending(count);
    for (size_t i = 0; i < count; ++i)
        pending[i] = int(preds[i].size());
    std::vector<bool> placed(count, false);
    std::vector<int> column(count, 0);
    std::vector<size_t> order;
    order.reserve(count);
    while (order.size() < count) {
        size_t next = count;
        for (size_t i = 0; i < count; ++i)
            if (!placed[i] && pending[i] == 0) {
                next = i;
                break;
            }
        if (next == count)
            for (size_t i = 0; i < count; ++i)
                if (!placed[i]) {
                    next = i;
                    break;
                }
        placed[next] = true;
        order.push_back(next);
        // Longest path: a node's column is one more than its furthest placed predecessor.
        for (size_t p : preds[next])
            if (placed[p] && p != next)
                column[next] = std::max(column[next], column[p] + 1);
        for (size_t s : succs[next])
            --pending[s];
    }

    // Rows: columns left to right, each ordered by the mean row of its predecessors.
    int columns = 0;
    for (int c : column)
        columns = std::max(columns, c + 1);
    std::vector<std::vector<size_t>> byColumn(static_cast<size_t>(columns));
    for (size_t i : order)
        byColumn[size_t(column[i])].push_back(i);
    std::vector<double> row(count, 0.0);
    std::map<int, QPointF> positions;
    for (auto &members : byColumn) {
        std::vector<std::pair<double, size_t>> keyed;
        for (size_t i : members) {
            double sum = 0.0;
            int n = 0;
            for (size_t p : preds[i])
                if (column[p] < column[i]) {
                    sum += row[p];
                    ++n;
                }
            keyed.emplace_back(n ? sum / n : 0.0, i);
        }
        std::stable_sort(keyed.begin(), keyed.end(), [&](const auto &a, const auto &b) {
            if (a.first != b.first)
                return a.first < b.first;
            const Node &na = graph.nodes[a.second], &nb = graph.nodes[b.second];
            if (na.y != nb.y)
                return na.y < nb.y;
            return a.second < b.second;
        });
        const double first = -(double(keyed.size()) - 1.0) / 2.0;
        for (size_t k = 0; k < keyed.size(); ++k) {
            const size_t i = keyed[k].second;
            row[i] = first + double(k);
            const double x = options.origin.x() + column[i] * options.columnSpacing;
            const double y = options.origin.y() + row[i] * options.rowSpacing;
            positions[graph.nodes[i].id.value] = QPointF(std::round(x), std::round(y));
        }
    }
    return positions;
}

} // namespace torchwright::ui
