"""engine.datasets: the sizes the labels say are the sizes of the data."""
from engine import datasets as D


def test_digits_sizes_are_the_splits_sizes():
    data = D.digits_split()
    assert data.sizes == D.DIGITS_SIZES == (D.DIGITS_TRAIN, D.DIGITS_VAL, D.DIGITS_TEST) == (1149, 288, 360)
    assert data.name == "digits" and len(data.classes) == 10
    assert not data.X_train.flags.writeable and data.X_train.shape[1] == data.n_features == 64
