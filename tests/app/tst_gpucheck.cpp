// scripts/gpu-check, its CPU parts (issue 14): `--device cpu --quick` against this build's CLI runs
// every path of the check (train, kill -9 and Ctrl-C with resume, resume on cpu, evaluate, every
// export, the Python checks of the exports, predict, precisions, data placement) and of the
// benchmark (the engine, both Python loops, the matrix-multiply peak, the table), each "agree with
// cpu" comparing cpu with cpu. The checks train the tiny synthetic project (fast); the benchmark
// trains the Fashion-MNIST sample and a narrow ResNet. On a machine whose LibTorch sees a CUDA
// device, cudaQuick runs the same on cuda; elsewhere it skips.

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest/QtTest>

namespace {

const QString kSource = QStringLiteral(TORCHWRIGHT_SOURCE_DIR);
const QString kCli = QStringLiteral(TORCHWRIGHT_CLI);

struct ScriptRun {
    bool finished = false;
    int exitCode = -1;
    QByteArray output;
};

// Runs scripts/gpu-check with `args`; stdout and stderr together. The limit only guards against
// a hang: the CPU run takes well under a minute.
ScriptRun runScript(const QStringList &args, int limitMs = 300000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(kSource + "/scripts/gpu-check", args);
    ScriptRun r;
    if (!p.waitForStarted())
        return r;
    r.finished = p.waitForFinished(limitMs);
    if (!r.finished)
        p.kill();
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.output = p.readAll();
    return r;
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestGpuCheck : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cpuParts();
    void badOptionsAreRefused();
    void cudaQuick();

private:
    QTemporaryDir m_tmp;
};

void TestGpuCheck::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    QVERIFY2(QFileInfo(kCli).isExecutable(), qPrintable(kCli));
    QVERIFY2(QFileInfo(kSource + "/scripts/gpu-check").isExecutable(), "scripts/gpu-check is not executable");
}

