// Datasets: IDX files written byte by byte here (plain and gzip), their failure messages, the
// split into train/validation/test, normalisation with the training split's statistics, and
// the synthetic set. readIdxFile() keeps the file's uint8 values; loadDataSplits() scales pixels
// to [0, 1] before normalising, so "fixed" mean/std are on that scale and normalize "none"
// leaves values in [0, 1]. writeIdxFile(path, t, true) writes gzip to exactly `path`. The
// validation split has round(fraction * N) samples and the training split the rest.

#include "dataset.h"
#include "fileutil.h"
#include "testhelpers.h"

#include "torchwright/datasetformat.h"
#include "torchwright/diagnostics.h"
#include "torchwright/project.h"

#include <torch/torch.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <zlib.h>

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace torchwright;
using testhelpers::containsAnyCI;
using testhelpers::containsCI;
using testhelpers::writeFileBytes;

namespace {

// An IDX file of unsigned bytes: magic 0x00 0x00 0x08 <ndims>, big-endian int32 dims, data.
QByteArray idxBytes(const std::vector<int32_t> &dims, const std::vector<uint8_t> &data)
{
    QByteArray b;
    b.append(char(0)).append(char(0)).append(char(0x08)).append(char(dims.size()));
    for (int32_t d : dims) {
        b.append(char((d >> 24) & 0xff));
        b.append(char((d >> 16) & 0xff));
        b.append(char((d >> 8) & 0xff));
        b.append(char(d & 0xff));
    }
    b.append(reinterpret_cast<const char *>(data.data()), qsizetype(data.size()));
    return b;
}

// This process's peak virtual size (VmPeak), in KiB.
long peakVirtualKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmPeak:"))
            return line.mid(7).trimmed().split(' ').first().toLong();
    return 0;
}

bool writeGzip(const std::string &path, const QByteArray &bytes)
{
    gzFile f = gzopen(path.c_str(), "wb");
    if (!f)
        return false;
    const int written = gzwrite(f, bytes.constData(), unsigned(bytes.size()));
    return gzclose(f) == Z_OK && written == bytes.size();
}

std::vector<uint8_t> randomBytes(size_t n, uint32_t seed)
{
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> dist(0, 255);
    std::vector<uint8_t> v(n);
    for (auto &x : v)
        x = uint8_t(dist(gen));
    return v;
}

torch::Tensor asTensor(const std::vector<uint8_t> &v, std::vector<int64_t> shape)
{
    return torch::from_blob(const_cast<uint8_t *>(v.data()), shape, torch::kUInt8).clone();
}

struct IdxSet {
    int trainImages = 200;
    int trainLabels = 200;
    int testImages = 30;
    int rows = 4;
    int cols = 4;
    uint8_t testPixel = 0;  // every test pixel has this value
    bool gzipImages = true; // images as .gz, labels plain: the loader takes either
};

// Writes the four MNIST-layout files into `dir`; train labels are i % 10.
bool writeIdxSet(const QString &dir, const IdxSet &s)
{
    const size_t pixels = size_t(s.rows) * s.cols;
    std::vector<uint8_t> trainLabels(size_t(s.trainLabels));
    for (int i = 0; i < s.trainLabels; ++i)
        trainLabels[size_t(i)] = uint8_t(i % 10);
    std::vector<uint8_t> testLabels(size_t(s.testImages));
    for (int i = 0; i < s.testImages; ++i)
        testLabels[size_t(i)] = uint8_t(i % 10);

    const QByteArray trainImg =
        idxBytes({s.trainImages, s.rows, s.cols}, randomBytes(pixels * size_t(s.trainImages), 1234));
    const QByteArray testImg =
        idxBytes({s.testImages, s.rows, s.cols}, std::vector<uint8_t>(pixels * size_t(s.testImages), s.testPixel));
    const std::string d = dir.toStdString() + "/";
    bool ok = true;
    if (s.gzipImages) {
        ok = ok && writeGzip(d + "train-images-idx3-ubyte.gz", trainImg);
        ok = ok && writeGzip(d + "t10k-images-idx3-ubyte.gz", testImg);
    } else {
        ok = ok && writeFileBytes(d + "train-images-idx3-ubyte", trainImg);
        ok = ok && writeFileBytes(d + "t10k-images-idx3-ubyte", testImg);
    }
    ok = ok && writeFileBytes(d + "train-labels-idx1-ubyte", idxBytes({s.trainLabels}, trainLabels));
    ok = ok && writeFileBytes(d + "t10k-labels-idx1-ubyte", idxBytes({s.testImages}, testLabels));
    return ok;
}

