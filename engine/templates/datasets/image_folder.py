# The exported program's reader for the "image_folder" dataset format: FOLDER/CLASS_NAME/*.png|jpg|
# jpeg|bmp, decoded with PIL by the rules the studio's decoder follows (engine/src/imagedecode.h):
# 16-bit samples keep their high byte, alpha is dropped, colour becomes gray as PIL's convert("L")
# computes it, and every image is resized with PIL's bilinear filter to the sample size, whole
# ("stretch") or the centred box of the sample's aspect ratio ("crop"). The test split is the test
# folder, FOLDER/test (with FOLDER/train), or the same seeded, stratified fraction of each class
# the studio holds out; the decoding and split helpers are datasets/image_decode.py, included
# before this text. The program (engine/templates/train.py.in) includes this text in its data
# section; it defines load_raw(data_dir) and uses the program's ProgramError, DATASET_DIR,
# DATASET_SETTINGS, SAMPLE_SHAPE, CLASS_NAMES, SPLIT_SEED and its imports of os and torch.


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
