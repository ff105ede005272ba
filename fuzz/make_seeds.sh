#!/usr/bin/env bash
# Regenerates the seed files under fuzz/corpus/ that come from docket itself: a throw-away store
# taken through the whole lifecycle by a built docket binary, with members signing with
# Ed25519, ECDSA and RSA keys, then its records, policy, templates, allowed_signers,
# revoked_keys, raw commit objects and replay lines written out as seeds. Keys and ids are
# random, so each run gives other bytes of the same shapes; the committed seeds are one run's.
# Usage: fuzz/make_seeds.sh DOCKET_BINARY
set -euo pipefail

docket=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/fuzz/corpus"

work=$(mktemp -d "${TMPDIR:-/tmp}/docket-seeds-XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/home/.gitconfig"
unset DOCKET_REPO DOCKET_REF DOCKET_SIGNING_KEY DOCKET_ACTOR_EMAIL DOCKET_ACTOR_NAME DOCKET_NOW GIT_DIR GIT_WORK_TREE
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global user.name "Seed Admin"
git config --global user.email alice@acme.example

ssh-keygen -q -t ed25519 -N "" -C alice@acme.example -f "$HOME/alice"
ssh-keygen -q -t ecdsa -b 256 -N "" -C bob@acme.example -f "$HOME/bob"
ssh-keygen -q -t rsa -b 2048 -N "" -C carol@acme.example -f "$HOME/carol"
ssh-keygen -q -t ecdsa -b 384 -N "" -C dave@acme.example -f "$HOME/dave"
ssh-keygen -q -t ed25519 -N "" -C dave-new@acme.example -f "$HOME/dave2"

as() {
  local name=$1 email=$2
  shift 2
  DOCKET_ACTOR_EMAIL="$email" DOCKET_ACTOR_NAME="$name" DOCKET_SIGNING_KEY="$HOME/$name" "$docket" "$@"
}
alice() { as alice alice@acme.example -C "$work/store" "$@"; }
bob() { as bob bob@acme.example -C "$work/store" "$@"; }
carol() { as carol carol@acme.example -C "$work/store" "$@"; }

mkdir "$work/store"
alice init >/dev/null
alice member add bob@acme.example --key "$HOME/bob.pub" --role approver --role responder --name "Bob Example" >/dev/null
alice member add carol@acme.example --key "$HOME/carol.pub" --role approver --name "Carol" >/dev/null
alice member add dave@acme.example --key "$HOME/dave.pub" --role reporter >/dev/null
as dave dave@acme.example -C "$work/store" open --title "cert for api.acme.example expires in 3 days" \
  --template expired-certificate --identity certificate:api.acme.example >/dev/null
alice member key dave@acme.example --key "$HOME/dave2.pub" >/dev/null

# A leaked secret taken to an accepted exception, renewed, revoked, reopened and reviewed.
id=$(alice open --template leaked-secret --title "AWS key for svc-deploy found in CI logs" \
  --identity api-key:svc-deploy --system aws/acme-prod --owner alice@acme.example \
  --severity high --fingerprint gitleaks:seed-1 --tool gitleaks --rule aws-access-key --location ci/deploy.yml:12)
alice move "$id" triaged --note "confirmed live key" >/dev/null
alice assign "$id" bob@acme.example >/dev/null
bob move "$id" investigating >/dev/null
printf '{"rotated": true}\n' >"$work/rotation.json"
printf 'audit log excerpt\nno use since exposure\n' >"$work/audit.txt"
bob attach "$id" "$work/rotation.json" --item rotate-secret --note "new key issued, old one disabled" >/dev/null
bob attach "$id" "$work/audit.txt" --item check-misuse >/dev/null
bob attach "$id" "$work/audit.txt" --item review-pipeline >/dev/null
bob attach "$id" "$work/rotation.json" --item confirm-removal >/dev/null
bob comment "$id" "$(printf 'Rotation done.\nHistory rewrite scheduled: "ops" ticket #42')" >/dev/null
bob request "$id" --resolution accepted --reason "vendor fix due in Q1" --expires 30d \
  --control "IP allow-list" --control "alert on use" >/dev/null
carol approve "$id" --note "until the vendor fix" >/dev/null
bob renew "$id" --expires 60d --reason "vendor fix slipped" >/dev/null
carol approve "$id" >/dev/null
bob revoke "$id" --note "vendor fix shipped" >/dev/null
alice reopen "$id" --reason "key seen again in logs" >/dev/null
alice escalate "$id" --to carol@acme.example --reason "second exposure" >/dev/null

# An excessive-privilege exception remediated, and a generic one rejected and reviewed.
id2=$(alice open --template excessive-privilege --title "svc-billing holds roles/owner in acme-prod" \
  --identity service-account:svc-billing@acme-prod --system gcp/acme-prod --severity high)
alice done "$id2" confirm-owner --note "owner: platform" >/dev/null
alice attach "$id2" "$work/rotation.json" --item capture-blast-radius >/dev/null
alice attach "$id2" "$work/audit.txt" --item reduce-privilege >/dev/null
alice done "$id2" verify-workload >/dev/null
alice move "$id2" triaged >/dev/null
alice move "$id2" investigating >/dev/null
alice move "$id2" remediating >/dev/null
alice request "$id2" --resolution remediated --reason "owner role removed" >/dev/null
bob approve "$id2" >/dev/null
carol approve "$id2" >/dev/null 2>&1 || true
alice review "$id2" --note "grants still minimal after 30 days" >/dev/null 2>&1 || true
id3=$(alice open --title "agent token with 'write' scope: ünïcödé ✓" --identity ai-agent:triage-bot --severity low)
alice request "$id3" --resolution rejected --reason "not a finding" >/dev/null 2>&1 || true
bob deny "$id3" --reason "needs a closer look" >/dev/null 2>&1 || true

# An ingest run, so ingest replay lines (open, not-seen) are in the history.
alice ingest sarif "$root/../shared/fixtures/gitleaks/sarif_simple.sarif" >/dev/null 2>&1 || true
alice ingest gitleaks "$root/../shared/fixtures/gitleaks/baseline.json" >/dev/null 2>&1 || true

store="$work/store"
show() { git -C "$store" show "docket:$1"; }
write() { mkdir -p "$corpus/$1" && cat >"$corpus/$1/$2"; }

n=0
for path in $(git -C "$store" ls-tree -r --name-only docket exceptions | head -6); do
  n=$((n + 1))
  show "$path" | write record_yaml "store-record-$n.yaml"
done
show docket.yaml | write policy_yaml store-docket.yaml
for t in $(git -C "$store" ls-tree --name-only docket templates/); do
  show "$t" | write template_yaml "store-$(basename "$t")"
done
show allowed_signers | write allowed_signers store-allowed_signers
show revoked_keys | write ssh_key store-revoked_keys
for k in alice bob carol dave dave2; do cp "$HOME/$k.pub" "$corpus/ssh_key/$k.pub"; done

# Raw commit objects: one per kind of change (signed by each key type), and their messages.
n=0
for c in $(git -C "$store" rev-list --reverse docket); do
  n=$((n + 1))
  git -C "$store" cat-file commit "$c" | write commit "store-commit-$(printf %02d $n)"
  git -C "$store" log -1 --format=%B "$c" | write replay_json "store-message-$(printf %02d $n)"
done
# The signatures themselves, as SSHSIG armor.
mkdir -p "$corpus/sshsig"
for c in $(git -C "$store" rev-list docket | head -40); do
  git -C "$store" cat-file commit "$c" | awk '/^gpgsig /{on=1; sub(/^gpgsig /,""); print; next} on&&/^ /{sub(/^ /,""); print; next} {on=0}'
done | awk -v dir="$corpus/sshsig" '/BEGIN SSH SIGNATURE/{n++; f=sprintf("%s/store-sig-%02d", dir, n)} {print > f}'
# Keep one signature per key type (the rest add nothing).
declare -A seen=()
for f in "$corpus"/sshsig/store-sig-*; do
  type=$(sed -n 2p "$f" | cut -c1-40)
  if [ -n "${seen[$type]:-}" ]; then rm "$f"; else seen[$type]=1; fi
done
# The record index: the table and two folder files, as `docket list` leaves them.
"$docket" -C "$store" list >/dev/null
mkdir -p "$corpus/index_file"
cp "$(ls "$store"/.git/docket/index/table-* | head -1)" "$corpus/index_file/store-table"
n=0
for f in $(ls -S "$store"/.git/docket/index/ | grep -E '^[0-9a-f]{40}$' | sed -n '1p;$p'); do
  n=$((n + 1))
  cp "$store/.git/docket/index/$f" "$corpus/index_file/store-folder-$n"
done

# allowed_signers lines with every option ssh-keygen knows, which verify's docket-form rules refuse.
ed=$(cut -d' ' -f1,2 "$HOME/alice.pub")
ec=$(cut -d' ' -f1,2 "$HOME/bob.pub")
cat >"$corpus/allowed_signers/options" <<LINES
# every option, quoted principals, patterns and negation
alice@acme.example namespaces="git,file" valid-after="20260101",valid-before="20270101Z" $ed
"bob@acme.example,*@ops.example,!eve@ops.example" $ec bob's key
*.example cert-authority,namespaces="git" $ed
carol@acme.example VALID-AFTER="202601011230UTC" $ec
LINES

# Key files: unencrypted and encrypted OpenSSH keys, PEM private keys of the three types, a PEM
# public key and a .pub line.
mkdir -p "$corpus/key_file"
ssh-keygen -q -t ed25519 -N "seed passphrase" -C encrypted@acme.example -f "$work/encrypted"
cp "$work/encrypted" "$corpus/key_file/openssh-encrypted"
cp "$HOME/bob" "$corpus/key_file/openssh-ecdsa-p256"
cp "$HOME/dave" "$corpus/key_file/openssh-ecdsa-p384"
openssl genpkey -algorithm ed25519 -out "$corpus/key_file/pem-ed25519" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$corpus/key_file/pem-ec-p256" 2>/dev/null
openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$corpus/key_file/pem-rsa" 2>/dev/null
openssl pkey -in "$corpus/key_file/pem-ec-p256" -pubout -out "$corpus/key_file/pem-public-ec" 2>/dev/null
cp "$HOME/alice.pub" "$corpus/key_file/openssh-public.pub"

# Scanner reports and OpenSSH's SSHSIG test vectors from the shared fixtures (see
# fuzz/corpus/SOURCES.md). Left out: semgrep's results.sarif (LGPL test data) and trufflehog's
# v3_github.json, which holds a live canary AWS key and a private key in clear: its seed is that
# file with every Raw, RawV2 and Redacted value and ExtraData replaced.
fixtures="$root/../shared/fixtures"
mkdir -p "$corpus/sarif" "$corpus/gitleaks_json" "$corpus/trufflehog_json"
for f in codeql-action/valid-sarif.sarif codeql-action/invalid-sarif.sarif checkov/checkov.valid.sarif \
         trivy/alpine-310.sarif dockle/dockle_0_3_15.sarif sarif-pattern-matcher/SEC101_008.AwsCredentials.sarif \
         gitleaks/sarif_simple.sarif gitleaks/gitleaks_7.5.0.sarif; do
  cp "$fixtures/$f" "$corpus/sarif/$(dirname "$f")-$(basename "$f")"
done
cp "$fixtures/gitleaks/baseline.json" "$corpus/gitleaks_json/gitleaks-baseline.json"
cp "$fixtures/trufflehog/trufflehog_matching_path.json" "$corpus/trufflehog_json/trufflehog-matching_path.json"
python3 - "$fixtures/trufflehog/v3_github.json" "$corpus/trufflehog_json/trufflehog-v3_github-redacted.json" <<'PY'
import json, sys
out = []
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    finding = json.loads(line)
    for key in ("Raw", "RawV2"):
        if key in finding: finding[key] = "cmVkYWN0ZWQ="
    if "Redacted" in finding: finding["Redacted"] = "redacted"
    if finding.get("ExtraData"): finding["ExtraData"] = {"account": "000000000000"}
    out.append(json.dumps(finding, separators=(",", ":")))
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out))
PY
mkdir -p "$corpus/sshsig" "$corpus/ssh_key"
for k in ed25519 ecdsa rsa ed25519_sk ecdsa_sk ecdsa_sk_webauthn; do
  cp "$fixtures/openssh-sshsig/$k.sig" "$corpus/sshsig/openssh-$k.sig"
  cp "$fixtures/openssh-sshsig/$k.pub" "$corpus/ssh_key/openssh-$k.pub"
  # The same key as a wire blob, for parse_public_key_blob.
  cut -d' ' -f2 "$fixtures/openssh-sshsig/$k.pub" | base64 -d >"$corpus/ssh_key/openssh-$k.blob"
done
for k in ed25519 ecdsa rsa ed25519_sk ecdsa_sk; do
  cp "$fixtures/openssh-sshsig/$k" "$corpus/key_file/openssh-test-vector-$k"
done
echo "seeds written under $corpus"
