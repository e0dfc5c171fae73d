#!/usr/bin/env bash
# The bridge demo (scripts/quickstart.sh is the main job): build the demo provider on the tf-jvm
# bridge, install it into a local filesystem mirror, and run its example configuration through the
# real terraform: init, plan, apply, a no-change plan, destroy. No hosts needed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

command -v terraform >/dev/null || { echo "demo: terraform is not on the PATH" >&2; exit 1; }
mvn -B -ntp -DskipTests -pl bridge-demo -am package

install_dir="$root/bridge-demo/target/install"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/bridge-demo/example/main.tf" "$work/"

export TF_CLI_CONFIG_FILE="$install_dir/cli-config/filesystem-mirror.tfrc"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
# A provider daemon of this run only: it stops when the work directory (its socket) is removed.
mkdir -m 700 "$work/daemon"
export TF_JVM_DAEMON_DIR="$work/daemon"
export TF_VAR_store_dir="$work/store"
cd "$work"

step() { printf '\n==> terraform %s\n' "$*"; }
step init;    terraform init -no-color
step plan;    terraform plan -no-color -out=tfplan
step apply;   terraform apply -no-color tfplan
step "plan -detailed-exitcode (expect no changes)"
terraform plan -no-color -detailed-exitcode
step destroy; terraform destroy -no-color -auto-approve
printf '\ndemo: all steps succeeded\n'
