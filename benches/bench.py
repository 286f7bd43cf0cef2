#!/usr/bin/env python3
"""cargo-trigger benchmarks, each against its baseline in the same run.

1. `list` and `check` on synthetic workspaces of 10, 100 and 500 members (a
   third of them trigger crates) against `cargo metadata --no-deps`.
2. `new --source s3` against `cargo new --lib` in the same workspace.
3. Cold `cargo build --release` time and stripped binary size of each
   generated scaffold against a minimal lambda_runtime echo function with the
   same dependency versions.
4. Cold start (process start to first response, through the local Runtime
   API of `cargo trigger invoke`) and handler time for a 1,000-record
   DynamoDB, Kinesis and SQS batch, against the echo function.

Usage: bench.py --tool PATH --work DIR [--quick] [--only 1,2,3,4] [--crates A,B]
(`--crates`: parts 3 and 4 for these generated functions only, and the echo
baselines.)
Writes DIR/results.json and prints every ratio.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sh(cmd, cwd=None, env=None, quiet=True):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=quiet, text=True)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stdout if quiet else ''}{r.stderr if quiet else ''}")
    return r


def hyperfine(commands, out, runs, prepare=None, warmup=2):
    args = ["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(runs), "--export-json", str(out)]
    if prepare:
        args = ["hyperfine", "--warmup", str(warmup), "--runs", str(runs), "--export-json", str(out), "--prepare", prepare]
    sh(args + commands, quiet=True)
    data = json.loads(Path(out).read_text())
    return [r["median"] for r in data["results"]]


def cpu_times(out):
    """Mean user+system time of each command of a hyperfine run (children
    included): steadier than wall time on a shared machine."""
    data = json.loads(Path(out).read_text())
    return [r["user"] + r["system"] for r in data["results"]]


# ---- 1. list / check vs cargo metadata --------------------------------------

def instructions(cmd, work):
    """Instructions executed by `cmd` and every process it starts, counted by
    callgrind: the same number run after run, whatever else the machine does."""
    out = work / "callgrind"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out}/cg.%p", *cmd],
        capture_output=True,
        check=True,
    )
    total = 0
    for f in out.iterdir():
        for line in f.read_text(errors="replace").splitlines():
            if line.startswith("totals:") or line.startswith("summary:"):
                total += int(line.split()[1])
                break
    return total

def synthetic_workspace(d: Path, n: int):
    if d.exists():
        shutil.rmtree(d)
    (d / "crates").mkdir(parents=True)
    root = ['[workspace]\nresolver = "3"\nmembers = ["crates/*"]\n']
    sources = ["s3", "dynamodb", "kinesis", "eventbridge", "sqs", "sns"]
    for i in range(n):
        c = d / "crates" / f"m{i:03}"
        (c / "src").mkdir(parents=True)
        (c / "src" / "main.rs").write_text("fn main() {}\n")
        manifest = f'[package]\nname = "m{i:03}"\nversion = "0.1.0"\nedition = "2024"\n'
        if i % 3 == 0:
            src = sources[(i // 3) % len(sources)]
            res = f"r{i:03}"
            kind = {"s3": "s3-bucket", "dynamodb": "dynamodb-table", "kinesis": "kinesis-stream", "eventbridge": "event-bus",
                    "sqs": "sqs-queue", "sns": "sns-topic"}[src]
            root.append(f'\n[workspace.metadata.trigger.resources.{res}]\ntype = "{kind}"\n')
            key = {"s3": "bucket", "dynamodb": "table", "kinesis": "stream", "eventbridge": "bus", "sqs": "queue", "sns": "topic"}[src]
            manifest += f'\n[package.metadata.trigger]\nsource = "{src}"\n\n[[package.metadata.trigger.bindings]]\n{key} = "{res}"\n'
            if src == "eventbridge":
                # A rule on the bus, and a schedule in a time zone.
                manifest += """pattern = '{"source": ["acme.orders"], "detail": {"total": [{"numeric": [">", 100]}]}}'\n"""
                manifest += '\n[[package.metadata.trigger.bindings]]\nschedule = "cron(0 9 ? * MON-FRI *)"\ntimezone = "Europe/Berlin"\n'
            manifest += '\n[package.metadata.lambda.deploy]\nmemory = 256\ntimeout = 10\n'
        (c / "Cargo.toml").write_text(manifest)
    (d / "Cargo.toml").write_text("".join(root))


def bench_metadata(tool, work, quick):
    rows = []
    for n in [10, 100, 500]:
        ws = work / f"ws-{n}"
        synthetic_workspace(ws, n)
        m = str(ws / "Cargo.toml")
        # Sanity: the workspace is clean, so `check` does the whole job.
        sh([tool, "trigger", "check", "--manifest-path", m])
        t = hyperfine(
            [
                f"cargo metadata --no-deps --format-version 1 --manifest-path {m}",
                f"{tool} trigger list --manifest-path {m}",
                f"{tool} trigger list --format json --manifest-path {m}",
                f"{tool} trigger check --manifest-path {m}",
            ],
            work / f"metadata-{n}.json",
            runs=5 if quick else 30,
        )
        cpu = cpu_times(work / f"metadata-{n}.json")
        ins = [
            instructions(["cargo", "metadata", "--no-deps", "--format-version", "1", "--manifest-path", m], work),
            instructions([tool, "trigger", "list", "--manifest-path", m], work),
            instructions([tool, "trigger", "check", "--manifest-path", m], work),
        ]
        base = t[0]
        rows.append({
            "members": n,
            "cargo_metadata_ms": base * 1000,
            "list_ms": t[1] * 1000,
            "list_json_ms": t[2] * 1000,
            "check_ms": t[3] * 1000,
            "list_ratio": t[1] / base,
            "check_ratio": t[3] / base,
            "cpu_ms": {"cargo_metadata": cpu[0] * 1000, "list": cpu[1] * 1000, "list_json": cpu[2] * 1000, "check": cpu[3] * 1000},
            "cpu_list_ratio": cpu[1] / cpu[0],
            "cpu_check_ratio": cpu[3] / cpu[0],
            "instructions": {"cargo_metadata": ins[0], "list": ins[1], "check": ins[2]},
            "instructions_list_ratio": ins[1] / ins[0],
            "instructions_check_ratio": ins[2] / ins[0],
        })
        print(f"  {n:>3} members: cargo metadata {base*1000:7.1f} ms | list {t[1]*1000:7.1f} ms ({t[1]/base:.2f}x) | "
              f"list --format json {t[2]*1000:7.1f} ms ({t[2]/base:.2f}x) | check {t[3]*1000:7.1f} ms ({t[3]/base:.2f}x)")
        print(f"      CPU (user+sys): cargo metadata {cpu[0]*1000:7.1f} ms | list {cpu[1]/cpu[0]:.2f}x | "
              f"list --format json {cpu[2]/cpu[0]:.2f}x | check {cpu[3]/cpu[0]:.2f}x")
        print(f"      instructions (callgrind): cargo metadata {ins[0]/1e6:7.1f} M | list {ins[1]/ins[0]:.2f}x | "
              f"check {ins[2]/ins[0]:.2f}x")
    return rows


# ---- 2. new vs cargo new ----------------------------------------------------

def bench_new(tool, work, quick):
    ws = work / "ws-new"
    synthetic_workspace(ws, 10)
    shutil.copy(ws / "Cargo.toml", ws / "Cargo.toml.orig")
    m = ws / "Cargo.toml"
    prepare = f"cp {ws}/Cargo.toml.orig {m} && rm -rf {ws}/triggers {ws}/crates/bench-lib"
    t = hyperfine(
        [
            f"cargo new --lib --vcs none --quiet {ws}/crates/bench-lib",
            f"{tool} trigger new bench-new --source s3 --bucket bench-bucket -q --manifest-path {m}",
        ],
        work / "new.json",
        runs=5 if quick else 20,
        prepare=prepare,
    )
    sh(["sh", "-c", prepare])
    print(f"  cargo new --lib {t[0]*1000:.1f} ms | cargo trigger new --source s3 {t[1]*1000:.1f} ms ({t[1]/t[0]:.2f}x)")
    return {"cargo_new_ms": t[0] * 1000, "trigger_new_ms": t[1] * 1000, "ratio": t[1] / t[0]}


# ---- 3 and 4. generated functions ------------------------------------------

# The same echo, with the logging every generated function sets up (the
# spec's `tracing::init_default_subscriber()` and one line per event): it
# tells what of a scaffold's cost is logging.
ECHO_LOGGING_MAIN = """use lambda_runtime::{Error, LambdaEvent, run, service_fn, tracing};
use serde_json::Value;