Project idxProject(const QString &dir, double fraction = 0.1, int rows = 4, int cols = 4)
{
    Project p;
    p.name = "idx test";
    p.filePath = (dir + "/project.json").toStdString();
    p.dataset.kind = "idx";
    p.dataset.path = dir.toStdString();
    p.dataset.sampleShape = {1, rows, cols};
    p.dataset.numClasses = 10;
    p.dataset.validationFraction = fraction;
    p.dataset.splitSeed = 42;
    p.preprocess.normalize = "dataset";
    return p;
}

// A CIFAR-10 folder in the binary layout, `records` per file; record i of every file has label
// i % 10 and every pixel equal to its label.
void writeCifarSet(const QString &dir, int records)
{
    for (const char *f : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                          "data_batch_5.bin", "test_batch.bin"}) {
        std::ofstream out((dir + "/" + f).toStdString(), std::ios::binary);
        for (int i = 0; i < records; ++i) {
            out.put(char(i % 10));
            out << std::string(3 * 32 * 32, char(i % 10));
        }
    }
}

std::vector<int64_t> sortedLabels(const torch::Tensor &a, const torch::Tensor &b)
{
    torch::Tensor all = torch::cat({a.to(torch::kLong), b.to(torch::kLong)}).contiguous();
    std::vector<int64_t> v(all.data_ptr<int64_t>(), all.data_ptr<int64_t>() + all.numel());
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace

class TestData : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readsPlainImages();
    void readsPlainLabels();
    void readsGzip();
    void truncatedFileIsNamed();
    void truncatedHeader();
    void wrongMagic();
    void idxSizesThatOverflowAreRefused();
    void emptyIdxAndEmptySampleImage();
    void writeIdxRoundTrip();
    void writeIdxGzipRoundTrip();
    void labelCountMismatch();
    void splitsAndNormalisation_data();
    void splitsAndNormalisation();
    void fixedNormalisation();
    void noNormalisationKeepsUnitRange();
    void filesPresent();
    void syntheticIsDeterministic();
    void syntheticSplits();
    void fashionMnistHeaders();
    void everyFormatIsOneDescriptor();
    void tokenInputsKeepStoredBytes();
    void floatInputsAreBytesOver255();
    void cifarFilesAndSplits();
    void fifoIsRefused();
    void gzipInflatesOnlyWhatTheHeaderDeclares();
    void declaredSizesBeyondMemoryAreRefused();
    void smallFileDeclaringGigabytesAllocatesLittle();
    void previewShowsSamplesPerClass();
};

void TestData::initTestCase() { torch::manual_seed(0); }

void TestData::readsPlainImages()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::vector<uint8_t> pixels(3 * 2 * 4);
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = uint8_t(i * 10);
    const std::string path = dir.filePath("imgs-idx3-ubyte").toStdString();
    QVERIFY(writeFileBytes(path, idxBytes({3, 2, 4}, pixels)));

    const torch::Tensor t = readIdxFile(path);
    QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{3, 1, 2, 4}));
    QCOMPARE(t.scalar_type(), torch::kUInt8);
    QVERIFY(torch::equal(t, asTensor(pixels, {3, 1, 2, 4})));
}

void TestData::readsPlainLabels()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<uint8_t> labels = {0, 3, 9, 1, 2};
    const std::string path = dir.filePath("labels-idx1-ubyte").toStdString();
    QVERIFY(writeFileBytes(path, idxBytes({5}, labels)));

    const torch::Tensor t = readIdxFile(path);
    QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{5}));
    QVERIFY(torch::equal(t.to(torch::kLong), asTensor(labels, {5}).to(torch::kLong)));
}

void TestData::readsGzip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<uint8_t> pixels = randomBytes(6 * 5 * 5, 99);
    const QByteArray raw = idxBytes({6, 5, 5}, pixels);
    const std::string plainName = dir.filePath("train-images-idx3-ubyte").toStdString();
    QVERIFY(writeGzip(plainName + ".gz", raw));

    const torch::Tensor expected = asTensor(pixels, {6, 1, 5, 5});
    QVERIFY(torch::equal(readIdxFile(plainName + ".gz"), expected));
    // The name without ".gz" finds the compressed file.
    QVERIFY(torch::equal(readIdxFile(plainName), expected));
    QCOMPARE(QByteArray::fromStdString(readMaybeGzip(plainName + ".gz")), raw);
}

