# qlinear: build the library, the command, the tests and the book from
# qlinear.nw.  `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
.DELETE_ON_ERROR:
.SUFFIXES:

NW := qlinear.nw

# The Debian packages, in one place: DEBS for `make` and `make check`
# (`make deps` installs what is missing; every target that needs more
# names its list below).  python3-torch is for golden data and crosscheck.
DEBS := make gcc binutils noweb pandoc check pkg-config gnuplot-nox poppler-utils \
        texlive-latex-base texlive-latex-recommended \
        texlive-fonts-recommended lmodern
GOLDEN_DEBS := python3-torch python3-numpy
# ... and the real libraries that the engines of issue 11 are checked
# against (`make golden`, `make crosscheck`; not needed by `make check`).
ENGINE_DEBS := libxnnpack-dev libpthreadpool-dev libgemmlowp-dev g++ qemu-user \
               $(if $(shell command -v node),,nodejs npm)
# ... and for the checks beyond `make check`:
HARD_DEBS := clang libclang-rt-14-dev valgrind
HTML_DEBS := chromium $(if $(shell command -v node),,nodejs npm)

# Compiler flags: see docs/DEVELOPERS.md.  Never -ffast-math.
CC     ?= cc
OPT    ?= -O2 -g
QL_CFLAGS := -std=c11 -Wall -Wextra -Wpedantic -Werror \
             -ffp-contract=off $(OPT) $(CFLAGS)
LDLIBS := -lm

# Root chunks of qlinear.nw and where their committed copies live.
FIGS := pipeline grid error algebra tie pairs disagree speed
# The library, one file per concern: the arithmetic, the engines, the
# exact reference, the readers, the forum's functions, the fast kernels.
LIB := qlinear.c engines.c exact.c reader.c forum.c kernels.c
ROOTS := qlinear.h $(LIB) main.c bookdata.c check-qlinear.c \
         fuzz-qlinear.c install-example.c $(FIGS:%=%.gp) \
         bench.c bench-xnnpack.c bench-torch.py from-torch.py
SRC := build/src
COMMITTED := tangled/qlinear.h $(LIB:%=tangled/%) tangled/main.c \
             tangled/bookdata.c tests/check-qlinear.c tests/fuzz-qlinear.c \
             tests/install-example.c tangled/bench.c \
             tangled/bench-xnnpack.c tangled/bench-torch.py \
             tangled/from-torch.py
# Workshop exercises: the book holds each starting file (root
# exercises/NN-name.c, committed as tests/exercises/NN-name.c, which the
# learner edits), its solution (root solutions/NN-name.c) and the test
# program check-exercise.c.
EXERCISES := $(shell sed -n 's|^<<exercises/\(.*\.c\)>>=$$|\1|p' qlinear.nw)
# Cheats (root cheats/NN-name.c) call the function their exercise asks
# for; each must fail the exercise's rule.
CHEATS := $(shell sed -n 's|^<<cheats/\(.*\.c\)>>=$$|\1|p' qlinear.nw)
ROOTS += check-exercise.c $(EXERCISES:%=exercises/%) \
         $(EXERCISES:%=solutions/%) $(CHEATS:%=cheats/%)
DATA := tests/data
CORPUS := $(shell find $(DATA) -name "*.txt" 2>/dev/null)

.PHONY: all help deps tangle demo check check-suite check-tangled \
        check-bad-inputs check-cli check-compare check-torch check-sanitize check-valgrind check-matrix fuzz \
        check-roots check-docs golden crosscheck check-html clean \
        golden-arm64 crosscheck-arm64
FIGURES := $(FIGS:%=figures/%.pdf) $(FIGS:%=figures/%.svg)
all: build/qlinear build/check-qlinear $(FIGURES) docs/qlinear.pdf \
     docs/qlinear.html

# Every .PHONY target has a line here that starts with "make TARGET";
# `make check-help` (part of `make check`) fails when one is missing.
help:
	@echo "make all         (or just make) install missing Debian packages, build, render the book, run the demo"
	@echo "make check       run every Check test and the consistency checks below"
	@echo "make check-suite     the Check suite alone (CK_RUN_CASE='NAME' for one test case)"
	@echo "make list-tests      the names of the Check test cases, for CK_RUN_CASE"
	@echo "make check-roots     qlinear.nw has exactly the expected root chunks"
	@echo "make check-docs      the PDF and HTML have no undefined references, fonts embedded"
	@echo "make check-bad-inputs  the catalogue of bad inputs and command lines"
	@echo "make check-cli       the command's contract on good input, and its help"
	@echo "make check-compare   'qlinear compare' names the right cause on one layer per cause"
	@echo "make torch2      a venv build/torch213 with the PyTorch $(TORCH2_VERSION) CPU wheel (pip), for golden, crosscheck, check-torch"
	@echo "make check-torch     random models quantized by PyTorch 1.13 and 2.13, exported by from-torch.py, reproduced by qlinear (installs python3-torch, make torch2)"
	@echo "make check-help      every .PHONY target has a line in 'make help'"
	@echo "make tangle      copy the freshly tangled C into tangled/ and tests/ (commit them)"
	@echo "make check-tangled   fail if tangled/ and tests/ differ from what qlinear.nw tangles to (CI; make check only warns)"
	@echo "make exercises   the workshop exercises in tests/exercises: solved or to do (a status, always succeeds)"
	@echo "make exercise N=3    build and run exercise 3's test with every message"
	@echo "make check-exercises every starting file fails its test, every solution passes, every cheat breaks the rule"
	@echo "make check-demos     the instructor's live demos on scratch copies: bookdata warns, the tests fail as the guide quotes (CI)"
	@echo "make check-fresh-clone  clone HEAD into a temporary directory: make check first, make -j2 exercises (CI)"
	@echo "make demo        run 'build/qlinear forum'"
	@echo "make golden      regenerate tests/data with real PyTorch, XNNPACK, gemmlowp and ONNX Runtime (installs them)"
	@echo "make crosscheck  fresh corpora from real PyTorch, XNNPACK, gemmlowp, ONNX Runtime (new seed, or SEED=n), then all tests"
	@echo "make golden-arm64  the ARM64 builds of the libraries on the same layers, under qemu-user"
	@echo "make crosscheck-arm64  fresh layer files (new seed, or SEED=n) through the ARM64 builds, then their tests"
	@echo "make drivers     build the programs that run layer files through real libraries"
	@echo "make check-html  open the HTML in headless chromium and check images, links, MathML"
	@echo "make check-sanitize  all tests under ASan+UBSan, with gcc and with clang"
	@echo "make check-valgrind  the command under valgrind memcheck"
	@echo "make check-matrix    gcc/clang x -O0/-O2/-O3 -march=native: identical outputs"
	@echo "make mutants     the mutation suite: every mutant of tests/mutants.txt must be killed (MUTANTS=\"ID ...\" for some)"
	@echo "make mutants-ci  the mutants marked 'ci' in tests/mutants.txt (what .ci/run runs)"
	@echo "make check-all   make check, then check-sanitize, check-valgrind, check-matrix on the whole corpora and the whole mutation suite"
	@echo "make fuzz        libFuzzer for FUZZ_SECONDS (default 60) seconds"
	@echo "make bench       speed, single thread: ours vs oneDNN, QNNPACK (PyTorch), XNNPACK; BENCH_SHAPES=\"MxKxN ...\""
	@echo "make check-bench-smoke  the bench driver once on a tiny layer (part of make check)"
	@echo "make deps        install missing Debian packages: $(DEBS)"
	@echo "make install     install under PREFIX (default /usr/local; DESTDIR honoured): bin/qlinear,"
	@echo "                 include/qlinear.h, lib/libqlinear.{a,so}, lib/pkgconfig/qlinear.pc, man page"
	@echo "make uninstall   remove what make install installed (same PREFIX and DESTDIR)"
	@echo "make check-install   install into a temporary DESTDIR, build a program with pkg-config, run it"
	@echo "make clean       remove build/"
	@echo "make help        this list"
	@echo "Outputs: build/qlinear, docs/qlinear.pdf, docs/qlinear.html, docs/instructor.pdf,"
	@echo "         docs/instructor.html, docs/slides.pdf, docs/exercises.pdf, docs/exercises.html"

