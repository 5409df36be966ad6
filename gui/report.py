"""The handout: one self-contained HTML file of every topic's lesson, figures, tables and verdicts.

``main.py --report OUT.html [--open FILE]`` builds a window off-screen, applies the set-up (if
any), runs every topic's default computation (``run_defaults``, as the smoke run does), and for
every section of the Section model writes its title, lesson, every figure (``plots()``, as
embedded PNGs at least 600 px wide: pinned ghosts included), every table (``tables()``, as HTML
tables) and its verdicts (``verdicts()``). A topic that is not a SectionPanel (Reference) gives its
own ``html``. Written against the model once: no topic is special-cased here.
"""
from __future__ import annotations

import base64
import html
import re
import time
from pathlib import Path
from typing import Callable

from gui import panels
from gui.export import MIN_FIGURE_WIDTH, png_bytes, widget_image

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; line-height: 1.4; color: #222; }
h1 { border-bottom: 2px solid #0072B2; } h2 { margin-top: 2.2em; border-bottom: 1px solid #999; }
h3 { margin-top: 1.6em; color: #0072B2; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 90%; color: #555; }
table.data { border-collapse: collapse; margin: 0.8em 0; font-size: 90%; }
table.data th, table.data td { border: 1px solid #bbb; padding: 2px 8px; text-align: right; }
table.data th { background: #eef3f8; }
.note { background: #f6f6f0; border-left: 4px solid #E69F00; padding: 0.4em 0.8em; margin: 0.6em 0; }
.meta { color: #666; font-size: 90%; }
"""


def _wait_idle(app, panel, timeout_s: float) -> bool:
    """Process events until the panel's computations are done (False on timeout)."""
    from PySide6.QtCore import QThread
    deadline = time.perf_counter() + timeout_s
    app.processEvents()
    while not panel.is_idle():
        app.processEvents()
        if time.perf_counter() > deadline:
            return False
        QThread.msleep(5)
    app.processEvents()
    return True


def _body(document: str) -> str:
    """The inside of <body> of a whole HTML document (or the text itself), its headings one level
    down (<h2> is a topic's)."""
    match = re.search(r"<body[^>]*>(.*)</body>", document, re.S | re.I)
    body = match.group(1) if match else document
    return re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{max(3, int(m.group(2)) + 1)}", body, flags=re.I)


def figure_html(name: str, widget) -> str:
    data = base64.b64encode(png_bytes(widget_image(widget, 2.0, MIN_FIGURE_WIDTH))).decode("ascii")
    return (f"<figure><img src=\"data:image/png;base64,{data}\" alt=\"{html.escape(name)}\">"
            f"<figcaption>{html.escape(name)}</figcaption></figure>")


def table_html(name: str, frame) -> str:
    def number(v):
        return f"{v:.4g}"
    table = frame.to_html(index=False, na_rep="–", float_format=number, border=0, classes="data")
    return f"<p class=\"meta\">{html.escape(name)}</p>{table}"


def section_html(section) -> str:
    parts = [f"<h3>{html.escape(section.title)}</h3>"]
    if section.lesson:
        parts.append(f"<div class=\"lesson\">{section.lesson}</div>")
    for note in section.verdicts():
        parts.append(f"<div class=\"note\">{note}</div>")
    if section.predictor is not None and section.predictor.handout():   # the last predict-reveal round
        parts.append(f"<div class=\"note\">{section.predictor.handout()}</div>")
    for name, widget in section.plots().items():
        if widget.width() > 1 and widget.height() > 1:
            parts.append(figure_html(name, widget))
    for name, frame in section.tables().items():
        if frame is not None and not hasattr(frame, "to_html"):
            import pandas as pd
            frame = pd.DataFrame(frame)
        if frame is not None and len(frame.columns):
            parts.append(table_html(name, frame))
    if section.pins.pins:
        parts.append("<p class=\"meta\">Pinned runs (dashed ghosts): "
                     + "; ".join(html.escape(t) for t in section.pins.texts()) + "</p>")
    return "\n".join(parts)


def topic_html(window, app, index: int, timeout_s: float, say: Callable[[str], None]) -> str:
    entry = panels.REGISTRY[index]
    window.tabs.setCurrentIndex(index)
    panel = window.panel(index)
    parts = [f"<h2>{html.escape(entry.title)}</h2>"]
    sections = getattr(panel, "sections", None)
    if sections is None:   # a static page (Reference)
        parts.append(_body(getattr(panel, "html", "")))
        return "\n".join(parts)
    panel.run_defaults()
    if not _wait_idle(app, panel, timeout_s):
        say(f"  {entry.title}: still computing after {timeout_s:.0f} s; the report shows what was done")
        parts.append(f"<p class=\"note\">Still computing after {timeout_s:.0f} s: partial results.</p>")
    for key, section in sections.items():
        panel.show_section(key)       # lays the section out at the window's size
        _wait_idle(app, panel, timeout_s)
        parts.append(section_html(section))
    return "\n".join(parts)


def build_report(window, app, setup: dict | None = None, topics=None, timeout_s: float = 60.0,
                 say: Callable[[str], None] = lambda _m: None, origin: str | None = None) -> str:
    """The handout's HTML. ``setup`` (a set-up dict) is applied first; ``topics``: registry keys
    (default: every topic); ``origin``: where the settings came from (e.g. the set-up file opened)."""
    if setup is not None:
        window.apply_setup(setup)
    keys = [e.key for e in panels.REGISTRY] if topics is None else [panels.find(t).key for t in topics]
    body = []
    t0 = time.perf_counter()
    for n, key in enumerate(keys, 1):
        index = [e.key for e in panels.REGISTRY].index(key)
        say(f"report: {panels.REGISTRY[index].title} ({n}/{len(keys)})…")
        started = time.perf_counter()
        body.append(topic_html(window, app, index, timeout_s, say))
        say(f"report: {panels.REGISTRY[index].title} done in {time.perf_counter() - started:.1f} s")
    stamp = time.strftime("%Y-%m-%d %H:%M")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Training Lab: handout</title><style>{STYLE}</style></head><body>\n"
            f"<h1>Training Lab: how models are trained and tuned</h1>\n"
            f"<p class=\"meta\">Handout generated {stamp} in {time.perf_counter() - t0:.0f} s"
            f"{html.escape(' from ' + origin) if origin else ' from a set-up' if setup is not None else ''}.</p>\n"
            + "\n".join(body) + "\n</body></html>\n")


def check_output_path(path: str) -> Path:
    """The report's path, or ``ValueError`` with one sentence (its folder missing, or a folder)."""
    out = Path(path)
    if out.is_dir():
        raise ValueError(f"{path} is a folder, not a file")
    if not out.parent.exists():
        raise ValueError(f"the folder {out.parent} does not exist")
    return out


def write_report(path, window, app, setup: dict | None = None, topics=None,
                 say: Callable[[str], None] = lambda _m: None, origin: str | None = None) -> tuple[Path, float, int]:
    """Build the handout and write it to ``path``; returns (path, seconds, bytes)."""
    out = check_output_path(str(path))
    t0 = time.perf_counter()
    text = build_report(window, app, setup=setup, topics=topics, say=say, origin=origin)
    out.write_text(text, encoding="utf-8")
    return out, time.perf_counter() - t0, out.stat().st_size
