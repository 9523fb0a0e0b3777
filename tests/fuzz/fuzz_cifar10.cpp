// CIFAR-10 binary batches: the bytes as test_batch.bin in a dataset folder, read through the
// format's reader as the trainer and the studio's preview do.

#include "fuzzcommon.h"

#include "dataset.h"

using namespace torchwright;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    torch::set_num_threads(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::writeFile("test_batch.bin", data, size);
    Project p;
    p.dataset.kind = "cifar10";
    p.dataset.path = fuzz::scratch();
    p.dataset.sampleShape = {3, 32, 32};
    p.dataset.numClasses = 10;
    try {
        (void)rawTestInputs(p);
    } catch (const std::exception &) {
    }
    try {
        (void)datasetPreview(p, 1);
    } catch (const std::exception &) {
    }
    return 0;
}
