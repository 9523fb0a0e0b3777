// torchwright-cli end to end: validate prints shapes and totals and fails with the mismatch a
// person must fix, train/evaluate/export work on a tiny synthetic project, and the exit codes
// are 0 (success), 1 (the input is bad) and 2 (usage). A run folder is found below `--out` (or
// is `--out` itself) by its last.pt; stdout and stderr are read together; the parameter total
// may be printed with thousands separators ("421,642").

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <functional>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace {

struct CliRun {
    bool finished = false;
    int exitCode = -1;
    QByteArray output;
};

const QString kSource = QStringLiteral(TORCHWRIGHT_SOURCE_DIR);

QString sourceFile(const QString &relative) { return kSource + QLatin1Char('/') + relative; }

// The run folder below `root`: the folder holding last.pt.
QString findRunDir(const QString &root)
{
    if (QFileInfo::exists(root + "/last.pt"))
        return root;
    QDirIterator it(root, {"last.pt"}, QDir::Files, QDirIterator::Subdirectories);
    if (it.hasNext())
        return QFileInfo(it.next()).absolutePath();
    return {};
}

// A run folder as the engine leaves it after a completed run, without checkpoints: enough for
// the runs commands, which read run.json only. No "sha256", as a run.json written by hand.
QString writeFakeRun(const QString &runsDir, const QString &name)
{
    const QString dir = runsDir + QLatin1Char('/') + name;
    if (!QDir().mkpath(dir))
        return {};
    const QJsonObject j{{"name", name},
                        {"status", "completed"},
                        {"epochs_completed", 2},
                        {"epochs_planned", 2},
                        {"best_val_accuracy", 0.5},
                        {"best_val_loss", 1.25},
                        {"device", "cpu"},
                        {"project_name", "tiny"},
                        {"project_file", runsDir + "/../tiny.json"},
                        {"created", "2026-01-01T00:00:00Z"}};
    QFile f(dir + "/run.json");
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(j).toJson()) < 0)
        return {};
    QFile metrics(dir + "/metrics.jsonl");
    if (!metrics.open(QIODevice::WriteOnly))
        return {};
    return dir;
}

QJsonObject readJsonObject(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void help();
    void unknownCommand();
    void validateFashion();
    void validateArticleReportsMismatch();
    void validateMalformedJson();
    void validateDeeplyNestedJson();
    void exportHelpListsEveryFormat();
    void exportRefusesUnknownFormat();
    void validateRefusesUnknownExportFormat();
    void validateRefusesHugeIntegers_data();
    void validateRefusesHugeIntegers();
    void trainRefusesBadOptionsAndProjects();
    void trainEvaluateExport();
    void evaluateMissingRun();
    void resumeRefusesRunJsonThatIsNotAnObject();
    void damagedCheckpointsAreRefused();
    void predictRefusesBadManifests();
    void killedRunIsInterruptedAndResumes();
    void typosGetTheClosestName();
    void exportWritesSeveralFormats();
    void fullDiskWritingMetricsFailsCleanly();
    void runsRenameNoteDeleteRestore();
    void runsRefusesToTrashATrainingRun();
    void versionsComparePromoteRollback();
    void feedbackCommandsAndExitCodes();

    // Every command's output, whatever it failed on, is free of C++ backtraces.
    void cleanup();

private:
    CliRun run(const QStringList &args, const QString &program = QStringLiteral(TORCHWRIGHT_CLI));
    // One epoch of the tiny synthetic project on the CPU, its run folder in `runs`.
    CliRun trainTiny(const QString &runs);
    QStringList m_backtraces; // commands whose output held one
    QTemporaryDir m_tmp;
};

