//! Interactive `new` and `wire`, driven in a real pseudo-terminal: the questions come in
//! Amplify's order, fill the same options as the flags, and the printed
//! equivalent command line reproduces the same files.
#![cfg(unix)]

use crate::support;

use std::path::Path;
use std::process::{Command, Stdio};

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

mod names;

const ENTER: &str = "\r";
const DOWN: &str = "\x1b[B";
const SPACE: &str = " ";
const ESC: &str = "\x1b";

fn spawn(dir: &Path, args: &[&str], editor: Option<&Path>) -> PtySession {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cargo-trigger"));
    c.arg("trigger").args(args).current_dir(dir);
    c.env("NO_COLOR", "1").env("TERM", "xterm").env_remove("VISUAL");
    match editor {
        Some(e) => c.env("EDITOR", e),
        None => c.env_remove("EDITOR"),
    };
    spawn_command(c, Some(30_000)).unwrap()
}

fn send(p: &mut PtySession, keys: &str) {
    p.send(keys).unwrap();
    p.flush().unwrap();
}

/// Wait for a question, then answer it.
fn answer(p: &mut PtySession, question: &str, keys: &str) {
    p.exp_string(question)
        .unwrap_or_else(|e| panic!("waiting for {question:?}: {e}"));
    send(p, keys);
}

fn finish(mut p: PtySession) -> (String, i32) {
    let out = p.exp_eof().unwrap();
    let code = match p.process().wait().unwrap() {
        WaitStatus::Exited(_, c) => c,
        other => panic!("{other:?}"),
    };
    (out, code)
}

/// The `cargo trigger new …` line the run printed, run in `dir` without a
/// terminal.
fn replay(output: &str, dir: &Path) {
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
}

#[test]
fn s3_flow_with_a_new_bucket_and_its_equivalent_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn(dir.path(), &["new"], None);
    answer(&mut p, "Which event source?", &format!("s3{ENTER}"));
    answer(&mut p, "Which bucket?", ENTER); // Declare a new s3-bucket
    answer(&mut p, "Name of the new s3-bucket", &format!("photos{ENTER}"));
    answer(&mut p, "Which object events?", ENTER); // the defaults: created and removed
    answer(&mut p, "(prefix)?", &format!("uploads/{ENTER}"));
    answer(&mut p, "(suffix)?", &format!(".jpg{ENTER}"));
    answer(&mut p, "edit the handler", &format!("n{ENTER}"));
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    let manifest = support::read(dir.path(), "triggers/photos-s3-trigger/Cargo.toml");
    assert!(
        manifest.contains("prefix = \"uploads/\"\nsuffix = \".jpg\""),
        "{manifest}"
    );

    let again = tempfile::tempdir().unwrap();
    replay(&out, again.path());
    assert_eq!(support::snapshot(again.path()), support::snapshot(dir.path()));
}

#[test]
fn dynamodb_flow_picks_a_declared_table() {
    let declared = |dir: &Path| {
        std::fs::write(
            dir.join("Cargo.toml"),
            "[workspace]\nmembers = []\n\n[workspace.metadata.trigger.resources.todos]\ntype = \"dynamodb-table\"\nstream-view = \"NEW_AND_OLD_IMAGES\"\n",
        )
        .unwrap();
    };
    let dir = tempfile::tempdir().unwrap();
    declared(dir.path());
    let mut p = spawn(dir.path(), &["new", "--source", "dynamodb"], None);
    answer(&mut p, "Which table's stream?", ENTER); // todos, the first choice
    answer(&mut p, "Start reading from?", &format!("{DOWN}{ENTER}")); // TRIM_HORIZON
    answer(&mut p, "Records per batch?", &format!("\x7f\x7f\x7f50{ENTER}"));
    answer(&mut p, "edit the handler", ENTER);
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    let manifest = support::read(dir.path(), "triggers/todos-dynamodb-trigger/Cargo.toml");
    assert!(
        manifest.contains("table = \"todos\"\nstarting-position = \"TRIM_HORIZON\"\nbatch-size = 50\n"),
        "{manifest}"
    );
    assert!(
        out.contains("--table todos --starting-position TRIM_HORIZON --batch-size 50"),
        "{out}"
    );
    let again = tempfile::tempdir().unwrap();
    declared(again.path());
    replay(&out, again.path());
    assert_eq!(support::snapshot(again.path()), support::snapshot(dir.path()));
}

