// The project templates File > New offers (the files resources/torchwright.qrc lists under
// /templates): each loads without problems with every shape inferred, and trains for a few
// batches with a finite, falling loss and a checkpoint. The autoencoder's target is its input
// (/training/target), its evaluation reports the reconstruction's MSE, and its encoder weights load
// by layer name into another project's Pretrain stage. The generated sequence format decides the
// class by order alone.

#include "dataset.h"
#include "testhelpers.h"

#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>

using namespace torchwright;
using namespace testhelpers;

namespace {

struct TemplateFile {
    QString key;  // the resource's name without .json
    QString path; // in the source tree
};

// The /templates entries of the studio's resource file: the one list of templates.
std::vector<TemplateFile> templateFiles()
{
    const QByteArray qrc = readFileBytes(sourcePath("resources/torchwright.qrc"));
    const QString text = QString::fromUtf8(qrc);
    const int prefix = text.indexOf(QStringLiteral("prefix=\"/templates\""));
    std::vector<TemplateFile> files;
    if (prefix < 0)
        return files;
    const QString section = text.mid(prefix, text.indexOf(QStringLiteral("</qresource>"), prefix) - prefix);
    static const QRegularExpression entry(QStringLiteral("<file alias=\"([^\"]+)\\.json\">([^<]+)</file>"));
    for (auto it = entry.globalMatch(section); it.hasNext();) {
        const auto m = it.next();
        files.push_back(
            {m.captured(1), QDir::cleanPath(QString::fromStdString(sourcePath("resources/")) + m.captured(2))});
    }
    return files;
}

Project loadTemplate(const QString &key)
{
    for (const TemplateFile &f : templateFiles())
        if (f.key == key) {
            ProjectLoad load = loadProjectFile(f.path.toStdString());
            if (!load.ok())
                qFatal("%s: %s", qPrintable(f.path), describe(load.diagnostics).constData());
            return load.project;
        }
    qFatal("no template %s", qPrintable(key));
    return {};
}

// A few batches: small splits for generated data, a small validation split for files.
Project shrunk(Project p)
{
    p.training.epochs = 2;
    p.training.batchSize = 32;
    p.dataset.validationFraction = 0.01;
    p.dataset.syntheticTrain = 640;
    p.dataset.syntheticTest = 64;
    return p;
}

struct Trained {
    RunResult result;
    std::vector<double> losses; // per batch
    std::vector<std::string> logs;
};

Trained train(const Project &p, const QString &runsDir, int batches)
{
    TrainRequest request = requestFor(p, runsDir);
    request.threads = 2;
    request.batchLimit = batches;
    Trained t;
    t.result = trainBlocking(request, [&t](const TrainingEvent &e) {
        if (e.kind == TrainingEvent::Kind::Batch)
            t.losses.push_back(e.loss);
        if (e.kind == TrainingEvent::Kind::Log || e.kind == TrainingEvent::Kind::Error)
            t.logs.push_back(e.message);
    });
    return t;
}

QByteArray joined(const std::vector<std::string> &lines)
{
    std::string s;
    for (const auto &l : lines)
        s += l + "\n";
    return QByteArray::fromStdString(s);
}

} // namespace

class TestTemplates : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyTemplateIsListed();
    void templateValidates_data();
    void templateValidates();
    void templateTrains_data();
    void templateTrains();
    void autoencoderEncoderLoadsInPretrain();
    void inputTargetIsChecked();
    void sequencesAreDecidedByOrder();
    void sequenceShapeIsChecked();

private:
    QTemporaryDir m_tmp;
};

void TestTemplates::everyTemplateIsListed()
{
    QStringList keys;
    for (const TemplateFile &f : templateFiles()) {
        keys << f.key;
        QVERIFY2(QFileInfo::exists(f.path), qPrintable(f.path));
    }
    // Every file under projects/templates is offered, and the six kinds are there.
    for (const QString &file : QDir(QString::fromStdString(sourcePath("projects/templates"))).entryList({"*.json"}))
        QVERIFY2(keys.contains(QFileInfo(file).completeBaseName()), qPrintable(file + " is not in torchwright.qrc"));
    QCOMPARE(keys, (QStringList{"mlp", "cnn", "resnet", "gru", "transformer", "autoencoder"}));
}

