"""Formulas in x and y typed by a user: checked, differentiated and evaluated, never ``eval``-ed.

:func:`parse` reads the text with Python's ``ast`` and accepts only a whitelisted tree: numbers,
``x``, ``y``, ``pi``, ``e``, ``+ - * / **``, unary ``+ -``, parentheses and the one-argument
functions ``sin cos tan exp log sqrt abs tanh``. Anything else, a text over 300 characters or a
tree deeper than 50 levels raises ``ValueError`` saying what and where (1-based character)::

    f = parse("(1 - x)**2 + 100*(y - x**2)**2")
    f.value(1.0, 1.0), f.gradient(0.0, 0.0)    # 0.0, (-2.0, 0.0)

The tree becomes a small straight-line program (identical sub-trees shared) run with numpy ufuncs on
numpy floats or arrays, so ``9**9**9**9`` is ``inf`` at once rather than a hanging integer power.
The gradient is exact: both partial derivatives are trees built by symbolic differentiation.
"""
from __future__ import annotations

import ast
import operator

import numpy as np

MAX_LENGTH = 300
MAX_DEPTH = 50
FUNCTIONS = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log,
             "sqrt": np.sqrt, "abs": np.abs, "tanh": np.tanh}
CONSTANTS = {"pi": np.pi, "e": np.e}
_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
# operators rather than ufuncs: on numpy floats they skip the ufunc machinery (several times faster)
_UFUNC = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
          "pow": operator.pow, "neg": operator.neg, "sign": np.sign, **FUNCTIONS}
_SYMBOL = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.BitXor: "^", ast.BitAnd: "&",
           ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>", ast.Invert: "~", ast.Not: "not"}
_WHAT = {ast.Attribute: "an attribute", ast.Subscript: "a subscript ([...])", ast.Lambda: "a lambda",
         ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
         ast.GeneratorExp: "a generator", ast.Compare: "a comparison", ast.BoolOp: "'and' / 'or'",
         ast.IfExp: "'if ... else'", ast.Tuple: "a tuple (a comma)", ast.List: "a list", ast.Set: "a set",
         ast.Dict: "a dict", ast.Starred: "'*' unpacking", ast.NamedExpr: "':='", ast.JoinedStr: "an f-string",
         ast.Await: "'await'", ast.Yield: "'yield'", ast.YieldFrom: "'yield'", ast.Slice: "a slice"}
# what a student may copy from a built-in surface's formula, as Python
# (line breaks and tabs become spaces: a formula is one line, so positions are characters of it)
_TYPOGRAPHY = {"−": "-", "·": "*", "×": "*", "²": "**2", "³": "**3", "⁴": "**4", "π": "pi",
               "\n": " ", "\r": " ", "\t": " "}
_ALLOWED = ("numbers, x, y, pi, e, + - * / **, parentheses and the functions "
            + " ".join(FUNCTIONS))


class Node:
    """One node of a formula tree: ``op`` is "num", "x", "y", a binary or unary operation, or a function."""
    __slots__ = ("op", "args", "num", "vars")

    def __init__(self, op: str, args: tuple = (), num: float | None = None):
        self.op, self.args, self.num = op, args, num
        self.vars = frozenset({op}) if op in ("x", "y") else frozenset().union(*(a.vars for a in args))


