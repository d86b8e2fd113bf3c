# Nextstep — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/nextstep
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
GOFILES := $(shell git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*')

.PHONY: run build test check fmt-check vet templ-check generate bench db-start db-stop clean

## run: serve the portal with demo data on http://localhost:8080 (local PostgreSQL when DATABASE_URL is unset)
run: build
	./$(BIN) seed --demo
	./$(BIN) serve

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/nextstep

## test: static checks, then every test (unit, store, HTTP and browser) against real PostgreSQL
test: check
	$(GO) test -count=1 -p 2 -timeout 20m ./...

check: fmt-check vet templ-check

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
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...

db-start:
	$(GO) run ./cmd/nextstep db-start

## db-stop: stop the project-local PostgreSQL
db-stop:
	$(GO) run ./cmd/nextstep db-stop

clean: db-stop
	rm -rf bin
