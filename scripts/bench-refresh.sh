#!/usr/bin/env bash
# Benchmark (not a test): refresh N simulated hosts through the executor (SSH pool + mkctl client)
# and report SSH execs and wall time per round. Usage: scripts/bench-refresh.sh [HOSTS] [PARALLELISM]
# Defaults: 20 hosts, 10 in parallel (Terraform's default -parallelism).
set -euo pipefail
cd "$(dirname "$0")/.."
hosts="${1:-20}"
parallelism="${2:-10}"

# Compile (host-executor embeds mkctl on the way) and write the simulator's test class path.
mvn -B -ntp -q -pl simulator -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
cp="simulator/target/test-classes:simulator/target/classes:$(cat simulator/target/bench-classpath.txt)"

exec java -cp "$cp" dev.multikernel.sim.executor.RefreshBenchmark "$hosts" "$parallelism"
