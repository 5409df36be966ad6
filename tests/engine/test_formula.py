"""Typed formulas: the whitelist, exact gradients, the estimated minimum, and a fuzzed parser."""
import numpy as np
import pytest

from engine import surfaces as S
from engine.formula import MAX_DEPTH, MAX_LENGTH, parse
from engine.stream import drain
from engine.surfaces import from_formula

ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"
FORMULAS = [
    "x**2 + 10*y**2", "sin(x)*cos(y) + x**2/10", "exp(-x**2 - y**2)", "log(1 + x**2 + y**2)",
    "sqrt(1 + x**2) + tanh(y)", "abs(x - 0.3) + y**3", "tan(x/4)*y", "x**y + 2", "2**x - y", "-x/(1 + y**2)",
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2", "e**(x/3) * pi", "+x - -y", "x**2.5 + y**0.5",
]
HOSTILE = [
    "__import__('os').system('true')", "os.system('true')", "open('/etc/passwd')", "x.real", "x[0]", "'x'",
    "b'x'", "lambda: 1", "[x for x in y]", "{x for x in y}", "{x: y}", "(x for x in y)", "x if y else 1",
    "x < y", "x and y", "not x", "~x", "x % 2", "x // 2", "x @ y", "x ^ 2", "x | y", "x << 2", "(x, y)",
    "[x]", "{x}", "*x", "(y := 2)", "f'{x}'", "x = 1", "import os", "del x", "exec('1')", "eval('1')",
    "globals()", "getattr(x, 'y')", "sin(x, y)", "sin()", "sin(x=1)", "sin(*x)", "sin", "min(x, y)",
    "x.__class__", "1j", "True", "None", "...", "z", "X", "xy", "2x", "1e999", "9" * 320, "", "   ",
    "x\x00", "x +", "(x", "x)", "sin(x", "x " * 200, "-" * 60 + "x", "(" * 60 + "x",
    "+".join(["x"] * 60), "sin(" * 55 + "x" + ")" * 55, "x**y**x**y**" * 20 + "x", "yield x", "await x",
    "x;y", "x\ny", "#x", "pi.real", "e()", "x(y)", "(lambda: x)()", "[].__class__", "x if 1 else y",
]


def central_difference(f, x, y, h=1e-6):
    return ((f.value(x + h, y) - f.value(x - h, y)) / (2 * h), (f.value(x, y + h) - f.value(x, y - h)) / (2 * h))


def test_typed_rosenbrock_equals_the_built_in_one():
    typed, built_in = from_formula(ROSENBROCK), S.get("rosenbrock")
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-2, 2, 500), rng.uniform(-1, 3, 500)
    np.testing.assert_allclose(typed.value(x, y), built_in.value(x, y), rtol=1e-14, atol=0)
    for got, want in zip(typed.gradient(x, y), built_in.gradient(x, y)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)
    assert typed.f((0.3, -0.2)) == built_in.f((0.3, -0.2))
    np.testing.assert_allclose(typed.grad((0.3, -0.2)), built_in.grad((0.3, -0.2)), rtol=1e-13)
    # the estimated minimum is the known one
    assert abs(typed.min_value) < 1e-10
    np.testing.assert_allclose(typed.minima[0], (1.0, 1.0), atol=1e-4)
    assert typed.view == (-5.0, 5.0, -5.0, 5.0) and typed.key == "custom"


@pytest.mark.parametrize("text", FORMULAS)
def test_gradients_equal_central_differences(text):
    f = parse(text)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0.2, 2.0, 50), rng.uniform(0.2, 2.0, 50)   # where every formula above is smooth
    gx, gy = f.gradient(x, y)
    dx, dy = central_difference(f, x, y)
    scale = 1 + np.abs(f.value(x, y))
    np.testing.assert_allclose(gx, dx, rtol=1e-5, atol=1e-6 * scale.max())
    np.testing.assert_allclose(gy, dy, rtol=1e-5, atol=1e-6 * scale.max())


def test_values_follow_python_arithmetic_and_shapes_broadcast():
    assert parse("2**3**2").value(0.0, 0.0) == 2 ** 3 ** 2
    assert parse("-x**2").value(3.0, 0.0) == -9.0
    assert parse("pi + e").value(0, 0) == pytest.approx(np.pi + np.e)
    assert parse("(1 − x)² + 100·(y − x²)²").value(0.5, 0.5) == parse(ROSENBROCK).value(0.5, 0.5)  # copied from a label
    grid = np.zeros((3, 4))
    assert parse("3").value(grid, grid).shape == (3, 4)
    assert all(g.shape == (3, 4) and not g.any() for g in parse("3").gradient(grid, grid))


