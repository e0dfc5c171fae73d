#!/usr/bin/env bash
# Start-up benchmark of a provider installed with dev.tfjvm.launcher.InstallLayout.
#
#   scripts/bench-startup.sh <launcher-path> [runs]
#
# Measures the time from exec to the go-plugin handshake line on stdout, which is what
# Terraform waits for each time it starts the provider, in the environment Terraform sets
# (magic cookie, PLUGIN_PROTOCOL_VERSIONS=5,6, PLUGIN_MIN/MAX_PORT=0 and a P-521 client
# certificate in PLUGIN_CLIENT_CERT, made with openssl as go-plugin makes it). The process is
# then ended with SIGTERM. Each flag set gets one discarded warm-up run and <runs> measured
# runs (default 10); prints a markdown table of median, min and max wall time and the median
# CPU time in milliseconds (CPU time barely changes when other processes load the machine).
#
# Flag sets: the JVM's defaults; TieredStopAtLevel=1; AppCDS; AppCDS + the launcher's flags;
# and the launcher script itself as Terraform runs it (its own CDS cache, warmed first).
# With the native launcher (an ELF launcher with lib/launcher.sh beside the jar) also: the
# native launcher with the provider daemon cold (a new daemon directory per run, so every run
# starts a daemon) and warm (the daemon running), and with TF_JVM_DAEMON=off; and, when found
# in a Terraform plugin cache, the Go AWS provider for comparison (BENCH_GO_PROVIDER=path picks
# another Go provider; BENCH_GO_PROVIDER=none skips it). BENCH_LAUNCHERS_ONLY=1 skips the four
# java rows.
# Needs: bash, java (TF_JVM_JAVA, JAVA_HOME or PATH, like the launcher), openssl, date +%N.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 <launcher-path> [runs]   (the executable written by InstallLayout)" >&2
    exit 2
fi
launcher=$(readlink -f -- "$1")
runs=${2:-10}
if ! [[ "$runs" =~ ^[0-9]+$ ]] || [ "$runs" -lt 1 ]; then
    echo "runs must be a positive number" >&2
    exit 2
fi
jar="$(dirname -- "$launcher")/lib/provider.jar"
[ -f "$jar" ] || { echo "no provider jar at $jar" >&2; exit 1; }
# The native launcher runs the JVM launcher script beside the jar; its flags are read from there.
script=$launcher
native=false
if [ "$(head -c 4 -- "$launcher" | od -An -c | tr -d ' ')" = "177ELF" ] && [ -f "$(dirname -- "$launcher")/lib/launcher.sh" ]; then
    script="$(dirname -- "$launcher")/lib/launcher.sh"
    native=true
fi

# A Go provider to compare with: the AWS provider from a Terraform plugin cache.
go_provider=${BENCH_GO_PROVIDER:-}
if [ -z "$go_provider" ]; then
    for dir in "${TF_PLUGIN_CACHE_DIR:-}" "$HOME/.terraform.d/plugin-cache" /opt/tf-plugins; do
        [ -n "$dir" ] && [ -d "$dir" ] || continue
        go_provider=$(find "$dir" -path '*hashicorp/aws/*' -name 'terraform-provider-aws*' -type f -perm -u+x 2>/dev/null | sort | tail -n 1)
        [ -n "$go_provider" ] && break
    done
fi
[ "$go_provider" = none ] && go_provider=

if [ -n "${TF_JVM_JAVA:-}" ]; then
    java=$TF_JVM_JAVA
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java=$JAVA_HOME/bin/java
else
    java=$(command -v java)
fi

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp521r1 -nodes \
    -keyout "$work/client-key.pem" -out "$work/client.pem" -days 1 \
    -subj "/O=HashiCorp/CN=localhost" -addext "subjectAltName=DNS:localhost" \
    -addext "extendedKeyUsage=clientAuth,serverAuth" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyAgreement,keyCertSign" >/dev/null 2>&1

