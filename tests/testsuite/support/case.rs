//! UI cases in cargo's style, run with snapbox. A case is a folder
//! `tests/testsuite/<command>/<case>/`:
//!
//! - `in/`: the workspace before the command (a folder, or a symlink to a
//!   fixture); a case may instead start from a fixture, written files or
//!   setup commands (see [`Case`]);
//! - `out/`: every file the command creates or changes, as it must be after,
//!   byte for byte; every other file must be left as it was;
//! - `stdout`, `stderr`: what the command prints, `[ROOT]` standing for the
//!   workspace's temporary folder (no file: it prints nothing there);
//! - `removed`: the files the command deletes, one path a line (no file:
//!   it deletes none).
//!
//! A case that runs several commands names each one's files: `list.stdout`,
//! `export.stderr`, `grant.out/`. `SNAPSHOTS=overwrite cargo test --test
//! testsuite` rewrites the files from what the commands do now.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use snapbox::{Assert, Data, Redactions};

use super::{copy_dir, fixtures, snapshot};

/// The case whose folder is `tests/testsuite/<command module>/<test fn>`.
#[macro_export]
macro_rules! case {
    () => {{
        fn here() {}
        $crate::support::case::Case::new($crate::support::case::folder_of(std::any::type_name_of_val(&here)))
    }};
}

/// `tests/testsuite`.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite")
}

/// `testsuite::new::cases::s3_defaults::here` → `tests/testsuite/new/s3_defaults`.
pub fn folder_of(type_name: &str) -> PathBuf {
    let parts: Vec<&str> = type_name.split("::").collect();
    assert!(
        parts.len() >= 4 && parts[parts.len() - 1] == "here",
        "unexpected function path {type_name}"
    );
    root().join(parts[1]).join(parts[parts.len() - 2])
}

fn overwriting() -> bool {
    std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite")
}

/// `cargo-trigger trigger ARGS…` in `dir`, as the other helpers run it: no
/// colour, no cargo-lambda settings from this environment, 100 columns.
pub fn command(dir: &Path, args: &[&str]) -> snapbox::cmd::Command {
    let mut c = snapbox::cmd::Command::new(env!("CARGO_BIN_EXE_cargo-trigger"))
        .arg("trigger")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CARGO_TERM_COLOR", "never")
        .env("COLUMNS", "100")
        .timeout(Duration::from_secs(300));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("CARGO_LAMBDA_") || k == "__CARGO_TRIGGER_TEST_FAIL_AFTER" {
            c = c.env_remove(k);
        }
    }
    c
}

/// A workspace in a temporary folder and the case folder its snapshots live in.
pub struct Case {
    dir: PathBuf,
    ws: tempfile::TempDir,
    cwd: PathBuf,
    /// The commands' folders and file stems so far: each names its own files.
    stems: RefCell<BTreeSet<(PathBuf, Option<String>)>>,
}

/// Every case folder in use: two cases writing one folder would each
/// overwrite the other's snapshots.
static FOLDERS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

#[track_caller]
fn claim(dir: &Path) {
    assert!(
        FOLDERS.lock().unwrap().insert(dir.to_path_buf()),
        "two cases use the folder {}",
        dir.display()
    );
}

impl Case {
    /// The case in `dir`, its workspace a copy of `dir/in` (or empty).
    #[track_caller]
    pub fn new(dir: PathBuf) -> Case {
        let ws = tempfile::tempdir().unwrap();
        let input = dir.join("in");
        if input.exists() {
            copy_dir(&input, ws.path());
        }
        Case::adopt(dir, ws)
    }

    /// The case in `dir`, on a workspace made by other means.
    #[track_caller]
    pub fn adopt(dir: PathBuf, ws: tempfile::TempDir) -> Case {
        claim(&dir);
        Case {
            cwd: ws.path().to_path_buf(),
            dir,
            ws,
            stems: RefCell::default(),
        }
    }

    /// `tests/testsuite/<command>/<name>`, for cases listed in a table.
    #[track_caller]
    pub fn at(command: &str, name: &str) -> Case {
        Case::new(root().join(command).join(name))
    }

    /// Start from `tests/fixtures/workspaces/<name>`.
    pub fn fixture(self, name: &str) -> Case {
        copy_dir(&fixtures().join("workspaces").join(name), self.ws.path());
        self
    }

