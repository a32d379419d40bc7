#!/usr/bin/env bash
# Runs a fuzz target under AFL++ (afl.rs), niced, for a number of minutes:
#   fuzz/run.sh TARGET MINUTES      TARGET: message, configuration, api_command
#   fuzz/run.sh all MINUTES         each target in turn, MINUTES each
# The seed corpora are built from ExaBGP's qa data ($EXABGP_QA_DIR, else ../shared/exabgp-qa)
# into fuzz/out/corpus/; findings go to fuzz/out/TARGET/ (crashes/ and hangs/ under default/).
# A crash worth keeping is minimized (`cargo afl tmin`) into fuzz/regressions/TARGET/, which
# tests/fuzz_replay.rs replays in `cargo test`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
usage="usage: fuzz/run.sh message|configuration|api_command|all MINUTES"
[ $# -eq 2 ] || { echo "$usage" >&2; exit 2; }
target="$1"
minutes="$2"
case "$target" in
    message | configuration | api_command | all) ;;
    *) echo "$usage" >&2; exit 2 ;;
esac
[[ "$minutes" =~ ^[0-9]+$ ]] || { echo "$usage" >&2; exit 2; }

qa="${EXABGP_QA_DIR:-}"
if [ -z "$qa" ]; then
    for parent in "$repo/.." "$repo/../.."; do
        [ -d "$parent/shared/exabgp-qa/qa" ] && qa="$parent/shared/exabgp-qa" && break
    done
fi
[ -n "$qa" ] && [ -d "$qa/qa" ] || { echo "no ExaBGP qa data: set EXABGP_QA_DIR" >&2; exit 1; }

# cargo-afl of the afl crate's version (fuzz/Cargo.lock): its runtime is built per version
command -v cargo-afl >/dev/null || nice -n 19 cargo install --locked cargo-afl --version 0.18.2
cd "$here"
build_log=$(mktemp)
build() { nice -n 19 cargo afl build --release 2>&1 | tee "$build_log"; return "${PIPESTATUS[0]}"; }
if ! build; then
    # a fresh cargo-afl has no AFL++ runtime for this rustc yet: build it once (about a minute)
    grep -q "was not built" "$build_log" || exit 1
    nice -n 19 cargo afl config --build
    build
fi
rm -f "$build_log"
bin="$here/target/release"
out="$here/out"
rm -rf "$out/corpus"
"$bin/seeds" "$qa" "$repo" "$out/corpus"

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_AUTORESUME=1 AFL_NO_AFFINITY=1
run() {
    local name="$1"
    # the kept regressions are seeds too: the fuzzer starts from where past crashes were
    local seeds="$out/corpus/$name"
    cp -n "$here/regressions/$name/"* "$seeds/" 2>/dev/null || true
    echo "== $name: $minutes min, $(ls "$seeds" | wc -l) seeds"
    # -t: an input taking over 1 s is a hang; -V: stop after the time given
    nice -n 19 cargo afl fuzz -i "$seeds" -o "$out/$name" -t 1000 -V $((minutes * 60)) \
        -- "$bin/$name" >"$out/$name.log" 2>&1 || true
    local stats="$out/$name/default/fuzzer_stats"
    if [ -f "$stats" ]; then
        grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|edges_found|total_edges|saved_crashes|saved_hangs) ' "$stats"
    else
        tail -n 20 "$out/$name.log"
        return 1
    fi
    # a crash fails the run, its input printed so that it can be replayed from a CI log
    local crash found=0
    for crash in "$out/$name/default/crashes/"id:*; do
        [ -f "$crash" ] || continue
        found=1
        echo "crash: $crash"
        od -An -tx1 -v "$crash" | tr -d ' \n'
        echo
    done
    return "$found"
}
status=0
if [ "$target" = all ]; then
    for name in message configuration api_command; do run "$name" || status=1; done
else
    run "$target" || status=1
fi
exit "$status"