# --- packages --------------------------------------------------------
deps:
	@missing=""; \
	for p in $(DEBS) $(EXTRA_DEBS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	    | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	    -o DPkg::Lock::Timeout=600 \
	    --no-install-recommends $$missing >/dev/null; \
	fi

# --- tangling ----------------------------------------------------------
# Tangle every root into build/src, the C files with #line directives
# (notangle -L) so that compiler errors and Check failures name
# qlinear.nw:LINE; and once more without them into build/plain, the
# readable copies that are committed.  cpif rewrites a file only when
# its text changes.
PLAIN := build/plain
$(SRC)/.stamp: $(NW) | deps
	mkdir -p $(SRC) $(PLAIN)
	for r in $(ROOTS); do \
	  mkdir -p $$(dirname $(SRC)/$$r) $$(dirname $(PLAIN)/$$r); \
	  case $$r in *.c) L=-L;; *) L=;; esac; \
	  notangle $$L -R"$$r" $(NW) | cpif $(SRC)/$$r; \
	  notangle -R"$$r" $(NW) | cpif $(PLAIN)/$$r; \
	done
	touch $@
$(addprefix $(SRC)/,$(ROOTS)) $(addprefix $(PLAIN)/,$(ROOTS)): $(SRC)/.stamp ;

tangle: $(SRC)/.stamp
	for f in $(COMMITTED); do \
	  cmp -s $(PLAIN)/$$(basename $$f) $$f || cp $(PLAIN)/$$(basename $$f) $$f; \
	done

# --- compiling -----------------------------------------------------------
# B is the output directory: build/ normally, another one for the
# sanitizer, compiler-matrix and FMA builds (make B=... CC=... OPT=...).
B ?= build
LIBOBJ = $(LIB:%.c=$(B)/%.o)
$(B)/%.o: $(SRC)/%.c $(SRC)/qlinear.h
	mkdir -p $(B)
	$(CC) $(QL_CFLAGS) -c -o $@ $<
$(B)/qlinear: $(SRC)/main.c $(LIBOBJ)
	$(CC) $(QL_CFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS)
$(B)/bookdata: $(SRC)/bookdata.c $(LIBOBJ)
	$(CC) $(QL_CFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS)
$(B)/check-qlinear: $(SRC)/check-qlinear.c $(LIBOBJ)
	$(CC) $(QL_CFLAGS) -DQL_TEST_DATA='"$(CURDIR)/$(DATA)"' \
	  $$(pkg-config --cflags check) -o $@ $< $(LIBOBJ) \
	  $$(pkg-config --libs check) $(LDLIBS)

# --- installing ------------------------------------------------------------
# make install PREFIX=DIR (default /usr/local), DESTDIR for staging.  The
# shared library is named after the major version of QL_VERSION.
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^.define QL_VERSION "\(.*\)"/\1/p' tangled/qlinear.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME := libqlinear.so.$(SOMAJOR)
$(B)/pic/%.o: $(SRC)/%.c $(SRC)/qlinear.h
	mkdir -p $(B)/pic
	$(CC) $(QL_CFLAGS) -fPIC -c -o $@ $<
$(B)/libqlinear.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $^
$(B)/libqlinear.so.$(VERSION): $(LIB:%.c=$(B)/pic/%.o)
	$(CC) $(QL_CFLAGS) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LDLIBS)
# The manual page is the book's command reference (section "Command
# reference"), between its two marks, with the headings in capitals.
build/qlinear.1: $(NW) | deps
	mkdir -p build
	sed -n '/^% man page: begin/,/^% man page: end/p' $(NW) \
	  | pandoc -f latex -t man -s --shift-heading-level-by=-2 \
	    -M title=QLINEAR -M section=1 -M header="qlinear manual" \
	    -M footer="qlinear $(VERSION)" \
	    -M date="$$(date -u -d @$$SOURCE_DATE_EPOCH +%Y-%m-%d)" \
	  | awk '/^\.SH / { $$0 = toupper($$0) } { print }' > $@
INSTALLED := bin/qlinear include/qlinear.h lib/libqlinear.a \
             lib/libqlinear.so.$(VERSION) lib/$(SONAME) lib/libqlinear.so \
             lib/pkgconfig/qlinear.pc share/man/man1/qlinear.1
.PHONY: install uninstall check-install
install: build/qlinear build/libqlinear.a build/libqlinear.so.$(VERSION) \
         build/qlinear.1
	D="$(DESTDIR)$(PREFIX)"; \
	install -d "$$D/bin" "$$D/include" "$$D/lib/pkgconfig" \
	  "$$D/share/man/man1"; \
	install -m 755 build/qlinear "$$D/bin/qlinear"; \
	install -m 644 $(SRC)/qlinear.h "$$D/include/qlinear.h"; \
	install -m 644 build/libqlinear.a "$$D/lib/libqlinear.a"; \
	install -m 755 build/libqlinear.so.$(VERSION) "$$D/lib/"; \
	ln -sf libqlinear.so.$(VERSION) "$$D/lib/$(SONAME)"; \
	ln -sf $(SONAME) "$$D/lib/libqlinear.so"; \
	install -m 644 build/qlinear.1 "$$D/share/man/man1/qlinear.1"; \
	printf '%s\n' "prefix=$(PREFIX)" 'libdir=$${prefix}/lib' \
	  'includedir=$${prefix}/include' '' 'Name: qlinear' \
	  'Description: int8 quantized linear layers as PyTorch computes them' \
	  'Version: $(VERSION)' 'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir} -lqlinear' 'Libs.private: -lm' \
	  > "$$D/lib/pkgconfig/qlinear.pc"; \
	chmod 644 "$$D/lib/pkgconfig/qlinear.pc"
