#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need
# (a Python virtualenv with aws-sam-translator, cfn-lint and AWS's Serverless
# Rules for cfn-lint, cfn-lint-serverless, to validate
# exported templates), then runs them. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cargo-trigger/target}"
venv="${CARGO_TRIGGER_VENV:-$HOME/.cache/cargo-trigger/venv}"
stamp="$venv/.requirements"
if ! cmp -s scripts/requirements.txt "$stamp" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements.txt
    cp scripts/requirements.txt "$stamp"
fi
export CARGO_TRIGGER_VENV="$venv"
cargo test --locked "$@"
# The walk-through of adding a source (docs/architecture.md), on a copy of
# the tree: with the whole suite only.
if [ "$#" -eq 0 ]; then
    ./scripts/fifth-source.sh
fi
