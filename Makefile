# SPDX-License-Identifier: MIT
# Thin wrapper around meson/ninja (the real build is meson.build).
#   make              build into build/
#   make check        build and run the default test suite
#   make check-slow   long guest runs
#   make demo         run the emulator on the terminal
#   SANITIZE=1        use an ASan+UBSan build in build-san/
SANITIZE ?=
ifeq ($(SANITIZE),1)
BUILD ?= build-san
MESON_OPTS += -Db_sanitize=address,undefined -Db_lundef=false
else
BUILD ?= build
endif

.PHONY: all deps check check-slow demo clean
all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	@scripts/install-deps.sh --if-missing
	meson setup $(BUILD) $(MESON_OPTS)

check: all
	@scripts/run-tests.sh $(BUILD) default

check-slow: all
	@scripts/run-tests.sh $(BUILD) slow

demo: all
	$(BUILD)/kemu-system-x86_64 -nographic

clean:
	rm -rf build build-san
