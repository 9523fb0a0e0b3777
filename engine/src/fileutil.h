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
// Throws EngineError naming the file unless `path` (links followed) is a regular file: opening
// a FIFO would block until something writes to it, a device could be read forever.
void requireRegularFile(const std::string &path);
std::string readTextFile(const std::string &path); // a regular file; throws EngineError naming it
std::string isoTimeNow();

} // namespace torchwright
