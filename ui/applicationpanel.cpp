#include "applicationpanel.h"

#include "i18n.h"
#include "projectdocument.h"

#include "torchwright/versions.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <cmath>
#include <set>
#include <stdexcept>

namespace torchwright::ui {

namespace {

constexpr int kThumb = 40;
constexpr int kEntryRole = Qt::UserRole + 1;
constexpr int kSortRole = Qt::UserRole + 2;

// Sorts by a number kept beside the text shown (a confidence of 0.93 shown as "93.0 %").
class NumberItem : public QTableWidgetItem {
public:
    using QTableWidgetItem::QTableWidgetItem;
    bool operator<(const QTableWidgetItem &other) const override
    {
        const double a = data(kSortRole).toDouble(), b = other.data(kSortRole).toDouble();
        // No confidence (a regression) sorts last either way round.
        if (std::isnan(a) || std::isnan(b))
            return !std::isnan(a) && std::isnan(b);
        return a < b;
    }
};

QString percent(double p) { return QStringLiteral("%1 %").arg(p * 100.0, 0, 'f', 1); }

} // namespace

ApplicationPanel::ApplicationPanel(ProjectDocument *doc, QWidget *parent)
    : QWidget(parent), m_doc(doc), m_jobs(new BackgroundJobs(this))
{
    setAcceptDrops(true);
    m_versionLabel = new QLabel(this);
    m_versionLabel->setObjectName(QStringLiteral("applicationVersion"));
    m_versionLabel->setWordWrap(true);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("applicationStatus"));
    m_status->setWordWrap(true);

