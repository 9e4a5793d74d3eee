# scout build.  Plain make: the project is one binary plus tests, and make is on
# every Debian machine without adding a build-system dependency.
#   make            release build      -> build/scout
#   make test       ASan+UBSan build, unit tests, then the namespace lab tests (root)
#   make unit       unit tests only (no root, no network)
#   make fuzz       libFuzzer targets  -> build/fuzz/*  (clang)
CC      ?= cc
CSTD     = -std=c17 -D_GNU_SOURCE
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
LDLIBS   = -lpcap -lpcre2-8 -lssl -lcrypto -lcap-ng -lsqlite3 -lm -lpthread
# libpq's and libxml2's headers live in subdirectories
INC      = -Isrc -I/usr/include/postgresql -I/usr/include/libxml2
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

SRC      = $(wildcard src/*.c src/probe/*.c src/output/*.c src/service/*.c src/detect/*.c src/os/*.c src/store/*.c)
LIBSRC   = $(filter-out src/main.c,$(SRC))
HDR      = $(wildcard src/*.h src/probe/*.h src/output/*.h src/service/*.h src/detect/*.h src/os/*.h src/store/*.h)
UNITSRC  = $(wildcard tests/unit/*.c)

all: build/scout

build/scout: $(SRC) $(HDR) Makefile
	@mkdir -p build
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INC) -o $@ $(SRC) $(LDLIBS)

# The test build: sanitizers on, used by both the unit runner and the lab tests.
build/san/scout: $(SRC) $(HDR) Makefile
	@mkdir -p build/san
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) -o $@ $(SRC) $(LDLIBS)

build/san/unit: $(LIBSRC) $(UNITSRC) $(HDR) tests/unit/unit.h Makefile
	@mkdir -p build/san
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) -Itests/unit -o $@ $(LIBSRC) $(UNITSRC) $(LDLIBS)

unit: build/san/unit
	./build/san/unit

lab: build/san/scout build/scout
	SCOUT=$(CURDIR)/build/san/scout bash tests/lab/run-all.sh

test: unit lab

FUZZ = $(patsubst fuzz/%.c,build/fuzz/%,$(wildcard fuzz/fuzz_*.c))
fuzz: $(FUZZ)
build/fuzz/%: fuzz/%.c $(LIBSRC) $(HDR) Makefile
	@mkdir -p build/fuzz
	clang $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(INC) -o $@ $< $(LIBSRC) $(LDLIBS)

clean:
	rm -rf build

.PHONY: all unit lab test fuzz clean