// feedback add|list|review|undo|counts|import on real photos (sklearn's), in a folder store and
// in a project's store, with their exit codes: 0 done, 1 bad input named, 2 bad usage.
void TestCli::feedbackCommandsAndExitCodes()
{
    const QString photos = QStringLiteral("/usr/lib/python3/dist-packages/sklearn/datasets/images/");
    if (!QFileInfo::exists(photos + "china.jpg"))
        QSKIP("sklearn's sample images are not installed");
    const QString store = m_tmp.filePath("fb-store");
    CliRun r = run({"feedback", store, "add", photos + "china.jpg", "--label", "2"});
    QVERIFY2(r.exitCode == 0 && r.output.startsWith("added "), r.output.constData());
    const QString first = QString::fromUtf8(r.output.mid(6, r.output.indexOf(':') - 6));
    r = run({"feedback", store, "add", photos + "flower.jpg", "--label", "0"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    const QString second = QString::fromUtf8(r.output.mid(6, r.output.indexOf(':') - 6));
    QVERIFY(first != second && !first.isEmpty());
    QVERIFY(QFileInfo(store + "/feedback.jsonl").isFile());
    QCOMPARE(QDir(store + "/inputs").entryList(QDir::Files).size(), 2);

    r = run({"feedback", store, "list"});
    QVERIFY2(r.exitCode == 0 && r.output.contains(first.toUtf8()) && r.output.contains(second.toUtf8())
                 && r.output.contains("china.jpg") && r.output.contains("(correction)"),
             r.output.constData());
    r = run({"feedback", store, "list", "--class", "2", "--json"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    QJsonArray listed = QJsonDocument::fromJson(r.output).array();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed[0].toObject()["id"].toString(), first);
    QCOMPARE(listed[0].toObject()["state"].toString(), QStringLiteral("wrong"));

    // A correction has no prediction to confirm; a wrong review takes a label; undo twice.
    r = run({"feedback", store, "review", first, "right"});
    QVERIFY2(r.exitCode == 1 && r.output.contains(first.toUtf8()), r.output.constData());
    r = run({"feedback", store, "review", first, "wrong", "--label", "3"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    r = run({"feedback", store, "undo", first});
    QVERIFY2(r.exitCode == 0 && r.output.contains("wrong: 2"), r.output.constData());
    r = run({"feedback", store, "undo", first});
    QVERIFY2(r.exitCode == 0 && r.output.contains("unreviewed"), r.output.constData());
    r = run({"feedback", store, "undo", first});
    QVERIFY2(r.exitCode == 1 && r.output.contains(first.toUtf8()), r.output.constData());
    r = run({"feedback", store, "list", "--state", "unreviewed"});
    QVERIFY2(r.exitCode == 0 && r.output.contains(first.toUtf8()) && !r.output.contains(second.toUtf8()),
             r.output.constData());
    r = run({"feedback", store, "counts"});
    QVERIFY2(r.exitCode == 0 && r.output.contains("2 items, 1 reviewed (0 right, 1 wrong), 1 unreviewed"),
             r.output.constData());

    // Bad input: unknown id, a missing input file, a class name no item carries (exit 1).
    r = run({"feedback", store, "review", "no-such-item", "wrong", "--label", "1"});
    QVERIFY2(r.exitCode == 1 && r.output.contains("no-such-item"), r.output.constData());
    r = run({"feedback", store, "add", m_tmp.filePath("missing.png"), "--label", "1"});
    QVERIFY2(r.exitCode == 1 && r.output.contains("missing.png"), r.output.constData());
    r = run({"feedback", store, "add", photos + "china.jpg", "--label", "Sneaker"});
    QVERIFY2(r.exitCode == 1 && r.output.contains("Sneaker"), r.output.constData());
    // Bad usage (exit 2): no action, an unknown one, a bad state, review without a label.
    for (const QStringList &args :
         {QStringList{"feedback", store}, QStringList{"feedback", store, "frob"},
          QStringList{"feedback", store, "list", "--state", "maybe"},
          QStringList{"feedback", store, "review", first, "wrong"}, QStringList{"feedback", store, "add", "x.png"}}) {
        r = run(args);
        QVERIFY2(r.exitCode == 2, qPrintable(args.join(' ') + ": " + r.output));
    }

    // A project's store: class names from the project, numbers checked against them.
    QDir().mkpath(m_tmp.filePath("fb-project"));
    const QString project = m_tmp.filePath("fb-project/tiny.json");
    QVERIFY(QFile::copy(sourceFile("tests/data/tiny_synthetic/project.json"), project));
    r = run({"feedback", project, "add", photos + "flower.jpg", "--label", "three"});
    QVERIFY2(r.exitCode == 0 && r.output.contains("class 3 (three)"), r.output.constData());
    QVERIFY(QFileInfo(m_tmp.filePath("fb-project/feedback/tiny/feedback.jsonl")).isFile());
    r = run({"feedback", project, "add", photos + "flower.jpg", "--label", "4"});
    QVERIFY2(r.exitCode == 1 && r.output.contains("out of range"), r.output.constData());
    // Import the folder store twice: the second brings nothing.
    r = run({"feedback", project, "import", store});
    QVERIFY2(r.exitCode == 0 && r.output.contains("imported 2 item(s)"), r.output.constData());
    r = run({"feedback", project, "import", store});
    QVERIFY2(r.exitCode == 0 && r.output.contains("imported 0 item(s)"), r.output.constData());
    r = run({"feedback", project, "list", "--json"});
    QCOMPARE(QJsonDocument::fromJson(r.output).array().size(), 3);

    // Table rows as FILE.csv:LINE, kept inline with the header; a value for a regression.
    const QString table = m_tmp.filePath("fb-table.csv");
    QFile t(table);
    QVERIFY(t.open(QIODevice::WriteOnly));
    t.write("size,colour,label\n2.0,blue,dog\n\n1.5,\"dark, red\",cat\n");
    t.close();
    const QString rows = m_tmp.filePath("fb-rows");
    r = run({"feedback", rows, "add", table + ":4", "--label", "1"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    r = run({"feedback", rows, "add", table + ":2", "--value", "2.5"});
    QVERIFY2(r.exitCode == 0 && r.output.contains("value 2.5"), r.output.constData());
    r = run({"feedback", rows, "list", "--json"});
    listed = QJsonDocument::fromJson(r.output).array();
    QCOMPARE(listed.size(), 2);
    const QJsonObject row = listed[0].toObject()["row"].toObject();
    QCOMPARE(row["columns"].toArray().size(), 3);
    QCOMPARE(row["values"].toArray()[1].toString(), QStringLiteral("dark, red"));
    QCOMPARE(listed[0].toObject()["source"].toString(), table + ":4");
    QCOMPARE(listed[1].toObject()["true_value"].toDouble(), 2.5);
    r = run({"feedback", rows, "add", table + ":3", "--label", "1"});
    QVERIFY2(r.exitCode == 1 && r.output.contains("fb-table.csv:3"), r.output.constData());
    r = run({"feedback", rows, "add", table + ":2", "--value", "lots"});
    QVERIFY2(r.exitCode == 2 && r.output.contains("lots"), r.output.constData());

    // A damaged line in the middle: reported by number, the other items still listed, exit 1.
    QFile log(store + "/feedback.jsonl");
    QVERIFY(log.open(QIODevice::ReadOnly));
    QList<QByteArray> lines = log.readAll().split('\n');
    log.close();
    lines.insert(1, "not json at all");
    QVERIFY(log.open(QIODevice::WriteOnly | QIODevice::Truncate));
    log.write(lines.join('\n'));
    log.close();
    r = run({"feedback", store, "list"});
    QVERIFY2(r.exitCode == 1 && r.output.contains("line 2") && r.output.contains(first.toUtf8())
                 && r.output.contains(second.toUtf8()),
             r.output.constData());
}

CliRun TestCli::run(const QStringList &args, const QString &program)
{
    QProcess p;
    p.setProgram(program);
    p.setArguments(args);
    // A working directory unrelated to the source tree: the CLI must use the paths it is given.
    p.setWorkingDirectory(m_tmp.path());
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start();
    CliRun r;
    if (!p.waitForStarted(30000))
        return r;
    r.finished = p.waitForFinished(120000);
    if (!r.finished) {
        p.kill();
        p.waitForFinished(10000);
    }
    r.output = p.readAll();
    if (r.output.contains("Exception raised from") || r.output.contains("frame #0"))
        m_backtraces << args.join(QLatin1Char(' '));
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

CliRun TestCli::trainTiny(const QString &runs)
{
    return run({"train", sourceFile("tests/data/tiny_synthetic/project.json"), "--epochs", "1", "--device", "cpu",
                "--threads", "1", "--out", runs});
}

void TestCli::cleanup()
{
    const QStringList seen = std::exchange(m_backtraces, {});
    QVERIFY2(seen.isEmpty(), qPrintable(QStringLiteral("a C++ backtrace reached the user: ") + seen.join(" | ")));
}

void TestCli::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    QVERIFY2(QFileInfo(QStringLiteral(TORCHWRIGHT_CLI)).isExecutable(), TORCHWRIGHT_CLI);
}

void TestCli::help()
{
    const CliRun r = run({"--help"});
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.output.contains("validate"), r.output.constData());
    QVERIFY2(r.output.contains("train"), r.output.constData());
    QVERIFY2(r.output.contains("export"), r.output.constData());
}

void TestCli::unknownCommand()
{
    const CliRun r = run({"frobnicate"});
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("frobnicate"), r.output.constData());
}

void TestCli::validateFashion()
{
    const CliRun r = run({"validate", sourceFile("projects/fashion_mnist_cnn.json")});
    QVERIFY(r.finished);
    QVERIFY2(r.exitCode == 0, r.output.constData());
    for (const char *shape : {"32x28x28", "32x14x14", "64x14x14", "64x7x7", "3136", "128"})
        QVERIFY2(r.output.contains(shape), shape);
    QByteArray digits = r.output;
    digits.replace(",", "").replace("'", "").replace("\xe2\x80\xaf", "");
    QVERIFY2(digits.contains("421642"), r.output.constData());
}

void TestCli::validateArticleReportsMismatch()
{
    const CliRun r = run({"validate", sourceFile("projects/article_cifar10_cnn.json")});
    QVERIFY(r.finished);
    QVERIFY2(r.exitCode == 1, r.output.constData());
    QVERIFY2(r.output.contains("65536"), r.output.constData());
    QVERIFY2(r.output.contains("2304"), r.output.constData());

    // The corrected file validates (its missing data is only a warning).
    const CliRun fixed = run({"validate", sourceFile("projects/article_cifar10_cnn_fixed.json")});
    QVERIFY(fixed.finished);
    QVERIFY2(fixed.exitCode == 0, fixed.output.constData());
}

void TestCli::validateMalformedJson()
{
    const QString bad = m_tmp.filePath("bad.json");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{ \"format\": \"torchwright-project\", oops");
    f.close();
    const CliRun r = run({"validate", bad});
    QVERIFY(r.finished);
    QVERIFY2(r.exitCode == 1, r.output.constData());
    QVERIFY2(r.output.contains("bad.json"), r.output.constData());
}

// 100,000 levels of nesting used to overflow the stack while the project was described.
void TestCli::validateDeeplyNestedJson()
{
    const QString deep = m_tmp.filePath("deep.json");
    QFile f(deep);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"format\": \"torchwright-project\", \"version\": 2, \"ui\": ");
    f.write(QByteArray(100000, '['));
    f.write(QByteArray(100000, ']'));
    f.write("}");
    f.close();
    const CliRun r = run({"validate", deep});
    QVERIFY(r.finished);
    QVERIFY2(r.exitCode == 1, r.output.constData());
    QVERIFY2(r.output.contains("deep.json"), r.output.constData());
    QVERIFY2(r.output.contains("nested deeper than 64 levels"), r.output.constData());
}

void TestCli::exportHelpListsEveryFormat()
{
    const CliRun main = run({"--help"});
    QVERIFY(main.finished);
    QVERIFY2(main.output.contains("(torchscript, onnx, pytorch, bundle)"), main.output.constData());

    const CliRun r = run({"export", "--help"});
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 0);
    // Each format with what it writes and where by default, the ONNX opset the exporter writes.
    for (const char *line : {"  torchscript  a TorchScript module", "  onnx         ONNX opset 13,",
                             "  pytorch      a standalone PyTorch training program",
                             "  bundle       a deployment folder", "Default: RUN/model.torchscript.pt",
                             "Default: RUN/model.onnx", "Default: RUN/pytorch/", "Default: RUN/bundle/"})
        QVERIFY2(r.output.contains(line), line);
    for (const QByteArray &line : r.output.split('\n'))
        QVERIFY2(line.size() <= 95, line.constData());
}

void TestCli::exportRefusesUnknownFormat()
{
    const CliRun r = run({"export", m_tmp.filePath("some_run"), "--format", "tflite"});
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("'tflite' is not a format; formats: torchscript, onnx, pytorch, bundle"),
             r.output.constData());
}

void TestCli::validateRefusesUnknownExportFormat()
{
    QFile source(sourceFile("tests/data/tiny_synthetic/project.json"));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QJsonObject project = QJsonDocument::fromJson(source.readAll()).object();
    project["export"] = QJsonObject{{"formats", QJsonArray{"onnx", "tflite"}}};
    const QString file = m_tmp.filePath("tflite.json");
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(project).toJson());
    out.close();

    const CliRun r = run({"validate", file});
    QVERIFY(r.finished);
    QVERIFY2(r.exitCode == 1, r.output.constData());
    QVERIFY2(r.output.contains("/export/formats/1"), r.output.constData());
    QVERIFY2(r.output.contains("expected one of \"torchscript\", \"onnx\", \"pytorch\", \"bundle\", got \"tflite\""),
             r.output.constData());
    QVERIFY2(!r.output.contains("/export/formats/0"), r.output.constData());
}

// Integers that used to wrap and end in SIGFPE: validate names each and exits 1, without a signal.
// QJson has no integers beyond 2^53, so the value is put into the file's text in place of a marker.
void TestCli::validateRefusesHugeIntegers_data()
{
    QTest::addColumn<QString>("pointer"); // where the marker goes, and where the message points
    QTest::addColumn<QString>("value");

    QTest::newRow("in_channels 2^64-1") << "/graph/nodes/1/params/in_channels"
                                        << "18446744073709551615";
    QTest::newRow("out_channels 2^63-1") << "/graph/nodes/1/params/out_channels"
                                         << "9223372036854775807";
    QTest::newRow("negative padding") << "/graph/nodes/1/params/padding"
                                      << "-1";
    QTest::newRow("sample_shape product") << "/dataset/sample_shape"
                                          << "[16777216, 16777216, 16777216]";
    QTest::newRow("sample_shape 2^31") << "/dataset/sample_shape/0"
                                       << "2147483648";
}

void TestCli::validateRefusesHugeIntegers()
{
    QFETCH(QString, pointer);
    QFETCH(QString, value);

    QFile source(sourceFile("tests/data/tiny_synthetic/project.json"));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QJsonDocument doc = QJsonDocument::fromJson(source.readAll());
    // Sets the marker string at `pointer` ("/graph/nodes/1/params/padding", "/dataset/sample_shape/0").
    std::function<QJsonValue(QJsonValue, QStringList)> put = [&put](QJsonValue at, QStringList path) -> QJsonValue {
        if (path.isEmpty())
            return QStringLiteral("@HUGE@");
        const QString key = path.takeFirst();
        if (at.isArray()) {
            QJsonArray a = at.toArray();
            a[key.toInt()] = put(a[key.toInt()], path);
            return a;
        }
        QJsonObject o = at.toObject();
        o[key] = put(o[key], path);
        return o;
    };
    const QJsonValue project = put(doc.object(), pointer.split(QLatin1Char('/'), Qt::SkipEmptyParts));
    QByteArray text = QJsonDocument(project.toObject()).toJson();
    text.replace("\"@HUGE@\"", value.toUtf8());
    const QString file = m_tmp.filePath("huge.json");
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    out.write(text);
    out.close();

    const CliRun r = run({"validate", file});
    QVERIFY(r.finished);
    QVERIFY2(r.exitCode == 1, r.output.constData()); // -1: killed by a signal
    QVERIFY2(r.output.contains(pointer.toUtf8() + ": "), r.output.constData());
    const QByteArray shown = value.startsWith('[') ? QByteArray("1099511627776") : value.toUtf8();
    QVERIFY2(r.output.contains(shown), r.output.constData());
}

void TestCli::trainRefusesBadOptionsAndProjects()
{
    const QString project = sourceFile("tests/data/tiny_synthetic/project.json");
    // Usage errors: exit status 2, nothing trained.
    const CliRun none = run({"train"});
    QVERIFY(none.finished);
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.output.contains("usage: torchwright-cli train"), none.output.constData());
    const CliRun epochs = run({"train", project, "--epochs", "0", "--out", m_tmp.filePath("refused")});
    QVERIFY(epochs.finished);
    QCOMPARE(epochs.exitCode, 2);
    QVERIFY2(epochs.output.contains("--epochs: expected an integer >= 1, got '0'"), epochs.output.constData());
    // A thread count beyond the stated maximum is refused before any thread is made.
    const CliRun threads = run({"train", project, "--threads", "100000", "--out", m_tmp.filePath("refused")});
    QVERIFY(threads.finished);
    QCOMPARE(threads.exitCode, 2);
    QVERIFY2(threads.output.contains("--threads: expected an integer from 1 to 256, got '100000'"),
             threads.output.constData());
    const CliRun device = run({"train", project, "--device", "tpu", "--out", m_tmp.filePath("refused")});
    QVERIFY(device.finished);
    QCOMPARE(device.exitCode, 2);
    QVERIFY2(device.output.contains("--device: expected auto, cpu, cuda or cuda:N, got 'tpu'"),
             device.output.constData());
    // A project that does not load: exit status 1 with its errors.
    const CliRun missing = run({"train", m_tmp.filePath("no_such_project.json"), "--out", m_tmp.filePath("refused")});
    QVERIFY(missing.finished);
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.output.contains("no_such_project.json"), missing.output.constData());
    QVERIFY(!QFileInfo::exists(m_tmp.filePath("refused")));
}

