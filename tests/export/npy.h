#pragma once
// Tensors to and from NumPy's .npy files (format 1.0, little-endian, C order) so that tests can
// hand the same batch to Python, Node.js and the engine. float32, int64 and uint8.

#include <torch/torch.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace torchwright::test {

inline void writeNpy(const std::string &path, const torch::Tensor &tensor)
{
    torch::Tensor t = tensor.detach().cpu().contiguous();
    std::string descr;
    if (t.scalar_type() == torch::kFloat32)
        descr = "<f4";
    else if (t.scalar_type() == torch::kInt64)
        descr = "<i8";
    else if (t.scalar_type() == torch::kUInt8)
        descr = "|u1";
    else
        throw std::runtime_error("writeNpy: only float32, int64 and uint8 tensors");
    std::string shape = "(";
    for (int64_t i = 0; i < t.dim(); ++i)
        shape += std::to_string(t.size(i)) + (t.dim() == 1 || i + 1 < t.dim() ? "," : "");
    shape += ")";
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    // Magic (6) + version (2) + length (2) + header + '\n', padded to a multiple of 64.
    const size_t total = ((10 + header.size() + 1 + 63) / 64) * 64;
    header.append(total - 10 - header.size() - 1, ' ');
    header += '\n';
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    const char magic[] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0};
    out.write(magic, sizeof magic);
    const uint16_t len = uint16_t(header.size());
    const char lenBytes[] = {char(len & 0xff), char(len >> 8)};
    out.write(lenBytes, 2);
    out.write(header.data(), std::streamsize(header.size()));
    out.write(static_cast<const char *>(t.data_ptr()), std::streamsize(t.nbytes()));
    if (!out)
        throw std::runtime_error("writeNpy: cannot write " + path);
}

} // namespace torchwright::test
