# The exported program's reader for the "cifar10" dataset format (binary batches). The program
# (engine/templates/train.py.in) includes this text in its data section; it defines
# load_raw(data_dir) and uses the program's ProgramError, DATASET_DIR and its imports of os and
# torch.


def _cifar_batches(folder, names):
    record = 1 + 3 * 32 * 32
    images, labels = [], []
    for name in names:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            raise ProgramError(f"{path}: file not found")
        with open(path, "rb") as f:
            data = f.read()
        if not data or len(data) % record:
            raise ProgramError(f"{path}: truncated: {len(data)} bytes is not a whole number of {record}-byte records")
        raw = torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(-1, record)
        labels.append(raw[:, 0].long())
        images.append(raw[:, 1:].reshape(-1, 3, 32, 32))
    return torch.cat(images), torch.cat(labels)


def load_raw(data_dir=None):
    """(train inputs, train labels, test inputs, test labels) as stored: uint8 images
    [N, 3, 32, 32] and int64 labels."""
    folder = data_dir or DATASET_DIR
    if not os.path.isdir(folder):
        raise ProgramError(f"{folder}: dataset folder not found; pass --data DIR")
    return (*_cifar_batches(folder, [f"data_batch_{i}.bin" for i in range(1, 6)]),
            *_cifar_batches(folder, ["test_batch.bin"]))
