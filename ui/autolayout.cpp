#include "autolayout.h"

#include "nodeitem.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace torchwright::ui {

namespace {

// The mean of `values`, or `fallback` when there are none.
double meanOr(const std::vector<double> &values, double fallback)
{
    if (values.empty())
        return fallback;
    return std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
}

} // namespace

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
    std::vector<int> layer(count, 0);
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
        // Longest path: a node's layer is one more than its furthest placed predecessor.
        for (size_t p : preds[next])
            if (placed[p] && p != next)
                layer[next] = std::max(layer[next], layer[p] + 1);
        for (size_t s : succs[next])
            --pending[s];
    }
    // Only edges that run downwards count from here on (a cut cycle's edge does not).
    auto down = [&](size_t from, size_t to) { return layer[from] < layer[to]; };

    int layers = 0;
    for (int l : layer)
        layers = std::max(layers, l + 1);
    std::vector<std::vector<size_t>> byLayer(static_cast<size_t>(layers));
    {
        // Initial order within a layer: current x, then the node list.
        std::vector<size_t> byX(count);
        std::iota(byX.begin(), byX.end(), size_t(0));
        std::stable_sort(byX.begin(), byX.end(),
                         [&](size_t a, size_t b) { return graph.nodes[a].x < graph.nodes[b].x; });
        for (size_t i : byX)
            byLayer[size_t(layer[i])].push_back(i);
    }

    // Crossing reduction: a node's rank is its place in its layer, centred on 0; each sweep
    // orders a layer by the mean rank of its neighbours on the side already ordered.
    std::vector<double> rank(count, 0.0);
    auto rerank = [&](const std::vector<size_t> &members) {
        const double first = -(double(members.size()) - 1.0) / 2.0;
        for (size_t k = 0; k < members.size(); ++k)
            rank[members[k]] = first + double(k);
    };
    for (const auto &members : byLayer)
        rerank(members);
    auto sweep = [&](std::vector<size_t> &members, bool fromAbove) {
        std::vector<std::pair<double, size_t>> keyed;
        for (size_t i : members) {
            std::vector<double> ranks;
            for (size_t n : fromAbove ? preds[i] : succs[i])
                if (fromAbove ? down(n, i) : down(i, n))
                    ranks.push_back(rank[n]);
            keyed.emplace_back(meanOr(ranks, rank[i]), i);
        }
        std::stable_sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
        for (size_t k = 0; k < keyed.size(); ++k)
            members[k] = keyed[k].second;
        rerank(members);
    };
    for (int pass = 0; pass < 4; ++pass) {
        for (size_t l = 1; l < byLayer.size(); ++l)
            sweep(byLayer[l], true);
        for (size_t l = byLayer.size(); l-- > 1;)
            sweep(byLayer[l - 1], false);
    }
    for (size_t l = 1; l < byLayer.size(); ++l)
        sweep(byLayer[l], true);

    // Sizes, and each layer's top below the tallest card of the layer above.
    std::vector<QSizeF> size(count);
    for (size_t i = 0; i < count; ++i)
        size[i] = options.nodeSize ? options.nodeSize(graph.nodes[i]) : NodeItem::sizeFor(graph.nodes[i]);
    std::vector<double> top(byLayer.size(), options.origin.y());
    for (size_t l = 1; l < byLayer.size(); ++l) {
        double tallest = 0.0;
        for (size_t i : byLayer[l - 1])
            tallest = std::max(tallest, size[i].height());
        top[l] = top[l - 1] + tallest + options.layerGap;
    }

    // Horizontal centres: under the mean of the predecessors (a chain stays one vertical line),
    // then pushed apart left to right just enough, and the layer shifted back so that on average
    // its nodes sit where they wanted to be.
    std::vector<double> centre(count, 0.0);
    for (const auto &members : byLayer) {
        std::vector<double> want;
        for (size_t i : members) {
            std::vector<double> above;
            for (size_t p : preds[i])
                if (down(p, i))
                    above.push_back(centre[p]);
            const double spread = rank[i] * (size[i].width() + options.columnGap);
            want.push_back(meanOr(above, spread));
        }
        std::vector<double> at = want;
        for (size_t k = 1; k < members.size(); ++k) {
            const double gap = (size[members[k - 1]].width() + size[members[k]].width()) / 2 + options.columnGap;
            at[k] = std::max(at[k], at[k - 1] + gap);
        }
        double shift = 0.0;
        for (size_t k = 0; k < members.size(); ++k)
            shift += at[k] - want[k];
        shift = members.empty() ? 0.0 : shift / double(members.size());
        for (size_t k = 0; k < members.size(); ++k)
            centre[members[k]] = at[k] - shift;
    }

    std::map<int, QPointF> positions;
    for (size_t i = 0; i < count; ++i) {
        const double x = options.origin.x() + centre[i] - size[i].width() / 2;
        positions[graph.nodes[i].id.value] = QPointF(std::round(x), std::round(top[size_t(layer[i])]));
    }
    return positions;
}

bool needsLayout(const Graph &graph)
{
    if (graph.nodes.size() < 2)
        return false;
    const Node &first = graph.nodes.front();
    return std::all_of(graph.nodes.begin(), graph.nodes.end(),
                       [&](const Node &n) { return n.x == first.x && n.y == first.y; });
}

} // namespace torchwright::ui
