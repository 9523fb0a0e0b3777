#pragma once
// Changes one pipeline setting (dataset, preprocessing, training, export, pretraining),
// addressed by its JSON pointer. Edits of the same field in a row merge into one step.

#include "projectdocument.h"

#include <QUndoCommand>

namespace torchwright::ui {

class ChangeSetting : public QUndoCommand {
public:
    ChangeSetting(ProjectDocument *doc, std::string pointer, nlohmann::json value);
    void redo() override;
    void undo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand *other) override;

private:
    ProjectDocument *m_doc;
    std::string m_pointer;
    nlohmann::json m_old;
    nlohmann::json m_new;
};

} // namespace torchwright::ui
