#include "movenodes.h"

#include "commandids.h"

namespace torchwright::ui {

MoveNodes::MoveNodes(ProjectDocument *doc, std::map<int, QPointF> to, int dragId, const QString &text)
    : QUndoCommand(text.isEmpty() ? QObject::tr("Move") : text), m_doc(doc), m_to(std::move(to)), m_dragId(dragId)
{
    for (const auto &[id, pos] : m_to)
        if (const Node *n = doc->project().graph.node(NodeId{id}))
            m_from[id] = QPointF(n->x, n->y);
}

void MoveNodes::redo()
{
    for (const auto &[id, pos] : m_to)
        m_doc->setNodePosition(NodeId{id}, pos.x(), pos.y());
}

void MoveNodes::undo()
{
    for (const auto &[id, pos] : m_from)
        m_doc->setNodePosition(NodeId{id}, pos.x(), pos.y());
}

int MoveNodes::id() const { return m_dragId > 0 ? MoveNodesId : -1; }

bool MoveNodes::mergeWith(const QUndoCommand *other)
{
    auto *o = static_cast<const MoveNodes *>(other);
    if (o->m_dragId != m_dragId)
        return false;
    for (const auto &[id, pos] : o->m_to) {
        if (!m_from.count(id))
            m_from[id] = o->m_from.at(id);
        m_to[id] = pos;
    }
    return true;
}

} // namespace torchwright::ui
