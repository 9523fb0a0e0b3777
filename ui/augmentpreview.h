#pragma once
// The Preprocess stage's live before/after preview of augmentation: a few samples of the
// project's data as stored and as a training batch would see them with the current
// /preprocess/augment settings. The samples are read once per dataset on a worker thread; a
// setting change redraws them after a short pause (debounced), which is cheap (one small batch
// through the engine's augmentation, torchwright/augment.h).

#include "torchwright/augment.h"

#include <QWidget>

#include <string>
#include <thread>
#include <vector>

class QLabel;
class QPushButton;
class QTimer;

namespace torchwright::ui {

class ProjectDocument;

// The grid itself: pairs of images, stored above augmented, as many columns as fit.
class AugmentGrid : public QWidget {
    Q_OBJECT
public:
    explicit AugmentGrid(QWidget *parent = nullptr);
    void setSamples(std::vector<AugmentedSample> samples);
    const std::vector<AugmentedSample> &samples() const { return m_samples; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *) override;

private:
    int columns(int width) const;
    int cellSize() const;
    std::vector<AugmentedSample> m_samples;
};

class AugmentPreview : public QWidget {
    Q_OBJECT
public:
    explicit AugmentPreview(ProjectDocument *doc, QWidget *parent = nullptr);
    ~AugmentPreview() override;

    // The samples shown now (empty until the data is read).
    const std::vector<AugmentedSample> &samples() const { return m_grid->samples(); }
    // True once the samples of the current data are read and drawn with the current settings.
    bool isCurrent() const { return m_current; }
    QString statusText() const;

Q_SIGNALS:
    void updated(); // the grid shows the current settings (or a problem) now

private:
    void scheduleUpdate();
    void refresh();
    void loadSamples(const std::string &key);
    void draw();

    ProjectDocument *m_doc;
    QLabel *m_status;
    QPushButton *m_redraw;
    AugmentGrid *m_grid;
    QTimer *m_debounce;
    std::thread m_worker;
    bool m_loading = false;
    bool m_current = false;
    std::string m_loadedKey; // the data the samples came from
    std::vector<DatasetSample> m_stored;
    QString m_loadError;
    uint64_t m_variant = 0;
};

} // namespace torchwright::ui
