//! `check` on SQS bindings (`tests/testsuite/check/sqs_*/`): both sides of
//! every rule — the visibility timeout against each function's timeout
//! (six times: a warning below; under the timeout: an error), several
//! functions on one queue, a FIFO queue's batch limits and window, the
//! window a big standard batch needs — and malformed SQS metadata.

use crate::case;
use crate::support::case::Case;

const ROOT: &str = r#"[workspace]
resolver = "3"
members = ["triggers/*"]

[workspace.metadata.trigger.resources.jobs]
type = "sqs-queue"
visibility-timeout-seconds = 180

[workspace.metadata.trigger.resources.slow]
type = "sqs-queue"
visibility-timeout-seconds = 60

# No visibility timeout: SQS's default, 30 s.
[workspace.metadata.trigger.resources.plain]
type = "sqs-queue"

[workspace.metadata.trigger.resources.ordered]
type = "sqs-queue"
fifo = true

[workspace.metadata.trigger.resources.contradiction]
type = "sqs-queue"
name = "mixed.fifo"
fifo = false

# An existing queue without a recorded visibility timeout: nothing to check.
[workspace.metadata.trigger.resources.partner]
type = "sqs-queue"
arn = "arn:aws:sqs:us-east-1:210987654321:partner-feed"
"#;

/// A trigger crate of `source` with `bindings` (TOML array-of-tables text)
/// and, if given, a cargo-lambda timeout.
fn member(case: Case, name: &str, timeout: Option<u32>, bindings: &str) -> Case {
    let lambda = timeout.map_or(String::new(), |t| {
        format!("\n[package.metadata.lambda.deploy]\ntimeout = {t}\n")
    });
    case.file(
        &format!("triggers/{name}/Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[package.metadata.trigger]\nsource = \"sqs\"\n{bindings}{lambda}"
        ),
    )
    .file(&format!("triggers/{name}/src/main.rs"), "fn main() {}\n")
}

#[test]
fn sqs_rules_both_sides() {
    let case = case!().file("Cargo.toml", ROOT);
    // 180 s is six times 30 s: no finding.
    let case = member(
        case,
        "first",
        Some(30),
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"jobs\"\n",
    );
    // 31 s needs 186 s: a warning; and a second function on `jobs`.
    let case = member(
        case,
        "second",
        Some(31),
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"jobs\"\n",
    );
    // 60 s visibility and a 60 s function: under six times (warning), not under once.
    let case = member(
        case,
        "equal",
        Some(60),
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"slow\"\n",
    );
    // SQS's default 30 s against the default 30 s timeout: a warning.
    let case = member(
        case,
        "defaults",
        None,
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"plain\"\n",
    );
    // A 31 s function on a 30 s queue: Lambda refuses the mapping.
    let case = member(
        case,
        "too-slow",
        Some(31),
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"plain\"\nbatch-size = 1\n",
    );
    // FIFO: 10 and no window pass; 11, and any window, do not.
    let case = member(
        case,
        "fifo-ok",
        Some(5),
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"ordered\"\nbatch-size = 10\nbatching-window-seconds = 0\n",
    );
    let case = member(
        case,
        "fifo-bad",
        Some(5),
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"ordered\"\nbatch-size = 11\nbatching-window-seconds = 2\n",
    );
    // Standard queues: over 10 needs a window; with one it passes.
    let case = member(
        case,
        "bulk-bad",
        Some(5),
        "\n[[package.metadata.trigger.bindings]]\narn = \"arn:aws:sqs:eu-west-1:123456789012:bulk\"\nbatch-size = 11\n",
    );
    let case = member(
        case,
        "bulk-ok",
        Some(5),
        "\n[[package.metadata.trigger.bindings]]\narn = \"arn:aws:sqs:eu-west-1:123456789012:bulk2\"\nbatch-size = 10000\nbatching-window-seconds = 1\n",
    );
    // An existing FIFO queue by ARN: its name says FIFO.
    let case = member(
        case,
        "fifo-arn",
        None,
        "\n[[package.metadata.trigger.bindings]]\narn = \"arn:aws:sqs:eu-west-1:123456789012:legacy.fifo\"\nbatch-size = 100\nbatching-window-seconds = 1\n",
    );
    let case = member(
        case,
        "mixed",
        Some(5),
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"contradiction\"\n",
    );
    let case = member(
        case,
        "partner",
        Some(900),
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"partner\"\n",
    );
    case.run(&["check"]).named("check").check(1).unwrap();
    case.run(&["check", "--format", "json"])
        .named("check-json")
        .check(1)
        .unwrap();
    // `wire` refuses what `check` reports as an error, and says the warnings.
    case.run(&["wire", "first", "--queue", "ordered", "--batch-size", "20"])
        .named("wire-fifo-batch")
        .check(101)
        .unwrap();
}

#[test]
fn sqs_malformed_metadata() {
    let case = case!().file(
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"triggers/*\"]\n\n[workspace.metadata.trigger.resources.jobs]\ntype = \"sqs-queue\"\nname = \"bad.name\"\nfifo = \"yes\"\nvisibility-timeout-seconds = 50000\nmax-receive-count = 0\nkms-key-arn = \"arn:aws:sqs:us-east-1:123456789012:key\"\nretention = 4\n",
    );
    let case = member(
        case,
        "broken",
        None,
        "\n[[package.metadata.trigger.bindings]]\nqueue = \"jobs\"\nbatch-size = 20000\nmaximum-concurrency = 1\nstarting-position = \"LATEST\"\n\n[[package.metadata.trigger.bindings]]\narn = \"arn:aws:sqs:eu-west-1:123456789012:a.b\"\n",
    );
    case.run(&["check"]).named("check").check(1).unwrap();
}
