// The format-independent steps from stored data to model inputs: the dataset format's reader
// (datasetreader.h) supplies the raw train and test splits; here they are checked against the
// project, the validation split is taken off the training data, and the inputs are cast to the
// Input layer's type, scaled as the format says and normalised.

#include "dataset.h"
#include "augment.h"
#include "datasetreader.h"
#include "sha256.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <numeric>
#include <random>

namespace torchwright {

namespace fs = std::filesystem;

namespace {

const DatasetReader &readerOf(const DatasetFormat &format)
{
    if (!format.reader)
        throw EngineError(Message::tr("the dataset format \"%1\" has no reader (a bug in Torchwright)", format.name));
    return *format.reader;
}

// `training`: the training split, else the test split (each named in its own sentence).
void checkSplit(const Project &p, const RawSplit &s, bool training)
{
    const Shape declared = p.dataset.sampleShape;
    Shape actual(s.inputs.sizes().begin() + 1, s.inputs.sizes().end());
    if (actual != declared)
        throw EngineError(training
                              ? Message::tr("%1: the training samples are %2 but /dataset/sample_shape declares %3",
                                            p.datasetPath(), formatShape(actual), formatShape(declared))
                              : Message::tr("%1: the test samples are %2 but /dataset/sample_shape declares %3",
                                            p.datasetPath(), formatShape(actual), formatShape(declared)));
    // Classes must be in range; a regression's real-valued targets have no range.
    if (s.labels.numel() > 0 && !s.labels.is_floating_point()) {
        const int64_t maxLabel = s.labels.max().item<int64_t>();
        if (maxLabel >= p.dataset.numClasses || s.labels.min().item<int64_t>() < 0)
            throw EngineError(training
                                  ? Message::tr("%1: the training labels go up to %2 but /dataset/num_classes is %3",
                                                p.datasetPath(), maxLabel, p.dataset.numClasses)
                                  : Message::tr("%1: the test labels go up to %2 but /dataset/num_classes is %3",
                                                p.datasetPath(), maxLabel, p.dataset.numClasses));
    }
}

struct RawSplits {
    RawSplit train;
    RawSplit test;
};

// Both splits as the format stores them, checked against the declared shape and class count.
RawSplits loadRawSplits(const Project &p, const DatasetFormat &format, const ImportControl &control)
{
    const DatasetReader &reader = readerOf(format);
    if (format.needsPath && !fs::is_directory(p.datasetPath()))
        throw EngineError(Message::tr("%1: dataset folder not found (/dataset/path)", p.datasetPath()));
    RawSplits raw;
    raw.train = reader.train(p, control);
    raw.test = reader.test(p, control);
    checkSplit(p, raw.train, true);
    checkSplit(p, raw.test, false);
    return raw;
}

// Takes round(fraction * N) samples off `train` as the validation split, chosen by the split
// seed; both keep the stored order.
RawSplit splitValidation(RawSplit &train, double fraction, uint64_t seed)
{
    const int64_t n = train.labels.size(0);
    const int64_t nVal = std::llround(fraction * double(n));
    if (n - nVal < 1)
        throw EngineError(Message::tr("/dataset/validation_fraction: leaves no training samples out of %1", n));
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<int64_t> valIdx(order.begin(), order.begin() + nVal), trainIdx(order.begin() + nVal, order.end());
    std::sort(valIdx.begin(), valIdx.end());
    std::sort(trainIdx.begin(), trainIdx.end());
    auto take = [](const RawSplit &s, const std::vector<int64_t> &idx) {
        auto i = torch::tensor(idx, torch::kInt64);
        RawSplit out;
        out.inputs = s.inputs.index_select(0, i);
        out.labels = s.labels.index_select(0, i);
        return out;
    };
    RawSplit val = take(train, valIdx);
    RawInfo info = std::move(train.info);
    train = take(train, trainIdx);
    train.info = std::move(info);
    return val;
}

// Stored values as the Input layer's type: token ids as int64, anything else float32 times the
// format's scale. The raw split is released as soon as it is converted.
TensorDataset toInputType(RawSplit &&s, DType inputType, double scale)
{
    TensorDataset d;
    d.labels = s.labels;
    if (inputType == DType::Int64) {
        d.inputs = s.inputs.to(torch::kInt64);
    } else {
        d.inputs = s.inputs.to(torch::kFloat32);
        // Divided by 1/scale (exactly 255 for bytes), as training has always computed it.
        if (scale != 1.0)
            d.inputs.div_(1.0 / scale);
    }
    s = {};
    return d;
}

// The per-channel mean and std to normalise with: the project's fixed values, or statistics of
// the training split only.
void normalizationStats(const Project &p, const torch::Tensor &train, std::vector<double> &mean,
                        std::vector<double> &stdev)
{
    const int64_t channels = p.dataset.sampleShape.size() >= 2 ? p.dataset.sampleShape[0] : 1;
    if (p.preprocess.normalize == "fixed") {
        mean = p.preprocess.mean;
        stdev = p.preprocess.std;
        if (mean.size() == 1 && channels > 1) {
            mean.assign(size_t(channels), mean[0]);
            stdev.assign(size_t(channels), stdev[0]);
        }
        return;
    }
    // Reductions over views, so no copy of the data is made (ATen accumulates these in double
    // precision).
    const bool perChannel = p.dataset.sampleShape.size() >= 2;
    for (int64_t c = 0; c < (perChannel ? channels : 1); ++c) {
        torch::Tensor v = perChannel ? train.select(1, c) : train;
        mean.push_back(v.mean().item<double>());
        stdev.push_back(std::max(v.std().item<double>(), 1e-12));
    }
}

// (x - mean[c]) / std[c] per channel on every split, in place.
void normalize(DataSplits &out, const Shape &sampleShape)
{
    Shape bshape(sampleShape.size() + 1, 1);
    if (sampleShape.size() >= 2)
        bshape[1] = int64_t(out.mean.size());
    auto mt = torch::tensor(out.mean, torch::kFloat64).to(torch::kFloat32).reshape(bshape);
    auto st = torch::tensor(out.std, torch::kFloat64).to(torch::kFloat32).reshape(bshape);
    for (TensorDataset *d : {&out.train, &out.validation, &out.test})
        if (d->size() > 0)
            d->inputs.sub_(mt).div_(st);
}

// The digest of a split as stored: its inputs' bytes, then its labels' (both contiguous on the CPU).
std::string splitSha256(const RawSplit &s)
{
    const torch::Tensor x = s.inputs.contiguous(), y = s.labels.contiguous();
    return sha256Parts(
        {{x.data_ptr(), size_t(x.numel()) * x.element_size()}, {y.data_ptr(), size_t(y.numel()) * y.element_size()}});
}

// Extra raw samples in the training split's stored form: the same sample shape (a leading
// channel of 1 added or dropped as the format stores it) and element types.
RawSplit matchedExtra(RawSplit extra, const RawSplit &train)
{
    const auto want = train.inputs.sizes().slice(1);
    if (extra.inputs.sizes().slice(1) != want) {
        std::vector<int64_t> shape{extra.inputs.size(0)};
        shape.insert(shape.end(), want.begin(), want.end());
        if (extra.inputs.numel() != std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<>()))
            throw EngineError(
                Message::tr("feedback samples are %1 but the training data's are %2",
                            formatShape(Shape(extra.inputs.sizes().begin() + 1, extra.inputs.sizes().end())),
                            formatShape(Shape(want.begin(), want.end()))));
        extra.inputs = extra.inputs.reshape(shape);
    }
    extra.inputs = extra.inputs.to(train.inputs.scalar_type());
    extra.labels = extra.labels.to(train.labels.scalar_type());
    return extra;
}

} // namespace

