"""The data sets the labs share, built exactly as the tutorial builds them.

Every loader is seeded and cached (``functools.lru_cache``): the first call pays for
scikit-learn's import and the generation, later calls are free. The arrays are returned
read-only, so a caller that wants to change one must copy it first and cannot corrupt the
cache for everybody else.

* :func:`regression_split` - section 2.1: ``make_regression(n_samples=200, n_features=20,
  n_informative=5, noise=10, random_state=42)``, 80/20 split (``random_state=42``),
  standardised with the training set's mean and scale. Also says which features are
  informative (their true coefficients are non-zero).
* :func:`classification_split` - section 2.2 (and, with other arguments, section 4.2):
  ``make_classification``, 80/20 split, standardised.
* :func:`digits_split` - section 6: ``load_digits``, stratified 80/20 train/test split,
  then a stratified 80/20 train/validation split of the training part (both
  ``random_state=42``), standardised on the training part: 1149 / 288 / 360
  (:data:`DIGITS_SIZES`, known without building the split, so a label can say them).

scikit-learn is imported inside the functions: it takes about a second to import.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.arrays import readonly
from engine.params import Param

SEED = Param("random_state", "seed", 42, kind="int", minimum=0, maximum=2**32 - 1,
             help="Seed of the data generator and of the split: the same seed gives the same data.")
#: What ``digits_split()`` (seed 42) holds: training, validation and test images (checked by the tests).
DIGITS_TRAIN, DIGITS_VAL, DIGITS_TEST = DIGITS_SIZES = (1149, 288, 360)

TEST_SIZE = Param("test_size", "test fraction", 0.2, minimum=0.0, maximum=1.0,
                  min_inclusive=False, max_inclusive=False,
                  help="Fraction of the samples held out for testing.")


@dataclass(frozen=True)
class Split:
    """A train/test (and optional validation) split. All arrays are read-only."""
    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    feature_names: tuple[str, ...] = ()
    #: regression only: the coefficients the data were generated with (on the raw features)
    true_coef: np.ndarray | None = None
    #: regression only: indices of the features with a non-zero true coefficient
    informative: np.ndarray | None = None
    #: mean and scale of the StandardScaler fitted on the training part
    scaler_mean: np.ndarray | None = None
    scaler_scale: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(train, validation, test) sample counts; validation is 0 when there is none."""
        n_val = 0 if self.X_val is None else len(self.X_val)
        return len(self.X_train), n_val, len(self.X_test)

    @property
    def classes(self) -> np.ndarray:
        return np.unique(self.y_train)


def _scaled(X_train, *others):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler()
    out = [scaler.fit_transform(X_train)] + [scaler.transform(X) for X in others]
    return out, scaler


def _standardised(name: str, feature_names, train: tuple, test: tuple, val: tuple | None = None,
                  **known) -> Split:
    """The Split of ``train``, ``test`` (and ``val``), each an (X, y) pair, standardised with the
    scaler fitted on the training part; ``known``: further arrays it holds (read-only as well)."""
    parts = {"train": train, "test": test} if val is None else {"train": train, "val": val, "test": test}
    scaled, scaler = _scaled(*(X for X, _ in parts.values()))
    arrays = {}
    for (part, (_, y)), X in zip(parts.items(), scaled):
        arrays[f"X_{part}"], arrays[f"y_{part}"] = readonly(X), readonly(y)
    arrays.update((key, readonly(value)) for key, value in known.items())
    return Split(name=name, feature_names=tuple(feature_names), scaler_mean=readonly(scaler.mean_),
                 scaler_scale=readonly(scaler.scale_), **arrays)


@lru_cache(maxsize=8)
def regression_split(random_state=42, test_size=0.2) -> Split:
    """Section 2.1's regression data: 20 features of which 5 are informative, noise 10."""
    random_state = SEED.validate(random_state)
    test_size = TEST_SIZE.validate(test_size)
    from sklearn.datasets import make_regression
    from sklearn.model_selection import train_test_split

    X, y, coef = make_regression(n_samples=200, n_features=20, n_informative=5, noise=10,
                                 random_state=random_state, coef=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size,
                                                        random_state=random_state)
    return _standardised("regression", (f"x{i}" for i in range(X.shape[1])), (X_train, y_train),
                         (X_test, y_test), true_coef=coef, informative=np.flatnonzero(coef))


@lru_cache(maxsize=8)
def classification_split(n_samples=500, n_features=20, n_informative=10, random_state=42,
                         test_size=0.2) -> Split:
    """Section 2.2's classification data (two classes), split 80/20 and standardised.

    Section 4.2 uses ``classification_split(n_samples=5000, n_informative=2)``
    (``make_classification``'s default number of informative features).
    """
    n_samples = Param("n_samples", "samples", 500, kind="int", minimum=20, maximum=1_000_000).validate(n_samples)
    n_features = Param("n_features", "features", 20, kind="int", minimum=2, maximum=10_000).validate(n_features)
    n_informative = Param("n_informative", "informative features", 10, kind="int", minimum=1,
                          maximum=n_features).validate(n_informative)
    random_state = SEED.validate(random_state)
    test_size = TEST_SIZE.validate(test_size)
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    X, y = make_classification(n_samples=n_samples, n_features=n_features, n_informative=n_informative,
                               random_state=random_state)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size,
                                                        random_state=random_state)
    return _standardised("classification", (f"x{i}" for i in range(n_features)), (X_train, y_train),
                         (X_test, y_test))


@lru_cache(maxsize=4)
def digits_split(random_state=42) -> Split:
    """Section 6's digits: stratified train/validation/test = 1149/288/360, standardised.

    The scaler is fitted on the 1149 training images only, as in the tutorial.
    """
    random_state = SEED.validate(random_state)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X, y = digits.data, digits.target
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=random_state,
                                                        stratify=y)
    X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=0.2,
                                                      random_state=random_state, stratify=y_train)
    return _standardised("digits", digits.feature_names, (X_train, y_train), (X_test, y_test),
                         val=(X_val, y_val))
