# The exported program's reader for the "image_folder" dataset format: FOLDER/CLASS_NAME/*.png|jpg|
# jpeg|bmp, decoded with PIL by the rules the studio's decoder follows (engine/src/imagedecode.h):
# 16-bit samples keep their high byte, alpha is dropped, colour becomes gray as PIL's convert("L")
# computes it, and every image is resized with PIL's bilinear filter to the sample size, whole
# ("stretch") or the centred box of the sample's aspect ratio ("crop"). The test split is the test
# folder, FOLDER/test (with FOLDER/train), or the same seeded, stratified fraction of each class
# the studio holds out. The program (engine/templates/train.py.in) includes this text in its data
# section; it defines load_raw(data_dir) and uses the program's ProgramError, DATASET_DIR,
# DATASET_SETTINGS, SAMPLE_SHAPE, CLASS_NAMES, SPLIT_SEED and its imports of os and torch.


_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp")
_MASK64 = (1 << 64) - 1


def _image_box(w, h, tw, th, policy):
    """The source box PIL resizes: the whole image, or for "crop" the centred box of the
    target's aspect ratio (computed as the studio computes it)."""
    if policy != "crop":
        return (0.0, 0.0, float(w), float(h))
    if tw * h >= th * w:
        bh = th * w / tw
        y0 = (h - bh) / 2.0
        return (0.0, y0, float(w), y0 + bh)
    bw = tw * h / th
    x0 = (w - bw) / 2.0
    return (x0, 0.0, x0 + bw, float(h))


def _image_decode(path):
    """One image as a uint8 tensor [C, H, W] of the sample shape; raises on a file PIL cannot read."""
    import numpy as np
    from PIL import Image
    channels, height, width = SAMPLE_SHAPE
    policy = DATASET_SETTINGS.get("image", {}).get("resize", "stretch")
    with Image.open(path) as img:
        img.load()
        if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
            img = Image.fromarray((np.asarray(img).astype(np.uint32) >> 8).astype(np.uint8), "L")
        img = img.convert("L" if channels == 1 else "RGB")
        box = _image_box(img.width, img.height, width, height, policy)
        if (img.width, img.height) != (width, height) or box != (0.0, 0.0, float(width), float(height)):
            img = img.resize((width, height), Image.BILINEAR, box=box)
        arr = np.asarray(img, dtype=np.uint8)
    arr = arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
    return torch.from_numpy(np.ascontiguousarray(arr))


def _image_stack(items):
    """(images uint8 [N, C, H, W], labels int64 [N]) of (path, label) items, decoded in threads;
    a file that cannot be read is left out and named on stderr, as the studio lists it."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    def one(item):
        try:
            return _image_decode(item[0])
        except Exception as e:  # noqa: BLE001 - any unreadable file is skipped and named
            print(f"{item[0]}: skipped: {e}", file=sys.stderr)
            return None

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        decoded = list(pool.map(one, items, chunksize=64))
    kept = [(x, item[1]) for x, item in zip(decoded, items) if x is not None]
    if not kept:
        return torch.empty([0] + list(SAMPLE_SHAPE), dtype=torch.uint8), torch.empty(0, dtype=torch.int64)
    return torch.stack([x for x, _ in kept]), torch.tensor([y for _, y in kept], dtype=torch.int64)


def _image_split(rel_paths, labels, fraction, seed):
    """The studio's stratified test split: in each class, files ordered by
    splitmix64(fnv1a(relative path) ^ seed), the first round(fraction x count) (at most
    count - 1) are test."""
    def fnv1a(s):
        h = 0xcbf29ce484222325
        for c in s.encode("utf-8"):
            h = ((h ^ c) * 0x100000001b3) & _MASK64
        return h

    def splitmix64(x):
        x = (x + 0x9e3779b97f4a7c15) & _MASK64
        x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & _MASK64
        x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & _MASK64
        return x ^ (x >> 31)

    by_class = {}
    for i, y in enumerate(labels):
        by_class.setdefault(y, []).append(i)
    test = [False] * len(rel_paths)
    for idx in by_class.values():
        keyed = sorted((splitmix64(fnv1a(rel_paths[i]) ^ seed), i) for i in idx)
        n_test = max(0, min(int(math.floor(fraction * len(keyed) + 0.5)), len(keyed) - 1))
        for _, i in keyed[:n_test]:
            test[i] = True
    return test


def _class_folders(root):
    if not os.path.isdir(root):
        raise ProgramError(f"{root}: folder not found")
    names = sorted(n for n in os.listdir(root) if not n.startswith(".") and os.path.isdir(os.path.join(root, n)))
    if not names:
        raise ProgramError(f"{root}: no class folders: an image folder holds one subfolder of images per class")
    return names


def _class_files(folder):
    files = sorted(n for n in os.listdir(folder) if not n.startswith(".") and n.lower().endswith(_IMAGE_EXTENSIONS)
                   and not os.path.isdir(os.path.join(folder, n)))
    if not files:
        raise ProgramError(f"{folder}: the class folder has no PNG, JPEG or BMP image")
    return files


def load_raw(data_dir=None):
    """(train inputs, train labels, test inputs, test labels) as stored: uint8 images
    [N, C, H, W] and int64 labels."""
    root = data_dir or DATASET_DIR
    if not os.path.isdir(root):
        raise ProgramError(f"{root}: dataset folder not found; pass --data DIR")
    settings = DATASET_SETTINGS.get("image", {})
    train_root, test_root = root, settings.get("test_path", "")
    if not test_root and os.path.isdir(os.path.join(root, "train")) and os.path.isdir(os.path.join(root, "test")):
        train_root, test_root = os.path.join(root, "train"), os.path.join(root, "test")
    classes = _class_folders(train_root)
    if CLASS_NAMES and list(CLASS_NAMES) != classes:
        raise ProgramError(f"{train_root}: the class folders are {classes} but the project's classes are {CLASS_NAMES}")
    rel, labels = [], []
    for c, name in enumerate(classes):
        for f in _class_files(os.path.join(train_root, name)):
            rel.append(name + "/" + f)
            labels.append(c)
    if test_root:
        train = [(os.path.join(train_root, r), y) for r, y in zip(rel, labels)]
        test = []
        for name in _class_folders(test_root):
            if name not in classes:
                raise ProgramError(f"{test_root}: the test class folder \"{name}\" is not among the training classes")
            test += [(os.path.join(test_root, name, f), classes.index(name))
                     for f in _class_files(os.path.join(test_root, name))]
    else:
        is_test = _image_split(rel, labels, settings.get("test_fraction", 0.2), SPLIT_SEED)
        train = [(os.path.join(train_root, r), y) for r, y, t in zip(rel, labels, is_test) if not t]
        test = [(os.path.join(train_root, r), y) for r, y, t in zip(rel, labels, is_test) if t]
    return (*_image_stack(train), *_image_stack(test))
