#!/usr/bin/env bash
# Benchmark (not a test): latency of one mkctl call on an open SSH connection to a simulated host,
# one command per call against a request on an open `mkctl session` (median and p90 of N calls,
# and the SSH execs they cost). Usage: scripts/bench-session.sh [CALLS]  (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-50}"

# Compile (host-executor embeds mkctl on the way) and write the simulator's test class path.
mvn -B -ntp -q -pl simulator -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
cp="simulator/target/test-classes:simulator/target/classes:$(cat simulator/target/bench-classpath.txt)"

exec java -cp "$cp" dev.multikernel.sim.executor.SessionBenchmark "$calls"