void TestGpuCheck::cpuParts()
{
    const QString out = m_tmp.filePath("cpu.json");
    const ScriptRun r = runScript({"--cli", kCli, "--device", "cpu", "--quick", "--threads", "1", "--check-project",
                                   kSource + "/tests/data/tiny_synthetic/project.json", "--out", out});
    QVERIFY2(r.finished && r.exitCode == 0, r.output.constData());
    const QJsonObject j = readJson(out);
    QVERIFY2(j.value("passed").toBool(), r.output.constData());
    QCOMPARE(j.value("environment").toObject().value("device").toString(), QStringLiteral("cpu"));

    // Every check ran and passed (on cpu, bf16 or a data placement may be refused in one line,
    // which counts as passing; fp16 must be refused).
    QSet<QString> seen;
    for (const QJsonValue &v : j.value("checks").toArray()) {
        const QJsonObject c = v.toObject();
        seen.insert(c.value("name").toString());
        QVERIFY2(c.value("status").toString() == "pass",
                 qPrintable(c.value("name").toString() + ": " + c.value("detail").toString()));
    }
    const QStringList expected =
        QStringLiteral("devices train train_agrees_with_cpu evaluate resume_deterministic resume_nondeterministic "
                       "resume_on_cpu stop_resume precision_bf16 precision_fp16 channels_last data_placement "
                       "export_torchscript export_onnx export_pytorch export_bundle torchscript_python onnx_python "
                       "pytorch_weights_only pytorch_program predict predict_matches_python bench_cnn_graph "
                       "bench_resnet_graph")
            .split(QLatin1Char(' '));
    for (const QString &name : expected)
        QVERIFY2(seen.contains(name), qPrintable(name));
    for (const QJsonValue &v : j.value("checks").toArray()) {
        const QJsonObject c = v.toObject();
        if (c.value("name") == "resume_deterministic")
            QVERIFY2(c.value("bit_exact_figures").toBool() && c.value("bit_exact_weights").toBool(),
                     qPrintable(c.value("detail").toString()));
    }

    // The benchmark: a row per model, precision and memory format at batch 64, each side measured.
    const QJsonArray rows = j.value("bench_rows").toArray();
    QCOMPARE(rows.size(), 6); // cnn x {fp32, bf16}; resnet x {fp32, bf16} x {NCHW, NHWC}
    for (const QJsonValue &v : rows) {
        const QJsonObject row = v.toObject();
        const QString what = QJsonDocument(row).toJson(QJsonDocument::Compact);
        QCOMPARE(row.value("batch").toInt(), 64);
        QVERIFY2(row.value("engine").toDouble() > 0, qPrintable(what));
        QVERIFY2(row.value("python_gpu").toDouble() > 0, qPrintable(what));
        if (row.value("memory") == "contiguous")
            QVERIFY2(row.value("python_dataloader").toDouble() > 0, qPrintable(what));
        QVERIFY2(row.value("engine_over_gpu_loop").toDouble() > 0, qPrintable(what));
        QVERIFY2(row.value("engine_tflops").toDouble() > 0, qPrintable(what));
        QVERIFY2(row.value("fraction_of_measured_peak").toDouble() > 0, qPrintable(what));
    }
    const QJsonObject bench = j.value("bench").toObject();
    QVERIFY(bench.value("peak_tflops_measured").toObject().value("fp32_tf32").toDouble() > 0);
    QVERIFY(bench.value("peak_tflops_measured").toObject().value("bf16").toDouble() > 0);
    // The sample CNN's multiply-adds as the engine counts them (validate: 4.24M per sample).
    QVERIFY(qAbs(bench.value("multiply_adds_per_sample").toObject().value("cnn").toDouble() - 4.24e6) < 1e4);
    // The printed table: its header and one line per row; the goals are stated under it.
    const QString table = j.value("table_markdown").toString();
    QVERIFY2(table.contains("| model | batch | precision | memory | engine | Python, data on GPU |"),
             qPrintable(table));
    QCOMPARE(table.count(QStringLiteral("\n| cnn | 64 |")), 2);
    QCOMPARE(table.count(QStringLiteral("\n| resnet | 64 |")), 4);
    QVERIFY2(table.contains("goal engine >= 1.0x the data-on-GPU loop") && table.contains("goal resnet bf16 >= 1.5x"),
             qPrintable(table));
    QVERIFY2(r.output.contains("| model | batch |") && r.output.contains("passed, 0 failed"), r.output.constData());
    QVERIFY(!j.value("tolerances").toObject().isEmpty());
}

void TestGpuCheck::badOptionsAreRefused()
{
    ScriptRun r = runScript({"--device", "tpu"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("--device tpu"), r.output.constData());
    r = runScript({"--cli", m_tmp.filePath("missing-cli"), "--device", "cpu"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("missing-cli"), r.output.constData());
    r = runScript({"--no-such-option"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("--no-such-option"), r.output.constData());
    r = runScript({"--help"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.output.contains("usage: scripts/gpu-check"), r.output.constData());
}

// The same on a CUDA device, where this build's LibTorch sees one (the GPU machine's own build).
void TestGpuCheck::cudaQuick()
{
    QProcess devices;
    devices.start(kCli, {"devices"});
    QVERIFY(devices.waitForFinished(60000));
    if (!devices.readAll().contains("cuda"))
        QSKIP("no CUDA device: scripts/gpu-check --device cuda runs on a GPU machine");
    const QString out = m_tmp.filePath("cuda.json");
    const ScriptRun r = runScript({"--cli", kCli, "--device", "cuda", "--quick", "--out", out}, 900000);
    QVERIFY2(r.finished && r.exitCode == 0, r.output.constData());
    QVERIFY2(readJson(out).value("passed").toBool(), r.output.constData());
}

QTEST_GUILESS_MAIN(TestGpuCheck)
#include "tst_gpucheck.moc"
