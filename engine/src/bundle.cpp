// PLACEHOLDER while the bundle is written.
#include "torchwright/diagnostics.h"
#include "torchwright/exports.h"
namespace torchwright {
const std::vector<std::string> &exportFormats()
{
    static const std::vector<std::string> f = {"torchscript", "onnx", "pytorch", "bundle"};
    return f;
}
void exportBundle(const std::string &, const std::string &, const std::string &)
{
    throw EngineError("bundle export is not written yet");
}
std::vector<Prediction> predictBundle(const std::string &, const std::string &, int, const std::string &)
{
    throw EngineError("predict is not written yet");
}
} // namespace torchwright
