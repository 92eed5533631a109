# The stages people run. `make help` lists them. Each uses the project's .venv
# (made by `make setup`); scripts/run.sh and scripts/test.sh do the same work
# and stay the two commands for a fresh machine.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv/bin
export PATH := $(CURDIR)/$(VENV):$(PATH)
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
# The Rasa server sends the action server a shared token (endpoints.yml). For
# `make shell` and `make actions`, run in two terminals, both read this file
# (made once, kept out of git with .venv); scripts/run.sh makes one per run.
TOKEN_FILE := .venv/.action-token
WITH_TOKEN = ACTION_SERVER_TOKEN="$${ACTION_SERVER_TOKEN:-$$(cat $(TOKEN_FILE))}"

.PHONY: help setup run train lint types validate test-unit test-integration test-model \
	test-e2e stories eval bench shell actions test

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:[^#]*## /\t/' | \
	  awk -F'\t' '{printf "  make %-18s %s\n", $$1, $$2}'

setup: ## Create .venv with the pinned requirements (tests and tools included)
	scripts/setup.sh dev

$(TOKEN_FILE):
	@mkdir -p .venv
	@python3 -c 'import secrets; print(secrets.token_hex(16))' > $@ && chmod 600 $@

run: ## Set up, train if needed, run the assistant and the web chat (scripts/run.sh)
	scripts/run.sh

train: ## Train a model if the data, domain or config changed (scripts/train.sh)
	scripts/train.sh

lint: ## ruff check (with import order, docstrings, pyupgrade) and ruff format --check
	ruff check bot actions tools tests
	ruff format --check bot actions tools tests

types: ## mypy on bot/ and actions/ (settings in pyproject.toml)
	mypy

validate: ## rasa data validate --fail-on-warnings (with the known false reports filtered)
	scripts/test.sh --only validate

test-unit: ## Unit tests: no model, no servers (what a bare `pytest` runs)
	pytest -q -m unit -n 2 tests/unit

test-integration: ## Integration tests: real action servers, receivers and channel servers
	pytest -q -m integration -n 2 tests/integration

test-model: ## Tests against the trained model (safety invariants, hand-offs, attacks)
	pytest -q -m model -n 2 tests/model --ignore=tests/model/test_adversarial_pipeline.py
	pytest -q -m model tests/model/test_adversarial_pipeline.py  # timed: alone

test-e2e: ## The running assistant: the widget in headless Chromium, the messaging webhooks
	scripts/setup.sh browser
	pytest -q -m e2e -n 2 tests/e2e

stories: ## Conversation tests: rasa test core on tests/test_stories.yml
	scripts/test.sh --only stories

eval: ## Held-out NLU evaluations (all three sets), with their F1 gates
	scripts/test.sh --only eval

bench: ## Benchmark answer time and memory (start `make run` in another terminal first)
	python -m tools.bench

shell: $(TOKEN_FILE) ## Talk to the assistant in this terminal (rasa shell; run `make actions` too)
	$(WITH_TOKEN) rasa shell

actions: $(TOKEN_FILE) ## Run the action server alone (rasa run actions), for `make shell`
	$(WITH_TOKEN) rasa run actions

test: ## Everything CI runs (scripts/test.sh)
	scripts/test.sh
