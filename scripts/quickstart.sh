#!/usr/bin/env bash
# The main job: build the multikernel provider, install it into a local filesystem mirror, start
# three simulated multikernel hosts (two speaking the current kernel interface, one RFC v2), and
# run examples/quickstart/ through the real terraform:
#
#   init -> plan -> apply -> plan -detailed-exitcode (no changes) -> plan -refresh-only (no drift)
#   -> an out-of-band change with mkctl on one host (the instance "web" is halted)
#   -> plan -detailed-exitcode (2, names the change) -> plan -refresh-only (2, shows it)
#   -> apply (converges) -> plan -detailed-exitcode (no changes) -> destroy
#
# Every step prints a header; an unexpected exit code stops the script with a message.
# QUICKSTART_SKIP_BUILD=1 reuses the jars of an earlier build. QUICKSTART_KEEP=1 keeps the
# working directory (terraform files, state, simulator state) for a look afterwards.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

die() { printf '\nquickstart: FAILED: %s\n' "$*" >&2; exit 1; }
for tool in terraform java ssh; do
    command -v "$tool" >/dev/null || die "$tool is not on the PATH"
done

if [ "${QUICKSTART_SKIP_BUILD:-0}" != 1 ]; then
    printf '==> build the provider and the simulator\n'
    mvn -B -ntp -DskipTests -pl resources -am package
fi
install_dir="$root/resources/target/install"
sim_jar="$root/simulator/target/multikernel-sim.jar"
[ -f "$install_dir/cli-config/filesystem-mirror.tfrc" ] || die "no provider install in $install_dir; build first"
[ -f "$sim_jar" ] || die "no $sim_jar; build first"

# Unix socket paths are limited to 107 bytes, so the simulator state lives in a short temp dir.
work="$(mktemp -d "${TMPDIR:-/tmp}/mk-quickstart.XXXXXX")"
state="$work/sim"
sim_pid=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
        printf '\n==> stop the simulated hosts\n'
        java -jar "$sim_jar" stop --state-dir "$state" || kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    if [ "${QUICKSTART_KEEP:-0}" = 1 ]; then
        printf 'quickstart: kept %s\n' "$work"
    else
        rm -rf "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

printf '\n==> start 3 simulated hosts: sim-1 and sim-3 current interface, sim-2 RFC v2\n'
java -jar "$sim_jar" start --hosts 3 --generation mixed --state-dir "$state" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 300); do
    if ! kill -0 "$sim_pid" 2>/dev/null; then
        cat "$work/sim.log" >&2
        die "the simulator ended before its hosts were ready (log above)"
    fi
    if grep -q ' ready (state dir ' "$work/sim.log"; then
        break
    fi
    sleep 0.2
done
grep -q ' ready (state dir ' "$work/sim.log" || die "the simulated hosts were not ready after 60 s: $(cat "$work/sim.log")"
cat "$work/sim.log"

# The provider comes from the filesystem mirror the build laid out: terraform init works offline.
export TF_CLI_CONFIG_FILE="$install_dir/cli-config/filesystem-mirror.tfrc"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
# A provider daemon of this run only: it stops when the work directory (its socket) is removed.
mkdir -m 700 "$work/daemon"
export TF_JVM_DAEMON_DIR="$work/daemon"
export TF_VAR_private_key_file="$state/id_ed25519"
export TF_VAR_known_hosts_file="$state/known_hosts"
export TF_VAR_hosts_file="$state/hosts.json"
tf_dir="$work/terraform"
mkdir -p "$tf_dir"
cp "$root"/examples/quickstart/*.tf "$tf_dir/"
cd "$tf_dir"

out="$work/last-output.txt"
# tf EXPECTED_EXIT HEADER ARGS...: runs terraform ARGS, shows its output, checks the exit code.
tf() {
    local expected=$1 header=$2 rc
    shift 2
    printf '\n==> terraform %s   (%s; expect exit %s)\n' "$*" "$header" "$expected"
    set +e
    terraform "$@" -no-color 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    set -e
    [ "$rc" = "$expected" ] || die "terraform $* exited $rc, expected $expected ($header)"
}
# shows PATTERN WHAT: the last terraform output must match PATTERN (extended regexp).
shows() {
    grep -Eq -- "$1" "$out" || die "the output of the last terraform command does not show $2 (pattern: $1)"
    printf 'quickstart: ok, the output shows %s\n' "$2"
}
# on_host HOST COMMAND: runs COMMAND on a simulated host over SSH, with the simulator's key and
# known_hosts, exactly as an operator would.
on_host() {
    ssh -F "$state/ssh_config" -o BatchMode=yes "$1" "$2"
}

tf 0 "install the provider from the local mirror" init
tf 0 "what will be created" plan -out=tfplan
tf 0 "create pools and instances" apply tfplan
tf 0 "right after apply, nothing to change" plan -detailed-exitcode
tf 0 "right after apply, no drift: what a CI drift check runs" plan -refresh-only -detailed-exitcode

web_id="$(terraform output -raw web_id)"
printf '\n==> out of band: halt instance "web" (id %s) on sim-1 with mkctl, over ssh\n' "$web_id"
# The provider uploaded mkctl into its helper directory (~/.cache/multikernel/mkctl-<hash>).
on_host sim-1 'set -- .cache/multikernel/mkctl-*; [ -x "$1" ] || { echo "no mkctl in ~/.cache/multikernel" >&2; exit 1; }; "$1" halt --id '"$web_id"
printf '\n'

tf 2 "the halted instance is drift: a change is planned" plan -detailed-exitcode
shows 'multikernel_instance\.web will be updated in-place' 'an in-place update of multikernel_instance.web'
shows '"loaded" -> "active"|status +: +"loaded"' 'the status going from loaded back to active'
tf 2 "refresh-only: what changed outside of Terraform" plan -refresh-only -detailed-exitcode
shows 'changed outside of Terraform' 'the change made outside of Terraform'
shows 'multikernel_instance\.web' 'the instance multikernel_instance.web'
tf 0 "converge: start web again" apply -auto-approve
tf 0 "converged, nothing to change" plan -detailed-exitcode
tf 0 "remove everything" destroy -auto-approve

printf '\nquickstart: all steps succeeded\n'
