#include "stageinspector.h"

#include "applicationpanel.h"
#include "augmentpreview.h"
#include "commands/changesetting.h"
#include "compresspanel.h"
#include "datapreview.h"
#include "feedbackpanel.h"
#include "finetunepanel.h"
#include "i18n.h"
#include "pipelinescene.h"
#include "projectdocument.h"
#include "versionspanel.h"

#include "torchwright/datasetformat.h"
#include "torchwright/settings.h"

#include <QAbstractSpinBox>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QStringList>
#include <QStyle>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>
#include <utility>

namespace torchwright::ui {

using nlohmann::json;

namespace {

QString joinNumbers(const json &j)
{
    QStringList parts;
    if (j.is_array())
        for (const auto &v : j)
            parts << QString::fromStdString(v.dump());
    return parts.join(", ");
}

json parseNumbers(const QString &text, bool integers, bool *ok)
{
    json out = json::array();
    *ok = true;
    for (const QString &part : text.split(QRegularExpression("[,x\\s]+"), Qt::SkipEmptyParts)) {
        bool good = false;
        const double v = part.toDouble(&good);
        if (!good || (integers && v != std::floor(v))) {
            *ok = false;
            return out;
        }
        out.push_back(integers ? json(int64_t(v)) : json(v));
    }
    return out;
}

// A spin box that holds a number as the project file does: shown in the file's shortest exact
// form (1e-08, 20.0, 9223372036854775807) and stepped within the schema's range, so the screen
// never rounds or clamps what the file says, as QDoubleSpinBox's fixed decimals and QSpinBox's
// 32 bits would.
class NumberBox : public QAbstractSpinBox {
public:
    NumberBox(const SettingSpec &spec, QWidget *parent) : QAbstractSpinBox(parent), m_spec(spec)
    {
        connect(this, &QAbstractSpinBox::editingFinished, this, [this] {
            const json v = parse(text());
            if (v.is_null())
                refused();
            else
                edited(v);
        });
    }

    // Room for a typical value (1e-08, 0.001, 9223372036854775807 scrolls): without it the
    // form squeezed the box beside its label until the value was cut off.
    QSize sizeHint() const override { return withTextWidth(QAbstractSpinBox::sizeHint(), "9223372036854"); }
    QSize minimumSizeHint() const override { return withTextWidth(QAbstractSpinBox::minimumSizeHint(), "0.000001"); }

    std::function<void(const json &)> edited; // a value the user typed or stepped to
    std::function<void()> refused;            // text that is not a number

    void setValue(const json &v) { lineEdit()->setText(QString::fromStdString(v.dump())); }

    void stepBy(int steps) override
    {
        const json v = parse(text());
        if (v.is_null())
            return;
        json next;
        if (m_spec.type == SettingType::Int) {
            // Saturating, since the bounds may be int64's own.
            const int64_t current = v.get<int64_t>();
            const int64_t delta = int64_t(steps * m_spec.step);
            const int64_t target = delta > 0 && current > INT64_MAX - delta   ? INT64_MAX
                                   : delta < 0 && current < INT64_MIN - delta ? INT64_MIN
                                                                              : current + delta;
            next = std::clamp(target, m_spec.intMin(), m_spec.intMax());
        } else {
            const double target = std::clamp(v.get<double>() + steps * m_spec.step, m_spec.min, m_spec.max);
            if (!m_spec.inRange(target)) // an exclusive bound: stay where the last step left it
                return;
            next = target;
        }
        setValue(next);
        edited(next);
    }

protected:
    StepEnabled stepEnabled() const override
    {
        const json v = parse(text());
        if (v.is_null())
            return StepNone;
        const double d = v.get<double>();
        StepEnabled e = StepNone;
        if (d < m_spec.max)
            e |= StepUpEnabled;
        if (d > m_spec.min)
            e |= StepDownEnabled;
        return e;
    }