void TestCli::trainEvaluateExport()
{
    const QString projectDir = m_tmp.filePath("project");
    QVERIFY(QDir().mkpath(projectDir));
    const QString project = projectDir + "/tiny.json";
    QVERIFY(QFile::copy(sourceFile("tests/data/tiny_synthetic/project.json"), project));
    QFile::setPermissions(project, QFile::ReadOwner | QFile::WriteOwner);
    const QString runs = m_tmp.filePath("runs");

    const CliRun train = run({"train", project, "--epochs", "1", "--device", "cpu", "--threads", "1", "--out", runs});
    QVERIFY(train.finished);
    QVERIFY2(train.exitCode == 0, train.output.constData());
    const QString runDir = findRunDir(runs);
    QVERIFY2(!runDir.isEmpty(), train.output.constData());
    QVERIFY(QFileInfo::exists(runDir + "/metrics.jsonl"));
    QVERIFY(QFileInfo::exists(runDir + "/project.json"));

    const CliRun eval = run({"evaluate", runDir});
    QVERIFY(eval.finished);
    QVERIFY2(eval.exitCode == 0, eval.output.constData());
    QVERIFY2(eval.output.toLower().contains("accuracy"), eval.output.constData());

    const QString model = m_tmp.filePath("m.pt");
    const CliRun exp = run({"export", runDir, "--format", "torchscript", "--output", model});
    QVERIFY(exp.finished);
    QVERIFY2(exp.exitCode == 0, exp.output.constData());
    QVERIFY(QFileInfo(model).isFile());
    QVERIFY(QFileInfo(model).size() > 0);

    // Without --output each format goes to its place in the run folder.
    const CliRun onnx = run({"export", runDir, "--format", "onnx"});
    QVERIFY(onnx.finished);
    QVERIFY2(onnx.exitCode == 0, onnx.output.constData());
    QVERIFY2(onnx.output.contains("wrote " + (runDir + "/model.onnx").toUtf8()), onnx.output.constData());

    // The bundle's manifest states the opset and IR version its model.onnx declares. A protobuf
    // message writes its fields in number order: ModelProto's ir_version (field 1, a varint) comes
    // first, as the bytes 0x08 and the version.
    const CliRun bundle = run({"export", runDir, "--format", "bundle"});
    QVERIFY(bundle.finished);
    QVERIFY2(bundle.exitCode == 0, bundle.output.constData());
    QFile manifestFile(runDir + "/bundle/manifest.json");
    QVERIFY(manifestFile.open(QIODevice::ReadOnly));
    const QJsonObject formats = QJsonDocument::fromJson(manifestFile.readAll()).object()["formats"].toObject();
    QCOMPARE(formats["torchscript"].toObject()["file"].toString(), QStringLiteral("model.pt"));
    const QJsonObject onnxInfo = formats["onnx"].toObject();
    QCOMPARE(onnxInfo["file"].toString(), QStringLiteral("model.onnx"));
    QCOMPARE(onnxInfo["opset"].toInt(), 13);
    QFile onnxFile(runDir + "/bundle/model.onnx");
    QVERIFY(onnxFile.open(QIODevice::ReadOnly));
    const QByteArray head = onnxFile.read(2);
    QCOMPARE(head.size(), 2);
    QCOMPARE(int(head[0]), 0x08);
    QCOMPARE(int(head[1]), onnxInfo["ir_version"].toInt());
    QFile readme(runDir + "/bundle/README.md");
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QByteArray text = readme.readAll();
    QVERIFY2(text.contains("- `model.pt`: TorchScript.") && text.contains("- `model.onnx`: ONNX opset 13,"),
             text.constData());
}

