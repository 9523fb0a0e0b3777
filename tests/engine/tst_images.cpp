// The image formats: the decoder against PIL (the library the exported program reads with) on
// mixed PNGs (gray, gray+alpha, RGB, RGBA, 16-bit, palette, 1-bit, interlaced), a BMP, JPEGs and
// sklearn's photographs, byte for byte; image folders and image lists with their bad inputs (no
// class folders, an empty class, a class of one image, a corrupt JPEG, a zero-byte file, a
// 20000x20000 PNG header, spaces and non-ASCII names), each message naming the file; the cache
// (the second open reads it, a changed file is noticed, nothing is written into the data folder);
// cancelling; prediction inputs; and the CLI's validate (summary, --fix, exit status).
// Fixtures come from tests/engine/make_image_fixtures.py run with Debian's python3 and PIL.

#include "dataset.h"
#include "datasetcache.h"
#include "datasetreader.h"
#include "imagedecode.h"
#include "testhelpers.h"

#include "torchwright/datasetformat.h"
#include "torchwright/exports.h"
#include "torchwright/project.h"
#include "torchwright/training.h"

#include <torch/torch.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <zlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

using namespace torchwright;
using testhelpers::containsCI;
using testhelpers::sourcePath;

namespace fs = std::filesystem;

namespace {

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeAll(const std::string &path, const std::string &bytes)
{
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

void copyFile(const std::string &from, const std::string &to)
{
    fs::create_directories(fs::path(to).parent_path());
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

std::string be32(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

std::string chunk(const std::string &type, const std::string &data)
{
    const std::string td = type + data;
    const uint32_t crc = uint32_t(crc32(0, reinterpret_cast<const Bytef *>(td.data()), uInt(td.size())));
    return be32(uint32_t(data.size())) + td + be32(crc);
}

// A valid PNG signature and IHDR declaring width x height 8-bit gray, then a tiny IDAT and IEND.
std::string pngHeaderOnly(uint32_t width, uint32_t height)
{
    std::string ihdr = be32(width) + be32(height) + std::string{char(8), char(0), char(0), char(0), char(0)};
    return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr)
           + chunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) + chunk("IEND", "");
}

// Every file below `dir` with its size and mtime: what "nothing written to the data folder" means.
std::set<std::string> listing(const std::string &dir)
{
    std::set<std::string> s;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        s.insert(e.path().string() + " " + std::to_string(e.is_regular_file() ? e.file_size() : 0) + " "
                 + std::to_string(e.last_write_time().time_since_epoch().count()));
    return s;
}

Project imageProject(const std::string &root, const std::string &projectFile, Shape shape, int classes,
                     std::vector<std::string> names = {})
{
    Project p;
    p.filePath = projectFile;
    p.dataset.kind = "image_folder";
    p.dataset.path = root;
    p.dataset.sampleShape = std::move(shape);
    p.dataset.numClasses = classes;
    p.dataset.classNames = std::move(names);
    p.dataset.image.testFraction = 0.25;
    return p;
}

std::string messageOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const std::exception &e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestImages : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void decoderMatchesPil();
    void hugeHeaderRefusedBeforeAllocation();
    void corruptAndEmptyFiles();
    void folderWithMixedFilesLoads();
    void noClassFolders();
    void emptyClassAndSingleImageClass();
    void classNamesMustMatch();
    void cacheIsReusedAndNoticesChanges();
    void separateTrainAndTestRoots();
    void cancelAndProgress();
    void stopDuringTheImportEndsTheRunStopped();
    void bundlePredictsImageFilesAndFolders();
    void imageList();
    void predictInputsReadsFilesAndFolders();
    void cliValidate();

private:
    QTemporaryDir m_tmp;
    std::string m_fixtures; // mixed/ and expected/
    std::string m_work;
};

void TestImages::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_fixtures = m_tmp.filePath("fixtures").toStdString();
    m_work = m_tmp.filePath("work").toStdString();
    fs::create_directories(m_work);
    QProcess py;
    py.setProcessChannelMode(QProcess::MergedChannels);
    // Debian's python3 with PIL and numpy (a pyenv python3 on PATH may lack them).
    py.start("/usr/bin/python3", {QString::fromStdString(sourcePath("tests/engine/make_image_fixtures.py")),
                                  QString::fromStdString(m_fixtures)});
    QVERIFY2(py.waitForFinished(120000), "make_image_fixtures.py did not finish");
    QVERIFY2(py.exitCode() == 0, py.readAll().constData());
}