    QValidator::State validate(QString &input, int &) const override
    {
        return parse(input).is_null() ? QValidator::Intermediate : QValidator::Acceptable;
    }

private:
    QSize withTextWidth(QSize size, const char *sample) const
    {
        const int buttons = style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 12;
        size.setWidth(std::max(size.width(), fontMetrics().horizontalAdvance(QLatin1String(sample)) + buttons));
        return size;
    }

    json parse(const QString &text) const
    {
        bool ok = false;
        if (m_spec.type == SettingType::Int) {
            const qlonglong v = text.trimmed().toLongLong(&ok);
            return ok ? json(int64_t(v)) : json();
        }
        const double v = text.trimmed().toDouble(&ok);
        return ok && std::isfinite(v) ? json(v) : json();
    }

    const SettingSpec &m_spec;
};

} // namespace

StageInspector::StageInspector(ProjectDocument *doc, QWidget *parent) : QWidget(parent), m_doc(doc)
{
    auto *outer = new QVBoxLayout(this);
    m_title = new QLabel(this);
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() + 2);
    m_title->setFont(f);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet("color: #b00020");
    m_error->setObjectName("settingError");
    outer->addWidget(m_title);
    outer->addWidget(m_note);
    outer->addWidget(m_error);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_form = new QWidget(scroll);
    m_layout = new QFormLayout(m_form);
    // A narrow panel: labels go above their fields rather than squeeze them, fields take the
    // width there is, and only vertical scrolling is left (formFits() checks it).
    m_layout->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_layout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_scroll = scroll;
    scroll->setWidget(m_form);
    outer->addWidget(scroll, 1);
    connect(doc, &ProjectDocument::settingsChanged, this, &StageInspector::refreshValues);
    connect(doc, &ProjectDocument::projectReset, this, [this] {
        m_pendingKind.clear();
        rebuild();
    });
    connect(doc, &ProjectDocument::analysisChanged, this, &StageInspector::refreshValues);
    rebuild();
}

ApplicationPanel *StageInspector::applicationPanel() const { return m_application; }
FeedbackPanel *StageInspector::feedbackPanel() const { return m_feedback; }
FinetunePanel *StageInspector::finetunePanel() const { return m_finetune; }
VersionsPanel *StageInspector::versionsPanel() const { return m_versions; }
CompressPanel *StageInspector::compressPanel() const { return m_compress; }

bool StageInspector::formFits() const { return m_form->minimumSizeHint().width() <= m_scroll->viewport()->width(); }

void StageInspector::showStage(int stage)
{
    if (stage == m_stage)
        return;
    m_stage = stage;
    rebuild();
}

// Keeps a kind that needs a folder while there is none (see m_pendingKind); true when it did.
bool StageInspector::holdKindForFolder(const std::string &pointer, const json &value)
{
    if (pointer != "/dataset/kind" || !value.is_string())
        return false;
    const DatasetFormat *format = findDatasetFormat(value.get<std::string>());
    if (!format || !format->needsPath || !m_doc->project().dataset.path.empty()) {
        if (!m_pendingKind.empty()) { // the kind held for a folder is given up
            m_pendingKind.clear();
            m_error->clear();
            refreshValues();
        }
        return false;
    }
    m_pendingKind = format->name;
    m_error->setText(tr("%1 reads its files from a folder: choose the Folder to use this kind.")
                         .arg(QString::fromStdString(format->label)));
    refreshValues();
    return true;
}