void TestCli::evaluateMissingRun()
{
    const QString missing = m_tmp.filePath("no_such_run");
    const CliRun r = run({"evaluate", missing});
    QVERIFY(r.finished);
    QVERIFY2(r.exitCode != 0, r.output.constData());
    QVERIFY2(r.output.contains("no_such_run"), r.output.constData());
}

// run.json of the wrong type used to end train --resume with std::terminate.
void TestCli::resumeRefusesRunJsonThatIsNotAnObject()
{
    const QString runDir = m_tmp.filePath("array_run");
    QVERIFY(QDir().mkpath(runDir));
    QVERIFY(QFile::copy(sourceFile("tests/data/tiny_synthetic/project.json"), runDir + "/project.json"));
    QFile f(runDir + "/run.json");
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[]");
    f.close();
    const CliRun r = run({"train", "--resume", runDir, "--device", "cpu", "--threads", "1"});
    QVERIFY(r.finished);
    QVERIFY2(r.exitCode == 1, r.output.constData());
    QVERIFY2(r.output.contains((runDir + "/run.json: expected an object, got array").toUtf8()), r.output.constData());
    QVERIFY2(!r.output.contains("terminate"), r.output.constData());
}

// A checkpoint truncated by one byte, by half, or with one byte flipped (weights, optimizer state
// or the RNG state: all data of the archive) is refused by evaluate, export and train --resume
// with the file's name and a non-zero exit, never a crash; export writes nothing from it.
void TestCli::damagedCheckpointsAreRefused()
{
    const QString runs = m_tmp.filePath("damaged_runs");
    const CliRun train = trainTiny(runs);
    QVERIFY2(train.exitCode == 0, train.output.constData());
    const QString runDir = findRunDir(runs);
    QFile last(runDir + "/last.pt");
    QVERIFY(last.open(QIODevice::ReadOnly));
    const QByteArray good = last.readAll();
    last.close();
    QVERIFY(good.size() > 1000);
    QFile::remove(runDir + "/best.pt"); // "best" falls back to the damaged last.pt

    // Where the archive's tensor data begin: each zip entry under ".../data/" is one tensor's
    // storage (weights, optimizer state, random state), after its 30-byte local header, name and
    // extra field. A flip elsewhere can land in padding or a timestamp that nothing reads, which
    // does not damage what is loaded.
    QList<qsizetype> tensorData;
    for (qsizetype at = good.indexOf("PK\x03\x04"); at >= 0 && at + 30 <= good.size();
         at = good.indexOf("PK\x03\x04", at + 4)) {
        const auto u16 = [&](qsizetype i) { return int(uchar(good[i])) | int(uchar(good[i + 1])) << 8; };
        const int nameLength = u16(at + 26), extraLength = u16(at + 28);
        const QByteArray name = good.mid(at + 30, nameLength);
        const qsizetype data = at + 30 + nameLength + extraLength;
        if (name.contains("/data/") && data < good.size())
            tensorData << data;
    }
    QVERIFY2(tensorData.size() >= 3, "no tensor entries found in last.pt");
    const auto flipped = [&](qsizetype at) {
        return QByteArray(good).replace(at, 1, QByteArray(1, char(good[at] ^ 1)));
    };
    const QList<QPair<QString, QByteArray>> variants = {
        {"cut by one byte", good.left(good.size() - 1)},
        {"cut in half", good.left(good.size() / 2)},
        {"flipped in the first tensor", flipped(tensorData.first())},
        {"flipped in the last tensor", flipped(tensorData.last())},
    };
    for (const auto &[what, bytes] : variants) {
        QFile f(runDir + "/last.pt");
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
        f.close();
        const QString model = m_tmp.filePath("damaged.pt");
        for (const QStringList &args :
             {QStringList{"evaluate", runDir, "--device", "cpu"},
              QStringList{"export", runDir, "--format", "torchscript", "--output", model},
              QStringList{"train", "--resume", runDir, "--device", "cpu", "--threads", "1"}}) {
            const CliRun r = run(args);
            const QByteArray label = (what + ": " + args.join(' ')).toUtf8();
            QVERIFY2(r.finished, label.constData());
            QVERIFY2(r.exitCode == 1, (label + "\n" + r.output).constData());
            QVERIFY2(r.output.contains("last.pt"), (label + "\n" + r.output).constData());
            QVERIFY2(!r.output.contains("frame #"), (label + "\n" + r.output).constData());
        }
        QVERIFY(!QFileInfo::exists(model));
    }
}

