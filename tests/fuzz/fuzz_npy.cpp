// .npy input files of `predict BUNDLE INPUT.npy`: the bytes as the input of a fixed, valid
// bundle, through predictBundle as the CLI calls it.

#include "bundlefixture.h"

#include "torchwright/exports.h"

using namespace torchwright;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    torch::set_num_threads(1);
    const std::string model = fuzz::makeModel();
    fuzz::writeFile("bundle/manifest.json", fuzz::manifest(model).dump(2));
    if (const std::string seeds = fuzz::seedDir(); !seeds.empty()) {
        std::ofstream(seeds + "/u8.npy", std::ios::binary) << fuzz::npy("|u1", "(2, 1, 2, 2)", std::string(8, '\x7f'));
        std::ofstream(seeds + "/f4.npy", std::ios::binary) << fuzz::npy("<f4", "(1, 2, 2)", std::string(16, '\0'));
        std::ofstream(seeds + "/f8.npy", std::ios::binary) << fuzz::npy("<f8", "(1, 1, 2, 2)", std::string(32, '\0'));
        std::ofstream(seeds + "/i8.npy", std::ios::binary) << fuzz::npy("<i8", "(1, 2, 2)", std::string(32, '\1'));
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string input = fuzz::writeFile("input.npy", data, size);
    try {
        (void)predictBundle(fuzz::bundleDir(), input, 3, "cpu");
    } catch (const std::exception &) {
    }
    return 0;
}
