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
    if ! IFS= read -r -t 60 line <"$fifo"; then
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
    case "$line" in
        1\|6\|tcp\|*\|grpc\|?*) ;;
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
mapfile -t launcher_flags < <(sed -n '/^flags=(/,/^)/p' "$launcher" | sed '1d;$d' | sed 's/^ *//')

archive="$work/bench.jsa"
"$java" "${launcher_flags[@]}" "-XX:ArchiveClassesAtExit=$archive" -jar "$jar" --cds-training \
    </dev/null >/dev/null 2>&1
[ -s "$archive" ] || { echo "CDS training run did not produce an archive" >&2; exit 1; }

# Warm the launcher's own cache (its first run trains in the background).
measure "$launcher" >/dev/null
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
for i in "${!names[@]}"; do
    read -r -a extra <<<"${flagsets[$i]}"
    read -r med min max cpu < <(series "$java" "${quiet[@]}" ${extra[@]+"${extra[@]}"} -jar "$jar")
    echo "| ${names[$i]}: \`java ${flagsets[$i]:+${flagsets[$i]//$work/…} }-jar provider.jar\` | $med | $min | $max | $cpu |"
done
read -r med min max cpu < <(series "$launcher")
echo "| launcher script as Terraform runs it (\`${launcher_flags[*]}\` + its cached archive) | $med | $min | $max | $cpu |"
echo
echo "Wall time: exec to the handshake line on stdout. CPU: user+system time of the process"
echo "(all JVM threads) at that moment, from /proc/PID/stat, ${tick_ms} ms resolution."
