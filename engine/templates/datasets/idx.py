# The exported program's reader for the "idx" dataset format (IDX files, MNIST layout, plain or
# gzip). The program (engine/templates/train.py.in) includes this text in its data section; it
# defines load_raw(data_dir) and uses the program's ProgramError, DATASET_DIR and its imports of
# gzip, math, os, zlib and torch.


def _read_bytes(path):
    """A file's bytes, inflated when its content is gzip (as the studio tells it)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as e:
            raise ProgramError(f"{path}: the gzip stream is truncated or damaged ({e})")
    return data


def _locate(path):
    """The file itself, or the same name with .gz when only that exists."""
    if os.path.exists(path):
        return path
    if os.path.exists(path + ".gz"):
        return path + ".gz"
    raise ProgramError(f"{path}: file not found (also looked for {os.path.basename(path)}.gz)")


def read_idx(path):
    """An IDX file of unsigned bytes as a uint8 tensor; images [N, rows, cols] come back as
    [N, 1, rows, cols]."""
    path = _locate(path)
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or not 1 <= data[3] <= 4:
        raise ProgramError(f"{path}: not an IDX file (wrong magic number)")
    if data[2] != 0x08:
        raise ProgramError(f"{path}: IDX element type {data[2]:#04x} is not supported; only unsigned bytes are")
    dims = data[3]
    header = 4 + 4 * dims
    if len(data) < header:
        raise ProgramError(f"{path}: truncated: the header needs {header} bytes, the file has {len(data)}")
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    count = math.prod(shape)
    if len(data) - header != count:
        raise ProgramError(f"{path}: expected {count} bytes of data after the header, found {len(data) - header}")
    t = torch.frombuffer(bytearray(data[header:]), dtype=torch.uint8) if count else torch.empty(0, dtype=torch.uint8)
    t = t.reshape(shape)
    return t.unsqueeze(1) if dims == 3 else t


def _idx_pair(folder, prefix):
    images = read_idx(os.path.join(folder, prefix + "-images-idx3-ubyte"))
    labels_path = os.path.join(folder, prefix + "-labels-idx1-ubyte")
    labels = read_idx(labels_path)
    if labels.dim() != 1:
        raise ProgramError(f"{labels_path}: expected a 1-dimensional label file, got {labels.dim()} dimensions")
    if labels.size(0) != images.size(0):
        raise ProgramError(f"{labels_path}: {labels.size(0)} labels for {images.size(0)} images")
    return images, labels.long()


def load_raw(data_dir=None):
    """(train inputs, train labels, test inputs, test labels) as stored: uint8 images
    [N, 1, rows, cols] and int64 labels."""
    folder = data_dir or DATASET_DIR
    if not os.path.isdir(folder):
        raise ProgramError(f"{folder}: dataset folder not found; pass --data DIR")
    return (*_idx_pair(folder, "train"), *_idx_pair(folder, "t10k"))
