# Lianxin: `make up` starts everything, `make test` runs the whole suite.
SHELL := /bin/bash
PY := .venv/bin/python
ENV := . scripts/env.sh &&
ARGS ?=

.PHONY: up down logs first-admin test compose-test test-unit test-service test-e2e test-faults migrate topology token demo bench deadletters venv test-tools

up:            ## install what is missing, migrate, start everything, wait until ready
	@bash scripts/up.sh

down:          ## stop the services and the gateway
	@bash scripts/down.sh

logs:          ## follow every process's log
	@$(ENV) tail -n 20 -F $$RUN_DIR/*.log

venv:
	@bash scripts/system.sh

test-tools:    ## what only the tests need besides `make up`'s (which also builds the console): headless Chromium (the /docs and console tests), the test OpenID provider (tests/oidc)
	@bash scripts/system.sh browser

migrate: venv  ## create the databases and run every service's migrations
	@$(ENV) $(PY) -m services.common.migrate

first-admin: venv ## first run: the first administrator and security administrator, one-time passwords printed once
	@$(ENV) PG_URL="$${PG_DIRECT_URL:-$$PG_URL}" $(PY) -m services.identity.bootstrap

topology: venv ## declare every exchange, queue and binding
	@$(ENV) $(PY) -m services.common.topology

test: test-tools ## the whole suite: unit, service (real PostgreSQL/RabbitMQ), end-to-end, faults; layers side by side
	@$(ENV) $(PY) -m scripts.test_all $(ARGS)

test-unit: venv
	@$(ENV) $(PY) -m pytest tests/unit $(ARGS)

test-service: venv
	@$(ENV) $(PY) -m pytest tests/service $(ARGS)

test-e2e: test-tools
	@$(ENV) $(PY) -m pytest tests/e2e $(ARGS)

compose-test: venv ## the images built from a Debian mirror's base, the compose stack up on its own ports: lifecycle, e2e checks, backup/restore, non-root read-only containers; then down (installs Docker if missing)
	@$(ENV) bash scripts/compose_test.sh $(ARGS)

test-faults: venv ## the fault suite: broker/database restarts, SIGKILLs, bad messages under a live stream (as root)
	@$(ENV) $(PY) -m pytest tests/faults $(ARGS)

ROLE ?= office
token:         ## make token ROLE=unit UNIT_ID=3 — a development JWT
	@$(ENV) $(PY) -m gateway.tokens --role $(ROLE) $(if $(UNIT_ID),--unit-id $(UNIT_ID)) \
	  $(if $(DEPUTY_ID),--deputy-id $(DEPUTY_ID)) $(if $(STATION_ID),--station-id $(STATION_ID))

demo:          ## load realistic demo data through the gateway (after make up)
	@$(ENV) $(PY) -m scripts.demo $(ARGS)

bench:         ## submit a burst of suggestions through the gateway (after make up)
	@$(ENV) $(PY) -m bench.submit $(ARGS)

SERVICE ?= notify
deadletters:   ## make deadletters SERVICE=notify [ARGS="replay"] — list or replay dead letters
	@$(ENV) $(PY) -m services.common.deadletters $(SERVICE) $(or $(ARGS),list)

bench-stations: ## public QR intake under load (its limit must hold) and region lists (after make up)
	@$(ENV) $(PY) -m bench.stations $(ARGS)

.PHONY: bench-routing
bench-routing: ## routing recommendation: top-1/top-3 accuracy (cold, learning) and timing; no system needed
	@$(ENV) PYTHONPATH=. $(PY) -m bench.routing $(ARGS)
	@$(ENV) PYTHONPATH=. $(PY) -m bench.routing_dev $(DEV_ARGS)

.PHONY: bench-read
bench-read:    ## list and keyword search over 100,000 suggestions on an isolated copy (starts it itself)
	@$(ENV) $(PY) -m bench.read $(ARGS)

bench-deadlines: ## the deadline scheduler and routing cache on N assignments (own database)
	@$(ENV) $(PY) -m bench.deadlines $(ARGS)

bench-stats:   ## rates over 100,000 replied assignments: SQL and over the gateway (own DB, vhost, ports)
	@$(ENV) $(PY) -m bench.stats $(ARGS)

.PHONY: bench-console
bench-console: ## the console's bundle sizes and the office's first screen in headless Chromium (own copy)
	@$(ENV) $(PY) -m bench.console $(ARGS)

.PHONY: deliveries
deliveries:    ## make deliveries [ARGS="replay"] — list or replay notify's dead e-mail/webhook deliveries
	@$(ENV) $(PY) -m services.notify.deliveries $(or $(ARGS),list)

.PHONY: bench-baseline
bench-baseline: ## our submission path against a bare nameko stack in one run: req/s, latency, CPU ms per request per process, fan-out lag (starts both itself)
	@$(ENV) $(PY) -m bench.baseline $(ARGS)

.PHONY: bench-publish
bench-publish: ## one RPC-sized publish: nameko's Publisher, PooledPublisher through kombu's publish and sent on the channel, µs each (needs RabbitMQ)
	@$(ENV) $(PY) -m bench.publish $(ARGS)
