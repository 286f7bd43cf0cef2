//! An SQS trigger through `wire`, `list`, `grant`, `revoke` and `unwire`
//! (`tests/testsuite/wire/sqs_lifecycle/`): a second queue wired with
//! `--create --fifo`, listed (table and JSON), granted `send` (and refused
//! an access level queues do not have), revoked, and unwired with
//! `--prune`.

use crate::case;
use crate::support::case::Failures;

#[test]
fn sqs_lifecycle() {
    let case = case!()
        .setup(&["new", "--source", "sqs", "--queue", "jobs"])
        .setup(&["new", "--source", "kinesis", "--stream", "clicks"]);
    let mut failures = Failures::default();
    let steps: &[(&str, &[&str], i32)] = &[
        (
            "wire",
            &[
                "wire",
                "jobs-sqs-trigger",
                "--queue",
                "audit",
                "--create",
                "--fifo",
                "--resource-name",
                "audit-log",
                "--batch-size",
                "5",
            ],
            0,
        ),
        (
            "wire-error-fifo-batch",
            &["wire", "jobs-sqs-trigger", "--queue", "audit", "--batch-size", "11"],
            101,
        ),
        (
            "wire-error-other-source",
            &["wire", "clicks-kinesis-trigger", "--queue", "jobs"],
            101,
        ),
        ("list", &["list"], 0),
        ("list-json", &["list", "--format", "json"], 0),
        (
            "grant",
            &[
                "grant",
                "clicks-kinesis-trigger",
                "--resource",
                "jobs",
                "--access",
                "send",
            ],
            0,
        ),
        (
            "grant-read-write",
            &[
                "grant",
                "clicks-kinesis-trigger",
                "--resource",
                "audit",
                "--access",
                "read-write",
            ],
            0,
        ),
        (
            "grant-error-level",
            &[
                "grant",
                "clicks-kinesis-trigger",
                "--resource",
                "jobs",
                "--access",
                "publish",
            ],
            101,
        ),
        (
            "grant-error-kind-level",
            &["grant", "jobs-sqs-trigger", "--resource", "clicks", "--access", "send"],
            101,
        ),
        ("check", &["check"], 0),
        ("revoke", &["revoke", "clicks-kinesis-trigger", "--resource", "jobs"], 0),
        ("unwire", &["unwire", "jobs-sqs-trigger", "audit", "--prune"], 0),
    ];
    for (stem, args, code) in steps {
        failures.add(case.run(args).named(stem).check(*code));
    }
    failures.finish();
}
