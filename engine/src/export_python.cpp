// PyTorch program export: a folder with train.py (the layer graph as an nn.Module whose
// attribute names are the node names, the project's data loading, preprocessing, optimizer,
// schedule, loss and seed, and torch.distributed data parallel under torchrun), weights.pt (the
// run's tensors, a plain dict that torch.load reads), data.pt for the synthetic dataset (Python
// cannot reproduce std::mt19937_64) and README.md.

#include "checkpoint.h"
#include "dataset.h"
#include "fileutil.h"
#include "torchwright/exports.h"
#include "torchwright/runtime.h"

#include <torch/serialize.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// ---- Python literals -------------------------------------------------------------------------

// A double as the shortest Python literal that reads back as the same double, so constants such
// as the normalization's mean reach Python bit for bit.
std::string pyNumber(double v)
{
    if (std::isnan(v))
        return "float(\"nan\")";
    if (std::isinf(v))
        return v > 0 ? "float(\"inf\")" : "-float(\"inf\")";
    std::string s;
    for (int precision : {15, 16, 17}) {
        std::ostringstream os;
        os.precision(precision);
        os << v;
        s = os.str();
        if (std::strtod(s.c_str(), nullptr) == v)
            break;
    }
    if (s.find_first_of(".eE") == std::string::npos)
        s += ".0";
    return s;
}

// JSON string escapes (\", \\, \n, \uXXXX) are valid Python string escapes.
std::string pyString(const std::string &s) { return json(s).dump(); }

std::string pyBool(bool b) { return b ? "True" : "False"; }

std::string pyLiteral(const json &v)
{
    switch (v.type()) {
    case json::value_t::null:
        return "None";
    case json::value_t::boolean:
        return pyBool(v.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return v.dump();
    case json::value_t::number_float:
        return pyNumber(v.get<double>());
    case json::value_t::string:
        return pyString(v.get<std::string>());
    case json::value_t::array: {
        std::string s = "[";
        for (size_t i = 0; i < v.size(); ++i)
            s += (i ? ", " : "") + pyLiteral(v[i]);
        return s + "]";
    }
    case json::value_t::object: {
        std::string s = "{";
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it, first = false)
            s += (first ? "" : ", ") + pyString(it.key()) + ": " + pyLiteral(it.value());
        return s + "}";
    }
    default:
        return "None";
    }
}

std::string pyList(const std::vector<double> &values)
{
    std::string s = "[";
    for (size_t i = 0; i < values.size(); ++i)
        s += (i ? ", " : "") + pyNumber(values[i]);
    return s + "]";
}