// predict refuses a manifest naming a file outside the bundle (it used to hash /dev/zero
// forever) or a std of 0 (it used to print nan% and exit 0), naming the manifest's field.
void TestCli::predictRefusesBadManifests()
{
    const QString runs = m_tmp.filePath("bundle_runs");
    const CliRun train = trainTiny(runs);
    QVERIFY2(train.exitCode == 0, train.output.constData());
    const QString runDir = findRunDir(runs);
    const QString bundle = m_tmp.filePath("bad_bundle");
    const CliRun exp = run({"export", runDir + "/", "--format", "bundle", "--output", bundle});
    QVERIFY2(exp.exitCode == 0, exp.output.constData());
    QFile mf(bundle + "/manifest.json");
    QVERIFY(mf.open(QIODevice::ReadOnly));
    const QJsonObject good = QJsonDocument::fromJson(mf.readAll()).object();
    mf.close();
    QCOMPARE(good["source"].toObject()["run"].toString(), QFileInfo(runDir).fileName());
    // One uint8 sample of the project's shape (1x8x8) as .npy.
    const QString npy = m_tmp.filePath("sample.npy");
    {
        QByteArray header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 1, 8, 8), }";
        while ((10 + header.size() + 1) % 64 != 0)
            header += ' ';
        header += '\n';
        QFile f(npy);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("\x93NUMPY\x01\x00", 8));
        f.write(QByteArray(1, char(header.size() & 0xff)) + QByteArray(1, char(header.size() >> 8)));
        f.write(header);
        f.write(QByteArray(64, char(100)));
    }
    const CliRun ok = run({"predict", bundle, npy});
    QVERIFY2(ok.exitCode == 0, ok.output.constData());

    auto withManifest = [&](const std::function<void(QJsonObject &)> &edit) {
        QJsonObject m = good;
        edit(m);
        QFile f(bundle + "/manifest.json");
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(QJsonDocument(m).toJson());
        f.close();
        return run({"predict", bundle, npy});
    };
    const CliRun zero = withManifest([](QJsonObject &m) {
        QJsonObject files = m["files"].toObject();
        files["/dev/zero"] = QJsonObject{{"sha256", "0"}};
        m["files"] = files;
    });
    QVERIFY2(zero.finished && zero.exitCode == 1, zero.output.constData());
    QVERIFY2(zero.output.contains("/files"), zero.output.constData());
    const CliRun up = withManifest([](QJsonObject &m) {
        QJsonObject files = m["files"].toObject();
        files["../../etc/hostname"] = QJsonObject{{"sha256", "0"}};
        m["files"] = files;
    });
    QVERIFY2(up.finished && up.exitCode == 1, up.output.constData());
    const CliRun std0 = withManifest([](QJsonObject &m) {
        QJsonObject pre = m["preprocessing"].toObject();
        pre["mean"] = QJsonArray{0.5};
        pre["std"] = QJsonArray{0.0};
        m["preprocessing"] = pre;
    });
    QVERIFY2(std0.finished && std0.exitCode == 1, std0.output.constData());
    QVERIFY2(std0.output.contains("/preprocessing/std/0"), std0.output.constData());
    QVERIFY2(!std0.output.contains("nan"), std0.output.constData());

    // .npy inputs whose header declares more than the file holds are refused before anything is
    // allocated (fuzzing found 3.4 GB allocations), and an empty array is not a crash.
    withManifest([](QJsonObject &) {});
    auto npyFile = [&](const QString &name, const QByteArray &shape, int dataBytes) {
        QByteArray header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        while ((10 + header.size() + 1) % 64 != 0)
            header += ' ';
        header += '\n';
        const QString file = m_tmp.filePath(name);
        QFile f(file);
        f.open(QIODevice::WriteOnly);
        f.write(QByteArray("\x93NUMPY\x01\x00", 8));
        f.write(QByteArray(1, char(header.size() & 0xff)) + QByteArray(1, char(header.size() >> 8)));
        f.write(header);
        f.write(QByteArray(dataBytes, '\0'));
        return file;
    };
    const CliRun huge = run({"predict", bundle, npyFile("huge.npy", "(1, 4294967295, 8)", 64)});
    QVERIFY2(huge.finished && huge.exitCode == 1, huge.output.constData());
    QVERIFY2(huge.output.contains("huge.npy: truncated: the header declares"), huge.output.constData());
    const CliRun wraps = run({"predict", bundle, npyFile("wraps.npy", "(4294967296, 4294967296, 4294967296)", 0)});
    QVERIFY2(wraps.finished && wraps.exitCode == 1, wraps.output.constData());
    QVERIFY2(wraps.output.contains("wraps.npy: the .npy header's shape"), wraps.output.constData());
    const CliRun bad = run({"predict", bundle, npyFile("bad.npy", "(1, -8, 8)", 0)});
    QVERIFY2(bad.finished && bad.exitCode == 1, bad.output.constData());
    QVERIFY2(bad.output.contains("not a size"), bad.output.constData());
    const CliRun empty = run({"predict", bundle, npyFile("empty.npy", "(0, 1, 8, 8)", 0)});
    QVERIFY2(empty.finished && (empty.exitCode == 0 || empty.exitCode == 1), empty.output.constData());
}

