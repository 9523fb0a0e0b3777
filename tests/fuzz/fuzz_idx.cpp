// IDX files (MNIST layout), plain and gzip: the first byte chooses whether the rest is written
// as is (so gzip headers themselves are fuzzed) or gzip-compressed first (so the fuzzer reaches
// the IDX header behind a valid stream). Read with readIdxFile, as training and predict do.

#include "fuzzcommon.h"

#include "dataset.h"

#include <zlib.h>

using namespace torchwright;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    torch::set_num_threads(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const bool compress = data[0] & 1;
    std::string path;
    if (compress) {
        path = fuzz::scratch() + "/t10k-images-idx3-ubyte.gz";
        gzFile f = gzopen(path.c_str(), "wb1");
        if (!f)
            std::abort();
        if (size > 1)
            gzwrite(f, data + 1, unsigned(size - 1));
        gzclose(f);
    } else {
        path = fuzz::writeFile("t10k-images-idx3-ubyte", data + 1, size - 1);
    }
    try {
        const torch::Tensor t = readIdxFile(path);
        if (t.numel() > 0)
            (void)sampleImage(t[0]);
    } catch (const std::exception &) {
    }
    std::remove(path.c_str());
    return 0;
}
