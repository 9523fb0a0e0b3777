#pragma once
// Image files as samples: PNG (libpng), JPEG (libjpeg-turbo) and BMP (stb_image), told apart by
// their first bytes, decoded to 8-bit, converted to 1 or 3 channels and resized to the sample
// size. Engine-private and torch-free (the fuzz target links it alone).
//
// The rules are PIL's, so that the exported Python program (engine/templates/datasets/
// image_folder.py) reads the same pixels: 16-bit samples keep their high byte; alpha is dropped
// (not composited); a palette is expanded; colour becomes gray as PIL's convert("L") computes it,
// (19595 R + 38470 G + 7471 B + 32768) >> 16; gray becomes colour by repeating it. Resizing is
// PIL's Image.resize(size, BILINEAR, box): a triangle filter whose support widens with the
// reduction (so shrinking averages every source pixel), 22-bit fixed-point weights, a horizontal
// then a vertical pass, each rounded to 8 bits. "stretch" resizes the whole image; "crop" resizes
// the centred box of the target's aspect ratio (the shorter side fills the target, the longer is
// cropped evenly on both sides), box = (x0, y0, x1, y1) computed as imageBox() says.

#include "torchwright/message.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace torchwright {

// The largest image accepted, in decoded 8-bit values (width x height x source channels): checked
// from the header, before anything the size of the image is allocated.
inline constexpr int64_t kMaxImageValues = int64_t(1) << 28; // 256 Mi values (16384 x 16384 gray)
inline constexpr int kMaxImageSide = 65535;

enum class ImageKind { Unknown, Png, Jpeg, Bmp };

struct ImageHeader {
    ImageKind kind = ImageKind::Unknown;
    int width = 0;
    int height = 0;
    int channels = 0; // in the file as decoded to 8 bits: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    bool color() const { return channels >= 3; }
};

enum class ResizePolicy { Stretch, Crop };

struct DecodeTarget {
    int channels = 1; // 1 or 3
    int height = 0;
    int width = 0;
    ResizePolicy resize = ResizePolicy::Stretch;
};

// The kind from the first bytes ("\x89PNG", "\xFF\xD8\xFF", "BM").
ImageKind imageKind(const uint8_t *data, size_t size);

// The header of an image in memory. Throws EngineError naming `name` when the data is not a PNG,
// JPEG or BMP, is cut short before the size, or the size is beyond kMaxImageValues.
ImageHeader readImageHeader(const uint8_t *data, size_t size, const std::string &name);

// Decodes `data` into `out` (target.channels x target.height x target.width bytes, channels
// first) and returns its header. Throws EngineError naming `name` with the reason: not an image,
// empty, truncated, corrupt, too large. Thread-safe.
ImageHeader decodeImage(const uint8_t *data, size_t size, const std::string &name, const DecodeTarget &target,
                        uint8_t *out);

// Reads the file and decodes it as decodeImage() does; throws EngineError naming the file.
ImageHeader decodeImageFile(const std::string &path, const DecodeTarget &target, uint8_t *out);

// The box of the source the "crop" policy resizes (PIL's box argument), as floats, the way the
// exported program computes it too.
void imageBox(int width, int height, const DecodeTarget &target, float box[4]);

// PIL's bilinear resize of `channels` interleaved 8-bit planes (HWC) from `src` (sw x sh) to
// `dst` (dw x dh, HWC), reading only the given box of the source.
void resizeBilinear(const uint8_t *src, int sw, int sh, int channels, const float box[4], uint8_t *dst, int dw, int dh);

// True for the extensions an image folder reads: .png, .jpg, .jpeg, .bmp in any case.
bool isImageFileName(const std::string &name);

// Policy names as the project file writes them.
const char *resizePolicyName(ResizePolicy p);
bool parseResizePolicy(const std::string &name, ResizePolicy &out);

} // namespace torchwright
