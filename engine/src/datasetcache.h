#pragma once
// Importing many image files at once, for the image formats (datasets/image_folder.cpp,
// datasets/image_list.cpp): every file is decoded once, in parallel (one thread per hardware
// thread), into one uint8 tensor [N, C, H, W]; the result is cached beside the project so the
// next open reads one file instead of decoding again.
//
// The cache: <project folder>/.torchwright-cache/<slot>.twcache, or $XDG_CACHE_HOME/torchwright
// (~/.cache/torchwright) for a project not saved yet; never in the data folder. The slot is named
// by the dataset's roots and decode settings; its content is valid only for the key it records: a
// SHA-256 of every file's path, label, split, size and modification time (ns) with the decode
// settings, so a changed, added or removed file is noticed and everything is decoded again.
// Written to a temporary and renamed into place; a cache that cannot be written costs the next
// open a decode, nothing else.

#include "datasetreader.h"
#include "imagedecode.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace torchwright {

// One image file to import.
struct ImageItem {
    std::string path; // as opened and as messages name it
    int64_t label = 0;
    bool test = false;
};

struct ImageImport {
    // Every file, the training items first and then the test items; samples keep this order.
    std::vector<ImageItem> items;
    DecodeTarget target;
    std::vector<std::string> classes; // one name per label, for the messages and the record
    // The format's part of the preprocessing record (RawInfo::preprocessing).
    nlohmann::json preprocessing = nlohmann::json::object();
    // What names this dataset in the cache apart from its files: the format, its roots, settings.
    std::string slot;
};

// Where the project's decoded data is cached.
std::string datasetCacheDir(const Project &project);

// One split of the images: from the cache when it holds the current files, otherwise all of them
// are decoded (progress and cancel through `control`) and cached. Files that cannot be decoded
// are left out and listed in RawInfo::skipped with a count in the warnings; a class left with no
// image is an error, one with a single image a warning. Throws EngineError, ImportCancelled.
// `makeSpec` lists the files (not called when the other split of the same import, a moment ago,
// left this one ready: train and test are read together).
RawSplit importImageSplit(const Project &project, const std::function<ImageImport()> &makeSpec, bool test,
                          const ImportControl &control);

// Decodes `count` files (`pathOf(i)`) in parallel into a new tensor [count, C, H, W]: a file
// that cannot be decoded is left zero and listed in `failures` (index, reason; in index order);
// `sizes[2i]`, `sizes[2i + 1]` are file i's source width and height. Throws ImportCancelled.
torch::Tensor decodeImages(size_t count, const std::function<const std::string &(size_t)> &pathOf,
                           const DecodeTarget &target, std::vector<std::pair<size_t, Message>> &failures,
                           std::vector<uint32_t> &sizes, const ImportControl &control);

// The image files under `path` (a file: itself; a folder: every image file below it, recursively,
// sorted by path), for prediction. Throws EngineError when there is none.
std::vector<std::string> imageFilesAt(const std::string &path);

// The decode target a preprocessing record describes ({"image": {"channels", "size", "resize"}}).
DecodeTarget decodeTargetFromRecord(const nlohmann::json &record);

// Reads the inputs for prediction as training read them (DatasetReader::predictInputs).
torch::Tensor predictImageInputs(const nlohmann::json &record, const std::string &path,
                                 std::vector<std::string> &sources, const ImportControl &control);

// The channels the project's images are decoded to: /dataset/image/channels, where "auto" is what
// most of `paths` are (read from their headers). Throws EngineError naming the dataset when it
// disagrees with /dataset/sample_shape.
int resolveImageChannels(const Project &project, const std::vector<std::string> &paths);

// The decode target of a project (channels already resolved), checked against its sample shape.
DecodeTarget projectDecodeTarget(const Project &project, int channels);

// The seeded, stratified test split of one root: for each class, its files ordered by a hash of
// (seed, path relative to the root) and the first round(fraction x count) taken as test (at most
// count - 1). The exported program computes the same (image_folder.py).
std::vector<bool> stratifiedTestSplit(const std::vector<std::string> &relativePaths, const std::vector<int64_t> &labels,
                                      double fraction, uint64_t seed);

} // namespace torchwright
