//! Shared helpers for the test suite: copy a fixture workspace to a
//! temporary folder, run the real binary in it, read back the files.
#![allow(dead_code)]

pub mod case;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Give workspace `ws` the lockfile generated crates are tested with
/// (`tests/fixtures/generated/Cargo.lock`), so every generated workspace
/// resolves one dependency set and shares compiled crates.
pub fn use_generated_lock(ws: &Path) {
    std::fs::copy(fixtures().join("generated/Cargo.lock"), ws.join("Cargo.lock")).unwrap();
}

/// A copy of `tests/fixtures/workspaces/<name>` in a new temporary folder.
pub fn workspace(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("workspaces").join(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        // Followed, so that a case's `in` can be a symlink to a fixture.
        if std::fs::metadata(entry.path()).unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `cargo-trigger trigger ARGS…` in `dir`, with a clean environment.
pub fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cargo-trigger"));
    c.arg("trigger").args(args).current_dir(dir);
    c.env("NO_COLOR", "1").env("CARGO_TERM_COLOR", "never");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("CARGO_LAMBDA_") || k == "__CARGO_TRIGGER_TEST_FAIL_AFTER" {
            c.env_remove(k);
        }
    }
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output, dir: &Path) -> Run {
        let root = dir.to_string_lossy().to_string();
        let clean = |b: &[u8]| {
            let s = String::from_utf8_lossy(b).to_string();
            let s = s.replace(&root, "[ROOT]");
            match dir.canonicalize() {
                Ok(c) => s.replace(&c.to_string_lossy().to_string(), "[ROOT]"),
                Err(_) => s,
            }
        };
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: clean(&out.stdout),
            stderr: clean(&out.stderr),
        }
    }

    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(self) -> Run {
        assert_ne!(
            self.code, 0,
            "expected failure\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        self
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Run {
    let out = cmd(dir, args).output().unwrap();
    Run::from(out, dir)
}

/// `cargo trigger new -q ARGS…` in `dir`, which must succeed.
pub fn new(dir: &Path, args: &[&str]) {
    let mut full = vec!["new", "-q"];
    full.extend_from_slice(args);
    run(dir, &full).success();
}

pub fn run_with(mut c: Command, dir: &Path) -> Run {
    let out = c.output().unwrap();
    Run::from(out, dir)
}

/// Every file below `dir` (relative path → bytes), `target/` left out; a
/// symbolic link is not followed, and stands for `-> TARGET`.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                out.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    format!("-> {}", target.display()).into_bytes(),
                );
            } else if entry.file_type().unwrap().is_dir() {
                if entry.file_name() != "target" {
                    walk(root, &path, out);
                }
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

pub fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Held by a test while it builds or runs generated crates in the shared
/// target: crates of the same name in different workspaces write the same
/// `target/debug/NAME`, so one test's build would replace the binary
/// another is about to run.
pub fn shared_target_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Mark every file below `dir` (but `target/`) as changed now. Generated
/// crates of the same name at the same path in two workspaces are one unit
/// to cargo in the shared target, so a build of another workspace after
/// this one's files were written would make cargo take them as built.
/// Called with [`shared_target_lock`] held, before building.
pub fn touch_sources(dir: &Path) {
    let now = std::time::SystemTime::now();
    for (rel, _) in snapshot(dir) {
        let f = std::fs::File::options().append(true).open(dir.join(rel)).unwrap();
        f.set_modified(now).unwrap();
    }
}

/// Where generated crates are built: kept between runs inside cargo's target
/// dir, so only the first run pays for their dependencies.
pub fn shared_target() -> PathBuf {
    let target = std::env::var_os("CARGO_TRIGGER_SCAFFOLD_TARGET")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("scaffold-target"));
    static PRUNED: std::sync::Once = std::sync::Once::new();
    PRUNED.call_once(|| prune_generated(&target.join("debug")));
    target
}

/// Remove what earlier runs built for generated crates from a profile
/// folder of a kept target (`debug/`, `x86_64-…/release/`), keeping the
/// registry crates of `tests/fixtures/generated/Cargo.lock`. Each run
/// generates its workspaces in new temporary folders, and cargo hashes a
/// path crate's artifacts by its path, so without this the target would
/// grow by every run's crates. Called once per test run, before any build.
pub fn prune_generated(profile: &Path) {
    let lock: toml_edit::DocumentMut = read(&fixtures(), "generated/Cargo.lock")
        .parse()
        .expect("the generated lockfile is TOML");
    let mut registry: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for p in lock["package"].as_array_of_tables().into_iter().flatten() {
        let from_registry = p
            .get("source")
            .and_then(|s| s.as_str())
            .is_some_and(|s| s.starts_with("registry+"));
        if let (Some(name), true) = (p.get("name").and_then(|n| n.as_str()), from_registry) {
            registry.insert(name.to_string());
            registry.insert(name.replace('-', "_"));
        }
    }
    if registry.is_empty() {
        return;
    }
    // `NAME-HASH`, `libNAME-HASH.rlib`, `NAME-HASH.d`: NAME is a registry crate's.
    let kept = |file: &str| {
        let stem = file.split('.').next().unwrap_or(file);
        let Some((crate_name, _hash)) = stem.rsplit_once('-') else {
            return true;
        };
        registry.contains(crate_name) || crate_name.strip_prefix("lib").is_some_and(|n| registry.contains(n))
    };
    for sub in ["deps", ".fingerprint", "build"] {
        let Ok(entries) = std::fs::read_dir(profile.join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            let file = e.file_name().to_string_lossy().into_owned();
            if !kept(&file) {
                let p = e.path();
                let _ = if p.is_dir() {
                    std::fs::remove_dir_all(&p)
                } else {
                    std::fs::remove_file(&p)
                };
            }
        }
    }
    // Only path crates are built incrementally.
    let _ = std::fs::remove_dir_all(profile.join("incremental"));
}

/// The Python that has aws-sam-translator and cfn-lint (scripts/test.sh
/// installs it).
pub fn python() -> PathBuf {
    let venv = std::env::var_os("CARGO_TRIGGER_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/cargo-trigger/venv"));
    let py = venv.join("bin/python");
    assert!(
        py.is_file(),
        "{} is missing: run ./scripts/test.sh, which installs aws-sam-translator, cfn-lint and cfn-lint-serverless",
        py.display()
    );
    py
}

/// Translate (SAM) and lint a template with AWS's tools (cfn-lint with AWS's
/// Serverless Rules appended); panic with the findings on an error of
/// cfn-lint's own rules (a circular dependency included). The Serverless
/// Rules' findings are in the text: [`serverless_findings`].
#[track_caller]
pub fn validate_template(template: &Path) -> String {
    let out = Command::new(python())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/validate_template.py"))
        .arg(template)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{} failed validation:\n{text}\n{}",
        template.display(),
        std::fs::read_to_string(template).unwrap()
    );
    assert!(text.contains(" 0 errors"), "{text}");
    text
}

/// The Serverless Rules' findings (`serverless ES1001: …`) in what
/// [`validate_template`] printed, as `RULE: message (path)`.
pub fn serverless_findings(validation: &str) -> Vec<String> {
    validation
        .lines()
        .filter_map(|l| l.strip_prefix("serverless "))
        .map(str::to_string)
        .collect()
}
