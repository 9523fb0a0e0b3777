#pragma once
// Sets one parameter of one node. A run of edits to the same field merges into one step.

#include "projectdocument.h"

#include <QUndoCommand>

namespace torchwright::ui {

class ChangeNodeParameter : public QUndoCommand {
public:
    // `value` null removes the key.
    ChangeNodeParameter(ProjectDocument *doc, NodeId id, std::string key, nlohmann::json value);
    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand *other) override;

private:
    ProjectDocument *m_doc;
    NodeId m_node;
    std::string m_key;
    nlohmann::json m_old;
    nlohmann::json m_new;
};

} // namespace torchwright::ui
