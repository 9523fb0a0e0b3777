// PLACEHOLDER while the PyTorch program exporter is written; replaced before commit.
#include "torchwright/diagnostics.h"
#include "torchwright/exports.h"
namespace torchwright {
void exportPythonProgram(const std::string &, const std::string &, const std::string &)
{
    throw EngineError("PyTorch program export is not written yet");
}
} // namespace torchwright
