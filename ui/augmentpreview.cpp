#include "augmentpreview.h"

#include "i18n.h"
#include "projectdocument.h"

#include "torchwright/datasetformat.h"
#include "torchwright/project.h"

#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>

namespace torchwright::ui {

namespace {

constexpr int kSamples = 8;      // shown: one per class, the first classes
constexpr int kDebounceMs = 150; // a spin box's steps redraw once

QImage toImage(const SampleImage &s)
{
    if (s.width <= 0 || s.height <= 0 || (s.channels != 1 && s.channels != 3)
        || s.pixels.size() < size_t(s.width) * size_t(s.height) * size_t(s.channels))
        return {};
    const QImage view(s.pixels.data(), s.width, s.height, s.width * s.channels,
                      s.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888);
    return view.copy();
}

// What the stored samples depend on: a change of any of these reads them again.
std::string dataKey(const Project &p)
{
    return nlohmann::json{p.dataset.kind,           p.datasetPath(),          p.dataset.sampleShape,
                          p.dataset.numClasses,     p.dataset.syntheticTrain, p.dataset.syntheticTest,
                          p.dataset.syntheticNoise, p.dataset.syntheticSeed}
        .dump();
}

} // namespace

AugmentGrid::AugmentGrid(QWidget *parent) : QWidget(parent)
{
    setObjectName("augmentGrid");
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void AugmentGrid::setSamples(std::vector<AugmentedSample> samples)
{
    m_samples = std::move(samples);
    updateGeometry();
    QWidget::update();
}

// Small images drawn large enough to see, never below 56 pixels nor above 96.
int AugmentGrid::cellSize() const { return std::max(56, fontMetrics().height() * 4); }

int AugmentGrid::columns(int width) const
{
    const int gap = fontMetrics().height() / 2;
    return std::max(1, std::min<int>(int(m_samples.size()), (width + gap) / (cellSize() + gap)));
}

int AugmentGrid::heightForWidth(int width) const
{
    if (m_samples.empty())
        return 0;
    const int gap = fontMetrics().height() / 2;
    const int cols = columns(width);
    const int rows = (int(m_samples.size()) + cols - 1) / cols;
    return rows * (2 * cellSize() + 3 * gap) - 2 * gap - gap / 2; // no gap below the last row
}

QSize AugmentGrid::sizeHint() const
{
    const int gap = fontMetrics().height() / 2;
    const int w = std::max<int>(1, std::min<int>(int(m_samples.size()), 4)) * (cellSize() + gap);
    return {w, heightForWidth(w)};
}

QSize AugmentGrid::minimumSizeHint() const { return {cellSize(), heightForWidth(cellSize())}; }

void AugmentGrid::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const int gap = fontMetrics().height() / 2;
    const int cell = cellSize();
    const int cols = columns(width());
    for (size_t i = 0; i < m_samples.size(); ++i) {
        const int col = int(i) % cols, row = int(i) / cols;
        const int x = col * (cell + gap), y = row * (2 * cell + 3 * gap);
        const QRect before(x, y, cell, cell), after(x, y + cell + gap / 2, cell, cell);
        for (const auto &[rect, image] :
             {std::pair{before, toImage(m_samples[i].before)}, std::pair{after, toImage(m_samples[i].after)}}) {
            if (image.isNull())
                continue;
            // Keep the aspect ratio: a 1-D row is a thin strip.
            QSize fit = image.size().scaled(rect.size(), Qt::KeepAspectRatio);
            const QRect target(rect.x() + (rect.width() - fit.width()) / 2,
                               rect.y() + (rect.height() - fit.height()) / 2, fit.width(), fit.height());
            painter.drawImage(target, image);
        }
        painter.setPen(palette().color(QPalette::Mid));
        painter.drawRect(before.adjusted(0, 0, -1, -1));
        painter.setPen(palette().color(QPalette::Highlight));
        painter.drawRect(after.adjusted(0, 0, -1, -1));
    }
}

AugmentPreview::AugmentPreview(ProjectDocument *doc, QWidget *parent) : QWidget(parent), m_doc(doc)
{
    setObjectName("augmentPreview");
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("<b>Augmentation preview</b>: each sample as stored (grey frame) above the same "
                                "sample as a training batch sees it (coloured frame)"),
                             this);
    title->setWordWrap(true);
    layout->addWidget(title);
    m_grid = new AugmentGrid(this);
    layout->addWidget(m_grid);
    auto *row = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName("augmentStatus");
    m_status->setWordWrap(true);
    m_redraw = new QPushButton(tr("New draw"), this);
    m_redraw->setObjectName("augmentRedraw");
    m_redraw->setToolTip(tr("Draw other random augmentations of the same samples"));
    connect(m_redraw, &QPushButton::clicked, this, [this] {
        ++m_variant;
        draw();
    });
    row->addWidget(m_status, 1);
    row->addWidget(m_redraw, 0, Qt::AlignTop);
    layout->addLayout(row);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &AugmentPreview::refresh);
    connect(doc, &ProjectDocument::settingsChanged, this, &AugmentPreview::scheduleUpdate);
    connect(doc, &ProjectDocument::projectReset, this, &AugmentPreview::scheduleUpdate);
    refresh();
}