uninstall:
	cd "$(DESTDIR)$(PREFIX)" 2>/dev/null && rm -f $(INSTALLED) || true
check-install: build/qlinear $(SRC)/install-example.c
	MAKE="$(MAKE)" tests/install.sh $(SRC)/install-example.c

# --- the book ----------------------------------------------------------
GEN := build/gen/numbers.tex build/gen/interface.tex build/gen/fma.tex \
       build/gen/cpu.tex build/gen/bench.tex build/gen/compare-forum.tex
# The speeds the book shows: committed `make bench` results, named for
# the CPU they were measured on (section "Making it fast").
BENCH_RESULTS := tests/bench/amd-epyc-avx512vnni.txt
build/gen/bench.tex build/gen/bench-table.tex build/gen/bench.dat: $(BENCH_RESULTS) tests/bench-book.awk
	mkdir -p build/gen
	awk -v out=build/gen/bench -f tests/bench-book.awk $(BENCH_RESULTS)
figures/speed.pdf figures/speed.svg: build/gen/bench.dat
build/gen/numbers.tex: build/bookdata $(CORPUS)
	mkdir -p build/gen
	build/bookdata $(DATA) build/gen
# The library once more, with fused multiply-adds allowed, compared with
# the real engines (appendix "What a fused multiply-add would change").
build/gen/fma.tex: build/gen/numbers.tex build/qlinear
	if grep -qw fma /proc/cpuinfo; then \
	  $(MAKE) --no-print-directory B=build/fma \
	    OPT="-O2 -g -mfma -ffp-contract=fast" build/fma/bookdata \
	    build/fma/qlinear; \
	  build/fma/bookdata --fma $(DATA) build/gen; \
	  fused=$$(build/fma/qlinear eval --kernel reference \
	    --engine onednn-avx2 build/gen/fma-layer.txt); \
	  fast=$$(build/fma/qlinear eval --engine onednn-avx2 \
	    build/gen/fma-layer.txt); \
	else \
	  echo "(This copy was built on a CPU without FMA instructions.)" > $@; \
	  fused="(no FMA on this CPU)"; fast="$$fused"; \
	fi; \
	normal=$$(build/qlinear eval --kernel reference --engine onednn-avx2 \
	  build/gen/fma-layer.txt); \
	if [ "$$normal" = "$$fused" ]; then \
	  echo "build/gen/fma.tex: the FMA build answers $$fused on" \
	    "build/gen/fma-layer.txt, as the normal build does, although the" \
	    "layer was made so that fusing changes it: the compiler did not fuse"; \
	  rm -f $@; \
	  exit 1; fi; \
	{ echo "\\newcommand{\\FmaNormalOut}{$$normal}"; \
	  echo "\\newcommand{\\FmaFusedOut}{$$fused}"; \
	  echo "\\newcommand{\\FmaFastOut}{$$fast}"; \
	} > build/gen/fma-numbers.tex
build/gen/cpu.tex: $(DATA)/onednn/cpu.txt
	mkdir -p build/gen
	{ echo '\begin{verbatim}'; cat $<; echo '\end{verbatim}'; } > $@
# `qlinear compare` on the forum's layer (section "Which engines agree").
build/gen/compare-forum.tex: build/qlinear
	mkdir -p build/gen
	{ echo '\begin{verbatim}'; printf '%s\n' 'layer 1 2 2' \
	    'input 0.010773413814604282 202 0 255' \
	    'weight 0.003769818227738142 26 25 127 -128 -112' \
	    'output 0.003812584327533841 0' \
	  | build/qlinear compare --engines qnnpack,question; \
	  echo '\end{verbatim}'; } > $@
build/gen/interface.tex: $(SRC)/qlinear.h
	mkdir -p build/gen
	{ echo '\begin{verbatim}'; cat $<; echo '\end{verbatim}'; } > $@
build/qlinear.tex: $(NW) | deps
	mkdir -p build
	noweave -delay -index $(NW) > $@
# A reproducible PDF: dates come from the release, not the clock.
# (the release date of QL_VERSION)
export SOURCE_DATE_EPOCH ?= 1795737600
export FORCE_SOURCE_DATE := 1
# --- figures: one gnuplot script per figure, drawn as PDF and as SVG ---
figures/%.pdf: $(SRC)/%.gp build/gen/numbers.tex
	gnuplot -e "set terminal pdfcairo size 6in,2.6in font 'Helvetica,9'; \
	  set output '$@'" $<
	perl -pi -e 's/CreationDate \(D:\d{14}Z\)/CreationDate (D:20261127000000Z)/' $@
figures/%.svg: $(SRC)/%.gp build/gen/numbers.tex
	gnuplot -e "set terminal svg size 760,330 font 'Helvetica,12' \
	  background rgb 'white'; set output '$@'" $<

docs/qlinear.pdf: build/qlinear.tex $(GEN) $(FIGS:%=figures/%.pdf)
	cd build && for pass in 1 2 3; do \
	  pdflatex -interaction=nonstopmode -halt-on-error qlinear.tex \
	    > pdflatex.out || { tail -40 pdflatex.out; exit 1; }; \
	  grep -q 'Rerun to get' qlinear.log || break; \
	done
	cp build/qlinear.pdf $@
build/qlinear.pandoc.tex: $(NW) docs/nw2pandoc.awk | deps
	mkdir -p build
	/usr/lib/noweb/markup $(NW) > build/qlinear.markup
	awk -f docs/nw2pandoc.awk pass=1 build/qlinear.markup \
	    pass=2 build/qlinear.markup > $@
docs/qlinear.html: build/qlinear.pandoc.tex $(GEN) docs/html-alt.pl \
                   docs/qlinear.css $(FIGS:%=figures/%.svg)
	cd build && pandoc -f latex -t html5 -s --mathml --toc --number-sections \
	  --default-image-extension=svg \
	  --css qlinear.css --metadata lang=en \
	  --metadata pagetitle=qlinear -o ../$@ qlinear.pandoc.tex \
	  2> pandoc.log || { cat pandoc.log; exit 1; }
	perl -0777 -pi docs/html-alt.pl $@
	cat build/pandoc.log

