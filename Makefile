# gridgov - build, demo and test. `make demo` builds and serves the demonstration; `make test`
# runs every test (lint, unit, API on SQLite and PostgreSQL, sanitizers, fuzzing).
CC      ?= cc
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1.0)
PKGS    := libmicrohttpd jansson sqlite3 libpq libsodium libcurl xlsxwriter
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c17 -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
           -D_GNU_SOURCE -Isrc -Ibuild/gen -pthread
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC      := $(wildcard src/*.c src/*/*.c)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
HDR      := $(wildcard src/*/*.h src/*/*.def)
SCHEMA   := $(sort $(wildcard src/store/schema/*.sql))
# web/vendor/ is not committed: it is copied from node_modules (npm ci) before embedding
WEB_VENDOR := web/vendor/echarts.min.js
ASSETS   := $(sort $(wildcard data/*/*.csv) $(shell find web -type f 2>/dev/null) $(WEB_VENDOR))
GEN      := build/gen/schema.c build/gen/assets.c
OBJ      := $(LIB_SRC:%.c=build/obj/%.o) $(GEN:build/gen/%.c=build/obj/gen/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/%.o) $(GEN:build/gen/%.c=build/asan/gen/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT     := $(UNIT_SRC:tests/unit/%.c=build/%)
ASAN_UNIT:= $(UNIT_SRC:tests/unit/%.c=build/asan/%)

# keep every object: the pattern rules would otherwise delete fuzz objects as intermediates
.SECONDARY:

.PHONY: all demo test test-quick lint format clean bench fuzz asan deb
all: build/gridgov build/api-runner build/bench-bare

build/.deps-build: scripts/deps.sh
	@bash scripts/deps.sh build && mkdir -p build && touch $@
build/.deps-test: scripts/deps.sh
	@bash scripts/deps.sh build test bench && mkdir -p build && touch $@
# one apt-get at a time under parallel make: the browser group waits for the other groups
build/.deps-browser: scripts/deps.sh | build/.deps-build $(if $(filter test,$(MAKECMDGOALS)),build/.deps-test)
	@bash scripts/deps.sh browser && mkdir -p build && touch $@

# The web page's npm packages (package-lock.json pins them): ECharts is shipped with the page,
# playwright-core drives Debian's chromium in tests/browser/.
build/.npm-ci: package.json package-lock.json | build/.deps-browser
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p build && touch $@
$(WEB_VENDOR): build/.npm-ci
	@mkdir -p $(@D)
	cp node_modules/echarts/dist/echarts.min.js $@

build/embed: tools/embed.c | build/.deps-build
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $<
# The names of the embedded files, each list rewritten only when a file comes or goes: a deleted
# file is no prerequisite any more and would regenerate nothing by itself, the changed list does.
build/gen/schema.list: FORCE
	@mkdir -p $(@D)
	@l='$(SCHEMA)'; [ "$$(cat $@ 2>/dev/null)" = "$$l" ] || echo "$$l" > $@
build/gen/assets.list: FORCE
	@mkdir -p $(@D)
	@l='$(ASSETS)'; [ "$$(cat $@ 2>/dev/null)" = "$$l" ] || echo "$$l" > $@
build/gen/schema.c: build/embed $(SCHEMA) build/gen/schema.list
	@mkdir -p $(@D)
	build/embed schema_files $@ $(SCHEMA)
build/gen/assets.c: build/embed $(ASSETS) build/gen/assets.list
	@mkdir -p $(@D)
	build/embed asset_files $@ $(ASSETS)

# the version string lives in a header rewritten only when it changes, so a new commit
# rebuilds what prints it and nothing else
build/gen/version.h: FORCE
	@mkdir -p $(@D)
	@v='#define GRIDGOV_VERSION "$(VERSION)"'; [ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" > $@
VERSIONED := src/cli/cmd_serve src/domain/webhook
$(foreach v,$(VERSIONED),build/obj/$(v).o build/asan/$(v).o build/fuzz/obj/$(v).o): build/gen/version.h
.PHONY: FORCE
FORCE:

build/obj/%.o: %.c $(HDR) | build/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<
build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<
build/asan/%.o: %.c $(HDR) | build/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) $(PKG_CFLAGS) -c -o $@ $<
build/asan/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -c -o $@ $<

build/gridgov: build/obj/src/main.o $(OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm
build/asan/gridgov: build/asan/src/main.o $(ASAN_OBJ)
	$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS) -lm
build/api-runner: tests/api/runner.c | build/.deps-build
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --cflags --libs libcurl jansson)
# the bench generators write rows as gridgov does, with its own code (bench/rows.h)
build/bench-raw-insert: bench/raw_insert.c bench/rows.h $(OBJ)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS) -lm
build/bench-gen-dataset: bench/gen_dataset.c bench/rows.h $(OBJ)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS) -lm
# bench/intake.sh only: gridgov without counter upkeep, to measure what it costs on the same run
# (its index is wrong: never a production build)
build/bench/counters-off.o: src/domain/counters.c $(HDR) | build/.deps-build
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DGRIDGOV_BENCH_NO_COUNTERS $(PKG_CFLAGS) -c -o $@ $<
build/bench-gridgov-nocounters: build/obj/src/main.o build/bench/counters-off.o \
                                $(filter-out build/obj/src/domain/counters.o,$(OBJ))
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm
build/bench-bare: bench/bare.c | build/.deps-build
	$(CC) $(CFLAGS) -o $@ $< $(shell pkg-config --cflags --libs libmicrohttpd)

