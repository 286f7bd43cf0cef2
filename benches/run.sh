#!/usr/bin/env bash
# Benchmarks, each against its baseline in the same run (see
# docs/benchmarks.md). Runs from a clean clone: installs hyperfine from
# Debian's packages if it is missing, builds cargo-trigger in release mode,
# then runs benches/bench.py. `--quick` for fewer runs and builds.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cargo-trigger/target}"
work="${BENCH_DIR:-$HOME/.cache/cargo-trigger/bench}"

missing=""
command -v hyperfine >/dev/null 2>&1 || missing="$missing hyperfine"
command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind"
if [ -n "$missing" ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq $missing >/dev/null
fi

cargo build --release --locked -q
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(cargo --version)"
python3 benches/bench.py --tool "$CARGO_TARGET_DIR/release/cargo-trigger" --work "$work" "$@"
