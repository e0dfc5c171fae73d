#!/usr/bin/env bash
# Runs every test: installs what the tests need when missing, then the whole Maven build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
exec mvn -B -ntp verify "$@"
