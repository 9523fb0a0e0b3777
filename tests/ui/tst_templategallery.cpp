// File > New's template gallery as a user meets it: a card per template with its facts, the empty
// project first; choosing a card and Create (or a double-click) makes an untitled project from the
// template that is not tied to the template's file; Cancel changes nothing.

#include "evaluationpanel.h"
#include "mainwindow.h"
#include "projectdocument.h"
#include "recovery.h"
#include "templategallery.h"

#include "torchwright/project.h"
#include "torchwright/training.h"

#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QFrame>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest/QtTest>

#include <functional>

using namespace torchwright;
using namespace torchwright::ui;

namespace {

QString sample() { return QStringLiteral(TORCHWRIGHT_SOURCE_DIR "/projects/fashion_mnist_cnn.json"); }

QAction *newAction(MainWindow &w)
{
    for (QAction *a : w.findChildren<QAction *>())
        if (a->shortcut() == QKeySequence(QKeySequence::New))
            return a;
    return nullptr;
}

// Triggers File > New and, once the gallery is up, lets `drive` use it like a user.
bool fileNew(MainWindow &w, const std::function<void(TemplateGallery *)> &drive)
{
    bool seen = false;
    QTimer::singleShot(0, &w, [&] {
        auto *gallery = qobject_cast<TemplateGallery *>(QApplication::activeModalWidget());
        if (!gallery)
            return;
        seen = true;
        drive(gallery);
    });
    QAction *action = newAction(w);
    if (!action)
        return false;
    action->trigger();
    return seen;
}

void clickCreate(TemplateGallery *g)
{
    auto *buttons = g->findChild<QDialogButtonBox *>();
    QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
}

} // namespace

class TestTemplateGallery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void showsACardPerTemplate();
    void createsAnUntitledProjectFromTheChosenTemplate();
    void doubleClickCreatesAndEmptyIsTheStarter();
    void cancelKeepsTheProject();
    void autoencoderEvaluationShowsReconstruction();

private:
    QTemporaryDir m_tmp;
};

void TestTemplateGallery::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    Recovery::setDirectory(m_tmp.filePath("recovery"));
}

void TestTemplateGallery::showsACardPerTemplate()
{
    TemplateGallery g;
    g.show();
    const std::vector<ProjectTemplate> all = projectTemplates();
    QVERIFY(all.size() >= 7);
    QVERIFY(all.front().key.isEmpty()); // the empty project comes first
    QCOMPARE(g.selectedKey(), QString());
    for (const ProjectTemplate &t : all) {
        QFrame *card = g.card(t.key);
        QVERIFY2(card, qPrintable(t.key));
        QVERIFY(!t.description.isEmpty());
        QCOMPARE(card->findChild<QLabel *>("title")->text(), t.title);
        if (t.key.isEmpty())
            continue;
        QVERIFY2(templateProject(t.key).has_value(), qPrintable(t.key));
        QVERIFY(!card->findChild<QLabel *>("picture")->pixmap().isNull());
    }
    // The facts: layers without the Input, and where the data comes from.
    const QString resnet = g.card("resnet")->findChild<QLabel *>("facts")->text();
    QVERIFY2(resnet.contains("24 layers") && resnet.contains("fashion-mnist"), qPrintable(resnet));
    const QString gru = g.card("gru")->findChild<QLabel *>("facts")->text();
    QVERIFY2(gru.contains("2 layers") && gru.contains("needs no files"), qPrintable(gru));

    QTest::mouseClick(g.card("transformer"), Qt::LeftButton);
    QCOMPARE(g.selectedKey(), QStringLiteral("transformer"));
}

