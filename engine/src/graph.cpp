#include "torchwright/graph.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <set>
#include <unordered_map>

namespace torchwright {

bool isValidNodeName(const std::string &s)
{
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
        return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

const Node *Graph::node(NodeId id) const
{
    int i = indexOf(id);
    return i < 0 ? nullptr : &nodes[size_t(i)];
}

Node *Graph::node(NodeId id)
{
    int i = indexOf(id);
    return i < 0 ? nullptr : &nodes[size_t(i)];
}

int Graph::indexOf(NodeId id) const
{
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].id == id)
            return int(i);
    return -1;
}

const Node *Graph::findByName(const std::string &name) const
{
    for (const auto &n : nodes)
        if (n.name == name)
            return &n;
    return nullptr;
}

NodeId Graph::nextId() const
{
    int next = 1;
    for (const auto &n : nodes)
        next = std::max(next, n.id.value + 1);
    return NodeId{next};
}

std::string Graph::uniqueName(const std::string &base) const
{
    for (int i = 1;; ++i) {
        std::string candidate = base + std::to_string(i);
        if (!findByName(candidate))
            return candidate;
    }
}

std::vector<Edge> Graph::inputsOf(NodeId id) const
{
    std::vector<Edge> r;
    for (const auto &e : edges)
        if (e.to.node == id)
            r.push_back(e);
    std::sort(r.begin(), r.end(), [](const Edge &a, const Edge &b) { return a.to.port < b.to.port; });
    return r;
}

std::vector<Edge> Graph::outputsOf(NodeId id) const
{
    std::vector<Edge> r;
    for (const auto &e : edges)
        if (e.from.node == id)
            r.push_back(e);
    return r;
}

namespace {

// The graph by position in `nodes`, built in one pass over nodes and one over edges. Each
// distinct id is represented by its first node ("canonical"); `members` lists every node
// with that id. Edges touching a missing node are left out.
struct GraphIndex {
    std::unordered_map<int, size_t> position;    // id -> canonical index
    std::vector<size_t> canonical;               // node index -> canonical index
    std::vector<std::vector<size_t>> successors; // canonical -> canonical targets, one per edge
    std::vector<std::vector<size_t>> members;    // canonical -> node indices

    explicit GraphIndex(const Graph &g) : canonical(g.nodes.size()), successors(g.nodes.size()), members(g.nodes.size())
    {
        position.reserve(g.nodes.size());
        for (size_t i = 0; i < g.nodes.size(); ++i) {
            canonical[i] = position.emplace(g.nodes[i].id.value, i).first->second;
            members[canonical[i]].push_back(i);
        }
        for (const Edge &e : g.edges) {
            const auto from = position.find(e.from.node.value), to = position.find(e.to.node.value);
            if (from != position.end() && to != position.end())
                successors[from->second].push_back(to->second);
        }
    }
};

} // namespace

bool Graph::wouldCreateCycle(const Edge &e) const
{
    if (e.from.node == e.to.node)
        return true;
    // A cycle appears when `from` is reachable from `to`: one search, each node and edge once.
    const GraphIndex g(*this);
    const auto from = g.position.find(e.from.node.value), to = g.position.find(e.to.node.value);
    if (from == g.position.end() || to == g.position.end())
        return false;
    std::vector<bool> seen(nodes.size(), false);
    std::vector<size_t> stack{to->second};
    seen[to->second] = true;
    while (!stack.empty()) {
        const size_t n = stack.back();
        stack.pop_back();
        if (n == from->second)
            return true;
        for (size_t next : g.successors[n])
            if (!seen[next]) {
                seen[next] = true;
                stack.push_back(next);
            }
    }
    return false;
}

std::optional<std::vector<NodeId>> Graph::topologicalOrder() const
{
    // Kahn's algorithm, taking ready nodes as repeated passes over the document would: within a
    // pass in document order, and a node that becomes ready behind the pass's position in the
    // next pass. This keeps the order stable across runs; each node and edge is handled once.
    const GraphIndex g(*this);
    std::vector<int> indegree(nodes.size(), 0);
    for (size_t c = 0; c < nodes.size(); ++c)
        for (size_t t : g.successors[c])
            ++indegree[t];
    using MinHeap = std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>>;
    MinHeap pass;
    std::vector<size_t> nextPass;
    for (size_t i = 0; i < nodes.size(); ++i)
        if (indegree[g.canonical[i]] == 0)
            pass.push(i);
    std::vector<NodeId> order;
    std::vector<bool> done(nodes.size(), false);
    while (!pass.empty()) {
        while (!pass.empty()) {
            const size_t i = pass.top();
            pass.pop();
            if (done[i])
                continue;
            done[i] = true;
            order.push_back(nodes[i].id);
            for (size_t t : g.successors[g.canonical[i]])
                if (--indegree[t] == 0)
                    for (size_t m : g.members[t]) {
                        if (m > i)
                            pass.push(m);
                        else
                            nextPass.push_back(m);
                    }
        }
        for (size_t m : nextPass)
            pass.push(m);
        nextPass.clear();
    }
    if (order.size() < nodes.size())
        return std::nullopt;
    return order;
}

std::vector<NodeId> Graph::nodesOnCycles() const
{
    // Tarjan's strongly connected components, without recursion: a node lies on a cycle when its
    // component has more than one node or it feeds itself.
    const GraphIndex g(*this);
    const size_t n = nodes.size();
    const size_t unvisited = SIZE_MAX;
    std::vector<size_t> index(n, unvisited), low(n, 0);
    std::vector<bool> onStack(n, false), onCycle(n, false);
    std::vector<size_t> stack;
    std::vector<std::pair<size_t, size_t>> calls; // node, next successor to visit
    size_t counter = 0;
    auto visit = [&](size_t v) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        onStack[v] = true;
        calls.push_back({v, 0});
    };
    for (size_t root = 0; root < n; ++root) {
        if (g.canonical[root] != root || index[root] != unvisited)
            continue;
        visit(root);
        while (!calls.empty()) {
            const size_t v = calls.back().first;
            if (calls.back().second < g.successors[v].size()) {
                const size_t w = g.successors[v][calls.back().second++];
                if (w == v)
                    onCycle[v] = true;
                if (index[w] == unvisited)
                    visit(w);
                else if (onStack[w])
                    low[v] = std::min(low[v], index[w]);
                continue;
            }
            calls.pop_back();
            if (!calls.empty())
                low[calls.back().first] = std::min(low[calls.back().first], low[v]);
            if (low[v] != index[v])
                continue;
            std::vector<size_t> component;
            size_t w;
            do {
                w = stack.back();
                stack.pop_back();
                onStack[w] = false;
                component.push_back(w);
            } while (w != v);
            if (component.size() > 1)
                for (size_t c : component)
                    onCycle[c] = true;
        }
    }
    std::vector<NodeId> r;
    for (size_t i = 0; i < n; ++i)
        if (onCycle[g.canonical[i]])
            r.push_back(nodes[i].id);
    return r;
}

} // namespace torchwright