void TestImages::decoderMatchesPil()
{
    const std::string mixed = m_fixtures + "/mixed";
    int compared = 0;
    for (const auto &e : fs::directory_iterator(m_fixtures + "/expected")) {
        const std::string name = e.path().filename().string();
        // <file>.<C>x<H>x<W>.<policy>
        const auto policyDot = name.rfind('.');
        const auto shapeDot = name.rfind('.', policyDot - 1);
        const std::string file = name.substr(0, shapeDot);
        const std::string shape = name.substr(shapeDot + 1, policyDot - shapeDot - 1);
        DecodeTarget t;
        QVERIFY(std::sscanf(shape.c_str(), "%dx%dx%d", &t.channels, &t.height, &t.width) == 3);
        QVERIFY(parseResizePolicy(name.substr(policyDot + 1), t.resize));
        const std::string want = readAll(e.path().string());
        QCOMPARE(want.size(), size_t(t.channels * t.height * t.width));
        std::string got(want.size(), '\0');
        decodeImageFile(mixed + "/" + file, t, reinterpret_cast<uint8_t *>(got.data()));
        int maxDiff = 0;
        for (size_t i = 0; i < got.size(); ++i)
            maxDiff = std::max(maxDiff, std::abs(int(uint8_t(got[i])) - int(uint8_t(want[i]))));
        QVERIFY2(maxDiff == 0,
                 qPrintable(QString::fromStdString(name) + ": differs from PIL by up to " + QString::number(maxDiff)));
        ++compared;
    }
    QCOMPARE(compared, 12 * 6);
    // The photographs keep their real size in the header.
    const std::string china = readAll(mixed + "/china.jpg");
    const ImageHeader h = readImageHeader(reinterpret_cast<const uint8_t *>(china.data()), china.size(), "china.jpg");
    QCOMPARE(h.width, 640);
    QCOMPARE(h.height, 427);
    QCOMPARE(h.channels, 3);
}

void TestImages::hugeHeaderRefusedBeforeAllocation()
{
    const std::string file = m_work + "/huge/big.png";
    writeAll(file, pngHeaderOnly(20000, 20000));
    DecodeTarget t{1, 28, 28, ResizePolicy::Stretch};
    std::vector<uint8_t> out(28 * 28);
    const std::string m = messageOf([&] { decodeImageFile(file, t, out.data()); });
    QVERIFY2(containsCI(m, file) && containsCI(m, "20000x20000") && containsCI(m, "refused"), m.c_str());
    // The header alone says so, without libpng.
    const std::string bytes = readAll(file);
    const std::string m2 =
        messageOf([&] { readImageHeader(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), "big.png"); });
    QVERIFY2(containsCI(m2, "big.png") && containsCI(m2, "larger"), m2.c_str());
}

void TestImages::corruptAndEmptyFiles()
{
    const std::string dir = m_work + "/bad";
    const std::string china = readAll(m_fixtures + "/mixed/china.jpg");
    writeAll(dir + "/cut.jpg", china.substr(0, china.size() / 3));
    writeAll(dir + "/garbage.jpg", std::string("\xFF\xD8\xFF\xE0") + std::string(200, '\x11'));
    writeAll(dir + "/empty.png", "");
    writeAll(dir + "/text.png", "not an image at all");
    const std::string png = readAll(m_fixtures + "/mixed/rgb.png");
    writeAll(dir + "/cut.png", png.substr(0, png.size() / 2));
    DecodeTarget t{3, 16, 16, ResizePolicy::Crop};
    std::vector<uint8_t> out(3 * 16 * 16);
    for (const char *name : {"cut.jpg", "garbage.jpg", "empty.png", "text.png", "cut.png"}) {
        const std::string path = dir + "/" + name;
        const std::string m = messageOf([&] { decodeImageFile(path, t, out.data()); });
        QVERIFY2(!m.empty() && containsCI(m, path), (std::string(name) + ": " + m).c_str());
    }
    QVERIFY(containsCI(messageOf([&] { decodeImageFile(dir + "/empty.png", t, out.data()); }), "0 bytes"));
    QVERIFY(containsCI(messageOf([&] { decodeImageFile(dir + "/cut.jpg", t, out.data()); }), "truncated"));
}

