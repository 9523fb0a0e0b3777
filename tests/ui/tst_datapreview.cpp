// The Input data stage's preview shows what the user's data holds before training: the
// Fashion-MNIST sample's ten classes with their real counts, mean and std; a table's first rows;
// every skipped input with its file, line and reason; an error naming a missing folder in place
// of the preview; and an import that the progress dialog's Cancel stops. Reads run on a worker;
// the tests wait for the panel's signals, never for a time.

#include "datapreview.h"
#include "pipelinestages.h"
#include "projectdocument.h"
#include "stageinspector.h"

#include <qcustomplot.h>

#include <QDir>
#include <QImage>
#include <QLabel>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <atomic>
#include <fstream>
#include <thread>

using namespace torchwright;
using namespace torchwright::ui;

namespace {

const char *kSample = TORCHWRIGHT_SOURCE_DIR "/projects/fashion_mnist_cnn.json";
constexpr int kLongWaitMs = 120000; // a signal that must come; the test fails after this

bool loadSample(ProjectDocument &doc)
{
    QString error;
    if (!doc.load(QString::fromUtf8(kSample), &error)) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    return true;
}

QStringList tickLabels(QCPAxis *axis)
{
    auto ticker = axis->ticker().dynamicCast<QCPAxisTickerText>();
    return ticker ? QStringList(ticker->ticks().values()) : QStringList();
}

// A summary as a table format would give it, filled by hand.
DatasetSummary tableSummary()
{
    DatasetSummary s;
    s.format = "csv";
    s.trainCount = 455;
    s.testCount = 114;
    s.classNames = {"malignant", "benign"};
    s.trainPerClass = {170, 285};
    s.testPerClass = {42, 72};
    s.mean = {0.0};
    s.std = {1.0};
    s.columns = {"mean radius", "mean texture", "target"};
    s.rows = {{"17.99", "10.38", "0"}, {"20.57", "17.77", "0"}, {"13.54", "14.36", "1"}};
    return s;
}

// A loader that reports progress until it is cancelled (or `release` is set), then says so.
struct SlowLoader {
    std::atomic<bool> sawCancel{false};
    std::atomic<bool> release{false};
    std::atomic<int> calls{0};

    DataPreview::Loader loader()
    {
        return [this](const Project &, const ImportControl &control) -> DatasetSummary {
            ++calls;
            for (int64_t i = 0;; ++i) {
                control.report(i % 1000, 1000);
                if (control.cancelled()) {
                    sawCancel = true;
                    throw ImportCancelled();
                }
                if (release)
                    break;
                std::this_thread::yield();
            }
            DatasetSummary s;
            s.trainCount = 7;
            return s;
        };
    }
};

// A CIFAR-10 folder in the binary layout, `records` per file: record i has label i % 10 and the
// red, green and blue planes filled with 50, 100 and 150.
void writeCifarSet(const QString &dir, int records)
{
    for (const char *f : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                          "data_batch_5.bin", "test_batch.bin"}) {
        std::ofstream out((dir + "/" + f).toStdString(), std::ios::binary);
        for (int i = 0; i < records; ++i) {
            out.put(char(i % 10));
            for (int c = 0; c < 3; ++c)
                out << std::string(32 * 32, char(50 * (c + 1)));
        }
    }
}

} // namespace

class TestDataPreview : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fashionMnistClassesAndCounts();
    void cifarChannels();
    void tableRowsFromASummary();
    void skippedInputsAndWarnings();
    void missingFolderIsShownInPlace();
    void imageFolderClassesAreTakenFromTheData();
    void cancelStopsAnImport();
    void changeDuringAReadReadsTheNewSettings();
    void settingsChangesAreDebounced();
    void inspectorKeepsThePreviewUnderInputData();
};

