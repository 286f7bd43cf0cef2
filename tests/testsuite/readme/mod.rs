//! The README's examples, run so that the README cannot drift: its `console`
//! blocks by trycmd (`README.md` here is a symlink to the README; the
//! commands run in a fresh folder and `README.out/` holds files they must
//! write), its `sh` blocks' `cargo trigger` commands in order, and every
//! `--flag` it names must be one that some command's `--help` lists.
//! `TRYCMD=overwrite` rewrites the README's console output.

use std::path::{Path, PathBuf};

use crate::support::case::command;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

#[test]
fn console_examples() {
    // Without `README.out/`, trycmd would run the commands in this repository.
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite/readme/README.out");
    assert!(out.join("Cargo.toml").is_file(), "{} is missing", out.display());
    trycmd::TestCases::new()
        .register_bin(
            "cargo",
            trycmd::schema::Bin::Path(PathBuf::from(env!("CARGO_BIN_EXE_cargo-trigger"))),
        )
        .env("NO_COLOR", "1")
        .env("CARGO_TERM_COLOR", "never")
        .case("tests/testsuite/readme/README.md");
}

/// The fenced blocks of `text` whose info string is `lang`.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<Vec<&'a str>> {
    let mut out = Vec::new();
    // Inside a fence: Some(lines) if it is one of ours, None if another.
    let mut current: Option<Option<Vec<&str>>> = None;
    for line in text.lines() {
        let fence = line.strip_prefix("```");
        match (current.take(), fence) {
            (None, Some(info)) => current = Some((info.trim() == lang).then(Vec::new)),
            (None, None) => {}
            (Some(block), Some(_)) => out.extend(block),
            (Some(mut block), None) => {
                if let Some(lines) = &mut block {
                    lines.push(line);
                }
                current = Some(block);
            }
        }
    }
    out
}

/// `cargo run --locked -- trigger ARGS` and `cargo trigger ARGS` lines of
/// the `sh` blocks (comments dropped), run in order: the quick start's in a
/// fresh folder, the later ones in the workspace it made.
#[test]
fn sh_examples() {
    let dir = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for block in blocks(&readme(), "sh") {
        for line in block {
            let line = line.split(" #").next().unwrap().trim();
            let Some(args) = line
                .strip_prefix("cargo run --locked -- trigger ")
                .or_else(|| line.strip_prefix("cargo trigger "))
            else {
                continue;
            };
            let args: Vec<&str> = args.split_whitespace().collect();
            // Later commands run in the workspace the quick start made.
            let demo = dir.path().join("target/demo");
            let cwd = if demo.is_dir() { demo } else { dir.path().to_path_buf() };
            let out = command(&cwd, &args).output().unwrap();
            assert!(
                out.status.success(),
                "README: `{line}` failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
        }
    }
    // The quick start's `new`, the small app's four lines and the deploy
    // section's `export`.
    assert_eq!(ran, 6, "the README's sh blocks changed: update this test");
    let demo = dir.path().join("target/demo");
    for krate in ["users-pre-sign-up", "users-post-confirmation", "photo-index"] {
        assert!(
            demo.join("triggers").join(krate).join("Cargo.toml").is_file(),
            "{krate}"
        );
    }
    let template = std::fs::read_to_string(demo.join("template.yaml")).unwrap();
    assert!(template.contains("UsersPreSignUpFunction"), "{template}");
    assert!(
        dir.path()
            .join("target/demo/triggers/photos-s3-trigger/src/lib.rs")
            .is_file()
    );
}

/// Every `--flag` of the README is one that `--help` of some command lists.
#[test]
fn flags_exist() {
    let mut help = String::new();
    for cmd in [
        "", "new", "list", "wire", "unwire", "check", "export", "event", "invoke", "grant", "revoke",
    ] {
        let args: Vec<&str> = [cmd, "--help"].into_iter().filter(|a| !a.is_empty()).collect();
        let dir = tempfile::tempdir().unwrap();
        let out = command(dir.path(), &args).output().unwrap();
        assert!(out.status.success(), "{cmd} --help");
        help.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    // `sam deploy --guided` is SAM's, `cargo test --release` cargo's.
    let text: String = readme()
        .lines()
        .filter(|l| !l.contains("sam deploy") && !l.contains("cargo test"))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut flags: Vec<&str> = Vec::new();
    for (i, _) in text.match_indices("--") {
        let rest = &text[i + 2..];
        let len = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .unwrap_or(rest.len());
        let before = text[..i].chars().next_back();
        if len > 0 && rest.as_bytes()[0].is_ascii_lowercase() && before.is_none_or(|c| !c.is_alphanumeric() && c != '-')
        {
            flags.push(&text[i..i + 2 + len]);
        }
    }
    flags.sort();
    flags.dedup();
    let missing: Vec<&&str> = flags
        .iter()
        .filter(|f| {
            !help.contains(&format!("{} ", f))
                && !help.contains(&format!("{}\n", f))
                && !help.contains(&format!("{},", f))
        })
        .collect();
    assert!(missing.is_empty(), "the README names flags no command has: {missing:?}");
    assert!(flags.len() > 30, "{flags:?}");
}
