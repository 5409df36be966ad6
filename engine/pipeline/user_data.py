"""Your own data for the pipeline: a CSV file, a target column, the same split as the digits.

:func:`load_csv` (``path``, ``target``) reads a CSV with pandas and returns :class:`UserData`:
the target's values become classes 0..k-1 (their names kept), every other column is a feature,
and the rows are split as the tutorial splits the digits (stratified, seed 42: 20 % test, then
20 % of the rest for validation) and standardised on the training part. :func:`read_csv` does
the reading once (the dialog then tries targets on the :class:`CsvTable` without reading again).

Every refusal is a ``ValueError`` in words: a file over :data:`MAX_BYTES` (checked before
reading) or with more than :data:`MAX_COLUMNS` columns (checked on the header line), a file that
is not CSV (binary, a spreadsheet, no separator), fewer than :data:`MIN_ROWS` rows, feature
columns that are not numbers (named), missing values (counted, per column), a target with a
single class, too many classes, or a class too small to reach all three parts.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.arrays import readonly
from engine.datasets import Split, _standardised

MAX_BYTES = 200 * 1000 * 1000
MAX_COLUMNS = 1000
MIN_ROWS = 20
MIN_PER_CLASS = 5         # a class needs rows in training, validation and test
MAX_CLASSES = 50
TEST_FRACTION = VAL_FRACTION = 0.2   # the digits' split: 20 % test, then 20 % of the rest
SPLIT_SEED = 42
SNIFF_BYTES = 64 * 1024
TARGET_NAMES = ("target", "label", "class", "y", "species", "outcome")


def _listed(names, most: int = 8) -> str:
    names = [str(n) for n in names]
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


@dataclass(frozen=True, eq=False)
class UserData:
    """A CSV file made ready for the pipeline (see :func:`load_csv`)."""
    path: str
    target: str
    split: Split                   # standardised train / validation / test (what the jobs take)
    class_names: tuple[str, ...]   # the target's values, class 0 first
    class_counts: tuple[int, ...]  # rows of each class in the whole file
    test_rows: np.ndarray          # the file's data row (1 = the first under the header) of each test row

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.split.feature_names

    @property
    def n_rows(self) -> int:
        return sum(self.split.sizes)

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(training, validation, test) rows."""
        return self.split.sizes

    def summary(self) -> str:
        """What was loaded, in words, with the split sizes."""
        train, val, test = self.sizes
        classes = ", ".join(f"{n} ({c})" for n, c in list(zip(self.class_names, self.class_counts))[:10])
        if len(self.class_names) > 10:
            classes += f" and {len(self.class_names) - 10} more"
        return (f"{self.name}: {self.n_rows} rows, {len(self.feature_names)} numeric features (standardised on "
                f"the training rows), target '{self.target}' with {len(self.class_names)} classes: {classes}. "
                f"Split (stratified, seed {SPLIT_SEED}): training {train}, validation {val}, test {test}.")