void TestData::truncatedFileIsNamed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QByteArray bytes = idxBytes({10, 4, 4}, randomBytes(160, 5));
    bytes.truncate(16 + 50);
    const std::string path = dir.filePath("short-idx3-ubyte").toStdString();
    QVERIFY(writeFileBytes(path, bytes));

    bool threw = false;
    try {
        readIdxFile(path);
    } catch (const EngineError &e) {
        threw = true;
        const std::string what = e.what();
        QVERIFY2(what.find("short-idx3-ubyte") != std::string::npos, e.what());
        QVERIFY2(containsAnyCI(what, "truncated|expected"), e.what());
        QVERIFY2(containsAnyCI(what, "160|176"), e.what());
    }
    QVERIFY(threw);

    // The same for a compressed file.
    QVERIFY(writeGzip(path + "2.gz", bytes));
    threw = false;
    try {
        readIdxFile(path + "2.gz");
    } catch (const EngineError &e) {
        threw = true;
        QVERIFY2(std::string(e.what()).find("short-idx3-ubyte2") != std::string::npos, e.what());
        QVERIFY2(containsAnyCI(e.what(), "truncated|expected"), e.what());
    }
    QVERIFY(threw);
}

void TestData::truncatedHeader()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("tiny-idx3-ubyte").toStdString();
    QVERIFY(writeFileBytes(path, idxBytes({10, 4, 4}, {}).left(7)));
    bool threw = false;
    try {
        readIdxFile(path);
    } catch (const EngineError &e) {
        threw = true;
        QVERIFY2(std::string(e.what()).find("tiny-idx3-ubyte") != std::string::npos, e.what());
    }
    QVERIFY(threw);

    // A file that does not exist is named too.
    threw = false;
    try {
        readIdxFile(dir.filePath("absent-idx1-ubyte").toStdString());
    } catch (const EngineError &e) {
        threw = true;
        QVERIFY2(std::string(e.what()).find("absent-idx1-ubyte") != std::string::npos, e.what());
    }
    QVERIFY(threw);
}

void TestData::gzipInflatesOnlyWhatTheHeaderDeclares()
{
    // A gzip bomb: a header declaring 64 bytes, then 256 MiB of zeros that compress to about
    // 250 KiB. Reading stops one byte after the declared data, so the error comes without
    // inflating (or holding) the rest.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QByteArray bytes = idxBytes({4, 4, 4}, std::vector<uint8_t>(64, 7));
    bytes.append(QByteArray(256 << 20, '\0'));
    const std::string path = dir.filePath("bomb-idx3-ubyte.gz").toStdString();
    QVERIFY(writeGzip(path, bytes));
    bytes.clear();
    QVERIFY(QFileInfo(QString::fromStdString(path)).size() < (2 << 20));
    try {
        readIdxFile(path);
        QFAIL("a file with data beyond its header was accepted");
    } catch (const EngineError &e) {
        QVERIFY2(containsCI(e.what(), "bomb-idx3-ubyte.gz: unexpected bytes after the 64 bytes of data the header "
                                      "declares"),
                 e.what());
    }
}

void TestData::declaredSizesBeyondMemoryAreRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // 65535^3 bytes: past the largest tensor (kMaxElements).
    const std::string huge = dir.filePath("huge-idx3-ubyte.gz").toStdString();
    QVERIFY(writeGzip(huge, idxBytes({65535, 65535, 65535}, std::vector<uint8_t>(16, 1))));
    try {
        readIdxFile(huge);
        QFAIL("a header declaring 2.8e14 bytes was accepted");
    } catch (const EngineError &e) {
        QVERIFY2(
            containsCI(e.what(), "huge-idx3-ubyte.gz: the header declares 65535x65535x65535, 281462092005375 elements"),
            e.what());
    }
    // 60000 x 4096 x 4096 bytes (0.9 TiB): a legal tensor, more than this machine has.
    const std::string big = dir.filePath("big-idx3-ubyte").toStdString();
    QVERIFY(writeFileBytes(big, idxBytes({60000, 4096, 4096}, std::vector<uint8_t>(16, 1))));
    try {
        readIdxFile(big);
        QFAIL("a header declaring 0.9 TiB was accepted");
    } catch (const EngineError &e) {
        QVERIFY2(containsCI(e.what(), "big-idx3-ubyte: the header declares 937.5 GiB of data, but only"), e.what());
        QVERIFY2(containsCI(e.what(), "is available"), e.what());
    }
}

// Found by fuzz_idx: a file of a few bytes whose header declares 1.5 GB (less than the memory
// available) used to allocate all of it before finding the data missing. Memory now grows with
// the data that arrive, plain or gzip.
void TestData::smallFileDeclaringGigabytesAllocatesLittle()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray bytes = idxBytes({1500, 1000, 1000}, std::vector<uint8_t>(16, 1));
    const std::string plain = dir.filePath("claims-idx3-ubyte").toStdString();
    const std::string gz = dir.filePath("claims2-idx3-ubyte.gz").toStdString();
    QVERIFY(writeFileBytes(plain, bytes));
    QVERIFY(writeGzip(gz, bytes));
    const long peakBefore = peakVirtualKiB();
    for (const std::string &path : {plain, gz}) {
        try {
            readIdxFile(path);
            QFAIL("a file missing 1.5 GB of declared data was accepted");
        } catch (const EngineError &e) {
            QVERIFY2(containsCI(e.what(), "truncated: expected 1500000000 bytes of data after the header, found 16"),
                     e.what());
        }
    }
    // The old reader's allocation shows in the peak virtual size even though it was never
    // touched; the new one's growth stops at the 16 bytes there are.
    QVERIFY2(peakVirtualKiB() - peakBefore < 1024 * 1024,
             qPrintable(QStringLiteral("peak virtual size grew by %1 KiB").arg(peakVirtualKiB() - peakBefore)));
}