ImportCancelled::ImportCancelled() : EngineError(Message::tr("the import was cancelled")) {}

bool datasetFilesPresent(const Project &project, std::string *missing)
{
    return readerOf(datasetFormat(project)).filesPresent(project, missing);
}

torch::Tensor rawTestInputs(const Project &p) { return readerOf(datasetFormat(p)).testInputs(p); }

DataSplits loadDataSplits(const Project &p, DType inputType, const ImportControl &control,
                          const ExtraTrainSamples &extraTrain)
{
    const DatasetFormat &format = datasetFormat(p);
    RawSplits raw = loadRawSplits(p, format, control);
    DataSplits out;
    out.preprocessing = raw.train.info.preprocessing;
    out.preprocessing["format"] = format.name;
    out.skipped = raw.train.info.skipped;
    out.skipped.insert(out.skipped.end(), raw.test.info.skipped.begin(), raw.test.info.skipped.end());
    out.trainSha256 = splitSha256(raw.train);
    out.testSha256 = splitSha256(raw.test);
    RawSplit extra;
    if (extraTrain) {
        extra = extraTrain(out.preprocessing);
        if (extra.inputs.defined() && extra.inputs.size(0) > 0) {
            extra = matchedExtra(std::move(extra), raw.train);
            out.extraTrain = extra.inputs.size(0);
        }
    }
    RawSplit val = splitValidation(raw.train, p.dataset.validationFraction, p.dataset.splitSeed);

    const double scale = format.scale(inputType);
    out.train = toInputType(std::move(raw.train), inputType, scale);
    out.validation = toInputType(std::move(val), inputType, scale);
    out.test = toInputType(std::move(raw.test), inputType, scale);

    const bool normalizes = inputType == DType::Float32 && p.preprocess.normalize != "none";
    if (normalizes) // statistics of the original training data only
        normalizationStats(p, out.train.inputs, out.mean, out.std);
    if (out.extraTrain > 0) {
        TensorDataset more = toInputType(std::move(extra), inputType, scale);
        out.train.inputs = torch::cat({out.train.inputs, more.inputs});
        out.train.labels = torch::cat({out.train.labels, more.labels});
    }
    if (normalizes)
        normalize(out, p.dataset.sampleShape);
    out.preprocessing["format"] = format.name;
    out.preprocessing["scale"] = scale;
    out.preprocessing["normalize"] = inputType == DType::Float32 ? p.preprocess.normalize : "none";
    out.preprocessing["mean"] = out.mean;
    out.preprocessing["std"] = out.std;
    out.preprocessing["augmentation"] = augmentationRecord(p); // training batches only (augment.h)
    return out;
}