    m_openFiles = new QPushButton(tr("Open files…"), this);
    m_openFolder = new QPushButton(tr("Open folder…"), this);
    m_testSamples = new QPushButton(tr("Test samples…"), this);
    m_testSamples->setToolTip(tr("Predict on test samples chosen by index"));
    m_random = new QPushButton(tr("Random"), this);
    m_random->setObjectName(QStringLiteral("randomSamples"));
    m_random->setToolTip(tr("Predict on this many test samples drawn at random"));
    m_randomCount = new QSpinBox(this);
    m_randomCount->setRange(1, 500);
    m_randomCount->setValue(12);
    m_paste = new QPushButton(tr("Paste rows"), this);
    m_paste->setToolTip(tr("Predict on CSV rows from the clipboard, the header line first"));
    m_clear = new QPushButton(tr("Clear"), this);
    auto *inputs = new QHBoxLayout;
    for (QWidget *w :
         {static_cast<QWidget *>(m_openFiles), static_cast<QWidget *>(m_openFolder), static_cast<QWidget *>(m_paste)})
        inputs->addWidget(w);
    inputs->addStretch(1);
    auto *samples = new QHBoxLayout;
    for (QWidget *w : {static_cast<QWidget *>(m_testSamples), static_cast<QWidget *>(m_random),
                       static_cast<QWidget *>(m_randomCount), static_cast<QWidget *>(m_clear)})
        samples->addWidget(w);
    samples->addStretch(1);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("applicationTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Input"), tr("Prediction"), tr("Confidence"), tr("Other classes"), tr("Review")});
    m_table->horizontalHeaderItem(ConfidenceColumn)
        ->setToolTip(tr("Click to sort; ascending puts the doubtful predictions first"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setIconSize(QSize(kThumb, kThumb));
    m_table->verticalHeader()->setDefaultSectionSize(kThumb + 6);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    // The inputs' order until a header is clicked.
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_table->setMinimumHeight(260);
    m_table->setWordWrap(false);

    m_right = new QPushButton(tr("Right"), this);
    m_right->setObjectName(QStringLiteral("markRight"));
    m_right->setToolTip(tr("The predicted class is correct: log the prediction and the review"));
    m_wrong = new QPushButton(tr("Wrong, it is:"), this);
    m_wrong->setObjectName(QStringLiteral("markWrong"));
    m_wrong->setToolTip(tr("Log the prediction with the correct class (or value) chosen beside"));
    m_correctClass = new QComboBox(this);
    m_correctClass->setObjectName(QStringLiteral("correctClass"));
    m_correctClass->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_correctClass->setMinimumContentsLength(10);
    m_correctValue = new QLineEdit(this);
    m_correctValue->setObjectName(QStringLiteral("correctValue"));
    m_correctValue->setPlaceholderText(tr("correct value"));
    auto *review = new QHBoxLayout;
    review->addWidget(m_right);
    review->addWidget(m_wrong);
    review->addWidget(m_correctClass, 1);
    review->addWidget(m_correctValue, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_versionLabel);
    layout->addLayout(inputs);
    layout->addLayout(samples);
    layout->addWidget(m_table, 1);
    layout->addLayout(review);
    layout->addWidget(m_status);

    connect(m_openFiles, &QPushButton::clicked, this, &ApplicationPanel::openFiles);
    connect(m_openFolder, &QPushButton::clicked, this, &ApplicationPanel::openFolder);
    connect(m_testSamples, &QPushButton::clicked, this, &ApplicationPanel::pickTestSamples);
    connect(m_random, &QPushButton::clicked, this, [this] { predictRandomTestSamples(m_randomCount->value()); });
    connect(m_paste, &QPushButton::clicked, this, &ApplicationPanel::pasteRows);
    connect(m_clear, &QPushButton::clicked, this, &ApplicationPanel::clear);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &ApplicationPanel::updateButtons);
    connect(m_right, &QPushButton::clicked, this, [this] {
        std::set<int> rows;
        for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
            rows.insert(i.row());
        for (int row : rows)
            if (!markRight(row))
                break;
    });
    connect(m_wrong, &QPushButton::clicked, this, [this] {
        std::set<int> rows;
        for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
            rows.insert(i.row());
        bool numberOk = false;
        const double value = m_correctValue->text().toDouble(&numberOk);
        for (int row : rows) {
            const Entry &e = m_entries[size_t(entryOf(row))];
            if (e.prediction.regression) {
                if (!numberOk) {
                    reportStatus(tr("Type the correct value first."), true);
                    return;
                }
                if (!markWrongValue(row, value))
                    return;
            } else if (!markWrong(row, m_correctClass->currentIndex())) {
                return;
            }
        }
    });
    connect(m_jobs, &BackgroundJobs::busyChanged, this, &ApplicationPanel::updateButtons);
    connect(m_jobs, &BackgroundJobs::failed, this, [this](const QString &message) {
        reportStatus(message, true);
        Q_EMIT failed(message);
    });
    connect(LoopWatcher::forDocument(doc), &LoopWatcher::changed, this, &ApplicationPanel::refreshVersion);
    connect(doc, &ProjectDocument::settingsChanged, this, &ApplicationPanel::refreshVersion);
    refreshVersion();
}

void ApplicationPanel::refreshVersion()
{
    const Project &project = m_doc->project();
    const QString before = m_version;
    m_version.clear();
    m_bundle.clear();
    m_testCount = 0;
    if (m_doc->filePath().isEmpty()) {
        m_versionLabel->setText(tr("Save the project first: its model versions and feedback are kept beside it."));
    } else {
        try {
            if (std::optional<VersionInfo> v = currentVersion(project)) {
                m_version = QString::fromStdString(v->id);
                m_bundle = QString::fromStdString(v->bundleDir());
                m_testCount = v->test.samples;
                m_versionLabel->setText(tr("Trying %1, the current version (run %2). Drop image files or a folder "
                                           "here, or choose inputs below.")
                                            .arg(m_version, QString::fromStdString(v->runName)));
            } else {
                m_versionLabel->setText(tr("There is no model version yet. Train a run, then register it under "
                                           "Model update: the first version registered becomes current and is "
                                           "tried here."));
            }
        } catch (const std::exception &e) {
            m_versionLabel->setText(tr("The model registry cannot be read: %1").arg(exceptionText(e)));
        }
    }
    // Rows are for table projects; images and test samples for the rest.
    m_paste->setVisible(project.dataset.kind == "csv");
    const QStringList names = classNames(project);
    if (m_correctClass->count() != names.size() || [&] {
            for (int i = 0; i < names.size(); ++i)
                if (m_correctClass->itemText(i) != names[i])
                    return true;
            return false;
        }()) {
        m_correctClass->clear();
        m_correctClass->addItems(names);
    }
    if (before != m_version && !m_entries.empty() && !before.isEmpty())
        reportStatus(tr("The current version changed to %1; the rows above were predicted by %2.")
                         .arg(m_version.isEmpty() ? tr("none") : m_version, before),
                     false);
    updateButtons();
}