void TestDataPreview::fashionMnistClassesAndCounts()
{
    ProjectDocument doc;
    QVERIFY(loadSample(doc));
    DataPreview panel(&doc);
    QSignalSpy loaded(&panel, &DataPreview::loaded);
    QSignalSpy failed(&panel, &DataPreview::failed);
    panel.refresh();
    QVERIFY(panel.isLoading());
    QVERIFY(loaded.wait(kLongWaitMs));
    QCOMPARE(failed.count(), 0);
    QCOMPARE(panel.state(), DataPreview::State::Shown);

    const DatasetSummary &s = panel.summary();
    QCOMPARE(s.trainCount, int64_t(60000));
    QCOMPARE(s.testCount, int64_t(10000));
    QCOMPARE(s.trainPerClass, std::vector<int64_t>(10, 6000));
    QCOMPARE(s.testPerClass, std::vector<int64_t>(10, 1000));

    // The histogram: a training and a test bar per class, the classes named on the axis.
    QCOMPARE(panel.trainBars()->data()->size(), 10);
    QCOMPARE(panel.testBars()->data()->size(), 10);
    for (int c = 0; c < 10; ++c) {
        QCOMPARE(panel.trainBars()->data()->at(c)->value, 6000.0);
        QCOMPARE(panel.testBars()->data()->at(c)->value, 1000.0);
    }
    const QStringList names = tickLabels(panel.balancePlot()->yAxis);
    QCOMPARE(names, QStringList({"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                                 "Bag", "Ankle boot"}));

    // Fashion-MNIST's published statistics: mean 0.2860, std 0.3530 (pixels scaled to 0..1).
    QCOMPARE(s.mean.size(), size_t(1));
    QVERIFY2(std::abs(s.mean[0] - 0.2860) < 5e-4, qPrintable(QString::number(s.mean[0])));
    QVERIFY2(std::abs(s.std[0] - 0.3530) < 5e-4, qPrintable(QString::number(s.std[0])));
    QVERIFY2(panel.statsLabel()->text().contains(QLocale().toString(s.mean[0], 'f', 4)),
             qPrintable(panel.statsLabel()->text()));
    QVERIFY(!panel.statsLabel()->isHidden());

    // A cell of samples per class, under its name.
    const QList<QWidget *> cells = panel.sampleGrid()->findChildren<QWidget *>("classSamples");
    QCOMPARE(cells.size(), 10);
    QCOMPARE(cells.first()->findChild<QLabel *>("className")->toolTip(), QString("T-shirt/top"));
    QCOMPARE(cells.last()->findChild<QLabel *>("className")->toolTip(), QString("Ankle boot"));
    QVERIFY(!panel.sampleGrid()->isHidden());
    QVERIFY(panel.rowsTable()->isHidden()); // images, not a table
    QVERIFY(panel.skippedTable()->isHidden());
    QVERIFY(panel.errorText().isEmpty());

    // The same settings are not read again.
    QSignalSpy started(&panel, &DataPreview::loadStarted);
    panel.refresh();
    QCOMPARE(started.count(), 0);
    QVERIFY(!panel.isLoading());
}

// A colour format: a mean and std per channel, named, and colour thumbnails.
void TestDataPreview::cifarChannels()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeCifarSet(dir.path(), 20);
    ProjectDocument doc;
    QVERIFY(loadSample(doc));
    Project p = doc.project();
    p.dataset.kind = "cifar10";
    p.dataset.path = dir.path().toStdString();
    p.dataset.sampleShape = {3, 32, 32};
    doc.reset(p);
    DataPreview panel(&doc);
    QSignalSpy loaded(&panel, &DataPreview::loaded);
    QSignalSpy failed(&panel, &DataPreview::failed);
    panel.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() + failed.count() > 0, kLongWaitMs);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QCOMPARE(panel.summary().trainCount, int64_t(100));
    QCOMPARE(panel.summary().testCount, int64_t(20));
    QCOMPARE(panel.summary().trainPerClass, std::vector<int64_t>(10, 10));
    QCOMPARE(panel.summary().testPerClass, std::vector<int64_t>(10, 2));
    const QStringList lines = panel.statsLabel()->text().split('\n');
    QCOMPARE(lines.size(), 3);
    const double means[] = {50 / 255.0, 100 / 255.0, 150 / 255.0};
    const char *names[] = {"red", "green", "blue"};
    for (int c = 0; c < 3; ++c)
        QVERIFY2(lines[c].startsWith(names[c]) && lines[c].contains(QLocale().toString(means[c], 'f', 4)),
                 qPrintable(lines[c]));
    const QList<QWidget *> cells = panel.sampleGrid()->findChildren<QWidget *>("classSamples");
    QCOMPARE(cells.size(), 10);
    QCOMPARE(panel.summary().samples.front().image.channels, 3);
}

void TestDataPreview::tableRowsFromASummary()
{
    ProjectDocument doc;
    DataPreview panel(&doc);
    panel.showSummary(tableSummary());
    QTableWidget *rows = panel.rowsTable();
    QVERIFY(!rows->isHidden());
    QCOMPARE(rows->columnCount(), 3);
    QCOMPARE(rows->rowCount(), 3);
    QCOMPARE(rows->horizontalHeaderItem(0)->text(), QString("mean radius"));
    QCOMPARE(rows->horizontalHeaderItem(2)->text(), QString("target"));
    QCOMPARE(rows->item(1, 0)->text(), QString("20.57"));
    QCOMPARE(rows->item(2, 2)->text(), QString("1"));
    QVERIFY(panel.sampleGrid()->isHidden()); // a table has no pictures
    QCOMPARE(tickLabels(panel.balancePlot()->yAxis), QStringList({"malignant", "benign"}));
    QCOMPARE(panel.trainBars()->data()->at(1)->value, 285.0);
    QCOMPARE(panel.testBars()->data()->at(0)->value, 42.0);
    QVERIFY(panel.sizesLabel()->isHidden()); // no source sizes
}

void TestDataPreview::skippedInputsAndWarnings()
{
    ProjectDocument doc;
    DataPreview panel(&doc);
    DatasetSummary s = tableSummary();
    s.skipped = {{"/data/pets/cat/broken.png", 0, Message(std::string("truncated PNG file"))},
                 {"/data/pets/list.csv", 12, Message(std::string("'abc' is not a number (column 2)"))}};
    s.warnings = {Message(std::string("class 'hamster' has one image"))};
    s.sourceSizes = {{"28x28", 900}, {"640x480", 3}};
    panel.showSummary(s);

    QVERIFY(!panel.skippedTable()->isHidden());
    QVERIFY2(panel.skippedLabel()->text().contains("2"), qPrintable(panel.skippedLabel()->text()));
    QTableWidget *t = panel.skippedTable();
    QCOMPARE(t->rowCount(), 2);
    QCOMPARE(t->item(0, 0)->text(), QString("broken.png"));
    QCOMPARE(t->item(0, 0)->toolTip(), QString("/data/pets/cat/broken.png")); // the whole path
    QCOMPARE(t->item(0, 1)->text(), QString());                               // not a table row
    QCOMPARE(t->item(0, 2)->text(), QString("truncated PNG file"));
    QCOMPARE(t->item(1, 0)->text(), QString("list.csv"));
    QCOMPARE(t->item(1, 1)->text(), QString("12"));
    QCOMPARE(t->item(1, 2)->text(), QString("'abc' is not a number (column 2)"));

    QVERIFY(!panel.warningsLabel()->isHidden());
    QVERIFY(panel.warningsLabel()->text().contains("class 'hamster' has one image"));

    // The size distribution, the most common first.
    QVERIFY(!panel.sizesLabel()->isHidden());
    const QString sizes = panel.sizesLabel()->text();
    QVERIFY2(sizes.indexOf("28x28") >= 0 && sizes.indexOf("28x28") < sizes.indexOf("640x480"), qPrintable(sizes));

    // A summary without skipped inputs says so, and hides the list.
    panel.showSummary(tableSummary());
    QVERIFY(panel.skippedTable()->isHidden());
    QVERIFY(panel.warningsLabel()->isHidden());
}

// A new image-folder project does not yet name the folder's classes: the preview says so and
// offers them; one click writes both settings as one undo step, and the data then loads.
void TestDataPreview::imageFolderClassesAreTakenFromTheData()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QStringList classes = {"zebra", "cat", "dog é"}; // stored sorted: cat, dog é, zebra
    for (int c = 0; c < classes.size(); ++c) {
        QVERIFY(QDir(dir.path()).mkpath(classes[c]));
        for (int i = 0; i < 4; ++i) {
            QImage img(6, 5, QImage::Format_Grayscale8);
            img.fill(40 * c + i);
            QVERIFY(img.save(dir.filePath(classes[c] + QStringLiteral("/%1.png").arg(i))));
        }
    }
    ProjectDocument doc;
    QVERIFY(loadSample(doc));
    Project p = doc.project();
    p.dataset.kind = "image_folder";
    p.dataset.path = dir.path().toStdString();
    p.dataset.sampleShape = {1, 28, 28};
    p.dataset.classNames = {};
    p.dataset.image.testFraction = 0.25;
    doc.reset(p);

    DataPreview panel(&doc);
    QSignalSpy loaded(&panel, &DataPreview::loaded);
    QSignalSpy failed(&panel, &DataPreview::failed);
    panel.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() + failed.count() > 0, kLongWaitMs);
    QVERIFY(!panel.useClassesButton()->isHidden());
    QCOMPARE(panel.dataClasses(), (std::vector<std::string>{"cat", "dog é", "zebra"}));
    const int undoBefore = doc.undoStack()->count();
    panel.useClassesButton()->click();
    QCOMPARE(doc.project().dataset.numClasses, 3);
    QCOMPARE(doc.project().dataset.classNames, (std::vector<std::string>{"cat", "dog é", "zebra"}));
    QCOMPARE(doc.undoStack()->count(), undoBefore + 1);
    QVERIFY(panel.useClassesButton()->isHidden());
    doc.undoStack()->undo();
    QCOMPARE(doc.project().dataset.numClasses, 10);

    doc.undoStack()->redo();
    loaded.clear();
    failed.clear();
    panel.refresh(true);
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() + failed.count() > 0, kLongWaitMs);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QCOMPARE(panel.summary().trainPerClass, (std::vector<int64_t>{3, 3, 3}));
}