// A training process killed with SIGKILL leaves run.json saying "running"; `runs` must show the
// run as interrupted (its process no longer holds run.lock), and --resume finishes it with a
// metrics.jsonl whose every line parses.
void TestCli::killedRunIsInterruptedAndResumes()
{
    const QString projectDir = m_tmp.filePath("killed");
    QVERIFY(QDir().mkpath(projectDir));
    const QString project = projectDir + "/tiny.json";
    QVERIFY(QFile::copy(sourceFile("tests/data/tiny_synthetic/project.json"), project));
    QFile::setPermissions(project, QFile::ReadOwner | QFile::WriteOwner);

    QProcess p;
    p.setProgram(QStringLiteral(TORCHWRIGHT_CLI));
    p.setArguments({"train", project, "--epochs", "100000", "--device", "cpu", "--threads", "1"});
    p.setWorkingDirectory(m_tmp.path());
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start();
    QVERIFY(p.waitForStarted(30000));
    QByteArray output;
    // Killed once its first epoch has ended (a checkpoint exists and training goes on).
    while (!output.contains("epoch 1/100000  loss") && p.state() == QProcess::Running)
        if (p.waitForReadyRead(60000))
            output += p.readAll();
        else
            break;
    QVERIFY2(output.contains("epoch 1/100000  loss"), output.constData());
    p.kill(); // SIGKILL
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);

    const QString runDir = findRunDir(projectDir + "/runs");
    QVERIFY(!runDir.isEmpty());
    QFile runJson(runDir + "/run.json");
    QVERIFY(runJson.open(QIODevice::ReadOnly));
    const QJsonObject summary = QJsonDocument::fromJson(runJson.readAll()).object();
    runJson.close();
    QCOMPARE(summary["status"].toString(), QStringLiteral("running")); // what the file says
    const int completed = summary["epochs_completed"].toInt();
    QVERIFY(completed >= 1);

    const CliRun listed = run({"runs", project});
    QVERIFY(listed.finished);
    QCOMPARE(listed.exitCode, 0);
    QVERIFY2(listed.output.contains("interrupted"), listed.output.constData());
    QVERIFY2(!listed.output.contains(" running "), listed.output.constData());

    const CliRun resumed = run(
        {"train", "--resume", runDir, "--epochs", QString::number(completed + 1), "--device", "cpu", "--threads", "1"});
    QVERIFY(resumed.finished);
    QVERIFY2(resumed.exitCode == 0, resumed.output.constData());
    const CliRun after = run({"runs", project});
    QVERIFY2(after.output.contains("completed") && !after.output.contains("interrupted"), after.output.constData());
    QFile metrics(runDir + "/metrics.jsonl");
    QVERIFY(metrics.open(QIODevice::ReadOnly));
    int epochs = 0;
    for (const QByteArray &line : metrics.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), line.constData());
        epochs += doc.object()["event"].toString() == QStringLiteral("epoch");
    }
    QVERIFY(epochs >= completed + 1);
}

