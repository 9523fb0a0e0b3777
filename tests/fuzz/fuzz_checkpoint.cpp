// Checkpoints and pretraining sources: the bytes as a .pt file, loaded into a fixed model (the
// tiny synthetic CNN of tests/data) by the loaders `--resume`, `evaluate`/`export` and Pretrain
// use: loadCheckpoint() with and without an optimizer, and loadPretrainedWeights().

#include "fuzzcommon.h"

#include "checkpoint.h"
#include "torchwright/project.h"

#include <torch/torch.h>

using namespace torchwright;

namespace {

GraphModel &model()
{
    static GraphModel m = [] {
        const ProjectLoad load = loadProjectFile(TORCHWRIGHT_SOURCE_DIR "/tests/data/tiny_synthetic/project.json");
        if (!load.ok())
            std::abort();
        return GraphModel(load.project.graph, TensorType{load.project.dataset.sampleShape, DType::Float32});
    }();
    return m;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    torch::set_num_threads(1);
    if (const std::string seeds = fuzz::seedDir(); !seeds.empty()) {
        // A checkpoint as training writes it: weights, Adam state after one step, RNG state.
        torch::optim::Adam adam(model()->parameters());
        model()->forward(torch::randn({2, 1, 8, 8})).sum().backward();
        adam.step();
        TrainingState state;
        state.epoch = 1;
        state.shuffleRng = "1 2 3";
        state.torchRng = defaultGeneratorState();
        saveCheckpoint(seeds + "/last.pt", *model(), &adam, state);
        saveCheckpoint(seeds + "/weights_only.pt", *model(), nullptr, state);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string path = fuzz::writeFile("checkpoint.pt", data, size);
    try {
        (void)loadPretrainedWeights(path, *model());
    } catch (const std::exception &) {
    }
    try {
        (void)loadCheckpoint(path, *model(), nullptr, torch::kCPU);
    } catch (const std::exception &) {
    }
    try {
        torch::optim::Adam adam(model()->parameters());
        (void)loadCheckpoint(path, *model(), &adam, torch::kCPU);
    } catch (const std::exception &) {
    }
    return 0;
}
