#!/usr/bin/env bash
# Proves the pre-commit hook for real: installs pre-commit from PyPI, then
# runs `pre-commit try-repo` with this repository's hook (which pre-commit
# builds with `cargo install --path .`) in a throwaway git repository, and
# checks what it reports and its exit status.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check pre-commit
precommit="$work/venv/bin/pre-commit"
"$precommit" --version
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$work/cache}"
# pre-commit's `cargo install` may reuse the release build CI already made.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"

sample="$work/sample"
mkdir -p "$sample/app" "$sample/deploy" "$sample/docs"
cd "$sample"
git init -q
git config user.email ci@example.com
git config user.name ci
cat > app/Dockerfile <<'DOCKERFILE'
FROM debian:12-slim
RUN useradd --system app && chsh -s /usr/sbin/nologin root
USER app
DOCKERFILE
cat > deploy/compose.yaml <<'COMPOSE'
services:
  web:
    image: nginx:1.27
    user: "101:101"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    networks: [front]
networks:
  front:
    driver_opts:
      com.docker.network.bridge.enable_icc: "false"
COMPOSE
echo "not linted" > docs/notes.yaml
git add -A
git commit -qm "sample"

run() {
    set +e
    out="$("$precommit" try-repo "$repo" dockhard --all-files --verbose 2>&1)"
    status=$?
    set -e
}

fail() {
    echo "test-pre-commit: $*" >&2
    echo "$out" >&2
    exit 1
}

# 1. A clean repository passes.
run
[ "$status" -eq 0 ] || fail "expected the hook to pass on clean files (status $status)"
echo "$out" | grep -q "dockhard.*Passed" || fail "the hook did not run"
echo "clean sample: passed"

# 2. A root user and a privileged service fail, with concise lines naming them.
printf 'FROM debian:12-slim\nUSER root\n' > app/Dockerfile
cat > deploy/compose.override.yaml <<'COMPOSE'
services:
  web:
    privileged: true
COMPOSE
git add -A
git commit -qm "regress"
run
[ "$status" -eq 1 ] || fail "expected the hook to fail (status $status)"
echo "$out" | grep -Eq '^app/Dockerfile:2:6: warning\[DH100\]' || fail "no DH100 line for app/Dockerfile"
echo "$out" | grep -Eq '^deploy/compose.override.yaml:3:17: error\[DH104\]' || fail "no DH104 line for the override"
echo "$out" | grep -q "docs/notes.yaml" && fail "a file outside the hook's patterns was linted"
echo "regressed sample: failed as expected"
echo "$out" | grep -E '^(app|deploy)/'
echo "test-pre-commit: ok"
