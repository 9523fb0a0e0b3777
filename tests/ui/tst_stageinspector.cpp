// The stage inspector shows what the project file holds: every numeric setting of the schema, at
// each end of its range, appears in its editor unrounded and unclamped; settings a dataset format
// does not use are hidden; a typed value reaches the document exactly.

#include "augmentpreview.h"
#include "pipelinescene.h"
#include "pipelinestages.h"
#include "projectdocument.h"
#include "settingedges.h"
#include "stageinspector.h"

#include "torchwright/settings.h"

#include <QAbstractSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace torchwright;
using namespace torchwright::ui;
using nlohmann::json;

namespace {

const char *kSample = TORCHWRIGHT_SOURCE_DIR "/projects/fashion_mnist_cnn.json";
constexpr int kStages = int(Stage::ModelUpdate) + 1;

json sampleJson()
{
    QFile f(QString::fromUtf8(kSample));
    return f.open(QIODevice::ReadOnly) ? json::parse(f.readAll().toStdString()) : json();
}

// Loads `project` into `doc` through a file, as File > Open does.
bool loadJson(ProjectDocument &doc, const QTemporaryDir &dir, const json &project, QString *error)
{
    const QString path = dir.filePath("project.json");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = f.errorString();
        return false;
    }
    f.write(QByteArray::fromStdString(project.dump(2)));
    f.close();
    return doc.load(path, error);
}

// The editor of `pointer` on whichever stage shows it (the inspector switched to that stage),
// or null.
QAbstractSpinBox *numberEditor(StageInspector &inspector, const std::string &pointer)
{
    for (int stage = 0; stage < kStages; ++stage) {
        inspector.showStage(stage);
        if (auto *box = inspector.findChild<QAbstractSpinBox *>(QString::fromStdString(pointer)))
            return box;
    }
    return nullptr;
}

} // namespace

class TestStageInspector : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void showsEveryRangeEdge();
    void showsALearningRateAboveTen();
    void typedValueReachesTheDocument();
    void formatSettingsFollowTheKind();
    void everyStageIsInTheTable();
    void pipelineSceneGoesQuietly();
    void augmentPreviewFollowsTheSettings();
};

void TestStageInspector::showsEveryRangeEdge()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    int checked = 0;
    for (const SettingSpec &s : projectSettings()) {
        if (!settingedges::numeric(s) || s.stages.empty())
            continue;
        for (const json &edge : settingedges::inside(s)) {
            json j = settingedges::applicableProject(sampleJson(), s);
            j[json::json_pointer(s.pointer)] = edge;
            const QByteArray what = QByteArray::fromStdString(s.pointer + " = " + edge.dump());
            ProjectDocument doc;
            QString error;
            QVERIFY2(loadJson(doc, dir, j, &error), (what + ": " + error.toUtf8()).constData());
            StageInspector inspector(&doc);
            QAbstractSpinBox *box = numberEditor(inspector, s.pointer);
            QVERIFY2(box, what.constData());
            QVERIFY2(box->isVisibleTo(&inspector), what.constData());
            const json shown = json::parse(box->text().toStdString(), nullptr, false);
            QVERIFY2(shown == edge, (what + " shown as " + box->text().toUtf8()).constData());
            ++checked;
        }
    }
    QVERIFY(checked >= 40);
}

// The issue's case: a rate of 20 is valid in the file, so the inspector shows 20, not 10.
void TestStageInspector::showsALearningRateAboveTen()
{
    QTemporaryDir dir;
    json j = sampleJson();
    j["training"]["optimizer"]["lr"] = 20.0;
    j["training"]["optimizer"]["eps"] = 1e-8;
    ProjectDocument doc;
    QString error;
    QVERIFY2(loadJson(doc, dir, j, &error), qPrintable(error));
    StageInspector inspector(&doc);
    inspector.showStage(int(Stage::Optimize));
    QCOMPARE(inspector.findChild<QAbstractSpinBox *>("/training/optimizer/lr")->text(), QString("20.0"));
    QCOMPARE(inspector.findChild<QAbstractSpinBox *>("/training/optimizer/eps")->text(), QString("1e-08"));
}