// A disk that fills while the run writes metrics.jsonl (here: a file-size limit, with SIGXFSZ
// ignored so writes fail with EFBIG as on a full disk) ends the run with a clear error naming the
// file, exit status 1 and run.json saying failed, not an abort.
void TestCli::fullDiskWritingMetricsFailsCleanly()
{
    const QString projectDir = m_tmp.filePath("fulldisk");
    QVERIFY(QDir().mkpath(projectDir));
    const QString project = projectDir + "/tiny.json";
    QVERIFY(QFile::copy(sourceFile("tests/data/tiny_synthetic/project.json"), project));
    QFile::setPermissions(project, QFile::ReadOwner | QFile::WriteOwner);
    // 64 KiB per file: the checkpoints fit, metrics.jsonl outgrows it within some tens of epochs.
    const CliRun r = run({"-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"", QStringLiteral(TORCHWRIGHT_CLI),
                          "train", project, "--epochs", "100000", "--device", "cpu", "--threads", "1"},
                         QStringLiteral("/bin/bash"));
    QVERIFY(r.finished);
    QVERIFY2(r.exitCode == 1, r.output.right(2000).constData());
    QVERIFY2(r.output.contains("metrics.jsonl: cannot write"), r.output.right(2000).constData());
    QVERIFY2(!r.output.contains("terminate") && !r.output.contains("Aborted"), r.output.right(2000).constData());
    const QString runDir = findRunDir(projectDir + "/runs");
    QVERIFY(!runDir.isEmpty());
    QFile runJson(runDir + "/run.json");
    QVERIFY(runJson.open(QIODevice::ReadOnly));
    const QJsonObject summary = QJsonDocument::fromJson(runJson.readAll()).object();
    QCOMPARE(summary["status"].toString(), QStringLiteral("failed"));
    QVERIFY2(summary["message"].toString().contains("metrics.jsonl"), qPrintable(summary["message"].toString()));
    const QStringList leftovers = QDir(runDir).entryList({"*.tmp*"}, QDir::Files);
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(' ')));
}

// A mistyped command, option or format is named with the closest real one, before the usage.
void TestCli::typosGetTheClosestName()
{
    const CliRun command = run({"trian", "project.json"});
    QCOMPARE(command.exitCode, 2);
    QVERIFY2(command.output.startsWith("error: unknown command 'trian'; did you mean 'train'?"),
             command.output.constData());
    const CliRun option = run({"train", "project.json", "--epoch", "3"});
    QCOMPARE(option.exitCode, 2);
    QVERIFY2(option.output.startsWith("error: unknown option --epoch; did you mean '--epochs'?"),
             option.output.constData());
    const CliRun format = run({"export", "run", "--format", "onxx"});
    QCOMPARE(format.exitCode, 2);
    QVERIFY2(format.output.contains("'onxx' is not a format; did you mean 'onnx'?"), format.output.constData());
    // Nothing close: no suggestion.
    const CliRun far = run({"frobnicate"});
    QCOMPARE(far.exitCode, 2);
    QVERIFY2(far.output.contains("unknown command 'frobnicate'\n"), far.output.constData());
}

// --format takes several formats separated by commas; all are checked before any is written,
// and with --output each goes into that folder under its usual name.
void TestCli::exportWritesSeveralFormats()
{
    const QString runs = m_tmp.filePath("several_runs");
    const CliRun train = trainTiny(runs);
    QVERIFY2(train.exitCode == 0, train.output.constData());
    const QString runDir = findRunDir(runs);
    const QString out = m_tmp.filePath("several_out");
    const CliRun bad = run({"export", runDir, "--format", "torchscript,onxx", "--output", out});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(!QFileInfo::exists(out));
    const CliRun both = run({"export", runDir, "--format", "torchscript,onnx", "--output", out});
    QVERIFY2(both.exitCode == 0, both.output.constData());
    QVERIFY(QFileInfo(out + "/model.torchscript.pt").size() > 0);
    QVERIFY(QFileInfo(out + "/model.onnx").size() > 0);
}

// Rename and note go into run.json (checksum renewed, other files untouched), delete moves the
// folder to runs/.trash, trash lists it, restore brings it back and refuses a taken name.
void TestCli::runsRenameNoteDeleteRestore()
{
    const QString projectDir = m_tmp.filePath("runs_actions");
    const QString runs = projectDir + "/runs";
    const QString project = projectDir + "/tiny.json";
    const QString runDir = writeFakeRun(runs, "20260101-000000-tiny");
    QVERIFY(!runDir.isEmpty());
    QVERIFY(QFile::copy(sourceFile("tests/data/tiny_synthetic/project.json"), project));

    CliRun r = run({"runs", "rename", runDir, "  wide layers  "});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.output.contains("renamed to 'wide layers'"), r.output.constData());
    QJsonObject j = readJsonObject(runDir + "/run.json");
    QCOMPARE(j["display_name"].toString(), QStringLiteral("wide layers"));
    QCOMPARE(j["status"].toString(), QStringLiteral("completed"));
    QVERIFY(j.contains("sha256")); // renewed, so the run stays readable
    r = run({"runs", "note", runDir, "lr 0.01; try dropout next"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(readJsonObject(runDir + "/run.json")["note"].toString(), QStringLiteral("lr 0.01; try dropout next"));
    r = run({"runs", project});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.output.contains("wide layers (20260101-000000-tiny)"), r.output.constData());
    QVERIFY(r.output.contains("note: lr 0.01; try dropout next"));
    QVERIFY(!r.output.contains("unreadable"));

    // A name over one line, a missing run: said, exit 1; a missing argument: usage, exit 2.
    r = run({"runs", "rename", runDir, "two\nlines"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("line break"), r.output.constData());
    r = run({"runs", "rename", runs + "/nope", "x"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("nope: not a run folder"), r.output.constData());
    r = run({"runs", "note", runDir});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("runs note takes 2 argument(s), got 1"), r.output.constData());

    // Delete: to the trash, whole.
    const QStringList files = QDir(runDir).entryList(QDir::Files);
    r = run({"runs", "delete", runDir});
    QCOMPARE(r.exitCode, 0);
    const QString trashed = runs + "/.trash/20260101-000000-tiny";
    QVERIFY2(r.output.contains(trashed.toUtf8()), r.output.constData());
    QVERIFY(!QFileInfo::exists(runDir));
    for (const QString &f : files)
        QVERIFY2(QFileInfo::exists(trashed + "/" + f), qPrintable(f));
    r = run({"runs", project});
    QVERIFY2(r.output.contains("no runs in"), r.output.constData());
    r = run({"runs", "trash", project});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.output.contains("wide layers (20260101-000000-tiny)") && r.output.contains(trashed.toUtf8()),
             r.output.constData());

    // Restore: refused while a folder of that name is in runs/, then back where it was.
    QVERIFY(QDir().mkpath(runDir));
    r = run({"runs", "restore", trashed});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("exists: a run of that name is in the runs folder already"), r.output.constData());
    QVERIFY(QFileInfo::exists(trashed + "/run.json"));
    QVERIFY(QDir(runDir).removeRecursively());
    r = run({"runs", "restore", trashed});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(QFileInfo::exists(runDir + "/run.json"));
    QVERIFY(!QFileInfo::exists(runDir + "/trashed.json"));
    QCOMPARE(readJsonObject(runDir + "/run.json")["display_name"].toString(), QStringLiteral("wide layers"));
    r = run({"runs", "trash", runs});
    QVERIFY2(r.output.contains("is empty"), r.output.constData());
    r = run({"runs", "restore", runDir});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("not in a runs trash folder"), r.output.constData());
    // An empty name clears it.
    r = run({"runs", "rename", runDir, ""});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(!readJsonObject(runDir + "/run.json").contains("display_name"));
}

