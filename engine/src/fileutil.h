#pragma once
// Files a user cares about are written to a temporary beside the target and renamed into
// place, so a crash or a full disk leaves the old file whole.

#include <functional>
#include <string>

namespace torchwright {

// Calls `write(tempPath)`, then renames tempPath over `path`. On any exception the temporary
// is removed and the exception propagates; `path` is untouched.
void replaceFileAtomically(const std::string &path, const std::function<void(const std::string &)> &write);
void writeTextFileAtomically(const std::string &path, const std::string &content);
std::string readTextFile(const std::string &path); // throws EngineError naming the file
std::string isoTimeNow();

} // namespace torchwright
