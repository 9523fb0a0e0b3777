#pragma once
// Moves nodes. Every step of one drag carries the same drag id and merges into one undo step;
// the automatic layout is one MoveNodes of every node.

#include "projectdocument.h"

#include <QPointF>
#include <QUndoCommand>

#include <map>

namespace torchwright::ui {

class MoveNodes : public QUndoCommand {
public:
    // `to`: new positions by node id. `dragId` > 0 merges with the previous command of the same drag.
    MoveNodes(ProjectDocument *doc, std::map<int, QPointF> to, int dragId = 0, const QString &text = {});
    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand *other) override;

private:
    ProjectDocument *m_doc;
    std::map<int, QPointF> m_from;
    std::map<int, QPointF> m_to;
    int m_dragId;
};

} // namespace torchwright::ui
