// Bundle manifests: the bytes as manifest.json of a bundle whose model and input are valid,
// through predictBundle as `torchwright-cli predict` calls it.

#include "bundlefixture.h"

#include "torchwright/exports.h"

using namespace torchwright;

namespace {
std::string g_input;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    torch::set_num_threads(1);
    const std::string model = fuzz::makeModel();
    g_input = fuzz::writeFile("input.npy", fuzz::npy("|u1", "(3, 1, 2, 2)", std::string(12, '\x40')));
    if (const std::string seeds = fuzz::seedDir(); !seeds.empty()) {
        nlohmann::json m = fuzz::manifest(model);
        std::ofstream(seeds + "/manifest.json") << m.dump(2);
        m["input"]["dtype"] = "int64";
        std::ofstream(seeds + "/manifest_tokens.json") << m.dump();
        m = fuzz::manifest(model);
        m["preprocessing"] = {{"scale", 1.0}, {"mean", nlohmann::json::array()}, {"std", nlohmann::json::array()}};
        std::ofstream(seeds + "/manifest_nonorm.json") << m.dump();
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::writeFile("bundle/manifest.json", data, size);
    try {
        (void)predictBundle(fuzz::bundleDir(), g_input, 3, "cpu");
    } catch (const std::exception &) {
    }
    return 0;
}
