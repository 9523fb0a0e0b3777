// The sequence format: generated LxF sequences whose class only their order decides. Each step is
// one symbol of F, written one-hot plus Gaussian noise. Symbols 0..K-1 (K = /dataset/num_classes)
// are markers: every sequence holds each marker exactly once, at random steps, and the rest are
// filler symbols K..F-1. The class is the marker that comes last. Every class has the same symbol
// counts, so a model that only counts symbols stays at chance; it must follow the order (a
// recurrent layer, attention with positions, or a position-aware dense layer). Train comes from
// /dataset/synthetic/seed, test from the next seed; the exported program reads the raw splits
// from data.pt, as for the synthetic format.

#include "dataset.h"
#include "datasetreader.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace torchwright {

namespace {

void checkShape(const Project &p)
{
    const Shape &s = p.dataset.sampleShape;
    const int k = p.dataset.numClasses;
    if (s.size() != 2)
        throw EngineError(Message::tr("/dataset/sample_shape: generated sequences are steps x symbols (LxF), got %1",
                                      formatShape(s)));
    if (s[1] <= k)
        throw EngineError(Message::tr("/dataset/sample_shape: %1 symbols per step leave no filler beside %2 class "
                                      "markers; give more than /dataset/num_classes symbols",
                                      s[1], k));
    if (s[0] < k)
        throw EngineError(Message::tr("/dataset/sample_shape: %1 steps cannot hold the %2 class markers; give at least "
                                      "/dataset/num_classes steps",
                                      s[0], k));
}

RawSplit generate(const Project &p, int count, uint64_t seed)
{
    checkShape(p);
    const int64_t steps = p.dataset.sampleShape[0], symbols = p.dataset.sampleShape[1];
    const int k = p.dataset.numClasses;
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_int_distribution<int64_t> filler(k, symbols - 1);
    const float noise = float(p.dataset.syntheticNoise);
    RawSplit s;
    s.inputs = torch::empty({count, steps, symbols}, torch::kFloat32);
    s.labels = torch::empty({count}, torch::kInt64);
    float *x = s.inputs.data_ptr<float>();
    int64_t *y = s.labels.data_ptr<int64_t>();
    std::vector<int64_t> at(static_cast<size_t>(steps)), markers(static_cast<size_t>(k));
    std::vector<int64_t> sequence(static_cast<size_t>(steps));
    for (int i = 0; i < count; ++i) {
        // The steps the markers take, in order, and the markers in a random order.
        std::iota(at.begin(), at.end(), 0);
        std::shuffle(at.begin(), at.end(), rng);
        std::sort(at.begin(), at.begin() + k);
        std::iota(markers.begin(), markers.end(), 0);
        std::shuffle(markers.begin(), markers.end(), rng);
        for (auto &symbol : sequence)
            symbol = filler(rng);
        for (int m = 0; m < k; ++m)
            sequence[size_t(at[size_t(m)])] = markers[size_t(m)];
        y[i] = markers[size_t(k - 1)];
        float *sample = x + int64_t(i) * steps * symbols;
        for (int64_t t = 0; t < steps; ++t)
            for (int64_t f = 0; f < symbols; ++f)
                sample[t * symbols + f] = (sequence[size_t(t)] == f ? 1.0f : 0.0f) + noise * normal(rng);
    }
    return s;
}

RawSplit trainSplit(const Project &p, const ImportControl & = {})
{
    return generate(p, p.dataset.syntheticTrain, p.dataset.syntheticSeed);
}
RawSplit testSplit(const Project &p, const ImportControl & = {})
{
    return generate(p, p.dataset.syntheticTest, p.dataset.syntheticSeed + 1);
}

} // namespace

DatasetFormat sequenceFormat()
{
    DatasetFormat d;
    d.name = "sequence";
    d.label = "Generated sequences (order decides the class)";
    d.description = "LxF one-hot symbol sequences whose class is the marker that comes last, generated from a seed; "
                    "needs no files";
    d.needsPath = false;
    d.settings = {"/dataset/synthetic/train_samples", "/dataset/synthetic/test_samples", "/dataset/synthetic/noise",
                  "/dataset/synthetic/seed"};
    d.scale = [](DType) { return 1.0; };
    d.programReader = "datasets/sequence.py";
    d.programDataFile = "data.pt";
    d.reader = std::make_shared<const DatasetReader>(
        DatasetReader{[](const Project &, std::string *) { return true; }, trainSplit, testSplit,
                      [](const Project &p) { return testSplit(p).inputs; }});
    return d;
}

} // namespace torchwright
