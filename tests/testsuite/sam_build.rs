//! `sam build` — SAM CLI's own `rust-cargolambda` builder, which runs
//! cargo-lambda — builds the template `export` writes: every function's
//! `bootstrap` ends up where `sam deploy` packages it from. SAM CLI,
//! cargo-lambda and zig come from PyPI (scripts/requirements.txt, in the
//! venv scripts/test.sh makes).
//!
//! The release builds go to one target directory kept between runs
//! (`CARGO_TRIGGER_SAM_TARGET`, else beside the scaffolds' target), so only
//! the first run compiles the dependencies.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support;

/// The venv's `bin/`, with `sam`, `cargo-lambda` and `python-zig`.
fn venv_bin() -> PathBuf {
    let bin = support::python().parent().expect("bin/").to_path_buf();
    for tool in ["sam", "cargo-lambda"] {
        assert!(
            bin.join(tool).is_file(),
            "{} is missing: run ./scripts/test.sh, which installs SAM CLI and cargo-lambda",
            bin.join(tool).display()
        );
    }
    bin
}

fn sam_target() -> PathBuf {
    let target = std::env::var_os("CARGO_TRIGGER_SAM_TARGET")
        .map(PathBuf::from)
        .unwrap_or_else(|| support::shared_target().with_file_name("sam-target"));
    // What earlier runs built for their (differently placed) workspaces.
    support::prune_generated(&target.join("x86_64-unknown-linux-gnu/release"));
    target
}

/// Is `path` an x86-64 ELF executable (what Lambda's `provided.al2023`
/// runs)?
fn is_x86_64_elf(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    // ELF magic, 64-bit, and e_machine 0x3e (x86-64) at offset 18.
    bytes.len() > 20 && bytes[..4] == *b"\x7fELF" && bytes[4] == 2 && bytes[18] == 0x3e && bytes[19] == 0
}

#[test]
fn sam_build_builds_every_exported_function() {
    let bin = venv_bin();
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    support::new(ws, &["--source", "s3", "--bucket", "photos"]);
    support::new(ws, &["--source", "sqs", "--queue", "jobs"]);
    support::new(
        ws,
        &["nightly", "--source", "eventbridge", "--schedule", "cron(0 2 * * ? *)"],
    );
    support::new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--set",
            "DOMAIN_DENY_LIST=mailinator.com",
            "--user-pool",
            "users",
        ],
    );
    // The versions every generated crate is built with elsewhere in the suite.
    support::use_generated_lock(ws);
    support::run(ws, &["export", "-o", "template.yaml"]).success();

    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let out = {
        let _turn = support::shared_target_lock();
        Command::new(bin.join("sam"))
            .args(["build", "--beta-features", "--template", "template.yaml"])
            .current_dir(ws)
            .env("PATH", path)
            .env("CARGO_TARGET_DIR", sam_target())
            .env("SAM_CLI_TELEMETRY", "0")
            .env("SAM_CLI_CONTACT_TELEMETRY", "0")
            .output()
            .unwrap()
    };
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "sam build failed:\n{log}");
    assert!(log.contains("Build Succeeded"), "{log}");

    // Every function of the template has its bootstrap in the build.
    let template = std::fs::read_to_string(ws.join("template.yaml")).unwrap();
    let functions: Vec<&str> = template
        .lines()
        .zip(template.lines().skip(1))
        .filter(|(_, next)| next.trim() == "Type: AWS::Serverless::Function")
        .map(|(name, _)| name.trim().trim_end_matches(':'))
        .collect();
    assert_eq!(functions.len(), 4, "{template}");
    for f in &functions {
        let bootstrap = ws.join(".aws-sam/build").join(f).join("bootstrap");
        assert!(
            is_x86_64_elf(&bootstrap),
            "{} is not an x86-64 executable\n{log}",
            bootstrap.display()
        );
    }
    // The built template points each function at its build.
    let built = std::fs::read_to_string(ws.join(".aws-sam/build/template.yaml")).unwrap();
    for f in &functions {
        assert!(built.contains(&format!("CodeUri: {f}")), "{f}:\n{built}");
    }
}