#[test]
fn wire_asks_how_to_adopt_a_plain_crate_and_prints_its_command() {
    // A Lambda function that cargo-trigger did not scaffold.
    let plain = |dir: &Path| {
        std::fs::create_dir_all(dir.join("crates/orders/src")).unwrap();
        std::fs::write(
            dir.join("crates/orders/Cargo.toml"),
            "[package]\nname = \"orders\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("crates/orders/src/main.rs"), "fn main() {}\n").unwrap();
    };
    let ws = support::workspace("virtual");
    plain(ws.path());
    let before = support::snapshot(ws.path());
    let mut p = spawn(ws.path(), &["wire", "orders"], None);
    answer(
        &mut p,
        "`orders` is not a trigger crate yet",
        &format!("cognito{ENTER}"),
    );
    answer(&mut p, "Which trigger does it handle?", &format!("pre-token{ENTER}"));
    answer(&mut p, "event version?", &format!("{DOWN}{ENTER}")); // v2
    answer(&mut p, "Which user pool?", ENTER); // users, the declared pool
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    let manifest = support::read(ws.path(), "crates/orders/Cargo.toml");
    assert!(
        manifest.contains("source = \"cognito\"\nevent = \"pre-token-generation\"\ntoken-version = \"v2\""),
        "{manifest}"
    );
    assert!(manifest.contains("user-pool = \"users\""), "{manifest}");
    assert!(
        out.contains(
            "cargo trigger wire orders --source cognito --event pre-token-generation --token-version v2 --user-pool users"
        ),
        "{out}"
    );

    let again = support::workspace("virtual");
    plain(again.path());
    assert_eq!(support::snapshot(again.path()), before);
    replay(&out, again.path());
    assert_eq!(support::snapshot(again.path()), support::snapshot(ws.path()));
}

#[test]
fn cognito_captcha_flow_then_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let editor = dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nprintf '// edited in the editor\\n' >> \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let ws = dir.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    let mut p = spawn(&ws, &["new", "--source", "cognito"], Some(&editor));
    answer(
        &mut p,
        "enable any of these capabilities?",
        &format!("reCaptcha{SPACE}{ENTER}"),
    );
    // The modules' settings, from their scaffold manifests (the secret is not asked).
    answer(&mut p, "site key", &format!("site-key-1{ENTER}"));
    answer(&mut p, "siteverify", ENTER);
    answer(&mut p, "lowest score", &format!("0.5{ENTER}"));
    answer(&mut p, "action", &format!("login{ENTER}"));
    answer(&mut p, "Host name", ENTER);
    answer(&mut p, "Which user pool?", ENTER); // Declare a new one
    answer(&mut p, "Name of the new cognito-user-pool", &format!("users{ENTER}"));
    answer(&mut p, "edit the module", &format!("y{ENTER}"));
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    for event in [
        "define-auth-challenge",
        "create-auth-challenge",
        "verify-auth-challenge-response",
    ] {
        assert!(ws.join(format!("triggers/users-{event}")).is_dir(), "{event}: {out}");
    }
    let verify = support::read(&ws, "triggers/users-verify-auth-challenge-response/Cargo.toml");
    assert!(verify.contains("RECAPTCHA_MIN_SCORE = \"0.5\""), "{verify}");
    assert!(!verify.contains("RECAPTCHA_SECRET"), "{verify}");
    let module = support::read(
        &ws,
        "triggers/users-verify-auth-challenge-response/src/modules/captcha_verify.rs",
    );
    assert!(
        module.ends_with("// edited in the editor\n"),
        "the editor did not run on the module"
    );

    // The printed command makes the same crates (without the editor's line).
    let again = tempfile::tempdir().unwrap();
    replay(&out, again.path());
    let mut expected = support::snapshot(&ws);
    for bytes in expected.values_mut() {
        if let Some(kept) = bytes.strip_suffix(b"// edited in the editor\n") {
            *bytes = kept.to_vec();
        }
    }
    assert_eq!(support::snapshot(again.path()), expected);
}

#[test]
fn cancelling_midway_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    let before = support::snapshot(dir.path());
    let mut p = spawn(dir.path(), &["new"], None);
    answer(&mut p, "Which event source?", &format!("kinesis{ENTER}"));
    answer(&mut p, "Which stream?", ESC);
    let (out, code) = finish(p);
    assert_eq!(code, 130, "{out}");
    assert!(out.contains("cancelled: nothing was written"), "{out}");
    assert_eq!(support::snapshot(dir.path()), before);

    let mut p = spawn(dir.path(), &["new", "--source", "s3"], None);
    p.exp_string("Which bucket?").unwrap();
    p.send_control('c').unwrap();
    let (_, code) = finish(p);
    assert_eq!(code, 130);
    assert_eq!(support::snapshot(dir.path()), before);
}

#[test]
fn without_a_terminal_a_missing_value_fails_fast_with_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = support::cmd(dir.path(), &["new", "--source", "s3"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(started.elapsed().as_secs() < 20);
    assert_eq!(out.status.code(), Some(101));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--bucket NAME"), "{err}");
    // `--yes` takes the defaults instead.
    let r = support::run(dir.path(), &["new", "--source", "s3", "--yes"]).success();
    assert!(r.stderr.contains("resource `uploads`"), "{}", r.stderr);
}

mod cognito_federation;
mod sns;
mod sqs;
