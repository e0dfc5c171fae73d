#!/usr/bin/env bash
# Launcher of the Terraform provider @PROVIDER_ADDRESS@ @PROVIDER_VERSION@, written by the
# tf-jvm InstallLayout tool. Terraform executes this file and reads the plugin handshake from
# its stdout, so on success nothing here writes to stdout: the JVM's first line must be the
# handshake. A failure before that is one line on stdout (see fail).
#
# Environment:
#   TF_JVM_JAVA    java executable to use when no runtime is bundled (else $JAVA_HOME/bin/java,
#                  else java on the PATH)
#   TF_JVM_OPTS    extra JVM options, appended after the launcher's own
#   TF_JVM_CDS     set to "off" to disable the class-data-sharing cache
#   XDG_CACHE_HOME the CDS cache lives in ${XDG_CACHE_HOME:-$HOME/.cache}/tf-jvm
#
# A Java runtime bundled with the provider (runtime/ next to this file, as in the release zips
# for Linux) comes first; it needs no Java on the machine.
#
# Terraform starts the provider several times per command, so the common path below runs
# on shell builtins only (no helper processes).
set -u

# Before the handshake, Terraform shows the user only the first line of stdout ("Unrecognized
# remote plugin message: ..."); stderr is visible only under TF_LOG. So a failure here is one
# line on stdout.
fail() {
    local message="$*"
    echo "terraform-provider-@PROVIDER_TYPE@ @PROVIDER_VERSION@ cannot start: ${message//$'\n'/ }"
    exit 1
}

# Locate the real directory of this script. Terraform links unpacked mirror directories into
# .terraform/; resolving them keeps the jar path, and so the CDS archive, the same for all.
self=${BASH_SOURCE[0]}
if [ -L "$self" ]; then
    self=$(readlink -f -- "$self") || fail "cannot resolve the symbolic link $self"
fi
case $self in
    */*) dir=${self%/*} ;;
    *) dir=. ;;
esac
origin=$PWD
cd -P -- "$dir" 2>/dev/null || fail "cannot enter its own directory $dir"
dir=$PWD
cd -- "$origin" 2>/dev/null || cd -P -- "$origin" 2>/dev/null || fail "cannot return to the working directory $origin"

jar="$dir/@JAR_PATH@"
[ -f "$jar" ] || fail "the provider jar $jar is missing; reinstall the provider"
[ -r "$jar" ] || fail "the provider jar $jar is not readable; reinstall the provider"

if [ -e "$dir/runtime" ]; then
    java=$dir/runtime/bin/java
    [ -x "$java" ] && [ -r "$dir/runtime/release" ] \
        || fail "its bundled Java runtime $dir/runtime is damaged or unreadable; reinstall the provider"
elif [ -n "${TF_JVM_JAVA:-}" ]; then
    java=$TF_JVM_JAVA
    case $java in
        */*) ;;
        *) hash "$java" 2>/dev/null && java=${BASH_CMDS[$java]:-$java} ;;
    esac
    [ -x "$java" ] || fail "TF_JVM_JAVA=$TF_JVM_JAVA is not an executable java; point it at Java 17 or newer"
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java=$JAVA_HOME/bin/java
elif hash java 2>/dev/null; then
    java=${BASH_CMDS[java]:-java}
else
    fail "no Java found; it needs Java 17 or newer: install one, or set JAVA_HOME or TF_JVM_JAVA"
fi

# The runtime's version, from its release file (no JVM start on the common path).
java_real=$java
if [ -L "$java" ]; then
    java_real=$(readlink -f -- "$java" 2>/dev/null) || java_real=$java
fi
java_version=
java_runtime_version=unknown
if [ -r "${java_real%/bin/*}/release" ]; then
    while IFS= read -r line; do
        case $line in
            JAVA_VERSION=*) java_version=${line#*=} ;;
            JAVA_RUNTIME_VERSION=*) java_runtime_version=${line#*=} ;;
        esac
    done <"${java_real%/bin/*}/release"
fi
if [ -z "$java_version" ]; then
    # A runtime without a release file: ask it (slower, and rare).
    java_version=$("$java" -version 2>&1) || fail "$java does not run; it needs Java 17 or newer: install one, or set JAVA_HOME or TF_JVM_JAVA"
    java_version=${java_version#*version \"}
    java_version=${java_version%%$'\n'*}
fi
java_version=${java_version#\"}
java_major=${java_version%%[!0-9]*}
[ "$java_major" = 1 ] && { java_major=${java_version#1.}; java_major=${java_major%%[!0-9]*}; }
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
    fail "$java is Java ${java_version%%\"*}, it needs Java 17 or newer: install one, or set JAVA_HOME or TF_JVM_JAVA"
fi

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

# Whether a file exists and was modified less than $2 minutes ago (helper process; only used
# while no archive exists).
recent() {
    [ -n "$(find "$1" -maxdepth 0 -mmin -"$2" 2>/dev/null)" ]
}

# 32-bit FNV-1a of $1 into $digest, in shell arithmetic.
fnv1a() {
    local text=$1 i code
    digest=2166136261
    for ((i = 0; i < ${#text}; i++)); do
        printf -v code '%d' "'${text:i:1}"
        digest=$(((digest ^ (code & 0xff)) * 16777619 & 0xffffffff))
    done
}

# Class-data sharing: an archive of the provider's classes, specific to this jar and this
# JVM, is recorded once by a background training run and used by every later launch. It
# extends the runtime's own archive, which a jlink-made runtime does not have.
if [ "${TF_JVM_CDS:-on}" != "off" ] && [ -f "${java_real%/bin/*}/lib/server/classes.jsa" ]; then
    cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/tf-jvm"
    fnv1a "$jar|$java_real|$java_runtime_version"
    archive="$cache/@PROVIDER_TYPE@-@PROVIDER_VERSION@-$digest.jsa"
    # A jar rebuilt after the archive was recorded makes it stale.
    if [ -f "$archive" ] && [ ! "$jar" -nt "$archive" ]; then
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
                    rm -f -- "$archive.failed"
                    # Archives of rebuilt jars are never used again: drop month-old ones.
                    find "$cache" -maxdepth 1 -name '@PROVIDER_TYPE@-*' -mtime +30 -exec rm -rf -- {} + 2>/dev/null
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
