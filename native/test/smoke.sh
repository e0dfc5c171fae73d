#!/usr/bin/env bash
# Native-level smoke checks of the built binary (the full suites are JUnit tests in
# host-executor and simulator). Runs only commands that make no mount, kexec_file_load or
# reboot call (usage errors and a version query).
set -euo pipefail
BIN=${1:?usage: smoke.sh path/to/mkctl}
fail() { echo "FAIL: $*" >&2; exit 1; }

# static: no program interpreter (readelf comes with binutils, which gcc needs anyway)
case $(readelf -h "$BIN" | sed -n 's/^ *Machine: *//p') in
    *X86-64*) arch=x86_64 ;;
    *AArch64*) arch=aarch64 ;;
    *) fail "$BIN is neither an x86_64 nor an aarch64 ELF" ;;
esac
! readelf -l "$BIN" | grep -q INTERP || fail "$BIN is not statically linked"
# another architecture's binary runs under qemu-user
if [ "$arch" != "$(uname -m)" ]; then
    qemu=$(command -v "qemu-$arch-static" || command -v "qemu-$arch") || fail "qemu-$arch-static not found: install qemu-user-static"
    BIN_RUN="$BIN.run"
    printf '#!/bin/sh\nexec %s %s "$@"\n' "$qemu" "$(readlink -f "$BIN")" >"$BIN_RUN"
    chmod +x "$BIN_RUN"
    BIN=$BIN_RUN
fi

out=$(env -u MKCTL_SIM_SOCKET "$BIN" version) || fail "version exited $?"
[[ $out == '{"operation":"version","version":"'*'","contract":1,"mode":"real","arch":"'"$arch"'"}' ]] || fail "version: $out"

set +e
out=$(env -u MKCTL_SIM_SOCKET "$BIN" frobnicate); rc=$?
set -e
[[ $rc == 2 && $out == '{"error":{"operation":"frobnicate","kind":"usage",'* ]] || fail "usage error: rc=$rc $out"

set +e
out=$(MKCTL_SIM_SOCKET=/nonexistent/socket "$BIN" version); rc=$?
set -e
[[ $rc == 6 && $out == *'"kind":"sim"'* ]] || fail "sim refusal: rc=$rc $out"

set +e
out=$(printf '[{"op":"load","id":0,"kernel":"/x"}]' | env -u MKCTL_SIM_SOCKET "$BIN" batch); rc=$?
set -e
[[ $rc == 2 && $out == *'"kind":"usage"'* ]] || fail "batch validation: rc=$rc $out"

echo "native smoke checks passed"