plugin_env=(
    "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
    "PLUGIN_PROTOCOL_VERSIONS=5,6"
    "PLUGIN_MIN_PORT=0"
    "PLUGIN_MAX_PORT=0"
    "PLUGIN_CLIENT_CERT=$(cat "$work/client.pem")"
    "XDG_CACHE_HOME=$work/cache"
)

tick_ms=$((1000 / $(getconf CLK_TCK)))

# One launch: prints "wall cpu": milliseconds from exec to the handshake line, and the CPU
# time (user + system, all threads) the process had used by then.
measure() {
    local fifo="$work/stdout.fifo" start end line pid stat cpu
    rm -f -- "$fifo"
    mkfifo -- "$fifo"
    start=$(date +%s%N)
    env -u TF_LOG -u TF_LOG_PROVIDER -u TF_JVM_OPTS "${plugin_env[@]}" "$@" >"$fifo" 2>>"$work/stderr.log" &
    pid=$!
    # Keep reading end open, as Terraform does: the native launcher ends when its stdout's
    # reader goes away (Terraform gone).
    exec 3<"$fifo"
    if ! IFS= read -r -t 60 line <&3; then
        kill -KILL "$pid" 2>/dev/null || true
        echo "no handshake line within 60 s from: $*; stderr:" >&2
        tail -n 20 "$work/stderr.log" >&2
        exit 1
    fi
    end=$(date +%s%N)
    read -r -a stat <"/proc/$pid/stat" || stat=()
    cpu=$(( (${stat[13]:-0} + ${stat[14]:-0}) * tick_ms ))
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    exec 3<&-
    case "$line" in
        1\|[56]\|tcp\|*\|grpc\|?* | 1\|[56]\|unix\|*\|grpc\|?*) ;;
        *) echo "unexpected handshake line: $line" >&2; exit 1 ;;
    esac
    echo "$(((end - start) / 1000000)) $cpu"
}

# Prints "median min max cpu-median" of a flag set's measured runs.
series() {
    local walls=() cpus=() wall cpu
    measure "$@" >/dev/null # warm-up: page cache, CPU frequency
    for ((i = 0; i < runs; i++)); do
        read -r wall cpu < <(measure "$@")
        walls+=("$wall")
        cpus+=("$cpu")
    done
    echo "$(stats "${walls[@]}") $(stats "${cpus[@]}" | cut -d' ' -f1)"
}

# "median min max" of the arguments.
stats() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2);
        print m, v[1], v[NR] }'
}

# The flags the launcher uses, read from the launcher itself so the table stays truthful.
mapfile -t launcher_flags < <(sed -n '/^flags=(/,/^)/p' "$script" | sed '1d;$d' | sed 's/^ *//')

archive="$work/bench.jsa"
"$java" "${launcher_flags[@]}" "-XX:ArchiveClassesAtExit=$archive" -jar "$jar" --cds-training \
    </dev/null >/dev/null 2>&1
[ -s "$archive" ] || { echo "CDS training run did not produce an archive" >&2; exit 1; }

# Warm the launcher's own cache (its first run trains in the background).
TF_JVM_DAEMON=off measure "$script" >/dev/null
for _ in $(seq 1 300); do
    ls "$work/cache/tf-jvm/"*.jsa >/dev/null 2>&1 && ! ls -d "$work/cache/tf-jvm/"*.lock >/dev/null 2>&1 && break
    sleep 0.2
done

quiet=(-Xlog:disable -Xlog:all=warning:stderr)
declare -a names flagsets
names+=("JVM defaults");                  flagsets+=("")
names+=("TieredStopAtLevel=1");           flagsets+=("-XX:TieredStopAtLevel=1")
names+=("AppCDS");                        flagsets+=("-XX:SharedArchiveFile=$archive")
names+=("AppCDS + launcher flags");       flagsets+=("${launcher_flags[*]} -XX:SharedArchiveFile=$archive")

