#pragma once
// Connects or disconnects one edge, restoring its list position on undo.

#include "projectdocument.h"

#include <QUndoCommand>

namespace torchwright::ui {

class AddRemoveEdge : public QUndoCommand {
public:
    AddRemoveEdge(ProjectDocument *doc, const Edge &edge, bool adding);
    void redo() override;
    void undo() override;

private:
    void apply(bool add);
    ProjectDocument *m_doc;
    Edge m_edge;
    bool m_adding;
    int m_index = -1;
};

} // namespace torchwright::ui