void StageInspector::push(const std::string &pointer, const json &value)
{
    if (m_updating || holdKindForFolder(pointer, value))
        return;
    if (pointer == "/dataset/path" && !m_pendingKind.empty() && value.is_string()
        && !value.get<std::string>().empty()) {
        // The folder for the kind held above: both change, as one step.
        const std::string kind = std::exchange(m_pendingKind, {});
        QString error;
        if (!m_doc->withSetting(pointer, value, &error)) {
            m_error->setText(error);
            refreshValues();
            return;
        }
        m_error->clear();
        QUndoStack *stack = m_doc->undoStack();
        stack->beginMacro(tr("Use %1 data from %2")
                              .arg(QString::fromStdString(kind), QString::fromStdString(value.get<std::string>())));
        stack->push(new ChangeSetting(m_doc, pointer, value));
        if (m_doc->withSetting("/dataset/kind", kind, &error))
            stack->push(new ChangeSetting(m_doc, "/dataset/kind", kind));
        else
            m_error->setText(error);
        stack->endMacro();
        return;
    }
    if (m_doc->setting(pointer) == value)
        return;
    // Check first so a refused value leaves no undo step behind.
    QString error;
    if (!m_doc->withSetting(pointer, value, &error)) {
        m_error->setText(error);
        refreshValues();
        return;
    }
    m_error->clear();
    m_doc->undoStack()->push(new ChangeSetting(m_doc, pointer, value));
}

void StageInspector::rebuild()
{
    clearForm();
    if (m_stage < 0) {
        m_title->setText(tr("Pipeline"));
        m_note->setText(tr("Select a stage to see its settings. Double-click Optimize to edit the model."));
        m_note->show();
        return;
    }
    const StageInfo &info = stageInfo(Stage(m_stage));
    m_title->setText(info.title());
    m_note->setText(info.note());
    m_note->setVisible(!info.note().isEmpty()); // an empty one still took a line's height
    addSettingRows(m_stage);
    addStageActions(m_stage);
    refreshValues();
}

void StageInspector::clearForm()
{
    m_rows.clear();
    if (m_dataPreview && m_layout->indexOf(m_dataPreview) >= 0) {
        m_layout->takeRow(m_dataPreview);
        m_dataPreview->hide();
    }
    while (m_layout->rowCount() > 0)
        m_layout->removeRow(0);
    m_error->clear();
}

void StageInspector::addSettingRows(int stage)
{
    const std::string key = stageInfo(Stage(stage)).key;
    for (const SettingSpec &spec : projectSettings()) {
        if (std::find(spec.stages.begin(), spec.stages.end(), key) == spec.stages.end())
            continue;
        Row row = createEditor(spec);
        row.field->setToolTip(settingText(spec.help));
        // A drop-down as wide as its longest choice would set the form's minimum width.
        QList<QComboBox *> combos = row.field->findChildren<QComboBox *>();
        if (auto *combo = qobject_cast<QComboBox *>(row.field))
            combos << combo;
        for (QComboBox *combo : combos) {
            combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
            combo->setMinimumContentsLength(8);
        }
        m_layout->addRow(settingText(spec.label), row.field);
        m_rows.push_back(std::move(row));
    }
}

void StageInspector::addStageActions(int stage)
{
    if (Stage(stage) == Stage::Optimize) {
        auto *open = new QPushButton(tr("Open the model (layer graph)"), m_form);
        open->setObjectName("openModel");
        connect(open, &QPushButton::clicked, this, &StageInspector::openModelRequested);
        m_layout->addRow(open);
    } else if (Stage(stage) == Stage::Preprocess) {
        m_layout->addRow(new AugmentPreview(m_doc, m_form));
    } else if (Stage(stage) == Stage::EvaluateDeploy) {
        auto *exportButton = new QPushButton(tr("Export a run…"), m_form);
        exportButton->setObjectName("exportRun");
        connect(exportButton, &QPushButton::clicked, this, &StageInspector::exportRequested);
        m_layout->addRow(exportButton);
        m_compress = new CompressPanel(m_doc, m_form);
        m_layout->addRow(m_compress);
    } else if (Stage(stage) == Stage::InputData) {
        if (!m_dataPreview)
            m_dataPreview = new DataPreview(m_doc, m_form);
        m_layout->addRow(m_dataPreview);
        m_dataPreview->show();
    } else if (Stage(stage) == Stage::Application) {
        m_application = new ApplicationPanel(m_doc, m_form);
        m_layout->addRow(m_application);
    } else if (Stage(stage) == Stage::UserFeedback) {
        m_feedback = new FeedbackPanel(m_doc, m_form);
        m_layout->addRow(m_feedback);
    } else if (Stage(stage) == Stage::ContinuousOptimization) {
        m_finetune = new FinetunePanel(m_doc, m_form);
        connect(m_finetune, &FinetunePanel::finetuneRequested, this, &StageInspector::finetuneRequested);
        m_layout->addRow(m_finetune);
    } else if (Stage(stage) == Stage::ModelUpdate) {
        m_versions = new VersionsPanel(m_doc, m_form);
        m_layout->addRow(m_versions);
    }
}

