# Image decoding helpers shared by the exported program's image readers (datasets/image_folder.py
# and datasets/image_list.py name it in their descriptors' programHelpers, so the program holds
# this text once, before the reader): PIL decoding by the rules of the studio's decoder
# (engine/src/imagedecode.h) and the seeded, stratified test split the studio draws. Uses the
# program's ProgramError and its imports of os and torch.

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
