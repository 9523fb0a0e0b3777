// Knowledge distillation (compress.h): the teacher run checked against a student project and
// loaded for its training, and the training request `torchwright-cli distill` makes. The loss
// itself is distillationLoss() in losses.h; the trainer (trainer.cpp) uses both.

#include "distill.h"

#include "torchwright/compress.h"
#include "torchwright/runs.h"
#include "torchwright/settings.h"

#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>

namespace torchwright {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char *kWhere = "/distill/teacher";

// The output shape per sample of a project's graph (analyzeGraph() alone: analyzeProject() runs
// checkTeacher(), and a teacher's own teacher is not the student's concern).
std::optional<Shape> outputShape(const Project &p)
{
    const GraphAnalysis a = analyzeGraph(p.graph, TensorType{p.dataset.sampleShape, DType::Float32}, "/graph");
    auto out = a.nodes.find(a.outputNode.value);
    if (!a.outputNode.valid() || out == a.nodes.end() || !out->second.output)
        return std::nullopt;
    return out->second.output->shape;
}

std::string absoluteDir(const std::string &path)
{
    fs::path p = fs::absolute(path).lexically_normal();
    if (p.filename().empty()) // "RUN/"
        p = p.parent_path();
    return p.string();
}

std::string numberText(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

// Per-channel values as a tensor that broadcasts over a batch of samples of `sampleShape`
// ([1, C, 1, ...]); a single value broadcasts over every channel.
torch::Tensor perChannel(const std::vector<double> &v, const Shape &sampleShape)
{
    std::vector<int64_t> shape(sampleShape.size() + 1, 1);
    if (v.size() > 1)
        shape[1] = int64_t(v.size());
    return torch::tensor(v, torch::kFloat32).reshape(shape);
}

} // namespace

TeacherCheck checkTeacher(const Project &student)
{
    TeacherCheck c;
    if (!student.distill.enabled())
        return c;
    c.runDir = absoluteDir(student.resolvePath(student.distill.teacher));
    if (!fs::is_directory(c.runDir)) {
        c.diagnostics.error(kWhere, Message::tr("%1: the teacher run folder was not found", c.runDir));
        return c;
    }
    const ProjectLoad load = loadRunProject(c.runDir);
    if (!load.ok()) {
        c.diagnostics.error(kWhere, Message::tr("%1: the teacher run's project cannot be read: %2", c.runDir,
                                                load.diagnostics.format()));
        return c;
    }
    c.project = load.project;
    if (c.project.dataset.sampleShape != student.dataset.sampleShape) {
        c.diagnostics.error(kWhere,
                            Message::tr("the teacher run %1 takes samples of %2, but this project's samples are %3 "
                                        "(/dataset/sample_shape); distillation needs the same inputs",
                                        c.runDir, formatShape(c.project.dataset.sampleShape),
                                        formatShape(student.dataset.sampleShape)));
        return c;
    }
    const std::optional<Shape> teacherOut = outputShape(c.project);
    if (!teacherOut) {
        c.diagnostics.error(kWhere, Message::tr("the teacher run %1: its graph gives no output shape", c.runDir));
        return c;
    }
    const std::optional<Shape> studentOut = outputShape(student);
    if (studentOut && *studentOut != *teacherOut)
        c.diagnostics.error(kWhere, Message::tr("the teacher run %1 gives %2 per sample, but this project's output "
                                                "gives %3; distillation needs one output per class in both",
                                                c.runDir, formatShape(*teacherOut), formatShape(*studentOut)));
    return c;
}

torch::Tensor Teacher::logits(const torch::Tensor &studentInputs)
{
    torch::NoGradGuard noGrad;
    torch::Tensor x = studentInputs;
    if (scale.defined())
        x = x * scale + shift;
    return model->forward(x);
}

Teacher loadTeacher(const Project &student, const torch::Device &device, const std::vector<double> &studentMean,
                    const std::vector<double> &studentStd)
{
    TeacherCheck check = checkTeacher(student);
    if (!check.ok())
        throw EngineError(check.diagnostics);
    Teacher t;
    t.runDir = check.runDir;
    LoadedRun run = loadRun(t.runDir, student.distill.checkpoint, device);
    t.checkpoint = run.checkpoint;
    t.model = run.model;
    t.model->eval();
    for (const auto &p : t.model->parameters())
        t.parameters += p.numel();

    // The student's inputs are (x01 - mean_s) / std_s; the teacher trained on (x01 - mean_t) / std_t.
    const Normalization own = runNormalization(t.runDir, run.project);
    if (own.mean != studentMean || own.std != studentStd) {
        const Shape &s = student.dataset.sampleShape;
        torch::Tensor sScale = studentStd.empty() ? torch::ones({1}) : perChannel(studentStd, s);
        torch::Tensor sShift = studentMean.empty() ? torch::zeros({1}) : perChannel(studentMean, s);
        torch::Tensor tStd = own.std.empty() ? torch::ones({1}) : perChannel(own.std, s);
        torch::Tensor tMean = own.mean.empty() ? torch::zeros({1}) : perChannel(own.mean, s);
        // x01 = x * std_s + mean_s; x_t = (x01 - mean_t) / std_t = x * (std_s / std_t) + (mean_s - mean_t) / std_t
        t.scale = (sScale / tStd).to(device);
        t.shift = ((sShift - tMean) / tStd).to(device);
    }
    return t;
}

TrainRequest distillRequest(const std::string &teacherRunDir, const std::string &studentProjectFile,
                            std::optional<double> alpha, std::optional<double> temperature)
{
    const ProjectLoad load = loadProjectFile(studentProjectFile);
    if (!load.ok())
        throw EngineError(load.diagnostics);
    Project project = load.project;

    // The teacher as a path relative to the student's project, like the project's other paths.
    const std::string teacher = absoluteDir(teacherRunDir);
    const fs::path projectDir = fs::absolute(project.filePath).parent_path();
    const fs::path relative = fs::path(teacher).lexically_relative(projectDir);
    project.distill.teacher = relative.empty() ? teacher : relative.string();
    auto setNumber = [&](const char *pointer, const char *option, std::optional<double> value, double &field) {
        if (!value)
            return;
        const SettingSpec *spec = findSetting(pointer);
        if (!std::isfinite(*value) || !spec->inRange(*value))
            throw EngineError(Message::tr("%1: expected %2, got %3", option, spec->expectation(), numberText(*value)));
        field = *value;
    };
    setNumber("/distill/alpha", "--alpha", alpha, project.distill.alpha);
    setNumber("/distill/temperature", "--temperature", temperature, project.distill.temperature);

    // The settings as the student's file would hold them, checked as a file is (the loss), then
    // the graph and the teacher against the student (shapes, in analyzeProject()).
    ProjectLoad checked = projectFromJson(json::parse(serializeProject(project)), project.filePath);
    if (checked.ok())
        checked.diagnostics.append(analyzeProject(checked.project).diagnostics);
    if (!checked.ok())
        throw EngineError(checked.diagnostics);
    TrainRequest req;
    req.project = checked.project;
    return req;
}

} // namespace torchwright