void TestImages::folderWithMixedFilesLoads()
{
    // Spaces and non-ASCII characters in class folders and files; every PNG flavour converted.
    const std::string root = m_work + "/mixed folder";
    const std::string mixed = m_fixtures + "/mixed/";
    const std::vector<std::string> pngs = {"gray.png",   "rgb.png",     "rgba.png",    "la.png",
                                           "gray16.png", "palette.png", "bilevel.png", "interlaced.png"};
    for (size_t i = 0; i < pngs.size(); ++i) {
        copyFile(mixed + pngs[i], root + "/T-shirt top/été " + std::to_string(i) + ".png");
        copyFile(mixed + pngs[i], root + "/Trouser/b" + std::to_string(i) + ".PNG");
    }
    copyFile(mixed + "china.jpg", root + "/photos/china.JPG");
    copyFile(mixed + "flower.jpg", root + "/photos/flower.jpeg");
    copyFile(mixed + "photo.jpg", root + "/photos/photo.jpg");
    copyFile(mixed + "picture.bmp", root + "/photos/picture.bmp");
    const std::string china = readAll(mixed + "china.jpg");
    writeAll(root + "/photos/broken.jpg", china.substr(0, china.size() / 4));
    writeAll(root + "/photos/zero.png", "");
    writeAll(root + "/photos/notes.txt", "not an image, not listed");
    const auto before = listing(root);

    Project p = imageProject(root, m_work + "/mixed.json", {3, 24, 24}, 3, {"T-shirt top", "Trouser", "photos"});
    p.dataset.image.resize = "crop";
    const DatasetSummary s = datasetSummary(p, 2);
    QCOMPARE(s.trainCount + s.testCount, int64_t(8 + 8 + 4));
    QCOMPARE(int(s.skipped.size()), 2);
    std::string skipped;
    for (const auto &k : s.skipped)
        skipped += k.file + ": " + k.reason.str() + "\n";
    QVERIFY2(containsCI(skipped, root + "/photos/broken.jpg") && containsCI(skipped, root + "/photos/zero.png")
                 && containsCI(skipped, "0 bytes") && containsCI(skipped, "truncated"),
             skipped.c_str());
    std::string warnings;
    for (const auto &w : s.warnings)
        warnings += w.str() + "\n";
    QVERIFY2(containsCI(warnings, "could not be read"), warnings.c_str());
    QCOMPARE(s.sourceSizes.at("640x427"), int64_t(2));
    QCOMPARE(s.sourceSizes.at("53x37"), int64_t(2));
    QCOMPARE(int(s.trainPerClass.size()), 3);
    QCOMPARE(s.mean.size(), size_t(3));
    // A stratified 25% of each class is the test split: 2 of 8, 2 of 8, 1 of 4.
    QCOMPARE(s.testPerClass, (std::vector<int64_t>{2, 2, 1}));

    // The record carries what prediction and the exports need.
    const DataSplits d = loadDataSplits(p, DType::Float32);
    QCOMPARE(d.preprocessing["image"]["channels"].get<int>(), 3);
    QCOMPARE(d.preprocessing["image"]["resize"].get<std::string>(), std::string("crop"));
    QCOMPARE(d.preprocessing["image"]["size"], nlohmann::json({24, 24}));
    QCOMPARE(d.preprocessing["image"]["classes"].size(), size_t(3));
    QCOMPARE(d.skipped.size(), size_t(2));

    // Grayscale: the same files as one channel; "auto" chooses what most files are (RGB here,
    // which a declared single channel contradicts, by name).
    p.dataset.image.channels = "grayscale";
    p.dataset.sampleShape = {1, 24, 24};
    QCOMPARE(datasetSummary(p, 0).mean.size(), size_t(1));
    p.dataset.image.channels = "auto";
    const std::string m = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m, root) && containsCI(m, "RGB") && containsCI(m, "/dataset/image/channels"), m.c_str());

    QVERIFY2(listing(root) == before, "the data folder was written to");
    QVERIFY(fs::is_directory(m_work + "/.torchwright-cache"));
}