AugmentPreview::~AugmentPreview()
{
    if (m_worker.joinable())
        m_worker.join(); // its result is posted to this object, which is going: it is dropped
}

QString AugmentPreview::statusText() const { return m_status->text(); }

void AugmentPreview::scheduleUpdate()
{
    m_current = false;
    m_debounce->start();
}

void AugmentPreview::refresh()
{
    const Project &p = m_doc->project();
    const std::string key = dataKey(p);
    if (key != m_loadedKey) {
        loadSamples(key);
        return;
    }
    draw();
}

void AugmentPreview::loadSamples(const std::string &key)
{
    if (m_loading)
        return; // the running load ends with refresh(), which sees the newer key
    m_loading = true;
    m_current = false;
    m_status->setText(tr("Reading samples…"));
    if (m_worker.joinable())
        m_worker.join();
    const Project project = m_doc->project();
    m_worker = std::thread([this, project, key] {
        std::vector<DatasetSample> samples;
        QString error;
        try {
            samples = datasetPreview(project, 1);
            if (samples.size() > size_t(kSamples))
                samples.resize(size_t(kSamples));
        } catch (const std::exception &e) {
            error = exceptionText(e);
        }
        QMetaObject::invokeMethod(
            this,
            [this, samples = std::move(samples), error, key]() mutable {
                m_loading = false;
                m_stored = std::move(samples);
                m_loadError = error;
                m_loadedKey = key;
                refresh();
            },
            Qt::QueuedConnection);
    });
}

void AugmentPreview::draw()
{
    const Project &p = m_doc->project();
    if (!m_loadError.isEmpty()) {
        m_grid->setSamples({});
        m_status->setText(tr("No preview: %1").arg(m_loadError));
    } else if (m_stored.empty()) {
        m_grid->setSamples({});
        m_status->setText(tr("No preview: the data has no samples to show"));
    } else {
        try {
            m_grid->setSamples(augmentPreview(p, m_stored, m_variant));
            m_status->setText(p.preprocess.augment.any()
                                  ? tr("Augmentation is on for training batches; validation and test data stay "
                                       "as stored")
                                  : tr("Augmentation is off: training sees the samples as stored"));
        } catch (const std::exception &e) {
            m_grid->setSamples({});
            m_status->setText(tr("No preview: %1").arg(exceptionText(e)));
        }
    }
    m_redraw->setEnabled(p.preprocess.augment.any() && !m_grid->samples().empty());
    m_current = true;
    Q_EMIT updated();
}

} // namespace torchwright::ui
