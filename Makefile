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

# Each source is compiled once per flavour (release, sanitizers, fuzzing) into
# build/obj/FLAVOUR/, and the binaries are linked from those objects: the
# fourteen fuzz targets share one instrumented build of the tree.
rel_obj  = $(patsubst %.c,build/obj/rel/%.o,$(1))
san_obj  = $(patsubst %.c,build/obj/san/%.o,$(1))
fuzz_obj = $(patsubst %.c,build/obj/fuzz/%.o,$(1))

all: build/scout

build/obj/rel/%.o: %.c $(HDR) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) $(INC) -c -o $@ $<

# The test build: sanitizers on, used by both the unit runner and the lab tests.
build/obj/san/%.o: %.c $(HDR) tests/unit/unit.h Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) -Itests/unit -c -o $@ $<

build/obj/fuzz/%.o: %.c $(HDR) Makefile
	@mkdir -p $(dir $@)
	clang $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all $(INC) -c -o $@ $<

build/scout: $(call rel_obj,$(SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/san/scout: $(call san_obj,$(SRC))
	@mkdir -p build/san
	$(CC) -g $(SAN) -o $@ $^ $(LDLIBS)

build/san/unit: $(call san_obj,$(LIBSRC) $(UNITSRC))
	@mkdir -p build/san
	$(CC) -g $(SAN) -o $@ $^ $(LDLIBS)

unit: build/san/unit
	./build/san/unit

lab: build/san/scout build/scout
	SCOUT=$(CURDIR)/build/san/scout bash tests/lab/run-all.sh

test: unit lab

FUZZ = $(patsubst fuzz/%.c,build/fuzz/%,$(wildcard fuzz/fuzz_*.c))
fuzz: $(FUZZ)
build/fuzz/%: build/obj/fuzz/fuzz/%.o $(call fuzz_obj,$(LIBSRC))
	@mkdir -p build/fuzz
	clang -g -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)

clean:
	rm -rf build

.PHONY: all unit lab test fuzz clean