void TestDataPreview::missingFolderIsShownInPlace()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ProjectDocument doc;
    QVERIFY(loadSample(doc));
    Project p = doc.project();
    const QString missing = dir.filePath("no such folder");
    p.dataset.path = missing.toStdString();
    doc.reset(p);

    DataPreview panel(&doc);
    panel.showSummary(tableSummary()); // something shown before: the error replaces it
    QSignalSpy failed(&panel, &DataPreview::failed);
    panel.refresh();
    QVERIFY(failed.wait(kLongWaitMs));
    QCOMPARE(panel.state(), DataPreview::State::Failed);
    QVERIFY2(panel.errorText().contains(missing), qPrintable(panel.errorText()));
    QVERIFY2(failed.first().first().toString().contains(missing), qPrintable(failed.first().first().toString()));
    QVERIFY(panel.rowsTable()->isHidden() || !panel.rowsTable()->isVisibleTo(&panel));
    QVERIFY(!panel.balancePlot()->isVisibleTo(&panel));
    QCOMPARE(panel.summary().trainCount, int64_t(0));
    QVERIFY(!QFileInfo::exists(missing)); // nothing is created in its place
}

void TestDataPreview::cancelStopsAnImport()
{
    ProjectDocument doc;
    QVERIFY(loadSample(doc));
    DataPreview panel(&doc);
    SlowLoader slow;
    panel.setLoader(slow.loader());
    QSignalSpy progressed(&panel, &DataPreview::progressed);
    QSignalSpy cancelled(&panel, &DataPreview::cancelled);
    QSignalSpy loaded(&panel, &DataPreview::loaded);

    panel.refresh();
    QVERIFY(panel.isLoading());
    QCOMPARE(panel.state(), DataPreview::State::Loading);
    // The dialog waits a moment before it appears, so a quick read shows none.
    QProgressDialog *dialog = panel.progressDialog();
    QCOMPARE(dialog->minimumDuration(), DataPreview::kProgressDelayMs);
    QVERIFY(dialog->isHidden());
    QVERIFY(progressed.wait(kLongWaitMs));
    QCOMPARE(progressed.first().at(1).toLongLong(), qint64(1000));

    // The dialog's Cancel button stops the import.
    auto *button = dialog->findChild<QPushButton *>();
    QVERIFY(button);
    button->click();
    QVERIFY(cancelled.wait(kLongWaitMs));
    QVERIFY(slow.sawCancel);
    QVERIFY(!panel.isLoading());
    QCOMPARE(panel.state(), DataPreview::State::Cancelled);
    QCOMPARE(loaded.count(), 0);
    QVERIFY(!panel.statusText().isEmpty());
    QVERIFY(dialog->isHidden());

    // Reload reads it again.
    slow.sawCancel = false;
    slow.release = true;
    panel.findChild<QPushButton *>("reloadData")->click();
    QVERIFY(loaded.wait(kLongWaitMs));
    QCOMPARE(panel.summary().trainCount, int64_t(7));
    QCOMPARE(slow.calls.load(), 2);
}

