# newslens: `make report` builds HTML reports from seeds/ (or CORPUS=...), `make test` runs all tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= seeds
OUT ?= reports
STAMP := $(VENV)/.installed
export PATH := $(abspath $(BIN)):$(PATH)
export PYTHONWARNINGS := ignore::DeprecationWarning

NEWSMTSC ?= ../shared/newsmtsc/train.jsonl
DEVCORPUS ?= ../shared/devcorpus/articles
DEVCORPUS2 ?= ../shared/devcorpus2/articles
WAR_LABELS := bench/war_mentions_labels.csv
ASPECT ?= ../shared/sentiment/aspect-data
POLNEAR ?= ../shared/polnear/train/text
UDEWT ?= ../shared/ud-english-ewt/en_ewt-train.conllu
CLUSTERS := lib/newslens/models/word_clusters.json
MODEL := lib/newslens/models/target_sentiment.json

.PHONY: setup report report-check test unit nbval lab notebooks lint bench sentiment-model word-clusters \
	sentiment-bench clean

setup: $(STAMP)

# venv + exact pins + editable package; warm matplotlib's font cache before any notebook runs.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -c 'import matplotlib.pyplot' >/dev/null 2>&1
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/python -m newslens report --corpus $(CORPUS) --out $(OUT)

# Render every report of $(OUT) in headless Chromium (Debian's chromium): JavaScript errors fail,
# page height and size are printed, screenshots go to $(OUT)/screenshots. Run `make report` first.
report-check: $(STAMP)
	$(BIN)/python -m newslens.report.check $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile tests \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile tests

nbval: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

# Re-execute the notebooks in place against seeds/ (commit the result: nbval compares it).
notebooks: $(STAMP)
	$(BIN)/python -m newslens execute-notebooks

# Jupyter refuses to start as root unless told: containers often run as root.
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

lint: $(STAMP)
	$(BIN)/ruff check lib tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Retrain the learned target-sentiment model (fixed seed, one thread: byte-identical output) on
# NewsMTSC and the split=train war-news labels (they point into the two dev corpora), with the
# shipped word clusters (`make word-clusters`) as features.
sentiment-model: $(STAMP)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python -m newslens.analysis.sentiment.train \
		--data $(NEWSMTSC) --war-labels $(WAR_LABELS) --war-corpus $(DEVCORPUS) \
		--war-corpus $(DEVCORPUS2) --clusters $(CLUSTERS) --out $(MODEL)

# Word clusters (PPMI + SVD + k-means) from unlabelled text, read in place, never copied: the
# training sentences of NewsMTSC, PolNeAR, UD English-EWT and the aspect data (not the war-news
# corpora). Seeded, one thread: byte-identical output. Run before `make sentiment-model`.
word-clusters: $(STAMP)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python -m newslens.analysis.sentiment.wordclusters \
		--newsmtsc $(NEWSMTSC) --aspect $(ASPECT) --polnear $(POLNEAR) --conllu $(UDEWT) \
		--out $(CLUSTERS)

# Every scorer on NewsMTSC (grouped CV) and on the labelled war-news mentions (validation and
# train), the two sentiment stages' cost; retrains twice to check the shipped model regenerates
# byte-identically.
sentiment-bench: $(STAMP)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/sentiment_accuracy.py \
		--data $(NEWSMTSC) --war-corpus $(DEVCORPUS) --war-corpus $(DEVCORPUS2) \
		--stage-articles 300 --check-model

clean:
	rm -rf $(OUT) .cache .pytest_cache