void TestImages::noClassFolders()
{
    const std::string root = m_work + "/flat";
    copyFile(m_fixtures + "/mixed/gray.png", root + "/a.png");
    copyFile(m_fixtures + "/mixed/rgb.png", root + "/b.png");
    Project p = imageProject(root, m_work + "/flat.json", {1, 8, 8}, 2);
    const std::string m = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m, root) && containsCI(m, "no class folders") && containsCI(m, "2 images"), m.c_str());
    fs::create_directories(m_work + "/nothing");
    p.dataset.path = m_work + "/nothing";
    const std::string m2 = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m2, m_work + "/nothing") && containsCI(m2, "no class folders"), m2.c_str());
}

void TestImages::emptyClassAndSingleImageClass()
{
    const std::string root = m_work + "/classes";
    for (int i = 0; i < 6; ++i)
        copyFile(m_fixtures + "/mixed/gray.png", root + "/many/" + std::to_string(i) + ".png");
    copyFile(m_fixtures + "/mixed/gray.png", root + "/one/0.png");
    fs::create_directories(root + "/none");
    Project p = imageProject(root, m_work + "/classes.json", {1, 8, 8}, 3, {"many", "none", "one"});
    const std::string m = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m, root + "/none") && containsCI(m, "no PNG, JPEG or BMP"), m.c_str());

    fs::remove(root + "/none");
    p.dataset.numClasses = 2;
    p.dataset.classNames = {"many", "one"};
    const DatasetSummary s = datasetSummary(p, 0);
    std::string warnings;
    for (const auto &w : s.warnings)
        warnings += w.str() + "\n";
    QVERIFY2(containsCI(warnings, "\"one\" has a single training image"), warnings.c_str());

    // A class whose every image is unreadable is an error before training, by name.
    writeAll(root + "/broken/x.png", "");
    writeAll(root + "/broken/y.jpg", "\xFF\xD8\xFF");
    p.dataset.numClasses = 3;
    p.dataset.classNames = {"broken", "many", "one"};
    const std::string m2 = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m2, "\"broken\"") && containsCI(m2, "no image that could be read"), m2.c_str());
}

void TestImages::classNamesMustMatch()
{
    const std::string root = m_work + "/names";
    for (const char *c : {"cat", "dog"})
        for (int i = 0; i < 3; ++i)
            copyFile(m_fixtures + "/mixed/rgb.png", root + "/" + c + "/" + std::to_string(i) + ".png");
    Project p = imageProject(root, m_work + "/names.json", {3, 8, 8}, 2, {"dog", "cat"});
    const std::string m = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m, "[cat, dog]") && containsCI(m, "--fix"), m.c_str());
    p.dataset.classNames.clear();
    p.dataset.numClasses = 5;
    const std::string m2 = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m2, "2 class folders") && containsCI(m2, "--fix"), m2.c_str());
    // The descriptor tells the CLI and the studio the names to write.
    QCOMPARE(datasetFormat(p).classNames(p), (std::vector<std::string>{"cat", "dog"}));
    p.dataset.numClasses = 2; // empty names and the right count: accepted
    QCOMPARE(datasetSummary(p, 0).trainCount + datasetSummary(p, 0).testCount, int64_t(6));
}

void TestImages::cacheIsReusedAndNoticesChanges()
{
    const std::string root = m_work + "/cached";
    for (int i = 0; i < 8; ++i) {
        copyFile(m_fixtures + "/mixed/gray.png", root + "/a/" + std::to_string(i) + ".png");
        copyFile(m_fixtures + "/mixed/rgb.png", root + "/b/" + std::to_string(i) + ".png");
    }
    const std::string projectFile = m_work + "/cachetest/project.json";
    Project p = imageProject(root, projectFile, {1, 16, 16}, 2, {"a", "b"});
    p.dataset.image.channels = "grayscale";
    const std::string cacheDir = m_work + "/cachetest/.torchwright-cache";
    std::atomic<int64_t> decodedTotal{0};
    ImportControl counting;
    counting.progress = [&](int64_t, int64_t total) { decodedTotal = total; };
    const RawSplit first = datasetFormat(p).reader->train(p, counting);
    QCOMPARE(decodedTotal.load(), int64_t(16));
    QVERIFY(fs::is_directory(cacheDir));
    // Second open: from the cache, nothing decoded, the same tensors.
    decodedTotal = -1;
    const RawSplit again = datasetFormat(p).reader->train(p, counting);
    QCOMPARE(decodedTotal.load(), int64_t(-1));
    QVERIFY(torch::equal(first.inputs, again.inputs));
    QVERIFY(torch::equal(first.labels, again.labels));
    // A changed file (new content, new size and time) is noticed and decoded again.
    const RawSplit test = datasetFormat(p).reader->test(p, counting);
    QCOMPARE(decodedTotal.load(), int64_t(-1));
    copyFile(m_fixtures + "/mixed/china.jpg", root + "/a/0.png");
    const RawSplit changed = datasetFormat(p).reader->train(p, counting);
    QCOMPARE(decodedTotal.load(), int64_t(16));
    const RawSplit changedTest = datasetFormat(p).reader->test(p, counting);
    QVERIFY(!torch::equal(torch::cat({first.inputs, test.inputs}), torch::cat({changed.inputs, changedTest.inputs})));
    // A damaged cache file is decoded again, never trusted.
    for (const auto &e : fs::directory_iterator(cacheDir))
        writeAll(e.path().string(), "garbage");
    decodedTotal = -1;
    const RawSplit repaired = datasetFormat(p).reader->train(p, counting);
    QCOMPARE(decodedTotal.load(), int64_t(16));
    QVERIFY(torch::equal(repaired.inputs, changed.inputs));
    // An unsaved project caches under $XDG_CACHE_HOME/torchwright.
    Project unsaved = p;
    unsaved.filePath.clear();
    qputenv("XDG_CACHE_HOME", QByteArray::fromStdString(m_work + "/xdg"));
    QCOMPARE(datasetCacheDir(unsaved), m_work + "/xdg/torchwright");
}

