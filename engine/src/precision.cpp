#include "precision.h"

#include "torchwright/diagnostics.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace torchwright {

// at::autocast's per-device functions arrived in LibTorch 2.4; 1.13 has one set per device kind.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define TORCHWRIGHT_AUTOCAST_PER_DEVICE 1
#endif

namespace {

bool autocastEnabled(bool cuda)
{
#ifdef TORCHWRIGHT_AUTOCAST_PER_DEVICE
    return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU);
#else
    return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

void setAutocastEnabled(bool cuda, bool on)
{
#ifdef TORCHWRIGHT_AUTOCAST_PER_DEVICE
    at::autocast::set_autocast_enabled(cuda ? at::kCUDA : at::kCPU, on);
#else
    if (cuda)
        at::autocast::set_enabled(on);
    else
        at::autocast::set_cpu_enabled(on);
#endif
}

at::ScalarType autocastType(bool cuda)
{
#ifdef TORCHWRIGHT_AUTOCAST_PER_DEVICE
    return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU);
#else
    return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void setAutocastType(bool cuda, at::ScalarType t)
{
#ifdef TORCHWRIGHT_AUTOCAST_PER_DEVICE
    at::autocast::set_autocast_dtype(cuda ? at::kCUDA : at::kCPU, t);
#else
    if (cuda)
        at::autocast::set_autocast_gpu_dtype(t);
    else
        at::autocast::set_autocast_cpu_dtype(t);
#endif
}

at::ScalarType lowType(Precision p) { return p == Precision::Fp16 ? at::kHalf : at::kBFloat16; }

// Whether this LibTorch multiplies bfloat16 matrices on the CPU: a small product under autocast,
// compared with float32. Asked once per process.
bool cpuBf16Works()
{
    static bool works = false;
    static std::once_flag once;
    std::call_once(once, [] {
        try {
            torch::NoGradGuard noGrad;
            const torch::Tensor a = torch::linspace(-1, 1, 64).reshape({8, 8});
            torch::Tensor low;
            {
                AutocastGuard guard(Precision::Bf16, torch::kCPU);
                low = torch::mm(a, a);
            }
            works = low.scalar_type() == at::kBFloat16
                    && torch::allclose(low.to(torch::kFloat), torch::mm(a, a), 0.05, 0.05);
        } catch (const c10::Error &) {
            works = false;
        }
    });
    return works;
}

} // namespace

Precision parsePrecision(const std::string &name, const std::string &where)
{
    if (name == "fp32")
        return Precision::Fp32;
    if (name == "bf16")
        return Precision::Bf16;
    if (name == "fp16")
        return Precision::Fp16;
    throw EngineError(Message::tr("%1: expected fp32, bf16 or fp16, got \"%2\"", where, name));
}

const char *precisionName(Precision p)
{
    switch (p) {
    case Precision::Fp32: return "fp32";
    case Precision::Bf16: return "bf16";
    case Precision::Fp16: return "fp16";
    }
    return "fp32";
}

Message precisionUnsupported(Precision p, const torch::Device &device)
{
    if (p == Precision::Fp32 || device.is_cuda())
        return {};
    if (p == Precision::Fp16)
        return Message::tr("fp16 training needs a CUDA device, and this run trains on the CPU: choose bf16 (where "
                           "the CPU supports it) or fp32");
    if (!cpuBf16Works())
        return Message::tr("bf16 training on the CPU is not supported by this LibTorch: choose fp32");
    return {};
}

AutocastGuard::AutocastGuard(Precision p, const torch::Device &device)
{
    if (p == Precision::Fp32)
        return;
    active_ = true;
    cuda_ = device.is_cuda();
    wasEnabled_ = autocastEnabled(cuda_);
    wasType_ = autocastType(cuda_);
    setAutocastType(cuda_, lowType(p));
    setAutocastEnabled(cuda_, true);
    at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard()
{
    if (!active_)
        return;
    // Leaving the outermost autocast region drops the casts of the weights it cached.
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    setAutocastEnabled(cuda_, wasEnabled_);
    setAutocastType(cuda_, wasType_);
}

MatmulPrecisionGuard::MatmulPrecisionGuard(Precision p, const torch::Device &device)
{
    if (p != Precision::Fp32 || !device.is_cuda())
        return;
    at::globalContext().setFloat32MatmulPrecision("high");
    changed_ = true;
}

MatmulPrecisionGuard::~MatmulPrecisionGuard()
{
    if (changed_)
        at::globalContext().setFloat32MatmulPrecision("highest");
}

bool LossScaler::unscale(const std::vector<torch::Tensor> &params)
{
    if (!enabled_)
        return true;
    std::vector<torch::Tensor> finite;
    const double inverse = 1.0 / scale_;
    for (const torch::Tensor &p : params) {
        torch::Tensor g = p.grad();
        if (!g.defined())
            continue;
        g.mul_(inverse);
        finite.push_back(torch::isfinite(g).all());
    }
    // One read of the device for all of them, as GradScaler's step() does.
    return finite.empty() || torch::stack(finite).all().item<bool>();
}

void LossScaler::update(bool stepped)
{
    if (!enabled_)
        return;
    if (!stepped) {
        ++skipped_;
        scale_ = std::max(scale_ * 0.5, 1.0 / 65536.0);
        cleanSteps_ = 0;
        return;
    }
    if (++cleanSteps_ >= 2000) {
        scale_ = std::min(scale_ * 2.0, 16777216.0);
        cleanSteps_ = 0;
    }
}

void LossScaler::restore(double scale, double cleanSteps, int64_t skipped)
{
    if (!enabled_)
        return;
    if (std::isfinite(scale) && scale > 0)
        scale_ = scale;
    cleanSteps_ = int64_t(cleanSteps);
    skipped_ = skipped;
}

torch::Tensor channelsLast(const torch::Tensor &t)
{
    return t.dim() == 4 ? t.contiguous(torch::MemoryFormat::ChannelsLast) : t;
}

void toChannelsLast(torch::nn::Module &module)
{
    torch::NoGradGuard noGrad;
    for (auto &p : module.parameters())
        if (p.dim() == 4)
            p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
    for (auto &b : module.buffers())
        if (b.dim() == 4)
            b.set_data(b.contiguous(torch::MemoryFormat::ChannelsLast));
}

} // namespace torchwright
