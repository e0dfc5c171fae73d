#!/usr/bin/env bash
# What a larger configuration costs: HOSTS simulated hosts (current interface), a multikernel_pool
# on each and PER_HOST multikernel_instance per host, run through the real terraform.
#
#   scripts/bench-plan.sh [HOSTS [PER_HOST [DESIRED_STATE]]]      defaults: 10 10 ready
#
# For each command (plan, apply, a no-change plan, a refresh-only plan, destroy)
# it prints:
#   wall     wall-clock seconds (/usr/bin/time -v)
#   launches provider processes Terraform started ("starting plugin" lines with TF_LOG=trace)
#   ssh      commands run over SSH on the hosts (/bin/sh -c started by the simulated hosts' sshd)
#   mkctl    mkctl processes run on the hosts
#   rss      the largest resident set of the command and its children (/usr/bin/time -v)
#   jvm      the provider JVM's peak resident set (VmHWM, sampled every 100 ms; largest process;
#            with the provider daemon, the daemon's)
#
# Then Terraform's own floor for the same graph: HOSTS + HOSTS*PER_HOST terraform_data resources
# with the same dependencies, the same commands in the same run, and the ratio of each command's
# wall time to the floor's. The provider runs through its provider daemon (a private one in the
# work directory, stopped at the end) unless TF_JVM_DAEMON=off is set; the daemon's RSS is
# reported idle after the run.
#
# Processes on the simulated hosts are counted by running the simulator under
# `strace -f --seccomp-bpf -e trace=execve` (only execve stops; mkctl stays in sim mode).
# Without strace those two columns show "-". Needs a build (mvn -B -ntp -DskipTests -pl resources
# -am package); this script does not build. Not run by the tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
hosts=${1:-10}
per_host=${2:-10}
desired_state=${3:-ready}

die() { printf 'bench-plan: %s\n' "$*" >&2; exit 1; }
install_dir="$root/resources/target/install"
sim_jar="$root/simulator/target/multikernel-sim.jar"
[ -f "$install_dir/cli-config/filesystem-mirror.tfrc" ] || die "no provider install in $install_dir; build first"
[ -f "$sim_jar" ] || die "no $sim_jar; build first"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package: time)"
command -v terraform >/dev/null || die "terraform is not on the PATH"
[ "$per_host" -ge 1 ] && [ "$per_host" -le 30 ] || die "PER_HOST must be 1..30 (each instance takes one CPU of 32)"

work="$(mktemp -d "${TMPDIR:-/tmp}/mk-bench.XXXXXX")"
state="$work/sim"
sim_pid=""
sampler_pid=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
    rm -f -- "$work/daemon/"*.sock # the private provider daemon exits when its socket is gone
    if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
        java -jar "$sim_jar" stop --state-dir "$state" >/dev/null 2>&1 || kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    [ "${BENCH_KEEP:-0}" = 1 ] && printf 'bench-plan: kept %s\n' "$work" || rm -rf "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 32 CPUs on 2 NUMA nodes (APIC id = 2 x logical), 32 GiB; CPU 0 stays with the host.
{
    printf '{"cpus":['
    for c in $(seq 0 31); do
        [ "$c" -gt 0 ] && printf ','
        printf '{"logicalId":%d,"apicId":%d,"numaNode":%d}' "$c" $((c * 2)) $((c / 16))
    done
    printf '],"memory":[{"base":"0x100000000","size":"16G","numaNode":0},'
    printf '{"base":"0x500000000","size":"16G","numaNode":1}],"reservedCpus":[0]}\n'
} >"$work/topology.json"

exec_log="$work/exec.log"
sim_cmd=(java -jar "$sim_jar" start --hosts "$hosts" --generation current --topology "$work/topology.json"
    --state-dir "$state")
if command -v strace >/dev/null; then
    strace -f --seccomp-bpf -qq -e trace=execve -e signal=none -o "$exec_log" "${sim_cmd[@]}" >"$work/sim.log" 2>&1 &
else
    "${sim_cmd[@]}" >"$work/sim.log" 2>&1 &
fi
sim_pid=$!
for _ in $(seq 1 600); do
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.log" >&2; die "the simulator ended early"; }
    grep -q ' ready (state dir ' "$work/sim.log" && break
    sleep 0.2
