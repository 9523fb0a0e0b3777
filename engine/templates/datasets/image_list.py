# The exported program's reader for the "image_list" dataset format: CSV files in the dataset
# folder naming an image file (relative to the CSV file) and its label on each row, as Neural
# Network Console writes them (x:image,y:label). Labels are class numbers when every one is a
# whole number, else class names numbered in sorted order. Images are decoded with PIL by the
# rules of the studio's decoder (engine/src/imagedecode.h), as the image_folder reader does; the
# helpers below are the same text as that reader's. The program (engine/templates/train.py.in)
# includes this text in its data section; it defines load_raw(data_dir) and uses the program's
# ProgramError, DATASET_DIR, DATASET_SETTINGS, SAMPLE_SHAPE, CLASS_NAMES, NUM_CLASSES, SPLIT_SEED
# and its imports of os and torch.


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


def _read_list(folder, name, image_column, label_column):
    """[(image as written, label text)] of one list; rows without both are named on stderr and
    left out, as the studio lists them with their line."""
    import csv
    import sys
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        raise ProgramError(f"{path}: file not found")
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows or not any(c.strip(" \t") for c in rows[0]):
        raise ProgramError(f"{path}: empty file: expected a header naming the columns {image_column} and {label_column}")
    header = [c.strip(" \t") for c in rows[0]]
    for want in (image_column, label_column):
        if want not in header:
            raise ProgramError(f"{path}:1: no column \"{want}\" (the columns are: {', '.join(header)})")
    ci, cl = header.index(image_column), header.index(label_column)
    out = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) == 0 or (len(row) == 1 and not row[0].strip(" \t")):
            continue
        if len(row) <= max(ci, cl) or not row[ci].strip(" \t") or not row[cl].strip(" \t"):
            print(f"{path}:{line}: skipped: the row has no image file or no label", file=sys.stderr)
            continue
        out.append((row[ci].strip(" \t"), row[cl].strip(" \t")))
    if not out:
        raise ProgramError(f"{path}: lists no image")
    return path, out


def load_raw(data_dir=None):
    """(train inputs, train labels, test inputs, test labels) as stored: uint8 images
    [N, C, H, W] and int64 labels."""
    folder = data_dir or DATASET_DIR
    if not os.path.isdir(folder):
        raise ProgramError(f"{folder}: dataset folder not found; pass --data DIR")
    image = DATASET_SETTINGS.get("image", {})
    lists = DATASET_SETTINGS.get("image_list", {})
    image_column = lists.get("image_column", "x:image")
    label_column = lists.get("label_column", "y:label")
    train_file, train_rows = _read_list(folder, lists.get("train_file", "train.csv"), image_column, label_column)
    test_rows = None
    if lists.get("test_file"):
        test_file, test_rows = _read_list(folder, lists["test_file"], image_column, label_column)
    all_labels = [y for _, y in train_rows + (test_rows or [])]
    numeric = all(y.isdigit() and y.isascii() and len(y) < 10 for y in all_labels)
    if numeric:
        label_of = int
    else:
        classes = sorted(set(all_labels))
        if list(CLASS_NAMES) != classes:
            raise ProgramError(f"{train_file}: the labels name the classes {classes} but the project's are {CLASS_NAMES}")
        label_of = classes.index

    def path_of(list_file, written):
        return os.path.normpath(os.path.join(os.path.dirname(list_file), written))

    if test_rows is None:
        labels = [label_of(y) for _, y in train_rows]
        is_test = _image_split([x for x, _ in train_rows], labels, image.get("test_fraction", 0.2), SPLIT_SEED)
        train = [(path_of(train_file, x), y) for (x, _), y, t in zip(train_rows, labels, is_test) if not t]
        test = [(path_of(train_file, x), y) for (x, _), y, t in zip(train_rows, labels, is_test) if t]
    else:
        train = [(path_of(train_file, x), label_of(y)) for x, y in train_rows]
        test = [(path_of(test_file, x), label_of(y)) for x, y in test_rows]
    return (*_image_stack(train), *_image_stack(test))
