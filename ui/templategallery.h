#pragma once
// File > New: a gallery of project templates, one card each (name, one line, layer count,
// dataset, a small picture of the graph), the empty project first. The templates are the
// project files under the resource prefix :/templates (resources/torchwright.qrc); their titles
// and descriptions are in the table in templategallery.cpp, so they can be translated.

#include "torchwright/project.h"

#include <QDialog>
#include <QString>

#include <optional>
#include <vector>

class QDialogButtonBox;
class QFrame;

namespace torchwright::ui {

struct ProjectTemplate {
    QString key;         // the file's base name under :/templates ("mlp"); "" for the empty project
    QString title;       // translated
    QString description; // one translated line
};

// Every template, the empty project first, then the files under :/templates in the table's
// order (a file the table does not know comes last, titled with its project name).
std::vector<ProjectTemplate> projectTemplates();

// The template's project, detached from any file, named "Untitled" and laid out by autoLayout();
// nullopt (with `error`)
// when `key` names no template or its file does not load. The empty project is not a file: ask
// for it with the key "" and get nullopt without an error.
std::optional<Project> templateProject(const QString &key, QString *error = nullptr);

class TemplateGallery : public QDialog {
    Q_OBJECT

public:
    explicit TemplateGallery(QWidget *parent = nullptr);

    QString selectedKey() const { return m_selected; }
    void select(const QString &key);
    // The card widget of a template (objectName "template_<key>", "template_empty"), for tests.
    QFrame *card(const QString &key) const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QFrame *makeCard(const ProjectTemplate &t);
    void updateCards();

    QString m_selected;
    std::vector<std::pair<QString, QFrame *>> m_cards;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace torchwright::ui