class _Builder:
    """Makes nodes, sharing identical ones; ``simplify`` folds constants and drops 0 and 1 terms
    (for derivatives only: the user's formula is evaluated exactly as typed)."""

    def __init__(self):
        self.table: dict = {}

    def make(self, op: str, *args: Node, num: float | None = None) -> Node:
        key = (op, num, tuple(id(a) for a in args))
        node = self.table.get(key)
        if node is None:
            node = self.table[key] = Node(op, args, num)
        return node

    def number(self, value) -> Node:
        return self.make("num", num=float(value))

    def op(self, op: str, *args: Node) -> Node:
        """``op`` of ``args``, simplified."""
        nums = [a.num if a.op == "num" else None for a in args]
        if all(n is not None for n in nums):
            with np.errstate(all="ignore"):
                return self.number(_UFUNC[op](*[np.float64(n) for n in nums]))
        if op == "neg" and args[0].op == "neg":
            return args[0].args[0]
        if len(args) == 2:
            a, b = args
            na, nb = nums
            if op == "add" and (na == 0 or nb == 0):
                return b if na == 0 else a
            if op == "sub" and nb == 0:
                return a
            if op == "sub" and na == 0:
                return self.op("neg", b)
            if op == "mul":
                if na == 0 or nb == 0:
                    return self.number(0.0)
                if na == 1 or nb == 1:
                    return b if na == 1 else a
                if na == -1 or nb == -1:
                    return self.op("neg", b if na == -1 else a)
            if op == "div" and nb == 1:
                return a
            if op == "div" and na == 0:
                return self.number(0.0)
            if op == "pow" and nb == 1:
                return a
            if op == "pow" and nb == 0:
                return self.number(1.0)
        return self.make(op, *args)


def derivative(node: Node, var: str, b: _Builder, memo: dict) -> Node:
    """d node / d var as a (simplified) tree sharing the nodes of ``node``."""
    done = memo.get(id(node))
    if done is not None:
        return done
    op, args = node.op, node.args
    if var not in node.vars:
        d = b.number(0.0)
    elif op in ("x", "y"):
        d = b.number(1.0)
    else:
        da = derivative(args[0], var, b, memo)
        if op in ("add", "sub"):
            d = b.op(op, da, derivative(args[1], var, b, memo))
        elif op == "mul":
            d = b.op("add", b.op("mul", da, args[1]), b.op("mul", args[0], derivative(args[1], var, b, memo)))
        elif op == "div":
            u, v = args
            d = b.op("sub", b.op("div", da, v),
                     b.op("div", b.op("mul", u, derivative(v, var, b, memo)), b.op("mul", v, v)))
        elif op == "pow":
            u, v = args
            if var not in v.vars:      # u**c: c * u**(c - 1) * u'
                d = b.op("mul", b.op("mul", v, b.op("pow", u, b.op("sub", v, b.number(1.0)))), da)
            else:                      # u**v: u**v * (v' log u + v u' / u)
                dv = derivative(v, var, b, memo)
                inner = b.op("mul", dv, b.op("log", u))
                if var in u.vars:
                    inner = b.op("add", inner, b.op("div", b.op("mul", v, da), u))
                d = b.op("mul", node, inner)
        else:
            d = b.op("mul", _outer(op, args[0], node, b), da)
    memo[id(node)] = d
    return d


def _outer(op: str, u: Node, node: Node, b: _Builder) -> Node:
    """The derivative of the one-argument ``op`` at ``u`` (``node`` is op(u))."""
    if op == "neg":
        return b.number(-1.0)
    if op == "sin":
        return b.op("cos", u)
    if op == "cos":
        return b.op("neg", b.op("sin", u))
    if op == "tan":
        return b.op("add", b.number(1.0), b.op("mul", node, node))
    if op == "exp":
        return node
    if op == "log":
        return b.op("div", b.number(1.0), u)
    if op == "sqrt":
        return b.op("div", b.number(0.5), node)
    if op == "abs":
        return b.op("sign", u)
    if op == "tanh":
        return b.op("sub", b.number(1.0), b.op("mul", node, node))
    raise AssertionError(op)


