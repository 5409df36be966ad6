PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test test-display bench smoke screenshots screenshots-display clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# compiled ahead, as pip compiles what it installs: the first start does not compile every module
# (and after a pull `make run` compiles only what changed)
COMPILE := $(BIN)/python -m compileall -q main.py engine gui

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(COMPILE)
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(COMPILE)
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	@$(COMPILE)
	$(BIN)/python main.py $(ARGS)

test: $(STAMP_TEST)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# the same suite on a real X server (Xvfb, Qt's xcb platform): focus, activation, popups, paint flushes
XVFB := xvfb-run -a -s "-screen 0 1920x1200x24"
test-display: $(STAMP_TEST)
	.ci/display-deps
	QT_QPA_PLATFORM=xcb $(XVFB) $(BIN)/python -m pytest -q

smoke: $(STAMP_RUN)
	QT_QPA_PLATFORM=offscreen $(BIN)/python main.py --smoke

bench: $(STAMP_TEST)
	.ci/display-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_all.py

screenshots: $(STAMP_RUN)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/screenshots.py

screenshots-display: $(STAMP_RUN)
	.ci/display-deps
	QT_QPA_PLATFORM=xcb $(XVFB) $(BIN)/python benchmarks/screenshots.py --out screenshots/display

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
