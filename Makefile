# Pulso: every common task has a target here. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SETUP_STAMP := $(VENV)/.setup-done

# Python 3.9 interpreter for the Glue Python shell compatibility checks (pyenv provides one on this machine kind).
PYTHON39 ?= $(shell command -v python3.9 >/dev/null 2>&1 && python3.9 -c 'import sys; print(sys.executable)' 2>/dev/null \
	|| ls -1d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.9*/bin/python3.9 2>/dev/null | tail -n 1)
GLUE39_VENV := .venv-glue39
GLUE39_STAMP := $(GLUE39_VENV)/.setup-done

# Terraform: the hashicorp/aws provider comes from a filesystem mirror found at run time (no registry access).
TF_PROVIDER_BINARY = $(shell find / -path /proc -prune -o -name 'terraform-provider-aws_*' -print 2>/dev/null | head -n 1)
TF_MIRROR ?= $(if $(TF_PROVIDER_BINARY),$(shell echo '$(TF_PROVIDER_BINARY)' | sed 's|/registry.terraform.io/.*||'),)
TF_BUILD := terraform/build
TF_CLI_CONFIG := $(abspath $(TF_BUILD))/terraform-cli.tfrc
TF_ENV := terraform/environments/dev
TF_MODULES := $(sort $(dir $(wildcard terraform/modules/*/versions.tf)))
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.setup-done
TF := TF_CLI_CONFIG_FILE=$(TF_CLI_CONFIG) TF_IN_AUTOMATION=1 terraform

PYTEST_ARGS ?=
INPUT ?= ../shared/data/twcs/twcs_first5000_monalisapatra26.csv.gz
PROFILE ?= twcs
MODE ?= predict
OUT ?= .pulso/etl
RUN_INPUT ?= data/sample_labelled.csv
RUN_PROFILE ?= tweets
RUN_MODE ?= auto

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(SETUP_STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# torch first, alone: pip then takes the CPU wheel from local disk and never a CUDA build.
	$(BIN)/pip install --quiet --disable-pip-version-check "$$(grep -E '^torch==' requirements.lock)"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

.PHONY: setup
setup: $(SETUP_STAMP) ## Create .venv and install the pinned dependencies (fast when nothing changed)
	@echo "pulso is in $(BIN)/: run 'source .venv/bin/activate' to put it on the PATH (or use the make targets)"

$(GLUE39_STAMP): requirements-glue-py39.lock
	@if [ -z "$(PYTHON39)" ]; then echo "python3.9 not found: the Glue Python shell compatibility tests will be skipped"; exit 0; fi; \
	test -x $(GLUE39_VENV)/bin/python || $(PYTHON39) -m venv $(GLUE39_VENV); \
	$(GLUE39_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-glue-py39.lock; \
	touch $@

.PHONY: glue39
glue39: $(GLUE39_STAMP) ## Create .venv-glue39: Python 3.9 with the Glue Python shell analytics libraries

.PHONY: test
test: setup glue39 ## Run the whole test suite (the README's test command; what CI runs)
	PULSO_GLUE39_PYTHON=$(abspath $(GLUE39_VENV))/bin/python $(BIN)/pytest $(PYTEST_ARGS)

.PHONY: test-fast
test-fast: setup ## The pure unit tests (tests/unit: no emulator, no Terraform, no browser), under a minute
	$(BIN)/pytest tests/unit -q -p no:cacheprovider $(PYTEST_ARGS)

.PHONY: test-emulated
test-emulated: setup ## The tests against the emulated AWS account (tests/emulated) and the fast integration tests
	$(BIN)/pytest tests/emulated tests/integration -m "not slow" -q $(PYTEST_ARGS)

.PHONY: run
run: setup ## The whole pipeline locally (emulated AWS): RUN_INPUT (data/sample_labelled.csv), RUN_PROFILE, RUN_MODE
	$(BIN)/pulso run --input $(RUN_INPUT) --profile $(RUN_PROFILE) --mode $(RUN_MODE)

.PHONY: predict
predict: setup ## Daily-style run: predict data/sample_unlabelled.jsonl with the newest approved model
	$(BIN)/pulso run --input data/sample_unlabelled.jsonl --profile tweets --mode predict

.PHONY: status history models
status: setup ## The last local run and the champion model
	$(BIN)/pulso status
history: setup ## Every local run in the workspace (.pulso/ or $$PULSO_HOME)
	$(BIN)/pulso history
models: setup ## Model registry versions and metrics
	$(BIN)/pulso models

Q ?=
QUERY_ARGS ?=
.PHONY: query
query: export PULSO_QUERY = $(Q)
query: setup ## SQL on the workspace (DuckDB): make query Q=support_queue | Q="SELECT ..." (QUERY_ARGS="--format csv"); no Q: list
	$(BIN)/pulso query "$$PULSO_QUERY" $(QUERY_ARGS)

RUN ?=
.PHONY: report
report: setup ## Path of the newest run report (RUN=<run id> for another) in the workspace
	$(BIN)/pulso report $(RUN)

.PHONY: topics-discover topics-review topics-approve
topics-discover: setup ## Cluster the recent messages into topics (discover mode; ARGS='--days 28')
	$(BIN)/pulso topics discover $(ARGS)
topics-review: setup ## The newest discovery's clusters and proposed names (ARGS='--out draft.json')
	$(BIN)/pulso topics review $(ARGS)
topics-approve: setup ## Approve topic names (ARGS="--name 3=Billing --drop 5" or ARGS='--file draft.json')
	$(BIN)/pulso topics approve $(ARGS)

.PHONY: samples
samples: setup ## Regenerate data/sample_*.{csv,jsonl} (deterministic)
	$(BIN)/python data/make_samples.py

.PHONY: artifacts
artifacts: setup images ## Build lambdas.zip (with a pinned boto3), the Glue wheel pulso_glue-*.whl, sourcedir.tar.gz, images.json into terraform/build/
	$(BIN)/python -m pulso_local.artifacts $(TF_BUILD)

# The SageMaker PyTorch image URIs for the region Terraform deploys the dev root to: TF_VAR_region when set, else
# the default of var.region in terraform/environments/dev/variables.tf (AWS_REGION does not set var.region); the
# framework version from pulso.json with CONFIG_OVERLAY, as `effective-config` deploys it.
IMAGES_REGION ?= $(or $(TF_VAR_region),$(shell sed -n '/^variable "region"/,/^}/s/^ *default *= *"\(.*\)"/\1/p' $(TF_ENV)/variables.tf))

.PHONY: images
images: setup ## Resolve the SageMaker PyTorch image URIs for IMAGES_REGION (SageMaker SDK) into terraform/build/images.json
	@test -n "$(IMAGES_REGION)" || { echo "no region: set TF_VAR_region or IMAGES_REGION"; exit 1; }
	$(BIN)/python -m pulso_local.image_uris --region $(IMAGES_REGION) --out $(TF_BUILD)/images.json $(if $(strip $(CONFIG_OVERLAY)),--overlay $(CONFIG_OVERLAY))

# The deployed configuration: pulso.json deep-merged with CONFIG_OVERLAY (optional; $PULSO_CONFIG is not read),
# validated, with the hashes of both inputs beside it (the dev root checks them when given config_overlay_path).
CONFIG_OVERLAY ?=
EFFECTIVE_CONFIG := $(TF_BUILD)/pulso-config.json
.PHONY: effective-config
effective-config: setup ## The deployed configuration: pulso.json + CONFIG_OVERLAY=overlay.json (optional) -> terraform/build/pulso-config.json
	$(BIN)/python -m pulso_local.effective_config $(if $(strip $(CONFIG_OVERLAY)),--overlay $(CONFIG_OVERLAY)) --out $(EFFECTIVE_CONFIG)
deploy destroy: effective-config
ifneq ($(strip $(CONFIG_OVERLAY)),)
deploy destroy: export TF_VAR_config_overlay_path = $(abspath $(CONFIG_OVERLAY))
endif

$(TF_CLI_CONFIG):
	@test -n "$(TF_MIRROR)" || { echo "terraform provider mirror not found (looked for terraform-provider-aws_*)"; exit 1; }
	@mkdir -p $(TF_BUILD)
	@printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$(TF_MIRROR)" > $@

.PHONY: tf-mirror
tf-mirror: ## Print the Terraform provider mirror folder found on this machine (empty when there is none)
	@echo "$(TF_MIRROR)"

$(CHECKOV_STAMP): requirements-checkov.lock
	@# checkov pins an old boto3: it lives in its own virtual environment.
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.lock
	@touch $@

.PHONY: checkov
checkov: $(CHECKOV_STAMP) ## Static security checks of terraform/ (zero failures; suppressions are inline with reasons)
	$(CHECKOV_VENV)/bin/checkov -d terraform --framework terraform --skip-path tests --skip-download --quiet --compact

.PHONY: tf-check
tf-check: artifacts $(TF_CLI_CONFIG) checkov ## Terraform offline checks: fmt, checkov, init + validate + test of every module and the dev root
	terraform fmt -check -recursive terraform
	@for dir in $(TF_MODULES) $(TF_ENV); do \
	  echo "== $$dir"; \
	  (cd $$dir && $(TF) init -backend=false -input=false >/dev/null && $(TF) validate -no-color) || exit 1; \
	  if ls $$dir/tests/*.tftest.hcl >/dev/null 2>&1; then (cd $$dir && $(TF) test -no-color) || exit 1; fi; \
	done

.PHONY: deploy
deploy: artifacts $(TF_CLI_CONFIG) ## Deploy to AWS: terraform init + apply of terraform/environments/dev (needs AWS credentials)
	cd $(TF_ENV) && $(TF) init -input=false && $(TF) apply

.PHONY: start
start: ## Start a run on AWS: make start INPUT=s3://<raw>/incoming/tweets/file.csv PROFILE=tweets MODE=train_and_predict
	aws stepfunctions start-execution --state-machine-arn "$$(cd $(TF_ENV) && $(TF) output -raw state_machine_arn)" \
	  --input '{"input": "$(INPUT)", "profile": "$(PROFILE)", "mode": "$(MODE)"}'

.PHONY: destroy
destroy: $(TF_CLI_CONFIG) ## Destroy the AWS deployment of terraform/environments/dev
	cd $(TF_ENV) && $(TF) destroy

.PHONY: lint
lint: setup ## Lint with ruff (style, imports, Python 3.9 compatibility of the Glue units)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/gen_unicode_tables.py --check

.PHONY: format
format: setup ## Reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: bench
bench: setup ## Run every benchmark, print a table, write bench/results/*.json
	$(BIN)/python -m bench all

.PHONY: bench-etl
bench-etl: setup ## ETL and normaliser benchmark -> bench/results/etl.json
	$(BIN)/python -m bench etl

.PHONY: bench-pipeline
bench-pipeline: setup ## Full TweetEval through the local pipeline -> bench/results/pipeline.json
	$(BIN)/python -m bench pipeline

.PHONY: bench-model
.PHONY: bench-topics
bench-topics: setup ## Topic discovery on the twcs sample: embeddings by brand purity, time -> bench/results/topics.json
	$(BIN)/python -m bench topics

bench-model: setup ## Train on full TweetEval, measure quality and inference speed -> bench/results/model.json
	$(BIN)/python -m bench model

.PHONY: etl
etl: setup ## Run the ETL job locally: make etl INPUT=file-or-folder PROFILE=twcs MODE=predict OUT=.pulso/etl
	$(BIN)/python -m glue_jobs.etl.job --input $(INPUT) --profile $(PROFILE) --run_mode $(MODE) --output_root $(OUT)

DIM ?= 100
BUCKET ?=
.PHONY: glove-twitter
glove-twitter: setup ## (needs internet) GloVe Twitter 27B -> one dimension -> s3://BUCKET/embeddings/: make glove-twitter DIM=100 BUCKET=...
	$(BIN)/python -m training.glove_twitter --dimension $(DIM) --bucket "$(BUCKET)"

.PHONY: lock
lock: ## Re-resolve requirements.in into requirements.lock (needs the package index)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet "$$(grep -E '^torch==' requirements.in)"
	.venv-lock/bin/pip install --quiet -r requirements.in
	{ echo '# Generated by `make lock` from requirements.in: exact versions of everything `make setup` installs.'; \
	  .venv-lock/bin/pip freeze --all | grep -v -E '^(pip|setuptools|wheel)=='; } > requirements.lock
	rm -rf .venv-lock

.PHONY: clean
clean: ## Remove caches and build outputs (keeps the workspace .pulso/ and the virtual environments)
	rm -rf .pytest_cache .ruff_cache bench/.work $(TF_BUILD)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

.PHONY: clean-workspace
clean-workspace: setup ## Delete the workspace (runs, model registry, predictions): asks first
	$(BIN)/pulso workspace delete

.PHONY: distclean
distclean: clean ## Also remove the virtual environments
	rm -rf $(VENV) $(GLUE39_VENV) $(CHECKOV_VENV)
