// Augmentation of training batches (augment.h) and the studio's preview of it
// (torchwright/augment.h).

#include "augment.h"

#include "torchwright/augment.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace torchwright {

namespace {

// SplitMix64's finaliser: the exported program computes the same (train.py.in, mix64).
uint64_t mix64(uint64_t x)
{
    uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

torch::Tensor channelColumn(const std::vector<double> &v, int64_t channels, double fallback, torch::Device device)
{
    std::vector<double> values(size_t(channels), fallback);
    for (size_t c = 0; c < values.size(); ++c)
        values[c] = v.empty() ? fallback : v[v.size() == 1 ? 0 : std::min(c, v.size() - 1)];
    return torch::tensor(values, torch::kFloat64).to(torch::kFloat32).view({1, channels, 1, 1}).to(device);
}

// Uniform in [-1, 1).
torch::Tensor symmetric(const torch::Tensor &u) { return u * 2.0 - 1.0; }

} // namespace

uint64_t augmentSeed(const Project &p)
{
    return p.preprocess.augment.seed != 0 ? p.preprocess.augment.seed : mix64(p.training.seed ^ 0x6175676D656E74ULL);
}

uint64_t augmentBatchSeed(uint64_t seed, int64_t epoch, int64_t batch)
{
    return mix64(mix64(seed + uint64_t(epoch)) + uint64_t(batch));
}

bool augmentTakesImages(const Project &p) { return p.dataset.sampleShape.size() == 3; }

bool augmentTakesFeatures(const Project &p) { return p.dataset.sampleShape.size() == 1; }

nlohmann::json augmentationRecord(const Project &p)
{
    const AugmentSettings &a = p.preprocess.augment;
    if (!a.any())
        return {{"enabled", false}};
    return {{"enabled", true},  {"seed", augmentSeed(p)},         {"hflip", a.hflip},
            {"vflip", a.vflip}, {"translate", a.translate},       {"rotate", a.rotate},
            {"scale", a.scale}, {"brightness", a.brightness},     {"contrast", a.contrast},
            {"noise", a.noise}, {"feature_noise", a.featureNoise}};
}

Augmenter::Augmenter(const Project &p, DType inputType, std::vector<double> mean, std::vector<double> std)
    : m_s(p.preprocess.augment), m_seed(augmentSeed(p)), m_on(m_s.any()), m_image(augmentTakesImages(p)),
      m_mean(std::move(mean)), m_std(std::move(std))
{
    if (!m_on)
        return;
    if (inputType == DType::Int64)
        throw EngineError(Message::tr("/preprocess/augment: the Input layer takes token ids (int64), which cannot be "
                                      "augmented; turn augmentation off"));
    if (m_s.imageOps() && !m_image)
        throw EngineError(Message::tr("/preprocess/augment: the image augmentations need image samples [C, H, W]; "
                                      "/dataset/sample_shape is %1",
                                      formatShape(p.dataset.sampleShape)));
    if (m_s.featureNoise > 0 && !augmentTakesFeatures(p))
        throw EngineError(Message::tr("/preprocess/augment/feature_noise: applies to 1-D samples (table rows); "
                                      "/dataset/sample_shape is %1",
                                      formatShape(p.dataset.sampleShape)));
}

torch::Tensor Augmenter::operator()(const torch::Tensor &batch, int64_t epoch, int64_t index) const
{
    if (!m_on)
        return batch;
    return apply(batch, augmentBatchSeed(m_seed, epoch, index));
}

torch::Tensor Augmenter::apply(const torch::Tensor &batch, uint64_t generatorSeed) const
{
    if (!m_on || batch.size(0) == 0)
        return batch;
    torch::NoGradGuard noGrad;
    at::Generator gen = at::detail::createCPUGenerator(generatorSeed);
    const int64_t n = batch.size(0);
    const torch::Device device = batch.device();
    const auto cpuFloat = torch::TensorOptions().dtype(torch::kFloat32);
    torch::Tensor x = batch;
    if (m_image && batch.dim() == 4) {
        const int64_t channels = x.size(1), h = x.size(2), w = x.size(3);
        const torch::Tensor stdev = channelColumn(m_std, channels, 1.0, device);
        // The stored value 0 after normalisation: what padding and the outside of a rotated
        // sample read.
        const torch::Tensor fill = -channelColumn(m_mean, channels, 0.0, device) / stdev;
        if (m_s.hflip > 0) {
            const torch::Tensor flip = (torch::rand({n}, gen, cpuFloat) < m_s.hflip).to(device).view({n, 1, 1, 1});
            x = torch::where(flip, x.flip({3}), x);
        }
        if (m_s.vflip > 0) {
            const torch::Tensor flip = (torch::rand({n}, gen, cpuFloat) < m_s.vflip).to(device).view({n, 1, 1, 1});
            x = torch::where(flip, x.flip({2}), x);
        }
        if (m_s.translate > 0) {
            const int64_t t = m_s.translate;
            const torch::Tensor off =
                torch::randint(-t, t + 1, {2, n}, gen, torch::TensorOptions().dtype(torch::kInt64)).to(device);
            const auto longs = torch::TensorOptions().dtype(torch::kInt64).device(device);
            const torch::Tensor padded = torch::constant_pad_nd(x - fill, {t, t, t, t}, 0) + fill;
            const torch::Tensor rows = (torch::arange(h, longs).view({1, 1, h, 1}) + t + off[0].view({n, 1, 1, 1}))
                                           .expand({n, channels, h, w + 2 * t});
            const torch::Tensor cols = (torch::arange(w, longs).view({1, 1, 1, w}) + t + off[1].view({n, 1, 1, 1}))
                                           .expand({n, channels, h, w});
            x = padded.gather(2, rows).gather(3, cols);
        }
        if (m_s.rotate > 0 || m_s.scale > 0) {
            const torch::Tensor u = torch::rand({2, n}, gen, cpuFloat);
            const torch::Tensor angle = symmetric(u[0]) * (m_s.rotate * M_PI / 180.0);
            const torch::Tensor zoom = 1.0 + symmetric(u[1]) * m_s.scale;
            const torch::Tensor c = torch::cos(angle) / zoom, s = torch::sin(angle) / zoom, z = torch::zeros_like(c);
            const torch::Tensor theta =
                torch::stack({c, -s, z, s, c, z}, 1).view({n, 2, 3}).to(device, x.scalar_type());
            const torch::Tensor grid = torch::nn::functional::affine_grid(theta, {n, channels, h, w}, false);
            x = torch::nn::functional::grid_sample(x - fill, grid,
                                                   torch::nn::functional::GridSampleFuncOptions()
                                                       .mode(torch::kBilinear)
                                                       .padding_mode(torch::kZeros)
                                                       .align_corners(false))
                + fill;
        }
        if (m_s.contrast > 0 || m_s.brightness > 0) {
            const torch::Tensor u = torch::rand({2, n}, gen, cpuFloat).to(device);
            if (m_s.contrast > 0) {
                const torch::Tensor m = x.mean({2, 3}, true);
                x = (x - m) * (1.0 + symmetric(u[0]) * m_s.contrast).view({n, 1, 1, 1}) + m;
            }
            if (m_s.brightness > 0)
                x = x + (symmetric(u[1]) * m_s.brightness).view({n, 1, 1, 1}) / stdev;
        }
        if (m_s.noise > 0)
            x = x + torch::randn(x.sizes(), gen, cpuFloat).to(device) * m_s.noise / stdev;
    }
    if (m_s.featureNoise > 0 && !m_image)
        x = x + torch::randn(x.sizes(), gen, cpuFloat).to(device) * m_s.featureNoise;
    return x;
}

std::vector<AugmentedSample> augmentPreview(const Project &p, const std::vector<DatasetSample> &samples,
                                            uint64_t variant)
{
    std::vector<AugmentedSample> out;
    if (samples.empty())
        return out;
    const SampleImage &first = samples.front().image;
    std::vector<torch::Tensor> stack;
    for (const DatasetSample &s : samples) {
        const SampleImage &img = s.image;
        if (img.width != first.width || img.height != first.height || img.channels != first.channels
            || img.pixels.size() != size_t(img.width) * size_t(img.height) * size_t(img.channels))
            continue;
        stack.push_back(torch::from_blob(const_cast<uint8_t *>(img.pixels.data()),
                                         {img.height, img.width, img.channels}, torch::kUInt8)
                            .permute({2, 0, 1})
                            .to(torch::kFloat32)
                            .div(255.0));
        out.push_back({s.label, img, img});
    }
    if (stack.empty())
        return out;
    torch::Tensor x = torch::stack(stack);
    Project q = p;
    if (augmentTakesFeatures(p)) {
        // A table row is shown as a strip of its values stretched to 0..255: noise in units of
        // the standardised features is shown relative to the row's spread.
        x = x.flatten(1);
        const double spread = std::max(x.std().item<double>(), 1e-6);
        q.preprocess.augment.featureNoise *= spread;
    }
    const Augmenter augment(q, DType::Float32, {}, {});
    const torch::Tensor y = augment.apply(x, augmentBatchSeed(augmentSeed(p), -1, int64_t(variant)))
                                .reshape({x.size(0), first.channels, first.height, first.width});
    const torch::Tensor bytes = (y * 255.0).round().clamp(0, 255).to(torch::kUInt8).permute({0, 2, 3, 1}).contiguous();
    for (size_t i = 0; i < out.size(); ++i) {
        const torch::Tensor b = bytes[int64_t(i)];
        out[i].after.pixels.assign(b.data_ptr<uint8_t>(), b.data_ptr<uint8_t>() + b.numel());
    }
    return out;
}

} // namespace torchwright