void TestImages::separateTrainAndTestRoots()
{
    const std::string root = m_work + "/roots";
    for (const char *split : {"train", "test"})
        for (const char *c : {"x", "y"})
            for (int i = 0; i < (std::string(split) == "train" ? 5 : 2); ++i)
                copyFile(m_fixtures + "/mixed/rgb.png",
                         root + "/" + split + "/" + c + "/" + std::to_string(i) + ".png");
    Project p = imageProject(root, m_work + "/roots.json", {3, 10, 10}, 2, {"x", "y"});
    const DatasetSummary s = datasetSummary(p, 0);
    QCOMPARE(s.trainCount, int64_t(10));
    QCOMPARE(s.testCount, int64_t(4));
    // /dataset/image/test_path names the test root instead.
    p.dataset.path = root + "/train";
    p.dataset.image.testPath = root + "/test";
    QCOMPARE(datasetSummary(p, 0).testCount, int64_t(4));
    copyFile(m_fixtures + "/mixed/rgb.png", root + "/test/z/0.png");
    const std::string m = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m, root + "/test") && containsCI(m, "\"z\""), m.c_str());
}

void TestImages::cancelAndProgress()
{
    const std::string root = m_work + "/cancel";
    for (int i = 0; i < 64; ++i)
        copyFile(m_fixtures + "/mixed/rgb.png", root + "/c" + std::to_string(i % 2) + "/" + std::to_string(i) + ".png");
    Project p = imageProject(root, m_work + "/cancel.json", {3, 8, 8}, 2, {"c0", "c1"});
    std::atomic<bool> cancel{true};
    ImportControl control;
    control.cancel = &cancel;
    bool cancelled = false;
    try {
        datasetSummary(p, 0, control);
    } catch (const ImportCancelled &) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    // Nothing was cached by the cancelled import: the next one decodes, reporting up to the total.
    cancel = false;
    int64_t last = -1, total = 0;
    bool monotonic = true;
    control.progress = [&](int64_t done, int64_t t) {
        monotonic = monotonic && done >= last;
        last = done;
        total = t;
    };
    datasetSummary(p, 0, control);
    QVERIFY(monotonic);
    QCOMPARE(last, int64_t(64));
    QCOMPARE(total, int64_t(64));
}

