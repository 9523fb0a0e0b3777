#include "renamenode.h"

namespace torchwright::ui {

RenameNode::RenameNode(ProjectDocument *doc, NodeId id, std::string name)
    : QUndoCommand(QObject::tr("Rename layer")), m_doc(doc), m_node(id), m_new(std::move(name))
{
    if (const Node *n = doc->project().graph.node(id))
        m_old = n->name;
}

void RenameNode::redo() { m_doc->setNodeName(m_node, m_new); }
void RenameNode::undo() { m_doc->setNodeName(m_node, m_old); }

} // namespace torchwright::ui
