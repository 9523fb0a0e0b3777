#pragma once
// Checks on files before LibTorch reads them. LibTorch trusts its files: a zip archive truncated
// by one byte overflows a heap buffer in its unpickler, and a tensor whose strides or storage
// offset point past its storage is read out of bounds by the first copy_. So every archive is
// read into memory and checked as a zip here (end of central directory, every entry's headers
// and data inside the file, sizes, CRC-32), and every tensor it yields is checked (layout, sizes,
// strides, storage offset and extent, element count) before anything touches its data.

#include <torch/script.h>
#include <torch/torch.h>

#include <map>
#include <string>

namespace torchwright {

// The largest archive read (checkpoints, TorchScript files, torch.save files): 16 GiB.
constexpr int64_t kMaxArchiveBytes = int64_t(1) << 34;

// The file's bytes, after checking that they are a well-formed, undamaged zip archive; throws
// EngineError naming `path` and what is wrong (truncated, an entry's CRC-32 differs, ...).
std::string readCheckedArchive(const std::string &path);
// The same check on bytes already read; `path` names them in messages.
void checkZipArchive(const std::string &bytes, const std::string &path);

// Why `t` cannot be used safely ("" when it can): not a dense CPU-addressable tensor, negative
// sizes or strides, more than kMaxElements elements, or data beyond its storage's bytes.
std::string tensorProblem(const torch::Tensor &t);
// Every tensor reachable from `value` (objects' attributes, lists, tuples, dicts) by a path
// such as "model/fc.weight" under `prefix`; throws EngineError naming `path` and the tensor when
// one fails tensorProblem(), or the nesting is deeper than 64.
void collectTensors(const c10::IValue &value, const std::string &prefix, const std::string &path,
                    std::map<std::string, torch::Tensor> &out);
// collectTensors() over every key of an archive.
std::map<std::string, torch::Tensor> checkedArchiveTensors(torch::serialize::InputArchive &archive,
                                                           const std::string &path);
// SHA-256 of a (checked) tensor's element type, shape and bytes in C order, as hex.
std::string tensorDigest(const torch::Tensor &t);

} // namespace torchwright
