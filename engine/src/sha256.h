#pragma once
// SHA-256 (FIPS 180-4) for the checksums in deployment manifests; small enough to carry rather
// than link a crypto library for.

#include <string>
#include <utility>
#include <vector>

namespace torchwright {

std::string sha256Hex(const std::string &bytes);
// The file's digest; throws EngineError naming it when it cannot be read.
std::string sha256File(const std::string &path);
// The SHA-256 of the concatenation of the byte ranges, in order (tensors' storage, for digests of
// data without copying it).
std::string sha256Parts(const std::vector<std::pair<const void *, size_t>> &parts);

} // namespace torchwright
