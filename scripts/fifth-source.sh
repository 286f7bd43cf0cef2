#!/usr/bin/env bash
# The walk-through of docs/architecture.md ("How to add a source"), checked:
# a copy of the tree gets a fifth source (tests/fixtures/fifth-source: a
# CloudWatch Logs subscription) by exactly these additions -- its file, a
# variant of `Source`, its arm in `Source::spec` and its scaffold folder --
# then is built and driven through new, list, check, event and export, and
# the template is validated by AWS's translator and linter.
#
# Run by scripts/test.sh after `cargo test`, sharing its target directory
# (the copy's package and binary are renamed, so nothing of the real build
# is replaced). Exits non-zero, saying why, if any step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
target="${CARGO_TARGET_DIR:-$repo/target}"
venv="${CARGO_TRIGGER_VENV:-$HOME/.cache/cargo-trigger/venv}"
copy="$target/fifth-source/tree"
rm -rf "$copy"
mkdir -p "$copy"
cp -r Cargo.toml Cargo.lock build.rs src scaffolds "$copy/"

# 1-3. The source file, its variant and its arm; 4. its scaffold folder.
cp tests/fixtures/fifth-source/logs.rs "$copy/src/sources/logs.rs"
cp -r tests/fixtures/fifth-source/scaffolds/logs "$copy/scaffolds/logs"
python3 - "$copy" <<'PY'
import sys
root = sys.argv[1]
def edit(path, anchor, added):
    p = f"{root}/{path}"
    s = open(p).read()
    assert s.count(anchor) == 1, f"{path}: `{anchor}` not found once"
    open(p, "w").write(s.replace(anchor, anchor + added))
edit("src/model/mod.rs", "    Kinesis,\n", "    Logs,\n")
edit("src/sources/mod.rs", "pub mod kinesis;\n", "pub mod logs;\n")
edit("src/sources/mod.rs", "            Source::Kinesis => &kinesis::Kinesis,\n", "            Source::Logs => &logs::Logs,\n")
# Only so that the copy's build replaces nothing of the real one.
edit("Cargo.toml", '[[bin]]\nname = "cargo-trigger', "-five")
s = open(f"{root}/Cargo.toml").read()
s = s.replace('name = "cargo-trigger"\nversion', 'name = "cargo-trigger-five"\nversion', 1)
s = s.replace("[[bin]]", '[lib]\nname = "cargo_trigger"\npath = "src/lib.rs"\n\n[[bin]]', 1)
open(f"{root}/Cargo.toml", "w").write(s)
PY
echo "fifth source: the copy differs from the tree by:"
(cd "$copy" && diff -r -q "$repo/src" src; diff -r -q "$repo/scaffolds" scaffolds) | sed 's|^|  |' || true

cargo build --quiet --manifest-path "$copy/Cargo.toml" --target-dir "$target" --bin cargo-trigger-five
bin="$target/debug/cargo-trigger-five"

ws=$(mktemp -d)
trap 'rm -rf "$ws"' EXIT
run() { "$bin" trigger "$@" --manifest-path "$ws/Cargo.toml"; }
run new --source logs --log-group app-logs --filter-pattern ERROR --retention-days 14 -q
run new audit --source logs --arn 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/audit' -q
run list --format json > "$ws/list.json"
python3 - "$ws/list.json" <<'PY'
import json, sys
l = json.load(open(sys.argv[1]))
t = {x["name"]: x for x in l["triggers"]}
assert t["app-logs-logs-trigger"]["source"] == "logs", t
assert t["app-logs-logs-trigger"]["bindings"] == [{"log-group": "app-logs", "filter-pattern": "ERROR"}], t
assert l["resources"]["app-logs"] == {"type": "log-group", "retention-days": 14}, l["resources"]
PY
run check -q
"$bin" trigger event logs --message hi --message there > "$ws/event.json"
python3 - "$ws/event.json" <<'PY'
import base64, gzip, json, sys
e = json.load(open(sys.argv[1]))
d = json.loads(gzip.decompress(base64.b64decode(e["awslogs"]["data"])))
assert [x["message"] for x in d["logEvents"]] == ["hi", "there"], d
PY
test -f "$ws/triggers/app-logs-logs-trigger/events/messages.json"
for fmt in sam cloudformation; do
    run export --format "$fmt" -o "$ws/$fmt.yaml" -q
    "$venv/bin/python" scripts/validate_template.py "$ws/$fmt.yaml" > "$ws/$fmt.txt" || { cat "$ws/$fmt.txt"; exit 1; }
done
grep -q "Type: CloudWatchLogs" "$ws/sam.yaml"
grep -q "AWS::Logs::SubscriptionFilter" "$ws/cloudformation.yaml"
echo "fifth source: built, and new/list/check/event/export work with it"
