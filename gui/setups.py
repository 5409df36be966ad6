"""Set-ups: the whole lab's state as JSON data (``MainWindow.setup()`` / ``apply_setup()``).

A set-up is a JSON object::

    {"schema": 1, "topic": "optimizers", "section": "race",
     "topics": {"optimizers": {"race": {"surface": "quadratic", "SGD.lr": 0.11, ...}}, ...}}

``topics`` holds, per topic and section, the section's ``values()`` (every Param, seeds included,
and the state some sections hold beyond their Params, e.g. the dragged outlier). A scenario
(``resources/scenarios/*.json``) is a set-up with a ``"title"`` and a ``"watch"`` line.

:func:`take` reads a window; a topic not built yet reports its sections' tutorial values from the
section classes, without building it. :func:`apply` checks EVERYTHING first and raises
``ValueError`` naming the offending key (unknown key, wrong type, NaN, out of range, unknown
topic, section or schema), and only then changes anything. A section a set-up omits goes back to
the tutorial's values; so do the omitted values of a section it names (as its own ``reset()`` and
``set_values()`` make them: a race given only a surface gets that surface's preset). A topic not built yet is
built only if the set-up gives it values other than the tutorial's (or state beyond its Params,
which only a built section can check). A set-up file is data: it is parsed with ``json`` and
nothing in it is ever evaluated.
"""
from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gui import panels
from gui.lab import Section
from gui.section_panel import SectionPanel
from gui.resources import resource_path

SCHEMA = 1
TOP_KEYS = ("schema", "title", "watch", "topic", "section", "topics")
SCENARIOS_DIR = "scenarios"


# ------------------------------------------------------------------ topics and their sections
def section_classes(entry: panels.TopicEntry) -> dict[str, type[Section]]:
    """A topic's section classes by key ({} for a topic that is not a SectionPanel)."""
    cls = entry.load()
    if not (isinstance(cls, type) and issubclass(cls, SectionPanel)):
        return {}
    return {s.key: s for s in cls.section_classes}


def topic_index(key: str) -> int:
    for i, entry in enumerate(panels.REGISTRY):
        if entry.key == key:
            return i
    raise ValueError(f"topic: unknown topic {key!r} (one of {', '.join(e.key for e in panels.REGISTRY)})")


def built_panel(window, index: int):
    """The topic's SectionPanel if it is built (None otherwise)."""
    widget = window.tabs.widget(index)
    return widget if isinstance(widget, SectionPanel) else None