void ApplicationPanel::updateButtons()
{
    const bool ready = !m_version.isEmpty() && !m_jobs->isBusy();
    for (QPushButton *b : {m_openFiles, m_openFolder, m_testSamples, m_random, m_paste})
        b->setEnabled(ready);
    m_randomCount->setEnabled(ready);
    const bool selected = m_table->selectionModel() && !m_table->selectionModel()->selectedRows().isEmpty();
    bool regression = false, classes = false;
    if (selected)
        for (const QModelIndex &i : m_table->selectionModel()->selectedRows()) {
            const int e = entryOf(i.row());
            if (e >= 0)
                (m_entries[size_t(e)].prediction.regression ? regression : classes) = true;
        }
    m_right->setEnabled(selected);
    m_wrong->setEnabled(selected);
    m_correctClass->setVisible(!regression || classes);
    m_correctValue->setVisible(regression);
    m_clear->setEnabled(!m_entries.empty() && !m_jobs->isBusy());
}

void ApplicationPanel::reportStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
}

QString ApplicationPanel::statusText() const { return m_status->text(); }

void ApplicationPanel::run(const QString &what, std::function<std::vector<Entry>()> work)
{
    if (m_version.isEmpty()) {
        reportStatus(tr("There is no current model version to predict with."), true);
        Q_EMIT failed(m_status->text());
        return;
    }
    reportStatus(tr("Predicting %1…").arg(what), false);
    m_jobs->run([this, work = std::move(work)]() -> std::function<void()> {
        std::vector<Entry> entries = work();
        return [this, entries = std::move(entries)]() mutable { addEntries(std::move(entries)); };
    });
    updateButtons();
}

void ApplicationPanel::predictFiles(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    if (!m_scratch)
        m_scratch = std::make_unique<QTemporaryDir>();
    const std::string bundle = m_bundle.toStdString();
    const int topK = m_doc->project().application.topK;
    const QString scratch = m_scratch->filePath(QStringLiteral("rows-%1").arg(++m_scratchSerial));
    run(paths.size() == 1 ? QFileInfo(paths[0]).fileName() : tr("%1 inputs").arg(paths.size()), [bundle, topK, paths,
                                                                                                 scratch] {
        std::vector<Entry> out;
        for (const QString &path : paths) {
            const std::vector<Prediction> predictions = predictBundle(bundle, path.toStdString(), topK);
            // Table rows (named file.csv:LINE) and the samples of a tensor file (.npy, IDX:
            // no source) are kept in the store as the engine encodes them: logged here into a
            // scratch store, from which each one is taken when it is marked.
            std::vector<FeedbackItem> logged;
            const bool table = !predictions.empty() && !predictions.front().source.empty()
                               && !QFileInfo::exists(QString::fromStdString(predictions.front().source));
            const bool tensors = !predictions.empty() && predictions.front().source.empty();
            std::unique_ptr<FeedbackStore> scratchStore;
            if (table || tensors) {
                scratchStore =
                    std::make_unique<FeedbackStore>(QStringLiteral("%1/%2").arg(scratch).arg(out.size()).toStdString());
                logBundlePredictions(*scratchStore, bundle, path.toStdString(), predictions);
                logged = scratchStore->items();
            }
            for (size_t i = 0; i < predictions.size(); ++i) {
                Entry e;
                e.prediction = predictions[i];
                const QString source = QString::fromStdString(predictions[i].source);
                if (table) {
                    e.path = source;
                    e.source = QFileInfo(source).fileName();
                    if (i < logged.size())
                        e.row = logged[i].input.row;
                } else if (tensors) {
                    if (i < logged.size()) {
                        e.path = QString::fromStdString(scratchStore->inputPath(logged[i]));
                        e.dataSource = QString::fromStdString(logged[i].input.source); // "batch.npy:3"
                        e.source = QFileInfo(e.dataSource).fileName();
                    }
                } else {
                    e.path = source;
                    e.source = QFileInfo(source).fileName();
                    e.thumb = thumbnail(QImage(e.path), kThumb);
                }
                out.push_back(std::move(e));
            }
        }
        return out;
    });
}