# A fresh `make` ends with a short summary, not the whole walk (the
# multiplier formulas and accumulators, which belong to the book and the
# workshop's talks, not to a build log): `qlinear forum` keeps it.
build/forum.txt: build/qlinear
	build/qlinear forum > $@
	@echo
	@echo "The forum's layer (build/qlinear forum shows every step):"
	@grep -E '^  (the question|answer [23]|engine qnnpack) ' $@
	@tail -1 $@
	@echo "Read next: docs/qlinear.pdf (or docs/qlinear.html), Part I;" \
	  "the workshop's handout: docs/exercises.pdf; the tests: make check."
demo: build/qlinear
	build/qlinear forum

# --- hard inputs: sanitizers, compilers, valgrind, fuzzing ----------------
# Any report fails: UBSan stops at its first (no recovery), ASan and
# LeakSanitizer exit non-zero, and tests/run-all-engines.sh refuses any
# text on standard error but an engine's or kernel's refusal.
SAN_OPT := -O1 -g -fno-omit-frame-pointer \
           -fsanitize=address,undefined -fno-sanitize-recover=all
VALGRIND := valgrind -q --error-exitcode=3 --leak-check=full \
            --errors-for-leak-kinds=all
# The three checks below run every engine with every kernel on the first
# HARD_LAYERS layers of each corpus (valgrind: of two corpora), which
# keeps .ci/run within its time; make check-all runs them on the whole
# corpora (HARD_LAYERS=all).
HARD_LAYERS ?= 3
check-sanitize: export UBSAN_OPTIONS := halt_on_error=1:print_stacktrace=1
check-sanitize: export ASAN_OPTIONS := detect_leaks=1:halt_on_error=1
check-sanitize: $(SRC)/.stamp
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(HARD_DEBS)"
	for cc in gcc clang; do \
	  $(MAKE) --no-print-directory B=build/san-$$cc CC=$$cc \
	    OPT="$(SAN_OPT)" build/san-$$cc/qlinear build/san-$$cc/check-qlinear; \
	  QL_LAYERS=$(HARD_LAYERS) \
	    tests/run-all-engines.sh build/san-$$cc/qlinear build/san-$$cc/out; \
	  tests/bad-inputs.sh build/san-$$cc/qlinear; \
	  tests/cli-contract.sh build/san-$$cc/qlinear; \
	  tests/compare.sh build/san-$$cc/qlinear; \
	  build/san-$$cc/check-qlinear; \
	done
check-valgrind: build/qlinear
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(HARD_DEBS)"
	QL_WRAP="$(VALGRIND)" QL_LAYERS=$(HARD_LAYERS) \
	  tests/run-all-engines.sh build/qlinear build/valgrind-out small
	tests/bad-inputs.sh "$(VALGRIND) build/qlinear"

# Every corpus through every engine with gcc and clang at three levels of
# optimisation: the outputs must be identical, byte for byte.
MATRIX := gcc:-O0 gcc:-O2 gcc:-O3_-march=native \
          clang:-O0 clang:-O2 clang:-O3_-march=native
