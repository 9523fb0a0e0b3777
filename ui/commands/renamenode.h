#pragma once
// Renames a layer (its name is also its module's name in checkpoints and exports).

#include "projectdocument.h"

#include <QUndoCommand>

namespace torchwright::ui {

class RenameNode : public QUndoCommand {
public:
    RenameNode(ProjectDocument *doc, NodeId id, std::string name);
    void redo() override;
    void undo() override;

private:
    ProjectDocument *m_doc;
    NodeId m_node;
    std::string m_old;
    std::string m_new;
};

} // namespace torchwright::ui
