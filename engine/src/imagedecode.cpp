// Image decoding for the image formats (see imagedecode.h): libpng, libjpeg-turbo and stb_image
// (BMP only), each behind a check of the header before the image's memory is allocated.

#include "imagedecode.h"

#include "torchwright/diagnostics.h"

#include <png.h>
// jpeglib.h needs size_t and FILE declared first.
#include <cstdio>
#include <jerror.h>
#include <jpeglib.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_ASSERT(x)
#define STBI_MAX_DIMENSIONS 65535
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wunused-function"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb/stb_image.h>
#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cctype>
#include <cmath>
#include <csetjmp>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace torchwright {

namespace {

std::string kindName(ImageKind k)
{
    switch (k) {
    case ImageKind::Png: return "PNG";
    case ImageKind::Jpeg: return "JPEG";
    case ImageKind::Bmp: return "BMP";
    default: return "image";
    }
}

[[noreturn]] void fail(const Message &m) { throw EngineError(m); }

std::string failureReason()
{
    const char *r = stbi_failure_reason();
    return r ? r : "unknown error";
}

void checkSize(const std::string &name, ImageKind kind, int64_t w, int64_t h, int64_t channels)
{
    if (w <= 0 || h <= 0)
        fail(Message::tr("%1: the %2 header gives a size of %3x%4 pixels", name, kindName(kind), w, h));
    if (w > kMaxImageSide || h > kMaxImageSide || w * h * channels > kMaxImageValues)
        fail(Message::tr("%1: %2x%3 pixels is larger than an image may be (%4 values); refused before decoding", name,
                         w, h, kMaxImageValues));
}

uint32_t be32(const uint8_t *p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// ---- PNG ---------------------------------------------------------------------------------------

struct PngState {
    const uint8_t *data;
    size_t size;
    size_t pos;
    char error[200];
    jmp_buf jump;
};

void pngRead(png_structp png, png_bytep out, png_size_t n)
{
    auto *s = static_cast<PngState *>(png_get_io_ptr(png));
    if (s->size - s->pos < n)
        png_error(png, "the file ends early (truncated)");
    std::memcpy(out, s->data + s->pos, n);
    s->pos += n;
}

void pngError(png_structp png, png_const_charp msg)
{
    auto *s = static_cast<PngState *>(png_get_error_ptr(png));
    std::snprintf(s->error, sizeof s->error, "%s", msg);
    std::longjmp(s->jump, 1);
}

void pngWarning(png_structp, png_const_charp) {}

// Decodes into `pixels` (HWC, 8-bit); returns false with `state.error` set on failure. No C++
// object is created or destroyed between setjmp and a longjmp back to it.
bool decodePngInto(PngState &state, const std::string &name, ImageHeader &h, std::vector<uint8_t> &pixels,
                   std::vector<png_bytep> &rows, std::string &sizeError)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, pngError, pngWarning);
    if (!png) {
        std::snprintf(state.error, sizeof state.error, "out of memory");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(state.jump)) {
        png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
        return false;
    }
    png_set_read_fn(png, &state, pngRead);
    png_set_user_limits(png, kMaxImageSide, kMaxImageSide);
    png_set_chunk_malloc_max(png, 8 << 20);
    png_read_info(png, info);
    const png_uint_32 w = png_get_image_width(png, info), ht = png_get_image_height(png, info);
    const int colorType = png_get_color_type(png, info);
    const int srcChannels = colorType == PNG_COLOR_TYPE_PALETTE ? 3 : png_get_channels(png, info);
    if (w == 0 || ht == 0 || w > png_uint_32(kMaxImageSide) || ht > png_uint_32(kMaxImageSide)
        || int64_t(w) * ht * 4 > kMaxImageValues) {
        sizeError = std::to_string(w) + "x" + std::to_string(ht);
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    (void)srcChannels;
    png_set_strip_16(png); // the high byte, as PIL keeps it
    png_set_palette_to_rgb(png);
    png_set_expand_gray_1_2_4_to_8(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    const int channels = png_get_channels(png, info);
    const size_t rowBytes = png_get_rowbytes(png, info);
    if (channels < 1 || channels > 4 || rowBytes != size_t(w) * size_t(channels))
        png_error(png, "unexpected layout after conversion to 8 bits");
    pixels.resize(rowBytes * ht);
    rows.resize(ht);
    for (png_uint_32 y = 0; y < ht; ++y)
        rows[y] = pixels.data() + y * rowBytes;
    png_read_image(png, rows.data());
    png_destroy_read_struct(&png, &info, nullptr);
    h.kind = ImageKind::Png;
    h.width = int(w);
    h.height = int(ht);
    h.channels = channels;
    (void)name;
    return true;
}

// ---- JPEG --------------------------------------------------------------------------------------

struct JpegError {
    jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

void jpegExit(j_common_ptr c)
{
    auto *e = reinterpret_cast<JpegError *>(c->err);
    (*c->err->format_message)(c, e->message);
    std::longjmp(e->jump, 1);
}

void jpegMessage(j_common_ptr c, int level)
{
    // A file that ends before its last scan is an error, as PIL treats it; other warnings
    // (extraneous bytes between markers) are not.
    if (level < 0 && c->err->msg_code == JWRN_JPEG_EOF) {
        auto *e = reinterpret_cast<JpegError *>(c->err);
        std::snprintf(e->message, sizeof e->message, "the file ends early (truncated)");
        std::longjmp(e->jump, 1);
    }
}

// `headerOnly`: stops after the header (for readImageHeader).
bool decodeJpegInto(const uint8_t *data, size_t size, JpegError &err, ImageHeader &h, std::vector<uint8_t> &pixels,
                    bool headerOnly, std::string &sizeError)
{
    jpeg_decompress_struct cinfo;
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpegExit;
    err.mgr.emit_message = jpegMessage;
    err.message[0] = 0;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
    jpeg_read_header(&cinfo, TRUE);
    const int comps = cinfo.num_components;
    if (comps != 1 && comps != 3) {
        std::snprintf(err.message, sizeof err.message, "%d colour components (CMYK?) are not supported", comps);
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    h.kind = ImageKind::Jpeg;
    h.width = int(cinfo.image_width);
    h.height = int(cinfo.image_height);
    h.channels = comps;
    if (h.width <= 0 || h.height <= 0 || h.width > kMaxImageSide || h.height > kMaxImageSide
        || int64_t(h.width) * h.height * comps > kMaxImageValues) {
        sizeError = std::to_string(h.width) + "x" + std::to_string(h.height);
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    if (headerOnly) {
        jpeg_destroy_decompress(&cinfo);
        return true;
    }
    cinfo.out_color_space = comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    const size_t rowBytes = size_t(cinfo.output_width) * size_t(cinfo.output_components);
    pixels.resize(rowBytes * cinfo.output_height);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels.data() + size_t(cinfo.output_scanline) * rowBytes;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return true;
}

// ---- channels and layout -----------------------------------------------------------------------

inline uint8_t luma(const uint8_t *rgb)
{
    return uint8_t((uint32_t(rgb[0]) * 19595 + uint32_t(rgb[1]) * 38470 + uint32_t(rgb[2]) * 7471 + 0x8000) >> 16);
}

// HWC `src` with `sc` channels (1 to 4) as HWC with `dc` (1 or 3).
void convertChannels(const uint8_t *src, int sc, size_t pixels, int dc, uint8_t *dst)
{
    if (sc == dc) {
        std::memcpy(dst, src, pixels * size_t(sc));
        return;
    }
    for (size_t i = 0; i < pixels; ++i) {
        const uint8_t *s = src + i * size_t(sc);
        uint8_t *d = dst + i * size_t(dc);
        if (dc == 1)
            d[0] = sc >= 3 ? luma(s) : s[0];
        else if (sc >= 3)
            d[0] = s[0], d[1] = s[1], d[2] = s[2];
        else
            d[0] = d[1] = d[2] = s[0];
    }
}

constexpr int kPrecisionBits = 32 - 8 - 2;

// PIL's precompute_coeffs for the bilinear filter, then normalize_coeffs_8bpc.
int coefficients(int inSize, float in0, float in1, int outSize, std::vector<int> &bounds, std::vector<int32_t> &kk)
{
    double filterscale, scale;
    filterscale = scale = double(in1 - in0) / outSize;
    if (filterscale < 1.0)
        filterscale = 1.0;
    const double support = 1.0 * filterscale;
    const int ksize = int(std::ceil(support)) * 2 + 1;
    std::vector<double> k(static_cast<size_t>(ksize));
    bounds.assign(size_t(outSize) * 2, 0);
    kk.assign(size_t(outSize) * size_t(ksize), 0);
    for (int xx = 0; xx < outSize; ++xx) {
        const double center = in0 + (xx + 0.5) * scale;
        double ww = 0.0;
        const double ss = 1.0 / filterscale;
        int xmin = int(center - support + 0.5);
        if (xmin < 0)
            xmin = 0;
        int xmax = int(center + support + 0.5);
        if (xmax > inSize)
            xmax = inSize;
        xmax -= xmin;
        int x = 0;
        for (; x < xmax && x < ksize; ++x) {
            double t = (x + xmin - center + 0.5) * ss;
            if (t < 0)
                t = -t;
            const double w = t < 1.0 ? 1.0 - t : 0.0;
            k[size_t(x)] = w;
            ww += w;
        }
        xmax = x;
        for (x = 0; x < xmax; ++x)
            if (ww != 0.0)
                k[size_t(x)] /= ww;
        for (x = 0; x < xmax; ++x) {
            const double v = k[size_t(x)];
            kk[size_t(xx) * size_t(ksize) + size_t(x)] =
                v < 0 ? int32_t(-0.5 + v * (1 << kPrecisionBits)) : int32_t(0.5 + v * (1 << kPrecisionBits));
        }
        bounds[size_t(xx) * 2] = xmin;
        bounds[size_t(xx) * 2 + 1] = xmax;
    }
    return ksize;
}

inline uint8_t clip8(int64_t v)
{
    v >>= kPrecisionBits;
    return uint8_t(v < 0 ? 0 : v > 255 ? 255 : v);
}

std::string lower(std::string s)
{
    for (char &c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

struct Scratch {
    std::vector<uint8_t> decoded, converted, resized, file;
    std::vector<png_bytep> rows;
};

Scratch &scratch()
{
    thread_local Scratch s;
    return s;
}

} // namespace

void resizeBilinear(const uint8_t *src, int sw, int sh, int channels, const float box[4], uint8_t *dst, int dw, int dh)
{
    std::vector<int> bh, bv;
    std::vector<int32_t> kh, kv;
    const int ksh = coefficients(sw, box[0], box[2], dw, bh, kh);
    const int ksv = coefficients(sh, box[1], box[3], dh, bv, kv);
    const bool needH = dw != sw || box[0] != 0.0f || box[2] != float(sw);
    const bool needV = dh != sh || box[1] != 0.0f || box[3] != float(sh);
    const int yFirst = bv[0];
    const int yLast = bv[size_t(dh) * 2 - 2] + bv[size_t(dh) * 2 - 1];
    const size_t C = size_t(channels);
    std::vector<uint8_t> temp;
    const uint8_t *in = src;
    int inW = sw;
    if (needH) {
        for (int i = 0; i < dh; ++i)
            bv[size_t(i) * 2] -= yFirst;
        const int rows = yLast - yFirst;
        temp.resize(size_t(rows) * size_t(dw) * C);
        for (int y = 0; y < rows; ++y) {
            const uint8_t *row = src + size_t(y + yFirst) * size_t(sw) * C;
            uint8_t *out = temp.data() + size_t(y) * size_t(dw) * C;
            for (int xx = 0; xx < dw; ++xx) {
                const int xmin = bh[size_t(xx) * 2], xmax = bh[size_t(xx) * 2 + 1];
                const int32_t *k = kh.data() + size_t(xx) * size_t(ksh);
                for (size_t c = 0; c < C; ++c) {
                    int64_t ss = int64_t(1) << (kPrecisionBits - 1);
                    for (int x = 0; x < xmax; ++x)
                        ss += int64_t(row[size_t(x + xmin) * C + c]) * k[x];
                    out[size_t(xx) * C + c] = clip8(ss);
                }
            }
        }
        in = temp.data();
        inW = dw;
    } else if (needV) {
        // The vertical pass reads the source rows directly: bounds stay absolute.
    }
    if (needV) {
        for (int yy = 0; yy < dh; ++yy) {
            const int ymin = bv[size_t(yy) * 2], ymax = bv[size_t(yy) * 2 + 1];
            const int32_t *k = kv.data() + size_t(yy) * size_t(ksv);
            uint8_t *out = dst + size_t(yy) * size_t(inW) * C;
            for (size_t xc = 0; xc < size_t(inW) * C; ++xc) {
                int64_t ss = int64_t(1) << (kPrecisionBits - 1);
                for (int y = 0; y < ymax; ++y)
                    ss += int64_t(in[size_t(y + ymin) * size_t(inW) * C + xc]) * k[y];
                out[xc] = clip8(ss);
            }
        }
    } else if (needH) {
        std::memcpy(dst, in, size_t(dh) * size_t(dw) * C);
    } else {
        std::memcpy(dst, src, size_t(dh) * size_t(dw) * C);
    }
}

void imageBox(int width, int height, const DecodeTarget &t, float box[4])
{
    box[0] = 0.0f;
    box[1] = 0.0f;
    box[2] = float(width);
    box[3] = float(height);
    if (t.resize != ResizePolicy::Crop)
        return;
    // The target is relatively wider than the source: the width fills it, the height is cropped.
    if (int64_t(t.width) * height >= int64_t(t.height) * width) {
        const double bh = double(int64_t(t.height) * width) / t.width;
        const double y0 = (height - bh) / 2.0;
        box[1] = float(y0);
        box[3] = float(y0 + bh);
    } else {
        const double bw = double(int64_t(t.width) * height) / t.height;
        const double x0 = (width - bw) / 2.0;
        box[0] = float(x0);
        box[2] = float(x0 + bw);
    }
}

ImageKind imageKind(const uint8_t *d, size_t n)
{
    if (n >= 8 && std::memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
        return ImageKind::Png;
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return ImageKind::Jpeg;
    if (n >= 2 && d[0] == 'B' && d[1] == 'M')
        return ImageKind::Bmp;
    return ImageKind::Unknown;
}

ImageHeader readImageHeader(const uint8_t *data, size_t size, const std::string &name)
{
    if (size == 0)
        fail(Message::tr("%1: empty file (0 bytes)", name));
    ImageHeader h;
    h.kind = imageKind(data, size);
    switch (h.kind) {
    case ImageKind::Png: {
        if (size < 33 || std::memcmp(data + 12, "IHDR", 4) != 0)
            fail(Message::tr("%1: truncated or corrupt PNG: no IHDR header", name));
        const uint32_t w = be32(data + 16), ht = be32(data + 20);
        const int depth = data[24], type = data[25];
        (void)depth;
        h.width = int(std::min<uint32_t>(w, 0x7fffffff));
        h.height = int(std::min<uint32_t>(ht, 0x7fffffff));
        h.channels = type == 0 ? 1 : type == 4 ? 2 : type == 2 || type == 3 ? 3 : type == 6 ? 4 : 0;
        if (h.channels == 0)
            fail(Message::tr("%1: corrupt PNG: colour type %2", name, type));
        checkSize(name, h.kind, w, ht, h.channels);
        return h;
    }
    case ImageKind::Jpeg: {
        JpegError err;
        std::vector<uint8_t> none;
        std::string sizeError;
        if (!decodeJpegInto(data, size, err, h, none, true, sizeError)) {
            if (!sizeError.empty())
                checkSize(name, h.kind, h.width, h.height, h.channels);
            fail(Message::tr("%1: corrupt JPEG: %2", name, std::string(err.message)));
        }
        return h;
    }
    case ImageKind::Bmp: {
        int w = 0, ht = 0, c = 0;
        if (size > size_t(INT32_MAX) || !stbi_info_from_memory(data, int(size), &w, &ht, &c))
            fail(Message::tr("%1: corrupt BMP: %2", name, failureReason()));
        h.width = w;
        h.height = ht;
        h.channels = c;
        checkSize(name, h.kind, w, ht, c);
        return h;
    }
    default: fail(Message::tr("%1: not a PNG, JPEG or BMP image", name));
    }
}

ImageHeader decodeImage(const uint8_t *data, size_t size, const std::string &name, const DecodeTarget &t, uint8_t *out)
{
    if (t.channels != 1 && t.channels != 3)
        fail(Message::tr("%1: images are decoded to 1 or 3 channels, not %2", name, t.channels));
    if (size == 0)
        fail(Message::tr("%1: empty file (0 bytes)", name));
    Scratch &s = scratch();
    ImageHeader h;
    const ImageKind kind = imageKind(data, size);
    switch (kind) {
    case ImageKind::Png: {
        readImageHeader(data, size, name); // refuses a huge header before libpng starts
        PngState state{data, size, 0, {0}, {}};
        std::string sizeError;
        if (!decodePngInto(state, name, h, s.decoded, s.rows, sizeError)) {
            if (!sizeError.empty())
                fail(Message::tr("%1: %2 pixels is larger than an image may be; refused before decoding", name,
                                 sizeError));
            fail(Message::tr("%1: corrupt or truncated PNG: %2", name, std::string(state.error)));
        }
        break;
    }
    case ImageKind::Jpeg: {
        JpegError err;
        std::string sizeError;
        if (!decodeJpegInto(data, size, err, h, s.decoded, false, sizeError)) {
            if (!sizeError.empty())
                checkSize(name, h.kind, h.width, h.height, h.channels);
            fail(Message::tr("%1: corrupt or truncated JPEG: %2", name, std::string(err.message)));
        }
        break;
    }
    case ImageKind::Bmp: {
        h = readImageHeader(data, size, name);
        int w = 0, ht = 0, c = 0;
        stbi_uc *p = stbi_load_from_memory(data, int(size), &w, &ht, &c, 0);
        if (!p)
            fail(Message::tr("%1: corrupt or truncated BMP: %2", name, failureReason()));
        s.decoded.assign(p, p + size_t(w) * size_t(ht) * size_t(c));
        stbi_image_free(p);
        h.width = w;
        h.height = ht;
        h.channels = c;
        break;
    }
    default: fail(Message::tr("%1: not a PNG, JPEG or BMP image", name));
    }

    const size_t pixels = size_t(h.width) * size_t(h.height);
    const int C = t.channels;
    const uint8_t *hwc = s.decoded.data();
    if (h.channels != C) {
        s.converted.resize(pixels * size_t(C));
        convertChannels(s.decoded.data(), h.channels, pixels, C, s.converted.data());
        hwc = s.converted.data();
    }
    float box[4];
    imageBox(h.width, h.height, t, box);
    const bool same = h.width == t.width && h.height == t.height && box[0] == 0.0f && box[1] == 0.0f
                      && box[2] == float(h.width) && box[3] == float(h.height);
    if (!same) {
        s.resized.resize(size_t(t.width) * size_t(t.height) * size_t(C));
        resizeBilinear(hwc, h.width, h.height, C, box, s.resized.data(), t.width, t.height);
        hwc = s.resized.data();
    }
    const size_t plane = size_t(t.width) * size_t(t.height);
    if (C == 1) {
        std::memcpy(out, hwc, plane);
    } else {
        for (size_t i = 0; i < plane; ++i)
            for (int c = 0; c < C; ++c)
                out[size_t(c) * plane + i] = hwc[i * size_t(C) + size_t(c)];
    }
    return h;
}

ImageHeader decodeImageFile(const std::string &path, const DecodeTarget &target, uint8_t *out)
{
    Scratch &s = scratch();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail(Message::tr("%1: cannot be opened: %2", path, std::string(std::strerror(errno))));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        fail(Message::tr("%1: not a regular file", path));
    }
    // A file larger than any image we accept could be is not read whole.
    constexpr off_t kMaxFile = off_t(1) << 30;
    if (st.st_size > kMaxFile) {
        ::close(fd);
        fail(Message::tr("%1: %2 bytes is larger than an image file may be", path, int64_t(st.st_size)));
    }
    s.file.resize(size_t(st.st_size));
    size_t got = 0;
    while (got < s.file.size()) {
        const ssize_t n = ::read(fd, s.file.data() + got, s.file.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += size_t(n);
    }
    ::close(fd);
    // The file may be copied out from under us: what was read is what is decoded.
    std::vector<uint8_t> data;
    data.swap(s.file);
    try {
        const ImageHeader h = decodeImage(data.data(), got, path, target, out);
        data.swap(s.file);
        return h;
    } catch (...) {
        data.swap(s.file);
        throw;
    }
}

bool isImageFileName(const std::string &name)
{
    const auto dot = name.rfind('.');
    if (dot == std::string::npos)
        return false;
    const std::string ext = lower(name.substr(dot + 1));
    return ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "bmp";
}

const char *resizePolicyName(ResizePolicy p) { return p == ResizePolicy::Crop ? "crop" : "stretch"; }

bool parseResizePolicy(const std::string &name, ResizePolicy &out)
{
    if (name == "stretch")
        out = ResizePolicy::Stretch;
    else if (name == "crop")
        out = ResizePolicy::Crop;
    else
        return false;
    return true;
}

} // namespace torchwright
