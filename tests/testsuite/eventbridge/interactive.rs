//! Interactive `new` and `wire` for EventBridge, in a real pseudo-terminal:
//! which kind of trigger first, then only that kind's questions (a schedule
//! has no bus); a bad answer is refused with the engine's message; the
//! printed command makes the same files.

use std::path::Path;
use std::process::{Command, Stdio};

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::support;

const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";

fn spawn(dir: &Path, args: &[&str]) -> PtySession {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cargo-trigger"));
    c.arg("trigger").args(args).current_dir(dir);
    c.env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("VISUAL")
        .env_remove("EDITOR");
    spawn_command(c, Some(30_000)).unwrap()
}

fn answer(p: &mut PtySession, question: &str, keys: &str) {
    p.exp_string(question)
        .unwrap_or_else(|e| panic!("waiting for {question:?}: {e}"));
    p.send(keys).unwrap();
    p.flush().unwrap();
}

fn finish(mut p: PtySession) -> (String, i32) {
    let out = p.exp_eof().unwrap();
    let code = match p.process().wait().unwrap() {
        WaitStatus::Exited(_, c) => c,
        other => panic!("{other:?}"),
    };
    (out, code)
}

/// Run the printed equivalent command in `dir`, without a terminal.
fn replay(output: &str, dir: &Path) -> String {
    let line = output
        .lines()
        .find_map(|l| l.split("the same, without questions: ").nth(1))
        .unwrap_or_else(|| panic!("no equivalent command in:\n{output}"))
        .trim()
        .to_string();
    let args = line.strip_prefix("cargo trigger ").expect("a cargo trigger command");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("\"$BIN\" trigger {args} -q"))
        .env("BIN", env!("CARGO_BIN_EXE_cargo-trigger"))
        .current_dir(dir)
        .stdin(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "replaying `{line}` failed");
    line
}

#[test]
fn a_schedule_asks_for_its_expression_and_zone_and_no_bus() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn(dir.path(), &["new", "nightly"]);
    answer(&mut p, "Which event source?", &format!("eventbridge{ENTER}"));
    answer(&mut p, "How is the EventBridge trigger run?", ENTER); // On a schedule
    // A bad expression is refused with the engine's message; then a good one.
    answer(&mut p, "Schedule expression", &format!("cron(0 2 * * * *){ENTER}"));
    p.exp_string("day-of-month and day-of-week can't both be set").unwrap();
    answer(
        &mut p,
        "`?` in the other",
        &format!("{}cron(0 2 * * ? *){ENTER}", "\x7f".repeat(17)),
    );
    answer(&mut p, "Time zone", &format!("Europe/Berlin{ENTER}"));
    answer(&mut p, "Do you want to edit the handler", &format!("n{ENTER}"));
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("Which event bus"), "{out}");
    let manifest = support::read(dir.path(), "triggers/nightly/Cargo.toml");
    assert!(
        manifest.contains(
            "[[package.metadata.trigger.bindings]]\nschedule = \"cron(0 2 * * ? *)\"\ntimezone = \"Europe/Berlin\"\n"
        ),
        "{manifest}"
    );
    let again = tempfile::tempdir().unwrap();
    let line = replay(&out, again.path());
    assert_eq!(
        line,
        "cargo trigger new nightly --source eventbridge --schedule 'cron(0 2 * * ? *)' --timezone Europe/Berlin"
    );
    assert_eq!(support::snapshot(again.path()), support::snapshot(dir.path()));
}

#[test]
fn a_rule_asks_for_its_bus_and_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn(dir.path(), &["new", "--source", "eventbridge"]);
    answer(&mut p, "How is the EventBridge trigger run?", &format!("{DOWN}{ENTER}")); // a rule
    // The default bus, a new bus, or an existing one by ARN.
    answer(
        &mut p,
        "Which event bus does the rule listen on?",
        &format!("{DOWN}{ENTER}"),
    );
    answer(&mut p, "Name of the new event-bus", &format!("orders{ENTER}"));
    answer(&mut p, "Event pattern", &format!("{{\"source\": \"acme\"}}{ENTER}"));
    p.exp_string("must be an array").unwrap();
    answer(
        &mut p,
        "help:",
        &format!("{}{{\"source\": [\"acme.orders\"]}}{ENTER}", "\x7f".repeat(18)),
    );
    answer(&mut p, "Do you want to edit the handler", &format!("n{ENTER}"));
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    let manifest = support::read(dir.path(), "triggers/acme-orders-eventbridge-trigger/Cargo.toml");
    assert!(
        manifest.contains("bus = \"orders\"\npattern = '{\"source\": [\"acme.orders\"]}'\n"),
        "{manifest}"
    );
    let root = support::read(dir.path(), "Cargo.toml");
    assert!(
        root.contains("[workspace.metadata.trigger.resources.orders]\ntype = \"event-bus\""),
        "{root}"
    );
    let again = tempfile::tempdir().unwrap();
    replay(&out, again.path());
    assert_eq!(support::snapshot(again.path()), support::snapshot(dir.path()));
}

#[test]
fn wire_asks_only_what_the_flags_leave_out() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    support::new(ws, &["jobs", "--source", "eventbridge", "--schedule", "rate(1 day)"]);
    // With the kind given, only its questions: a rule on the default bus.
    let mut p = spawn(ws, &["wire", "jobs", "--pattern", r#"{"source": ["acme.jobs"]}"#]);
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains('?'), "nothing to ask:\n{out}");
    // Without: which kind, then its questions.
    p = spawn(ws, &["wire", "jobs"]);
    answer(&mut p, "How is the EventBridge trigger run?", ENTER);
    answer(&mut p, "Schedule expression", &format!("rate(2 hours){ENTER}"));
    answer(&mut p, "Time zone", ENTER);
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("cargo trigger wire jobs --schedule 'rate(2 hours)'"),
        "{out}"
    );
    let manifest = support::read(ws, "triggers/jobs/Cargo.toml");
    assert!(
        manifest.contains("[[package.metadata.trigger.bindings]]\nschedule = \"rate(2 hours)\"\n\n[dependencies]"),
        "{manifest}"
    );
}
