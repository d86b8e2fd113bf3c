# Nextstep — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/nextstep
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
GOFILES := $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*')

.PHONY: run ports build test check fmt-check vet templ-check generate bench db-start db-stop mail-start mail-stop clean html-validate

# Mailpit (a go.mod tool), a mail catcher one setting away: make mail-start, then
# NEXTSTEP_SMTP_URL="smtp://127.0.0.1:1025?starttls=none" make run.
MAILPIT      := bin/mailpit
MAILPIT_SMTP ?= 127.0.0.1:1025
MAILPIT_UI   ?= 127.0.0.1:8025
MAILPIT_DIR  ?= .data/mailpit

## run: serve the portal with demo data on http://localhost:8080 (local PostgreSQL when DATABASE_URL is unset;
##      email goes to the development mailbox at /dev/mailbox when NEXTSTEP_SMTP_URL is unset)
run: ports build
	./$(BIN) seed --demo
	./$(BIN) serve

## ports: before any build, say which port `make run` needs is taken, and which setting moves it
ports: SHELL := /bin/bash
ports:
	@addr="$${NEXTSTEP_ADDR:-:8080}"; port="$${addr##*:}"; \
	if (exec 3<>/dev/tcp/127.0.0.1/$$port) 2>/dev/null; then \
		echo "Port $$port (the portal, NEXTSTEP_ADDR) is taken: run with NEXTSTEP_ADDR=:8081 NEXTSTEP_BASE_URL=http://localhost:8081 (links in email use NEXTSTEP_BASE_URL)"; exit 1; fi; \
	if [ -z "$$NEXTSTEP_SMTP_URL" ] && [ "$${NEXTSTEP_DEV_SMTP_ADDR:-127.0.0.1:2525}" != off ]; then \
		mport="$${NEXTSTEP_DEV_SMTP_ADDR:-127.0.0.1:2525}"; mport="$${mport##*:}"; \
		if (exec 3<>/dev/tcp/127.0.0.1/$$mport) 2>/dev/null; then \
			echo "Port $$mport (the development mailbox's SMTP receiver, NEXTSTEP_DEV_SMTP_ADDR) is taken: run with NEXTSTEP_DEV_SMTP_ADDR=127.0.0.1:2526"; exit 1; fi; fi; \
	if [ -z "$$DATABASE_URL" ] && [ ! -f "$${NEXTSTEP_DATA_DIR:-.data}/postgres/postmaster.pid" ]; then \
		dport="$${NEXTSTEP_DB_PORT:-54329}"; \
		if (exec 3<>/dev/tcp/127.0.0.1/$$dport) 2>/dev/null; then \
			echo "Port $$dport (the project-local PostgreSQL, NEXTSTEP_DB_PORT) is taken by another program: run with NEXTSTEP_DB_PORT=54330"; exit 1; fi; fi

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/nextstep

## test: static checks, then every test (unit, store, HTTP and browser) against real PostgreSQL; prints the
##       output of failed tests, then the ten slowest tests (the whole run, as `go test -json`, is in TEST_JSON).
##       Two packages at a time, four tests at a time in each: most of a test's time is spent waiting on
##       PostgreSQL, so more tests than cores pay (browser tests take at most two of the four places).
TEST_JSON ?= .data/test-run.json
test: check html-validate
	@mkdir -p $(dir $(TEST_JSON)) bin
	@$(GO) build -o bin/testreport ./cmd/testreport
	@{ $(GO) test -json -count=1 -p 2 -parallel 4 -timeout 20m ./...; echo $$? > $(TEST_JSON).status; } | ./bin/testreport -slowest 10 -json $(TEST_JSON); \
		report=$$?; status=$$(cat $(TEST_JSON).status); rm -f $(TEST_JSON).status; \
		[ "$$report" -eq 0 ] && [ "$$status" -eq 0 ]

check: fmt-check vet templ-check

## html-validate: the HTML checker the accessibility browser test runs on every page (handlers/browser_axe_test.go),
##                installed from npm at a pinned version into the git-ignored .cache/ (needs node and npm).
##                9.7.1 is the newest that runs on Debian 12's own Node.js 18 as well as on Node.js 20 and later.
HTML_VALIDATE_VERSION := 9.7.1
HTML_VALIDATE         := .cache/html-validate/node_modules/.bin/html-validate
html-validate: $(HTML_VALIDATE)
$(HTML_VALIDATE): Makefile
	@command -v npm >/dev/null || { echo "npm is needed for html-validate (Debian: apt-get install nodejs npm)"; exit 1; }
	npm install --prefix .cache/html-validate --no-save --no-audit --no-fund --loglevel=error html-validate@$(HTML_VALIDATE_VERSION)
	@touch $(HTML_VALIDATE)

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## templ-check: fail when the committed *_templ.go files are not what the .templ files generate
templ-check:
	@tmp=$$(mktemp -d); cp -r views "$$tmp/views"; \
	$(GO) tool templ generate -path "$$tmp/views" >/dev/null 2>&1 || { echo "templ generate failed"; rm -rf "$$tmp"; exit 1; }; \
	if ! diff -r -q views "$$tmp/views" >/dev/null; then \
		echo "generated templ files are stale: run 'make generate' and commit the *_templ.go files"; diff -r -q views "$$tmp/views"; rm -rf "$$tmp"; exit 1; \
	fi; rm -rf "$$tmp"; echo "templ files up to date"

generate:
	$(GO) tool templ generate -path views

## bench: speed and memory benchmarks
bench:
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -count=1 ./...

db-start:
	$(GO) run ./cmd/nextstep db-start

## db-stop: stop the project-local PostgreSQL
db-stop:
	$(GO) run ./cmd/nextstep db-stop

$(MAILPIT): go.mod go.sum
	$(GO) build -o $(MAILPIT) github.com/axllent/mailpit

## mail-start: start the local mail catcher (SMTP on MAILPIT_SMTP, mail readable on http://MAILPIT_UI)
mail-start: $(MAILPIT)
	@mkdir -p $(MAILPIT_DIR); \
	if [ -f $(MAILPIT_DIR)/pid ] && kill -0 $$(cat $(MAILPIT_DIR)/pid) 2>/dev/null; then \
		echo "Mailpit is already running (SMTP $(MAILPIT_SMTP), web http://$(MAILPIT_UI))"; \
	else \
		nohup ./$(MAILPIT) --smtp $(MAILPIT_SMTP) --listen $(MAILPIT_UI) --database $(MAILPIT_DIR)/mail.db \
			--disable-version-check --smtp-disable-rdns >$(MAILPIT_DIR)/log 2>&1 & echo $$! > $(MAILPIT_DIR)/pid; \
		sleep 0.5; kill -0 $$(cat $(MAILPIT_DIR)/pid) 2>/dev/null || { echo "Mailpit did not start:"; cat $(MAILPIT_DIR)/log; exit 1; }; \
		echo "Mailpit started (SMTP $(MAILPIT_SMTP), web http://$(MAILPIT_UI))"; \
	fi

## mail-stop: stop the local mail catcher
mail-stop:
	@if [ -f $(MAILPIT_DIR)/pid ]; then kill $$(cat $(MAILPIT_DIR)/pid) 2>/dev/null || true; rm -f $(MAILPIT_DIR)/pid; echo "Mailpit stopped"; fi

clean: db-stop mail-stop
	rm -rf bin
