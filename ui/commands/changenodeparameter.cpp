#include "changenodeparameter.h"

#include "commandids.h"

namespace torchwright::ui {

ChangeNodeParameter::ChangeNodeParameter(ProjectDocument *doc, NodeId id, std::string key, nlohmann::json value)
    : m_doc(doc), m_node(id), m_key(std::move(key)), m_new(std::move(value))
{
    const Node *n = doc->project().graph.node(id);
    if (n && n->params.is_object() && n->params.contains(m_key))
        m_old = n->params[m_key];
    setText(QObject::tr("Change %1 of %2")
                .arg(QString::fromStdString(m_key), n ? QString::fromStdString(n->name) : QString()));
}

void ChangeNodeParameter::redo() { m_doc->setNodeParameter(m_node, m_key, m_new); }
void ChangeNodeParameter::undo() { m_doc->setNodeParameter(m_node, m_key, m_old); }
int ChangeNodeParameter::id() const { return ChangeNodeParameterId; }

bool ChangeNodeParameter::mergeWith(const QUndoCommand *other)
{
    auto *o = static_cast<const ChangeNodeParameter *>(other);
    if (o->m_node != m_node || o->m_key != m_key)
        return false;
    m_new = o->m_new;
    return true;
}

} // namespace torchwright::ui