void TestData::wrongMagic()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QByteArray bytes = idxBytes({2, 2, 2}, std::vector<uint8_t>(8, 1));
    bytes[2] = char(0x09);
    bytes[3] = char(0x99);
    const std::string path = dir.filePath("bad-idx3-ubyte").toStdString();
    QVERIFY(writeFileBytes(path, bytes));
    bool threw = false;
    try {
        readIdxFile(path);
    } catch (const EngineError &e) {
        threw = true;
        QVERIFY2(containsAnyCI(e.what(), "magic"), e.what());
        QVERIFY2(std::string(e.what()).find("bad-idx3-ubyte") != std::string::npos, e.what());
    }
    QVERIFY(threw);
}

// Four 32-bit sizes whose product wraps 64 bits (2^16 each: 2^64 = 0 bytes) once matched the
// empty data after the header, and the reader then asked for a 2^64-element tensor.
void TestData::idxSizesThatOverflowAreRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("huge-idx4-ubyte").toStdString();
    QVERIFY(writeFileBytes(path, idxBytes({65536, 65536, 65536, 65536}, {})));
    bool threw = false;
    try {
        readIdxFile(path);
    } catch (const EngineError &e) {
        threw = true;
        QVERIFY2(std::string(e.what()).find("huge-idx4-ubyte") != std::string::npos, e.what());
        QVERIFY2(containsAnyCI(e.what(), "elements"), e.what());
    }
    QVERIFY(threw);

    // Within int64 but beyond the stated maximum, with no data behind the header.
    QVERIFY(writeFileBytes(path, idxBytes({0x7fffffff, 0x7fffffff, 4}, {})));
    threw = false;
    try {
        readIdxFile(path);
    } catch (const EngineError &e) {
        threw = true;
        QVERIFY2(std::string(e.what()).find("huge-idx4-ubyte") != std::string::npos, e.what());
    }
    QVERIFY(threw);
}

// A file that declares no samples reads as an empty tensor, and an empty sample is an empty
// image (the sanitizer build checks that no null pointer reaches memcpy on the way).
void TestData::emptyIdxAndEmptySampleImage()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("empty-idx3-ubyte").toStdString();
    QVERIFY(writeFileBytes(path, idxBytes({0, 28, 28}, {})));
    const torch::Tensor t = readIdxFile(path);
    QCOMPARE(t.numel(), int64_t(0));
    QCOMPARE(t.dim(), int64_t(4));
    const SampleImage img = sampleImage(torch::empty({1, 0, 5}, torch::kUInt8));
    QCOMPARE(img.height, 0);
    QVERIFY(img.pixels.empty());
}

void TestData::writeIdxRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const torch::Tensor images = torch::randint(0, 256, {4, 5, 6}, torch::kUInt8);
    const std::string path = dir.filePath("w-idx3-ubyte").toStdString();
    writeIdxFile(path, images);

    const QByteArray bytes = testhelpers::readFileBytes(path);
    QCOMPARE(bytes.size(), qsizetype(16 + 4 * 5 * 6));
    QCOMPARE(bytes.left(16), QByteArray::fromHex("00000803000000040000000500000006"));
    QVERIFY(torch::equal(readIdxFile(path), images.unsqueeze(1)));

    const torch::Tensor labels = torch::tensor({7, 0, 3}, torch::kUInt8);
    const std::string lpath = dir.filePath("w-idx1-ubyte").toStdString();
    writeIdxFile(lpath, labels);
    QCOMPARE(testhelpers::readFileBytes(lpath), QByteArray::fromHex("0000080100000003070003"));
    QVERIFY(torch::equal(readIdxFile(lpath).to(torch::kLong), labels.to(torch::kLong)));
}

void TestData::writeIdxGzipRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const torch::Tensor images = torch::randint(0, 256, {3, 7, 7}, torch::kUInt8);
    const std::string path = dir.filePath("g-idx3-ubyte.gz").toStdString();
    writeIdxFile(path, images, true);
    const QByteArray bytes = testhelpers::readFileBytes(path);
    QVERIFY(bytes.size() > 2);
    QCOMPARE(bytes.left(2), QByteArray::fromHex("1f8b"));
    QVERIFY(torch::equal(readIdxFile(path), images.unsqueeze(1)));
}

