#pragma once
// Edits the selected layer: its name (RenameNode, refusing invalid and duplicate names with a
// message) and one typed editor per registry parameter (ChangeNodeParameter per edit; a run of
// edits to one field merges into one undo step). Also shows the node's output shape, parameter
// count, multiply-adds and problems from the document's current analysis. Reads the document
// and reacts to its signals; never keeps a pointer into the graph across calls.
//
// Object names for tests and style sheets: "nodeName", "nameError", "nodeType",
// "param_<parameter>", "outputShape", "parameterCount", "multiplyAdds", "nodeProblems".

#include "projectdocument.h"

#include <QWidget>

#include <string>
#include <vector>

class QFormLayout;
class QLabel;
class QLineEdit;
class QScrollArea;

namespace torchwright::ui {

class NodeInspector : public QWidget {
    Q_OBJECT

public:
    explicit NodeInspector(ProjectDocument *doc, QWidget *parent = nullptr);
    ~NodeInspector() override;

    // Shows `id`'s settings; an invalid id shows a placeholder.
    void setNode(NodeId id);
    // One node: its settings; none or several: a placeholder saying so.
    void setSelection(const std::vector<NodeId> &ids);
    NodeId node() const { return m_node; }

    // The editor of a parameter ("param_<name>"), or nullptr.
    QWidget *editorFor(const QString &parameter) const;
    QLineEdit *nameEditor() const { return m_name; }
    // The last refusal of a name, empty after a successful rename or a change of node.
    QString nameError() const;

private:
    void rebuildEditors();
    void refreshValues();
    void refreshAnalysis();
    void commitName();
    void commitParameter(const std::string &key, const nlohmann::json &value);
    void showNameError(const QString &message);

    ProjectDocument *m_doc;
    NodeId m_node;
    std::string m_builtType; // the type the parameter editors were built for

    QLabel *m_placeholder;
    QScrollArea *m_scroll;
    QWidget *m_content; // inside m_scroll
    QLineEdit *m_name;
    QLabel *m_nameError;
    QLabel *m_type;
    QFormLayout *m_form; // name, type, then one row per parameter, then the analysis
    int m_paramRows = 0; // parameter rows, right after the type's row
    QLabel *m_output;
    QLabel *m_parameters;
    QLabel *m_multiplyAdds;
    QLabel *m_problems;
};

} // namespace torchwright::ui
