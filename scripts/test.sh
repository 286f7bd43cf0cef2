#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need,
# then runs them. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cargo-trigger/target}"
cargo test --locked "$@"