void ApplicationPanel::predictTestSamples(const QList<int> &indices)
{
    if (indices.isEmpty())
        return;
    if (!m_scratch)
        m_scratch = std::make_unique<QTemporaryDir>();
    // The engine writes each sample as the model's input file (writeTestSampleInputs): what is
    // predicted here and what the store keeps when the row is marked, named "test:N".
    const QString dir = m_scratch->filePath(QStringLiteral("test-%1").arg(++m_scratchSerial));
    const Project project = m_doc->project();
    const std::string bundle = m_bundle.toStdString();
    const int topK = project.application.topK;
    run(tr("%1 test sample(s)").arg(indices.size()), [project, bundle, topK, indices, dir] {
        const std::vector<int> wanted(indices.begin(), indices.end());
        const std::vector<std::string> files = writeTestSampleInputs(project, bundle, wanted, dir.toStdString());
        // Thumbnails for image samples; a table row has none.
        const bool images = project.dataset.sampleShape.size() >= 2;
        const std::vector<SampleImage> pictures =
            images ? testSampleImages(project, wanted) : std::vector<SampleImage>{};
        std::vector<Entry> out;
        for (size_t i = 0; i < files.size(); ++i) {
            const std::vector<Prediction> p = predictBundle(bundle, files[i], topK);
            if (p.empty())
                continue;
            Entry e;
            e.prediction = p.front();
            e.path = QString::fromStdString(files[i]);
            e.source = QStringLiteral("test:%1").arg(wanted[i]);
            e.dataSource = e.source;
            if (i < pictures.size())
                e.thumb = thumbnail(sampleImage(pictures[i]), kThumb);
            out.push_back(std::move(e));
        }
        return out;
    });
}

void ApplicationPanel::predictRandomTestSamples(int count)
{
    if (m_testCount <= 0) {
        reportStatus(tr("The current version records no test split to draw from."), true);
        Q_EMIT failed(m_status->text());
        return;
    }
    std::set<int> picked;
    auto *random = QRandomGenerator::global();
    count = std::min(count, m_testCount);
    while (int(picked.size()) < count)
        picked.insert(int(random->bounded(m_testCount)));
    predictTestSamples(QList<int>(picked.begin(), picked.end()));
}

void ApplicationPanel::predictRows(const QString &csvText)
{
    if (csvText.trimmed().isEmpty())
        return;
    if (!m_scratch)
        m_scratch = std::make_unique<QTemporaryDir>();
    const QString file = m_scratch->filePath(QStringLiteral("pasted-%1.csv").arg(++m_scratchSerial));
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly) || f.write(csvText.toUtf8()) < 0) {
        reportStatus(tr("Cannot write the pasted rows to %1: %2").arg(file, f.errorString()), true);
        return;
    }
    f.close();
    predictFiles({file});
}

