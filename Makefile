# SPDX-License-Identifier: MIT
# Thin wrapper around meson/ninja (the real build is meson.build).
#   make              build into build/
#   make check        build and run the default test suite
#   make check-slow   long guest runs
#   make demo         boot Linux to a busybox shell on the terminal
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

# The demo: Debian's kernel and a busybox shell on the serial console
# (guests fetched once into cache/guests/ by scripts/fetch-guests.sh).
# DEMO_ARCH=i386 boots the 686 kernel with kemu-system-i386.
DEMO_ARCH ?= amd64
ifeq ($(DEMO_ARCH),amd64)
DEMO_KEMU = $(BUILD)/kemu-system-x86_64
else
DEMO_KEMU = $(BUILD)/kemu-system-i386
endif
demo: all
	@scripts/fetch-guests.sh
	@echo "kemu demo: Linux on the serial console; 'poweroff -f' quits (or Ctrl-A x)"
	$(DEMO_KEMU) -m 256 -nographic -kernel cache/guests/$(DEMO_ARCH)/vmlinuz \
	    -initrd cache/guests/$(DEMO_ARCH)/initramfs.gz -append "console=ttyS0 quiet kemu.shell"

clean:
	rm -rf build build-san