class Program:
    """The nodes as a straight-line program: registers 0 and 1 hold x and y, then the constants,
    then one register per operation, each after its arguments; ``run`` returns the outputs."""

    def __init__(self, outputs: list[Node]):
        order, seen, stack = [], set(), [(n, False) for n in reversed(outputs)]
        while stack:   # iterative post-order: derivative trees may be deep
            node, ready = stack.pop()
            if id(node) in seen and not ready:
                continue
            if ready:
                if id(node) not in seen:
                    seen.add(id(node))
                    order.append(node)
            else:
                stack.append((node, True))
                stack.extend((a, False) for a in reversed(node.args) if id(a) not in seen)
        leaves = [n for n in order if n.op == "num"]
        ops = [n for n in order if n.op not in ("num", "x", "y")]
        index = {id(n): i for i, n in enumerate(leaves, 2)}
        index.update({id(n): i for i, n in enumerate(ops, 2 + len(leaves))})
        index.update({id(n): ("x", "y").index(n.op) for n in order if n.op in ("x", "y")})
        self.size = len(order)
        self.constants = [np.float64(n.num) for n in leaves]
        self.ops = [(_UFUNC[n.op], index[id(n.args[0])], index[id(n.args[1])] if len(n.args) > 1 else -1)
                    for n in ops]
        self.outputs = [index[id(n)] for n in outputs]

    def run(self, x, y) -> list:
        scalar = np.ndim(x) == 0 and np.ndim(y) == 0
        if scalar:   # numpy floats: much cheaper than 0-d arrays in a race's loop
            x, y = np.float64(x), np.float64(y)
        else:
            x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        regs = [x, y, *self.constants]
        push = regs.append
        with np.errstate(all="ignore"):
            for fn, a, b in self.ops:
                push(fn(regs[a]) if b < 0 else fn(regs[a], regs[b]))
        out = [regs[i] for i in self.outputs]
        if not scalar:
            shape = np.broadcast_shapes(x.shape, y.shape)
            out = [np.broadcast_to(o, shape).astype(float) for o in out]
        return out


class Formula:
    """A checked formula: ``value(x, y)`` and ``gradient(x, y)`` on numbers or arrays (numpy
    broadcasting), both without warnings (overflow gives inf, log of a negative number nan)."""

    def __init__(self, text: str, tree: Node):
        self.text, self.tree = text, tree
        b = _Builder()
        self.partials = tuple(derivative(tree, v, b, {}) for v in ("x", "y"))
        self._value = Program([tree])
        self._all = Program([tree, *self.partials])
        self.variables = tree.vars

    def value(self, x, y):
        return self._value.run(x, y)[0]

    def gradient(self, x, y):
        _, gx, gy = self._all.run(x, y)
        return gx, gy

    def value_and_gradient(self, x, y):
        return tuple(self._all.run(x, y))


