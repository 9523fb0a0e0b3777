#pragma once
// A minimal deployment bundle for the predict targets: a TorchScript model that flattens
// [N, 1, 2, 2] to 4 class scores, a manifest in the layout exportBundle() writes, and an input.

#include "fuzzcommon.h"

#include "sha256.h"

#include <nlohmann/json.hpp>
#include <torch/script.h>
#include <torch/torch.h>

#include <sys/stat.h>

namespace fuzz {

inline std::string bundleDir() { return scratch() + "/bundle"; }

inline std::string makeModel()
{
    const std::string dir = bundleDir();
    mkdir(dir.c_str(), 0700);
    torch::jit::Module m("Flatten");
    m.define("def forward(self, x):\n    return x.reshape([x.size(0), -1])\n");
    m.save(dir + "/model.pt");
    return dir + "/model.pt";
}

inline nlohmann::json manifest(const std::string &modelFile)
{
    using nlohmann::json;
    json m;
    m["format"] = "torchwright-bundle";
    m["version"] = 1;
    m["name"] = "fuzz";
    m["input"] = {{"name", "input"}, {"dtype", "float32"}, {"shape", {1, 2, 2}}};
    m["output"] = {{"name", "logits"}, {"shape", {4}}, {"meaning", "class scores before softmax"}};
    m["preprocessing"] = {{"scale", 1.0 / 255}, {"mean", {0.5}}, {"std", {0.25}}};
    m["classes"] = {"a", "b", "c", "d"};
    m["formats"] = {{"torchscript", {{"file", "model.pt"}}}};
    m["files"] = {{"model.pt", {{"sha256", torchwright::sha256File(modelFile)}, {"bytes", 0}}}};
    return m;
}

// A .npy file's bytes: uint8 or float32, C order, the given shape.
inline std::string npy(const std::string &descr, const std::string &shape, const std::string &payload)
{
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64)
        header += ' ';
    header += '\n';
    std::string out = "\x93NUMPY";
    out += char(1);
    out += char(0);
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    return out + header + payload;
}

} // namespace fuzz