def test_huge_powers_are_float_inf_not_a_python_integer_power():
    # with Python ints this would never finish; with numpy floats it is inf (benchmarks/bench_formula.py times it)
    f = parse("9**9**9**9")
    assert f.value(0.0, 0.0) == np.inf and all(np.ndim(g) == 0 for g in f.gradient(0.0, 0.0))
    assert np.isnan(parse("log(-1) + x").value(1.0, 0.0))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_inputs_raise_value_error_saying_what(text):
    with pytest.raises(ValueError) as info:   # in well under a millisecond: benchmarks/bench_formula.py
        parse(text)
    assert len(str(info.value)) > 15 and "Traceback" not in str(info.value)


@pytest.mark.parametrize("text, words", [
    ("x + foo", ["'foo'", "character 5"]), ("x ^ 2", ["'^'", "character 3", "**"]),
    ("np.sin(x)", ["attribute", "character 1"]), ("2x", ["2*x"]), ("xy + 1", ["x*y"]),
    ("x % 2", ["'%'", "character 3"]), ("min(x, y)", ["'min'", "sin cos"]), ("x[0]", ["subscript"]),
    ("z = x", ["'='"]), ("sin(x, y)", ["one argument"]), ("x" + "+x" * 200, [str(MAX_LENGTH)]),
    ("-" * 60 + "x", [str(MAX_DEPTH), "deep"]), ("é + x", ["'é'", "character 1"]),
])
def test_errors_say_what_and_where(text, words):
    with pytest.raises(ValueError) as info:
        parse(text)
    for word in words:
        assert word in str(info.value)


def test_fuzzed_token_strings_parse_or_raise_value_error_quickly():
    tokens = ["x", "y", "pi", "e", "1", "2.5", "1e308", "+", "-", "*", "/", "**", "(", ")", "sin(", "exp(",
              "log(", "abs(", ",", ".", "[", "]", "lambda", ":", "if", "else", "'", "__import__", "=", "%", " ",
              "^", "os", "9", "0", "tanh(", "sqrt("]
    rng = np.random.default_rng(20261201)
    accepted = 0
    for _ in range(3000):
        text = "".join(rng.choice(tokens, size=rng.integers(1, 25)))
        try:
            f = parse(text)
        except ValueError:
            pass
        else:
            accepted += 1
            v = f.value(np.linspace(-2, 2, 7), 0.5)
            gx, gy = f.gradient(0.3, -0.7)
            assert v.shape == (7,) and np.ndim(gx) == 0 and np.ndim(gy) == 0
    assert accepted > 20   # the fuzzer does reach the evaluator


def random_formula(rng, depth=0):
    """A random allowed formula as text, and the same computed directly with numpy (the oracle)."""
    if depth > 4 or rng.random() < 0.25:
        leaf = rng.choice(["x", "y", "pi", "e", "num"])
        if leaf == "num":
            c = round(float(rng.uniform(0.1, 3)), 2)
            return repr(c), lambda x, y: np.full(np.broadcast(x, y).shape, c)
        return leaf, {"x": lambda x, y: x + 0 * y, "y": lambda x, y: y + 0 * x,
                      "pi": lambda x, y: np.pi + 0 * x, "e": lambda x, y: np.e + 0 * x}[leaf]
    kind = rng.choice(["+", "-", "*", "/", "**", "neg", "fn"])
    if kind == "fn":
        name = rng.choice(["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh"])
        text, f = random_formula(rng, depth + 1)
        return f"{name}({text})", lambda x, y: getattr(np, name)(f(x, y))
    if kind == "neg":
        text, f = random_formula(rng, depth + 1)
        return f"-({text})", lambda x, y: -f(x, y)
    (ta, fa), (tb, fb) = random_formula(rng, depth + 1), random_formula(rng, depth + 1)
    op = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power}[kind]
    return f"({ta}) {kind} ({tb})", lambda x, y: op(fa(x, y), fb(x, y))


def test_fuzzed_grammar_formulas_evaluate_like_numpy_and_have_their_gradient():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(0.3, 1.5, 40), rng.uniform(0.3, 1.5, 40)
    checked = 0
    for _ in range(300):
        text, oracle = random_formula(rng)
        if len(text) > MAX_LENGTH:
            continue
        f = parse(text)
        with np.errstate(all="ignore"):
            want = oracle(x, y)
            np.testing.assert_allclose(f.value(x, y), want, rtol=1e-12, equal_nan=True)
            if "abs" in text or not np.all(np.isfinite(want)) or np.abs(want).max() > 1e3:
                continue   # central differences need a smooth, moderate function
            gx, gy = f.gradient(x, y)
            dx, dy = central_difference(f, x, y, h=1e-5)
        ok = np.isfinite(dx) & np.isfinite(dy) & (np.abs(dx) < 1e4) & (np.abs(dy) < 1e4)
        np.testing.assert_allclose(gx[ok], dx[ok], rtol=1e-4, atol=1e-4, err_msg=text)
        np.testing.assert_allclose(gy[ok], dy[ok], rtol=1e-4, atol=1e-4, err_msg=text)
        checked += 1
    assert checked > 100


