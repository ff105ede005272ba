#!/usr/bin/env bash
# Installs what is missing, builds docket, and runs the main job on a throw-away store:
# init, open, show, list, then the signed history as stock git shows it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
build_dir=${DOCKET_BUILD_DIR:-build/release}
# The demo runs the binary only: tests are not built (scripts/test.sh builds them).
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDOCKET_BUILD_TESTS=OFF >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target docket
docket="$(pwd)/$build_dir/src/cli/docket"

demo=$(mktemp -d "${TMPDIR:-/tmp}/docket-demo-XXXXXX")
trap 'rm -rf "$demo"' EXIT
# Keep the demo away from the user's own git configuration and keys.
export HOME="$demo/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$demo/home/.gitconfig"
mkdir -p "$HOME"
ssh-keygen -q -t ed25519 -N "" -C alice@acme.example -f "$HOME/alice_ed25519"
git config --global user.name "Alice Admin"
git config --global user.email alice@acme.example
git config --global gpg.format ssh
git config --global user.signingkey "$HOME/alice_ed25519"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
cd "$demo" && mkdir store && cd store

step docket init
"$docket" init
step docket open --template leaked-secret --title "AWS key for svc-deploy found in CI logs" --identity api-key:svc-deploy --system aws/acme-prod
id=$("$docket" open --template leaked-secret --title "AWS key for svc-deploy found in CI logs" \
       --identity api-key:svc-deploy --system aws/acme-prod --fingerprint gitleaks:demo-1)
echo "$id"
step docket open --template excessive-privilege --title "svc-billing holds roles/owner in acme-prod" --identity service-account:svc-billing@acme-prod
"$docket" open --template excessive-privilege --title "svc-billing holds roles/owner in acme-prod" \
  --identity service-account:svc-billing@acme-prod --system gcp/acme-prod
step docket move "$id" triaged --note "confirmed live key"
"$docket" move "$id" triaged --note "confirmed live key" >/dev/null && echo ok
step docket comment "$id" "Rotation scheduled with the platform team"
"$docket" comment "$id" "Rotation scheduled with the platform team" >/dev/null && echo ok
step docket show "${id:0:6}"
"$docket" show "${id:0:6}"
step docket list
"$docket" list
step "git log --show-signature docket   (allowed_signers taken from the store itself)"
git show docket:allowed_signers > "$demo/allowed_signers"
git -c gpg.ssh.allowedSignersFile="$demo/allowed_signers" log --show-signature --format='%h %G? %s' docket