// Cancelling once the import has begun (the files are listed, nothing decoded yet: the first
// progress report) stops it with ImportCancelled; and in training, stop() at the first import
// event ends the run as stopped, before any epoch.
void TestImages::stopDuringTheImportEndsTheRunStopped()
{
    const std::string root = m_work + "/stop";
    for (int i = 0; i < 64; ++i)
        copyFile(m_fixtures + "/mixed/gray.png",
                 root + "/c" + std::to_string(i % 4) + "/" + std::to_string(i) + ".png");
    std::atomic<bool> cancel{false};
    ImportControl control;
    control.cancel = &cancel;
    int64_t reports = 0;
    control.progress = [&](int64_t, int64_t) {
        ++reports;
        cancel = true;
    };
    Project p = imageProject(root, m_work + "/stop.json", {1, 8, 8}, 4, {"c0", "c1", "c2", "c3"});
    bool cancelled = false;
    try {
        datasetSummary(p, 0, control);
    } catch (const ImportCancelled &) {
        cancelled = true;
    }
    QVERIFY(cancelled);
    QCOMPARE(reports, int64_t(1));

    ProjectLoad tiny = loadProjectFile(testhelpers::sourcePath("tests/data/tiny_synthetic/project.json"));
    QVERIFY(tiny.ok());
    Project t = tiny.project;
    t.filePath = m_work + "/stop-train.json";
    t.dataset = p.dataset;
    std::vector<TrainingEvent::Kind> kinds;
    TrainingSession *self = nullptr;
    TrainingSession session(testhelpers::requestFor(t, QString::fromStdString(m_work + "/stop-runs")),
                            [&](const TrainingEvent &e) {
                                kinds.push_back(e.kind);
                                if (e.kind == TrainingEvent::Kind::Import)
                                    self->stop();
                            });
    self = &session;
    session.start();
    session.wait();
    const RunResult r = session.result();
    QCOMPARE(int(r.status), int(TrainingEvent::Status::Stopped));
    QVERIFY2(r.message.find("while reading the data") != std::string::npos, r.message.c_str());
    QVERIFY(std::find(kinds.begin(), kinds.end(), TrainingEvent::Kind::Import) != kinds.end());
    QVERIFY(std::find(kinds.begin(), kinds.end(), TrainingEvent::Kind::Epoch) == kinds.end());
}

// A model trained on an image folder, exported as a bundle, classifies PNG files and a folder of
// them (names with spaces and accents) through `predict`: one prediction per file, named by its
// path, the same for a file alone as within its folder.
void TestImages::bundlePredictsImageFilesAndFolders()
{
    const std::string root = m_work + "/bundle data";
    for (int i = 0; i < 32; ++i)
        copyFile(m_fixtures + "/mixed/" + (i % 2 ? "gray.png" : "rgb.png"),
                 root + "/c" + std::to_string(i % 4) + "/" + std::to_string(i) + ".png");
    ProjectLoad tiny = loadProjectFile(testhelpers::sourcePath("tests/data/tiny_synthetic/project.json"));
    QVERIFY(tiny.ok());
    Project t = tiny.project;
    t.filePath = m_work + "/bundle-train.json";
    t.dataset = imageProject(root, t.filePath, {1, 8, 8}, 4, {"c0", "c1", "c2", "c3"}).dataset;
    t.dataset.image.channels = "grayscale";
    TrainRequest req = testhelpers::requestFor(t, QString::fromStdString(m_work + "/bundle-runs"));
    req.epochs = 1;
    TrainingSession session(req, [](const TrainingEvent &) {});
    session.start();
    session.wait();
    const RunResult r = session.result();
    QVERIFY2(r.status == TrainingEvent::Status::Completed, r.message.c_str());
    const std::string bundle = m_work + "/bundle out";
    try {
        exportBundle(r.runDir, bundle, "last");
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }
    const std::string inputs = m_work + "/to classify é";
    copyFile(m_fixtures + "/mixed/gray.png", inputs + "/a shoe.png");
    copyFile(m_fixtures + "/mixed/rgb.png", inputs + "/sub/b.png");
    copyFile(m_fixtures + "/mixed/china.jpg", inputs + "/c.jpg");
    std::vector<Prediction> all;
    try {
        all = predictBundle(bundle, inputs, 2);
    } catch (const EngineError &e) {
        QFAIL(e.what());
    }
    QCOMPARE(all.size(), size_t(3));
    for (const Prediction &p : all) {
        QCOMPARE(p.top.size(), size_t(2));
        QVERIFY(p.top[0].probability >= p.top[1].probability && p.top[0].probability <= 1.0);
        QVERIFY2(p.top[0].name.size() == 2 && p.top[0].name[0] == 'c', p.top[0].name.c_str());
    }
    const auto it = std::find_if(all.begin(), all.end(),
                                 [](const Prediction &p) { return p.source.find("a shoe.png") != std::string::npos; });
    QVERIFY(it != all.end());
    const std::vector<Prediction> one = predictBundle(bundle, inputs + "/a shoe.png", 2);
    QCOMPARE(one.size(), size_t(1));
    QCOMPARE(one[0].top[0].index, it->top[0].index);
    QVERIFY(std::abs(one[0].top[0].probability - it->top[0].probability) < 1e-6);
}