void ApplicationPanel::addEntries(std::vector<Entry> entries)
{
    const int added = int(entries.size());
    m_table->setSortingEnabled(false);
    for (Entry &e : entries) {
        const int index = int(m_entries.size());
        m_entries.push_back(std::move(e));
        const Entry &entry = m_entries.back();
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto *input = new QTableWidgetItem(entry.source);
        input->setData(kEntryRole, index);
        input->setToolTip(entry.path);
        if (!entry.thumb.isNull())
            input->setIcon(QIcon(QPixmap::fromImage(entry.thumb)));
        m_table->setItem(row, InputColumn, input);
        const Prediction &p = entry.prediction;
        auto *confidence = new NumberItem;
        QStringList others;
        if (p.regression) {
            m_table->setItem(row, PredictionColumn, new QTableWidgetItem(QString::number(p.value, 'g', 6)));
            confidence->setData(kSortRole, std::nan(""));
        } else if (!p.top.empty()) {
            m_table->setItem(row, PredictionColumn, new QTableWidgetItem(QString::fromStdString(p.top.front().name)));
            confidence->setText(percent(p.top.front().probability));
            confidence->setData(kSortRole, p.top.front().probability);
            for (size_t k = 1; k < p.top.size(); ++k)
                others << QStringLiteral("%1 %2").arg(QString::fromStdString(p.top[k].name),
                                                      percent(p.top[k].probability));
        }
        confidence->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, ConfidenceColumn, confidence);
        m_table->setItem(row, OthersColumn, new QTableWidgetItem(others.join(QStringLiteral(", "))));
        m_table->setItem(row, ReviewColumn, new QTableWidgetItem);
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();
    reportStatus(added == 0 ? tr("Nothing to predict on there.")
                            : tr("%1 prediction(s) by %2. Select rows and mark them right or wrong; sort by "
                                 "Confidence to see the doubtful ones first.")
                                  .arg(added)
                                  .arg(m_version),
                 false);
    updateButtons();
    Q_EMIT predicted(added);
}

int ApplicationPanel::entryOf(int row) const
{
    const QTableWidgetItem *item = m_table->item(row, InputColumn);
    return item ? item->data(kEntryRole).toInt() : -1;
}

QString ApplicationPanel::rowSource(int row) const
{
    const int e = entryOf(row);
    return e < 0 ? QString() : m_entries[size_t(e)].source;
}

double ApplicationPanel::rowConfidence(int row) const
{
    const QTableWidgetItem *item = m_table->item(row, ConfidenceColumn);
    return item ? item->data(kSortRole).toDouble() : std::nan("");
}

QString ApplicationPanel::feedbackId(int row) const
{
    const int e = entryOf(row);
    return e < 0 ? QString() : m_entries[size_t(e)].itemId;
}

bool ApplicationPanel::logged(int entry, QString *error)
{
    Entry &e = m_entries[size_t(entry)];
    if (!e.itemId.isEmpty())
        return true;
    const QString dir = LoopWatcher::forDocument(m_doc)->feedbackDir();
    if (dir.isEmpty()) {
        *error = tr("Save the project first: the feedback store is kept beside it.");
        return false;
    }
    if (e.path.isEmpty()) {
        *error = tr("%1 has no file to keep in the feedback store.").arg(e.source);
        return false;
    }
    try {
        FeedbackStore store(dir.toStdString());
        FeedbackItem item;
        if (!e.dataSource.isEmpty()) {
            // One sample of a tensor file: its bytes, named as the user named the file.
            QFile sample(e.path);
            if (!sample.open(QIODevice::ReadOnly)) {
                *error = tr("%1: %2").arg(e.path, sample.errorString());
                return false;
            }
            const QByteArray bytes = sample.readAll();
            item = store.logPredictionData(m_version.toStdString(), e.dataSource.toStdString(),
                                           std::string(bytes.constData(), size_t(bytes.size())),
                                           "." + QFileInfo(e.path).suffix().toStdString(), e.prediction);
        } else {
            item = store.logPrediction(m_version.toStdString(), e.path.toStdString(), e.prediction, e.row);
        }
        e.itemId = QString::fromStdString(item.id);
        return true;
    } catch (const std::exception &ex) {
        *error = exceptionText(ex);
        return false;
    }
}

bool ApplicationPanel::markRight(int row) { return markWrong(row, -2); }