    /// Write a file of the workspace.
    pub fn file(self, rel: &str, text: &str) -> Case {
        let path = self.ws.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Run `cargo trigger -q ARGS…`, which must succeed, before the command
    /// under test.
    #[track_caller]
    pub fn setup(self, args: &[&str]) -> Case {
        let mut full = vec!["-q"];
        full.extend_from_slice(args);
        let out = command(self.ws.path(), &full).output().unwrap();
        assert!(
            out.status.success(),
            "setup `cargo trigger {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        self
    }

    /// Copy `dir` over the workspace.
    pub fn tree(self, dir: &Path) -> Case {
        copy_dir(dir, self.ws.path());
        self
    }

    /// The workspace's file `rel` must be the case's file `name`.
    pub fn file_matches(&self, rel: &str, name: &str) -> Result<(), String> {
        let text = std::fs::read_to_string(self.ws.path().join(rel)).map_err(|e| format!("{rel}: {e}"))?;
        compare(&self.dir.join(name), text, self.redactions())
    }

    /// Run the commands from this folder of the workspace.
    pub fn cwd(mut self, rel: &str) -> Case {
        self.cwd = self.ws.path().join(rel);
        self
    }

    pub fn path(&self) -> &Path {
        self.ws.path()
    }

    /// Run `cargo trigger ARGS…` in the workspace.
    pub fn run(&self, args: &[&str]) -> Outcome<'_> {
        let before = snapshot(self.ws.path());
        let out = command(&self.cwd, args).output().unwrap();
        Outcome {
            case: self,
            args: args.iter().map(|a| a.to_string()).collect(),
            stem: None,
            code: out.status.code().unwrap_or(-1),
            stdout: out.stdout,
            stderr: out.stderr,
            folder: None,
            except: Vec::new(),
            before,
            after: snapshot(self.ws.path()),
        }
    }

    fn redactions(&self) -> Redactions {
        let mut r = Redactions::new();
        r.insert("[ROOT]", self.ws.path().to_path_buf()).unwrap();
        if let Ok(c) = self.ws.path().canonicalize()
            && c != self.ws.path()
        {
            r.insert("[ROOT]", c).unwrap();
        }
        r
    }
}

/// What a command did, to be checked against the case's files.
pub struct Outcome<'a> {
    case: &'a Case,
    args: Vec<String>,
    stem: Option<String>,
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    before: BTreeMap<PathBuf, Vec<u8>>,
    after: BTreeMap<PathBuf, Vec<u8>>,
    folder: Option<PathBuf>,
    except: Vec<PathBuf>,
}