def jsonable(value):
    """``value`` as plain JSON data (tuples as lists, numpy scalars as Python numbers)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)


# ------------------------------------------------------------------ reading a window
def take(window) -> dict:
    """The window's set-up: current topic and section, every section's values of every topic."""
    topics: dict[str, dict] = {}
    for index, entry in enumerate(panels.REGISTRY):
        classes = section_classes(entry)
        if not classes:
            continue
        panel = built_panel(window, index)
        built = panel.built() if panel is not None else {}
        # a section not built yet (or a whole topic) is at the tutorial's values; in a built topic,
        # one holding state beyond its Params is built to report it (as a set-up checking it would)
        topics[entry.key] = {key: built[key].values() if key in built else
                             panel.section(key).values() if panel is not None and holds_state(cls) else
                             cls.tutorial_values() for key, cls in classes.items()}
    index = window.tabs.currentIndex()
    out: dict[str, Any] = {"schema": SCHEMA, "topic": panels.REGISTRY[index].key}
    panel = built_panel(window, index)
    if panel is not None:
        out["section"] = panel.current_section()
    out["topics"] = topics
    return jsonable(out)


# ------------------------------------------------------------------ checking
def short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind_ok(param, value) -> bool:
    if param.kind == "bool":
        return isinstance(value, bool)
    if param.kind == "choice":
        return type(value) in {type(c) for c in param.choices}
    if param.kind == "text":
        return isinstance(value, str)
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        return param.kind != "int" or float(value).is_integer() or not math.isfinite(value)
    except OverflowError:
        return False


def _expected(param) -> str:
    return {"bool": "true or false", "choice": "one of " + ", ".join(map(repr, param.choices)),
            "int": "a whole number", "float": "a number", "text": "a text"}[param.kind]


def _check_params(where: str, cls: type[Section], values: dict) -> tuple[dict, dict]:
    """``values`` split into checked Params and the rest (state only a built section can check)."""
    declared = {p.name: p for p in cls.params}
    params, rest = {}, {}
    for name, value in values.items():
        if not isinstance(name, str):
            raise ValueError(f"{where}: keys must be texts, got {name!r}")
        if name not in declared:
            rest[name] = value
            continue
        if not _kind_ok(declared[name], value):
            raise ValueError(f"{where}.{name}: expected {_expected(declared[name])}, got {short(value)}")
        try:
            params.update(cls.validate({name: value}))
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"{where}.{name}: {exc}") from None
    return params, rest


@dataclass
class Plan:
    """A checked set-up: per topic index, per section key, the values to set."""
    values: dict[int, dict[str, dict]]
    topic: int | None
    section: str | None


def holds_state(cls: type[Section]) -> bool:
    """Whether a section holds values beyond its Params (it overrides ``check_values``): only a
    built one can check those."""
    return cls.check_values is not Section.check_values


def differs(cls: type[Section], values: dict) -> bool:
    """Whether ``values`` differ from the section's tutorial values (or hold more than its Params)."""
    tutorial = cls.tutorial_values()
    return any(name not in tutorial or tutorial[name] != value for name, value in values.items())


def _dict(where: str, value) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object ({{...}}), got {type(value).__name__}")
    return value


def check(window, setup) -> Plan:
    """Check ``setup`` completely (building a topic only where a built section must check its
    state); raises ``ValueError`` naming the offending key. Changes no value."""
    setup = _dict("set-up", setup)
    unknown = [k for k in setup if k not in TOP_KEYS]
    if unknown:
        raise ValueError(f"{short(unknown[0])}: unknown key (a set-up has {', '.join(TOP_KEYS)})")
    if "schema" not in setup:
        raise ValueError("schema: missing (this version reads schema 1)")
    schema = setup["schema"]
    if isinstance(schema, bool) or schema != SCHEMA:
        raise ValueError(f"schema: this version reads schema {SCHEMA}, got {short(schema)}")
    for key in ("title", "watch"):
        if key in setup and not isinstance(setup[key], str):
            raise ValueError(f"{key}: expected a text, got {short(setup[key])}")
    topic = section = None
    if "topic" in setup:
        if not isinstance(setup["topic"], str):
            raise ValueError(f"topic: expected a topic's key, got {short(setup['topic'])}")
        topic = topic_index(setup["topic"])
    if "section" in setup:
        if topic is None:
            raise ValueError("section: given without a topic")
        section = setup["section"]
        classes = section_classes(panels.REGISTRY[topic])
        if not isinstance(section, str) or section not in classes:
            raise ValueError(f"section: {short(section)} is not a section of {setup['topic']} "
                             f"({', '.join(classes) or 'it has none'})")
    given = _dict("topics", setup.get("topics", {}))
    plan: dict[int, dict[str, dict]] = {}
    needs_build: set[tuple[int, str]] = set()   # the sections only a built one can check (or show)
    rests: dict[tuple[int, str], dict] = {}
    for tkey, sections in given.items():
        try:
            index = topic_index(tkey) if isinstance(tkey, str) else topic_index(repr(tkey))
        except ValueError:
            raise ValueError(f"topics.{tkey}: unknown topic (one of "
                             f"{', '.join(e.key for e in panels.REGISTRY)})") from None
        classes = section_classes(panels.REGISTRY[index])
        plan[index] = {}
        for skey, values in _dict(f"topics.{tkey}", sections).items():
            where = f"topics.{tkey}.{skey}"
            if skey not in classes:
                raise ValueError(f"{where}: unknown section (sections of {tkey}: {', '.join(classes) or 'none'})")
            params, rest = _check_params(where, classes[skey], _dict(where, values))
            plan[index][skey] = {**params, **rest}
            if rest and not holds_state(classes[skey]):
                raise ValueError(f"{where}.{short(next(iter(rest)))}: unknown parameter "
                                 f"({', '.join(p.name for p in classes[skey].params) or 'it has none'})")
            if rest:
                rests[(index, skey)] = rest
                needs_build.add((index, skey))
            if differs(classes[skey], params):
                needs_build.add((index, skey))
    for index, skey in sorted(needs_build):
        if built_panel(window, index) is None:
            window.panel(index)          # lazily built, as a first view would (its values unchanged)
        panel = built_panel(window, index)
        if panel is None:
            raise ValueError(f"topics.{panels.REGISTRY[index].key}: the topic could not be opened")
        try:
            plan[index][skey] = panel.section(skey).check_values(plan[index][skey])
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"topics.{panels.REGISTRY[index].key}.{skey}: {exc}") from None
    return Plan(plan, topic, section)


