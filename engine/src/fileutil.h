#pragma once
// Files a user cares about are written to a temporary beside the target and renamed into
// place, so a crash or a full disk leaves the old file whole.

#include "torchwright/diagnostics.h"

#include <functional>
#include <string>

namespace torchwright {

// A write that failed on the way to disk (no space left, file size limit, I/O error). Never a
// reason to go on without the file: callers that tolerate a missing optional output (a bundle's
// ONNX file) still let this through.
class WriteError : public EngineError {
public:
    using EngineError::EngineError;
};

// Calls `write(tempPath)`, fsyncs the temporary, renames it over `path` and fsyncs the folder,
// so power loss leaves the old file or the new one, never an empty one. On any exception the
// temporary is removed and the exception propagates; `path` is untouched.
void replaceFileAtomically(const std::string &path, const std::function<void(const std::string &)> &write);
// Writes `bytes` to `file` with checked write(2) calls and close; throws WriteError naming
// `shownAs` (the user's name for the file) and the size, e.g. "no space left on the device".
void writeBytesChecked(const std::string &file, const std::string &bytes, const std::string &shownAs);
// replaceFileAtomically() with writeBytesChecked(): the way to write anything serialised in memory
// (LibTorch archives too: their own file writer aborts the process when a write fails).
void writeBytesAtomically(const std::string &path, const std::string &bytes);
void writeTextFileAtomically(const std::string &path, const std::string &content);
// The last component of a folder path, as a user means it: "runs/a/" and "runs/a" are both "a".
std::string folderName(const std::string &dir);
// Throws EngineError naming the file unless `path` (links followed) is a regular file: opening
// a FIFO would block until something writes to it, a device could be read forever.
void requireRegularFile(const std::string &path);
std::string readTextFile(const std::string &path); // a regular file; throws EngineError naming it
std::string isoTimeNow();

// Fault injection for crash-safety tests: when the environment variable TORCHWRIGHT_CRASH_AT
// equals `point` (a name such as "feedback:after-input"), the process kills itself with SIGKILL
// right there, as a kill -9 from outside would at that moment. Does nothing otherwise. Tests
// run the CLI with the variable set and check that what is on disk is consistent.
void crashPoint(const char *point);

} // namespace torchwright
