#include "addremoveedge.h"

namespace torchwright::ui {

AddRemoveEdge::AddRemoveEdge(ProjectDocument *doc, const Edge &edge, bool adding)
    : QUndoCommand(adding ? QObject::tr("Connect") : QObject::tr("Disconnect")), m_doc(doc), m_edge(edge),
      m_adding(adding)
{
}

void AddRemoveEdge::apply(bool add)
{
    if (add)
        m_doc->insertEdge(m_edge, m_index);
    else
        m_index = m_doc->removeEdge(m_edge);
}

void AddRemoveEdge::redo() { apply(m_adding); }
void AddRemoveEdge::undo() { apply(!m_adding); }

} // namespace torchwright::ui