check-matrix: $(SRC)/.stamp
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(HARD_DEBS)"
	for m in $(MATRIX); do \
	  cc=$${m%%:*}; opt=$${m#*:}; d=build/m-$$cc$$(echo $$opt | tr -c 'a-zA-Z0-9\n' '_'); \
	  $(MAKE) --no-print-directory B=$$d CC=$$cc OPT="$${opt//_/ }" \
	    $$d/qlinear $$d/check-qlinear >/dev/null; \
	  $$d/check-qlinear > $$d/check.log || { tail $$d/check.log; exit 1; }; \
	  QL_LAYERS=$(HARD_LAYERS) tests/run-all-engines.sh $$d/qlinear $$d/out; \
	  echo "$$m: $$(cat $$d/out/* | md5sum | cut -c1-12)"; \
	done | tee build/matrix.txt
	@test $$(grep -E '^(gcc|clang):' build/matrix.txt | cut -d' ' -f2 \
	  | sort -u | wc -l) = 1 \
	  && echo "check-matrix: $(words $(MATRIX)) builds, identical outputs"

# The mutation suite: each mutant of tests/mutants.txt in a scratch copy
# of qlinear.nw under build/mutants, built and run through the code
# tests (docs/DEVELOPERS.md).  MUTANTS="ID ..." runs only those;
# mutants-ci the subset marked "ci", which .ci/run runs (the whole list
# takes too long for CI; make check-all runs it).
.PHONY: mutants mutants-ci check-all
mutants: | deps
	tests/mutants.sh tests/mutants.txt $(MUTANTS)
mutants-ci: | deps
	MUTANTS_CI=1 tests/mutants.sh tests/mutants.txt
# Everything that tests the code, the long checks included.
check-all:
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory check-sanitize HARD_LAYERS=all
	$(MAKE) --no-print-directory check-valgrind HARD_LAYERS=all
	$(MAKE) --no-print-directory check-matrix HARD_LAYERS=all
	$(MAKE) --no-print-directory mutants

# libFuzzer on the three readers and every engine (clang).
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=c11 -g -O1 -ffp-contract=off -Wall -Wextra -Werror \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build/fuzz-qlinear: $(SRC)/fuzz-qlinear.c $(LIB:%=$(SRC)/%) $(SRC)/qlinear.h
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(HARD_DEBS)"
	clang $(FUZZ_FLAGS) -I$(SRC) -o $@ $(SRC)/fuzz-qlinear.c \
	  $(LIB:%=$(SRC)/%) -lm
build/fuzz-seeds/.stamp: $(CORPUS)
	rm -rf build/fuzz-seeds; mkdir -p build/fuzz-seeds
	awk '/^layer/ {n++} n && !/^#/ {print > ("build/fuzz-seeds/layer" n)}' \
	  $(DATA)/qnnpack/ties-layers.txt
	head -200 $(DATA)/observers.txt | split -l 1 - build/fuzz-seeds/obs
	head -20 $(DATA)/quantize.txt | split -l 1 - build/fuzz-seeds/quant
	touch $@
fuzz: build/fuzz-qlinear build/fuzz-seeds/.stamp
	mkdir -p build/fuzz-corpus
	build/fuzz-qlinear -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	  -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
	  build/fuzz-corpus build/fuzz-seeds 2>&1 | tail -25

# --- the HTML in a real browser ------------------------------------------
PLAYWRIGHT := playwright-core@1.65.1
build/npm/node_modules/playwright-core: | deps
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(HTML_DEBS)"
	mkdir -p build/npm
	npm install --silent --no-save --no-audit --no-fund \
	  --prefix build/npm $(PLAYWRIGHT)
# (ES modules find their packages next to the script, so it runs from
# build/npm.)
check-html: docs/qlinear.html build/npm/node_modules/playwright-core
	cp tests/check-html.mjs build/npm/
	node build/npm/check-html.mjs docs/qlinear.html build/html-first-screen.png

.PHONY: bench check-bench-smoke
# --- speed: make bench (never part of make check: timings are not tests) --
# Single thread; ours, XNNPACK's qu8 fully-connected operator (Debian's
# libxnnpack-dev) and PyTorch's oneDNN and QNNPACK, in one run.  The
# results go to build/bench.txt; commit a copy under tests/bench/ (named
# for the CPU) to put them in the book.
# The drivers take turns shape by shape, BENCH_ROUNDS times, so that a
# busy moment of the machine hurts all of them alike.
BENCH_SHAPES ?= 1x1024x1024 64x1024x1024 256x1024x1024
BENCH_ROUNDS ?= 3
BENCH_DEBS := libxnnpack-dev libpthreadpool-dev python3-torch
$(B)/bench: $(SRC)/bench.c $(LIBOBJ)
	$(CC) $(QL_CFLAGS) -o $@ $< $(LIBOBJ) $(LDLIBS)
$(B)/bench-xnnpack: $(SRC)/bench-xnnpack.c $(LIBOBJ)
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(BENCH_DEBS)"
	$(CC) $(QL_CFLAGS) -o $@ $< $(LIBOBJ) -lXNNPACK -lpthreadpool $(LDLIBS)
bench: build/bench build/bench-xnnpack
	{ echo "# cpu:$$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"; \
	  echo "# flags: $$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' \
	    | grep -E '^(sse4_2|avx|avx2|fma|avx512f|avx512bw|avx512_vnni|avx_vnni|amx_int8)$$' \
	    | tr '\n' ' ')"; \
	  echo "# date: $$(date -u +%Y-%m-%d), gcc $$($(CC) -dumpversion), single thread"; \
	  for r in $$(seq $(BENCH_ROUNDS)); do for s in $(BENCH_SHAPES); do \
	    echo "# round $$r"; \
	    build/bench $$s; \
	    build/bench-xnnpack $$s; \
	    OMP_NUM_THREADS=1 /usr/bin/python3 $(SRC)/bench-torch.py $$s; \
	  done; done; \
	} > build/bench.txt
	awk -f tests/bench-ratios.awk build/bench.txt | tee -a build/bench.txt
	grep -v '^#' build/bench.txt
# The bench driver on a tiny layer, in make check: it runs, it prints a
# line for every engine with a fast path and every step.
check-bench-smoke: build/bench
	@n=$$(BENCH_SAMPLES=1 BENCH_SAMPLE_SECONDS=0 build/bench 3x37x19 \
	  | grep -c '^bench 3 37 19 '); test $$n -ge 8 \
	  && echo "check-bench-smoke: $$n bench lines for 3x37x19"

# --- workshop exercises ------------------------------------------------
# build/ex/learner/NN-name tests the learner's file, build/ex/start/ and
# build/ex/solution/ the book's starting file and solution.  The test
# program is compiled with QL_EXERCISE=NN (leading zero dropped).
ex_number = $(patsubst 0%,%,$(firstword $(subst -, ,$(notdir $(1)))))
# The learner's file is compiled on its own first, with
# -Wdouble-promotion (so a double in a float32 computation is an error
# naming the line); the test reads that object's undefined symbols
# (nm -u) to enforce the exercise's rule.
EX_LINK = mkdir -p $(@D) && \
  $(CC) $(QL_CFLAGS) -Wdouble-promotion -I$(SRC) -c -o $@.o $< && \
  $(CC) $(QL_CFLAGS) -I$(SRC) -DQL_EXERCISE=$(call ex_number,$*) \
  -DQL_LEARNER_OBJ='"$(CURDIR)/$@.o"' -DQL_LEARNER_SRC='"$<"' \
  -DQL_TEST_DATA='"$(CURDIR)/$(DATA)"' $$(pkg-config --cflags check) \
  -o $@ $(SRC)/check-exercise.c $@.o $(LIBOBJ) \
  $$(pkg-config --libs check) $(LDLIBS)
build/ex/learner/%: tests/exercises/%.c $(SRC)/check-exercise.c $(LIBOBJ)
	@$(EX_LINK)
build/ex/start/%: $(SRC)/exercises/%.c $(SRC)/check-exercise.c $(LIBOBJ)
	@$(EX_LINK)
build/ex/solution/%: $(SRC)/solutions/%.c $(SRC)/check-exercise.c $(LIBOBJ)
	@$(EX_LINK)
build/ex/cheat/%: $(SRC)/cheats/%.c $(SRC)/check-exercise.c $(LIBOBJ)
	@$(EX_LINK)
.PHONY: exercises exercise check-exercises
exercises: $(SRC)/.stamp $(LIBOBJ) build/qlinear
	@tests/exercises.sh status $(EXERCISES:.c=)
exercise: $(SRC)/.stamp $(LIBOBJ) build/qlinear
	@tests/exercises.sh run "$(N)" $(EXERCISES:.c=)
# Each starting file must fail its test and each solution pass it.
check-exercises: $(EXERCISES:%.c=build/ex/start/%) \
                 $(EXERCISES:%.c=build/ex/solution/%) \
                 $(CHEATS:%.c=build/ex/cheat/%)
	@for e in $(CHEATS:.c=); do \
	  ! build/ex/cheat/$$e > build/ex/cheat/$$e.log 2>&1 \
	    && grep -q 'Rule: an exercise may call' build/ex/cheat/$$e.log || { \
	    cat build/ex/cheat/$$e.log; \
	    echo "check-exercises: the cheat $$e does not break the rule"; exit 1; }; \
	done
	@for e in $(EXERCISES:.c=); do \
	  ! build/ex/start/$$e > build/ex/start/$$e.log 2>&1 || { \
	    echo "check-exercises: the starting file of $$e passes"; exit 1; }; \
	  build/ex/solution/$$e > build/ex/solution/$$e.log 2>&1 || { \
	    cat build/ex/solution/$$e.log; \
	    echo "check-exercises: the solution of $$e fails"; exit 1; }; \
	done; \
	echo "check-exercises: $(words $(EXERCISES)) starting files fail" \
	  "their tests, $(words $(EXERCISES)) solutions pass," \
	  "$(words $(CHEATS)) cheats break the rule"

# The guide's live demonstrations, each an edit of qlinear.nw applied to
# a scratch copy under build/demos/ (tests/check-demos.sh says how).
.PHONY: check-demos check-fresh-clone
check-demos: | deps
	MAKE="$(MAKE)" tests/check-demos.sh
# Every documented first command works in a fresh clone of HEAD: `make
# check` in one, `make -j2 exercises` (which must build build/qlinear)
# in another.  Uncommitted changes are not in the clone.
check-fresh-clone: | deps
	d=$$(mktemp -d); trap 'rm -rf "$$d"' EXIT; \
	git clone -q . "$$d/a"; git clone -q . "$$d/b"; \
	$(MAKE) --no-print-directory -C "$$d/b" -j2 exercises > "$$d/b.log" 2>&1 \
	  || { tail -30 "$$d/b.log"; echo "check-fresh-clone: make -j2 exercises failed"; exit 1; }; \
	grep -q '^exercises: 0 solved, $(words $(EXERCISES)) to do$$' "$$d/b.log" \
	  || { tail -30 "$$d/b.log"; echo "check-fresh-clone: make exercises did not report $(words $(EXERCISES)) to do"; exit 1; }; \
	test -x "$$d/b/build/qlinear" \
	  || { echo "check-fresh-clone: make exercises did not build build/qlinear"; exit 1; }; \
	$(MAKE) --no-print-directory -C "$$d/a" check > "$$d/a.log" 2>&1 \
	  || { tail -40 "$$d/a.log"; echo "check-fresh-clone: make check failed in a fresh clone"; exit 1; }; \
	echo "check-fresh-clone: in fresh clones of $$(git rev-parse --short HEAD)," \
	  "make -j2 exercises built build/qlinear and make check passed:" \
	  "$$(tail -1 "$$d/a.log")"

# --- the instructor's guide and the slides ------------------------------
# Markdown in docs/; docs/fill.pl first puts in the book's generated
# numbers (\Name) and section numbers (\ref{label}).  pandoc writes
# LaTeX, which pdflatex runs from the top directory so that figures/ and
# build/gen/ resolve; the guide's HTML comes from the same Markdown.
DEBS += texlive-pictures
DOCS := docs/instructor.pdf docs/instructor.html docs/slides.pdf \
        docs/exercises.pdf docs/exercises.html
all: $(DOCS)
# The demo comes last, so that it is the last thing a fresh `make` shows.
all: build/forum.txt
build/docs/%.md: docs/%.md docs/fill.pl build/gen/numbers.tex \
                 docs/qlinear.pdf
	mkdir -p build/docs
	perl docs/fill.pl build/gen/numbers.tex build/qlinear.aux < $< \
	  | sed -e "s|@DEBS@|$(DEBS)|" -e "s|@NEX@|$(words $(EXERCISES))|" > $@
# The participants' handout: docs/exercises.pl puts the statements and
# hints of the book's exercises (never their tests or solutions) into
# docs/exercises.md, then it is filled and typeset as the guide is.
build/docs/exercises.md: docs/exercises.md docs/exercises.pl $(NW) \
                         docs/fill.pl build/gen/numbers.tex docs/qlinear.pdf
	mkdir -p build/docs
	perl docs/exercises.pl $(NW) < $< \
	  | perl docs/fill.pl build/gen/numbers.tex build/qlinear.aux \
	  | sed -e "s|@NEX@|$(words $(EXERCISES))|" > $@
build/docs/exercises.tex: build/docs/exercises.md
	pandoc -s --toc -V geometry:margin=25mm -V colorlinks -o $@ $<
docs/exercises.html: build/docs/exercises.md docs/qlinear.css
	pandoc -s --toc --css qlinear.css --metadata lang=en -o $@ $<
build/docs/slides.tex: build/docs/slides.md
	pandoc -t beamer -s -o $@ $<
build/docs/instructor.tex: build/docs/instructor.md
	pandoc -s --toc --number-sections -V geometry:margin=25mm \
	  -V colorlinks -o $@ $<
# pdflatex runs from an empty .aux until .aux and .toc stop changing (the
# table of contents moves the pages it lists, so two passes are not
# always enough), so a fresh clone makes the same PDF as a rebuild.
docs/slides.pdf docs/instructor.pdf docs/exercises.pdf: \
  docs/%.pdf: build/docs/%.tex $(FIGS:%=figures/%.pdf)
	rm -f build/docs/$*.aux build/docs/$*.toc build/docs/$*.*.prev; \
	for pass in 1 2 3 4; do \
	  pdflatex -interaction=nonstopmode -halt-on-error \
	    -output-directory build/docs $< > build/docs/$*.out \
	    || { tail -30 build/docs/$*.out; exit 1; }; \
	  cmp -s build/docs/$*.aux build/docs/$*.aux.prev \
	    && cmp -s build/docs/$*.toc build/docs/$*.toc.prev 2>/dev/null && break; \
	  cp build/docs/$*.aux build/docs/$*.aux.prev; \
	  cp build/docs/$*.toc build/docs/$*.toc.prev 2>/dev/null || :; \
	done
	cp build/docs/$*.pdf $@
docs/instructor.html: build/docs/instructor.md docs/qlinear.css
	pandoc -s --toc --number-sections --css qlinear.css \
	  --metadata lang=en -o $@ $<

# --- checks ------------------------------------------------------------
# The Check suite runs last, so its summary is the last line printed.
# After an edit of qlinear.nw the committed copies lag behind: `make
# check` only warns (TANGLED_WARN), CI's `make check-tangled` fails.
# A book built with warnings (bookdata found a disagreement) fails it.
# The checks before the suite run with -k and a failure among them does
# not stop it: after a broken edit (the guide's live demos) the suite's
# messages are the ones that say what broke.
CHECKS := check-roots check-docs check-bad-inputs check-cli check-compare \
          check-help check-install check-bench-smoke check-exercises
check: | deps
	@ok=1; $(MAKE) --no-print-directory -k $(CHECKS) || ok=0; \
	$(MAKE) --no-print-directory check-tangled TANGLED_WARN=1; \
	$(MAKE) --no-print-directory check-suite || ok=0; \
	if [ $$ok = 0 ]; then \
	  echo "make check: failed (the messages above name the checks)"; \
	  exit 1; fi; \
	test ! -s build/gen/warnings.txt || { echo "make check: the book" \
	  "shows warnings in a box (build/gen/warnings.txt)"; exit 1; }
check-bad-inputs: build/qlinear
	tests/bad-inputs.sh build/qlinear
check-cli: build/qlinear
	tests/cli-contract.sh build/qlinear
check-compare: build/qlinear
	tests/compare.sh build/qlinear
# PyTorch 2.13 beside Debian's 1.13: a virtual environment under build/
# with the CPU wheel (pinned, never a plain `torch`, which would fetch a
# CUDA build).  The stamp records the version and engines it reports.
TORCH2_VERSION := 2.13.0
TORCH2 := build/torch213
TORCH2_PY := $(TORCH2)/bin/python
.PHONY: torch2
torch2: $(TORCH2)/.stamp
$(TORCH2)/.stamp:
	$(MAKE) --no-print-directory deps EXTRA_DEBS="python3-venv"
	rm -rf $(TORCH2)
	/usr/bin/python3 -m venv $(TORCH2)
	start=$$(date +%s); \
	$(TORCH2)/bin/pip install -q --disable-pip-version-check \
	  torch==$(TORCH2_VERSION)+cpu numpy torchao==0.18.0 2>&1 | { grep -v "is ignored" || true; }; \
	echo "torch2: pip install took $$(( $$(date +%s) - start )) s"
	$(TORCH2_PY) -c 'import torch; print("torch", torch.__version__); \
	  print("engines", *torch.backends.quantized.supported_engines)' \
	  | tee $@.tmp
	mv $@.tmp $@

# Not part of `make check`: it needs PyTorch, which it installs.
check-torch: build/qlinear $(SRC)/.stamp
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(GOLDEN_DEBS)"
	/usr/bin/python3 tests/torch-roundtrip.py build/qlinear \
	  $(SRC)/from-torch.py build/torch-roundtrip
	$(MAKE) --no-print-directory torch2
	$(TORCH2_PY) tests/torch-roundtrip.py build/qlinear \
	  $(SRC)/from-torch.py build/torch-roundtrip-2.13
check-suite: build/check-qlinear
	@! CK_RUN_CASE=no-such-case build/check-qlinear >/dev/null 2>&1 || { \
	  echo "check-suite: a CK_RUN_CASE that names no test case passed"; exit 1; }
	build/check-qlinear
.PHONY: list-tests check-help
list-tests: build/check-qlinear
	@build/check-qlinear --list
# The .PHONY targets, from make's own database, each need a help line.
# (The database is printed while asking about `help`, whose recipe has no
# $(MAKE): asking about .PHONY itself would run the recipes of check and
# check-help, which call make, and recurse.)
check-help:
	@phony=$$({ $(MAKE) -pRrq -f $(firstword $(MAKEFILE_LIST)) help \
	  2>/dev/null || true; } | sed -n 's/^\.PHONY: //p'); \
	test -n "$$phony"; \
	help=$$($(MAKE) --no-print-directory -s help); missing=""; \
	for t in $$phony; do \
	  grep -qE "^make $$t( |$$)" <<< "$$help" || missing="$$missing $$t"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "check-help: no line in 'make help' for:$$missing"; \
	  echo "  add '@echo \"make TARGET   what it does\"' to the help: recipe"; \
	  exit 1; fi; \
	echo "check-help: all $$(wc -w <<< "$$phony") .PHONY targets are in 'make help'"

check-tangled: $(SRC)/.stamp
	@bad=0; for f in $(COMMITTED); do \
	  cmp -s $$f $(PLAIN)/$$(basename $$f) || { bad=1; \
	    echo "$(if $(TANGLED_WARN),warning: )$$f differs from what" \
	         "$(NW) tangles to; run 'make tangle'"; }; \
	done; \
	$(if $(TANGLED_WARN),,for e in $(EXERCISES); do \
	  cmp -s tests/exercises/$$e $(PLAIN)/exercises/$$e || { bad=1; \
	    echo "tests/exercises/$$e differs from the starting file in" \
	         "$(NW): copy $(PLAIN)/exercises/$$e"; }; \
	done;) \
	if [ $$bad = 0 ]; then \
	  echo "check-tangled: the committed C is what $(NW) tangles to"; \
	else $(if $(TANGLED_WARN),true,exit 1); fi

check-roots: | deps
	@diff -u <(printf '<<%s>>\n' $(ROOTS) | sort) <(noroots $(NW) | sort) \
	  || { echo "noroots: unexpected roots (a misspelled chunk name?)"; exit 1; }
	@echo "check-roots: the roots are $(ROOTS)"

check-docs: docs/qlinear.pdf docs/qlinear.html docs/exercises.pdf \
            docs/exercises.html
	@test ! -s build/gen/warnings.txt || { sed 's/^/warning: /' \
	  build/gen/warnings.txt; echo "check-docs: the book shows these" \
	  "warnings in a box; make check will fail after the tests"; }
	@! grep -E "undefined|multiply defined|Overfull .hbox" build/qlinear.log
	@grep -q "<math" docs/qlinear.html
	@! grep -A2 "Could not convert TeX math" build/pandoc.log \
	  || { echo "check-docs: pandoc left TeX math unconverted (above)"; exit 1; }
	@perl -0ne 's/<(pre|code|math|script|style)\b.*?<\/\1>//gs; \
	  s/<[^>]+>//g; $$n = 0; for (split /\n/) { next unless /\$$\S|\\[A-Za-z]{2,}/; \
	  print "docs/qlinear.html: raw TeX in the text: $$_\n"; $$n++ } \
	  exit($$n ? 1 : 0)' docs/qlinear.html
	@! pdffonts docs/qlinear.pdf | awk 'NR > 2 && $$(NF-4) != "yes"' | grep .
	@for f in $(FIGS); do pdfinfo figures/$$f.pdf >/dev/null; \
	  grep -q "<svg" figures/$$f.svg; done
	@test $$(grep -c 'Check</strong> with <code>make exercise N=' docs/exercises.html) \
	  = $(words $(EXERCISES)) || { echo "check-docs: docs/exercises.html" \
	  "does not have one 'make exercise N=' per exercise"; exit 1; }
	@! grep -nE 'START_TEST|ck_assert|solutions/|ex[0-9]+_want' \
	  docs/exercises.html build/docs/exercises.md || { echo "check-docs:" \
	  "the handout shows a test or a solution (above)"; exit 1; }
	@! pdffonts docs/exercises.pdf | awk 'NR > 2 && $$(NF-4) != "yes"' | grep .
	@perl tests/readme-sections.pl build/qlinear.toc README.md
	@perl tests/part1-stats.pl $(NW) 0.20 8
	@perl tests/html-attrs.pl docs/qlinear.html
	@echo "check-docs: PDF without undefined references or overfull lines," \
	  "all fonts embedded; HTML with MathML and no raw TeX math;" \
	  "$(words $(FIGS)) figures in PDF and SVG; a handout of" \
	  "$(words $(EXERCISES)) exercises without tests or solutions"

# The oneDNN instruction sets this CPU can answer for, as `qlinear cpu`
# lists them (NAME:ONEDNN_MAX_CPU_ISA ...): the one place that decides.
ONEDNN_ISAS = $$(build/qlinear cpu | sed -n 's/^onednn-corpora *//p')
golden: build/qlinear
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(GOLDEN_DEBS) $(ENGINE_DEBS)"
	build/qlinear cpu
	/usr/bin/python3 tests/golden.py --onednn "$(ONEDNN_ISAS)" $(DATA)
	/usr/bin/python3 tests/golden-perchannel.py --onednn "$(ONEDNN_ISAS)" $(DATA)
	/usr/bin/python3 tests/golden-relu.py --onednn "$(ONEDNN_ISAS)" $(DATA)
	/usr/bin/python3 tests/golden-dynamic.py --onednn "$(ONEDNN_ISAS)" $(DATA)
	build/qlinear cpu > $(DATA)/onednn/cpu.txt
	$(MAKE) --no-print-directory torch2
	$(TORCH2_PY) tests/golden-torch2.py --isas "$(ONEDNN_ISAS)" $(DATA) $(DATA)
	$(TORCH2_PY) tests/forum-torch2.py --isas "$(ONEDNN_ISAS)" --out $(DATA)
	$(TORCH2_PY) tests/pt2e-torch2.py build/qlinear build/pt2e $(DATA)
	$(MAKE) --no-print-directory drivers
	tests/drivers/golden.sh $(DATA) build/drivers

# The same layer files through the ARM64 builds of the libraries, run
# under qemu-user (tests/drivers/golden-arm64.sh; nothing is installed
# for arm64).  The tools are x86 packages.
ARM64_DEBS := qemu-user gcc-aarch64-linux-gnu g++-aarch64-linux-gnu
golden-arm64: build/qlinear
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(ARM64_DEBS)"
	ORT=$(ORT) tests/drivers/golden-arm64.sh $(DATA)

# Small programs that run a layer file through a real library
# (tests/drivers/), for `make golden` and `make crosscheck`.
DRIVERS := build/drivers/xnnpack build/drivers/gemmlowp \
           build/ort/node_modules/onnxruntime-node
ORT := onnxruntime-node@1.30.0
.PHONY: drivers
drivers: $(DRIVERS)
build/drivers/xnnpack: tests/drivers/xnnpack.c $(LIBOBJ)
	mkdir -p build/drivers
	$(CC) $(QL_CFLAGS) -I$(SRC) -o $@ $< $(LIBOBJ) -lXNNPACK $(LDLIBS)
# gemmlowp as built for x86-64 with SSE4 (its SIMD path; see the book).
build/drivers/gemmlowp: tests/drivers/gemmlowp.cc $(LIBOBJ)
	mkdir -p build/drivers
	g++ -std=c++17 -msse4.2 -Wall -Wextra -Werror -ffp-contract=off $(OPT) \
	  -I$(SRC) -o $@ $< $(LIBOBJ) -lpthread
# ONNX Runtime's CPU binaries ship inside the npm package; its install
# script only fetches GPU extras, so it is skipped.
build/ort/node_modules/onnxruntime-node:
	mkdir -p build/ort
	npm install --silent --no-save --no-audit --no-fund --ignore-scripts \
	  --prefix build/ort $(ORT)

# Fresh corpora from the PyTorch on this machine, with a new seed (or
# SEED=n), then the whole suite against them.  oneDNN's answers are made
# for every instruction set this CPU has (capped with ONEDNN_MAX_CPU_ISA)
# and the suite is told which, so it tests each row against its own set.
# The engines of issue 11 get fresh corpora from their real libraries.
crosscheck: build/check-qlinear build/qlinear
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(GOLDEN_DEBS) $(ENGINE_DEBS)"
	$(MAKE) --no-print-directory drivers torch2
	seed=$${SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	isas="$(ONEDNN_ISAS)"; \
	echo "crosscheck: seed $$seed"; \
	build/qlinear cpu | sed 's/^/crosscheck: cpu: /'; \
	rm -rf build/crosscheck; mkdir -p build/crosscheck; \
	/usr/bin/python3 tests/golden.py --seed $$seed --onednn "$$isas" \
	  build/crosscheck; \
	/usr/bin/python3 tests/golden-perchannel.py --seed $$seed \
	  --onednn "$$isas" build/crosscheck; \
	/usr/bin/python3 tests/golden-relu.py --seed $$seed \
	  --onednn "$$isas" build/crosscheck; \
	/usr/bin/python3 tests/golden-dynamic.py --seed $$seed \
	  --onednn "$$isas" build/crosscheck; \
	cp -r $(DATA)/fbgemm build/crosscheck/; \
	$(TORCH2_PY) tests/golden-torch2.py --isas "$$isas" build/crosscheck \
	  build/crosscheck; \
	$(TORCH2_PY) tests/forum-torch2.py --isas "$$isas" --out build/crosscheck; \
	$(TORCH2_PY) tests/pt2e-torch2.py build/qlinear build/pt2e \
	  build/crosscheck; \
	tests/drivers/golden.sh build/crosscheck build/drivers $$seed \
	  | tee build/crosscheck/engines.log; \
	export "$$(grep '^QL_ORT_ISAS=' build/crosscheck/engines.log)"; \
	names="$$(echo $$isas | sed 's/:[A-Z0-9_]*//g')"; \
	QL_TORCH2_ISAS="$$names" QL_TORCH2_X86_ISA="$${names%% *}" \
	QL_ONEDNN_ISAS="$$names" QL_TRUTH_SKIP_ISAS=arm64 \
	QL_TEST_DATA=$(CURDIR)/build/crosscheck build/check-qlinear

# Fresh layer files with a new seed (or SEED=n), made with the x86
# PyTorch and tests/engines.py as for make crosscheck, then the ARM64
# builds' answers (tests/drivers/golden-arm64.sh) and the ground-truth
# test on the ARM64 rows only (QL_TRUTH_ISAS=arm64).
crosscheck-arm64: build/check-qlinear build/qlinear
	$(MAKE) --no-print-directory deps EXTRA_DEBS="$(GOLDEN_DEBS) $(ARM64_DEBS)"
	@seed=$${SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	start=$$(date +%s); out=build/crosscheck-arm64; \
	echo "crosscheck-arm64: seed $$seed"; \
	rm -rf $$out; mkdir -p $$out; \
	/usr/bin/python3 tests/golden.py --seed $$seed $$out >/dev/null && \
	/usr/bin/python3 tests/golden-perchannel.py --seed $$seed $$out >/dev/null && \
	for e in xnnpack gemmlowp onnxruntime; do \
	  /usr/bin/python3 tests/engines.py --seed $$seed $$e $$out || exit 1; \
	done && \
	cp -r $(DATA)/fbgemm $$out/ && \
	ORT=$(ORT) tests/drivers/golden-arm64.sh $$out && \
	QL_TRUTH_ISAS=arm64 QL_TEST_DATA=$(CURDIR)/$$out CK_RUN_CASE='ground truth' \
	  build/check-qlinear && \
	echo "crosscheck-arm64: seed $$seed passed in $$(( $$(date +%s) - start )) s"

clean:
	rm -rf build