# ------------------------------------------------------------------ applying
def apply(window, setup) -> None:
    """Check ``setup`` (see :func:`check`), then show it: every built topic's sections get its
    values (omitted ones: the tutorial's), then the set-up's topic and section are shown."""
    plan = check(window, setup)
    for index in range(len(panels.REGISTRY)):
        panel = built_panel(window, index)
        if panel is None:
            continue
        given = plan.values.get(index, {})
        # the sections the set-up omits first: where a topic keeps two sections in step (the
        # penalties and their strength), the one the set-up names has the last word
        built, classes = panel.built(), section_classes(panels.REGISTRY[index])
        # a section not built yet is at the tutorial's values: it is built only where they differ
        keys = [k for k in classes if k in built or differs(classes[k], given.get(k, {}))]
        for key, section in sorted(((k, panel.section(k)) for k in keys), key=lambda item: item[0] in given):
            values = given.get(key, {})
            if set(section.values()) - set(values):
                # omitted values: the tutorial's, as the section's own reset makes them (the race
                # then loads a named surface's preset, which the given values override)
                section.reset()
            section.set_values(values)
    if plan.topic is not None:
        window.tabs.setCurrentIndex(plan.topic)
        if plan.section is not None:
            window.panel(plan.topic).show_section(plan.section)


# ------------------------------------------------------------------ files
def read_file(path) -> dict:
    """A set-up file's JSON object; ``ValueError`` with one line naming the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a text file (a set-up is JSON)") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ValueError(f"{path}: nested too deeply to be a set-up") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a set-up is a JSON object ({{...}}), this file holds a {type(data).__name__}")
    return data


def write_file(path, setup: dict) -> None:
    text = json.dumps(setup, indent=1, allow_nan=False, ensure_ascii=False)
    Path(path).write_text(text + "\n", encoding="utf-8")


# ------------------------------------------------------------------ scenarios
@dataclass(frozen=True)
class Scenario:
    name: str       # the file's stem
    title: str
    watch: str
    topic: str
    setup: dict


def scenario_files() -> list[Path]:
    return sorted(resource_path(SCENARIOS_DIR).glob("*.json"))


def load_scenario(path: Path) -> Scenario:
    data = read_file(path)
    for key in ("title", "watch", "topic"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValueError(f"{path.name}: a scenario needs a {key!r} text")
    return Scenario(path.stem, data["title"], data["watch"], data["topic"], data)


def scenarios() -> list[Scenario]:
    """Every shipped scenario, in the topics' order, then by file name."""
    order = {e.key: i for i, e in enumerate(panels.REGISTRY)}
    found = [load_scenario(p) for p in scenario_files()]
    return sorted(found, key=lambda s: (order.get(s.topic, len(order)), s.name))
