# Interpost — run `make help` for the targets.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/interpost/interpost/internal/cli.Version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: help build demo test test-pg lint fuzz bench

help: ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## build bin/interpost (static, no cgo)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/interpost ./cmd/interpost

demo: ## seed the demo world and serve it on 127.0.0.1:8080
	$(GO) run ./cmd/interpost demo

test: ## gofmt check, go vet, and all tests with the race detector (what CI runs)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 25m ./...

test-pg: ## tests with the PostgreSQL contract against the local server
	INTERPOST_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' $(GO) test -race -count=1 ./store/... ./server/...

lint: ## go vet + staticcheck
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

fuzz: ## run each fuzzer for 30 s
	for f in FuzzParseS10 FuzzParseDispatchID FuzzParseReceptacleID FuzzParseHSCode; do \
	  $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=30s ./postal || exit 1; done
	for p in ./network ./customs ./accounting ./edi ./tracking ./dispatch; do \
	  for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
	    $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=30s $$p || exit 1; done; done

bench: ## benchmarks against peers measured in the same run (docs/benchmarks.md)
	$(GO) run ./bench/sqlitedrivers
	$(GO) run ./bench/routing
	$(GO) run ./bench/routes
	$(GO) run ./bench/customs
	$(GO) run ./bench/ingest
	$(GO) run ./bench/peakday
	$(GO) run ./bench/trackpage
	$(GO) run ./bench/inbound