void TestStageInspector::typedValueReachesTheDocument()
{
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.load(QString::fromUtf8(kSample), &error), qPrintable(error));
    StageInspector inspector(&doc);
    inspector.showStage(int(Stage::Optimize));
    auto *eps = inspector.findChild<QAbstractSpinBox *>("/training/optimizer/eps");
    QVERIFY(eps);
    auto *edit = eps->findChild<QLineEdit *>();
    edit->setText("2.5e-9");
    Q_EMIT eps->editingFinished();
    QCOMPARE(doc.project().training.optimizer.eps, 2.5e-9);
    QVERIFY(doc.isModified());

    // Out of range: refused with the reader's message, the document unchanged.
    auto *lr = inspector.findChild<QAbstractSpinBox *>("/training/optimizer/lr");
    lr->findChild<QLineEdit *>()->setText("0");
    Q_EMIT lr->editingFinished();
    QCOMPARE(doc.project().training.optimizer.lr, 0.001);
    auto *message = inspector.findChild<QLabel *>("settingError");
    QVERIFY2(message->text().contains("/training/optimizer/lr"), qPrintable(message->text()));
    QCOMPARE(lr->text(), QString("0.001"));

    // Stepping stays inside the range: the largest integer a seed takes is not passed.
    inspector.showStage(int(Stage::TrainFromScratch));
    auto *seed = inspector.findChild<QAbstractSpinBox *>("/training/seed");
    QVERIFY(doc.setSetting("/training/seed", INT64_MAX));
    QCOMPARE(seed->text(), QString("9223372036854775807"));
    seed->stepBy(1);
    QCOMPARE(doc.project().training.seed, uint64_t(INT64_MAX));
    seed->stepBy(-1);
    QCOMPARE(doc.project().training.seed, uint64_t(INT64_MAX - 1));
}

// The synthetic format's own settings are shown only while the project uses it.
void TestStageInspector::formatSettingsFollowTheKind()
{
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.load(QString::fromUtf8(kSample), &error), qPrintable(error));
    StageInspector inspector(&doc);
    inspector.showStage(int(Stage::InputData));
    auto *noise = inspector.findChild<QAbstractSpinBox *>("/dataset/synthetic/noise");
    QVERIFY(noise);
    QVERIFY(!noise->isVisibleTo(&inspector));
    QVERIFY(doc.setSetting("/dataset/kind", "synthetic", &error));
    QVERIFY(noise->isVisibleTo(&inspector));
    QCOMPARE(noise->text(), QString("0.5"));
}

// The stage table (pipelinestages.h) is what the canvas and the inspector loop over: one entry
// per Stage, in Stage's order (stageInfo() indexes by it), each titled and keyed uniquely, and
// every stage the settings schema names is one of them, or its settings would show nowhere.
void TestStageInspector::everyStageIsInTheTable()
{
    const auto &stages = pipelineStages();
    QCOMPARE(int(stages.size()), kStages);
    QSet<QString> keys;
    for (int i = 0; i < kStages; ++i) {
        const StageInfo &info = stages[size_t(i)];
        QCOMPARE(int(info.stage), i);
        QCOMPARE(&stageInfo(Stage(i)), &info);
        QVERIFY2(!info.title().isEmpty(), qPrintable(QString::number(i)));
        const QString key = QString::fromUtf8(info.key);
        QVERIFY2(!key.isEmpty(), qPrintable(info.title()));
        QVERIFY2(!keys.contains(key), qPrintable(key));
        keys.insert(key);
    }
    for (const SettingSpec &s : projectSettings())
        for (const std::string &stage : s.stages)
            QVERIFY2(keys.contains(QString::fromStdString(stage)), (s.pointer + ": " + stage).c_str());
}

