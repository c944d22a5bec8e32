# Leadline: `make run` sets up and serves the app; `make test` sets up and
# runs every test. Both install what is missing (pinned versions) and skip
# what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

CARGO_LEPTOS_VERSION := 0.3.11
WASM_BINDGEN_VERSION := 0.2.130
TOOLS_BIN := $(CURDIR)/.tools/node_modules/.bin
# The npm wasm-opt comes first: Debian's binaryen is too old for Rust's WASM.
export PATH := $(TOOLS_BIN):$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

ADDR ?= 127.0.0.1:3000
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export TEST_POSTGRES_URL
E2E_PG_DB := leadline_e2e_$(shell echo $$$$)

.PHONY: run build tools test-tools postgres test test-rust test-e2e bench bench-qualify bench-export bench-list bench-list-server load screenshots demo fmt lint clean-data

## Build in release mode and serve at http://$(ADDR) (SQLite under data/ unless DATABASE_URL is set).
run: build
	./target/release/leadline serve --addr $(ADDR)

## Fill the database with 10,000 generated leads.
demo: build
	./target/release/leadline demo --leads 10000

## The release build: server binary and optimised WASM.
build: tools
	cargo leptos build --release

## Build tools: the WASM target, clippy and rustfmt, cargo-leptos, wasm-bindgen, wasm-opt.
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown
	@rustup component list --installed | grep -q '^clippy' && rustup component list --installed | grep -q '^rustfmt' \
	  || rustup component add clippy rustfmt
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" \
	  || CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
	     cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --ignore-rust-version
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
	  || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@test -x $(TOOLS_BIN)/wasm-opt || (cd .tools && npm ci --no-audit --no-fund)

## Test tools: Debian's Chromium and the Playwright packages (never a browser download).
test-tools:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	@command -v psql >/dev/null || (apt-get update && apt-get install -y postgresql-client)
	@test -x end2end/node_modules/.bin/playwright || (cd end2end && npm ci --no-audit --no-fund)

## A PostgreSQL server on 127.0.0.1:5432 (started if installed and down).
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
	  echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1

## Every test: formatting and clippy, Rust unit and storage tests (SQLite and PostgreSQL), then
## Playwright in headless Chromium against the release build (SQLite, then PostgreSQL).
test: tools test-tools postgres
	$(MAKE) --no-print-directory build
	@mkdir -p target
	{ $(MAKE) --no-print-directory test-rust && $(MAKE) --no-print-directory test-e2e; } 2>&1 | tee target/test-output.log
	@awk '/^test result:/ { p += $$4; f += $$6 } /^ +[0-9]+ passed/ { p += $$1 } /^ +[0-9]+ failed/ { f += $$1 } \
	  END { printf "Total: %d passed, %d failed\n", p, f; exit (f > 0) }' target/test-output.log

test-rust: lint
	cargo test -p app --features ssr
	cargo test -p leadline

test-e2e:
	cd end2end && LEADLINE_BIN=$(CURDIR)/target/release/leadline npx playwright test
	psql "$(TEST_POSTGRES_URL)" -qc 'CREATE DATABASE $(E2E_PG_DB)'
	cd end2end && LEADLINE_BIN=$(CURDIR)/target/release/leadline \
	  E2E_DATABASE_URL="$(dir $(TEST_POSTGRES_URL))$(E2E_PG_DB)" npx playwright test; \
	  status=$$?; psql "$(TEST_POSTGRES_URL)" -qc 'DROP DATABASE $(E2E_PG_DB) WITH (FORCE)'; exit $$status

## Server latency of create-lead and load-lead over 10k leads, SQLite and PostgreSQL.
bench: postgres
	cargo bench -p leadline --bench leads

## Qualify latency over 1,000,000 leads and 100,000 accounts, SQLite and PostgreSQL (slow: generates the data).
bench-qualify: postgres
	cargo bench -p leadline --bench qualify

## Export of 1,000,000 leads beside sqlite3 -csv and psql \copy (generates the data in SQL).
bench-export: postgres
	@command -v sqlite3 >/dev/null || (apt-get update && apt-get install -y sqlite3)
	@command -v psql >/dev/null || (apt-get update && apt-get install -y postgresql-client)
	cargo bench -p leadline --bench export

## The list filtered on the server over 1,000,000 leads, 64 clients at once, SQLite and PostgreSQL (slow: generates the data).
bench-list-server: postgres
	cargo bench -p leadline --bench list

## The live list in headless Chromium over BENCH_LEADS (100,000) generated leads: first load, keystroke- and click-to-paint.
bench-list: build test-tools
	@dir=$$(mktemp -d); trap 'kill $$pid 2>/dev/null; rm -rf "$$dir"' EXIT; \
	  ./target/release/leadline --data-dir "$$dir" demo --leads $${BENCH_LEADS:-100000} >/dev/null 2>&1; \
	  printf '%s\n' bench-password-123 | ./target/release/leadline --data-dir "$$dir" user add bencher --role admin --password-stdin >/dev/null 2>&1; \
	  ./target/release/leadline --data-dir "$$dir" serve --addr 127.0.0.1:3200 >/dev/null 2>&1 & pid=$$!; \
	  for i in $$(seq 1 30); do curl -sf http://127.0.0.1:3200/healthz >/dev/null && break; sleep 1; done; \
	  cd end2end && SIGN_IN=bencher:bench-password-123 node scripts/bench-list.mjs http://127.0.0.1:3200 60

## Screenshots of the main pages into docs/ (needs a server on $(ADDR)).
screenshots: test-tools
	cd end2end && node scripts/screenshot.mjs http://$(ADDR) ../docs /sign-in=sign-in /leads=list /leads/new=new /admin/users=admin-users

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy -p app --features ssr --all-targets -- -D warnings
	cargo clippy -p leadline --all-targets -- -D warnings

clean-data:
	rm -rf data
