# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install test lint typecheck pytest demo bench train-install models models-finetune notebooks lab clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

lint: install
	$(VENV)/bin/ruff check rf_notebook tests benchmarks tools
	$(VENV)/bin/ruff format --check rf_notebook tests benchmarks tools

typecheck: install
	$(VENV)/bin/mypy rf_notebook

pytest: install
	$(VENV)/bin/pytest

test: lint typecheck pytest

demo: install
	$(PY) -m rf_notebook.demo $(ARGS)

bench: install
	$(PY) -m benchmarks

# Train the default models (never run in CI). `torch==2.13.0` is the CPU build on this
# machine's disk; a plain `torch` would pull a multi-GB CUDA build.
train-install: install
	$(PY) -m pip install -q "torch==2.13.0"
	$(PY) -m pip install -q -e ".[dev,train]"

models: train-install
	$(PY) -m rf_notebook.training --checkpoint rf_notebook/models/checkpoint.pt
	$(PY) -m rf_notebook.training.report

# Fine-tune the shipped models instead (about 40 minutes): weights recovered from their ONNX,
# fresh scenes (SEED), and the history in training-log.json carried on.
SEED ?= 6
models-finetune: train-install
	$(PY) -m rf_notebook.training --init rf_notebook/models/shapes-segment/1/model.onnx \
	  --train 4000 --epochs 5 --lr 5e-4 --data-seed $(SEED)
	$(PY) -m rf_notebook.training.report

# Rebuild notebooks/*.ipynb from tools/build_notebooks.py, executed, with clean outputs.
notebooks: install
	$(PY) tools/build_notebooks.py --execute

lab: install
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