void TestTemplates::templateValidates_data()
{
    QTest::addColumn<QString>("key");
    for (const TemplateFile &f : templateFiles())
        QTest::newRow(qPrintable(f.key)) << f.key;
}

void TestTemplates::templateValidates()
{
    QFETCH(QString, key);
    const Project p = loadTemplate(key);
    QVERIFY(!p.name.empty());
    const GraphAnalysis a = analyzeProject(p);
    QVERIFY2(a.ok(), describe(a.diagnostics).constData());
    QVERIFY2(a.diagnostics.items().empty(), describe(a.diagnostics).constData()); // no warnings either
    for (const Node &n : p.graph.nodes) {
        auto it = a.nodes.find(n.id.value);
        QVERIFY2(it != a.nodes.end() && it->second.output, n.name.c_str());
    }
    QVERIFY(a.totalParameters > 0);
    // The data is on a fresh machine: generated, or the Debian package's Fashion-MNIST.
    std::string missing;
    QVERIFY2(datasetFilesPresent(p, &missing), missing.c_str());
}

void TestTemplates::templateTrains_data() { templateValidates_data(); }

void TestTemplates::templateTrains()
{
    QFETCH(QString, key);
    const Trained t = train(shrunk(loadTemplate(key)), m_tmp.filePath(key), 6);
    QVERIFY2(t.result.status == TrainingEvent::Status::Completed,
             (t.result.message + "\n" + joined(t.logs).toStdString()).c_str());
    QCOMPARE(int(t.losses.size()), 12);
    for (double l : t.losses)
        QVERIFY(std::isfinite(l));
    // The second epoch's mean is below the first batch's loss.
    double second = 0;
    for (size_t i = 6; i < 12; ++i)
        second += t.losses[i] / 6;
    QVERIFY2(second < t.losses[0],
             qPrintable(QStringLiteral("first batch %1, second epoch %2").arg(t.losses[0]).arg(second)));
    QVERIFY(QFileInfo::exists(QString::fromStdString(t.result.runDir) + "/best.pt"));
}

void TestTemplates::autoencoderEncoderLoadsInPretrain()
{
    Project ae = shrunk(loadTemplate("autoencoder"));
    QCOMPARE(ae.training.target, std::string("input"));
    ae.training.epochs = 1;
    const Trained pre = train(ae, m_tmp.filePath("ae"), 3);
    QVERIFY2(pre.result.status == TrainingEvent::Status::Completed, pre.result.message.c_str());

    // Evaluation reports the reconstruction's error, not an accuracy.
    const Evaluation ev = evaluateRun(pre.result.runDir, "best", "cpu");
    QVERIFY(ev.reconstruction);
    QVERIFY(std::isfinite(ev.loss) && ev.loss > 0);
    QVERIFY(std::isnan(ev.accuracy));
    QVERIFY(ev.confusion.empty());

    // A classifier that keeps the encoder's layer names: its Pretrain stage loads them.
    Project cls = ae;
    cls.name = "classifier";
    cls.training.target = "labels";
    cls.training.loss = "cross_entropy";
    Graph &g = cls.graph;
    const NodeId pool = g.findByName("enc_pool2")->id;
    auto decoder = [](const std::string &name) { return name.rfind("dec_", 0) == 0; };
    std::vector<int> removed;
    for (const Node &n : g.nodes)
        if (decoder(n.name))
            removed.push_back(n.id.value);
    auto gone = [&removed](NodeId id) { return std::find(removed.begin(), removed.end(), id.value) != removed.end(); };
    g.edges.erase(std::remove_if(g.edges.begin(), g.edges.end(),
                                 [&](const Edge &e) { return gone(e.from.node) || gone(e.to.node); }),
                  g.edges.end());
    g.nodes.erase(std::remove_if(g.nodes.begin(), g.nodes.end(), [&](const Node &n) { return gone(n.id); }),
                  g.nodes.end());
    QCOMPARE(removed.size(), size_t(3));
    g.nodes.push_back(makeNode(100, "Flatten", "flatten"));
    g.nodes.push_back(makeNode(101, "Linear", "fc", {{"out_features", 10}}));
    g.edges.push_back(makeEdge(pool.value, 100));
    g.edges.push_back(makeEdge(100, 101));
    cls.pretrain.enabled = true;
    cls.pretrain.source = pre.result.runDir;
    cls.pretrain.frozen = {"enc_conv1"};
    const GraphAnalysis a = analyzeProject(cls);
    QVERIFY2(a.ok(), describe(a.diagnostics).constData());
    const Trained t = train(cls, m_tmp.filePath("cls"), 2);
    QVERIFY2(t.result.status == TrainingEvent::Status::Completed, t.result.message.c_str());
    const QByteArray log = joined(t.logs);
    QVERIFY2(log.contains("layer 'enc_conv1': 2 tensor(s)") && log.contains("layer 'enc_conv2': 2 tensor(s)"),
             log.constData());
    QVERIFY2(!log.contains("dec_up"), log.constData());
}

