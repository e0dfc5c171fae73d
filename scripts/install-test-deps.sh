#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and only what is missing.
# Safe to run again: it does nothing when everything is present.
set -euo pipefail

need_apt=()
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need_apt+=(openssh-client)
command -v dtc >/dev/null 2>&1 || need_apt+=(device-tree-compiler)
command -v strace >/dev/null 2>&1 || need_apt+=(strace)
command -v sudo >/dev/null 2>&1 || need_apt+=(sudo)
command -v script >/dev/null 2>&1 || need_apt+=(bsdutils)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc)
# the daemon's peer-uid test creates a second user and runs a client as it
command -v useradd >/dev/null 2>&1 || [ -x /usr/sbin/useradd ] || need_apt+=(passwd)
command -v runuser >/dev/null 2>&1 || [ -x /usr/sbin/runuser ] || need_apt+=(util-linux)
# static linking of mkctl and of the native launcher needs the static libc archive
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need_apt+=(libc6-dev)
# mkctl for aarch64 hosts: the cross compiler with its static libc, and qemu-user to test it
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need_apt+=(gcc-aarch64-linux-gnu)
[ -f /usr/aarch64-linux-gnu/lib/libc.a ] || need_apt+=(libc6-dev-arm64-cross)
command -v qemu-aarch64-static >/dev/null 2>&1 || need_apt+=(qemu-user-static)
# the release build (scripts/release.sh) and its test: zips, signatures, Debian's JDK packages
command -v zip >/dev/null 2>&1 || need_apt+=(zip)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v gpg >/dev/null 2>&1 || need_apt+=(gnupg)
command -v jlink >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${need_apt[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The release build fetches Debian's arm64 JDK packages (apt-get download), so apt needs the
# arm64 architecture in its sources.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  echo "install-test-deps: adding the arm64 architecture to apt (for Debian's arm64 JDK packages)" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd dpkg --add-architecture arm64
  $sudo_cmd apt-get update -qq
fi

for tool in java mvn terraform; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-test-deps: '$tool' is not on the PATH; the tests need it (see README.md)" >&2
    exit 1
  fi
done
echo "install-test-deps: ok ($(terraform version | head -n1), $(java -version 2>&1 | head -n1))" >&2
