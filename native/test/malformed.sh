#!/usr/bin/env bash
# Feeds malformed batch input and command lines to a sanitizer build of mkctl: every run must
# end with exit 2 (usage) or 1 (OS error on the fake tree), print one JSON line, and never trip
# AddressSanitizer/UBSan. Runs with test roots, so no mount/kexec/reboot can be made untraced
# (mkctl refuses them without a tracer), and the ops used are harmless anyway.
set -euo pipefail
BIN=${1:?usage: malformed.sh path/to/mkctl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sys/fs/multikernel/instances" "$work/proc/sys/kernel/random" "$work/sys/devices/system/cpu/cpu0"
echo 7.0 > "$work/proc/sys/kernel/osrelease"
echo 00000000-0000-0000-0000-000000000000 > "$work/proc/sys/kernel/random/boot_id"
: > "$work/proc/mounts"
roots=(--sysfs-root "$work/sys" --procfs-root "$work/proc" --lock "$work/lock")
fail() { echo "FAIL: $*" >&2; exit 1; }

check() { # stdin-file, args...
    local in=$1; shift
    set +e
    out=$(env -u MKCTL_SIM_SOCKET ASAN_OPTIONS=abort_on_error=0:exitcode=99 UBSAN_OPTIONS=exitcode=99 \
          "$BIN" "${roots[@]}" "$@" < "$in" 2>"$work/stderr"); rc=$?
    set -e
    [[ $rc == 0 || $rc == 1 || $rc == 2 ]] || { cat "$work/stderr" >&2; fail "exit $rc for $* < $(head -c 200 "$in")"; }
    [[ $(printf '%s\n' "$out" | wc -l) == 1 && $out == '{'*'}' ]] || fail "output '$out' for $*"
}

valid='[{"op":"state"},{"op":"v2-remove","name":"x"},{"op":"v2-create","blob":"AAECAw==","expect":["a","b"]},{"op":"overlay-remove","id":3}]'
printf '%s' "$valid" > "$work/in"
check "$work/in" batch
n=${#valid}
for ((i = 0; i < n; i += 3)); do            # every truncation
    printf '%s' "${valid:0:i}" > "$work/in"
    check "$work/in" batch
done
for seed in $(seq 1 150); do                 # random byte flips
    RANDOM=$seed
    s=$valid
    for k in 1 2 3; do
        pos=$((RANDOM % n))
        byte=$(printf "\\\\x%02x" $((RANDOM % 255 + 1)))
        s="${s:0:pos}$(printf "$byte")${s:pos+1}"
    done
    printf '%s' "$s" > "$work/in"
    check "$work/in" batch
done
for junk in '"\ud800"' '"\u0000"' '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' '[{"op":"state","op":"x"}]' \
            '[{"op":"unload","id":99999999999999999999}]' '[{"op":"state"}] [' '[{"op":"v2-create","blob":"=AAA"}]'; do
    printf '%s' "$junk" > "$work/in"
    check "$work/in" batch
done
: > "$work/empty"
for args in "--id" "state --lock-timeout -1" "exec --id 99999999999999999999999" "halt --id 1 --timeout=" \
            "v2-remove --name $(head -c 300 /dev/zero | tr '\0' a)" "--id=1 --id=2 exec" "load --id 1 --kernel"; do
    # shellcheck disable=SC2086
    check "$work/empty" $args
done
# session: every malformed or truncated request line gets exactly one answer line, after the
# session's first line, and the session ends cleanly at end of stdin
{
    for ((i = 0; i < n; i += 7)); do printf '{"id":%d,"ops":%s}\n' "$i" "${valid:0:i}"; done
    for junk in 'null' '[]' '{"id":"x","ops":[]}' '{"id":1}' '{"ops":[]}' '{"id":1,"ops":{}}' '{"id":99999999999999999999,"ops":[]}' \
                '{"id":2,"ops":[{"op":"session"}]}' '{"id":3,"ops":[{"op":"batch"}]}' "$(head -c 5000 /dev/zero | tr '\0' '[')"; do
        printf '%s\n' "$junk"
    done
    printf '{"id":4,"ops":[{"op":"state"}]}'   # the last line without its newline
} > "$work/session"
requests=$(wc -l < "$work/session")
set +e
out=$(env -u MKCTL_SIM_SOCKET ASAN_OPTIONS=abort_on_error=0:exitcode=99 UBSAN_OPTIONS=exitcode=99 \
      "$BIN" "${roots[@]}" session < "$work/session" 2>"$work/stderr"); rc=$?
set -e
[[ $rc == 0 ]] || { cat "$work/stderr" >&2; fail "session exited $rc"; }
[[ $(printf '%s\n' "$out" | wc -l) == $((requests + 2)) ]] || fail "session: $((requests + 1)) requests, answers: $out"
[[ $(printf '%s\n' "$out" | head -1) == '{"operation":"session",'* ]] || fail "session first line: $out"
[[ $(printf '%s\n' "$out" | tail -1) == '{"id":4,'* ]] || fail "session last answer: $out"
# a malformed CPU map cache: state still succeeds (exit 0) and warns
mkdir -p "$work/cache"
printf 'processor\t: 0\napicid\t\t: 4\n\n' > "$work/proc/cpuinfo"
cache="$work/cache/cpus-00000000-0000-0000-0000-000000000000.json"
good='{"format":1,"boot_id":"00000000-0000-0000-0000-000000000000","cpus":[{"cpu":0,"apic_id":4,"numa_node":null},{"cpu":1,"apic_id":6,"numa_node":0}]}'
m=${#good}
for seed in $(seq 1 60); do
    RANDOM=$seed
    s=$good
    pos=$((RANDOM % m))
    byte=$(printf "\\\\x%02x" $((RANDOM % 255 + 1)))
    s="${s:0:pos}$(printf "$byte")${s:pos+1}"
    [[ $((seed % 4)) == 0 ]] && s=${s:0:pos}
    printf '%s' "$s" > "$cache"
    check "$work/empty" --cpu-cache-dir "$work/cache" state
    [[ $rc == 0 ]] || fail "state with cache '$s' exited $rc: $out"
done
for junk in '[]' '{"format":2}' '{"format":1,"boot_id":"other","cpus":[]}' \
            '{"format":1,"boot_id":"00000000-0000-0000-0000-000000000000","cpus":[{"cpu":1,"apic_id":6},{"cpu":1,"apic_id":6}]}' \
            '{"format":1,"boot_id":"00000000-0000-0000-0000-000000000000","cpus":[{"cpu":-1,"apic_id":6}]}'; do
    printf '%s' "$junk" > "$cache"
    check "$work/empty" --cpu-cache-dir "$work/cache" state
    [[ $rc == 0 && $out == *'CPU map cache'*'malformed'* ]] || fail "state with cache '$junk': rc=$rc $out"
done
echo "malformed input checks passed (sanitizers clean)"