void TestTemplates::inputTargetIsChecked()
{
    // A classifier's output is not the input's shape: the output layer is named with both shapes.
    Project mlp = loadTemplate("mlp");
    mlp.training.target = "input";
    mlp.training.loss = "mse";
    const GraphAnalysis a = analyzeProject(mlp);
    const Diagnostic *d = findError(a.diagnostics, {"'fc3'", "/training/target", "1x28x28", "10"});
    QVERIFY2(d, describe(a.diagnostics).constData());

    // Reconstruction is trained with mse, and has no accuracy to watch.
    nlohmann::json j =
        nlohmann::json::parse(readFileBytes(sourcePath("projects/templates/autoencoder.json")).toStdString());
    j["training"]["loss"] = "cross_entropy";
    j["training"]["early_stopping"]["metric"] = "val_accuracy";
    const ProjectLoad load = projectFromJson(j);
    QVERIFY(!load.ok());
    QVERIFY2(findError(load.diagnostics, {"mse"}), describe(load.diagnostics).constData());
    bool loss = false, metric = false;
    for (const Diagnostic &e : load.diagnostics.items()) {
        loss = loss || e.where == "/training/loss";
        metric = metric || e.where == "/training/early_stopping/metric";
    }
    QVERIFY(loss && metric);
    j["training"]["target"] = "pixels";
    QVERIFY(findError(projectFromJson(j).diagnostics, {"labels", "input"}));
}

void TestTemplates::sequencesAreDecidedByOrder()
{
    Project p = loadTemplate("gru");
    p.dataset.syntheticNoise = 0;
    p.dataset.syntheticTrain = 400;
    const DataSplits data = loadDataSplits(p, DType::Float32);
    const int k = p.dataset.numClasses;
    const torch::Tensor symbols = data.train.inputs.argmax(2); // [N, L]
    std::vector<int> perClass(size_t(k), 0);
    for (int64_t i = 0; i < data.train.size(); ++i) {
        const torch::Tensor s = symbols[i];
        int lastMarker = -1;
        for (int64_t t = 0; t < s.size(0); ++t)
            if (s[t].item<int64_t>() < k)
                lastMarker = int(s[t].item<int64_t>());
        // Each marker exactly once, whatever the class: counting symbols cannot tell classes apart.
        for (int m = 0; m < k; ++m)
            QCOMPARE(s.eq(m).sum().item<int64_t>(), int64_t(1));
        QCOMPARE(int64_t(lastMarker), data.train.labels[i].item<int64_t>());
        ++perClass[size_t(lastMarker)];
    }
    for (int c = 0; c < k; ++c)
        QVERIFY(perClass[size_t(c)] > 50);
    // Seeded: the same project generates the same data.
    QVERIFY(torch::equal(loadDataSplits(p, DType::Float32).train.inputs, data.train.inputs));
}

void TestTemplates::sequenceShapeIsChecked()
{
    Project p = loadTemplate("gru");
    p.dataset.sampleShape = {24, 4}; // 4 symbols are all markers of the 4 classes
    try {
        loadDataSplits(p, DType::Float32);
        QFAIL("expected an error");
    } catch (const EngineError &e) {
        QVERIFY2(containsCI(e.what(), "/dataset/sample_shape") && containsCI(e.what(), "filler"), e.what());
    }
    p.dataset.sampleShape = {1, 28, 28};
    try {
        loadDataSplits(p, DType::Float32);
        QFAIL("expected an error");
    } catch (const EngineError &e) {
        QVERIFY2(containsCI(e.what(), "LxF"), e.what());
    }
}

QTEST_GUILESS_MAIN(TestTemplates)
#include "tst_templates.moc"
