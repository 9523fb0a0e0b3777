// Datasets as in-memory tensors: IDX (MNIST layout, plain or gzip), CIFAR-10 binary batches, and a
// synthetic generator for tests. A file that is not what it claims to be is an error naming it.

#include "dataset.h"

#include "fileutil.h"

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <random>

namespace torchwright {

namespace fs = std::filesystem;

namespace {

uint32_t bigEndian32(const unsigned char *p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// The file itself, or the same name with ".gz" when only that exists.
std::string locate(const std::string &path)
{
    if (fs::exists(path))
        return path;
    if (fs::exists(path + ".gz"))
        return path + ".gz";
    throw EngineError(path + ": file not found (also looked for " + fs::path(path).filename().string() + ".gz)");
}

bool isGzip(const std::string &path)
{
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        return false;
    unsigned char m[2] = {0, 0};
    const size_t n = std::fread(m, 1, 2, f);
    std::fclose(f);
    return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

} // namespace

std::string readMaybeGzip(const std::string &path)
{
    if (!isGzip(path))
        return readTextFile(path);
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f)
        throw EngineError(path + ": cannot open: " + std::strerror(errno));
    std::string data;
    std::vector<char> buf(1 << 20);
    for (;;) {
        const int n = gzread(f, buf.data(), unsigned(buf.size()));
        if (n < 0) {
            int code = 0;
            std::string msg = gzerror(f, &code);
            gzclose(f);
            throw EngineError(path + ": the gzip data is damaged (" + msg + ")");
        }
        if (n == 0)
            break;
        data.append(buf.data(), size_t(n));
    }
    // gzread stops quietly at a cut-off stream; gzclose_r reports it.
    int code = 0;
    const char *msg = gzerror(f, &code);
    std::string err = code != Z_OK && code != Z_STREAM_END ? msg : "";
    const int closed = gzclose_r(f);
    if (!err.empty() || closed == Z_BUF_ERROR)
        throw EngineError(path + ": the gzip stream is truncated or damaged" + (err.empty() ? "" : " (" + err + ")"));
    return data;
}

torch::Tensor readIdxFile(const std::string &requested)
{
    const std::string path = locate(requested);
    const std::string data = readMaybeGzip(path);
    const auto *p = reinterpret_cast<const unsigned char *>(data.data());
    if (data.size() < 4)
        throw EngineError(path + ": truncated: the 4-byte IDX header is missing (the file holds "
                          + std::to_string(data.size()) + " bytes)");
    if (p[0] != 0 || p[1] != 0 || p[3] < 1 || p[3] > 4)
        throw EngineError(path + ": wrong magic number 0x" + [&] {
            char b[16];
            std::snprintf(b, sizeof b, "%02x%02x%02x%02x", p[0], p[1], p[2], p[3]);
            return std::string(b);
        }() + ": not an IDX file (expected 0x000008NN for unsigned bytes in NN dimensions)");
    if (p[2] != 0x08)
        throw EngineError(path + ": IDX element type 0x" + std::to_string(int(p[2]))
                          + " is not supported; only unsigned bytes (0x08) are");
    const int dims = p[3];
    const size_t header = 4 + 4 * size_t(dims);
    if (data.size() < header)
        throw EngineError(path + ": truncated: the header needs " + std::to_string(header) + " bytes, the file has "
                          + std::to_string(data.size()));
    std::vector<int64_t> shape;
    size_t count = 1;
    for (int i = 0; i < dims; ++i) {
        shape.push_back(int64_t(bigEndian32(p + 4 + 4 * i)));
        count *= size_t(shape.back());
    }
    if (data.size() - header < count)
        throw EngineError(path + ": truncated: expected " + std::to_string(count) + " bytes of data after the header, found "
                          + std::to_string(data.size() - header));
    if (data.size() - header > count)
        throw EngineError(path + ": " + std::to_string(data.size() - header - count)
                          + " unexpected bytes after the data the header declares");
    torch::Tensor t = torch::empty(shape, torch::kUInt8);
    std::memcpy(t.data_ptr<uint8_t>(), p + header, count);
    if (dims == 3)
        t = t.unsqueeze(1); // [N, rows, cols] -> [N, 1, rows, cols]
    return t;
}

void writeIdxFile(const std::string &path, const torch::Tensor &tensor, bool gzip)
{
    torch::Tensor t = tensor.to(torch::kUInt8).contiguous();
    if (t.dim() == 4 && t.size(1) == 1)
        t = t.squeeze(1);
    std::string out = {0, 0, 0x08, char(t.dim())};
    for (int64_t i = 0; i < t.dim(); ++i) {
        const uint32_t d = uint32_t(t.size(i));
        out += char(d >> 24);
        out += char(d >> 16);
        out += char(d >> 8);
        out += char(d);
    }
    out.append(reinterpret_cast<const char *>(t.data_ptr<uint8_t>()), size_t(t.numel()));
    if (!gzip) {
        writeTextFileAtomically(path, out);
        return;
    }
    replaceFileAtomically(path, [&](const std::string &temp) {
        gzFile f = gzopen(temp.c_str(), "wb");
        if (!f || gzwrite(f, out.data(), unsigned(out.size())) != int(out.size()) || gzclose(f) != Z_OK)
            throw EngineError(path + ": cannot write gzip data");
    });
}

namespace {

struct Split {
    torch::Tensor images; // uint8 or float
    torch::Tensor labels; // int64
};

Split loadIdxPair(const std::string &dir, const std::string &prefix)
{
    const std::string imagesPath = (fs::path(dir) / (prefix + "-images-idx3-ubyte")).string();
    const std::string labelsPath = (fs::path(dir) / (prefix + "-labels-idx1-ubyte")).string();
    Split s;
    s.images = readIdxFile(imagesPath);
    torch::Tensor labels = readIdxFile(labelsPath);
    if (labels.dim() != 1)
        throw EngineError(labelsPath + ": expected a 1-dimensional label file, got " + std::to_string(labels.dim())
                          + " dimensions");
    if (labels.size(0) != s.images.size(0))
        throw EngineError(labelsPath + ": " + std::to_string(labels.size(0)) + " labels for "
                          + std::to_string(s.images.size(0)) + " images in " + imagesPath);
    s.labels = labels.to(torch::kInt64);
    return s;
}

Split loadCifarBatches(const std::string &dir, const std::vector<std::string> &files)
{
    std::vector<torch::Tensor> images, labels;
    constexpr size_t record = 1 + 3 * 32 * 32;
    for (const auto &name : files) {
        const std::string path = (fs::path(dir) / name).string();
        if (!fs::exists(path))
            throw EngineError(path + ": file not found");
        const std::string data = readTextFile(path);
        if (data.empty() || data.size() % record)
            throw EngineError(path + ": truncated: " + std::to_string(data.size()) + " bytes is not a whole number of "
                              + std::to_string(record) + "-byte CIFAR-10 records");
        const int64_t n = int64_t(data.size() / record);
        auto raw = torch::from_blob(const_cast<char *>(data.data()), {n, int64_t(record)}, torch::kUInt8).clone();
        labels.push_back(raw.select(1, 0).to(torch::kInt64));
        images.push_back(raw.slice(1, 1).reshape({n, 3, 32, 32}));
    }
    return {torch::cat(images), torch::cat(labels)};
}

const std::vector<std::string> &cifarTrainFiles()
{
    static const std::vector<std::string> f = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                               "data_batch_4.bin", "data_batch_5.bin"};
    return f;
}

std::vector<std::string> neededFiles(const Project &p)
{
    if (p.dataset.kind == "idx")
        return {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"};
    if (p.dataset.kind == "cifar10") {
        auto f = cifarTrainFiles();
        f.push_back("test_batch.bin");
        return f;
    }
    return {};
}

void checkSplit(const Project &p, const Split &s, const std::string &what)
{
    const Shape declared = p.dataset.sampleShape;
    Shape actual(s.images.sizes().begin() + 1, s.images.sizes().end());
    if (actual != declared)
        throw EngineError(p.datasetPath() + ": the " + what + " samples are " + formatShape(actual)
                          + " but /dataset/sample_shape declares " + formatShape(declared));
    if (s.labels.numel() > 0) {
        const int64_t maxLabel = s.labels.max().item<int64_t>();
        if (maxLabel >= p.dataset.numClasses || s.labels.min().item<int64_t>() < 0)
            throw EngineError(p.datasetPath() + ": the " + what + " labels go up to " + std::to_string(maxLabel)
                              + " but /dataset/num_classes is " + std::to_string(p.dataset.numClasses));
    }
}

} // namespace

bool datasetFilesPresent(const Project &project, std::string *missing)
{
    const std::string dir = project.datasetPath();
    for (const auto &f : neededFiles(project)) {
        const fs::path path = fs::path(dir) / f;
        if (!fs::exists(path) && !(project.dataset.kind == "idx" && fs::exists(path.string() + ".gz"))) {
            if (missing)
                *missing = path.string();
            return false;
        }
    }
    return true;
}

TensorDataset makeSyntheticDataset(const Shape &sampleShape, int numClasses, int count, double noise,
                                   uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_int_distribution<int> pick(0, numClasses - 1);
    const int64_t size = elementCount(sampleShape);
    // One fixed prototype per class (from its own seed, so train and test share them).
    std::mt19937_64 protoRng(0x5eed);
    std::vector<float> prototypes(size_t(numClasses * size));
    for (auto &v : prototypes)
        v = normal(protoRng);
    Shape shape = sampleShape;
    shape.insert(shape.begin(), count);
    TensorDataset d;
    d.inputs = torch::empty(shape, torch::kFloat32);
    d.labels = torch::empty({count}, torch::kInt64);
    float *x = d.inputs.data_ptr<float>();
    int64_t *y = d.labels.data_ptr<int64_t>();
    for (int i = 0; i < count; ++i) {
        const int c = pick(rng);
        y[i] = c;
        for (int64_t k = 0; k < size; ++k)
            x[i * size + k] = prototypes[size_t(c * size + k)] + float(noise) * normal(rng);
    }
    return d;
}

// The test split's inputs as stored: uint8 for IDX and CIFAR-10, float for synthetic.
torch::Tensor rawTestInputs(const Project &p)
{
    if (p.dataset.kind == "synthetic")
        return makeSyntheticDataset(p.dataset.sampleShape, p.dataset.numClasses, p.dataset.syntheticTest,
                                    p.dataset.syntheticNoise, p.dataset.syntheticSeed + 1)
            .inputs;
    const std::string dir = p.datasetPath();
    if (p.dataset.kind == "idx")
        return readIdxFile((fs::path(dir) / "t10k-images-idx3-ubyte").string());
    return loadCifarBatches(dir, {"test_batch.bin"}).images;
}

DataSplits loadDataSplits(const Project &p, DType inputType)
{
    Split train, test;
    bool bytes = true;
    if (p.dataset.kind == "synthetic") {
        auto a = makeSyntheticDataset(p.dataset.sampleShape, p.dataset.numClasses, p.dataset.syntheticTrain,
                                      p.dataset.syntheticNoise, p.dataset.syntheticSeed);
        // The test set comes from the next seed, as rawTestInputs() makes it.
        auto b = makeSyntheticDataset(p.dataset.sampleShape, p.dataset.numClasses, p.dataset.syntheticTest,
                                      p.dataset.syntheticNoise, p.dataset.syntheticSeed + 1);
        train = {a.inputs, a.labels};
        test = {b.inputs, b.labels};
        bytes = false;
    } else {
        const std::string dir = p.datasetPath();
        if (!fs::is_directory(dir))
            throw EngineError(dir + ": dataset folder not found (/dataset/path)");
        if (p.dataset.kind == "idx") {
            train = loadIdxPair(dir, "train");
            test = loadIdxPair(dir, "t10k");
        } else {
            train = loadCifarBatches(dir, cifarTrainFiles());
            test = loadCifarBatches(dir, {"test_batch.bin"});
        }
    }
    checkSplit(p, train, "training");
    checkSplit(p, test, "test");

    // Validation split off the training data, fixed by the split seed.
    const int64_t n = train.labels.size(0);
    const int64_t nVal = std::llround(p.dataset.validationFraction * double(n));
    if (n - nVal < 1)
        throw EngineError("/dataset/validation_fraction: leaves no training samples out of " + std::to_string(n));
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(p.dataset.splitSeed);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<int64_t> valIdx(order.begin(), order.begin() + nVal), trainIdx(order.begin() + nVal, order.end());
    std::sort(valIdx.begin(), valIdx.end());
    std::sort(trainIdx.begin(), trainIdx.end());
    auto take = [](const Split &s, const std::vector<int64_t> &idx) {
        auto i = torch::tensor(idx, torch::kInt64);
        return Split{s.images.index_select(0, i), s.labels.index_select(0, i)};
    };
    Split val = take(train, valIdx);
    train = take(train, trainIdx);

    DataSplits out;
    auto finish = [&](Split &s) {
        TensorDataset d;
        d.labels = s.labels;
        if (inputType == DType::Int64) {
            d.inputs = s.images.to(torch::kInt64);
        } else {
            d.inputs = s.images.to(torch::kFloat32);
            if (bytes)
                d.inputs.div_(255.0);
        }
        s = {};
        return d;
    };
    out.train = finish(train);
    out.validation = finish(val);
    out.test = finish(test);

    if (inputType == DType::Float32 && p.preprocess.normalize != "none") {
        const int64_t channels = p.dataset.sampleShape.size() >= 2 ? p.dataset.sampleShape[0] : 1;
        std::vector<double> mean, stdev;
        if (p.preprocess.normalize == "fixed") {
            mean = p.preprocess.mean;
            stdev = p.preprocess.std;
            if (mean.size() == 1 && channels > 1) {
                mean.assign(size_t(channels), mean[0]);
                stdev.assign(size_t(channels), stdev[0]);
            }
        } else {
            // Statistics of the training split only, per channel; reductions over views, so no
            // copy of the data is made (ATen accumulates these in double precision).
            const torch::Tensor &x = out.train.inputs;
            const bool perChannel = p.dataset.sampleShape.size() >= 2;
            for (int64_t c = 0; c < (perChannel ? channels : 1); ++c) {
                torch::Tensor v = perChannel ? x.select(1, c) : x;
                mean.push_back(v.mean().item<double>());
                stdev.push_back(std::max(v.std().item<double>(), 1e-12));
            }
        }
        Shape bshape(p.dataset.sampleShape.size() + 1, 1);
        if (p.dataset.sampleShape.size() >= 2)
            bshape[1] = int64_t(mean.size());
        auto mt = torch::tensor(mean, torch::kFloat64).to(torch::kFloat32).reshape(bshape);
        auto st = torch::tensor(stdev, torch::kFloat64).to(torch::kFloat32).reshape(bshape);
        for (TensorDataset *d : {&out.train, &out.validation, &out.test})
            if (d->size() > 0)
                d->inputs.sub_(mt).div_(st);
        out.mean = mean;
        out.std = stdev;
    }
    return out;
}

} // namespace torchwright