void TestDataPreview::changeDuringAReadReadsTheNewSettings()
{
    ProjectDocument doc;
    QVERIFY(loadSample(doc));
    DataPreview panel(&doc);
    std::atomic<bool> sawCancel{false};
    // The first read runs until cancelled; a read with split seed 7 finishes at once.
    panel.setLoader([&sawCancel](const Project &p, const ImportControl &control) -> DatasetSummary {
        DatasetSummary s;
        s.trainCount = int64_t(p.dataset.splitSeed);
        while (p.dataset.splitSeed != 7) {
            control.report(1, 2);
            if (control.cancelled()) {
                sawCancel = true;
                throw ImportCancelled();
            }
            std::this_thread::yield();
        }
        return s;
    });
    QSignalSpy started(&panel, &DataPreview::loadStarted);
    QSignalSpy progressed(&panel, &DataPreview::progressed);
    QSignalSpy loaded(&panel, &DataPreview::loaded);
    QSignalSpy cancelled(&panel, &DataPreview::cancelled);
    panel.refresh();
    QVERIFY(progressed.wait(kLongWaitMs));
    QVERIFY(doc.setSetting("/dataset/split_seed", 7));
    panel.refresh();
    QVERIFY(loaded.wait(kLongWaitMs));
    QVERIFY(sawCancel);
    QCOMPARE(started.count(), 2);
    QCOMPARE(cancelled.count(), 0); // replaced, not cancelled by the user
    QCOMPARE(panel.summary().trainCount, int64_t(7));
    QCOMPARE(panel.state(), DataPreview::State::Shown);
}