# ------------------------------------------------------------------ reading the text
def parse(text: str) -> Formula:
    """The formula ``text`` checked and compiled (see the module's docstring); ``ValueError`` otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"a formula must be a text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"the formula is {len(text)} characters long: at most {MAX_LENGTH} are allowed")
    source, origin = _python(text)
    if not source.strip():
        raise ValueError("the formula is empty: type one in x and y, such as x**2 + 10*y**2")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(_syntax_message(exc, source.strip(), origin, source)) from None
    except (RecursionError, MemoryError, ValueError):
        raise ValueError(f"the formula is nested more than {MAX_DEPTH} levels deep") from None
    reader = _Reader(source.strip(), origin, len(source) - len(source.lstrip()))
    return Formula(text, reader.read(tree.body, 1))


def _python(text: str) -> tuple[str, list[int]]:
    """``text`` with typographic signs as Python, and for each of its characters the one it came from."""
    out, origin = [], []
    for i, ch in enumerate(text):
        rep = _TYPOGRAPHY.get(ch, ch)
        if ch == "π" and out and (out[-1][-1:].isalnum() or out[-1] == "_"):
            rep = "*pi"
        out.append(rep)
        origin.extend([i] * len(rep))
    return "".join(out), origin


def _syntax_message(exc: SyntaxError, source: str, origin: list[int], raw: str) -> str:
    if "=" in source.replace("==", "").replace("<=", "").replace(">=", "").replace("!=", ""):
        return "a formula has no '=': type only its right-hand side, such as x**2 + 10*y**2"
    if exc.msg and "null bytes" in exc.msg:
        return "the formula contains a null character"
    lead = len(raw) - len(raw.lstrip())
    where = ""
    if exc.offset:
        k = min(max(exc.offset - 1, 0), len(source) - 1) + lead
        where = f" at character {origin[min(k, len(origin) - 1)] + 1}" if origin else ""
    hint = ""
    if "decimal literal" in (exc.msg or ""):
        hint = ": write a product with *, as in 2*x"
    elif "never closed" in (exc.msg or "") or "unmatched" in (exc.msg or ""):
        hint = ": the parentheses do not match"
    return f"the formula cannot be read{where} ({exc.msg}){hint}"


class _Reader:
    """Turns a Python expression tree into formula nodes, refusing everything not whitelisted."""

    def __init__(self, source: str, origin: list[int], lead: int):
        self.source, self.origin, self.lead = source, origin, lead
        self.builder = _Builder()

    def at(self, node_or_offset) -> str:
        """'at character N' (of the text as typed) for an ast node or an offset in the source."""
        if isinstance(node_or_offset, int):
            k = node_or_offset
        else:   # ast offsets count UTF-8 bytes
            k = len(self.source.encode()[:node_or_offset.col_offset].decode(errors="ignore"))
        k = min(k + self.lead, len(self.origin) - 1)
        return f"at character {self.origin[k] + 1}"

    def fail(self, what: str, node, why: str = "") -> ValueError:
        return ValueError(f"{what} {self.at(node)} is not allowed{why or ': a formula may use ' + _ALLOWED}")

    def read(self, node, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise ValueError(f"the formula is nested more than {MAX_DEPTH} levels deep {self.at(node)}")
        b = self.builder
        if isinstance(node, ast.Constant):
            value = node.value
            if type(value) not in (int, float):
                what = {str: "a text", bytes: "bytes", complex: "an imaginary number"}.get(type(value), repr(value))
                raise self.fail(what if type(value) is not bool else repr(value), node)
            try:
                number = float(value)
            except OverflowError:
                number = np.inf
            if not np.isfinite(number):
                raise ValueError(f"the number {self.at(node)} is too large for a float (over 1.8e308)")
            return b.number(number)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            op = _BINARY.get(type(node.op))
            if op is None:
                symbol = _SYMBOL.get(type(node.op), type(node.op).__name__)
                start = len(self.source.encode()[:node.left.end_col_offset].decode(errors="ignore"))
                where = self.source.find(symbol, start)
                hint = ": write ** for a power, as in x**2" if symbol == "^" else \
                    ": the operators are + - * / **"
                raise ValueError(f"the operator '{symbol}' {self.at(max(where, start))} is not allowed{hint}")
            return b.make(op, self.read(node.left, depth + 1), self.read(node.right, depth + 1))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return self.read(node.operand, depth + 1)
            if isinstance(node.op, ast.USub):
                return b.make("neg", self.read(node.operand, depth + 1))
            raise ValueError(f"the operator '{_SYMBOL.get(type(node.op), '?')}' {self.at(node)} is not allowed: "
                             "the signs are + and -")
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise self.fail(_WHAT.get(type(node), f"'{type(node).__name__}'"), node)

    def name(self, node: ast.Name) -> Node:
        n = node.id
        if n in ("x", "y"):
            return self.builder.make(n)
        if n in CONSTANTS:
            return self.builder.number(CONSTANTS[n])
        if n in FUNCTIONS:
            raise ValueError(f"the function {n} {self.at(node)} needs its argument in parentheses, as in {n}(x)")
        if set(n) <= {"x", "y"} or (len(n) > 1 and set(n) <= set("xy0123456789")):
            why = ": write a product with *, as in x*y"
        elif n in ("X", "Y"):
            why = ": the variables are lower-case x and y"
        else:
            why = ": the variables are x and y, the constants pi and e"
        raise ValueError(f"the name '{n}' {self.at(node)} is not allowed{why}")

    def call(self, node: ast.Call, depth: int) -> Node:
        if not isinstance(node.func, ast.Name):
            what = "calling an attribute" if isinstance(node.func, ast.Attribute) else "this call"
            raise self.fail(what, node, ": the functions are " + " ".join(FUNCTIONS))
        name = node.func.id
        if name not in FUNCTIONS:
            raise ValueError(f"the function '{name}' {self.at(node)} is not allowed: the functions are "
                             + " ".join(FUNCTIONS))
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ValueError(f"{name} {self.at(node)} takes exactly one argument, as in {name}(x)")
        return self.builder.make(name, self.read(node.args[0], depth + 1))