// Deleting the pipeline canvas with a stage selected: QGraphicsScene's own destructor drops the
// selection, and the scene once answered that by calling its members after its own part was
// gone (UBSan: member call during destruction). It announces nothing while it goes.
void TestStageInspector::pipelineSceneGoesQuietly()
{
    ProjectDocument doc;
    QString error;
    QVERIFY2(doc.load(QString::fromUtf8(kSample), &error), qPrintable(error));
    auto *scene = new PipelineScene(&doc);
    int announced = 0;
    QObject listener;
    QObject::connect(scene, &PipelineScene::stageSelected, &listener, [&](int) { ++announced; });
    scene->selectStage(Stage::Optimize);
    QCOMPARE(scene->selectedStage(), int(Stage::Optimize));
    QCOMPARE(announced, 1);
    delete scene;
    QCOMPARE(announced, 1);
}

// The Preprocess stage shows its augmentation settings and a before/after preview of samples
// that redraws (debounced) when one changes: off, every "after" is the stored sample; a
// horizontal flip of probability 1 mirrors every one. A 1-D project hides the image operations.
void TestStageInspector::augmentPreviewFollowsTheSettings()
{
    QTemporaryDir dir;
    json j = sampleJson();
    j["dataset"] = json::parse(R"({"kind": "synthetic", "path": "", "sample_shape": [1, 8, 8], "num_classes": 10,
        "synthetic": {"train_samples": 64, "test_samples": 40, "noise": 0.5, "seed": 7}})");
    j["dataset"]["class_names"] = json::array();
    ProjectDocument doc;
    QString error;
    QVERIFY2(loadJson(doc, dir, j, &error), qPrintable(error));
    StageInspector inspector(&doc);
    inspector.showStage(int(Stage::Preprocess));
    auto *preview = inspector.findChild<AugmentPreview *>("augmentPreview");
    QVERIFY(preview);
    QTRY_VERIFY_WITH_TIMEOUT(preview->isCurrent() && !preview->samples().empty(), 20000);
    for (const auto &s : preview->samples())
        QVERIFY(s.before.pixels == s.after.pixels);
    QVERIFY2(preview->statusText().contains("off"), qPrintable(preview->statusText()));

    auto *hflip = inspector.findChild<QAbstractSpinBox *>("/preprocess/augment/hflip");
    QVERIFY(hflip);
    QVERIFY(hflip->isVisibleTo(&inspector));
    QSignalSpy updated(preview, &AugmentPreview::updated);
    hflip->findChild<QLineEdit *>()->setText("1");
    Q_EMIT hflip->editingFinished();
    QCOMPARE(doc.project().preprocess.augment.hflip, 1.0);
    QTRY_VERIFY_WITH_TIMEOUT(preview->isCurrent() && updated.count() > 0, 20000);
    for (const auto &s : preview->samples()) {
        const int w = s.before.width;
        for (int r = 0; r < s.before.height; ++r)
            for (int c = 0; c < w; ++c)
                QCOMPARE(s.after.pixels[size_t(r * w + c)], s.before.pixels[size_t(r * w + w - 1 - c)]);
    }
    QVERIFY2(preview->statusText().contains("on"), qPrintable(preview->statusText()));

    // Rows: the image operations are hidden, the table noise shown.
    QVERIFY(doc.setSetting("/preprocess/augment/hflip", 0.0, &error));
    auto *rowNoise = inspector.findChild<QAbstractSpinBox *>("/preprocess/augment/feature_noise");
    QVERIFY(rowNoise);
    QVERIFY(!rowNoise->isVisibleTo(&inspector));
    QVERIFY2(doc.setSetting("/dataset/sample_shape", json{64}, &error), qPrintable(error));
    QVERIFY(!hflip->isVisibleTo(&inspector));
    QVERIFY(rowNoise->isVisibleTo(&inspector));
}

QTEST_MAIN(TestStageInspector)
#include "tst_stageinspector.moc"