void TestDataPreview::settingsChangesAreDebounced()
{
    ProjectDocument doc;
    QVERIFY(loadSample(doc));
    DataPreview panel(&doc);
    std::atomic<int> calls{0};
    panel.setLoader([&calls](const Project &p, const ImportControl &) {
        ++calls;
        DatasetSummary s;
        s.trainCount = int64_t(p.dataset.splitSeed);
        return s;
    });
    panel.setDebounceInterval(1);
    QSignalSpy loaded(&panel, &DataPreview::loaded);
    panel.show(); // a shown panel reads its data
    QVERIFY(loaded.wait(kLongWaitMs));
    QCOMPARE(calls.load(), 1);

    // Two edits in a row: one read, of the last.
    QVERIFY(doc.setSetting("/dataset/split_seed", 5));
    QVERIFY(doc.setSetting("/dataset/split_seed", 6));
    QVERIFY(loaded.wait(kLongWaitMs));
    QCOMPARE(calls.load(), 2);
    QCOMPARE(panel.summary().trainCount, int64_t(6));

    // A setting outside the dataset does not read it again.
    QSignalSpy started(&panel, &DataPreview::loadStarted);
    QVERIFY(doc.setSetting("/training/epochs", 3));
    QCoreApplication::processEvents();
    panel.refresh(); // what the debounce timer ends with
    QCOMPARE(started.count(), 0);
}

void TestDataPreview::inspectorKeepsThePreviewUnderInputData()
{
    ProjectDocument doc;
    QVERIFY(loadSample(doc));
    StageInspector inspector(&doc);
    inspector.resize(420, 800);
    inspector.showStage(int(Stage::InputData));
    DataPreview *preview = inspector.dataPreview();
    QVERIFY(preview);
    QVERIFY(inspector.isAncestorOf(preview));
    std::atomic<int> calls{0};
    preview->setLoader([&calls](const Project &, const ImportControl &) {
        ++calls;
        DatasetSummary s = tableSummary();
        return s;
    });
    QSignalSpy loaded(preview, &DataPreview::loaded);
    inspector.show();
    QVERIFY(loaded.wait(kLongWaitMs));
    QVERIFY(preview->isVisible());
    QVERIFY(inspector.formFits());

    // Another stage hides it; coming back shows the same panel without reading again.
    inspector.showStage(int(Stage::Preprocess));
    QVERIFY(!preview->isVisible());
    inspector.showStage(int(Stage::InputData));
    QCOMPARE(inspector.dataPreview(), preview);
    QVERIFY(preview->isVisible());
    QCoreApplication::processEvents();
    QCOMPARE(calls.load(), 1);
    QCOMPARE(preview->state(), DataPreview::State::Shown);
}

QTEST_MAIN(TestDataPreview)
#include "tst_datapreview.moc"