void TestData::labelCountMismatch()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    IdxSet s;
    s.trainImages = 40;
    s.trainLabels = 39;
    QVERIFY(writeIdxSet(dir.path(), s));
    bool threw = false;
    try {
        loadDataSplits(idxProject(dir.path()), DType::Float32);
    } catch (const EngineError &e) {
        threw = true;
        const std::string what = e.what();
        QVERIFY2(what.find("40") != std::string::npos, e.what());
        QVERIFY2(what.find("39") != std::string::npos, e.what());
    }
    QVERIFY(threw);
}

void TestData::splitsAndNormalisation_data()
{
    QTest::addColumn<double>("fraction");
    QTest::addColumn<int>("validation");
    QTest::addColumn<bool>("gzip");
    QTest::newRow("0.1 gz") << 0.1 << 20 << true;
    QTest::newRow("0.15 plain") << 0.15 << 30 << false;
    QTest::newRow("0.33 gz") << 0.33 << 66 << true;
}

void TestData::splitsAndNormalisation()
{
    QFETCH(double, fraction);
    QFETCH(int, validation);
    QFETCH(bool, gzip);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    IdxSet s;
    s.gzipImages = gzip;
    QVERIFY(writeIdxSet(dir.path(), s));
    const Project p = idxProject(dir.path(), fraction);

    const DataSplits a = loadDataSplits(p, DType::Float32);
    QCOMPARE(int(a.validation.size()), validation);
    QCOMPARE(int(a.train.size()), 200 - validation);
    QCOMPARE(int(a.test.size()), 30);
    QCOMPARE(a.train.inputs.sizes().vec(), (std::vector<int64_t>{200 - validation, 1, 4, 4}));
    QCOMPARE(a.train.inputs.scalar_type(), torch::kFloat);
    QCOMPARE(a.train.labels.scalar_type(), torch::kLong);

    // Statistics of the training split (after the validation split was taken off).
    const double mean = a.train.inputs.mean().item<double>();
    const double std = a.train.inputs.std().item<double>();
    QVERIFY2(std::abs(mean) < 1e-3, qPrintable(QString::number(mean)));
    QVERIFY2(std::abs(std - 1.0) < 1e-2, qPrintable(QString::number(std)));
    QCOMPARE(a.mean.size(), size_t(1));
    QCOMPARE(a.std.size(), size_t(1));

    // The test split is normalised with the training statistics, not its own.
    const double expectedTest = (0.0 - a.mean[0]) / a.std[0];
    QVERIFY(expectedTest < -0.5);
    QVERIFY(torch::allclose(a.test.inputs, torch::full_like(a.test.inputs, expectedTest), 1e-5, 1e-5));

    // Train and validation partition the file's samples.
    std::vector<int64_t> original(200);
    for (int i = 0; i < 200; ++i)
        original[size_t(i)] = i % 10;
    std::sort(original.begin(), original.end());
    QCOMPARE(sortedLabels(a.train.labels, a.validation.labels), original);

    // A fixed seed gives the same split twice.
    const DataSplits b = loadDataSplits(p, DType::Float32);
    QVERIFY(torch::equal(a.validation.labels, b.validation.labels));
    QVERIFY(torch::equal(a.validation.inputs, b.validation.inputs));
    QVERIFY(torch::equal(a.train.inputs, b.train.inputs));
}

void TestData::fixedNormalisation()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    IdxSet s;
    s.testPixel = 255;
    QVERIFY(writeIdxSet(dir.path(), s));
    Project p = idxProject(dir.path());
    p.preprocess.normalize = "fixed";
    p.preprocess.mean = {0.5};
    p.preprocess.std = {0.25};

    const DataSplits d = loadDataSplits(p, DType::Float32);
    // (1.0 - 0.5) / 0.25 for white pixels.
    QVERIFY(torch::allclose(d.test.inputs, torch::full_like(d.test.inputs, 2.0), 1e-5, 1e-5));
    QCOMPARE(d.mean, std::vector<double>{0.5});
    QCOMPARE(d.std, std::vector<double>{0.25});
}

void TestData::noNormalisationKeepsUnitRange()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    IdxSet s;
    s.testPixel = 255;
    QVERIFY(writeIdxSet(dir.path(), s));
    Project p = idxProject(dir.path());
    p.preprocess.normalize = "none";

    const DataSplits d = loadDataSplits(p, DType::Float32);
    QVERIFY(torch::allclose(d.test.inputs, torch::ones_like(d.test.inputs)));
    QVERIFY(d.train.inputs.min().item<float>() >= 0.0f);
    QVERIFY(d.train.inputs.max().item<float>() <= 1.0f);
}