async fn echo(event: LambdaEvent<Value>) -> Result<Value, Error> {
    tracing::info!(request = %event.context.request_id, "echo");
    Ok(event.payload)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    run(service_fn(echo)).await
}
"""

ECHO_MAIN = """use lambda_runtime::{Error, LambdaEvent, run, service_fn};
use serde_json::Value;

async fn echo(event: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(event.payload)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(echo)).await
}
"""

CRATES = [
    # (name, new args, sdk?)
    ("photos-s3-trigger", ["--source", "s3", "--bucket", "photos"], False),
    ("todos-dynamodb-trigger", ["--source", "dynamodb", "--table", "todos"], False),
    ("clicks-kinesis-trigger", ["--source", "kinesis", "--stream", "clicks"], False),
    ("orders-eventbridge-trigger", ["orders-eventbridge-trigger", "--source", "eventbridge", "--pattern",
                                    '{"source": ["acme.orders"], "detail-type": ["Order Placed"]}'], False),
    ("nightly-eventbridge-trigger", ["nightly-eventbridge-trigger", "--source", "eventbridge", "--schedule",
                                     "cron(0 2 * * ? *)", "--timezone", "Europe/Berlin"], False),
    ("users-pre-sign-up", ["--source", "cognito", "--event", "pre-sign-up", "--module", "email-deny-list",
                           "--set", "DOMAIN_DENY_LIST=mailinator.com", "--user-pool", "users"], False),
    ("members-post-confirmation", ["--source", "cognito", "--event", "post-confirmation", "--module", "add-to-group",
                                   "--set", "GROUP=customers", "--user-pool", "members"], True),
    ("mail-custom-email-sender", ["--source", "cognito", "--event", "custom-email-sender", "--user-pool", "mail"], True),
    ("jobs-sqs-trigger", ["--source", "sqs", "--queue", "jobs"], False),
    ("news-sns-trigger", ["--source", "sns", "--topic", "news"], False),
]


def functions_workspace(tool, work):
    ws = work / "functions"
    if ws.exists():
        shutil.rmtree(ws)
    ws.mkdir(parents=True)
    for _, args, _ in CRATES:
        sh([tool, "trigger", "new", "-q", *args], cwd=ws)
    # The echo function: the same lambda_runtime, serde_json and tokio lines.
    deps = {}
    for line in (ws / "triggers/clicks-kinesis-trigger/Cargo.toml").read_text().splitlines():
        for name in ("lambda_runtime", "serde_json", "tokio"):
            if line.startswith(name + " "):
                deps[name] = line
    for name, main in [("echo", ECHO_MAIN), ("echo-logging", ECHO_LOGGING_MAIN)]:
        echo = ws / name
        (echo / "src").mkdir(parents=True)
        (echo / "src/main.rs").write_text(main)
        (echo / "Cargo.toml").write_text(
            f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n'
            + "\n".join(deps[k] for k in sorted(deps)) + "\n"
        )
        text = (ws / "Cargo.toml").read_text().replace('members = [', f'members = ["{name}", ', 1)
        (ws / "Cargo.toml").write_text(text)
        sh([tool, "trigger", "wire", name, "-q", "--source", "kinesis", "--stream", f"{name}-stream", "--create"], cwd=ws)
    shutil.copy(ROOT / "tests/fixtures/generated/Cargo.lock", ws / "Cargo.lock")
    sh(["cargo", "fetch", "-q"], cwd=ws)
    return ws


def bench_builds(ws, quick, crates=None):
    rows = {}
    # The release settings `cargo lambda build` applies when the workspace
    # sets none: what a deployed function is built with.
    env = dict(
        os.environ,
        CARGO_PROFILE_RELEASE_STRIP="symbols",
        CARGO_PROFILE_RELEASE_LTO="thin",
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS="1",
        CARGO_PROFILE_RELEASE_PANIC="abort",
        CARGO_TERM_COLOR="never",
    )
    names = ["echo", "echo-logging"] + [c[0] for c in CRATES]
    if quick:
        names = ["echo", "echo-logging", "photos-s3-trigger"]
    if crates:
        names = ["echo", "echo-logging"] + [n for n in names[2:] if n in crates]
    for name in names:
        target = ws / f"target-{name}"
        if target.exists():
            shutil.rmtree(target)
        env["CARGO_TARGET_DIR"] = str(target)
        start = time.monotonic()
        sh(["cargo", "build", "--release", "-q", "-p", name], cwd=ws, env=env)
        secs = time.monotonic() - start
        size = (target / "release" / name).stat().st_size
        rows[name] = {"build_s": secs, "binary_bytes": size, "binary": str(target / "release" / name)}
        print(f"  {name:<26} cold release build {secs:6.1f} s, stripped binary {size/1024/1024:5.2f} MiB")
    base = rows["echo"]
    logging = rows["echo-logging"]
    for name, r in rows.items():
        r["build_ratio"] = r["build_s"] / base["build_s"]
        r["size_ratio"] = r["binary_bytes"] / base["binary_bytes"]
        r["size_ratio_vs_echo_logging"] = r["binary_bytes"] / logging["binary_bytes"]
        print(f"  {name:<26} vs echo: build {r['build_ratio']:.2f}x, size {r['size_ratio']:.2f}x"
              f" (vs echo with logging: size {r['size_ratio_vs_echo_logging']:.2f}x)")
    return rows


def median_invoke(tool, ws, krate, binary, event, runs, env_extra=()):
    times = []
    handler = []
    for _ in range(runs):
        args = [tool, "trigger", "invoke", krate, "--binary", binary, "--event", str(event), "--timing", "-q"]
        for e in env_extra:
            args += ["--env", e]
        r = subprocess.run(args, cwd=ws, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"invoke {krate} failed:\n{r.stderr}")
        line = next(l for l in r.stderr.splitlines() if l.startswith("timing: "))
        t = json.loads(line[len("timing: "):])
        times.append(t["start_to_response_ms"])
        handler.append(t["event_to_response_ms"])
    return statistics.median(times), statistics.median(handler)


def bench_runtime(tool, ws, builds, quick):
    runs = 5 if quick else 25
    ev = ws / "events"
    ev.mkdir(exist_ok=True)

    def event(name, args):
        path = ev / f"{name}.json"
        path.write_text(sh([tool, "trigger", "event", *args], cwd=ws).stdout)
        return path

    events = {
        "photos-s3-trigger": event("s3", ["--for", "photos-s3-trigger"]),
        "users-pre-sign-up": event("presignup", ["--for", "users-pre-sign-up"]),
        "todos-dynamodb-trigger": event("dynamodb-1000", ["dynamodb", "insert", "--table", "todos", "--records", "1000",
                                                          "--new-image", '{"id": "todo-1", "title": "Write the handler", "done": false}']),
        "clicks-kinesis-trigger": event("kinesis-1000", ["kinesis", "--stream", "clicks", "--records", "1000",
                                                         "--data", '{"id": "evt-1", "action": "click"}']),
        "jobs-sqs-trigger": event("sqs-1000", ["sqs", "--queue", "jobs", "--records", "1000",
                                               "--body", '{"id": "job-1", "action": "resize"}']),
        "news-sns-trigger": event("sns", ["--for", "news-sns-trigger"]),
        "orders-eventbridge-trigger": event("eventbridge", ["--for", "orders-eventbridge-trigger"]),
        "nightly-eventbridge-trigger": event("scheduled", ["--for", "nightly-eventbridge-trigger"]),
    }
    rows = {}
    for krate, path in events.items():
        if krate not in builds:
            continue
        fn = median_invoke(tool, ws, krate, builds[krate]["binary"], path, runs)
        base = median_invoke(tool, ws, "echo", builds["echo"]["binary"], path, runs)
        logging = median_invoke(tool, ws, "echo-logging", builds["echo-logging"]["binary"], path, runs)
        rows[krate] = {
            "event": path.name,
            "start_to_response_ms": fn[0],
            "handler_ms": fn[1],
            "echo_start_to_response_ms": base[0],
            "echo_handler_ms": base[1],
            "echo_logging_start_to_response_ms": logging[0],
            "cold_start_ratio": fn[0] / base[0],
            "cold_start_ratio_vs_echo_logging": fn[0] / logging[0],
        }
        print(f"  {krate:<26} {path.name:<18} start→response {fn[0]:6.2f} ms (echo {base[0]:6.2f} ms, {fn[0]/base[0]:.2f}x;"
              f" echo with logging {logging[0]:6.2f} ms, {fn[0]/logging[0]:.2f}x) | handler {fn[1]:6.2f} ms (echo {base[1]:6.2f} ms)")
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tool", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default="1,2,3,4")
    # Only these generated functions in parts 3 and 4 (the echo baselines always).
    p.add_argument("--crates", default="")
    a = p.parse_args()
    tool = str(Path(a.tool).resolve())
    work = Path(a.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    only = set(a.only.split(","))
    results = {"date": time.strftime("%Y-%m-%d"), "quick": a.quick}
    if "1" in only:
        print("1. list / check against cargo metadata --no-deps (medians)")
        results["metadata"] = bench_metadata(tool, work, a.quick)
    if "2" in only:
        print("2. new --source s3 against cargo new --lib")
        results["new"] = bench_new(tool, work, a.quick)
    if "3" in only or "4" in only:
        ws = functions_workspace(tool, work)
        print("3. cold release builds and stripped sizes (one build each)")
        builds = bench_builds(ws, a.quick, set(filter(None, a.crates.split(","))))
        results["builds"] = {k: {kk: vv for kk, vv in v.items() if kk != "binary"} for k, v in builds.items()}
        if "4" in only:
            print("4. cold start and handler time through the local Runtime API (medians)")
            results["runtime"] = bench_runtime(tool, ws, builds, a.quick)
    (work / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {work / 'results.json'}")


if __name__ == "__main__":
    main()