SampleImage sampleImage(torch::Tensor x)
{
    if (x.scalar_type() != torch::kUInt8) {
        // Real values: stretch to the full 8-bit range.
        const auto lo = x.min(), hi = x.max();
        x = ((x - lo) / (hi - lo).clamp_min(1e-12) * 255.0).round().to(torch::kUInt8);
    }
    if (x.dim() == 1)
        x = x.unsqueeze(0).unsqueeze(0); // a 1xN strip
    else if (x.dim() == 2)
        x = x.unsqueeze(0);
    // [C, H, W] -> [H, W, C]; more than 3 channels shows the first.
    if (x.size(0) != 1 && x.size(0) != 3)
        x = x.slice(0, 0, 1);
    x = x.permute({1, 2, 0}).contiguous();
    SampleImage img;
    img.height = int(x.size(0));
    img.width = int(x.size(1));
    img.channels = int(x.size(2));
    if (x.numel() > 0) // an empty tensor's data pointer may be null: no copy from it (UBSan)
        img.pixels.assign(x.data_ptr<uint8_t>(), x.data_ptr<uint8_t>() + x.numel());
    return img;
}

std::vector<DatasetSample> datasetPreview(const Project &p, int perClass)
{
    const DatasetFormat &format = datasetFormat(p);
    if (format.needsPath && !fs::is_directory(p.datasetPath()))
        throw EngineError(Message::tr("%1: dataset folder not found (/dataset/path)", p.datasetPath()));
    const RawSplit test = readerOf(format).test(p, {});
    const int classes = test.labels.is_floating_point() ? 0 : std::max(p.dataset.numClasses, 0);
    std::vector<std::vector<int64_t>> chosen(static_cast<size_t>(classes));
    const torch::Tensor labels = classes ? test.labels.contiguous() : torch::empty({0}, torch::kInt64);
    const int64_t *y = labels.data_ptr<int64_t>();
    for (int64_t i = 0; i < labels.numel(); ++i)
        if (y[i] >= 0 && y[i] < classes && int(chosen[size_t(y[i])].size()) < perClass)
            chosen[size_t(y[i])].push_back(i);
    std::vector<DatasetSample> samples;
    for (int c = 0; c < classes; ++c)
        for (int64_t i : chosen[size_t(c)])
            samples.push_back({c, sampleImage(test.inputs[i])});
    return samples;
}

} // namespace torchwright