impl Outcome<'_> {
    /// Check against `STEM.stdout`, `STEM.stderr` and `STEM.out/`.
    pub fn named(mut self, stem: &str) -> Self {
        self.stem = Some(stem.to_string());
        self
    }

    /// Check against the files of another case folder: for the commands
    /// of one workspace that are each a case of their own.
    #[track_caller]
    pub fn snapshots_in(mut self, dir: PathBuf) -> Self {
        claim(&dir);
        self.folder = Some(dir);
        self
    }

    /// Leave the workspace's file `rel` out of the check of files written
    /// (another check covers it).
    pub fn except(mut self, rel: &str) -> Self {
        self.except.push(PathBuf::from(rel));
        self
    }

    fn dir(&self) -> &Path {
        self.folder.as_deref().unwrap_or(&self.case.dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        match &self.stem {
            Some(s) => self.dir().join(format!("{s}.{name}")),
            None => self.dir().join(name),
        }
    }

    /// The exit code must be `expected`, and the output and files those of
    /// the case folder.
    #[track_caller]
    pub fn code(self, expected: i32) {
        if let Err(e) = self.check(expected) {
            panic!("{e}");
        }
    }

    #[track_caller]
    pub fn ok(self) {
        self.code(0)
    }

    /// As [`Outcome::code`], returning every difference instead of panicking.
    pub fn check(self, expected: i32) -> Result<(), String> {
        assert!(
            self.case
                .stems
                .borrow_mut()
                .insert((self.dir().to_path_buf(), self.stem.clone())),
            "{}: two commands of the case check the same files; name them",
            self.dir().display()
        );
        let mut problems = Vec::new();
        if self.code != expected {
            problems.push(format!(
                "exit code {}, expected {expected}\n--- stdout\n{}\n--- stderr\n{}",
                self.code,
                String::from_utf8_lossy(&self.stdout),
                String::from_utf8_lossy(&self.stderr)
            ));
        }
        for (name, bytes) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            if let Err(e) = self.stream(&self.file(name), bytes) {
                problems.push(e);
            }
        }
        if let Err(e) = self.files(&self.file("out")) {
            problems.push(e);
        }
        if let Err(e) = self.removed(&self.file("removed")) {
            problems.push(e);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "`cargo trigger {}` ({}):\n{}",
                self.args.join(" "),
                self.dir().display(),
                problems.join("\n")
            ))
        }
    }

    fn stream(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        let text = String::from_utf8(bytes.to_vec()).map_err(|e| format!("{}: not UTF-8: {e}", path.display()))?;
        if text.is_empty() && !path.exists() {
            return Ok(());
        }
        if text.is_empty() && overwriting() {
            std::fs::remove_file(path).unwrap();
            return Ok(());
        }
        compare(path, text, self.case.redactions())
    }

    /// Every file that is new or changed must be in `out`, with the same
    /// bytes (deletions are `removed`'s).
    fn files(&self, out: &Path) -> Result<(), String> {
        let expected = if out.is_dir() { snapshot(out) } else { BTreeMap::new() };
        let mut problems = Vec::new();
        let mut written = BTreeMap::new();
        for (path, bytes) in self.after.iter().filter(|(p, _)| !self.except.contains(p)) {
            let changed = self.before.get(path) != Some(bytes);
            if changed {
                written.insert(path.clone(), bytes.clone());
            }
            match expected.get(path) {
                Some(want) if want != bytes => problems.push(format!(
                    "{} differs from {}:\n{}",
                    path.display(),
                    out.join(path).display(),
                    similar::TextDiff::from_lines(&*String::from_utf8_lossy(want), &*String::from_utf8_lossy(bytes))
                        .unified_diff()
                        .header("expected", "actual")
                )),
                Some(_) => {}
                None if changed => problems.push(format!(
                    "{} was {}, and {} does not have it:\n{}",
                    path.display(),
                    if self.before.contains_key(path) {
                        "changed"
                    } else {
                        "created"
                    },
                    out.display(),
                    String::from_utf8_lossy(bytes)
                )),
                None => {}
            }
        }
        for path in expected.keys().filter(|p| !self.after.contains_key(*p)) {
            problems.push(format!(
                "{} is in {} but was not written",
                path.display(),
                out.display()
            ));
        }
        if overwriting() {
            if out.exists() {
                std::fs::remove_dir_all(out).unwrap();
            }
            for (path, bytes) in &written {
                let target = out.join(path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(target, bytes).unwrap();
            }
            return Ok(());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

/// `text` must be the snapshot `path` (`[ROOT]` for the workspace).
fn compare(path: &Path, text: String, redactions: Redactions) -> Result<(), String> {
    Assert::new()
        .action_env("SNAPSHOTS")
        .normalize_paths(false)
        .redact_with(redactions)
        .try_eq(Some(&"actual"), Data::text(text), Data::read_from(path, None))
        .map_err(|e| e.to_string())
}

impl Outcome<'_> {
    /// The files deleted must be those `removed` lists.
    fn removed(&self, listed: &Path) -> Result<(), String> {
        let deleted: Vec<String> = self
            .before
            .keys()
            .filter(|p| !self.after.contains_key(*p))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        if overwriting() {
            if deleted.is_empty() {
                let _ = std::fs::remove_file(listed);
            } else {
                std::fs::write(listed, deleted.iter().map(|d| format!("{d}\n")).collect::<String>()).unwrap();
            }
            return Ok(());
        }
        let expected: Vec<String> = std::fs::read_to_string(listed)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        if deleted == expected {
            Ok(())
        } else {
            Err(format!(
                "files deleted: [{}], but {} lists [{}]",
                deleted.join(", "),
                listed.display(),
                expected.join(", ")
            ))
        }
    }
}

/// Failures of a table of cases, reported together.
#[derive(Default)]
pub struct Failures(Vec<String>);

impl Failures {
    pub fn add(&mut self, result: Result<(), String>) {
        if let Err(e) = result {
            self.0.push(e);
        }
    }

    #[track_caller]
    pub fn finish(self) {
        assert!(
            self.0.is_empty(),
            "{} case(s) failed:\n\n{}",
            self.0.len(),
            self.0.join("\n\n")
        );
    }
}

/// (case name, arguments, exit code): the case's files are
/// `<command>/<name>/`. A failing command must print nothing on stdout (no
/// `stdout` file) and write nothing (no `out/`).
pub type TableCase = (&'static str, &'static [&'static str], i32);

/// Each case of a table of `command`, on a copy of the fixture `fixture`
/// (or an empty folder for `""`); every difference is reported at once.
#[track_caller]
pub fn table(command: &str, fixture: &str, cases: &[TableCase]) {
    let mut failures = Failures::default();
    for (name, args, code) in cases {
        let mut case = Case::at(command, name);
        if !fixture.is_empty() {
            case = case.fixture(fixture);
        }
        failures.add(case.run(args).check(*code));
    }
    failures.finish();
}