void TestTemplateGallery::createsAnUntitledProjectFromTheChosenTemplate()
{
    MainWindow w;
    QStringList errors;
    w.setErrorReporter([&errors](const QString &message) { errors << message; });
    w.setAsker([](const QString &, QMessageBox::StandardButtons) { return QMessageBox::Discard; });
    QVERIFY(w.openProject(sample()));
    w.show();
    const bool shown = fileNew(w, [](TemplateGallery *g) {
        QTest::mouseClick(g->card("resnet"), Qt::LeftButton);
        clickCreate(g);
    });
    QVERIFY(shown);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join('\n')));
    const Project &p = w.document()->project();
    const std::optional<Project> resnet = templateProject("resnet");
    QVERIFY(resnet);
    QCOMPARE(p.graph.nodes.size(), resnet->graph.nodes.size());
    QVERIFY(p.graph.findByName("block1_add"));
    // Untitled and tied to no file: Save asks for a name, and the template stays as it is.
    QVERIFY(w.document()->filePath().isEmpty());
    QCOMPARE(p.name, std::string("Untitled"));
    QVERIFY(w.windowTitle().startsWith("Untitled"));
    QVERIFY(!w.document()->isModified());
    QVERIFY(analyzeProject(p).ok());

    // Saved under a name, it takes that name.
    const QString path = m_tmp.filePath("my_resnet");
    QVERIFY(w.saveAs(path));
    QCOMPARE(w.document()->project().name, std::string("my_resnet"));
    QVERIFY(QFileInfo::exists(path + ".json"));
}

void TestTemplateGallery::doubleClickCreatesAndEmptyIsTheStarter()
{
    MainWindow w;
    QStringList errors;
    w.setErrorReporter([&errors](const QString &message) { errors << message; });
    w.setAsker([](const QString &, QMessageBox::StandardButtons) { return QMessageBox::Discard; });
    QVERIFY(w.openProject(sample()));
    w.show();
    QVERIFY(fileNew(w, [](TemplateGallery *g) { QTest::mouseDClick(g->card("autoencoder"), Qt::LeftButton); }));
    QCOMPARE(w.document()->project().training.target, std::string("input"));
    QVERIFY(w.document()->project().graph.findByName("enc_conv1"));

    // The empty project is the first card and selected at first.
    QVERIFY(fileNew(w, [](TemplateGallery *g) { clickCreate(g); }));
    QCOMPARE(w.document()->project().graph.nodes.size(), size_t(3));
    QCOMPARE(w.document()->project().dataset.kind, std::string("synthetic"));
}

void TestTemplateGallery::cancelKeepsTheProject()
{
    MainWindow w;
    w.setErrorReporter([](const QString &message) { qWarning("%s", qPrintable(message)); });
    QVERIFY(w.openProject(sample()));
    w.show();
    QVERIFY(fileNew(w, [](TemplateGallery *g) {
        QTest::mouseClick(g->card("mlp"), Qt::LeftButton);
        QTest::mouseClick(g->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel), Qt::LeftButton);
    }));
    QCOMPARE(w.document()->filePath(), QFileInfo(sample()).absoluteFilePath());
    QCOMPARE(w.document()->project().graph.nodes.size(), size_t(12));
}

void TestTemplateGallery::autoencoderEvaluationShowsReconstruction()
{
    // A couple of batches of the autoencoder template, then the evaluation view on its run.
    std::optional<Project> ae = templateProject("autoencoder");
    QVERIFY(ae);
    ae->training.epochs = 1;
    ae->dataset.validationFraction = 0.01;
    TrainRequest request;
    request.project = *ae;
    request.runsDir = m_tmp.filePath("runs").toStdString();
    request.device = std::string("cpu");
    request.batchLimit = 2;
    const RunResult run = trainBlocking(request, [](const TrainingEvent &) {});
    QVERIFY2(run.status == TrainingEvent::Status::Completed, run.message.c_str());

    EvaluationPanel panel;
    QSignalSpy done(&panel, &EvaluationPanel::evaluationFinished);
    panel.evaluate(QString::fromStdString(run.runDir), QStringLiteral("cpu"));
    QVERIFY(done.wait(120000));
    QVERIFY(panel.evaluation().reconstruction);
    QVERIFY2(panel.accuracyText().contains("reconstruction MSE"), qPrintable(panel.accuracyText()));
    QVERIFY(!panel.accuracyText().contains("accuracy"));
    QCOMPARE(panel.classTable()->rowCount(), 0);
}

QTEST_MAIN(TestTemplateGallery)
#include "tst_templategallery.moc"
