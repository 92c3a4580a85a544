# baocao — two commands: `make run` starts everything, `make test` tests everything.
# With DATABASE_URL unset both use a project-local PostgreSQL cluster in var/pg.

export GOTOOLCHAIN := local
PGBIN ?= /usr/lib/postgresql/15/bin
# What `make test` needs besides Go: PostgreSQL 15 server binaries, Chromium
# for the browser tests, fonts with Vietnamese, poppler for PDF checks,
# LibreOffice Calc for the Excel round trips.
TEST_PACKAGES := chromium fonts-liberation2 fonts-noto-core poppler-utils libreoffice-calc-nogui

.PHONY: run test build generate check-generated deps test-deps vet staticcheck lint-openapi fuzz clean loadtest

run: deps
	go run ./cmd/baocao dev

test: deps test-deps check-generated vet staticcheck lint-openapi
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then \
	  url=$$(go run ./cmd/baocao pg start); \
	  trap 'go run ./cmd/baocao pg stop' EXIT; \
	  export DATABASE_URL=$$url; \
	fi; \
	start=$$(date +%s); \
	go test -count=1 -timeout 20m ./...; \
	echo "make test: all tests passed in $$(( $$(date +%s) - start )) s"

build:
	CGO_ENABLED=0 go build -trimpath -o bin/baocao ./cmd/baocao

vet:
	go vet ./...

# staticcheck, pinned; make test keeps it at zero findings.
staticcheck:
	go run honnef.co/go/tools/cmd/staticcheck@v0.6.1 ./...

# /api/v1/openapi.json is linted with Redocly CLI (redocly.yaml), installed
# from the npm registry into var/node the first time.
REDOCLY_VERSION := 2.77.0
REDOCLY := var/node/node_modules/.bin/redocly
lint-openapi: $(REDOCLY)
	@REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(REDOCLY) lint web/api/openapi.json

$(REDOCLY):
	@command -v npm >/dev/null || { echo "npm is missing: run 'sudo apt-get install -y nodejs npm' (Node.js 20 or later)"; exit 1; }
	npm install --prefix var/node --save-exact --no-audit --no-fund --loglevel=error @redocly/cli@$(REDOCLY_VERSION)

# The hostile-input readers, fuzzed for FUZZTIME each (`make test` runs
# their seed corpora only, as go test does).
FUZZTIME ?= 60s
FUZZ_TARGETS := \
	./internal/decimal:FuzzParse ./internal/decimal:FuzzRoundTrip \
	./internal/signing:FuzzCheckAppended ./internal/signing:FuzzVerify \
	./internal/xlsx:FuzzImportForm ./internal/xlsx:FuzzReadValues \
	./internal/reports:FuzzCheckAttachment \
	./internal/formula:FuzzParse ./internal/formula:FuzzEvaluate ./internal/richtext:FuzzSanitize
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
	  go test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	done

generate:
	go tool templ generate
	go generate ./static

# CI fails when the committed templ output differs from what templ generates.
check-generated:
	@go tool templ generate >/dev/null 2>&1
	@if [ -n "$$CI" ] && ! git diff --exit-code --stat -- '*_templ.go'; then \
	  echo "generated templ files are out of date: run 'make generate' and commit them"; exit 1; fi

# PostgreSQL 15's initdb/pg_ctl; installed with apt-get when missing.
deps:
	@if [ -z "$$DATABASE_URL" ] && [ ! -x "$(PGBIN)/initdb" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing PostgreSQL 15 server binaries (apt-get)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null; \
	  else \
	    echo "PostgreSQL 15 server binaries are missing: run 'sudo apt-get update && sudo apt-get install -y postgresql-15'"; exit 1; \
	  fi; \
	fi

test-deps:
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing test dependencies:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing test dependencies: run 'sudo apt-get update && sudo apt-get install -y$$missing'"; exit 1; \
	  fi; \
	fi

# A deadline surge on loopback: OFFICIALS simulated officials for DURATION.
OFFICIALS ?= 200
DURATION ?= 60s
THINK ?= 10s
LOADTEST_FLAGS ?=
loadtest: deps build
	@set -e; url=$$(./bin/baocao pg start); export DATABASE_URL=$$url DEV=1 LISTEN_ADDR=127.0.0.1:8099 SIGNIN_RATE=1000000 SECRET_KEY=loadtest-secret-key-of-at-least-32-characters CPU_PROFILE=var/loadtest-cpu.prof HEAP_PROFILE=var/loadtest-heap.prof; \
	./bin/baocao seed -demo >/dev/null; \
	./bin/baocao serve >var/loadtest-server.log 2>&1 & pid=$$!; trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null' EXIT; \
	for i in $$(seq 1 50); do curl -sf http://127.0.0.1:8099/readyz >/dev/null && break; sleep 0.2; done; \
	./bin/baocao loadtest -url http://127.0.0.1:8099 -officials $(OFFICIALS) -duration $(DURATION) -think $(THINK) -pid $$pid $(LOADTEST_FLAGS)

clean:
	-go run ./cmd/baocao pg stop
	rm -rf var bin