StageInspector::Row StageInspector::createEditor(const SettingSpec &spec)
{
    const std::string ptr = spec.pointer;
    const QString name = QString::fromStdString(ptr);
    auto value = [this, &spec] { return spec.get(m_doc->project()); };
    switch (spec.type) {
    case SettingType::Int: {
        if (spec.intMin() < INT_MIN || spec.intMax() > INT_MAX)
            return createNumberEditor(spec);
        auto *w = new QSpinBox(m_form);
        w->setRange(int(spec.intMin()), int(spec.intMax()));
        w->setObjectName(name);
        connect(w, qOverload<int>(&QSpinBox::valueChanged), this, [this, ptr](int v) { push(ptr, v); });
        return {&spec, w, [w, value] { w->setValue(value().get<int>()); }};
    }
    case SettingType::Number: return createNumberEditor(spec);
    case SettingType::Bool: {
        auto *w = new QCheckBox(m_form);
        w->setObjectName(name);
        connect(w, &QCheckBox::toggled, this, [this, ptr](bool v) { push(ptr, v); });
        return {&spec, w, [w, value] { w->setChecked(value().get<bool>()); }};
    }
    case SettingType::Choice: {
        auto *w = new QComboBox(m_form);
        for (const auto &c : spec.choices)
            w->addItem(choiceText(c), QString::fromStdString(c)); // shown translated, stored as it is
        w->setObjectName(name);
        connect(w, &QComboBox::currentIndexChanged, this, [this, w, ptr](int i) {
            if (i >= 0)
                push(ptr, w->itemData(i).toString().toStdString());
        });
        return {&spec, w,
                [w, value] { w->setCurrentIndex(w->findData(QString::fromStdString(value().get<std::string>()))); }};
    }
    case SettingType::String: return createTextEditor(spec);
    case SettingType::List: return createListEditor(spec);
    }
    return {&spec, new QWidget(m_form), [] {}};
}

StageInspector::Row StageInspector::createNumberEditor(const SettingSpec &spec)
{
    const std::string ptr = spec.pointer;
    auto *w = new NumberBox(spec, m_form);
    w->setObjectName(QString::fromStdString(ptr));
    w->edited = [this, ptr](const json &v) { push(ptr, v); };
    w->refused = [this, ptr] {
        m_error->setText(tr("%1: expected a number").arg(QString::fromStdString(ptr)));
        refreshValues();
    };
    return {&spec, w, [this, w, &spec] { w->setValue(spec.get(m_doc->project())); }};
}