// Text for a "#" comment: one line.
std::string commentText(std::string s)
{
    for (char &c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

// The template with each @NAME@ replaced by its value, in one pass so that no value (a project
// name, say) is ever read as a marker.
std::string fillTemplate(const std::string &text, const std::map<std::string, std::string> &values)
{
    std::string out;
    size_t i = 0;
    for (size_t at; (at = text.find('@', i)) != std::string::npos;) {
        const size_t end = text.find('@', at + 1);
        auto it = end == std::string::npos ? values.end() : values.find(text.substr(at + 1, end - at - 1));
        if (it == values.end()) {
            out.append(text, i, at + 1 - i);
            i = at + 1;
            continue;
        }
        out.append(text, i, at - i);
        out += it->second;
        i = end + 1;
    }
    return out.append(text, i, std::string::npos);
}

// ---- the per-layer mapping -------------------------------------------------------------------

int64_t I(const json &p, const char *k) { return p.at(k).get<int64_t>(); }
double F(const json &p, const char *k) { return p.at(k).get<double>(); }
bool B(const json &p, const char *k) { return p.at(k).get<bool>(); }

// A negative "dim" parameter counts from the end of the sample; +1 for the batch dimension.
int64_t batchDim(int64_t dim, size_t sampleRank)
{
    return (dim < 0 ? dim + int64_t(sampleRank) : dim) + 1;
}

// How one layer type is written in Python. `module` is the nn.Module built in __init__ (null for
// layers written inline in forward); `forward` is the expression computing the output from the
// input variables, with `self` the expression naming the layer's module.
using Inputs = std::vector<TensorType>;
using Vars = std::vector<std::string>;
struct PythonLayer {
    std::function<std::string(const json &params, const Inputs &in)> module;
    std::function<std::string(const json &params, const Inputs &in, const std::string &self, const Vars &x)>
        forward;
};

std::string str(int64_t v) { return std::to_string(v); }

// Most layers: the module applied to the single input.
std::string callModule(const json &, const Inputs &, const std::string &self, const Vars &x)
{
    return self + "(" + x[0] + ")";
}

PythonLayer plainModule(std::string constructor)
{
    return {[constructor](const json &, const Inputs &) { return constructor; }, callModule};
}

std::string linearModule(const json &p, const Inputs &in)
{
    return "nn.Linear(" + str(in[0].shape.back()) + ", " + str(I(p, "out_features"))
           + ", bias=" + pyBool(B(p, "bias")) + ")";
}

std::string conv2dModule(const json &p, const Inputs &in)
{
    return "nn.Conv2d(" + str(in[0].shape[0]) + ", " + str(I(p, "out_channels")) + ", kernel_size="
           + str(I(p, "kernel_size")) + ", stride=" + str(I(p, "stride")) + ", padding=" + str(I(p, "padding"))
           + ", dilation=" + str(I(p, "dilation")) + ", groups=" + str(I(p, "groups")) + ", bias="
           + pyBool(B(p, "bias")) + ")";
}

// LibTorch's max_pool2d and avg_pool2d defaults (no ceil mode, padding counted in the average)
// are nn.MaxPool2d's and nn.AvgPool2d's.
PythonLayer pool(const std::string &cls)
{
    auto module = [cls](const json &p, const Inputs &) {
        const int64_t k = I(p, "kernel_size");
        const int64_t s = I(p, "stride") ? I(p, "stride") : k; // 0 means the kernel size
        return "nn." + cls + "(kernel_size=" + str(k) + ", stride=" + str(s) + ", padding=" + str(I(p, "padding"))
               + ")";
    };
    return {module, callModule};
}

std::string adaptivePoolModule(const json &p, const Inputs &)
{
    return "nn.AdaptiveAvgPool2d(" + str(I(p, "output_size")) + ")";
}

PythonLayer batchNorm(const std::string &cls)
{
    auto module = [cls](const json &p, const Inputs &in) {
        return "nn." + cls + "(" + str(in[0].shape[0]) + ", eps=" + pyNumber(F(p, "eps"))
               + ", momentum=" + pyNumber(F(p, "momentum")) + ")";
    };
    return {module, callModule};
}

std::string dropoutModule(const json &p, const Inputs &)
{
    return "nn.Dropout(p=" + pyNumber(F(p, "p")) + ")";
}

std::string leakyReluModule(const json &p, const Inputs &)
{
    return "nn.LeakyReLU(negative_slope=" + pyNumber(F(p, "negative_slope")) + ")";
}

PythonLayer softmax(const std::string &cls)
{
    auto module = [cls](const json &p, const Inputs &in) {
        return "nn." + cls + "(dim=" + str(batchDim(I(p, "dim"), in[0].shape.size())) + ")";
    };
    return {module, callModule};
}

std::string inputForward(const json &, const Inputs &, const std::string &, const Vars &x)
{
    return x[0];
}

// Summed left to right, as the engine does, so rounding is the same.
std::string addForward(const json &, const Inputs &, const std::string &, const Vars &x)
{
    std::string s = x[0];
    for (size_t i = 1; i < x.size(); ++i)
        s += " + " + x[i];
    return s;
}

std::string concatForward(const json &p, const Inputs &in, const std::string &, const Vars &x)
{
    std::string s = "torch.cat([";
    for (size_t i = 0; i < x.size(); ++i)
        s += (i ? ", " : "") + x[i];
    return s + "], dim=" + str(batchDim(I(p, "dim"), in[0].shape.size())) + ")";
}

std::string embeddingModule(const json &p, const Inputs &)
{
    return "nn.Embedding(" + str(I(p, "num_embeddings")) + ", " + str(I(p, "embedding_dim")) + ")";
}

PythonLayer recurrent(const std::string &cls)
{
    auto module = [cls](const json &p, const Inputs &in) {
        return "nn." + cls + "(" + str(in[0].shape[1]) + ", " + str(I(p, "hidden_size"))
               + ", num_layers=" + str(I(p, "num_layers")) + ", bidirectional=" + pyBool(B(p, "bidirectional"))
               + ", batch_first=True)";
    };
    // The output sequence; without return_sequences its last step, as the engine selects it.
    auto forward = [](const json &p, const Inputs &, const std::string &self, const Vars &x) {
        return self + "(" + x[0] + ")[0]" + (B(p, "return_sequences") ? "" : "[:, -1]");
    };
    return {module, forward};
}

// The engine transposes to LibTorch's sequence-first layout; batch_first=True does the same, and
// the parameter names (in_proj_weight, out_proj.weight) are LibTorch's.
std::string attentionModule(const json &p, const Inputs &in)
{
    return "nn.MultiheadAttention(" + str(in[0].shape[1]) + ", " + str(I(p, "num_heads"))
           + ", dropout=" + pyNumber(F(p, "dropout")) + ", batch_first=True)";
}

std::string attentionForward(const json &, const Inputs &, const std::string &self, const Vars &x)
{
    return self + "(" + x[0] + ", " + x[0] + ", " + x[0] + ", need_weights=False)[0]";
}

// Keyed by registry name. Each entry computes what the registry's builder computes, in eval mode
// and in training; the parameter and buffer names of the modules equal LibTorch's.
const std::map<std::string, PythonLayer> &pythonLayers()
{
    static const std::map<std::string, PythonLayer> table = {
        {"Input", {nullptr, inputForward}},
        {"Linear", {linearModule, callModule}},
        {"Conv2d", {conv2dModule, callModule}},
        {"MaxPool2d", pool("MaxPool2d")},
        {"AvgPool2d", pool("AvgPool2d")},
        {"AdaptiveAvgPool2d", {adaptivePoolModule, callModule}},
        {"BatchNorm1d", batchNorm("BatchNorm1d")},
        {"BatchNorm2d", batchNorm("BatchNorm2d")},
        {"Dropout", {dropoutModule, callModule}},
        {"Flatten", plainModule("nn.Flatten()")}, // start_dim=1, as torch::flatten(x, 1)
        {"ReLU", plainModule("nn.ReLU()")},
        {"LeakyReLU", {leakyReluModule, callModule}},
        {"GELU", plainModule("nn.GELU()")}, // the exact (erf) form, as torch::gelu
        {"Sigmoid", plainModule("nn.Sigmoid()")},
        {"Tanh", plainModule("nn.Tanh()")},
        {"Softmax", softmax("Softmax")},
        {"LogSoftmax", softmax("LogSoftmax")},
        {"Add", {nullptr, addForward}},
        {"Concat", {nullptr, concatForward}},
        {"Embedding", {embeddingModule, callModule}},
        {"LSTM", recurrent("LSTM")},
        {"GRU", recurrent("GRU")},
        {"MultiheadAttention", {attentionModule, attentionForward}},
    };
    return table;
}

// ---- names -----------------------------------------------------------------------------------

bool isPythonKeyword(const std::string &s)
{
    static const std::set<std::string> keywords = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"};
    return keywords.count(s) > 0;
}

// Node names that cannot be nn.Module attributes read as `self.<name>`: keywords, names of
// nn.Module's own members (a method found on the class hides a submodule of the same name) and
// names that newer PyTorch versions may add in the same families.
bool needsModulesDict(const std::string &name)
{
    static const std::set<std::string> members = {
        "T_destination", "add_module", "apply", "bfloat16", "buffers", "children", "compile", "cpu",
        "cuda", "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer",
        "get_extra_state", "get_parameter", "get_submodule", "half", "ipu", "load_state_dict", "modules",
        "mtia", "named_buffers", "named_children", "named_modules", "named_parameters", "parameters",
        "register_backward_hook", "register_buffer", "register_forward_hook", "register_forward_pre_hook",
        "register_full_backward_hook", "register_module", "register_parameter", "requires_grad_",
        "set_extra_state", "share_memory", "state_dict", "to", "to_empty", "train", "training", "type",
        "xpu", "zero_grad"};
    if (name.empty() || name[0] == '_' || isPythonKeyword(name) || members.count(name))
        return true;
    for (const char *prefix : {"register_", "named_", "get_", "set_", "load_", "call_"})
        if (name.rfind(prefix, 0) == 0)
            return true;
    return false;
}

std::string moduleRef(const std::string &name)
{
    return needsModulesDict(name) ? "self._modules[" + pyString(name) + "]" : "self." + name;
}

// ---- train.py ----------------------------------------------------------------------------------

struct ModelCode {
    std::string init;    // statements of __init__ after super().__init__()
    std::string forward; // statements of forward(self, x)
};

ModelCode modelCode(GraphModelImpl &model)
{
    const Graph &g = model.graph();
    const GraphAnalysis &a = model.analysis();
    const auto &table = pythonLayers();
    ModelCode code;
    // Local variables are the node names, unless a name would hide `x`, `self` or a module.
    std::set<std::string> taken = {"self", "x", "torch", "nn", "F", "math"};
    std::map<int, std::string> var;
    std::map<int, TensorType> outputs;
    for (NodeId id : a.order) {
        const Node &n = *g.node(id);
        auto entry = table.find(n.type);
        if (entry == table.end())
            throw EngineError("layer '" + n.name + "' (" + n.type + ") cannot be written as PyTorch code");
        std::vector<TensorType> in;
        std::vector<std::string> x;
        if (id == a.inputNode) {
            in.push_back(a.nodes.at(id.value).output.value_or(TensorType{}));
            x.push_back("x");
        }
        for (const Edge &e : g.inputsOf(id)) {
            in.push_back(outputs.at(e.from.node.value));
            x.push_back(var.at(e.from.node.value));
        }
        const auto &info = a.nodes.at(id.value);
        if (!info.output)
            throw EngineError("layer '" + n.name + "' (" + n.type + ") has no inferred output shape");
        const std::string shape = formatShape(info.output->shape);
        std::string self;
        try {
            if (entry->second.module) {
                self = moduleRef(n.name);
                code.init += "        " + self + " = " + entry->second.module(n.params, in) + "\n";
            }
            std::string v = n.name;
            if (isPythonKeyword(v) || taken.count(v))
                v = "v_" + v;
            while (taken.count(v))
                v += "_";
            taken.insert(v);
            code.forward +=
                "        " + v + " = " + entry->second.forward(n.params, in, self, x) + "  # " + shape + "\n";
            var[id.value] = v;
        } catch (const json::exception &e) {
            throw EngineError("layer '" + n.name + "' (" + n.type + ") cannot be written as PyTorch code: "
                              + e.what());
        }
        outputs[id.value] = *info.output;
    }
    code.forward += "        return " + var.at(a.outputNode.value) + "\n";
    return code;
}

// The program. @NAME@ markers are filled in by pythonProgram().
const char *const kProgram = R"PY(#!/usr/bin/env python3
# @COMMENT_PROJECT@: a standalone PyTorch program exported by Torchwright @VERSION@
# from the run @COMMENT_RUN@ (checkpoint @COMMENT_CHECKPOINT@).
"""Trains the project's layer graph with PyTorch as the Torchwright studio does: the same
model (the graph's node names are its attribute names, so state_dict() keys are the studio's
tensor names such as "conv1.weight"), data loading, preprocessing, optimizer, learning-rate
schedule, loss, gradient clipping and seed.

    python3 train.py                                     # one process
    torchrun --standalone --nproc_per_node=2 train.py    # data parallel (gloo/NCCL)

README.md has the options, and a workaround for torchrun of PyTorch 1.13 on Python 3.11.

It starts from the studio's trained weights (weights.pt beside it) unless told otherwise and
writes checkpoint.pt, which the studio imports as a pretraining source. Importing this file
runs nothing: build_model(), load_weights() and load_data() are there for other programs.
"""

import argparse
import gzip
import math
import os
import re
import sys
import time
import zlib

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- the project's settings ----------------------------------------------------------------

PROJECT = @PROJECT@
DATASET_KIND = @DATASET_KIND@  # "idx" (MNIST layout), "cifar10" (binary batches) or "synthetic"
# The folder with the idx or cifar10 files (--data overrides it); the synthetic set is data.pt
# beside this program.
DATASET_DIR = @DATASET_DIR@
SAMPLE_SHAPE = @SAMPLE_SHAPE@
NUM_CLASSES = @NUM_CLASSES@
CLASS_NAMES = @CLASS_NAMES@
INPUT_DTYPE = @INPUT_DTYPE@  # the Input layer's element type
VALIDATION_FRACTION = @VALIDATION_FRACTION@
SPLIT_SEED = @SPLIT_SEED@
# The per-channel mean and std the studio's run normalised its inputs (scaled to 0..1) with,
# exactly as its run.json records them; both empty when it normalised nothing.
NORM_MEAN = @NORM_MEAN@
NORM_STD = @NORM_STD@

EPOCHS = @EPOCHS@
BATCH_SIZE = @BATCH_SIZE@
LOSS = @LOSS@  # "cross_entropy", "mse" or "bce_with_logits"
OPTIMIZER = @OPTIMIZER@
SCHEDULE = @SCHEDULE@
EARLY_STOPPING = @EARLY_STOPPING@
GRAD_CLIP = @GRAD_CLIP@  # the largest global L2 norm of the gradients; 0 = no clipping
SEED = @SEED@
FROZEN = @FROZEN@  # layers whose parameters are not trained

CHECKPOINT_FORMAT = "torchwright-pytorch-checkpoint"


class ProgramError(Exception):
    """A problem with the data, the weights or the settings, said in one line."""


# ---- the model -------------------------------------------------------------------------------


class Model(nn.Module):
    """The layer graph. Each layer is the attribute named after its node, so state_dict() keys
    equal the studio's tensor names. The comments give each output's shape without the batch."""

    def __init__(self):
        super().__init__()
@INIT@
    def forward(self, x):
@FORWARD@

def build_model():
    return Model()


def read_weights(path):
    """A name -> tensor dict from weights.pt or from a checkpoint this program wrote."""
    if not os.path.exists(path):
        raise ProgramError(f"{path}: weights file not found")
    state = torch.load(path, map_location="cpu")
    if isinstance(state, dict) and state.get("format") == CHECKPOINT_FORMAT:
        state = state["model"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ProgramError(f"{path}: not a dict of tensors")
    return state


def load_weights(model, path):
    """Copies every tensor of `path` into `model`; both must hold exactly the same names."""
    state = read_weights(path)
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    if missing or unexpected:
        raise ProgramError(f"{path}: the weights are from a different layer graph (missing: "
                           f"{', '.join(missing) or 'none'}; unknown: {', '.join(unexpected) or 'none'})")
    for k, v in state.items():
        if v.shape != expected[k].shape:
            raise ProgramError(f"{path}: '{k}' is {tuple(v.shape)} in the file but "
                               f"{tuple(expected[k].shape)} in the model")
    model.load_state_dict(state)


# ---- data ------------------------------------------------------------------------------------


def _read_bytes(path):
    """A file's bytes, inflated when its content is gzip (as the studio tells it)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as e:
            raise ProgramError(f"{path}: the gzip stream is truncated or damaged ({e})")
    return data


def _locate(path):
    """The file itself, or the same name with .gz when only that exists."""
    if os.path.exists(path):
        return path
    if os.path.exists(path + ".gz"):
        return path + ".gz"
    raise ProgramError(f"{path}: file not found (also looked for {os.path.basename(path)}.gz)")


def read_idx(path):
    """An IDX file of unsigned bytes as a uint8 tensor; images [N, rows, cols] come back as
    [N, 1, rows, cols]."""
    path = _locate(path)
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or not 1 <= data[3] <= 4:
        raise ProgramError(f"{path}: not an IDX file (wrong magic number)")
    if data[2] != 0x08:
        raise ProgramError(f"{path}: IDX element type {data[2]:#04x} is not supported; only unsigned bytes are")
    dims = data[3]
    header = 4 + 4 * dims
    if len(data) < header:
        raise ProgramError(f"{path}: truncated: the header needs {header} bytes, the file has {len(data)}")
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    count = math.prod(shape)
    if len(data) - header != count:
        raise ProgramError(f"{path}: expected {count} bytes of data after the header, found {len(data) - header}")
    t = torch.frombuffer(bytearray(data[header:]), dtype=torch.uint8) if count else torch.empty(0, dtype=torch.uint8)
    t = t.reshape(shape)
    return t.unsqueeze(1) if dims == 3 else t


def _idx_pair(folder, prefix):
    images = read_idx(os.path.join(folder, prefix + "-images-idx3-ubyte"))
    labels_path = os.path.join(folder, prefix + "-labels-idx1-ubyte")
    labels = read_idx(labels_path)
    if labels.dim() != 1:
        raise ProgramError(f"{labels_path}: expected a 1-dimensional label file, got {labels.dim()} dimensions")
    if labels.size(0) != images.size(0):
        raise ProgramError(f"{labels_path}: {labels.size(0)} labels for {images.size(0)} images")
    return images, labels.long()


def _cifar_batches(folder, names):
    record = 1 + 3 * 32 * 32
    images, labels = [], []
    for name in names:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            raise ProgramError(f"{path}: file not found")
        with open(path, "rb") as f:
            data = f.read()
        if not data or len(data) % record:
            raise ProgramError(f"{path}: truncated: {len(data)} bytes is not a whole number of {record}-byte records")
        raw = torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(-1, record)
        labels.append(raw[:, 0].long())
        images.append(raw[:, 1:].reshape(-1, 3, 32, 32))
    return torch.cat(images), torch.cat(labels)


def load_raw(data_dir=None):
    """(train inputs, train labels, test inputs, test labels) as stored: uint8 for idx and
    cifar10, float32 for the synthetic set the studio generated into data.pt."""
    if DATASET_KIND == "synthetic":
        path = os.path.join(data_dir or HERE, "data.pt")
        if not os.path.exists(path):
            raise ProgramError(f"{path}: the synthetic dataset written by the studio is missing")
        d = torch.load(path, map_location="cpu")
        return d["train_inputs"], d["train_labels"], d["test_inputs"], d["test_labels"]
    folder = data_dir or DATASET_DIR
    if not os.path.isdir(folder):
        raise ProgramError(f"{folder}: dataset folder not found; pass --data DIR")
    if DATASET_KIND == "idx":
        return (*_idx_pair(folder, "train"), *_idx_pair(folder, "t10k"))
    return (*_cifar_batches(folder, [f"data_batch_{i}.bin" for i in range(1, 6)]),
            *_cifar_batches(folder, ["test_batch.bin"]))


def _check(images, labels, what):
    if list(images.shape[1:]) != SAMPLE_SHAPE:
        raise ProgramError(f"the {what} samples are {'x'.join(map(str, images.shape[1:]))} but the project "
                           f"declares {'x'.join(map(str, SAMPLE_SHAPE))}")
    if labels.numel() and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise ProgramError(f"the {what} labels go up to {labels.max().item()} but there are {NUM_CLASSES} classes")


def preprocess(x):
    """Stored samples -> model inputs, computed as the studio computes them: token ids become
    int64; anything else float32, bytes divided by 255, then (x - mean) / std per channel with
    the run's own values."""
    if INPUT_DTYPE == torch.int64:
        return x.to(torch.int64)
    is_bytes = x.dtype == torch.uint8
    x = x.to(torch.float32)
    if is_bytes:
        x = x / 255.0
    if NORM_MEAN:
        shape = [1] * (len(SAMPLE_SHAPE) + 1)
        if len(SAMPLE_SHAPE) >= 2:
            shape[1] = len(NORM_MEAN)
        mean = torch.tensor(NORM_MEAN, dtype=torch.float64).to(torch.float32).reshape(shape)
        std = torch.tensor(NORM_STD, dtype=torch.float64).to(torch.float32).reshape(shape)
        x = (x - mean) / std
    return x


def split_validation(n):
    """(training indices, validation indices) of n samples. The studio shuffles with
    std::mt19937_64(split_seed), which Python cannot reproduce: this draws a split of the same
    size with torch.randperm seeded by the same split seed, so its samples differ."""
    n_val = int(math.floor(VALIDATION_FRACTION * n + 0.5))  # llround, as the studio rounds
    if n - n_val < 1:
        raise ProgramError(f"the validation fraction {VALIDATION_FRACTION} leaves no training samples out of {n}")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(SPLIT_SEED))
    return perm[n_val:].sort().values, perm[:n_val].sort().values


def load_data(data_dir=None):
    """{"train": (x, y), "validation": (x, y), "test": (x, y)}, preprocessed."""
    train_x, train_y, test_x, test_y = load_raw(data_dir)
    _check(train_x, train_y, "training")
    _check(test_x, test_y, "test")
    train_idx, val_idx = split_validation(train_y.size(0))
    return {"train": (preprocess(train_x[train_idx]), train_y[train_idx]),
            "validation": (preprocess(train_x[val_idx]), train_y[val_idx]),
            "test": (preprocess(test_x), test_y)}


# ---- training --------------------------------------------------------------------------------


def loss_and_hits(out, labels):
    """The batch's mean loss and its number of correct predictions, as the studio measures them:
    one output and at most two classes is a binary classifier (logit > 0 is class 1)."""
    binary = out.dim() == 2 and out.size(1) == 1 and NUM_CLASSES <= 2
    predictions = (out.squeeze(1) > 0).long() if binary else out.argmax(1)
    hits = (predictions == labels).sum()
    if LOSS == "cross_entropy":
        return F.cross_entropy(out, labels), hits
    target = labels.to(out.dtype).unsqueeze(1) if binary else F.one_hot(labels, out.size(1)).to(out.dtype)
    if LOSS == "mse":
        return F.mse_loss(out, target), hits
    return F.binary_cross_entropy_with_logits(out, target), hits


def make_optimizer(params):
    o = OPTIMIZER
    if o["type"] == "sgd":
        return torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], nesterov=o["nesterov"],
                               weight_decay=o["weight_decay"])
    if o["type"] == "adamw":
        return torch.optim.AdamW(params, lr=o["lr"], betas=tuple(o["betas"]), eps=o["eps"],
                                 weight_decay=o["weight_decay"])
    if o["type"] == "rmsprop":
        return torch.optim.RMSprop(params, lr=o["lr"], alpha=o["alpha"], eps=o["eps"],
                                   weight_decay=o["weight_decay"], momentum=o["momentum"])
    return torch.optim.Adam(params, lr=o["lr"], betas=tuple(o["betas"]), eps=o["eps"],
                            weight_decay=o["weight_decay"])


