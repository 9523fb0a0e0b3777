# The exported program's reader for the "csv" dataset format (a table, plain or gzip, in the
# dataset folder), with the studio's column handling (engine/src/datasets/csv.cpp): the same
# count-line, header and delimiter detection, the same feature and target columns, the same rows
# skipped, the same stratified test split (rows drawn by a splitmix64 key of the seed and the line),
# numeric columns standardised with the training rows' mean and std, categorical ones one-hot over
# the training rows' sorted categories. The program (engine/templates/train.py.in) includes this
# text in its data section; it defines load_raw(data_dir) and uses the program's ProgramError,
# DATASET_DIR, DATASET, CLASS_NAMES, NUM_CLASSES, SPLIT_SEED and its imports of csv, gzip, io, math,
# os and torch.

_MASK = (1 << 64) - 1


def _splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _number(field):
    """A whole field as a finite float, or None (as the studio reads numbers)."""
    s = field.strip(" \t")
    if not s or any(c not in "0123456789.+-eE" for c in s):
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _integer(field):
    s = field.strip(" \t")
    if not s or len(s) > 18 or not (s[1:] if s[0] == "-" else s).isdigit():
        return None
    return int(s)


def _read_rows(path, delimiter_name):
    """[(line, fields)] of the table's non-empty rows, and the delimiter."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error) as e:
            raise ProgramError(f"{path}: the gzip stream is truncated or damaged ({e})")
    text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiters = {"comma": ",", "semicolon": ";", "tab": "\t"}

    def parse(delimiter, limit=None):
        rows = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                            strict=True)
        start = 1
        try:
            for fields in reader:
                line = start
                start = reader.line_num + 1
                if not fields:
                    continue
                rows.append((line, fields))
                if limit and len(rows) >= limit:
                    break
        except csv.Error as e:
            raise ProgramError(f"{path}:{reader.line_num}: {e}")
        return rows

    delimiter = delimiters.get(delimiter_name)
    if delimiter is None:
        # The one that splits the first rows into the same number of fields most often.
        best, best_key = ",", (0, 0)
        for d in (",", ";", "\t"):
            try:
                sample = parse(d, 50)
            except ProgramError:
                continue
            counts = {}
            body = sample[1:-1] if len(sample) > 2 else sample[1:] if len(sample) > 1 else sample
            for _, fields in body:
                counts[len(fields)] = counts.get(len(fields), 0) + 1
            fields, frequency = 0, 0
            for f, c in sorted(counts.items()):
                if f > 1 and (c > frequency or (c == frequency and f > fields)):
                    fields, frequency = f, c
            if (frequency, fields) > best_key:
                best, best_key = d, (frequency, fields)
        delimiter = best
    return parse(delimiter), delimiter


def _layout(path, settings):
    """(columns, data rows [(line, fields)], header?, count-line class names) as the studio reads them."""
    if not os.path.isfile(path):
        raise ProgramError(f"{path}: table not found; pass --data DIR")
    rows, _ = _read_rows(path, settings.get("delimiter", "auto"))
    if not rows:
        raise ProgramError(f"{path}: the table is empty: it holds no rows")
    skip, names = settings.get("skip_rows", -1), []
    if skip < 0:
        skip = 0
        first = rows[0][1]
        if len(rows) >= 2 and len(first) >= 2:
            n, f = _integer(first[0]), _integer(first[1])
            columns, after = len(rows[1][1]), len(rows) - 1
            if n is not None and f is not None and n >= 0 and f >= 1 and f in (columns - 1, columns) and \
                    n in (after, after - 1) and all(_number(x) is None for x in first[2:]):
                skip = 1
                names = [x.strip(" \t") for x in first[2:] if x.strip(" \t") and _number(x) is None]
    if skip >= len(rows):
        raise ProgramError(f"{path}: the table has {len(rows)} row(s) and skip_rows skips {skip}")
    header_setting = settings.get("header", "auto")
    row = rows[skip][1]
    if header_setting == "yes":
        header = True
    elif header_setting == "no":
        header = False
    elif skip + 1 < len(rows):
        nxt = rows[skip + 1][1]
        header = any(_number(a) is None and _number(b) is not None for a, b in zip(row, nxt))
    else:
        header = any(_number(a) is None for a in row)
    columns = [c.strip(" \t") for c in row] if header else [str(i) for i in range(len(row))]
    data = rows[skip + (1 if header else 0):]
    if not data:
        raise ProgramError(f"{path}: the table has a header (line {rows[skip][0]}) but no data rows")
    for line, fields in data:
        if len(fields) != len(columns):
            raise ProgramError(f"{path}:{line}: the row has {len(fields)} field(s) but there are {len(columns)} columns")
    return columns, data, header, names


def _find(columns, spec):
    if spec in columns:
        return columns.index(spec)
    i = _integer(spec)
    if i is not None:
        if i < 0:
            i += len(columns)
        if 0 <= i < len(columns):
            return i
    return -1


def load_raw(data_dir=None):
    """(train inputs, train targets, test inputs, test targets): float32 features [N, F] encoded as
    the studio encodes them, int64 classes (or float32 values for a regression)."""
    s = DATASET["csv"]
    folder = data_dir or DATASET_DIR
    resolve = lambda f: f if os.path.isabs(f) else os.path.join(folder, f)
    path = resolve(s["file"])
    regression = s.get("task") == "regression"
    columns, data, header, count_names = _layout(path, s)
    target = _find(columns, s["target"])
    if target < 0:
        raise ProgramError(f"{path}: there is no column '{s['target']}' for the target")
    features = [_find(columns, f) for f in s.get("features", [])] or [i for i in range(len(columns)) if i != target]
    if any(i < 0 for i in features):
        raise ProgramError(f"{path}: a feature column is missing")

    def numeric(i):
        values = [f[i] for _, f in data if f[i].strip(" \t")]
        numbers = sum(1 for v in values if _number(v) is not None)
        return numbers >= len(values) - numbers

    kinds = [numeric(i) for i in features]

    def usable(fields, at, t):
        if any(not fields[i].strip(" \t") or (k and _number(fields[i]) is None) for i, k in zip(at, kinds)):
            return False
        return bool(fields[t].strip(" \t")) and (not regression or _number(fields[t]) is not None)

    good = [(line, f) for line, f in data if usable(f, features, target)]
    if not good:
        raise ProgramError(f"{path}: none of the {len(data)} data row(s) can be used")
    skipped = len(data) - len(good)
    named = bool(count_names) and all(
        (lambda v: v is not None and 0 <= v < len(count_names))(_integer(f[target])) for _, f in good)

    def class_name(value):
        v = value.strip(" \t")
        i = _integer(v)
        return count_names[i] if named and i is not None and 0 <= i < len(count_names) else v

    if regression:
        classes = []
    elif CLASS_NAMES:
        classes = list(CLASS_NAMES)
    elif named:
        classes = list(count_names)
    else:
        found = sorted({class_name(f[target]) for _, f in good})
        if all(_integer(c) is not None for c in found):
            found.sort(key=int)
        classes = found
    if not regression and len(classes) != NUM_CLASSES:
        raise ProgramError(f"{path}: the target column has {len(classes)} classes but the project has {NUM_CLASSES}")
    index = {c: i for i, c in enumerate(classes)}

    if s.get("test_file"):
        train_rows = good
        t_path = resolve(s["test_file"])
        t_columns, t_data, t_header, _ = _layout(t_path, s)
        locate = (lambda i: _find(t_columns, columns[i])) if header and t_header else (lambda i: i)
        t_target, t_features = locate(target), [locate(i) for i in features]
        if t_target < 0 or any(i < 0 for i in t_features):
            raise ProgramError(f"{t_path}: the test table lacks a column the training table has")
        test_rows = [(line, f) for line, f in t_data if usable(f, t_features, t_target)
                     and (regression or class_name(f[t_target]) in index)]
    else:
        t_target, t_features = target, features
        groups = {}
        for line, f in good:
            groups.setdefault("" if regression else class_name(f[target]), []).append((line, f))
        chosen = set()
        fraction = s.get("test_fraction", 0.2)
        for rows in groups.values():
            order = sorted(rows, key=lambda r: (_splitmix64((SPLIT_SEED ^ _splitmix64(r[0])) & _MASK), r[0]))
            chosen.update(line for line, _ in order[:int(math.floor(fraction * len(order) + 0.5))])
        train_rows = [r for r in good if r[0] not in chosen]
        test_rows = [r for r in good if r[0] in chosen]
    if skipped:
        print(f"{path}: {skipped} row(s) skipped for missing or non-numeric values", file=sys.stderr)

    # Encoders from the training rows only, in double precision and row order, as the studio fits them.
    encoders = []
    for i, k in zip(features, kinds):
        if k:
            values = [_number(f[i]) for _, f in train_rows]
            n = max(len(values), 1)
            mean = sum(values) / n
            std = math.sqrt(sum((v - mean) * (v - mean) for v in values) / n)
            encoders.append(("numeric", mean, std if std > 1e-12 else 1.0))
        else:
            encoders.append(("categorical", sorted({f[i].strip(" \t") for _, f in train_rows}), None))

    def encode(rows, at, t):
        x = []
        for _, f in rows:
            out = []
            for i, (kind, a, b) in zip(at, encoders):
                if kind == "numeric":
                    out.append((_number(f[i]) - a) / b)
                else:
                    v = f[i].strip(" \t")
                    out.extend(1.0 if c == v else 0.0 for c in a)
            x.append(out)
        width = sum(1 if k == "numeric" else len(a) for k, a, _ in encoders)
        inputs = torch.tensor(x, dtype=torch.float64).to(torch.float32).reshape(len(rows), width)
        if regression:
            targets = torch.tensor([_number(f[t]) for _, f in rows], dtype=torch.float64).to(torch.float32)
        else:
            targets = torch.tensor([index[class_name(f[t])] for _, f in rows], dtype=torch.int64)
        return inputs, targets

    return (*encode(train_rows, features, target), *encode(test_rows, t_features, t_target))