void TestData::filesPresent()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeIdxSet(dir.path(), IdxSet{})); // images .gz, labels plain
    Project p = idxProject(dir.path());
    std::string missing;
    QVERIFY2(datasetFilesPresent(p, &missing), missing.c_str());

    QVERIFY(QFile::remove(dir.filePath("train-labels-idx1-ubyte")));
    missing.clear();
    QVERIFY(!datasetFilesPresent(p, &missing));
    QVERIFY2(missing.find("train-labels-idx1-ubyte") != std::string::npos, missing.c_str());

    // A missing folder is reported as well.
    Project q = idxProject(dir.filePath("nowhere"));
    missing.clear();
    QVERIFY(!datasetFilesPresent(q, &missing));
    QVERIFY(!missing.empty());

    Project synthetic;
    synthetic.dataset.kind = "synthetic";
    synthetic.dataset.sampleShape = {16};
    QVERIFY(datasetFilesPresent(synthetic, nullptr));
}

void TestData::syntheticIsDeterministic()
{
    const TensorDataset a = makeSyntheticDataset({1, 8, 8}, 4, 100, 0.5, 7);
    const TensorDataset b = makeSyntheticDataset({1, 8, 8}, 4, 100, 0.5, 7);
    const TensorDataset c = makeSyntheticDataset({1, 8, 8}, 4, 100, 0.5, 8);
    QCOMPARE(a.size(), int64_t(100));
    QCOMPARE(a.inputs.sizes().vec(), (std::vector<int64_t>{100, 1, 8, 8}));
    QCOMPARE(a.labels.scalar_type(), torch::kLong);
    QVERIFY(torch::equal(a.inputs, b.inputs));
    QVERIFY(torch::equal(a.labels, b.labels));
    QVERIFY(!torch::equal(a.inputs, c.inputs));
    QVERIFY(a.labels.min().item<int64_t>() >= 0);
    QVERIFY(a.labels.max().item<int64_t>() < 4);
    // Every class is represented.
    QCOMPARE(std::get<0>(torch::_unique(a.labels)).numel(), int64_t(4));

    // Vector samples too.
    const TensorDataset v = makeSyntheticDataset({16}, 3, 50, 0.1, 1);
    QCOMPARE(v.inputs.sizes().vec(), (std::vector<int64_t>{50, 16}));
}

void TestData::syntheticSplits()
{
    Project p;
    p.dataset.kind = "synthetic";
    p.dataset.sampleShape = {1, 8, 8};
    p.dataset.numClasses = 4;
    p.dataset.syntheticTrain = 300;
    p.dataset.syntheticTest = 60;
    p.dataset.validationFraction = 0.1;
    QVERIFY(datasetFilesPresent(p));
    const DataSplits d = loadDataSplits(p, DType::Float32);
    QCOMPARE(int(d.train.size()), 270);
    QCOMPARE(int(d.validation.size()), 30);
    QCOMPARE(int(d.test.size()), 60);
    QVERIFY(std::abs(d.train.inputs.mean().item<double>()) < 1e-3);
    QVERIFY(std::abs(d.train.inputs.std().item<double>() - 1.0) < 1e-2);
}

void TestData::fashionMnistHeaders()
{
    const QString dir = QStringLiteral("/usr/share/datasets/fashion-mnist");
    if (!QDir(dir).exists())
        QSKIP("Fashion-MNIST is not installed on this machine");
    const torch::Tensor labels = readIdxFile((dir + "/t10k-labels-idx1-ubyte").toStdString());
    QCOMPARE(labels.sizes().vec(), (std::vector<int64_t>{10000}));
    const ProjectLoad load = loadProjectFile(testhelpers::sourcePath("projects/fashion_mnist_cnn.json"));
    std::string missing;
    QVERIFY2(datasetFilesPresent(load.project, &missing), missing.c_str());
}

