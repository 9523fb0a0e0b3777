# The exported program's reader for the "image_list" dataset format: CSV files in the dataset
# folder naming an image file (relative to the CSV file) and its label on each row, as Neural
# Network Console writes them (x:image,y:label). Labels are class numbers when every one is a
# whole number, else class names numbered in sorted order. Images are decoded with PIL by the
# rules of the studio's decoder (engine/src/imagedecode.h), as the image_folder reader does, by
# the helpers both share (datasets/image_decode.py, included before this text). The program
# (engine/templates/train.py.in) includes this text in its data section; it defines load_raw(data_dir) and uses the program's
# ProgramError, DATASET_DIR, DATASET_SETTINGS, SAMPLE_SHAPE, CLASS_NAMES, NUM_CLASSES, SPLIT_SEED
# and its imports of os and torch.


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
