#include "torchwright/graph.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

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

bool Graph::wouldCreateCycle(const Edge &e) const
{
    if (e.from.node == e.to.node)
        return true;
    // A cycle appears when `from` is reachable from `to`.
    std::set<int> seen;
    std::vector<NodeId> stack{e.to.node};
    while (!stack.empty()) {
        NodeId n = stack.back();
        stack.pop_back();
        if (n == e.from.node)
            return true;
        if (!seen.insert(n.value).second)
            continue;
        for (const auto &out : edges)
            if (out.from.node == n)
                stack.push_back(out.to.node);
    }
    return false;
}

std::optional<std::vector<NodeId>> Graph::topologicalOrder() const
{
    std::map<int, int> indegree;
    for (const auto &n : nodes)
        indegree[n.id.value] = 0;
    for (const auto &e : edges)
        if (indegree.count(e.from.node.value) && indegree.count(e.to.node.value))
            ++indegree[e.to.node.value];
    // Ready nodes are taken in document order so the order is stable across runs.
    std::vector<NodeId> order;
    std::vector<bool> done(nodes.size(), false);
    while (order.size() < nodes.size()) {
        bool progressed = false;
        for (size_t i = 0; i < nodes.size(); ++i) {
            if (done[i] || indegree[nodes[i].id.value] != 0)
                continue;
            done[i] = true;
            progressed = true;
            order.push_back(nodes[i].id);
            for (const auto &e : edges)
                if (e.from.node == nodes[i].id && indegree.count(e.to.node.value))
                    --indegree[e.to.node.value];
        }
        if (!progressed)
            return std::nullopt;
    }
    return order;
}

std::vector<NodeId> Graph::nodesOnCycles() const
{
    std::vector<NodeId> r;
    for (const auto &n : nodes) {
        // n lies on a cycle when n is reachable from one of its successors: an edge n -> succ
        // would then close a cycle.
        for (const auto &e : edges) {
            if (e.from.node == n.id && wouldCreateCycle(Edge{PortRef{n.id, 0}, PortRef{e.to.node, 0}})) {
                r.push_back(n.id);
                break;
            }
        }
    }
    return r;
}

} // namespace torchwright