build/test_%: tests/unit/test_%.c $(OBJ) | build/.deps-test
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS) -lcmocka -lm
build/asan/test_%: tests/unit/test_%.c $(ASAN_OBJ) | build/.deps-test
	$(CC) $(CFLAGS) $(SAN) $(PKG_CFLAGS) -o $@ $< $(ASAN_OBJ) $(PKG_LIBS) -lcmocka -lm

# libFuzzer targets need clang; they link the library objects rebuilt with clang's sanitizers
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ     := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_CFLAGS = -std=c17 -g -O1 -D_GNU_SOURCE -Isrc -Ibuild/gen -pthread \
              -fsanitize=fuzzer-no-link,address,undefined $(PKG_CFLAGS)
FUZZ_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o) $(GEN:build/gen/%.c=build/fuzz/obj/gen/%.o)
build/fuzz/obj/%.o: %.c $(HDR) | build/.deps-test
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -c -o $@ $<
build/fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lm

# The Debian package (scripts/deb.sh, files in deploy/debian/): a version that sorts in commit
# order, 0.1.0+COMMITS.gHASH
DEB_VERSION := 0.1.0+$(shell git rev-list --count HEAD 2>/dev/null || echo 0).g$(shell git rev-parse --short HEAD 2>/dev/null || echo 0)
DEB_ARCH    := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DEB         := build/gridgov_$(DEB_VERSION)_$(DEB_ARCH).deb
deb: $(DEB)
$(DEB): build/gridgov scripts/deb.sh $(wildcard deploy/debian/* deploy/prometheus/*) docs/operations.md
	bash scripts/deb.sh build/gridgov $(DEB_VERSION) $@

demo: all
	build/gridgov demo $(DEMO_ARGS)

test: build/.deps-test build/.deps-browser build/.npm-ci all $(UNIT) build/asan/gridgov $(ASAN_UNIT) $(FUZZ)
	bash tests/run

lint: build/.deps-test
	bash tests/lint.sh

format:
	clang-format -i $(SRC) $(HDR:%.def=) $(UNIT_SRC) $(FUZZ_SRC) tests/api/runner.c bench/*.c tools/*.c

bench: all
	bash bench/http.sh

clean:
	rm -rf build