echo "Provider jar: $jar ($(stat -c %s "$jar") bytes)"
echo "Java: $("$java" -version 2>&1 | head -n 2 | tail -n 1)"
echo "Machine: $(nproc) CPUs, $(uname -sr); $runs runs per row after one warm-up"
echo
echo "| flags | median ms | min ms | max ms | CPU ms (median) |"
echo "|---|---:|---:|---:|---:|"
if [ "${BENCH_LAUNCHERS_ONLY:-0}" != 1 ]; then
    for i in "${!names[@]}"; do
        read -r -a extra <<<"${flagsets[$i]}"
        read -r med min max cpu < <(series "$java" "${quiet[@]}" ${extra[@]+"${extra[@]}"} -jar "$jar")
        echo "| ${names[$i]}: \`java ${flagsets[$i]:+${flagsets[$i]//$work/…} }-jar provider.jar\` | $med | $min | $max | $cpu |"
    done
fi
read -r med min max cpu < <(TF_JVM_DAEMON=off series "$script")
echo "| launcher script as Terraform runs it without the daemon (\`${launcher_flags[*]}\` + its cached archive) | $med | $min | $max | $cpu |"
if $native; then
    read -r med min max cpu < <(TF_JVM_DAEMON=off series "$launcher")
    echo "| native launcher, \`TF_JVM_DAEMON=off\` (runs the script) | $med | $min | $max | $cpu |"
    # Cold: every run gets a new daemon directory, so every run starts a daemon; stopped after.
    cold() {
        local dir="$work/d-cold-$(date +%s%N)"
        TF_JVM_DAEMON_DIR=$dir "$@"
        rm -f -- "$dir"/*.sock
    }
    walls=()
    cpus=()
    for ((i = 0; i <= runs; i++)); do
        read -r wall cpu < <(cold measure "$launcher")
        [ "$i" -eq 0 ] && continue # warm-up
        walls+=("$wall")
        cpus+=("$cpu")
    done
    echo "| native launcher, daemon cold (each run starts the daemon) | $(stats "${walls[@]}" | tr ' ' '|' | sed 's/|/ | /g') | $(stats "${cpus[@]}" | cut -d' ' -f1) |"
    read -r med min max cpu < <(TF_JVM_DAEMON_DIR="$work/d-warm" series "$launcher")
    echo "| **native launcher, daemon warm** (running) | **$med** | $min | $max | $cpu |"
    daemon_pid=$(pgrep -f -- "--tfjvm-daemon $work/d-warm/" | head -n 1 || true)
    if [ -n "$daemon_pid" ]; then
        daemon_rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$daemon_pid/status")
        # Sessions must not leak: BENCH_SESSIONS more launches (default 200), then RSS again.
        sessions=${BENCH_SESSIONS:-200}
        for ((i = 0; i < sessions; i++)); do
            TF_JVM_DAEMON_DIR="$work/d-warm" measure "$launcher" >/dev/null
        done
        sleep 6 # session call threads expire after 5 s idle
        daemon_rss_after=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$daemon_pid/status")
        daemon_threads=$(awk '/Threads/ { print $2 }' "/proc/$daemon_pid/status")
    fi
    rm -f -- "$work/d-warm/"*.sock
fi
if [ -n "$go_provider" ]; then
    read -r med min max cpu < <(series "$go_provider")
    echo "| Go provider \`$(basename -- "$go_provider")\` ($(( $(stat -c %s "$go_provider") / 1048576 )) MB) | $med | $min | $max | $cpu |"
fi
echo
echo "Wall time: exec to the handshake line on stdout. CPU: user+system time of the process"
echo "(all JVM threads) at that moment, from /proc/PID/stat, ${tick_ms} ms resolution; for the"
echo "daemon rows that is the launcher's own CPU (the daemon's work is not in it)."
[ -n "${daemon_rss:-}" ] && echo "Daemon RSS after the warm runs: ${daemon_rss} MB; after $sessions more sessions: ${daemon_rss_after} MB, ${daemon_threads} threads."
echo "Load average: $(cut -d' ' -f1-3 /proc/loadavg)"
