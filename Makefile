# The two set-up commands of README.md: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: install run test lint sample-data screenshots plotly

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# The sample disclosures are read from the committed PDFs in samples/, as a bureau's upload
# would be; a second run finds them already read and changes nothing.
sample-data: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_classifications
	$(PY) manage.py ingest samples/luotai_711_2024.pdf --publish --region 河北省/唐山市/芦台经济开发区
	$(PY) manage.py ingest samples/gaoxin_106_2024.pdf --publish --region 河北省/唐山市/唐山高新技术产业开发区
	$(PY) manage.py ingest samples/cangzhou_313_2024.pdf --publish --region 河北省/沧州市/沧州经济开发区

# The django-tasks database worker reads uploaded documents in the background, and every 15 s
# a sweep queues again the jobs of a worker that died; both stop with the web server (Ctrl-C).
run: sample-data
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(PY) manage.py requeue_stale_jobs --every 15 & sweeper=$$!; \
	trap 'kill $$worker $$sweeper 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

# Chromium, a CJK font and LibreOffice (Debian packages) where missing, then the suite.
test: install
	bash scripts/test-system-packages.sh
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

# docs/screenshots/: home, department, compare and rankings at 1280 and 390 px, from the sample
# PDFs in a temporary SQLite database, drawn by Debian's Chromium.
screenshots: install
	$(PY) scripts/screenshots.py

# static/js/plotly.min.js: plotly.js's partial bundle of the traces the portal draws
# (scripts/plotly/entry.js), with node and npm.
plotly:
	bash scripts/build-plotly.sh
