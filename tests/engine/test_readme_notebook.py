"""The README's "Use the engine from a notebook" code runs as written, and says what it claims."""
import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def notebook_code() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Use the engine from a notebook", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_notebook_example_runs_and_prints_what_it_promises():
    out = io.StringIO()
    namespace: dict = {}
    with contextlib.redirect_stdout(out):
        exec(compile(notebook_code(), "README.md", "exec"), namespace)
    printed = out.getvalue()
    paths, result = namespace["paths"], namespace["result"]
    assert set(paths) == {"SGD", "Adam"} and "SGD ends at" in printed and "BCE" in printed
    # Adam gets much closer to Rosenbrock's minimum at (1, 1) than SGD in 500 steps
    assert paths["Adam"].losses[-1] < paths["SGD"].losses[-1]
    assert result.stopped_early and result.best_epoch < result.stop_epoch
    assert result.final_val_acc > 0.9 and "early stopping" in printed
