#pragma once
// The Application stage's try-it panel: the current model version's bundle predicts on image
// files or a folder (dropped or opened), CSV rows (opened or pasted, for table projects) or test
// samples (by index or a random few). Each input is a row: its thumbnail, the top classes with
// their confidences (or the predicted value of a regression), sortable so the doubtful ones come
// first. A row marked right, or wrong with the correct class, is logged with its review in the
// project's feedback store (FeedbackStore: logPrediction, then markRight or markWrong).
// Prediction runs on a worker thread.

#include "loopcommon.h"

#include "torchwright/exports.h"

#include <QTemporaryDir>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace torchwright::ui {

class ProjectDocument;

class ApplicationPanel : public QWidget {
    Q_OBJECT

public:
    enum Column { InputColumn, PredictionColumn, ConfidenceColumn, OthersColumn, ReviewColumn, ColumnCount };

    explicit ApplicationPanel(ProjectDocument *doc, QWidget *parent = nullptr);

    // The version predictions are made with ("" when the project has none: the panel says so).
    QString version() const { return m_version; }
    // Each adds rows when the worker is done (predicted()), or reports failed().
    void predictFiles(const QStringList &paths); // image files, folders, CSV files
    void predictTestSamples(const QList<int> &indices);
    void predictRandomTestSamples(int count);
    void predictRows(const QString &csvText); // pasted rows, with the header line first
    void clear();
    bool isBusy() const { return m_jobs->isBusy(); }

    QTableWidget *table() const { return m_table; }
    // The rows' order as shown: row -> the input's source ("test-12.png", "rows.csv:3").
    QString rowSource(int row) const;
    double rowConfidence(int row) const; // NaN for a regression
    // Logs the row's prediction (once) and its review; false with the reason in status() when
    // the store refuses.
    bool markRight(int row);
    bool markWrong(int row, int label);
    bool markWrongValue(int row, double value);
    QString feedbackId(int row) const; // "" until the row is logged
    QString statusText() const;

Q_SIGNALS:
    void predicted(int rows);
    void failed(const QString &message);
    void feedbackChanged();

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    struct Entry {
        QString path;   // the file that is logged (a copy goes into the store)
        QString source; // what the row shows
        Prediction prediction;
        QImage thumb;
        nlohmann::json row; // a table row, else null
        QString dataSource; // a sample of a tensor file ("batch.npy:3"): `path` holds its bytes
        QString itemId;     // once logged
        QString review;     // as shown
    };

    void refreshVersion();
    void run(const QString &what, std::function<std::vector<Entry>()> work);
    void addEntries(std::vector<Entry> entries);
    void showReview(int entry);
    int entryOf(int row) const;
    bool logged(int entry, QString *error);
    void updateButtons();
    void reportStatus(const QString &text, bool error);
    void openFiles();
    void openFolder();
    void pickTestSamples();
    void pasteRows();

    ProjectDocument *m_doc;
    BackgroundJobs *m_jobs;
    QLabel *m_versionLabel;
    QLabel *m_status;
    QPushButton *m_openFiles;
    QPushButton *m_openFolder;
    QPushButton *m_testSamples;
    QPushButton *m_random;
    QSpinBox *m_randomCount;
    QPushButton *m_paste;
    QPushButton *m_clear;
    QTableWidget *m_table;
    QPushButton *m_right;
    QPushButton *m_wrong;
    QComboBox *m_correctClass;
    QLineEdit *m_correctValue;
    QString m_version;
    QString m_bundle;
    int m_testCount = 0; // the current version's test split size
    std::vector<Entry> m_entries;
    std::unique_ptr<QTemporaryDir> m_scratch; // test samples written as images, pasted rows
    int m_scratchSerial = 0;
};

} // namespace torchwright::ui
