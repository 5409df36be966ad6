"""Your own CSV for the pipeline: the shipped example loads and splits like the digits; every bad
file is refused in words."""
import numpy as np
import pandas as pd
import pytest

from engine import pipeline as P
from engine.pipeline import user_data as U
from engine.stream import drain
from gui.resources import resource_path

EXAMPLE = resource_path("wine.csv")


def write(tmp_path, frame, name="data.csv", **kwargs):
    path = tmp_path / name
    frame.to_csv(path, index=False, **kwargs)
    return path


def good_frame(n=60, classes=("a", "b", "c")):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n),
                         "kind": [classes[i % len(classes)] for i in range(n)]})


def test_the_example_loads_with_its_named_target_and_the_digits_split():
    table = U.read_csv(EXAMPLE)
    assert table.guess_target() == "cultivar"
    data = U.load_csv(EXAMPLE, "cultivar")
    raw = pd.read_csv(EXAMPLE)
    assert data.n_rows == len(raw) == 178 and len(data.feature_names) == raw.shape[1] - 1
    train, val, test = data.sizes
    assert test == int(np.ceil(0.2 * 178)) and val == int(np.ceil(0.2 * (178 - test))) and train == 178 - test - val
    assert data.class_names == tuple(sorted(raw["cultivar"].unique()))
    assert data.class_counts == tuple(raw["cultivar"].value_counts().sort_index())
    # standardised on the training rows only
    assert np.allclose(data.split.X_train.mean(axis=0), 0, atol=1e-9)
    assert np.allclose(data.split.X_train.std(axis=0), 1)
    # stratified: every class in every part
    for y in (data.split.y_train, data.split.y_val, data.split.y_test):
        assert set(y) == {0, 1, 2}
    # the test rows are the file's rows: their features, standardised, are the split's
    X_file = raw.drop(columns="cultivar").to_numpy(dtype=float)[data.test_rows - 1]
    assert np.allclose((X_file - data.split.scaler_mean) / data.split.scaler_scale, data.split.X_test)
    words = data.summary()
    assert f"training {train}, validation {val}, test {test}" in words and "178 rows" in words


def test_the_baseline_and_your_pipeline_run_on_your_data():
    data = U.load_csv(EXAMPLE, "cultivar")
    events, result = drain(P.run_on_data({"model": P.LOGISTIC, "C": 0.01}, data.split))
    baseline = events[0]
    assert isinstance(baseline, P.PipelineResult) and baseline.step == 1 and baseline.label == P.BASELINE_LABEL
    assert result.step == 0 and result.comparison.n == data.sizes[2]
    assert len(result.fits[0].test_predictions) == data.sizes[2]


def test_a_target_of_numbers_and_a_semicolon_file_are_fine(tmp_path):
    frame = good_frame(classes=(3, 7))
    data = U.load_csv(write(tmp_path, frame, sep=";"), "kind")
    assert data.class_names == ("3", "7") and data.feature_names == ("x1", "x2")


@pytest.mark.parametrize("make, target, words", [
    # not CSV
    (lambda p: p.write_bytes(b"PK\x03\x04" + bytes(200)), "kind", "not a CSV file: it looks like an Excel"),
    (lambda p: p.write_bytes(bytes(range(256)) * 4), "kind", "not a CSV file: it holds binary data"),
    (lambda p: p.write_text("just some words\nand more words\n" * 20), "kind", "does not look like a CSV file"),
    (lambda p: p.write_text(""), "kind", "is empty"),
])
def test_a_file_that_is_not_csv_is_refused_in_words(tmp_path, make, target, words):
    path = tmp_path / "notes.csv"
    make(path)
    with pytest.raises(ValueError, match=words):
        U.load_csv(path, target)


def test_non_numeric_features_are_named(tmp_path):
    frame = good_frame()
    frame["city"] = "Oslo"
    frame["colour"] = "red"
    with pytest.raises(ValueError, match=r"2 feature columns hold text, not numbers \(city, colour\)"):
        U.load_csv(write(tmp_path, frame), "kind")


def test_missing_values_are_counted_per_column(tmp_path):
    frame = good_frame()
    frame.loc[[1, 2, 3], "x1"] = np.nan
    frame.loc[5, "x2"] = np.nan
    with pytest.raises(ValueError, match=r"4 values are missing \(x1 3, x2 1\)"):
        U.load_csv(write(tmp_path, frame), "kind")


def test_a_single_class_is_refused(tmp_path):
    with pytest.raises(ValueError, match="single class"):
        U.load_csv(write(tmp_path, good_frame(classes=("a",))), "kind")


def test_fewer_than_20_rows_are_refused(tmp_path):
    with pytest.raises(ValueError, match="has 19 data rows: at least 20"):
        U.load_csv(write(tmp_path, good_frame(n=19)), "kind")


def test_a_class_too_small_for_the_three_parts_is_named(tmp_path):
    frame = good_frame(n=40, classes=("a", "b"))
    frame.loc[:2, "kind"] = "rare"
    frame.loc[3:, "kind"] = ["a", "b"] * 18 + ["a"]
    with pytest.raises(ValueError, match=r"class rare \(3\)"):
        U.load_csv(write(tmp_path, frame), "kind")


def test_a_continuous_target_is_refused(tmp_path):
    frame = good_frame(n=80).drop(columns="kind")
    with pytest.raises(ValueError, match="80 different numbers: this lab classifies"):
        U.load_csv(write(tmp_path, frame), "x1")


def test_more_than_1000_columns_are_refused_from_the_header(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1001)) + "\n" + ",".join("1" * 1001) + "\n")
    with pytest.raises(ValueError, match="1001 columns: at most 1000"):
        U.read_csv(path)


def test_more_than_200_MB_is_refused_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, good_frame())
    monkeypatch.setattr(U, "MAX_BYTES", path.stat().st_size - 1)
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: pytest.fail("read a file over the limit"))
    with pytest.raises(ValueError, match="MB: files up to"):
        U.read_csv(path)


def test_a_200_MB_file_is_refused_by_its_size(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "wb") as f:    # a sparse file: its size without writing 200 MB
        f.truncate(U.MAX_BYTES + 1)
    with pytest.raises(ValueError, match="big.csv is 200 MB: files up to 200 MB"):
        U.read_csv(path)


def test_an_unknown_target_and_a_missing_file_are_named(tmp_path):
    with pytest.raises(ValueError, match="no column 'price'"):
        U.load_csv(EXAMPLE, "price")
    with pytest.raises(ValueError, match="There is no file"):
        U.load_csv(tmp_path / "nowhere.csv", "kind")


def test_a_malformed_csv_says_where(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,kind\n" + "1,2,x\n" * 25 + "1,2,3,4,5\n")
    with pytest.raises(ValueError, match="could not be read as CSV"):
        U.read_csv(path)


def test_reading_is_a_job_without_events_that_returns_the_table():
    events, table = drain(U.reading(EXAMPLE))
    assert events == [] and table.columns == list(pd.read_csv(EXAMPLE).columns)