void TestData::everyFormatIsOneDescriptor()
{
    for (const DatasetFormat &f : datasetFormats()) {
        QVERIFY2(f.reader && f.scale, f.name.c_str());
        const std::string reader = testhelpers::sourcePath("engine/templates/" + f.programReader);
        QVERIFY2(!f.programReader.empty() && std::filesystem::exists(reader), reader.c_str());
        for (const std::string &helper : f.programHelpers) {
            const std::string path = testhelpers::sourcePath("engine/templates/" + helper);
            QVERIFY2(std::filesystem::exists(path), path.c_str());
        }
    }
    QCOMPARE(datasetFormatNames(), (std::vector<std::string>{"idx", "cifar10", "synthetic", "sequence", "image_folder",
                                                             "image_list", "csv"}));
    // Bytes fed to a float model are scaled to [0, 1]; token ids and real values are not.
    QCOMPARE(findDatasetFormat("idx")->scale(DType::Float32), 1.0 / 255.0);
    QCOMPARE(findDatasetFormat("idx")->scale(DType::Int64), 1.0);
    QCOMPARE(findDatasetFormat("cifar10")->scale(DType::Float32), 1.0 / 255.0);
    QCOMPARE(findDatasetFormat("cifar10")->scale(DType::Int64), 1.0);
    QCOMPARE(findDatasetFormat("synthetic")->scale(DType::Float32), 1.0);
    QCOMPARE(findDatasetFormat("synthetic")->scale(DType::Int64), 1.0);
    QCOMPARE(findDatasetFormat("sequence")->scale(DType::Float32), 1.0);
    QCOMPARE(findDatasetFormat("csv")->scale(DType::Float32), 1.0); // features standardised by the reader
    QCOMPARE(findDatasetFormat("image_folder")->scale(DType::Float32), 1.0 / 255.0);
    QCOMPARE(findDatasetFormat("image_list")->scale(DType::Float32), 1.0 / 255.0);
    QVERIFY(!findDatasetFormat("parquet"));

    Project unknown;
    unknown.dataset.kind = "parquet";
    QVERIFY_THROWS_EXCEPTION(EngineError, datasetFilesPresent(unknown));
}

void TestData::tokenInputsKeepStoredBytes()
{
    // An int64 Input takes the stored bytes as token ids: no scaling, no normalisation.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    IdxSet s;
    s.testPixel = 200;
    QVERIFY(writeIdxSet(dir.path(), s));
    const DataSplits d = loadDataSplits(idxProject(dir.path()), DType::Int64);
    QCOMPARE(d.test.inputs.scalar_type(), torch::kLong);
    QVERIFY(torch::equal(d.test.inputs, torch::full_like(d.test.inputs, 200)));
    QVERIFY(d.mean.empty() && d.std.empty());
    const torch::Tensor raw = readIdxFile(dir.filePath("train-images-idx3-ubyte").toStdString());
    const torch::Tensor all = torch::cat({d.train.inputs, d.validation.inputs});
    QCOMPARE(all.scalar_type(), torch::kLong);
    QCOMPARE(all.sum().item<int64_t>(), raw.to(torch::kLong).sum().item<int64_t>());
}

void TestData::floatInputsAreBytesOver255()
{
    // Exactly the stored bytes divided by 255 in float32, as training has always computed them.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeIdxSet(dir.path(), IdxSet{}));
    Project p = idxProject(dir.path());
    p.preprocess.normalize = "none";
    const DataSplits d = loadDataSplits(p, DType::Float32);
    const torch::Tensor raw = readIdxFile(dir.filePath("train-images-idx3-ubyte").toStdString());
    const torch::Tensor expected = std::get<0>((raw.to(torch::kFloat32) / 255.0).flatten().sort());
    const torch::Tensor got = std::get<0>(torch::cat({d.train.inputs, d.validation.inputs}).flatten().sort());
    QVERIFY(torch::equal(got, expected));
}

void TestData::cifarFilesAndSplits()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeCifarSet(dir.path(), 4);
    Project p = idxProject(dir.path(), 0.1, 32, 32);
    p.dataset.kind = "cifar10";
    p.dataset.sampleShape = {3, 32, 32};
    p.preprocess.normalize = "none";
    std::string missing;
    QVERIFY2(datasetFilesPresent(p, &missing), missing.c_str());

    const DataSplits d = loadDataSplits(p, DType::Float32);
    QCOMPARE(int(d.train.size()), 18);
    QCOMPARE(int(d.validation.size()), 2);
    QCOMPARE(int(d.test.size()), 4);
    QCOMPARE(d.test.inputs.sizes().vec(), (std::vector<int64_t>{4, 3, 32, 32}));
    // Pixel value = label, scaled to [0, 1].
    for (int i = 0; i < 4; ++i)
        QVERIFY(torch::allclose(d.test.inputs[i], torch::full({3, 32, 32}, float(i) / 255.0f)));
    QCOMPARE(rawTestInputs(p).scalar_type(), torch::kByte);

    // The first missing file is named; a cut-off one is refused with its size.
    QVERIFY(QFile::remove(dir.filePath("data_batch_3.bin")));
    QVERIFY(QFile::remove(dir.filePath("test_batch.bin")));
    QVERIFY(!datasetFilesPresent(p, &missing));
    QVERIFY2(missing == dir.filePath("data_batch_3.bin").toStdString(), missing.c_str());
    writeCifarSet(dir.path(), 4);
    QVERIFY(QFile::resize(dir.filePath("test_batch.bin"), 3000));
    try {
        loadDataSplits(p, DType::Float32);
        QFAIL("a truncated batch file was accepted");
    } catch (const EngineError &e) {
        const std::string what = e.what();
        QVERIFY2(what.find("test_batch.bin: truncated: 3000 bytes") != std::string::npos, e.what());
    }
}

