# The two commands of the README: `make paper` and `make test`. Both create .venv if missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SNAKEMAKE := $(BIN)/snakemake
# One BLAS thread per process: parallelism comes from Snakemake jobs.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: paper report test test-fast lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "gatedrnn needs Python >= 3.11 (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## paper: run the whole pipeline at the default scale (config/config.yaml), then the HTML report
paper: $(STAMP)
	$(SNAKEMAKE)
	$(SNAKEMAKE) --report results/report.html

## report: rebuild results/report.html from existing results
report: $(STAMP)
	$(SNAKEMAKE) --report results/report.html

## test: the whole test suite (includes slow physics checks and a tiny run of the whole DAG)
test: $(STAMP)
	$(BIN)/python -m pytest

## test-fast: everything except the slow physics checks
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

## lint: snakemake --lint and snakefmt --check
lint: $(STAMP)
	$(SNAKEMAKE) --lint
	$(BIN)/snakefmt --check Snakefile workflow/rules

## bench: speed benchmarks (not tests), printed as tables
bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf results/datasets results/figures results/simulate results/logs results/benchmarks \
	       results/claims.* results/report.html .snakemake
