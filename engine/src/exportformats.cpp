// The export formats, each described once: the CLI's `export` command and its help, the
// studio's export dialog, project validation and the deployment bundle all loop over this list.

#include "torchwright/exports.h"

#include "model.h"
#include "onnxconstants.h"
#include "torchwright/runs.h"
#include "torchwright/runtime.h"

#include <algorithm>

namespace torchwright {

namespace {

ExportFormat format(std::string name, std::string target, bool folder, std::string title, std::string label,
                    std::string description, decltype(ExportFormat::exportTo) exportTo)
{
    ExportFormat f;
    f.name = std::move(name);
    f.target = std::move(target);
    f.folder = folder;
    f.title = std::move(title);
    f.label = std::move(label);
    f.description = std::move(description);
    f.exportTo = std::move(exportTo);
    return f;
}

ExportFormat torchScriptFormat()
{
    ExportFormat f = format(
        "torchscript", "model.torchscript.pt", false, "TorchScript", "TorchScript (torch.jit.load, torch::jit::load)",
        "a TorchScript module in eval mode; loads with torch.jit.load and torch::jit::load.", exportTorchScript);
    // predictBundle() runs this file, so a bundle without it is no bundle.
    f.bundleFile = "model.pt";
    f.bundleInfo = {{"torch_version", torchVersion()}};
    f.bundleReadme = "TorchScript. Python: `torch.jit.load(\"model.pt\")`; C++: `torch::jit::load(\"model.pt\")`.";
    return f;
}

// Building the layers without their weights is enough to see which have no ONNX form. A run whose
// project does not load is left to the export, which reports it in full.
Message onnxUnavailableForRun(const std::string &runDir)
{
    Message why = onnxUnavailableReason(nullptr);
    if (!why.empty() || runDir.empty())
        return why;
    const ProjectLoad load = loadRunProject(runDir);
    if (!load.ok())
        return why;
    try {
        const GraphModel model(load.project.graph, TensorType{load.project.dataset.sampleShape, DType::Float32});
        why = onnxUnavailableReason(model.get());
    } catch (const EngineError &) {
    }
    return why;
}

ExportFormat onnxFormat()
{
    const std::string opset = std::to_string(kOnnxOpset);
    ExportFormat f = format("onnx", "model.onnx", false, "ONNX", "ONNX (ONNX Runtime and other runtimes)",
                            "ONNX opset " + opset
                                + ", dynamic batch, input \"input\", output \"logits\", class "
                                  "names and normalization as metadata.",
                            exportOnnx);
    f.unavailableReason = onnxUnavailableForRun;
    f.bundleFile = "model.onnx";
    f.bundleOptional = true; // the bundle still serves TorchScript; its manifest says why not ONNX
    f.bundleInfo = {{"opset", kOnnxOpset}, {"ir_version", kOnnxIrVersion}};
    f.bundleReadme = "ONNX opset " + opset
                     + ", dynamic batch. ONNX Runtime: `InferenceSession(\"model.onnx\").run(None, {\"input\": x})`.";
    return f;
}

} // namespace

const std::vector<ExportFormat> &exportFormatsList()
{
    static const std::vector<ExportFormat> formats = {
        torchScriptFormat(),
        onnxFormat(),
        format("pytorch", "pytorch", true, "PyTorch training program", "PyTorch training program (python, torchrun)",
               "a standalone PyTorch training program (train.py, weights.pt, README.md) that also trains on many "
               "machines with torchrun, with a Slurm script and a Kubernetes PyTorchJob; import-run brings its runs "
               "back.",
               exportPythonProgram),
        format("bundle", "bundle", true, "Deployment bundle", "Deployment bundle (models, manifest, README)",
               "a deployment folder: model.pt, model.onnx, manifest.json (input, preprocessing, classes, source, "
               "metrics, checksums), README.md.",
               exportBundle),
    };
    return formats;
}

const ExportFormat *findExportFormat(const std::string &name)
{
    const auto &formats = exportFormatsList();
    auto it = std::find_if(formats.begin(), formats.end(), [&](const ExportFormat &f) { return f.name == name; });
    return it == formats.end() ? nullptr : &*it;
}

const std::vector<std::string> &exportFormats()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> r;
        for (const ExportFormat &f : exportFormatsList())
            r.push_back(f.name);
        return r;
    }();
    return names;
}

} // namespace torchwright
