// The dataset formats a project can name, each one descriptor (see datasetformat.h).

#include "torchwright/datasetformat.h"

#include "torchwright/diagnostics.h"
#include "torchwright/project.h"

namespace torchwright {

namespace {

// Bytes become floats in [0, 1]; token ids (int64 inputs) stay as stored.
double byteScale(DType inputType) { return inputType == DType::Int64 ? 1.0 : 1.0 / 255.0; }

std::vector<DatasetFormat> makeFormats()
{
    std::vector<DatasetFormat> f;
    {
        DatasetFormat d;
        d.name = "idx";
        d.label = "IDX files (MNIST layout)";
        d.description = "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
                        "t10k-labels-idx1-ubyte (plain or .gz) in one folder, as MNIST and Fashion-MNIST ship";
        d.scale = byteScale;
        f.push_back(std::move(d));
    }
    {
        DatasetFormat d;
        d.name = "cifar10";
        d.label = "CIFAR-10 binary batches";
        d.description = "data_batch_1.bin to data_batch_5.bin and test_batch.bin in one folder";
        d.scale = byteScale;
        f.push_back(std::move(d));
    }
    {
        DatasetFormat d;
        d.name = "synthetic";
        d.label = "Generated (synthetic)";
        d.description = "class-dependent patterns plus Gaussian noise, generated from a seed; needs no files";
        d.needsPath = false;
        d.settings = {"/dataset/synthetic/train_samples", "/dataset/synthetic/test_samples",
                      "/dataset/synthetic/noise", "/dataset/synthetic/seed"};
        d.scale = [](DType) { return 1.0; };
        f.push_back(std::move(d));
    }
    return f;
}

} // namespace

const std::vector<DatasetFormat> &datasetFormats()
{
    static const std::vector<DatasetFormat> formats = makeFormats();
    return formats;
}

const DatasetFormat *findDatasetFormat(const std::string &name)
{
    for (const auto &f : datasetFormats())
        if (f.name == name)
            return &f;
    return nullptr;
}

const DatasetFormat &datasetFormat(const Project &project)
{
    if (const DatasetFormat *f = findDatasetFormat(project.dataset.kind))
        return *f;
    throw EngineError("unknown dataset kind \"" + project.dataset.kind + "\"");
}

std::vector<std::string> datasetFormatNames()
{
    std::vector<std::string> names;
    for (const auto &f : datasetFormats())
        names.push_back(f.name);
    return names;
}

} // namespace torchwright
