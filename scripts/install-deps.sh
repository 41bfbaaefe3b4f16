#!/bin/sh
# SPDX-License-Identifier: MIT
# Install every Debian 12 package that kemu's build and tests need.
#   scripts/install-deps.sh              install (apt-get) what is missing
#   scripts/install-deps.sh --if-missing same, silent when all is present
set -e
PKGS="meson ninja-build gcc pkg-config gcc-multilib nasm zlib1g-dev libcapstone-dev
      seabios acpica-tools qemu-utils qemu-system-x86 bochsbios python3 cpio grub-pc-bin xorriso mtools"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