// A run whose process holds run.lock is training: it is not renamed, annotated or trashed.
void TestCli::runsRefusesToTrashATrainingRun()
{
    const QString runs = m_tmp.filePath("runs_locked/runs");
    const QString runDir = writeFakeRun(runs, "20260101-000000-live");
    QVERIFY(!runDir.isEmpty());
    const QByteArray lockPath = QFile::encodeName(runDir + "/run.lock");
    const int fd = ::open(lockPath.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    QVERIFY(fd >= 0);
    QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), 0);
    for (const QStringList &args : {QStringList{"runs", "delete", runDir}, QStringList{"runs", "rename", runDir, "x"},
                                    QStringList{"runs", "note", runDir, "x"}}) {
        const CliRun r = run(args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.output.contains("the run is training now"), r.output.constData());
    }
    ::close(fd);
    QVERIFY(QFileInfo::exists(runDir + "/run.json"));
    QVERIFY(!readJsonObject(runDir + "/run.json").contains("display_name"));
    QCOMPARE(run({"runs", "delete", runDir}).exitCode, 0);
}

// Model versions headless: versions (list, register, history, --json), compare, promote (the
// gate fails without a feedback set; --override is recorded), rollback, and bad input named with
// exit 1 (usage: 2).
void TestCli::versionsComparePromoteRollback()
{
    const QString dir = m_tmp.filePath("versions");
    const QString project = dir + "/tiny.json";
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(QFile::copy(sourceFile("tests/data/tiny_synthetic/project.json"), project));
    CliRun r = run({"versions", project});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.output.contains("no model versions yet"), r.output.constData());

    // Two runs: one batch, and three epochs.
    r = run({"train", project, "--epochs", "1", "--batch-limit", "1", "--threads", "1", "--out", dir + "/runs"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    r = run({"train", project, "--epochs", "3", "--threads", "1", "--out", dir + "/runs"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    const QStringList runs = QDir(dir + "/runs").entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QCOMPARE(runs.size(), 2);
    const QString weak = dir + "/runs/" + runs[0], strong = dir + "/runs/" + runs[1];

    r = run({"versions", project, "register", weak, "--note", "first try"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    QVERIFY2(r.output.contains("registered v1") && r.output.contains("it is the current version"),
             r.output.constData());
    QVERIFY2(r.output.contains("test: ") && r.output.contains("on 128 samples"), r.output.constData());
    r = run({"versions", project, "register", strong, "--checkpoint", "last"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    QVERIFY2(r.output.contains("registered v2") && !r.output.contains("current"), r.output.constData());
    r = run({"versions", project, "register", dir + "/runs/nope"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("nope: not a run folder"), r.output.constData());
    r = run({"versions", project, "register", strong, "--checkpoint", "worst"});
    QCOMPARE(r.exitCode, 2);

    r = run({"versions", project});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.output.contains("v1     *") && r.output.contains("first try") && r.output.contains("v2 "),
             r.output.constData());
    r = run({"versions", project, "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray list = QJsonDocument::fromJson(r.output).array();
    QCOMPARE(list.size(), 2);
    QVERIFY(list[0].toObject()["current"].toBool());
    QCOMPARE(list[1].toObject()["checkpoint"].toString(), QStringLiteral("last"));
    QCOMPARE(list[1].toObject()["test"].toObject()["samples"].toInt(), 128);

    r = run({"compare", project, "current", "v2"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    for (const char *line :
         {"v1 (a) against v2 (b)", "test split (128 samples): accuracy", "feedback set: none", "recall a",
          "confusion difference (b - a)",
          "newly fixed test samples:", "newly broken test samples:", "latency (median, CPU, batch 1, one thread)",
          "parameters:", "gate for v2 against v1: FAILED", "[FAIL] feedback_must_rise: no feedback set"})
        QVERIFY2(r.output.contains(line), qPrintable(QString(line) + "\n" + r.output));
    r = run({"compare", project, "v1", "v2", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject cmp = QJsonDocument::fromJson(r.output).object();
    QCOMPARE(cmp["b"].toString(), QStringLiteral("v2"));
    QVERIFY(cmp["same_test_split"].toBool());
    QCOMPARE(cmp["gate"].toObject()["passed"].toBool(true), false);
    r = run({"compare", project, "v1", "v9"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("no version 'v9'"), r.output.constData());

    // Promote: a reason is required; the failing gate refuses; --override promotes and is recorded.
    r = run({"promote", project, "v2"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.output.contains("--reason TEXT is required"), r.output.constData());
    r = run({"promote", project, "v2", "--reason", "better on test"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("did not pass the promotion gate") && r.output.contains("no feedback set"),
             r.output.constData());
    r = run({"versions", project});
    QVERIFY2(r.output.contains("v1     *"), r.output.constData());
    r = run({"promote", project, "v2", "--reason", "better on test", "--override"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    QVERIFY2(r.output.contains("v2 is now the current version (was v1)") && r.output.contains("overridden"),
             r.output.constData());
    r = run({"promote", project, "v2", "--reason", "again", "--override"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("current version already"), r.output.constData());
    r = run({"versions", project, "history"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.output.contains("promote") && r.output.contains("better on test")
                 && r.output.contains("[gate overridden]"),
             r.output.constData());

    // Rollback: back to v1, then nothing left to roll back.
    r = run({"rollback", project});
    QCOMPARE(r.exitCode, 2);
    r = run({"rollback", project, "--reason", "v2 misbehaves"});
    QVERIFY2(r.exitCode == 0, r.output.constData());
    QVERIFY2(r.output.contains("rolled back to v1 (was v2)"), r.output.constData());
    r = run({"rollback", project, "--reason", "again"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("nothing to roll back to"), r.output.constData());

    // A damaged registry.json is named; so is a project file that is not there.
    const QString registry = dir + "/versions/tiny/registry.json";
    QFile f(registry);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("{\"format\": \"torchwright-registry\", \"current\": 3}");
    f.close();
    r = run({"versions", project});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains(registry.toUtf8()), r.output.constData());
    r = run({"versions", dir + "/missing.json"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.output.contains("missing.json"), r.output.constData());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