def scheduled_lr(epoch):
    """The learning rate of an epoch (1-based), set at its start as the studio does. Like the
    studio, the cosine schedule spans the project's EPOCHS even when --epochs differs."""
    base = OPTIMIZER["lr"]
    if SCHEDULE["type"] == "step":
        return base * math.pow(SCHEDULE["gamma"], (epoch - 1) // SCHEDULE["step_size"])
    if SCHEDULE["type"] == "cosine":
        progress = (epoch - 1) / (EPOCHS - 1) if EPOCHS > 1 else 0.0
        return SCHEDULE["min_lr"] + 0.5 * (base - SCHEDULE["min_lr"]) * (1.0 + math.cos(math.pi * progress))
    return base


def evaluate(model, x, y, rank=0, world=1):
    """(mean loss, accuracy) over x, y in eval mode; NaN for no samples. Each process takes
    every world-th sample and the sums are added up across processes."""
    x, y = x[rank::world], y[rank::world]
    totals = torch.zeros(3, dtype=torch.float64, device=y.device)
    model.eval()
    with torch.no_grad():
        for i in range(0, y.size(0), 1024):
            loss, hits = loss_and_hits(model(x[i:i + 1024]), y[i:i + 1024])
            n = y[i:i + 1024].size(0)
            totals += torch.stack([loss.double() * n, hits.double(), totals.new_tensor(float(n))])
    model.train()
    if world > 1:
        dist.all_reduce(totals)
    if totals[2].item() == 0:
        return math.nan, math.nan
    return (totals[0] / totals[2]).item(), (totals[1] / totals[2]).item()


def save_checkpoint(model, path, epoch, metrics):
    """The checkpoint the studio imports as a pretraining source, written whole or not at all."""
    state = {"format": CHECKPOINT_FORMAT, "version": 1,
             "model": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
             "epoch": epoch, "project": PROJECT, "metrics": metrics}
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    temp = os.path.join(folder, f".{os.path.basename(path)}.tmp-{os.getpid()}")
    try:
        torch.save(state, temp)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def setup_distributed(device_name):
    """(device, rank, world size). Started by torchrun, joins the process group: NCCL with one
    GPU per process, gloo on the CPU."""
    want_cuda = device_name.startswith("cuda") or (device_name == "auto" and torch.cuda.is_available())
    if want_cuda and not torch.cuda.is_available():
        raise ProgramError(f"--device {device_name}: no GPU is available to PyTorch")
    if "RANK" not in os.environ or "WORLD_SIZE" not in os.environ:
        if device_name == "auto":
            return torch.device("cuda" if want_cuda else "cpu"), 0, 1
        return torch.device(device_name), 0, 1
    if want_cuda:
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
        dist.init_process_group("nccl")
    else:
        device = torch.device("cpu")
        dist.init_process_group("gloo")
    return device, dist.get_rank(), dist.get_world_size()


def train(args):
    device, rank, world = setup_distributed(args.device)
    distributed = dist.is_initialized()

    def log(line):
        if rank == 0:
            print(line, flush=True)

    data = load_data(args.data)
    train_x, train_y = data["train"]
    if args.limit > 0:
        train_x, train_y = train_x[:args.limit], train_y[:args.limit]
    val_x, val_y = data["validation"]
    train_x, train_y, val_x, val_y = (t.to(device) for t in (train_x, train_y, val_x, val_y))
    n = train_y.size(0)

    torch.manual_seed(args.seed)
    model = build_model()
    weights = None if args.from_scratch else args.weights
    if weights is None and not args.from_scratch and os.path.exists(os.path.join(HERE, "weights.pt")):
        weights = os.path.join(HERE, "weights.pt")
    if weights:
        load_weights(model, weights)
    model.to(device)
    trainable = []
    for name, p in model.named_parameters():
        if name.split(".", 1)[0] in FROZEN:
            p.requires_grad_(False)
        else:
            trainable.append(p)
    if not trainable:
        raise ProgramError("every layer is frozen; nothing is left to train")
    net = model
    if distributed:
        # DDP copies rank 0's weights to every process; the processes then draw different
        # dropout masks.
        net = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
        torch.manual_seed(args.seed + rank)
    optimizer = make_optimizer(trainable)

    batch_size = args.batch_size
    sampler = DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=True,
                                 seed=args.seed) if distributed else None
    shuffle = torch.Generator().manual_seed(args.seed)
    per_process = len(sampler) if sampler else n
    batches = (per_process + batch_size - 1) // batch_size
    log_every = args.log_every if args.log_every > 0 else max(1, batches // 10)
    log(f"data: {n} training, {val_y.size(0)} validation, {data['test'][1].size(0)} test samples of "
        f"{'x'.join(map(str, SAMPLE_SHAPE))}")
    log(f"weights: {weights if weights else f'a fresh initialisation (seed {args.seed})'}")
    log(f"training on {device} in {world} process(es), {batches} batches of {batch_size} per process and epoch")

    watch_accuracy = EARLY_STOPPING["metric"] == "val_accuracy"
    best = -math.inf if watch_accuracy else math.inf
    without_improvement = 0
    for epoch in range(1, args.epochs + 1):
        lr = scheduled_lr(epoch)
        for group in optimizer.param_groups:
            group["lr"] = lr
        net.train()
        if sampler:
            sampler.set_epoch(epoch)
            order = torch.tensor(list(sampler), dtype=torch.int64)
        else:
            order = torch.randperm(n, generator=shuffle)
        order = order.to(device)
        totals = torch.zeros(3, dtype=torch.float64, device=device)  # loss sum, hits, samples
        start = time.time()
        for b in range(batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            x, y = train_x.index_select(0, idx), train_y.index_select(0, idx)
            optimizer.zero_grad()
            loss, hits = loss_and_hits(net(x), y)
            step = torch.stack([loss.detach().double() * idx.numel(), hits.double(),
                                totals.new_tensor(float(idx.numel()))])
            if distributed:
                dist.all_reduce(step)  # every process sees the same loss and stops alike
            batch_loss = (step[0] / step[2]).item()
            if not math.isfinite(batch_loss):
                raise ProgramError(f"the loss became {'NaN' if math.isnan(batch_loss) else 'infinite'} in epoch "
                                   f"{epoch}, batch {b + 1} (learning rate {lr}); training stopped. Lower the "
                                   f"learning rate or clip gradients.")
            loss.backward()
            if GRAD_CLIP > 0:
                nn.utils.clip_grad_norm_(trainable, GRAD_CLIP)
            optimizer.step()
            totals += step
            if (b + 1) % log_every == 0 or b + 1 == batches:
                log(f"epoch {epoch} batch {b + 1}/{batches} loss {batch_loss:.6f} "
                    f"accuracy {(step[1] / step[2]).item():.4f} lr {lr:.6g}")
        seconds = time.time() - start
        if distributed:
            # Batch norm statistics differ between processes; validate and save rank 0's.
            for buffer in model.buffers():
                dist.broadcast(buffer, 0)
        val_loss, val_accuracy = evaluate(model, val_x, val_y, rank, world)
        train_loss = (totals[0] / totals[2]).item()
        train_accuracy = (totals[1] / totals[2]).item()
        log(f"epoch {epoch} train_loss {train_loss:.6f} train_accuracy {train_accuracy:.4f} "
            f"val_loss {val_loss:.6f} val_accuracy {val_accuracy:.4f} lr {lr:.6g} seconds {seconds:.2f}")
        if rank == 0:
            save_checkpoint(model, args.out, epoch, {"loss": train_loss, "accuracy": train_accuracy,
                                                     "val_loss": val_loss, "val_accuracy": val_accuracy})
            log(f"saved {args.out}")

        # Early stopping on the watched metric (the training loss without a validation split).
        metric = (val_accuracy if watch_accuracy else val_loss) if val_y.size(0) > 0 else train_loss
        delta = EARLY_STOPPING["min_delta"]
        if (metric > best + delta) if watch_accuracy else (metric < best - delta):
            best, without_improvement = metric, 0
        else:
            without_improvement += 1
        if EARLY_STOPPING["enabled"] and without_improvement > EARLY_STOPPING["patience"] and epoch < args.epochs:
            log(f"early stopping after epoch {epoch}: {EARLY_STOPPING['metric']} has not improved for "
                f"{without_improvement} epoch(s)")
            break


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=f"Trains {PROJECT} with PyTorch (exported from Torchwright).")
    p.add_argument("--epochs", type=int, default=EPOCHS, help="epochs to train (default: %(default)s)")
    p.add_argument("--batch-size", type=int, default=BATCH_SIZE,
                   help="samples per batch in each process (default: %(default)s)")
    p.add_argument("--device", default="auto",
                   help="auto, cpu, cuda or cuda:N (default: auto, a GPU when there is one)")
    p.add_argument("--weights", metavar="PATH",
                   help="start from these weights: weights.pt or a checkpoint of this program "
                        "(default: weights.pt beside this program when it is there)")
    p.add_argument("--from-scratch", action="store_true", help="start from a fresh initialisation")
    p.add_argument("--data", metavar="DIR", help="the dataset folder (default: the project's, or this "
                                                 "program's folder for data.pt)")
    p.add_argument("--out", metavar="PATH", default=os.path.join(HERE, "checkpoint.pt"),
                   help="the checkpoint written after every epoch (default: checkpoint.pt beside this program)")
    p.add_argument("--limit", type=int, default=0, metavar="N",
                   help="train on the first N training samples only, for quick checks")
    p.add_argument("--seed", type=int, default=SEED, help="random seed (default: %(default)s)")
    p.add_argument("--log-every", type=int, default=0, metavar="N",
                   help="print the loss every N batches (default: about ten lines per epoch)")
    args = p.parse_args(argv)
    if not re.fullmatch(r"auto|cpu|cuda(:\d+)?", args.device):
        p.error(f"--device: expected auto, cpu, cuda or cuda:N, got {args.device}")
    if args.epochs < 1 or args.batch_size < 1:
        p.error("--epochs and --batch-size must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        train(args)
        return 0
    except ProgramError as e:
        rank = os.environ.get("RANK")
        prefix = f"rank {rank}: " if rank not in (None, "0") else ""
        print(f"{prefix}error: {e}", file=sys.stderr, flush=True)
        return 1
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
)PY";

const char *const kReadme = R"MD(# @PROJECT@ as a PyTorch program

Exported by Torchwright @VERSION@ from the run `@RUN@` (checkpoint `@CHECKPOINT@`).

| File | What it holds |
| --- | --- |
| `train.py` | the model as an `nn.Module`, the data loading and preprocessing, and the training loop |
| `weights.pt` | the run's weights and buffers: a dict name -> tensor (`torch.load`) |
@DATA_ROW@| `README.md` | this file |

It needs Python 3.8 or newer and PyTorch 1.13 or newer (written against 1.13). @DATA_NOTE@

## Running it

One process, on a GPU when there is one:

    python3 train.py

Data parallel with N processes on the CPU (gloo):

    torchrun --standalone --nproc_per_node=N train.py --device cpu

Data parallel on the N GPUs of one machine (NCCL, one GPU per process):

    torchrun --standalone --nproc_per_node=N train.py --device cuda

Under torchrun every process trains on its share of the samples with `--batch-size` samples per
batch, so one step sees N x batch-size samples; only rank 0 prints and writes the checkpoint.

With PyTorch 1.13 on Python 3.11 (Debian 12's python3-torch) torchrun itself stops with
`AttributeError: 'NoneType' object has no attribute 'get'`: its parsing of the default `--redirects`
and `--tee` values fails on that Python. Giving both a non-zero value avoids it:

    torchrun --redirects 2 --tee 2 --standalone --nproc_per_node=N train.py --device cpu

| Option | Meaning |
| --- | --- |
| `--epochs N` | epochs to train (the project's: @EPOCHS@) |
| `--batch-size N` | samples per batch in each process (the project's: @BATCH_SIZE@) |
| `--device D` | `auto` (default), `cpu`, `cuda` or `cuda:N` |
| `--weights PATH` | start from these weights (default: `weights.pt` here when present) |
| `--from-scratch` | start from a fresh initialisation instead |
| `--data DIR` | the dataset folder (default: @DATA_DEFAULT@) |
| `--out PATH` | the checkpoint to write (default: `checkpoint.pt` here) |
| `--limit N` | train on the first N training samples only, for quick checks |
| `--seed N` | random seed (the project's: @SEED@) |
| `--log-every N` | print the loss every N batches |

It prints `epoch E batch B/BATCHES loss L ...` while training and
`epoch E train_loss L train_accuracy A val_loss L val_accuracy A ...` after each epoch.

## The checkpoint

After every epoch rank 0 writes `checkpoint.pt` (to a temporary file, then renamed):

    {"format": "torchwright-pytorch-checkpoint", "version": 1,
     "model": {name: tensor, ...},   # the studio's tensor names, no "module." prefix
     "epoch": epochs trained, "project": project name,
     "metrics": {"loss": ..., "accuracy": ..., "val_loss": ..., "val_accuracy": ...}}

The studio imports it as a pretraining source. `--weights checkpoint.pt` continues from it.

## Using the model elsewhere

    import train
    model = train.build_model()
    train.load_weights(model, "weights.pt")
    model.eval()
    data = train.load_data()          # {"train": (x, y), "validation": ..., "test": ...}

## Where it differs from the studio

- The validation split has the same size but other samples: the studio draws it with C++'s
  `std::mt19937_64`, which Python cannot reproduce, so this program uses `torch.randperm` with the
  same split seed. The same holds for the shuffling of batches and a fresh initialisation.
- Inputs are normalised with the exact mean and std the studio's run used (`NORM_MEAN`,
  `NORM_STD` in train.py).
- With `--from-scratch` the project's pretraining source is not loaded; frozen layers stay frozen.
- Under torchrun batch normalization uses each process's own batch statistics.
)MD";

std::string pythonProgram(const LoadedRun &run, const std::string &runDir, const Normalization &norm,
                          const ModelCode &code)
{
    const Project &p = run.project;
    const TrainingSettings &t = p.training;
    const Graph &g = run.model->graph();
    const Node *input = g.node(run.model->analysis().inputNode);
    const bool tokens = input && input->params.value("dtype", "float32") == "int64";
    // The settings as the project file writes them, so the program reads like the project.
    const json training = json::parse(projectToJson(p)["training"].dump());
    const json &optimizer = training.at("optimizer");
    const json &schedule = training.at("schedule");
    const json &early = training.at("early_stopping");
    const std::string datasetDir = p.dataset.kind == "synthetic"
                                       ? std::string()
                                       : fs::absolute(p.datasetPath()).lexically_normal().string();
    return fillTemplate(kProgram, {
        {"COMMENT_PROJECT", commentText(p.name)},
        {"COMMENT_RUN", commentText(fs::path(runDir).filename().string())},
        {"COMMENT_CHECKPOINT", commentText(fs::path(run.checkpoint).filename().string())},
        {"VERSION", engineVersion()},
        {"PROJECT", pyString(p.name)},
        {"DATASET_KIND", pyString(p.dataset.kind)},
        {"DATASET_DIR", pyString(datasetDir)},
        {"SAMPLE_SHAPE", pyLiteral(json(p.dataset.sampleShape))},
        {"NUM_CLASSES", std::to_string(p.dataset.numClasses)},
        {"CLASS_NAMES", pyLiteral(json(p.dataset.classNames))},
        {"INPUT_DTYPE", tokens ? "torch.int64" : "torch.float32"},
        {"VALIDATION_FRACTION", pyNumber(p.dataset.validationFraction)},
        {"SPLIT_SEED", std::to_string(p.dataset.splitSeed)},
        {"NORM_MEAN", pyList(norm.mean)},
        {"NORM_STD", pyList(norm.std)},
        {"EPOCHS", std::to_string(t.epochs)},
        {"BATCH_SIZE", std::to_string(t.batchSize)},
        {"LOSS", pyString(t.loss)},
        {"OPTIMIZER", pyLiteral(optimizer)},
        {"SCHEDULE", pyLiteral(schedule)},
        {"EARLY_STOPPING", pyLiteral(early)},
        {"GRAD_CLIP", pyNumber(t.gradClip)},
        {"SEED", std::to_string(t.seed)},
        {"FROZEN", pyLiteral(json(p.pretrain.frozen))},
        {"INIT", code.init},
        {"FORWARD", code.forward},
    });
}

std::string readme(const LoadedRun &run, const std::string &runDir)
{
    const Project &p = run.project;
    const bool synthetic = p.dataset.kind == "synthetic";
    return fillTemplate(kReadme, {
        {"PROJECT", commentText(p.name)},
        {"VERSION", engineVersion()},
        {"RUN", fs::path(runDir).filename().string()},
        {"CHECKPOINT", fs::path(run.checkpoint).filename().string()},
        {"DATA_ROW", synthetic ? "| `data.pt` | the synthetic dataset the studio generated (Python cannot "
                                   "reproduce its generator) |\n"
                                 : ""},
        {"DATA_NOTE", synthetic ? "The data is `data.pt` beside `train.py`."
                                  : "It reads the " + p.dataset.kind + " files from `"
                                        + fs::absolute(p.datasetPath()).lexically_normal().string()
                                        + "`; pass `--data DIR` when they are elsewhere."},
        {"DATA_DEFAULT", synthetic ? "this folder, for `data.pt`" : "the project's dataset folder"},
        {"EPOCHS", std::to_string(p.training.epochs)},
        {"BATCH_SIZE", std::to_string(p.training.batchSize)},
        {"SEED", std::to_string(p.training.seed)},
    });
}

std::string pickled(const c10::Dict<std::string, at::Tensor> &dict)
{
    const std::vector<char> bytes = torch::pickle_save(dict);
    return std::string(bytes.begin(), bytes.end());
}

} // namespace

void exportPythonProgram(const std::string &runDir, const std::string &outDir, const std::string &checkpoint)
{
    LoadedRun run = loadRun(runDir, checkpoint, torch::kCPU);
    const Project &p = run.project;

    // Everything is made in memory first, so a layer that cannot be written leaves no files.
    const ModelCode code = modelCode(*run.model);
    const Normalization norm = runNormalization(runDir, p);
    const std::string program = pythonProgram(run, runDir, norm, code);

    c10::Dict<std::string, at::Tensor> weights;
    for (const auto &t : run.model->named_parameters())
        if (t.value().defined())
            weights.insert(t.key(), t.value().detach().clone().contiguous());
    for (const auto &t : run.model->named_buffers())
        if (t.value().defined())
            weights.insert(t.key(), t.value().detach().clone().contiguous());
    const std::string weightBytes = pickled(weights);

    // The synthetic set comes from std::mt19937_64 streams: written out as the engine makes it
    // (train from the seed, test from the next), before the split and preprocessing.
    std::string dataBytes;
    if (p.dataset.kind == "synthetic") {
        const DatasetSettings &d = p.dataset;
        const Shape &shape = d.sampleShape;
        TensorDataset train =
            makeSyntheticDataset(shape, d.numClasses, d.syntheticTrain, d.syntheticNoise, d.syntheticSeed);
        TensorDataset test =
            makeSyntheticDataset(shape, d.numClasses, d.syntheticTest, d.syntheticNoise, d.syntheticSeed + 1);
        c10::Dict<std::string, at::Tensor> data;
        data.insert("train_inputs", train.inputs);
        data.insert("train_labels", train.labels);
        data.insert("test_inputs", test.inputs);
        data.insert("test_labels", test.labels);
        dataBytes = pickled(data);
    }
    const std::string readmeText = readme(run, runDir);

    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (!fs::is_directory(outDir))
        throw EngineError(outDir + ": cannot create the folder" + (ec ? ": " + ec.message() : std::string()));
    const fs::path dir(outDir);
    replaceFileAtomically((dir / "train.py").string(), [&](const std::string &temp) {
        {
            std::ofstream out(temp, std::ios::binary | std::ios::trunc);
            out.write(program.data(), std::streamsize(program.size()));
            out.flush();
            if (!out)
                throw EngineError((dir / "train.py").string() + ": write failed");
        }
        // Runnable as ./train.py too.
        fs::permissions(temp, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                        fs::perm_options::add);
    });
    writeTextFileAtomically((dir / "weights.pt").string(), weightBytes);
    if (!dataBytes.empty())
        writeTextFileAtomically((dir / "data.pt").string(), dataBytes);
    writeTextFileAtomically((dir / "README.md").string(), readmeText);
}

} // namespace torchwright