def test_surface_minimum_start_and_notes():
    s = from_formula("(x**2 + y - 11)**2 + (x + y**2 - 7)**2")   # Himmelblau: four minima, all found
    assert len(s.minima) == 4 and abs(s.min_value) < 1e-10
    for m in S.get("himmelblau").minima:
        assert min(np.hypot(m[0] - p[0], m[1] - p[1]) for p in s.minima) < 1e-4
    x0, x1, y0, y1 = s.view
    assert x0 < s.default_start[0] < x1 and y0 < s.default_start[1] < y1
    assert np.isfinite(s.f(s.default_start)) and np.all(np.isfinite(s.grad(s.default_start)))
    shifted = from_formula("(x - 2)**2 + (y + 1)**2 + 3", view=(0, 4, -3, 1))
    assert shifted.min_value == pytest.approx(3) and shifted.minima[0] == pytest.approx((2, -1), abs=1e-6)


def test_no_minimum_in_view_and_unbounded_below_are_said_in_words():
    plane = from_formula("x + y")
    assert plane.min_value == pytest.approx(-10) and "No minimum inside the view" in plane.lesson
    well = from_formula("log(x**2 + y**2)")
    assert np.isfinite(well.min_value) and "unbounded below" in well.lesson
    assert "No minimum" not in from_formula("x**2 + y**2").lesson


def test_not_finite_anywhere_is_explained():
    with pytest.raises(ValueError, match="no finite value anywhere on the view.*negative number"):
        from_formula("log(-1 - x**2 - y**2)")
    with pytest.raises(ValueError, match="too large"):
        from_formula("exp(1000 + x**2)")
    partly = from_formula("sqrt(x) + y**2")   # finite on half the view: drawn there, minimum found
    assert partly.min_value == pytest.approx(0) and "not finite on" in partly.lesson


def test_bad_views_and_the_race_on_a_formula():
    with pytest.raises(ValueError, match="view"):
        from_formula("x", view=(1, 0, 0, 1))
    with pytest.raises(ValueError, match="view"):
        from_formula("x", view="big")
    _, race = drain(S.race_job(surface="custom", formula=ROSENBROCK, SGD=True, **{"SGD.lr": 0.001},
                                 start_x=-1.5, start_y=2.5, steps=200))
    built = S.race(S.get("rosenbrock"), {"SGD": {"lr": 0.001}}, start=(-1.5, 2.5), steps=200)
    np.testing.assert_allclose(race.paths["SGD"].points, built["SGD"].points, rtol=1e-10)
    with pytest.raises(ValueError, match="formula"):
        S.RACE_PARAMS.validate({"formula": "x +"})
    with pytest.raises(ValueError, match="surface"):
        S.get("custom")   # only race_surface knows the formula


def test_divergence_on_a_formula_is_cut_before_overflow():
    path = S.run_path(from_formula("x**4 + y**4"), S.make_optimizer("SGD", lr=0.5), (4.0, 4.0), 100)
    assert path.diverged_at is not None and np.all(np.isfinite(path.losses))


def test_paths_cut_by_a_formula_say_why():
    half = S.run_path(from_formula("sqrt(x) + y**2"), S.make_optimizer("SGD", lr=0.5), (1.0, 1.0), 50)
    assert half.diverged_at is not None and half.stopped == "left the region where f is defined"
    plane = S.run_path(from_formula("x + y"), S.make_optimizer("Momentum", lr=100.0, momentum=0.99), (0.0, 0.0), 2000)
    assert plane.diverged_at is not None and "no minimum" in plane.stopped
    bowl = S.run_path(from_formula("x**2 + y**2"), S.make_optimizer("SGD", lr=1.5), (1.0, 1.0), 100)
    assert bowl.diverged_at is not None and bowl.stopped == ""   # too large a step: the usual sentence


def test_the_race_surface_of_a_formula_on_a_view():
    s = S.race_surface("custom", ROSENBROCK, 2.0)
    assert s.view == (-2.0, 2.0, -2.0, 2.0) and -2 < s.default_start[0] < 2
    assert S.race_settings({"surface": "custom", "formula": "x**2 + y**2", "view": 3.0})["surface"].view[1] == 3.0
    with pytest.raises(ValueError, match="view"):
        S.RACE_PARAMS.validate({"view": 0.0})
