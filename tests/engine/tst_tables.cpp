// The csv dataset format (datasets/csv.cpp, csvreader.h): RFC 4180 parsing with line numbers,
// delimiter, header and count-line detection, the feature and target columns, stratified test
// splits, per-column standardisation and one-hot encoding fitted on the training rows, skipped
// rows, predictInputs with the run's record, regression (training, validation R^2/MAE, evaluation),
// and every bad input with the file (and line) named. Real data: scikit-learn's CSV files.

#include "csvreader.h"
#include "dataset.h"
#include "datasetreader.h"
#include "testhelpers.h"

#include "export/npy.h"
#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"
#include "torchwright/project.h"
#include "torchwright/runs.h"
#include "torchwright/training.h"

#include <torch/torch.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

using namespace torchwright;
using testhelpers::containsCI;
using testhelpers::writeFileBytes;

namespace {

const std::string kSklearn = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

// A csv project on `file` in `dir`: a Linear classifier (or one output for a regression).
Project tableProject(const std::string &dir, const std::string &file, const std::string &target, int64_t width,
                     int classes, bool regression = false)
{
    Project p;
    p.name = "table";
    p.dataset.kind = "csv";
    p.dataset.path = dir;
    p.dataset.csv.file = file;
    p.dataset.csv.target = target;
    p.dataset.sampleShape = {width};
    p.dataset.numClasses = classes;
    p.dataset.validationFraction = 0.1;
    p.preprocess.normalize = "none";
    if (regression) {
        p.dataset.csv.task = "regression";
        p.training.loss = "mse";
    }
    p.graph = testhelpers::chainGraph({{"Linear", {{"out_features", 16}}},
                                       {"ReLU", nullptr},
                                       {"Linear", {{"out_features", regression ? 1 : classes}}}});
    p.training.epochs = 2;
    p.training.batchSize = 32;
    return p;
}

const DatasetReader &csvReader() { return *findDatasetFormat("csv")->reader; }

// The message of the EngineError `f` throws, or "" when it throws none.
template <class F>
std::string errorOf(F f)
{
    try {
        f();
    } catch (const EngineError &e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestTables : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesQuotedFieldsWithLineNumbers()
    {
        const std::string text = "a,b,c\r\n1,\"x, y\",3\r\n\r\n4,\"two\nlines \"\"quoted\"\"\",6\n7,,9";
        CsvTable t = parseCsv(text, "t.csv");
        QCOMPARE(t.delimiter, ',');
        QCOMPARE(t.rows.size(), size_t(4));
        QCOMPARE(t.rows[1][1], std::string("x, y"));
        QCOMPARE(t.rows[2][1], std::string("two\nlines \"quoted\""));
        QCOMPARE(t.rows[3][1], std::string());
        QCOMPARE(t.lines, (std::vector<int64_t>{1, 2, 4, 6}));
        // Semicolons and tabs are detected; a comma inside a field does not mislead it.
        QCOMPARE(parseCsv("a;b;c\n1,5;2;3\n4;5;6\n", "s.csv").delimiter, ';');
        QCOMPARE(parseCsv("a\tb\n1\t2\n3\t4\n", "t.tsv").delimiter, '\t');
        // An open quote names the line it opens on; text after a closing quote is refused too.
        std::string e = errorOf([] { parseCsv("a,b\n1,2\n3,\"open\n4,5\n", "q.csv"); });
        QVERIFY2(containsCI(e, "q.csv:3") && containsCI(e, "not closed"), e.c_str());
        e = errorOf([] { parseCsv("a,b\n\"x\"y,2\n", "q.csv"); });
        QVERIFY2(containsCI(e, "q.csv:2") && containsCI(e, "after the closing quote"), e.c_str());
        double v = 0;
        QVERIFY(parseCsvNumber(" -1.5e3 ", v) && v == -1500);
        QVERIFY(!parseCsvNumber("nan", v) && !parseCsvNumber("inf", v) && !parseCsvNumber("", v)
                && !parseCsvNumber("0x10", v) && !parseCsvNumber("1,5", v));
    }

    // scikit-learn's files: a count line naming the classes, no header (breast cancer, iris,
    // wine), a count line and a header (boston), neither and gzip (digits).
    void readsScikitLearnTables_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("target");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("rows");
        QTest::addColumn<QStringList>("classes");
        QTest::newRow("breast_cancer") << "breast_cancer.csv"
                                       << "30" << 30 << 569 << QStringList{"malignant", "benign"};
        QTest::newRow("iris") << "iris.csv"
                              << "4" << 4 << 150 << QStringList{"setosa", "versicolor", "virginica"};
        QTest::newRow("wine") << "wine_data.csv"
                              << "13" << 13 << 178 << QStringList{"class_0", "class_1", "class_2"};
        QTest::newRow("digits") << "digits.csv.gz"
                                << "64" << 64 << 1797 << QStringList{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    }
    void readsScikitLearnTables()
    {
        QFETCH(QString, file);
        QFETCH(QString, target);
        QFETCH(int, width);
        QFETCH(int, rows);
        QFETCH(QStringList, classes);
        Project p = tableProject(kSklearn, file.toStdString(), target.toStdString(), width, int(classes.size()));
        RawSplit train = csvReader().train(p, {});
        RawSplit test = csvReader().test(p, {});
        QCOMPARE(train.inputs.sizes().vec(), (std::vector<int64_t>{train.labels.size(0), width}));
        QCOMPARE(int(train.labels.size(0) + test.labels.size(0)), rows);
        QVERIFY(train.info.skipped.empty());
        const nlohmann::json &record = train.info.preprocessing.at("table");
        std::vector<std::string> names = record.at("target").at("classes").get<std::vector<std::string>>();
        QStringList got;
        for (const auto &n : names)
            got << QString::fromStdString(n);
        QCOMPARE(got, classes);
        QCOMPARE(record.at("width").get<int>(), width);
        // Stratified: every class keeps its share in the test split (within one row).
        const auto all = torch::cat({train.labels, test.labels});
        for (int c = 0; c < classes.size(); ++c) {
            const double n = all.eq(c).sum().item<double>();
            const double inTest = test.labels.eq(c).sum().item<double>();
            QVERIFY2(std::fabs(inTest - std::round(0.2 * n)) < 0.5, qPrintable(QString("class %1").arg(c)));
        }
        // Standardised per column with the training rows' statistics (constant columns stay 0).
        const auto mean = train.inputs.mean(0);
        const auto sd = (train.inputs - mean).square().mean(0).sqrt();
        QVERIFY(mean.abs().max().item<double>() < 1e-4);
        QVERIFY(((sd - 1).abs() < 1e-3).logical_or(sd < 1e-6).all().item<bool>());
        // The count line is not a row, and the preview shows the first data row as read.
        QVERIFY(!train.info.rows.empty());
        QCOMPARE(train.info.columns.size(), size_t(width + 1));
    }

    void summaryShowsClassesAndRows()
    {
        Project p = tableProject(kSklearn, "iris.csv", "4", 4, 3);
        DatasetSummary s = datasetSummary(p, 0);
        QCOMPARE(s.trainCount + s.testCount, int64_t(150));
        QCOMPARE(s.testPerClass, (std::vector<int64_t>{10, 10, 10}));
        QCOMPARE(s.columns, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
        QCOMPARE(s.rows.front(), (std::vector<std::string>{"5.1", "3.5", "1.4", "0.2", "0"}));
    }

    void headerFeaturesAndCategories()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        // A categorical column (colour), a numeric one with a missing and a non-numeric value, a
        // column left out, string labels.
        writeFileBytes(d + "/t.csv", std::string("id;size;colour;label\n"
                                                 "1;1.0;red;cat\n"
                                                 "2;2.0;blue;dog\n"
                                                 "3;;red;cat\n"
                                                 "4;abc;green;dog\n"
                                                 "5;3.0;green;cat\n"
                                                 "6;4.0;blue;dog\n"
                                                 "7;5.0;red;cat\n"
                                                 "8;6.0;blue;dog\n"));
        Project p = tableProject(d, "t.csv", "label", 4, 2);
        p.dataset.csv.features = {"size", "colour"};
        p.dataset.csv.testFraction = 0;
        RawSplit train = csvReader().train(p, {});
        QCOMPARE(train.labels.size(0), int64_t(6));
        QCOMPARE(train.info.skipped.size(), size_t(2));
        QCOMPARE(train.info.skipped[0].line, int64_t(4));
        QCOMPARE(train.info.skipped[1].line, int64_t(5));
        QVERIFY2(containsCI(train.info.skipped[1].reason.str(), "'abc' is not a number"),
                 train.info.skipped[1].reason.str().c_str());
        QCOMPARE(train.info.warnings.size(), size_t(1));
        QVERIFY(containsCI(train.info.warnings[0].str(), "2 row(s) skipped"));
        const auto &features = train.info.preprocessing["table"]["features"];
        QCOMPARE(features[1]["categories"].get<std::vector<std::string>>(),
                 (std::vector<std::string>{"blue", "green", "red"}));
        QCOMPARE(features[0]["kind"].get<std::string>(), std::string("numeric"));
        // "cat" < "dog": sorted class names.
        QCOMPARE(train.info.preprocessing["table"]["target"]["classes"].get<std::vector<std::string>>(),
                 (std::vector<std::string>{"cat", "dog"}));
        // Row 2 (blue): one-hot [1, 0, 0] after the standardised size.
        QVERIFY(torch::equal(train.inputs[1].slice(0, 1), torch::tensor({1.0f, 0.0f, 0.0f})));
        // The width is the encoded width: a wrong sample_shape says what it must be.
        p.dataset.sampleShape = {3};
        const std::string e = errorOf([&] { csvReader().train(p, {}); });
        QVERIFY2(containsCI(e, "t.csv") && containsCI(e, "encode to 4 values") && containsCI(e, "set it to [4]"),
                 e.c_str());

        // predictInputs: rows with the target and without it, by header names, give the same
        // encoding; sources name the line.
        writeFileBytes(d + "/p.csv", std::string("colour;size\nblue;2.0\nyellow;1\n"));
        p.dataset.sampleShape = {4};
        std::vector<std::string> sources;
        torch::Tensor x = csvReader().predictInputs(train.info.preprocessing, d + "/p.csv", sources, {});
        QCOMPARE(sources, (std::vector<std::string>{d + "/p.csv:2", d + "/p.csv:3"}));
        QVERIFY(torch::allclose(x[0], train.inputs[1]));
        QVERIFY(torch::equal(x[1].slice(0, 1), torch::zeros({3}))); // an unseen colour: no category
        // Rows of the training table's layout (target included), and rows of just the features in
        // order without a header, read alike.
        writeFileBytes(d + "/g.csv", std::string("id;size;colour;label\n2;2.0;blue;dog\n"));
        sources.clear();
        torch::Tensor same = csvReader().predictInputs(train.info.preprocessing, d + "/g.csv", sources, {});
        QVERIFY(torch::allclose(same[0], train.inputs[1]));
        writeFileBytes(d + "/h.csv", std::string("2.0;blue\n"));
        same = csvReader().predictInputs(train.info.preprocessing, d + "/h.csv", sources, {});
        QVERIFY(torch::allclose(same[0], train.inputs[1]));
        // A bad row in prediction is an error naming the line, never dropped.
        writeFileBytes(d + "/bad.csv", std::string("colour;size\nblue;2\nred;x\n"));
        const std::string pe =
            errorOf([&] { csvReader().predictInputs(train.info.preprocessing, d + "/bad.csv", sources, {}); });
        QVERIFY2(containsCI(pe, "bad.csv:3") && containsCI(pe, "'x' is not a number"), pe.c_str());
    }

    void separateTestFile()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFileBytes(d + "/train.csv", std::string("x,y\n1,a\n2,b\n3,a\n4,b\n"));
        writeFileBytes(d + "/test.csv", std::string("y,x\nb,10\nc,11\n"));
        Project p = tableProject(d, "train.csv", "y", 1, 2);
        p.dataset.csv.testFile = "test.csv";
        RawSplit train = csvReader().train(p, {});
        RawSplit test = csvReader().test(p, {});
        QCOMPARE(train.labels.size(0), int64_t(4));
        // Columns by name; a class the training table lacks is listed and skipped.
        QCOMPARE(test.labels.size(0), int64_t(1));
        QCOMPARE(test.labels[0].item<int64_t>(), int64_t(1));
        QCOMPARE(test.info.skipped.size(), size_t(1));
        QCOMPARE(test.info.skipped[0].line, int64_t(3));
        // Standardised with the training rows' mean (2.5) and std (sqrt(1.25)).
        QVERIFY(std::fabs(test.inputs[0][0].item<double>() - (10 - 2.5) / std::sqrt(1.25)) < 1e-5);
    }

    void regressionTrainsAndEvaluates()
    {
        QTemporaryDir runs;
        Project p = tableProject(kSklearn, "boston_house_prices.csv", "MEDV", 13, 1, true);
        p.training.epochs = 30;
        p.training.optimizer.lr = 0.01;
        QVERIFY(isRegression(p));
        QVERIFY2(analyzeProject(p).ok(), analyzeProject(p).diagnostics.format().c_str());
        RawSplit train = csvReader().train(p, {});
        QCOMPARE(train.labels.scalar_type(), torch::kFloat32);
        QVERIFY(train.labels.min().item<float>() >= 5.0f && train.labels.max().item<float>() <= 50.0f);
        std::vector<TrainingEvent> epochs;
        RunResult r = trainBlocking(testhelpers::requestFor(p, runs.path()), [&](const TrainingEvent &e) {
            if (e.kind == TrainingEvent::Kind::Epoch)
                epochs.push_back(e);
        });
        QVERIFY2(r.status == TrainingEvent::Status::Completed, r.message.c_str());
        QCOMPARE(epochs.size(), size_t(30));
        QVERIFY(std::isnan(epochs.back().accuracy) && std::isnan(epochs.back().valAccuracy));
        QVERIFY(std::isfinite(epochs.back().valR2) && epochs.back().valR2 > 0.5);
        QVERIFY(epochs.back().valMae > 0 && epochs.back().valMae < 6);
        const RunSummary s = readRunSummary(r.runDir);
        QVERIFY(s.regression && std::isfinite(s.bestValR2));
        // metrics.jsonl carries them; evaluation gives R^2 and MAE on the test rows.
        double loggedR2 = NAN;
        for (const TrainingEvent &e : readMetrics(r.runDir))
            if (e.kind == TrainingEvent::Kind::Epoch)
                loggedR2 = e.valR2;
        QCOMPARE(loggedR2, epochs.back().valR2);
        Evaluation ev = evaluateRun(r.runDir, "best", "cpu");
        QVERIFY(ev.regression);
        QCOMPARE(ev.samples, 101); // round(0.2 * 506)
        QCOMPARE(ev.targets.size(), size_t(101));
        QCOMPARE(ev.outputs.size(), size_t(101));
        QVERIFY(ev.r2 > 0.5 && ev.r2 <= 1);
        QVERIFY(ev.mae > 0 && ev.mae < 6);
        QVERIFY(std::isnan(ev.accuracy) && ev.confusion.empty());
        // Summary: no classes to count for a regression.
        QVERIFY(datasetSummary(p, 0).trainPerClass.empty());

        // predict on a bundle gives the value, not classes, once the manifest carries the run's
        // record (the lead's plumbing writes it there; added here when absent).
        const std::string bundle = runs.path().toStdString() + "/bundle";
        exportBundle(r.runDir, bundle);
        nlohmann::json manifest =
            nlohmann::json::parse(testhelpers::readFileBytes(bundle + "/manifest.json").toStdString());
        if (!manifest.contains(nlohmann::json::json_pointer("/preprocessing/table")))
            manifest["preprocessing"]["table"] = train.info.preprocessing["table"];
        QVERIFY(writeFileBytes(bundle + "/manifest.json", manifest.dump(2)));
        DataSplits data = loadDataSplits(p, DType::Float32);
        test::writeNpy(bundle + "/x.npy", data.test.inputs.slice(0, 0, 5).contiguous());
        const std::vector<Prediction> predicted = predictBundle(bundle, bundle + "/x.npy");
        QCOMPARE(predicted.size(), size_t(5));
        for (size_t i = 0; i < 5; ++i) {
            QVERIFY(predicted[i].regression && predicted[i].top.empty());
            QVERIFY2(std::fabs(predicted[i].value - ev.outputs[i]) < 1e-3,
                     qPrintable(QString("%1 vs %2").arg(predicted[i].value).arg(ev.outputs[i])));
        }
        // CSV rows without the target column, read with the run's encoders: each named by its line,
        // predicted as the same rows encoded by the reader and given as a tensor.
        const std::string rows = runs.path().toStdString() + "/new houses.csv";
        writeFileBytes(rows, std::string("CRIM,ZN,INDUS,CHAS,NOX,RM,AGE,DIS,RAD,TAX,PTRATIO,B,LSTAT\n"
                                         "0.00632,18,2.31,0,0.538,6.575,65.2,4.09,1,296,15.3,396.9,4.98\n"
                                         "0.02731,0,7.07,0,0.469,6.421,78.9,4.9671,2,242,17.8,396.9,9.14\n"));
        const std::vector<Prediction> fromRows = predictBundle(bundle, rows);
        QCOMPARE(fromRows.size(), size_t(2));
        QCOMPARE(fromRows[1].source, rows + ":3");
        std::vector<std::string> sources;
        test::writeNpy(bundle + "/rows.npy", csvReader().predictInputs(manifest["preprocessing"], rows, sources, {}));
        const std::vector<Prediction> fromTensor = predictBundle(bundle, bundle + "/rows.npy");
        for (size_t i = 0; i < 2; ++i) {
            QVERIFY(fromRows[i].regression);
            QVERIFY(std::fabs(fromRows[i].value - fromTensor[i].value) < 1e-4);
            QVERIFY(fromRows[i].value > 5 && fromRows[i].value < 50); // a house price in $1000s
        }
    }

    void regressionSettingsAreChecked()
    {
        Project p = tableProject(kSklearn, "boston_house_prices.csv", "MEDV", 13, 1, true);
        p.graph = testhelpers::chainGraph({{"Linear", {{"out_features", 2}}}});
        GraphAnalysis a = analyzeProject(p);
        QVERIFY(testhelpers::findError(a.diagnostics, {"predicts one value"}));
        nlohmann::json j = nlohmann::json::parse(serializeProject(p));
        j["training"]["loss"] = "cross_entropy";
        j["training"]["early_stopping"]["metric"] = "val_accuracy";
        ProjectLoad load = projectFromJson(j);
        QVERIFY(testhelpers::findError(load.diagnostics, {"mse loss"}));
        QVERIFY(testhelpers::findError(load.diagnostics, {"no accuracy to watch"}));
        // The csv settings round-trip through the project file.
        j = nlohmann::json::parse(serializeProject(p));
        QCOMPARE(j["dataset"]["csv"]["target"].get<std::string>(), std::string("MEDV"));
        QCOMPARE(j["dataset"]["csv"]["task"].get<std::string>(), std::string("regression"));
        ProjectLoad back = projectFromJson(j);
        QVERIFY2(back.ok(), back.diagnostics.format().c_str());
        QCOMPARE(back.project.dataset.csv.file, std::string("boston_house_prices.csv"));
    }

    void badInputNamesFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("expected"); // '|'-separated, all must appear
        QTest::newRow("ragged") << QByteArray("a,b,y\n1,2,0\n3,4\n5,6,1\n") << "y"
                                << "t.csv:3|2 field(s)|header";
        QTest::newRow("empty") << QByteArray("") << "y"
                               << "t.csv|empty";
        QTest::newRow("blank lines") << QByteArray("\n\r\n\n") << "y"
                                     << "t.csv|empty";
        QTest::newRow("header only") << QByteArray("a,b,y\n") << "y"
                                     << "t.csv|header (line 1)|no data rows";
        QTest::newRow("no target") << QByteArray("a,b,y\n1,2,0\n") << "label"
                                   << "t.csv|no column 'label'|a, b, y";
        QTest::newRow("classes") << QByteArray("a,y\n1,p\n2,q\n3,r\n") << "y"
                                 << "t.csv|3 classes|num_classes is 2|[\"p\",\"q\",\"r\"]";
        QTest::newRow("open quote") << QByteArray("a,y\n1,\"0\n") << "y"
                                    << "t.csv:2|not closed";
    }
    void badInputNamesFileAndLine()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, target);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeFileBytes(d + "/t.csv", content);
        Project p = tableProject(d, "t.csv", target.toStdString(), 2, 2);
        p.dataset.csv.testFraction = 0;
        const std::string e = errorOf([&] { csvReader().train(p, {}); });
        QVERIFY2(!e.empty(), "no error");
        for (const QString &part : expected.split('|'))
            QVERIFY2(containsCI(e, part.toStdString()), qPrintable(QString::fromStdString(e) + " lacks " + part));
    }

    void tooManyClassesIsRefused()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        std::string text = "x,id\n";
        for (int i = 0; i < 10000; ++i)
            text += std::to_string(i % 7) + ",user" + std::to_string(i) + "\n";
        writeFileBytes(d + "/ids.csv", text);
        Project p = tableProject(d, "ids.csv", "id", 1, 10000);
        const std::string e = errorOf([&] { csvReader().train(p, {}); });
        // Refused at the row that brings one value too many (line 1002), with what to do.
        QVERIFY2(containsCI(e, "ids.csv:1002") && containsCI(e, "more than 1000 distinct values")
                     && containsCI(e, "regression"),
                 e.c_str());
    }

    void pathWithSpacesAndNonAscii()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString() + "/données d'été";
        std::filesystem::create_directories(d);
        writeFileBytes(d + "/température × 2.csv", std::string("t,y\n1,a\n2,b\nx,a\n4,b\n"));
        Project p = tableProject(d, "température × 2.csv", "y", 1, 2);
        p.dataset.csv.testFraction = 0;
        RawSplit train = csvReader().train(p, {});
        QCOMPARE(train.labels.size(0), int64_t(3));
        QCOMPARE(train.info.skipped.at(0).file, d + "/température × 2.csv");
        QCOMPARE(train.info.skipped.at(0).line, int64_t(4));
        std::string missing;
        p.dataset.csv.file = "absent é.csv";
        QVERIFY(!datasetFilesPresent(p, &missing));
        QCOMPARE(missing, d + "/absent é.csv");
    }

    // The command line: a ragged table fails `train` with the file and line and exit status 1.
    void cliRefusesRaggedTable()
    {
#ifdef TORCHWRIGHT_CLI
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString() + "/my tables";
        std::filesystem::create_directories(d);
        writeFileBytes(d + "/rägged.csv", std::string("a,b,y\n1,2,0\n3,4\n"));
        Project p = tableProject(d, "rägged.csv", "y", 2, 2);
        saveProjectFile(p, d + "/project.json");
        QProcess cli;
        cli.setProcessChannelMode(QProcess::MergedChannels);
        cli.start(TORCHWRIGHT_CLI, {"train", QString::fromStdString(d + "/project.json"), "--device", "cpu"});
        QVERIFY(cli.waitForFinished(120000));
        const QString out = QString::fromUtf8(cli.readAll());
        QCOMPARE(cli.exitCode(), 1);
        QVERIFY2(out.contains(QString::fromStdString(d + "/rägged.csv:3")), qPrintable(out));
#else
        QSKIP("the command-line tool is not built in this configuration");
#endif
    }
};

QTEST_GUILESS_MAIN(TestTables)
#include "tst_tables.moc"
