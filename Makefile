# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
PORT ?= 8000

.PHONY: run test faults install migrate seed bench load clean i18n

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed demo

# `make run` serves what its certificates name: its CRL, OCSP responder and CA certificates.
# Exported for migrate and seed too: the first app started creates the development CA, and its
# issuing certificate names the root's address then.
SERVED_API = http://127.0.0.1:$(PORT)/api/v1
run seed migrate: export SIGNATURE_CRL_URL ?= $(SERVED_API)/ca/crl
run seed migrate: export SIGNATURE_OCSP_URL ?= $(SERVED_API)/ca/ocsp
run seed migrate: export SIGNATURE_CA_ISSUERS_URL ?= $(SERVED_API)/ca/certificates/issuing.cer
run seed migrate: export SIGNATURE_ROOT_CERTIFICATE_URL ?= $(SERVED_API)/ca/certificates/root.cer

run: seed
	@$(BIN)/python -m api.banner $(PORT)
	PAYMENT_GATEWAY_URL=$${PAYMENT_GATEWAY_URL-dev} \
	PAYMENT_CALLBACK_URL=$${PAYMENT_CALLBACK_URL-http://127.0.0.1:$(PORT)/api/v1/payments/callbacks/dev} \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite on the embedded default; again on PostgreSQL and Redis when
# TEST_DATABASE_URL and TEST_REDIS_URL are set. TEST_WORKERS pytest-xdist workers (one per core
# by default), each on its own database and Redis db (tests/conftest.py); a test file stays on
# one worker, so a module's fixtures are built once.
TEST_WORKERS ?= auto
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadfile
test: install
	TEST_DATABASE_URL= TEST_REDIS_URL= $(BIN)/python -m pytest $(PYTEST_PARALLEL)
	@if [ -n "$$TEST_DATABASE_URL" ] && [ -n "$$TEST_REDIS_URL" ]; then \
		echo "== again on PostgreSQL + Redis =="; \
		$(BIN)/python -m pytest $(PYTEST_PARALLEL); \
	fi

# Faults: private PostgreSQL, Redis and gunicorn (2 workers) on free loopback ports, broken
# while requests flow (Redis stopped, PostgreSQL restarted, a worker SIGKILLed), then removed.
# Needs the PostgreSQL server binaries and redis-server; about a minute.
faults: install
	$(BIN)/python -m pytest -m faults tests/faults

# A realistic mix through gunicorn with a million residents and dossiers loaded (bench/load.py).
# LOAD_DATABASE_URL: a scratch PostgreSQL database; LOAD_REDIS_URL: a Redis it may fill.
load: install
	$(BIN)/python -m bench.load --database-url "$(LOAD_DATABASE_URL)" --redis-url "$(LOAD_REDIS_URL)"

# Every figure of issue 15 as one JSON document (bench/suite.py): a scratch PostgreSQL database
# is created on BENCH_POSTGRES_URL's server and dropped, BENCH_REDIS_URL's db is flushed before
# and after; the chart goes to docs/performance.png. About 10 minutes on 2 cores.
BENCH_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/10
bench: install
	$(BIN)/python -m bench.suite --postgres "$(BENCH_POSTGRES_URL)" --redis "$(BENCH_REDIS_URL)"

clean:
	rm -rf $(VENV) instance

# The message catalogue (issue 17): extract every id the code and templates use, add the new
# ones to both catalogues (write the Vietnamese first, then the English), drop ids nothing
# uses, and check both compile. Run it after adding or removing a translate()/lazy_text() id.
# The .pot and .mo files are scratch: the app compiles the .po files into memory at start.
I18N_DIR := services/messages/locale
I18N_KEYWORDS := -k translate:2 -k translate_plural:2,3 -k lazy_text -k operator_text
I18N_SCRATCH := $(VENV)

i18n: install
	$(BIN)/pybabel --quiet extract -F babel.cfg $(I18N_KEYWORDS) --add-location=file --sort-output \
		--omit-header -o $(I18N_SCRATCH)/messages.pot .
	$(BIN)/pybabel --quiet update -i $(I18N_SCRATCH)/messages.pot -d $(I18N_DIR) --ignore-obsolete --no-fuzzy-matching \
		--ignore-pot-creation-date
	@for lang in vi en; do \
		$(BIN)/pybabel compile --statistics -l $$lang -i $(I18N_DIR)/$$lang/LC_MESSAGES/messages.po \
			-o $(I18N_SCRATCH)/messages-$$lang.mo || exit 1; \
	done
