// Python's torch.save format for a dict of tensors, written without Python: see torchsave.h.
// The pickle is what `torch.save({"a": t}, f)` produces (pickletools.dis shows it), less the memo
// (BINPUT/BINGET), which no reader needs.

#include "torchsave.h"

#include "torchwright/diagnostics.h"

#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <limits>

namespace torchwright {

namespace {

// Python's storage class for each dtype (torch.FloatStorage, ...): the restricted unpickler
// allows exactly these, and LibTorch's unpickler maps the same names back to the dtype.
const char *storageClass(torch::ScalarType type)
{
    switch (type) {
    case torch::kFloat32: return "FloatStorage";
    case torch::kFloat64: return "DoubleStorage";
    case torch::kFloat16: return "HalfStorage";
    case torch::kBFloat16: return "BFloat16Storage";
    case torch::kInt64: return "LongStorage";
    case torch::kInt32: return "IntStorage";
    case torch::kInt16: return "ShortStorage";
    case torch::kInt8: return "CharStorage";
    case torch::kUInt8: return "ByteStorage";
    case torch::kBool: return "BoolStorage";
    case torch::kComplexFloat: return "ComplexFloatStorage";
    case torch::kComplexDouble: return "ComplexDoubleStorage";
    default: return nullptr;
    }
}

// The opcodes of pickle protocol 2 that torch.save uses for a dict of tensors.
class Pickle {
public:
    Pickle() { m_out = std::string("\x80\x02", 2); } // PROTO 2

    void op(char c) { m_out += c; }
    // Python's save_long: BININT1, BININT2, BININT, else LONG1 (little-endian two's complement).
    // LONG1 always with 8 bytes: Python reads any length, LibTorch's unpickler only 8.
    void integer(int64_t v)
    {
        if (v >= 0 && v <= 0xff) {
            op('K');
            m_out += char(v);
        } else if (v >= 0 && v <= 0xffff) {
            op('M');
            m_out += char(v & 0xff);
            m_out += char((v >> 8) & 0xff);
        } else if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
            op('J');
            le32(uint32_t(int32_t(v)));
        } else {
            op('\x8a'); // LONG1
            m_out += char(8);
            for (int i = 0; i < 8; ++i)
                m_out += char((uint64_t(v) >> (8 * i)) & 0xff);
        }
    }
    void string(const std::string &s) // BINUNICODE (the bytes are UTF-8 as they come)
    {
        op('X');
        le32(uint32_t(s.size()));
        m_out += s;
    }
    void global(const char *module, const char *name)
    {
        op('c');
        m_out += module;
        m_out += '\n';
        m_out += name;
        m_out += '\n';
    }
    // A tuple of integers, with the opcodes Python picks by length.
    void tuple(const std::vector<int64_t> &values)
    {
        if (values.empty()) {
            op(')'); // EMPTY_TUPLE
            return;
        }
        if (values.size() > 3)
            op('('); // MARK
        for (int64_t v : values)
            integer(v);
        op(values.size() == 1 ? '\x85' : values.size() == 2 ? '\x86' : values.size() == 3 ? '\x87' : 't');
    }
    const std::string &bytes() const { return m_out; }

private:
    void le32(uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            m_out += char((v >> (8 * i)) & 0xff);
    }
    std::string m_out;
};

// torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict()), the storage
// given by persistent id ("storage", torch.<Type>Storage, key, "cpu", numel).
void pickleTensor(Pickle &p, const torch::Tensor &t, const char *storage, const std::string &key)
{
    p.global("torch._utils", "_rebuild_tensor_v2");
    p.op('('); // MARK: the arguments
    p.op('('); // MARK: the persistent id
    p.string("storage");
    p.global("torch", storage);
    p.string(key);
    p.string("cpu");
    p.integer(t.numel());
    p.op('t');    // TUPLE
    p.op('Q');    // BINPERSID
    p.integer(0); // storage offset
    const std::vector<int64_t> sizes(t.sizes().begin(), t.sizes().end());
    // Row-major strides as torch.empty(sizes) has them (a dimension of size 0 counts as 1).
    std::vector<int64_t> strides(sizes.size());
    int64_t stride = 1;
    for (size_t d = sizes.size(); d-- > 0;) {
        strides[d] = stride;
        stride *= std::max<int64_t>(sizes[d], 1);
    }
    p.tuple(sizes);
    p.tuple(strides);
    p.op('\x89'); // NEWFALSE: requires_grad
    p.global("collections", "OrderedDict");
    p.op(')'); // EMPTY_TUPLE
    p.op('R'); // REDUCE: the (empty) backward hooks
    p.op('t'); // TUPLE
    p.op('R'); // REDUCE
}

} // namespace

std::string torchSaveBytes(const std::vector<std::pair<std::string, torch::Tensor>> &tensors)
{
    std::vector<torch::Tensor> storages;
    Pickle p;
    p.op('}'); // EMPTY_DICT
    // SETITEMS in batches of 1000, as Python's pickler does.
    for (size_t begin = 0; begin < tensors.size(); begin += 1000) {
        p.op('('); // MARK
        for (size_t i = begin; i < std::min(tensors.size(), begin + 1000); ++i) {
            const auto &[name, tensor] = tensors[i];
            if (!tensor.defined())
                throw EngineError(
                    Message::tr("tensor '%1' cannot be written to a PyTorch file: it is undefined", name));
            if (tensor.layout() != torch::kStrided || tensor.is_quantized())
                throw EngineError(
                    Message::tr("tensor '%1' cannot be written to a PyTorch file: it is not a dense tensor", name));
            const char *storage = storageClass(tensor.scalar_type());
            if (!storage)
                throw EngineError(Message::tr("tensor '%1' cannot be written to a PyTorch file: PyTorch has no "
                                              "storage type for %2",
                                              name, std::string(c10::toString(tensor.scalar_type()))));
            // Its own storage holding exactly its elements, in row-major order.
            torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
            const std::string key = std::to_string(storages.size());
            p.string(name);
            pickleTensor(p, t, storage, key);
            storages.push_back(t);
        }
        p.op('u'); // SETITEMS
    }
    p.op('.'); // STOP

    std::string zip;
    caffe2::serialize::PyTorchStreamWriter writer([&zip](const void *data, size_t size) {
        zip.append(static_cast<const char *>(data), size);
        return size;
    });
    writer.writeRecord("data.pkl", p.bytes().data(), p.bytes().size());
    // As PyTorch 2.x's torch.save: the byte order of the storages (1.13 ignores the record).
    const uint16_t probe = 1;
    const std::string order = *reinterpret_cast<const uint8_t *>(&probe) == 1 ? "little" : "big";
    writer.writeRecord("byteorder", order.data(), order.size());
    static const char none = 0;
    for (size_t i = 0; i < storages.size(); ++i) {
        const torch::Tensor &t = storages[i];
        const size_t bytes = size_t(t.numel()) * t.element_size();
        writer.writeRecord("data/" + std::to_string(i), bytes ? t.data_ptr() : &none, bytes);
    }
    writer.writeEndOfFile();
    return zip;
}

} // namespace torchwright