bool ApplicationPanel::markWrong(int row, int label)
{
    const int entry = entryOf(row);
    if (entry < 0)
        return false;
    QString error;
    if (!logged(entry, &error)) {
        reportStatus(error, true);
        return false;
    }
    Entry &e = m_entries[size_t(entry)];
    const QStringList names = classNames(m_doc->project());
    try {
        FeedbackStore store(LoopWatcher::forDocument(m_doc)->feedbackDir().toStdString());
        if (label == -2) {
            store.markRight(e.itemId.toStdString());
            e.review = tr("right");
        } else {
            if (label < 0 || label >= names.size()) {
                reportStatus(tr("Choose the correct class first."), true);
                return false;
            }
            store.markWrong(e.itemId.toStdString(), label, names[label].toStdString());
            e.review = tr("wrong: %1").arg(names[label]);
        }
    } catch (const std::exception &ex) {
        reportStatus(exceptionText(ex), true);
        return false;
    }
    showReview(entry);
    return true;
}

bool ApplicationPanel::markWrongValue(int row, double value)
{
    const int entry = entryOf(row);
    if (entry < 0)
        return false;
    QString error;
    if (!logged(entry, &error)) {
        reportStatus(error, true);
        return false;
    }
    Entry &e = m_entries[size_t(entry)];
    try {
        FeedbackStore store(LoopWatcher::forDocument(m_doc)->feedbackDir().toStdString());
        store.markWrongValue(e.itemId.toStdString(), value);
        e.review = tr("wrong: %1").arg(value);
    } catch (const std::exception &ex) {
        reportStatus(exceptionText(ex), true);
        return false;
    }
    showReview(entry);
    return true;
}

void ApplicationPanel::showReview(int entry)
{
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (entryOf(row) == entry) {
            QTableWidgetItem *item = m_table->item(row, ReviewColumn);
            item->setText(m_entries[size_t(entry)].review);
            item->setForeground(m_entries[size_t(entry)].review == tr("right") ? QColor("#1b7a2f") : QColor("#b00020"));
        }
    reportStatus(tr("Logged in the feedback store: %1 (%2).")
                     .arg(m_entries[size_t(entry)].source, m_entries[size_t(entry)].review),
                 false);
    LoopWatcher::forDocument(m_doc)->notify();
    Q_EMIT feedbackChanged();
}

void ApplicationPanel::clear()
{
    m_table->setRowCount(0);
    m_entries.clear();
    m_status->clear();
    updateButtons();
}

void ApplicationPanel::openFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Inputs to try"), QString(),
        tr("Inputs (*.png *.jpg *.jpeg *.bmp *.csv *.npy *.idx *.gz *-ubyte);;All files (*)"));
    predictFiles(files);
}

void ApplicationPanel::openFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("A folder of images to try"));
    if (!dir.isEmpty())
        predictFiles({dir});
}

void ApplicationPanel::pickTestSamples()
{
    bool ok = false;
    const QString text = QInputDialog::getText(
        this, tr("Test samples"), tr("Indices of test samples (0 to %1), separated by commas:").arg(m_testCount - 1),
        QLineEdit::Normal, QString(), &ok);
    if (!ok)
        return;
    QList<int> indices;
    for (const QString &part : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        bool number = false;
        const int i = part.toInt(&number);
        if (!number || i < 0 || (m_testCount > 0 && i >= m_testCount)) {
            reportStatus(tr("\"%1\" is not a test sample index (0 to %2).").arg(part).arg(m_testCount - 1), true);
            return;
        }
        indices << i;
    }
    predictTestSamples(indices);
}

void ApplicationPanel::pasteRows() { predictRows(QApplication::clipboard()->text()); }

void ApplicationPanel::dragEnterEvent(QDragEnterEvent *event)
{
    if (!m_version.isEmpty() && event->mimeData()->hasUrls())
        for (const QUrl &url : event->mimeData()->urls())
            if (url.isLocalFile() && !url.toLocalFile().endsWith(QStringLiteral(".json"))) {
                event->acceptProposedAction();
                return;
            }
}

void ApplicationPanel::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    event->acceptProposedAction();
    predictFiles(paths);
}

} // namespace torchwright::ui
