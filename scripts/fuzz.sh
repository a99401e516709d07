#!/usr/bin/env bash
# Fuzzes dockhard's parsers and its check pipeline with cargo-fuzz (libFuzzer)
# on the nightly toolchain.
#
#   scripts/fuzz.sh seeds                 # only (re)build the seed corpora
#   scripts/fuzz.sh build                 # only build the fuzz targets
#   scripts/fuzz.sh run TARGET [SECONDS]  # only run (after seeds and build)
#   scripts/fuzz.sh TARGET [SECONDS]      # seeds, build, run one target (default 600 s)
#   scripts/fuzz.sh all [SECONDS]         # every target, two at a time
#   scripts/fuzz.sh tmin TARGET FILE      # minimise a crashing input
#
# Targets: dockerfile shell compose commandline daemon config check (their
# bodies are in crates/dockhard-fuzz/src/lib.rs). Needs `rustup toolchain
# install nightly` and `cargo install cargo-fuzz`.
#
# Seeds go to fuzz/corpus/<target>/ (git-ignored), built from fixtures/ and,
# when present, ../shared/corpus; fuzz/regressions/<target>/ is read as a
# second corpus. Crashes, timeouts and out-of-memory inputs go to
# fuzz/artifacts/<target>/: minimise one with `tmin`, fix the code, and keep
# the minimised input in fuzz/regressions/<target>/ (`cargo test` replays it).
#
# Environment: CARGO_TARGET_DIR (default fuzz/target; the fuzz build goes in
# its `fuzz/` subfolder), JOBS (parallel fuzzers for `all`, default 2),
# STACK_KB (stack limit of the fuzzer, default 2048: a thirty-second of the
# 64 MiB threads `dockhard check` lints on, so that an input recursing
# deeper than its limits allow overflows here long before it would there),
# EXTRA (more libFuzzer options).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(dockerfile shell compose commandline daemon config check)
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/fuzz/target}/fuzz"
BIN_DIR="$TARGET_DIR/x86_64-unknown-linux-gnu/release"
JOBS="${JOBS:-2}"
STACK_KB="${STACK_KB:-2048}"

seeds() {
    local sources=(fixtures)
    [ -d ../shared/corpus ] && sources+=(../shared/corpus)
    cargo run --quiet -p dockhard-fuzz --bin fuzz-seeds -- fuzz/corpus "${sources[@]}"
}

build() {
    # -O: optimised; -a: debug assertions and overflow checks (an overflow
    # on user data is a bug); -s none: no sanitizer (the Rust code forbids
    # `unsafe`, and tree-sitter's C is not instrumented anyway): faster.
    cargo +nightly fuzz build -O -a -s none --target-dir "$TARGET_DIR" "$@"
}

# run TARGET SECONDS: libFuzzer with
#   -max_total_time  the time budget;
#   -timeout=5       an input taking over 5 s is a hang (a 256 KiB input
#                    takes milliseconds when parsing is linear);
#   -rss_limit_mb    memory blow-ups (alias bombs, expansions) are crashes;
#   -max_len         big enough for real files (seeds are at most 256 KiB);
#   -dict            keywords, keys and flags of the target's input;
#   -report_slow_units=1  prints inputs over 1 s (super-linear candidates).
run() {
    local target=$1 seconds=$2
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target" "fuzz/regressions/$target"
    (
        ulimit -s "$STACK_KB"
        # shellcheck disable=SC2086
        "$BIN_DIR/$target" \
            -max_total_time="$seconds" \
            -timeout=5 \
            -rss_limit_mb=2048 \
            -max_len=262144 \
            -dict="fuzz/dicts/$target.dict" \
            -report_slow_units=1 \
            -print_final_stats=1 \
            -artifact_prefix="fuzz/artifacts/$target/" \
            ${EXTRA:-} \
            "fuzz/corpus/$target" "fuzz/regressions/$target"
    ) 2>&1 | tee "fuzz/artifacts/$target.log" | grep -E '^(#[0-9]+ +(INITED|DONE|pulse)|==|SUMMARY|stat::|Done|Slow|thread|panicked)' || true
}

case "${1:-}" in
    seeds)
        seeds
        ;;
    build)
        build
        ;;
    run)
        # Only run (seeds and build already done).
        run "$2" "${3:-600}"
        ;;
    tmin)
        target=$2 file=$3
        (ulimit -s "$STACK_KB"; cargo +nightly fuzz tmin -O -a -s none --target-dir "$TARGET_DIR" \
            "$target" "$file" -- -timeout=5 -rss_limit_mb=2048)
        ;;
    all)
        seconds=${2:-600}
        seeds
        build
        pids=()
        for target in "${TARGETS[@]}"; do
            run "$target" "$seconds" &
            pids+=($!)
            if [ "${#pids[@]}" -ge "$JOBS" ]; then
                wait "${pids[0]}"
                pids=("${pids[@]:1}")
            fi
        done
        wait
        ;;
    dockerfile | shell | compose | commandline | daemon | config | check)
        seeds
        build "$1"
        run "$1" "${2:-600}"
        ;;
    *)
        sed -n '2,27p' "$0"
        exit 2
        ;;
esac