@dataclass(frozen=True, eq=False)
class CsvTable:
    """A CSV file read by pandas, not yet split: pick a target with :meth:`dataset`."""
    path: str
    frame: object   # pandas.DataFrame

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def guess_target(self) -> str:
        """A column named like a target ("target", "label", "class", ...), else the last one."""
        lower = {c.lower(): c for c in self.columns}
        return next((lower[n] for n in TARGET_NAMES if n in lower), self.columns[-1])

    def dataset(self, target: str) -> UserData:
        """The data with ``target`` as the class column; ValueError says what stops it."""
        import pandas as pd

        name = Path(self.path).name
        if target not in self.columns:
            raise ValueError(f"{name} has no column '{target}'; its columns are {_listed(self.columns)}")
        frame = self.frame
        features = [c for c in self.columns if c != target]
        if not features:
            raise ValueError(f"{name} has no column besides the target '{target}': nothing to learn from")
        if not frame[target].isna().any():
            self._classes(name, target)    # a target that cannot be a class column is the first thing to say
        problems = []
        text = [c for c in features if not (pd.api.types.is_numeric_dtype(frame[c])
                                            or pd.api.types.is_bool_dtype(frame[c]))]
        if text:
            problems.append(f"{len(text)} feature column{'s hold' if len(text) > 1 else ' holds'} text, not numbers "
                            f"({_listed(text)}): remove {'them' if len(text) > 1 else 'it'} or code "
                            f"{'them' if len(text) > 1 else 'it'} as numbers")
        missing = frame.isna().sum()
        missing = missing[missing > 0]
        if len(missing):
            total = int(missing.sum())
            per = [f"{c} {int(n)}" for c, n in missing.sort_values(ascending=False).items()]
            problems.append(f"{total} value{'s are' if total > 1 else ' is'} missing ({_listed(per)}): fill or drop "
                            f"{'those rows' if total > 1 else 'that row'} first, this lab does not guess values")
        numeric = [c for c in features if c not in text]
        if numeric:
            inf = int(np.isinf(frame[numeric].to_numpy(dtype=float)).sum())
            if inf:
                problems.append(f"{inf} value{'s are' if inf > 1 else ' is'} infinite")
        if problems:
            raise ValueError(f"{name} cannot be used yet: " + "; ".join(problems) + ".")
        return self._split(name, target, features)

    def _classes(self, name: str, target: str):
        """(class values, class index of each row, rows per class) of ``target``; ValueError when it
        cannot be a class column."""
        classes, y = np.unique(self.frame[target].to_numpy(), return_inverse=True)
        counts = np.bincount(y, minlength=len(classes))
        k = len(classes)
        if k < 2:
            raise ValueError(f"The target '{target}' has a single class ({classes[0]!s}): a classifier needs at "
                             "least two. Pick another target column.")
        if k > MAX_CLASSES:
            kind = "numbers" if np.issubdtype(classes.dtype, np.number) else "values"
            raise ValueError(f"The target '{target}' has {k} different {kind}: this lab classifies, and more than "
                             f"{MAX_CLASSES} classes are too many. Pick a column of class labels.")
        small = [f"{c} ({n})" for c, n in zip(classes, counts) if n < MIN_PER_CLASS]
        if small:
            raise ValueError(f"Too few rows of class {_listed(small)} in '{target}': each class needs at least "
                             f"{MIN_PER_CLASS} rows to appear in training, validation and test.")
        return classes, y, counts

    def _split(self, name: str, target: str, features: list[str]) -> UserData:
        from sklearn.model_selection import train_test_split

        classes, y, counts = self._classes(name, target)
        k = len(classes)
        n = len(y)
        n_test = math.ceil(TEST_FRACTION * n)
        n_val = math.ceil(VAL_FRACTION * (n - n_test))
        if n_val < k:
            raise ValueError(f"{n} rows are too few for {k} classes: the validation part ({n_val} rows) needs one "
                             "row of each class.")
        X = self.frame[features].to_numpy(dtype=float)
        rows = np.arange(1, n + 1)
        X_train, X_test, y_train, y_test, _, test_rows = train_test_split(X, y, rows, test_size=TEST_FRACTION,
                                                                          random_state=SPLIT_SEED, stratify=y)
        X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=VAL_FRACTION,
                                                          random_state=SPLIT_SEED, stratify=y_train)
        split = _standardised(name, features, (X_train, y_train), (X_test, y_test), val=(X_val, y_val))
        return UserData(path=str(self.path), target=target, split=split,
                        class_names=tuple(str(c) for c in classes), class_counts=tuple(int(c) for c in counts),
                        test_rows=readonly(test_rows))


def _sniff(path: Path) -> tuple[str, str]:
    """(encoding, delimiter) of a text file that looks like CSV; ValueError otherwise."""
    name = path.name
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        raise ValueError(f"{name} is not a CSV file: it looks like an Excel workbook or a zip archive. "
                         "Save it as CSV (comma-separated values) first.")
    if head.startswith(b"%PDF") or b"\x00" in head:
        raise ValueError(f"{name} is not a CSV file: it holds binary data, not lines of text.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:   # a character cut by the sample's end
                text = head[:exc.start].decode(encoding)
                break
    else:
        raise ValueError(f"{name} is not a CSV file: its bytes are not text.")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{name} is empty.")
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    if len(header) < 2:
        raise ValueError(f"{name} does not look like a CSV file: its first line has no commas, semicolons or "
                         "tabs separating columns (a CSV needs at least a feature and a target column).")
    if len(header) > MAX_COLUMNS:
        raise ValueError(f"{name} has {len(header)} columns: at most {MAX_COLUMNS} are allowed here.")
    return encoding, delimiter


def read_csv(path) -> CsvTable:
    """Read a CSV file with pandas after checking its size and that it is CSV (ValueError in words)."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"There is no file {path}.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"{path.name} is {size / 1e6:.0f} MB: files up to {MAX_BYTES // 10**6} MB can be opened "
                         "here. Use a sample of its rows.")
    if size == 0:
        raise ValueError(f"{path.name} is empty.")
    encoding, delimiter = _sniff(path)
    try:
        frame = pd.read_csv(path, sep=delimiter, encoding=encoding, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{path.name} could not be read as CSV: {detail}.") from None
    frame.columns = [str(c) for c in frame.columns]
    if len(frame) < MIN_ROWS:
        raise ValueError(f"{path.name} has {len(frame)} data row{'s' if len(frame) != 1 else ''}: at least "
                         f"{MIN_ROWS} are needed to split it into training, validation and test rows.")
    return CsvTable(path=str(path), frame=frame)


def reading(path):
    """:func:`read_csv` as a job for the GUI's worker (a generator without events): a big file is
    read off the window's thread."""
    yield from ()
    return read_csv(path)


def load_csv(path, target: str) -> UserData:
    """Read ``path`` and make it ready for the pipeline with ``target`` as the class column."""
    return read_csv(path).dataset(target)
