// PLACEHOLDER while the ONNX exporter is written.
#include "torchwright/diagnostics.h"
#include "torchwright/exports.h"
namespace torchwright {
void exportOnnx(const std::string &, const std::string &, const std::string &)
{
    throw EngineError("ONNX export is not written yet");
}
} // namespace torchwright