StageInspector::Row StageInspector::createTextEditor(const SettingSpec &spec)
{
    const std::string ptr = spec.pointer;
    auto text = [this, &spec] { return QString::fromStdString(spec.get(m_doc->project()).get<std::string>()); };
    if (!spec.choices.empty()) {
        // Suggestions the user may also type past ("cuda:3").
        auto *w = new QComboBox(m_form);
        w->setEditable(true);
        w->setInsertPolicy(QComboBox::NoInsert);
        for (const auto &c : spec.choices)
            w->addItem(QString::fromStdString(c));
        w->setObjectName(QString::fromStdString(ptr));
        connect(w, &QComboBox::activated, this, [this, w, ptr] { push(ptr, w->currentText().toStdString()); });
        connect(w->lineEdit(), &QLineEdit::editingFinished, this,
                [this, w, ptr] { push(ptr, w->currentText().toStdString()); });
        return {&spec, w, [w, text] { w->setCurrentText(text()); }};
    }
    auto *row = new QWidget(m_form);
    auto *h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    auto *w = new QLineEdit(row);
    w->setObjectName(QString::fromStdString(ptr));
    h->addWidget(w, 1);
    if (spec.path) {
        auto *b = new QPushButton(tr("Browse..."), row);
        h->addWidget(b);
        connect(b, &QPushButton::clicked, this, [this, w] {
            const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a folder"), w->text());
            if (!dir.isEmpty()) {
                w->setText(dir);
                Q_EMIT w->editingFinished();
            }
        });
    }
    if (ptr == "/pretrain/source") {
        // The loop back from Model update: the next run starts from the current version.
        auto *current = new QPushButton(tr("Current version"), row);
        current->setObjectName(QStringLiteral("pretrainFromCurrent"));
        current->setToolTip(tr("Start from the current model version of this project (@current)"));
        h->addWidget(current);
        connect(current, &QPushButton::clicked, this, [this] {
            // The source and the switch, as one undo step.
            QUndoStack *stack = m_doc->undoStack();
            stack->beginMacro(tr("Start from the current version"));
            push("/pretrain/source", "@current");
            push("/pretrain/enabled", true);
            stack->endMacro();
        });
    }
    connect(w, &QLineEdit::editingFinished, this, [this, w, ptr] { push(ptr, w->text().toStdString()); });
    return {&spec, row, [w, text] { w->setText(text()); }};
}

StageInspector::Row StageInspector::createListEditor(const SettingSpec &spec)
{
    const std::string ptr = spec.pointer;
    auto *w = new QLineEdit(m_form);
    w->setObjectName(QString::fromStdString(ptr));
    if (spec.itemType == SettingType::Int || spec.itemType == SettingType::Number) {
        const bool integers = spec.itemType == SettingType::Int;
        w->setPlaceholderText(integers ? tr("e.g. 1, 28, 28") : tr("e.g. 0.5, 0.5, 0.5"));
        connect(w, &QLineEdit::editingFinished, this, [this, w, ptr, integers] {
            bool ok = false;
            json v = parseNumbers(w->text(), integers, &ok);
            if (!ok) {
                m_error->setText(tr("%1: expected numbers separated by commas").arg(QString::fromStdString(ptr)));
                return;
            }
            push(ptr, v);
        });
        return {&spec, w, [this, w, &spec] { w->setText(joinNumbers(spec.get(m_doc->project()))); }};
    }
    connect(w, &QLineEdit::editingFinished, this, [this, w, ptr] {
        json v = json::array();
        for (const QString &n : w->text().split(',', Qt::SkipEmptyParts))
            v.push_back(n.trimmed().toStdString());
        push(ptr, v);
    });
    return {&spec, w, [this, w, &spec] {
                QStringList names;
                for (const auto &n : spec.get(m_doc->project()))
                    names << QString::fromStdString(n.get<std::string>());
                w->setText(names.join(", "));
            }};
}

void StageInspector::refreshValues()
{
    m_updating = true;
    // A setting that does not apply (the synthetic format's sizes for IDX files) is hidden; a
    // kind held for its folder decides that as if the document had it.
    Project project = m_doc->project();
    if (!m_pendingKind.empty())
        project.dataset.kind = m_pendingKind;
    for (const Row &row : m_rows) {
        const bool applies = row.spec->shownFor(project);
        m_layout->setRowVisible(row.field, applies);
        if (applies)
            row.refresh();
        if (auto *combo = qobject_cast<QComboBox *>(row.field); combo && row.spec->pointer == "/dataset/kind")
            combo->setCurrentIndex(combo->findData(QString::fromStdString(project.dataset.kind)));
        // The document holds what the field shows: the undo keys are the document's again
        // (MainWindow::eventFilter).
        auto *edit = qobject_cast<QLineEdit *>(row.field);
        for (QLineEdit *e : edit ? QList<QLineEdit *>{edit} : row.field->findChildren<QLineEdit *>())
            e->setModified(false);
    }
    m_updating = false;
}

} // namespace torchwright::ui
