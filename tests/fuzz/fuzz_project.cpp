// Project files: JSON text -> the reader the CLI's validate/train and the studio use
// (parseProject), then the shape analysis, the canonical writer and, for small graphs, the
// model the trainer would build.

#include "fuzzcommon.h"

#include "model.h"
#include "torchwright/project.h"

#include <torch/torch.h>

using namespace torchwright;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    torch::set_num_threads(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    try {
        ProjectLoad load = parseProject(text, fuzz::scratch() + "/project.json");
        if (load.project.graph.nodes.empty() && load.diagnostics.hasErrors())
            return 0;
        const GraphAnalysis an = analyzeProject(load.project);
        (void)serializeProject(load.project);
        // Building allocates every weight: only graphs a test machine can hold.
        if (load.ok() && !an.diagnostics.hasErrors() && an.totalParameters <= 100000) {
            GraphModel model(load.project.graph, TensorType{load.project.dataset.sampleShape, DType::Float32});
            (void)model;
        }
    } catch (const std::exception &) {
        // Refused with a message: fine.
    }
    return 0;
}
