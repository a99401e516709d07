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
mkdir -p "$sample/app" "$sample/deploy" "$sample/docs" "$sample/bin"
cd "$sample"
git init -q
git config user.email ci@example.com
git config user.name ci
cat > app/Dockerfile <<'DOCKERFILE'
FROM debian:13-slim
RUN useradd --system app && chsh -s /usr/sbin/nologin root
USER app
DOCKERFILE
cat > deploy/compose.yaml <<'COMPOSE'
services:
  web:
    image: nginx:1.30
    user: "101:101"
    read_only: true
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    mem_limit: 256m
    pids_limit: 100
    cpus: 0.5
    networks: [front]
networks:
  front:
    driver_opts:
      com.docker.network.bridge.enable_icc: "false"
COMPOSE
echo "not linted" > docs/notes.yaml
# End of life is judged against a fixed date, not the day CI runs.
printf 'as-of = "2026-11-29"\n' > dockhard.toml
cat > deploy/run.sh <<'SCRIPT'
#!/bin/sh
docker run --rm --read-only --cap-drop=ALL --security-opt no-new-privileges \
  --memory 256m --pids-limit 100 --cpus 0.5 --network app-net app:1
SCRIPT
git add -A
git commit -qm "sample"

run() {
    set +e
    out="$("$precommit" try-repo "$repo" "${1:-dockhard}" --all-files --verbose 2>&1)"
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
printf 'FROM debian:13-slim\nUSER root\n' > app/Dockerfile
cat > deploy/compose.override.yaml <<'COMPOSE'
services:
  web:
    privileged: true
COMPOSE
printf '#!/bin/sh\nexec docker run --privileged --rm --read-only --cap-drop=ALL --security-opt no-new-privileges --network n app:1\n' > deploy/run.sh
git add -A
git commit -qm "regress"
run
[ "$status" -eq 1 ] || fail "expected the hook to fail (status $status)"
echo "$out" | grep -Eq '^app/Dockerfile:2:6: warning\[DH100\]' || fail "no DH100 line for app/Dockerfile"
echo "$out" | grep -Eq '^deploy/compose.override.yaml:3:17: error\[DH104\]' || fail "no DH104 line for the override"
echo "$out" | grep -Eq '^deploy/run.sh:2:17: error\[DH104\]' || fail "no DH104 line for the script"
echo "$out" | grep -q "docs/notes.yaml" && fail "a file outside the hook's patterns was linted"
echo "regressed sample: failed as expected"
echo "$out" | grep -E '^(app|deploy)/'

# 3. A script without an extension, by its shebang, through the second hook.
printf '#!/usr/bin/env bash\ndocker exec -u root web ls\n' > bin/maintain
chmod +x bin/maintain
git add -A
git commit -qm "script without an extension"
run dockhard-shebang-scripts
[ "$status" -eq 1 ] || fail "expected the shebang hook to fail (status $status)"
echo "$out" | grep -Eq '^bin/maintain:2:13: warning\[DH117\]' || fail "no DH117 line for bin/maintain"
echo "$out" | grep -q "deploy/run.sh" && fail "the shebang hook linted a .sh file the main hook takes"
echo "script without an extension: failed as expected"
echo "test-pre-commit: ok"