void TestImages::imageList()
{
    const std::string root = m_work + "/list data";
    const std::string mixed = m_fixtures + "/mixed/";
    std::string csv = "x:image,y:label\n";
    for (int i = 0; i < 6; ++i) {
        copyFile(mixed + "gray.png", root + "/imgs/été " + std::to_string(i) + ".png");
        copyFile(mixed + "china.jpg", root + "/imgs/c" + std::to_string(i) + ".jpg");
        csv += "\"imgs/été " + std::to_string(i) + ".png\",plain\n";
        csv += "imgs/c" + std::to_string(i) + ".jpg,photo\n";
    }
    csv += "imgs/missing.png,photo\n"; // line 14: a file that is not there
    csv += "imgs/lonely.png\n";        // line 15: no label
    writeAll(root + "/train.csv", csv);
    Project p;
    p.filePath = m_work + "/list.json";
    p.dataset.kind = "image_list";
    p.dataset.path = root;
    p.dataset.sampleShape = {3, 16, 16};
    p.dataset.numClasses = 2;
    p.dataset.image.testFraction = 0.34;
    p.dataset.image.channels = "rgb";
    // String labels name the classes, sorted; a project that lists others is told to --fix.
    const std::string m = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m, root + "/train.csv") && containsCI(m, "[photo, plain]") && containsCI(m, "--fix"),
             m.c_str());
    QCOMPARE(datasetFormat(p).classNames(p), (std::vector<std::string>{"photo", "plain"}));
    p.dataset.classNames = {"photo", "plain"};
    const DatasetSummary s = datasetSummary(p, 0);
    QCOMPARE(s.trainCount + s.testCount, int64_t(12));
    QCOMPARE(s.testPerClass, (std::vector<int64_t>{2, 2}));
    std::string skipped;
    for (const auto &k : s.skipped)
        skipped += k.file + ":" + std::to_string(k.line) + ": " + k.reason.str() + "\n";
    QVERIFY2(containsCI(skipped, root + "/train.csv:15") && containsCI(skipped, root + "/imgs/missing.png"),
             skipped.c_str());

    // Integer labels, other column names, a separate test list.
    writeAll(root + "/a.csv", "file,class\nimgs/c0.jpg,1\nimgs/c1.jpg,1\n\"imgs/été 0.png\",0\n\"imgs/été 1.png\",0\n");
    writeAll(root + "/b.csv", "file,class\nimgs/c2.jpg,1\n\"imgs/été 2.png\",0\n");
    p.dataset.image.trainList = "a.csv";
    p.dataset.image.testList = "b.csv";
    p.dataset.classNames.clear();
    const std::string m2 = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m2, root + "/a.csv:1") && containsCI(m2, "x:image") && containsCI(m2, "file, class"),
             m2.c_str());
    p.dataset.image.imageColumn = "file";
    p.dataset.image.labelColumn = "class";
    const DatasetSummary s2 = datasetSummary(p, 0);
    QCOMPARE(s2.trainPerClass, (std::vector<int64_t>{2, 2}));
    QCOMPARE(s2.testPerClass, (std::vector<int64_t>{1, 1}));
    QVERIFY(datasetFormat(p).classNames(p).empty());
    // An empty list and a label beyond the classes are errors naming the file.
    writeAll(root + "/empty.csv", "");
    p.dataset.image.trainList = "empty.csv";
    const std::string m3 = messageOf([&] { datasetSummary(p, 0); });
    QVERIFY2(containsCI(m3, root + "/empty.csv") && containsCI(m3, "empty"), m3.c_str());
}