done
grep -q ' ready (state dir ' "$work/sim.log" || die "the simulated hosts were not ready: $(cat "$work/sim.log")"

tf_dir="$work/terraform"
mkdir -p "$tf_dir"
cat >"$tf_dir/main.tf" <<EOF
terraform {
  required_providers {
    multikernel = { source = "example.com/multikernel/multikernel" }
  }
}

locals {
  sim      = jsondecode(file("$state/hosts.json"))
  hosts    = { for h in local.sim.hosts : h.name => { address = "root@\${h.address}:\${h.port}", kernel = h.kernelImage } }
  per_host = $per_host
  instances = merge([
    for name, h in local.hosts : {
      for i in range(local.per_host) : "\${name}-vm\${i}" => { host = name, cpu = i + 1, kernel = h.kernel }
    }
  ]...)
}

provider "multikernel" {
  private_key_file  = "$state/id_ed25519"
  known_hosts_files = ["$state/known_hosts"]
}

resource "multikernel_pool" "p" {
  for_each = local.hosts
  host     = each.value.address
  cpus     = "1-\${local.per_host}"
  memory   = [{ size = "\${local.per_host * 64}MiB", numa_node = 0 }]
}

resource "multikernel_instance" "vm" {
  for_each      = local.instances
  host          = multikernel_pool.p[each.value.host].host
  name          = each.key
  cpus          = tostring(each.value.cpu)
  memory        = "64MiB"
  kernel        = each.value.kernel
  desired_state = "$desired_state"
}
EOF

export TF_CLI_CONFIG_FILE="$install_dir/cli-config/filesystem-mirror.tfrc"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
mkdir -m 700 "$work/daemon"
export TF_JVM_DAEMON_DIR="$work/daemon"
cd "$tf_dir"
terraform init -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log" >&2; die "terraform init failed"; }

# Peak VmHWM (kB) of provider JVMs running now, appended to $1 every 100 ms.
sample_jvm() {
    local file=$1 pid hwm
    while :; do
        for pid in $(pgrep -f -- "$install_dir/mirror/.*/lib/provider\.jar" 2>/dev/null); do
            hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null) && [ -n "$hwm" ] && echo "$hwm" >>"$file"
        done
        sleep 0.1
    done
}

lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
rows=()
declare -A walls floor quiet_walls
# measure LABEL EXPECTED_EXITS ARGS...   (EXPECTED_EXITS: one code, or several such as 0,2)
measure() {
    local label=$1 expected=$2 rc n0 n1 ssh mkctl
    shift 2
    local log="$work/$label.trace" timing="$work/$label.time" rss="$work/$label.jvm"
    : >"$rss"
    sample_jvm "$rss" &
    sampler_pid=$!
    n0=$(lines "$exec_log")
    set +e
    TF_LOG=trace TF_LOG_PATH="$log" /usr/bin/time -v -o "$timing" terraform "$@" -no-color >"$work/$label.out" 2>&1
    rc=$?
    set -e
    kill "$sampler_pid" 2>/dev/null || true
    wait "$sampler_pid" 2>/dev/null || true
    sampler_pid=""
    if [[ ",$expected," != *",$rc,"* ]]; then
        tail -40 "$work/$label.out" >&2
        die "terraform $* exited $rc, expected $expected"
    fi
    if [ -f "$exec_log" ]; then
        sleep 0.5 # let strace write the last lines
        n1=$(lines "$exec_log")
        ssh=$(sed -n "$((n0 + 1)),${n1}p" "$exec_log" | grep -c 'execve("/bin/sh", \["/bin/sh", "-c"' || true)
        mkctl=$(sed -n "$((n0 + 1)),${n1}p" "$exec_log" | grep -c 'execve("[^"]*/mkctl-[0-9a-f]*", ' || true)
    else
        ssh=-
        mkctl=-
    fi
    local wall max_rss launches jvm
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$timing")
    walls[$label]=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$timing")
    max_rss=$(awk -F': ' '/Maximum resident set size/ {printf "%d", $2 / 1024}' "$timing")
    launches=$(grep -c 'starting plugin: path=' "$log" || true)
    jvm=$(sort -n "$rss" | tail -1)
    jvm=${jvm:+$((jvm / 1024))}
    rows+=("$(printf '| `terraform %s` | %s | %s | %s | %s | %s | %s | %s |' "$*" "$rc" "$wall" "$launches" "$ssh" \
        "$mkctl" "$max_rss" "${jvm:--}")")
    printf 'bench-plan: %-40s wall %s, %s launches, %s ssh commands, %s mkctl\n' "terraform $*" "$wall" \
        "$launches" "$ssh" "$mkctl" >&2
}

