// The synthetic format: class-dependent patterns plus Gaussian noise, generated from a seed (train
// from /dataset/synthetic/seed, test from the next seed); it needs no files. The exported program
// cannot reproduce std::mt19937_64's streams, so it reads the raw splits from data.pt.

#include "dataset.h"
#include "datasetreader.h"

#include <random>

namespace torchwright {

TensorDataset makeSyntheticDataset(const Shape &sampleShape, int numClasses, int count, double noise, uint64_t seed)
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

namespace {

RawSplit generate(const Project &p, int count, uint64_t seed)
{
    const DatasetSettings &d = p.dataset;
    TensorDataset s = makeSyntheticDataset(d.sampleShape, d.numClasses, count, d.syntheticNoise, seed);
    RawSplit raw;
    raw.inputs = s.inputs;
    raw.labels = s.labels;
    return raw;
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

DatasetFormat syntheticFormat()
{
    DatasetFormat d;
    d.name = "synthetic";
    d.label = "Generated (synthetic)";
    d.description = "class-dependent patterns plus Gaussian noise, generated from a seed; needs no files";
    d.needsPath = false;
    d.settings = {"/dataset/synthetic/train_samples", "/dataset/synthetic/test_samples", "/dataset/synthetic/noise",
                  "/dataset/synthetic/seed"};
    // Already real values: nothing to scale.
    d.scale = [](DType) { return 1.0; };
    d.programReader = "datasets/synthetic.py";
    d.programDataFile = "data.pt";
    d.reader = std::make_shared<const DatasetReader>(
        DatasetReader{[](const Project &, std::string *) { return true; }, trainSplit, testSplit,
                      [](const Project &p) { return testSplit(p).inputs; }});
    return d;
}

} // namespace torchwright