void TestImages::predictInputsReadsFilesAndFolders()
{
    const std::string dir = m_work + "/predict in";
    copyFile(m_fixtures + "/mixed/china.jpg", dir + "/photos/china.jpg");
    copyFile(m_fixtures + "/mixed/flower.jpg", dir + "/flower.jpg");
    writeAll(dir + "/readme.txt", "ignored");
    const nlohmann::json record = {{"format", "image_folder"},
                                   {"image", {{"channels", 3}, {"size", {32, 32}}, {"resize", "crop"}}}};
    const DatasetReader &reader = *findDatasetFormat("image_folder")->reader;
    std::vector<std::string> sources;
    const torch::Tensor x = reader.predictInputs(record, dir, sources, {});
    QCOMPARE(x.sizes().vec(), (std::vector<int64_t>{2, 3, 32, 32}));
    QCOMPARE(x.scalar_type(), torch::kUInt8);
    QCOMPARE(sources, (std::vector<std::string>{"flower.jpg", "photos/china.jpg"}));
    // The same pixels PIL gives for that target.
    const std::string want = readAll(m_fixtures + "/expected/china.jpg.3x32x32.crop");
    QVERIFY(std::memcmp(x[1].contiguous().data_ptr<uint8_t>(), want.data(), want.size()) == 0);
    const torch::Tensor one = reader.predictInputs(record, dir + "/flower.jpg", sources, {});
    QCOMPARE(one.size(0), int64_t(1));
    QCOMPARE(sources, (std::vector<std::string>{"flower.jpg"}));
    // A broken image named for prediction is an error naming it; a record without image settings too.
    writeAll(dir + "/bad.png", "");
    const std::string m = messageOf([&] { reader.predictInputs(record, dir + "/bad.png", sources, {}); });
    QVERIFY2(containsCI(m, dir + "/bad.png"), m.c_str());
    const std::string m2 = messageOf([&] { reader.predictInputs({{"format", "idx"}}, dir, sources, {}); });
    QVERIFY2(containsCI(m2, "image settings"), m2.c_str());
}

void TestImages::cliValidate()
{
#ifdef TORCHWRIGHT_CLI
    const std::string root = m_work + "/cli data";
    // Ten class folders for the sample's ten-class model; its IDX class names are stale here.
    std::vector<std::string> classes = {"T-shirt top"};
    for (int c = 0; c < 9; ++c)
        classes.push_back("c" + std::to_string(c));
    for (const auto &c : classes)
        for (int i = 0; i < 4; ++i)
            copyFile(m_fixtures + "/mixed/gray.png", root + "/" + c + "/" + std::to_string(i) + ".png");
    writeAll(root + "/c0/zero.png", "");
    nlohmann::json j = nlohmann::json::parse(readAll(sourcePath("projects/fashion_mnist_cnn.json")));
    j["dataset"]["kind"] = "image_folder";
    j["dataset"]["path"] = root;
    const std::string project = m_work + "/cli/project.json";
    writeAll(project, j.dump(2));
    auto run = [](const QStringList &args) {
        QProcess proc;
        proc.setProcessChannelMode(QProcess::MergedChannels);
        proc.start(TORCHWRIGHT_CLI, args);
        proc.waitForFinished(300000);
        return std::make_pair(proc.exitCode(), proc.readAll().toStdString());
    };
    // The folders' names differ from the project's: an error with the way out, exit status 1.
    auto [code, out] = run({"validate", QString::fromStdString(project)});
    QVERIFY2(code == 1 && containsCI(out, "[T-shirt top, c0, c1") && containsCI(out, "--fix"), out.c_str());
    // --fix writes the folders' names; the summary follows: counts per class, the skipped file.
    std::tie(code, out) = run({"validate", QString::fromStdString(project), "--fix"});
    QVERIFY2(code == 0, out.c_str());
    QVERIFY2(containsCI(out, "updated from the data") && containsCI(out, "T-shirt top")
                 && containsCI(out, root + "/c0/zero.png") && containsCI(out, "0 bytes"),
             out.c_str());
    QVERIFY2(containsCI(out, "53x37: 40") && containsCI(out, "skipped: 1"), out.c_str());
    const nlohmann::json saved = nlohmann::json::parse(readAll(project));
    QCOMPARE(saved["dataset"]["class_names"], nlohmann::json(classes));
    QCOMPARE(saved["dataset"]["num_classes"].get<int>(), 10);
    // A folder without class folders: exit status 1, the folder named.
    j["dataset"]["path"] = m_work + "/flat";
    writeAll(project, j.dump(2));
    std::tie(code, out) = run({"validate", QString::fromStdString(project)});
    QVERIFY2(code == 1 && containsCI(out, m_work + "/flat") && containsCI(out, "no class folders"), out.c_str());
#else
    QSKIP("the CLI is not built in this configuration");
#endif
}

QTEST_GUILESS_MAIN(TestImages)
#include "tst_images.moc"
