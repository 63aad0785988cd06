# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
OUT     ?= out
STAMP   := $(VENV)/.installed
DEVSTAMP:= $(VENV)/.installed-dev
APT_PKGS:= chromium fonts-wqy-microhei raptor2-utils

.PHONY: demo test venv dev system-deps clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(STAMP)
dev: $(DEVSTAMP)

# The browser, a CJK font and rapper for the tests; installed with apt when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v rapper >/dev/null || missing="$$missing raptor2-utils"; \
	fc-list 2>/dev/null | grep -qiE 'wqy|noto sans cjk' || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: $(STAMP)
	$(BIN)/kg build data/corpus --out $(OUT)
	$(BIN)/kg viz --out $(OUT)
	@echo
	@echo "Graph (Turtle): $(OUT)/graph.ttl"
	@echo "Network view:   $(OUT)/graph.html"
	@echo "Try:            $(BIN)/kg query --saved park-companies"

test: $(DEVSTAMP) system-deps
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(OUT) .pytest_cache
