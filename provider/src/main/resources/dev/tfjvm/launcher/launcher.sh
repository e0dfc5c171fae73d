#!/usr/bin/env bash
# Launcher of the Terraform provider @PROVIDER_ADDRESS@ @PROVIDER_VERSION@, written by the
# tf-jvm InstallLayout tool. Terraform executes this file and reads the plugin handshake from
# its stdout, so nothing here may write to stdout: the JVM's first line must be the handshake.
#
# Environment:
#   TF_JVM_JAVA    java executable to use (else $JAVA_HOME/bin/java, else java on the PATH)
#   TF_JVM_OPTS    extra JVM options, appended after the launcher's own
#   TF_JVM_CDS     set to "off" to disable the class-data-sharing cache
#   XDG_CACHE_HOME the CDS cache lives in ${XDG_CACHE_HOME:-$HOME/.cache}/tf-jvm
set -u

# Terraform links unpacked mirror directories into .terraform/: resolve to the real location,
# so the jar is found and the CDS archive's recorded class path always matches.
self=$(readlink -f -- "${BASH_SOURCE[0]}" 2>/dev/null) || self=${BASH_SOURCE[0]}
dir=$(cd -P -- "$(dirname -- "$self")" >/dev/null 2>&1 && pwd -P) || {
    echo "terraform-provider launcher: cannot locate its own directory" >&2
    exit 1
}
jar="$dir/@JAR_PATH@"
if [ ! -f "$jar" ]; then
    echo "terraform-provider launcher: the provider jar $jar is missing; reinstall the provider" >&2
    exit 1
fi

if [ -n "${TF_JVM_JAVA:-}" ]; then
    java=$TF_JVM_JAVA
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java=$JAVA_HOME/bin/java
else
    java=$(command -v java 2>/dev/null) || {
        echo "terraform-provider launcher: no java found; install Java 17 or newer, or set JAVA_HOME or TF_JVM_JAVA" >&2
        exit 1
    }
fi

# Start-up matters: Terraform starts the provider several times per command.
# JVM log output (CDS warnings included) goes to stdout by default and would break the
# handshake, so unified logging is sent to stderr.
flags=(
    -XX:TieredStopAtLevel=1
    -XX:+UseSerialGC
    -XX:-UsePerfData
    -Xss1m
    -Xlog:disable
    -Xlog:all=warning:stderr
)

# Class-data sharing: an archive of the provider's classes, specific to this jar and this
# JVM, is recorded once by a background training run and used by every later launch.
# Whether a file exists and was modified less than $2 minutes ago.
recent() {
    [ -n "$(find "$1" -maxdepth 0 -mmin -"$2" 2>/dev/null)" ]
}

# Size and modification time of a file (GNU stat, else BSD stat).
stamp() {
    stat -L -c '%s.%Y' -- "$1" 2>/dev/null || stat -L -f '%z.%m' -- "$1" 2>/dev/null
}

if [ "${TF_JVM_CDS:-on}" != "off" ]; then
    cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/tf-jvm"
    java_real=$(readlink -f -- "$(command -v -- "$java" 2>/dev/null || printf '%s' "$java")" 2>/dev/null) || java_real=$java
    libjvm="$(dirname -- "$(dirname -- "$java_real")")/lib/server/libjvm.so"
    key="$jar|$(stamp "$jar")|$java_real|$(stamp "$libjvm")"
    key=$(printf '%s' "$key" | cksum | tr ' ' '-')
    archive="$cache/@PROVIDER_TYPE@-@PROVIDER_VERSION@-$key.jsa"
    if [ -f "$archive" ]; then
        flags+=("-XX:SharedArchiveFile=$archive")
    elif ! recent "$archive.failed" 1440 && mkdir -p -- "$cache" 2>/dev/null; then
        # (after a failed training, retry once a day)
        lock="$archive.lock"
        # A lock left by a training run that was killed is stale after ten minutes.
        if [ -d "$lock" ] && ! recent "$lock" 10; then
            rmdir -- "$lock" 2>/dev/null
        fi
        if mkdir -- "$lock" 2>/dev/null; then
            # In the background, off Terraform's pipes (go-plugin waits for them to close) and
            # at low priority; this launch goes on without the archive and never waits for it.
            # Asynchronous commands of a non-interactive shell already ignore SIGINT.
            (
                tmp="$archive.tmp.$$"
                if nice -n 10 nohup "$java" "${flags[@]}" "-XX:ArchiveClassesAtExit=$tmp" \
                        -jar "$jar" --cds-training && [ -s "$tmp" ]; then
                    mv -f -- "$tmp" "$archive"
                    # Archives of rebuilt jars are never used again: drop month-old ones.
                    find "$cache" -maxdepth 1 -name '@PROVIDER_TYPE@-*' -mtime +30 -exec rm -rf -- {} + 2>/dev/null
                    rm -f -- "$archive.failed"
                else
                    : >"$archive.failed"
                fi
                rm -f -- "$tmp"
                rmdir -- "$lock"
            ) </dev/null >/dev/null 2>&1 &
        fi
    fi
fi

extra=()
if [ -n "${TF_JVM_OPTS:-}" ]; then
    read -r -a extra <<<"$TF_JVM_OPTS"
fi

exec "$java" "${flags[@]}" ${extra[@]+"${extra[@]}"} -jar "$jar" "$@"
