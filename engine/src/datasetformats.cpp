// The dataset formats a project can name, each one descriptor (see datasetformat.h).

#include "torchwright/datasetformat.h"

#include "datasetreader.h"

#include "torchwright/diagnostics.h"
#include "torchwright/project.h"

namespace torchwright {

// The one place the "raw bytes x 1/255" rule is written; token ids (int64 inputs) stay as stored.
double byteScale(DType inputType) { return inputType == DType::Int64 ? 1.0 : 1.0 / 255.0; }

const std::vector<DatasetFormat> &datasetFormats()
{
    // Each descriptor is made in its own file in engine/src/datasets/; this is the studio's order.
    static const std::vector<DatasetFormat> formats = {idxFormat(),      cifar10Format(),     syntheticFormat(),
                                                       sequenceFormat(), imageFolderFormat(), imageListFormat(),
                                                       csvFormat()};
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
    throw EngineError(Message::tr("unknown dataset kind \"%1\"", project.dataset.kind));
}

bool isRegression(const Project &project)
{
    const DatasetFormat *f = findDatasetFormat(project.dataset.kind);
    return f && f->regression && f->regression(project);
}

std::vector<std::string> datasetFormatNames()
{
    std::vector<std::string> names;
    for (const auto &f : datasetFormats())
        names.push_back(f.name);
    return names;
}

} // namespace torchwright
