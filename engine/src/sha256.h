#pragma once
// SHA-256 (FIPS 180-4) for the checksums in deployment manifests; small enough to carry rather
// than link a crypto library for.

#include <string>

namespace torchwright {

std::string sha256Hex(const std::string &bytes);
// The file's digest; throws EngineError naming it when it cannot be read.
std::string sha256File(const std::string &path);

} // namespace torchwright