count=$((hosts * per_host))
printf 'bench-plan: %d hosts, %d pools, %d instances (desired_state = %s)\n' "$hosts" "$hosts" "$count" \
    "$desired_state" >&2
measure plan 0 plan -out=tfplan
measure apply 0 apply tfplan
measure plan-noop 0 plan -detailed-exitcode
# The traced runs above pay for TF_LOG=trace in Terraform and the provider; the floor is run
# without it, so the read-only commands are timed once more without logging for the ratio.
quiet() {
    local label=$1
    shift
    /usr/bin/time -f '%e' -o "$work/$label.quiet" terraform "$@" -no-color >"$work/$label.quiet.out" 2>&1 || true
    quiet_walls[$label]=$(tail -n 1 "$work/$label.quiet")
}
quiet plan-noop plan -detailed-exitcode
quiet refresh-only plan -refresh-only -detailed-exitcode
measure refresh-only 0 plan -refresh-only -detailed-exitcode
measure destroy 0 destroy -auto-approve
daemon_pid=$(pgrep -f -- "--tfjvm-daemon $work/daemon/" | head -n 1 || true)
daemon_rss=""
[ -n "$daemon_pid" ] && daemon_rss=$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$daemon_pid/status")

# Terraform's floor: the same graph of terraform_data, same commands, same run.
floor_dir="$work/floor"
mkdir -p "$floor_dir"
cat >"$floor_dir/main.tf" <<EOF
resource "terraform_data" "p" {
  count = $hosts
  input = "pool-\${count.index}"
}

resource "terraform_data" "vm" {
  count = $count
  input = terraform_data.p[floor(count.index / $per_host)].output
}
EOF
cd "$floor_dir"
terraform init -no-color >"$work/floor-init.log" 2>&1 || die "terraform init of the floor failed"
for step in "plan:plan -out=tfplan" "apply:apply tfplan" "plan-noop:plan -detailed-exitcode" \
        "refresh-only:plan -refresh-only -detailed-exitcode" "destroy:destroy -auto-approve"; do
    label=${step%%:*}
    read -r -a args <<<"${step#*:}"
    /usr/bin/time -f '%e' -o "$work/floor-$label.time" terraform "${args[@]}" -no-color >"$work/floor-$label.out" 2>&1 || true
    floor[$label]=$(tail -n 1 "$work/floor-$label.time")
done

printf '\n%d hosts, %d multikernel_pool, %d multikernel_instance (desired_state = "%s"), terraform %s\n\n' \
    "$hosts" "$hosts" "$count" "$desired_state" "$(terraform version | head -1 | awk '{print $2}')"
printf '| command | exit | wall (m:ss) | provider launches | ssh commands | mkctl runs | max RSS MB | provider JVM peak MB |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
printf '%s\n' "${rows[@]}"
printf '\nTerraform floor: %d terraform_data with the same dependencies, same commands, same run:\n\n' "$((hosts + count))"
printf '| command | floor wall s | provider wall s | ratio |\n|---|---:|---:|---:|\n'
for label in plan apply plan-noop refresh-only destroy; do
    w=${quiet_walls[$label]:-${walls[$label]}}
    note=""
    [ -n "${quiet_walls[$label]:-}" ] || note=" (traced)"
    awk -v l="$label$note" -v f="${floor[$label]}" -v w="$w" \
        'BEGIN { printf "| %s | %.2f | %.2f | %.1fx |\n", l, f, w, (f > 0 ? w / f : 0) }'
done
printf '\nProvider daemon: %s; its RSS after the run (idle): %s MB. Load average: %s\n' \
    "${TF_JVM_DAEMON:-on}" "${daemon_rss:--}" "$(cut -d' ' -f1-3 /proc/loadavg)"
