#include "changesetting.h"

#include "commandids.h"

namespace torchwright::ui {

ChangeSetting::ChangeSetting(ProjectDocument *doc, std::string pointer, nlohmann::json value)
    : QUndoCommand(QObject::tr("Change %1").arg(QString::fromStdString(pointer))), m_doc(doc),
      m_pointer(std::move(pointer)), m_old(doc->setting(m_pointer)), m_new(std::move(value))
{
}

void ChangeSetting::redo()
{
    QString error;
    if (!m_doc->setSetting(m_pointer, m_new, &error))
        setObsolete(true); // refused by the project's checks; nothing changed
}

void ChangeSetting::undo() { m_doc->setSetting(m_pointer, m_old); }
int ChangeSetting::id() const { return ChangeSettingId; }

bool ChangeSetting::mergeWith(const QUndoCommand *other)
{
    auto *o = static_cast<const ChangeSetting *>(other);
    if (o->m_pointer != m_pointer)
        return false;
    m_new = o->m_new;
    return true;
}

} // namespace torchwright::ui