// A dataset file that is a FIFO used to block the reader forever (opening it waits for a
// writer); it is refused before it is opened, naming the file.
void TestData::fifoIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto expectRefusal = [](const std::function<void()> &read, const std::string &name) {
        try {
            read();
            QFAIL(("a FIFO was read: " + name).c_str());
        } catch (const EngineError &e) {
            const std::string what = e.what();
            QVERIFY2(what.find(name + ": cannot read: it is a FIFO") != std::string::npos, e.what());
        }
    };
    const std::string idx = dir.filePath("train-images-idx3-ubyte").toStdString();
    QCOMPARE(::mkfifo(idx.c_str(), 0600), 0);
    expectRefusal([&] { readIdxFile(idx); }, idx);
    expectRefusal([&] { readMaybeGzip(idx); }, idx);
    expectRefusal([&] { readTextFile(idx); }, idx);

    writeCifarSet(dir.path(), 4);
    Project p = idxProject(dir.path(), 0.1, 32, 32);
    p.dataset.kind = "cifar10";
    p.dataset.sampleShape = {3, 32, 32};
    p.preprocess.normalize = "none";
    const std::string batch = dir.filePath("test_batch.bin").toStdString();
    QVERIFY(QFile::remove(QString::fromStdString(batch)));
    QCOMPARE(::mkfifo(batch.c_str(), 0600), 0);
    expectRefusal([&] { loadDataSplits(p, DType::Float32); }, batch);

    // A project file that is a FIFO is a diagnostic, not a hang.
    const std::string project = dir.filePath("project.json").toStdString();
    QCOMPARE(::mkfifo(project.c_str(), 0600), 0);
    const ProjectLoad load = loadProjectFile(project);
    QVERIFY(!load.ok());
    QVERIFY2(load.diagnostics.format().find("project.json: cannot read: it is a FIFO") != std::string::npos,
             load.diagnostics.format().c_str());
}

void TestData::previewShowsSamplesPerClass()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    IdxSet s;
    s.testPixel = 77; // 30 test images, labels i % 10: three per class
    QVERIFY(writeIdxSet(dir.path(), s));
    const Project p = idxProject(dir.path());
    const std::vector<DatasetSample> two = datasetPreview(p, 2);
    QCOMPARE(two.size(), size_t(20));
    for (size_t i = 0; i < two.size(); ++i) {
        QCOMPARE(two[i].label, int(i / 2));
        QCOMPARE(two[i].image.width, 4);
        QCOMPARE(two[i].image.height, 4);
        QCOMPARE(two[i].image.channels, 1);
        QCOMPARE(two[i].image.pixels, std::vector<uint8_t>(16, 77));
    }
    QCOMPARE(datasetPreview(p, 5).size(), size_t(30)); // as many as there are

    QTemporaryDir cifar;
    QVERIFY(cifar.isValid());
    writeCifarSet(cifar.path(), 12);
    Project c = idxProject(cifar.path());
    c.dataset.kind = "cifar10";
    c.dataset.sampleShape = {3, 32, 32};
    const std::vector<DatasetSample> colour = datasetPreview(c, 1);
    QCOMPARE(colour.size(), size_t(10));
    QCOMPARE(colour[7].label, 7);
    QCOMPARE(colour[7].image.channels, 3);
    QCOMPARE(colour[7].image.pixels, std::vector<uint8_t>(3 * 32 * 32, 7));

    // Real values are stretched to the full 8-bit range per sample.
    Project synthetic;
    synthetic.dataset.kind = "synthetic";
    synthetic.dataset.sampleShape = {1, 8, 8};
    synthetic.dataset.numClasses = 4;
    const std::vector<DatasetSample> generated = datasetPreview(synthetic, 3);
    QCOMPARE(generated.size(), size_t(12));
    for (const auto &g : generated) {
        QCOMPARE(g.image.pixels.size(), size_t(64));
        QCOMPARE(*std::min_element(g.image.pixels.begin(), g.image.pixels.end()), uint8_t(0));
        QCOMPARE(*std::max_element(g.image.pixels.begin(), g.image.pixels.end()), uint8_t(255));
    }

    try {
        datasetPreview(idxProject(dir.filePath("nowhere")), 2);
        QFAIL("a missing folder gave a preview");
    } catch (const EngineError &e) {
        QVERIFY2(std::string(e.what()).find("dataset folder not found") != std::string::npos, e.what());
    }
}

QTEST_GUILESS_MAIN(TestData)
#include "tst_data.moc"
