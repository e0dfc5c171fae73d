#!/usr/bin/env bash
# Native-level smoke checks of the built binary (the full suites are JUnit tests in
# host-executor and simulator). Runs only commands that make no mount, kexec_file_load or
# reboot call (usage errors and a version query).
set -euo pipefail
BIN=${1:?usage: smoke.sh path/to/mkctl}
fail() { echo "FAIL: $*" >&2; exit 1; }

# static: no program interpreter (readelf comes with binutils, which gcc needs anyway)
readelf -h "$BIN" | grep -q 'Machine:.*X86-64' || fail "$BIN is not an x86_64 ELF"
! readelf -l "$BIN" | grep -q INTERP || fail "$BIN is not statically linked"

out=$(env -u MKCTL_SIM_SOCKET "$BIN" version) || fail "version exited $?"
[[ $out == '{"operation":"version","version":"'*'","contract":1,"mode":"real","arch":"x86_64"}' ]] || fail "version: $out"

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
