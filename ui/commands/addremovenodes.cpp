#include "addremovenodes.h"

#include <algorithm>
#include <set>

namespace torchwright::ui {

AddRemoveNodes::AddRemoveNodes(ProjectDocument *doc, bool adding, const QString &text)
    : QUndoCommand(text), m_doc(doc), m_adding(adding)
{
}

AddRemoveNodes *AddRemoveNodes::add(ProjectDocument *doc, std::vector<Node> nodes, std::vector<Edge> edges,
                                    const QString &text)
{
    auto *c = new AddRemoveNodes(doc, true, text);
    const Graph &g = doc->project().graph;
    int n = int(g.nodes.size());
    for (auto &node : nodes)
        c->m_nodes.emplace_back(n++, std::move(node));
    int e = int(g.edges.size());
    for (auto &edge : edges)
        c->m_edges.emplace_back(e++, edge);
    return c;
}

AddRemoveNodes *AddRemoveNodes::remove(ProjectDocument *doc, const std::vector<NodeId> &ids, const QString &text,
                                       const std::vector<Edge> &edges)
{
    auto *c = new AddRemoveNodes(doc, false, text);
    const Graph &g = doc->project().graph;
    std::set<int> chosen;
    for (NodeId id : ids)
        chosen.insert(id.value);
    for (size_t i = 0; i < g.nodes.size(); ++i)
        if (chosen.count(g.nodes[i].id.value))
            c->m_nodes.emplace_back(int(i), g.nodes[i]);
    std::vector<bool> removed(g.edges.size(), false);
    for (size_t i = 0; i < g.edges.size(); ++i)
        removed[i] = chosen.count(g.edges[i].from.node.value) || chosen.count(g.edges[i].to.node.value);
    // An edge may be listed as often as the graph holds it: each names one more copy.
    for (const Edge &e : edges)
        for (size_t i = 0; i < g.edges.size(); ++i)
            if (!removed[i] && g.edges[i] == e) {
                removed[i] = true;
                break;
            }
    for (size_t i = 0; i < g.edges.size(); ++i)
        if (removed[i])
            c->m_edges.emplace_back(int(i), g.edges[i]);
    return c;
}

void AddRemoveNodes::insertAll()
{
    for (const auto &[index, node] : m_nodes)
        m_doc->insertNode(node, index);
    for (const auto &[index, edge] : m_edges)
        m_doc->insertEdge(edge, index);
}

void AddRemoveNodes::removeAll()
{
    // Highest positions first, so the recorded positions stay valid.
    for (auto it = m_edges.rbegin(); it != m_edges.rend(); ++it)
        m_doc->removeEdge(it->second);
    for (auto it = m_nodes.rbegin(); it != m_nodes.rend(); ++it)
        m_doc->removeNode(it->second.id);
}

void AddRemoveNodes::redo()
{
    if (m_adding)
        insertAll();
    else
        removeAll();
}

void AddRemoveNodes::undo()
{
    if (m_adding)
        removeAll();
    else
        insertAll();
}

} // namespace torchwright::ui