namespace torchwright {

namespace {

std::vector<int64_t> classCounts(const torch::Tensor &labels, int classes)
{
    std::vector<int64_t> counts(size_t(std::max(classes, 0)), 0);
    if (labels.numel() == 0 || classes <= 0 || labels.is_floating_point())
        return counts;
    const torch::Tensor c = labels.contiguous();
    const int64_t *y = c.data_ptr<int64_t>();
    for (int64_t i = 0; i < c.numel(); ++i)
        if (y[i] >= 0 && y[i] < classes)
            ++counts[size_t(y[i])];
    return counts;
}

} // namespace

DatasetSummary datasetSummary(const Project &p, int perClass, const ImportControl &control)
{
    const DatasetFormat &format = datasetFormat(p);
    RawSplits raw = loadRawSplits(p, format, control);
    DatasetSummary s;
    s.format = format.name;
    s.trainCount = raw.train.labels.defined() ? raw.train.labels.size(0) : 0;
    s.testCount = raw.test.labels.defined() ? raw.test.labels.size(0) : 0;
    // A regression has no classes to count.
    const int classes = isRegression(p) ? 0 : std::max(p.dataset.numClasses, 0);
    if (classes > 0)
        s.classNames = p.dataset.classNames;
    s.trainPerClass = classCounts(raw.train.labels, classes);
    s.testPerClass = classCounts(raw.test.labels, classes);
    if (raw.train.inputs.defined() && raw.train.inputs.numel() > 0 && raw.train.inputs.scalar_type() != torch::kInt64) {
        const double scale = format.scale(DType::Float32);
        const bool perChannel = p.dataset.sampleShape.size() >= 2;
        const int64_t channels = perChannel ? raw.train.inputs.size(1) : 1;
        for (int64_t c = 0; c < channels; ++c) {
            const torch::Tensor v = (perChannel ? raw.train.inputs.select(1, c) : raw.train.inputs).to(torch::kFloat64);
            s.mean.push_back(v.mean().item<double>() * scale);
            s.std.push_back(v.numel() > 1 ? v.std().item<double>() * scale : 0.0);
        }
    }
    s.sourceSizes = raw.train.info.sourceSizes;
    for (const auto &[size, n] : raw.test.info.sourceSizes)
        s.sourceSizes[size] += n;
    s.skipped = raw.train.info.skipped;
    s.skipped.insert(s.skipped.end(), raw.test.info.skipped.begin(), raw.test.info.skipped.end());
    s.warnings = raw.train.info.warnings;
    s.warnings.insert(s.warnings.end(), raw.test.info.warnings.begin(), raw.test.info.warnings.end());
    s.columns = raw.train.info.columns;
    s.rows = raw.train.info.rows;
    std::vector<int> taken(size_t(classes), 0);
    const torch::Tensor labels = raw.train.labels.defined() && !raw.train.labels.is_floating_point()
                                     ? raw.train.labels.contiguous()
                                     : torch::Tensor();
    for (int64_t i = 0; labels.defined() && i < labels.numel() && perClass > 0; ++i) {
        const int64_t y = labels.data_ptr<int64_t>()[i];
        if (y >= 0 && y < classes && taken[size_t(y)] < perClass) {
            ++taken[size_t(y)];
            s.samples.push_back({int(y), sampleImage(raw.train.inputs[i])});
        }
    }
    std::stable_sort(s.samples.begin(), s.samples.end(),
                     [](const DatasetSample &a, const DatasetSample &b) { return a.label < b.label; });
    return s;
}

} // namespace torchwright
