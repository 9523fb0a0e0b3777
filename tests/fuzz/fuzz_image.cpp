// The image decoder (PNG through libpng, JPEG through libjpeg-turbo, BMP through stb_image): the
// bytes as a file, its header read and the image decoded to two targets (gray stretched, RGB
// cropped to an odd size), as an image folder's import and prediction do.

#include "fuzzcommon.h"

#include "imagedecode.h"

#include "torchwright/diagnostics.h"

#include <vector>

using namespace torchwright;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    try {
        (void)readImageHeader(data, size, "fuzz");
    } catch (const EngineError &) {
    }
    static const DecodeTarget targets[] = {{1, 28, 28, ResizePolicy::Stretch}, {3, 7, 13, ResizePolicy::Crop}};
    std::vector<uint8_t> out(3 * 28 * 28);
    for (const DecodeTarget &t : targets) {
        try {
            (void)decodeImage(data, size, "fuzz", t, out.data());
        } catch (const EngineError &) {
        }
    }
    // Through a file too, as the import reads it.
    const std::string path = fuzz::writeFile("image", data, size);
    try {
        (void)decodeImageFile(path, targets[0], out.data());
    } catch (const EngineError &) {
    }
    return 0;
}
