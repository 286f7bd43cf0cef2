//! Writes under real faults, through the real binary: a full disk, a failed
//! write and `kill -9` at every write step, file modes and owners, symlinked
//! manifests, read-only files, temporary names and the workspace lock, and
//! concurrent runs that only read what the other writes.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use crate::support::{cmd, read, run};

const JOURNAL: &str = ".cargo-trigger-journal";

/// One entry of a folder tree, as `ls -lR` would compare it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    Dir {
        mode: u32,
    },
    File {
        mode: u32,
        owner: (u32, u32),
        bytes: Vec<u8>,
    },
    Link(PathBuf),
}

type Tree = BTreeMap<PathBuf, Entry>;

/// Every entry below `dir` (hidden ones and empty folders too), `target/`
/// left out: equal trees are the same workspace byte for byte.
fn tree(dir: &Path) -> Tree {
    fn walk(root: &Path, dir: &Path, out: &mut Tree) {
        for e in fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_path_buf();
            if rel == Path::new("target") {
                continue;
            }
            let meta = fs::symlink_metadata(&path).unwrap();
            let mode = meta.mode() & 0o7777;
            if meta.file_type().is_symlink() {
                out.insert(rel, Entry::Link(fs::read_link(&path).unwrap()));
            } else if meta.is_dir() {
                out.insert(rel, Entry::Dir { mode });
                walk(root, &path, out);
            } else {
                let owner = (meta.uid(), meta.gid());
                out.insert(
                    rel,
                    Entry::File {
                        mode,
                        owner,
                        bytes: fs::read(&path).unwrap(),
                    },
                );
            }
        }
    }
    let mut out = Tree::new();
    walk(dir, dir, &mut out);
    out
}

/// Make `dir` hold exactly `tree` (its `target/` kept).
fn restore(dir: &Path, tree: &Tree) {
    for e in fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.file_name().unwrap() == "target" {
            continue;
        }
        if fs::symlink_metadata(&path).unwrap().is_dir() {
            fs::remove_dir_all(&path).unwrap();
        } else {
            fs::remove_file(&path).unwrap();
        }
    }
    for (rel, entry) in tree {
        let path = dir.join(rel);
        match entry {
            Entry::Dir { mode } => {
                fs::create_dir(&path).unwrap();
                fs::set_permissions(&path, fs::Permissions::from_mode(*mode)).unwrap();
            }
            Entry::File { mode, owner, bytes } => {
                fs::write(&path, bytes).unwrap();
                std::os::unix::fs::chown(&path, Some(owner.0), Some(owner.1)).unwrap();
                fs::set_permissions(&path, fs::Permissions::from_mode(*mode)).unwrap();
            }
            Entry::Link(target) => std::os::unix::fs::symlink(target, &path).unwrap(),
        }
    }
}

/// What differs between two trees, for assertion messages.
fn changes(a: &Tree, b: &Tree) -> String {
    let mut out = String::new();
    for (path, entry) in a {
        match b.get(path) {
            None => out.push_str(&format!("  only before: {}\n", path.display())),
            Some(other) if other != entry => out.push_str(&format!("  differs: {}\n", path.display())),
            Some(_) => {}
        }
    }
    for path in b.keys().filter(|p| !a.contains_key(*p)) {
        out.push_str(&format!("  only after: {}\n", path.display()));
    }
    out
}

#[track_caller]
fn assert_tree(dir: &Path, expected: &Tree, what: &str) {
    let now = tree(dir);
    assert!(now == *expected, "{what}:\n{}", changes(expected, &now));
}

/// A folder for one test's temporary directory (`TMPDIR`), so that a lock
/// file left in it would show.
struct Env {
    tmp: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    /// `cargo trigger ARGS` in `dir`, with test hooks `hooks` set.
    fn exec(&self, dir: &Path, args: &[&str], hooks: &[(&str, usize)]) -> Output {
        let mut c = cmd(dir, args);
        c.env("TMPDIR", self.tmp.path());
        for (k, v) in hooks {
            c.env(k, v.to_string());
        }
        c.output().unwrap()
    }

    #[track_caller]
    fn ok(&self, dir: &Path, args: &[&str]) {
        let out = self.exec(dir, args, &[]);
        assert!(
            out.status.success(),
            "`{}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[track_caller]
    fn assert_nothing_left_in_tmpdir(&self) {
        let left: Vec<_> = fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(left.is_empty(), "left in the temporary folder: {left:?}");
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[track_caller]
fn assert_killed(out: &Output, what: &str) {
    assert_eq!(
        out.status.signal(),
        Some(6),
        "{what}: expected the hook to abort the process\n{}",
        stderr(out)
    );
}

/// A workspace with one S3 trigger crate `a` (bucket `photos`, prefix `in/`)
/// and one Kinesis crate `k`.
fn base(env: &Env) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    env.ok(
        dir.path(),
        &[
            "new", "a", "--source", "s3", "--bucket", "photos", "--prefix", "in/", "-q",
        ],
    );
    env.ok(
        dir.path(),
        &["new", "k", "--source", "kinesis", "--stream", "clicks", "-q"],
    );
    dir
}

const COGNITO: &[&str] = &[
    "new",
    "--source",
    "cognito",
    "--capability",
    "custom-auth",
    "--user-pool",
    "pool",
    "-q",
];
const WIRE: &[&str] = &[
    "wire", "k", "--source", "kinesis", "--stream", "orders", "--create", "-q",
];
const UNWIRE: &[&str] = &["unwire", "a", "--all", "--prune", "-q"];

/// The command run after a failed or killed one: `list` here, or with
/// `--manifest-path` for a workspace in a new folder.
fn next_command(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut next = vec!["list".to_string(), "-q".to_string()];
    if let Some(i) = args.iter().position(|a| *a == "--manifest-path") {
        next.extend(["--manifest-path".to_string(), args[i + 1].to_string()]);
    } else {
        assert!(dir.join("Cargo.toml").exists());
    }
    next
}

/// Run the next command: it settles what a failed or killed run left. A
/// workspace that was never made is an error for `list` (after it settled).
#[track_caller]
fn run_next(env: &Env, dir: &Path, next: &[String], hooks: &[(&str, usize)]) -> Output {
    let next: Vec<&str> = next.iter().map(String::as_str).collect();
    let out = env.exec(dir, &next, hooks);
    let fine = out.status.success()
        || (out.status.code() == Some(101) && stderr(&out).contains("does not exist"))
        || (!hooks.is_empty() && out.status.signal() == Some(6));
    assert!(fine, "`{}`: {}", next.join(" "), stderr(&out));
    out
}

/// Fail the write at every step of `args` in turn: each failure must leave
/// the workspace exactly as it was (no temporary file, no folder), and the
/// next run is not blocked. Returns the number of steps that failed it.
fn fail_at_every_step(env: &Env, dir: &Path, args: &[&str]) -> usize {
    let next = next_command(dir, args);
    let before = tree(dir);
    let mut step = 0;
    loop {
        let out = env.exec(dir, args, &[("__CARGO_TRIGGER_TEST_FAIL_AFTER", step)]);
        if out.status.success() {
            // Past the commit point: what a failed cleanup left, the next
            // command removes.
            run_next(env, dir, &next, &[]);
            assert!(!dir.join(JOURNAL).exists());
            break;
        }
        assert_eq!(out.status.code(), Some(101), "step {step}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("simulated failure"),
            "step {step}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("nothing was changed"),
            "step {step}: {}",
            stderr(&out)
        );
        assert_tree(dir, &before, &format!("a failure at step {step} left changes"));
        step += 1;
        assert!(step < 200, "no end to the steps");
    }
    let after = tree(dir);
    assert_ne!(after, before);
    step
}

#[test]
fn a_failed_write_at_any_step_leaves_no_debris_and_does_not_block_the_next_run() {
    let env = Env::new();
    let ws = base(&env);
    // 3 crates of 21 files, in a workspace that has a `triggers` folder.
    let steps = fail_at_every_step(&env, ws.path(), COGNITO);
    assert!(steps > 25, "only {steps} steps");
    for dir in [
        "pool-define-auth-challenge",
        "pool-create-auth-challenge",
        "pool-verify-auth-challenge-response",
    ] {
        assert!(ws.path().join("triggers").join(dir).join("Cargo.toml").is_file());
    }
    fail_at_every_step(&env, ws.path(), WIRE);
    fail_at_every_step(&env, ws.path(), UNWIRE);
    // In an empty folder the whole workspace is one new folder's worth.
    let empty = tempfile::tempdir().unwrap();
    let app = empty.path().join("app");
    fail_at_every_step(
        &env,
        empty.path(),
        &[
            "new",
            "--manifest-path",
            app.join("Cargo.toml").to_str().unwrap(),
            "--source",
            "s3",
            "--bucket",
            "b",
            "-q",
        ],
    );
    assert!(app.join("Cargo.toml").is_file());
    env.assert_nothing_left_in_tmpdir();
}

/// Kill `args` (`kill -9`-like: the hook aborts) before each of its write
/// steps in turn. After each kill, the next command (`list`) must leave the
/// workspace byte for byte as it was before the command or as the command
/// leaves it, and from before, re-running the command must succeed. Kills
/// the recovering `list` at each of its own steps too, and kills the undo
/// of a failed write, when `deep`.
fn kill_at_every_step(env: &Env, dir: &Path, args: &[&str], deep: bool) {
    let next = next_command(dir, args);
    let before = tree(dir);
    env.ok(dir, args);
    let after = tree(dir);
    assert_ne!(after, before);
    let (mut seen_before, mut seen_after, mut left_journal) = (0, 0, 0);
    let mut step = 0;
    loop {
        restore(dir, &before);
        let out = env.exec(dir, args, &[("__CARGO_TRIGGER_TEST_DIE_AT", step)]);
        if out.status.success() {
            assert_tree(dir, &after, "the command ran to its end");
            break;
        }
        assert_killed(&out, &format!("step {step}"));
        if dir.join(JOURNAL).exists() {
            left_journal += 1;
        }
        let killed = tree(dir);
        if deep {
            // The next run dies too, at each of its steps.
            let mut k = 0;
            loop {
                let out = run_next(env, dir, &next, &[("__CARGO_TRIGGER_TEST_DIE_AT", k)]);
                if out.status.signal().is_none() {
                    break;
                }
                assert_killed(&out, &format!("recovery step {k} after step {step}"));
                k += 1;
                assert!(k < 100);
            }
            let settled = tree(dir);
            assert!(
                settled == before || settled == after,
                "a kill at step {step}, then kills of the recovery, left neither state:\n{}",
                changes(&before, &settled)
            );
            restore(dir, &killed);
        }
        run_next(env, dir, &next, &[]);
        let settled = tree(dir);
        if settled == before {
            seen_before += 1;
            env.ok(dir, args);
            assert_tree(dir, &after, &format!("re-running after a kill at step {step}"));
        } else {
            assert!(
                settled == after,
                "a kill at step {step} left neither the state before nor after:\n{}",
                changes(&before, &settled)
            );
            seen_after += 1;
        }
        step += 1;
        assert!(step < 200, "no end to the steps");
    }
    assert!(seen_before > 0 && seen_after > 0, "{seen_before} {seen_after}");
    assert!(
        left_journal + 2 >= step,
        "{left_journal} of {step} kills left a journal"
    );
    if deep {
        // A write that fails, killed while it undoes its first renames.
        let mut fail = 0;
        loop {
            restore(dir, &before);
            let out = env.exec(dir, args, &[("__CARGO_TRIGGER_TEST_FAIL_AFTER", fail)]);
            if out.status.success() {
                break;
            }
            let mut die = fail + 1;
            loop {
                restore(dir, &before);
                let hooks = [
                    ("__CARGO_TRIGGER_TEST_FAIL_AFTER", fail),
                    ("__CARGO_TRIGGER_TEST_DIE_AT", die),
                ];
                let out = env.exec(dir, args, &hooks);
                if out.status.code() == Some(101) {
                    break;
                }
                assert_killed(&out, &format!("undo step {die} after a failure at {fail}"));
                run_next(env, dir, &next, &[]);
                assert_tree(dir, &before, &format!("failure at {fail}, killed at {die}"));
                die += 1;
            }
            fail += 1;
        }
    }
    restore(dir, &after);
}

#[test]
fn kill_9_at_any_step_leaves_the_state_before_or_after_once_the_next_command_ran() {
    let env = Env::new();
    let ws = base(&env);
    kill_at_every_step(&env, ws.path(), COGNITO, false);
    kill_at_every_step(&env, ws.path(), WIRE, true);
    kill_at_every_step(&env, ws.path(), UNWIRE, true);
    // The whole workspace in a folder that does not exist yet.
    let empty = tempfile::tempdir().unwrap();
    let manifest = empty.path().join("app/Cargo.toml");
    let args = [
        "new",
        "--manifest-path",
        manifest.to_str().unwrap(),
        "--source",
        "kinesis",
        "--stream",
        "s",
        "-q",
    ];
    kill_at_every_step(&env, empty.path(), &args, false);
    env.assert_nothing_left_in_tmpdir();
}

/// A tmpfs mounted on a new temporary folder, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// `None` where this process may not mount (not root, no capability).
    fn mount(options: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, options: &str) {
        let status = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_leaves_nothing_behind_and_the_rerun_succeeds() {
    let env = Env::new();
    if Tmpfs::mount("size=16k").is_none() {
        // Not permitted here: the same promise with an injected failure of
        // each write (the error a full disk gives, simulated).
        let dir = tempfile::tempdir().unwrap();
        fail_at_every_step(&env, dir.path(), &["new", "--source", "s3", "--bucket", "photos", "-q"]);
        return;
    }
    let args = ["new", "--source", "s3", "--bucket", "photos", "-q"];
    // The case: 16 KiB, an empty folder.
    let disk = Tmpfs::mount("size=16k").unwrap();
    let out = env.exec(disk.path(), &args, &[]);
    assert_eq!(out.status.code(), Some(101), "{}", stderr(&out));
    assert!(stderr(&out).contains("No space left on device"), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing was changed"), "{}", stderr(&out));
    assert_tree(disk.path(), &Tree::new(), "a full disk left files");
    disk.remount("size=1m");
    env.ok(disk.path(), &args);
    assert!(disk.path().join("triggers/photos-s3-trigger/src/main.rs").is_file());
    drop(disk);
    // Every size up to the one that fits: the disk fills at a different
    // step each time (the journal, a temporary file, the staging folder, the
    // root manifest's backup copy…), and each failure leaves the workspace
    // as it was.
    let mut failures = 0;
    for kib in (8..=64).step_by(4) {
        let disk = Tmpfs::mount(&format!("size={kib}k")).unwrap();
        fs::write(
            disk.path().join("Cargo.toml"),
            "[workspace]\nresolver = \"3\"\nmembers = []\n",
        )
        .unwrap();
        let before = tree(disk.path());
        let out = env.exec(disk.path(), &args, &[]);
        if out.status.success() {
            assert!(!disk.path().join(JOURNAL).exists());
            break;
        }
        failures += 1;
        assert!(stderr(&out).contains("No space left on device"), "{}", stderr(&out));
        assert_tree(disk.path(), &before, &format!("a full disk of {kib} KiB left changes"));
        disk.remount("size=1m");
        env.ok(disk.path(), &args);
    }
    assert!(failures >= 3, "only {failures} sizes failed");
    env.assert_nothing_left_in_tmpdir();
}

#[test]
fn rollback_and_rewrites_keep_file_modes_and_owners() {
    let env = Env::new();
    let ws = base(&env);
    let member = ws.path().join("triggers/k/Cargo.toml");
    let root = ws.path().join("Cargo.toml");
    fs::set_permissions(&member, fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o640)).unwrap();
    // Tests run as root: a file of another user keeps its owner.
    std::os::unix::fs::chown(&member, Some(1234), Some(1234)).unwrap();
    let before = tree(ws.path());
    // `fail_at_every_step` compares modes and owners after every failure.
    fail_at_every_step(&env, ws.path(), WIRE);
    let after = tree(ws.path());
    assert_ne!(
        after[Path::new("triggers/k/Cargo.toml")],
        before[Path::new("triggers/k/Cargo.toml")]
    );
    let meta = fs::metadata(&member).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o600);
    assert_eq!((meta.uid(), meta.gid()), (1234, 1234));
    assert_eq!(fs::metadata(&root).unwrap().mode() & 0o7777, 0o640);
    assert!(read(ws.path(), "Cargo.toml").contains("orders"));
}

#[test]
fn symlinked_manifests_and_export_targets_stay_links() {
    let env = Env::new();
    let ws = base(&env);
    let p = ws.path();
    // The root manifest and a member manifest are links into `shared/`.
    fs::create_dir(p.join("shared")).unwrap();
    fs::rename(p.join("Cargo.toml"), p.join("shared/root.toml")).unwrap();
    std::os::unix::fs::symlink("shared/root.toml", p.join("Cargo.toml")).unwrap();
    fs::rename(p.join("triggers/k/Cargo.toml"), p.join("shared/k.toml")).unwrap();
    std::os::unix::fs::symlink("../../shared/k.toml", p.join("triggers/k/Cargo.toml")).unwrap();
    // A previous export (export -o replaces nothing else), older than any
    // template written now: those start with `AWSTemplateFormatVersion`.
    fs::write(
        p.join("shared/template.yaml"),
        "Description: Generated by `cargo trigger export` (an old one)\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("shared/template.yaml", p.join("template.yaml")).unwrap();
    // Failures at every step leave links and targets as they were…
    fail_at_every_step(&env, p, WIRE);
    // …and the change went to the targets.
    assert!(read(p, "shared/root.toml").contains("[workspace.metadata.trigger.resources.orders]"));
    assert!(read(p, "shared/k.toml").contains("orders"));
    env.ok(p, &["new", "b", "--source", "kinesis", "--stream", "b", "-q"]);
    assert!(read(p, "shared/root.toml").contains("\"triggers/b\""));
    fail_at_every_step(&env, p, &["export", "-o", "template.yaml", "-q"]);
    assert!(read(p, "shared/template.yaml").starts_with("AWSTemplateFormatVersion"));
    for (link, target) in [
        ("Cargo.toml", "shared/root.toml"),
        ("triggers/k/Cargo.toml", "../../shared/k.toml"),
        ("template.yaml", "shared/template.yaml"),
    ] {
        assert_eq!(fs::read_link(p.join(link)).unwrap(), Path::new(target), "{link}");
    }
    env.ok(p, &["check", "-q"]);
}

/// Undo `chattr +i` even when the test fails, or the folder cannot be removed.
struct Immutable(PathBuf);

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[test]
fn read_only_manifests_are_refused_with_nothing_written() {
    let env = Env::new();
    let ws = base(&env);
    let p = ws.path();
    let before = tree(p);
    let refused = |args: &[&str], file: &str, why: &str| {
        let unchanged = tree(p);
        let out = env.exec(p, args, &[]);
        assert_eq!(out.status.code(), Some(101), "{}", stderr(&out));
        let err = stderr(&out);
        let shown = p.join(file);
        assert!(
            err.contains(&format!("error: `{}` is read-only{why}", shown.display())),
            "{err}"
        );
        assert!(err.contains("\nhelp: "), "{err}");
        assert_tree(p, &unchanged, "a refused command wrote");
        err
    };
    // The mode says read-only (the tests run as root, who could write it).
    let root = p.join("Cargo.toml");
    fs::set_permissions(&root, fs::Permissions::from_mode(0o444)).unwrap();
    let err = refused(
        &["new", "b", "--source", "kinesis", "--stream", "b", "-q"],
        "Cargo.toml",
        "",
    );
    assert!(
        err.contains(&format!("help: make it writable (`chmod u+w {}`)", root.display())),
        "{err}"
    );
    fs::set_permissions(&root, fs::Permissions::from_mode(0o644)).unwrap();
    let member = p.join("triggers/k/Cargo.toml");
    fs::set_permissions(&member, fs::Permissions::from_mode(0o444)).unwrap();
    refused(WIRE, "triggers/k/Cargo.toml", "");
    fs::set_permissions(&member, fs::Permissions::from_mode(0o644)).unwrap();
    assert_tree(p, &before, "a refused command wrote");
    // Writable by mode, but not to open for writing: immutable.
    let immutable = std::process::Command::new("chattr")
        .arg("+i")
        .arg(&member)
        .status()
        .is_ok_and(|s| s.success());
    if immutable {
        let _undo = Immutable(member.clone());
        let err = refused(WIRE, "triggers/k/Cargo.toml", ": ");
        assert!(err.contains("Operation not permitted"), "{err}");
    }
    // A read-only file system.
    if let Some(disk) = Tmpfs::mount("size=1m") {
        env.ok(disk.path(), &["new", "--source", "kinesis", "--stream", "s", "-q"]);
        disk.remount("ro");
        let out = env.exec(disk.path(), &["new", "--source", "kinesis", "--stream", "t", "-q"], &[]);
        assert_eq!(out.status.code(), Some(101), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "`{}` is read-only: Read-only file system",
                disk.path().join("Cargo.toml").display()
            )),
            "{}",
            stderr(&out)
        );
    }
    env.ok(p, WIRE);
}

#[test]
fn temporary_names_are_unpredictable_and_no_lock_file_is_left() {
    let env = Env::new();
    let ws = base(&env);
    let p = ws.path();
    let before = tree(p);
    // Kill the run once every temporary file exists, twice: the names differ.
    let temp_names = || {
        tree(p)
            .into_keys()
            .filter(|k| k.to_string_lossy().contains(".cargo-trigger-") && !k.ends_with(JOURNAL))
            .collect::<Vec<_>>()
    };
    let commit_step = {
        let mut step = 0;
        loop {
            let out = env.exec(p, WIRE, &[("__CARGO_TRIGGER_TEST_FAIL_AFTER", step)]);
            assert!(!out.status.success());
            if stderr(&out).contains("simulated failure committing") {
                break step;
            }
            step += 1;
        }
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        restore(p, &before);
        let out = env.exec(p, WIRE, &[("__CARGO_TRIGGER_TEST_DIE_AT", commit_step)]);
        assert_killed(&out, "at the commit");
        let names = temp_names();
        // A temporary file and a backup for each of the two manifests.
        assert_eq!(names.len(), 4, "{names:?}");
        for n in &names {
            let name = n.file_name().unwrap().to_string_lossy().into_owned();
            let random = name
                .rsplit_once(".cargo-trigger-")
                .unwrap()
                .1
                .trim_end_matches(".tmp")
                .trim_end_matches(".orig");
            assert!(
                random.len() == 12 && random.chars().all(|c| c.is_ascii_alphanumeric()),
                "{name}"
            );
        }
        runs.push(names);
    }
    assert!(runs[0].iter().all(|n| !runs[1].contains(n)), "{runs:?}");
    env.ok(p, &["list", "-q"]);
    assert_tree(p, &before, "the next run cleaned up");
    // The workspace lock is the root folder itself: nothing in TMPDIR, and
    // nothing of cargo-trigger's in the workspace once a run is over.
    env.ok(p, WIRE);
    env.assert_nothing_left_in_tmpdir();
    assert!(temp_names().is_empty());
}

#[test]
fn a_live_run_is_left_alone_and_a_dead_one_cleaned_whatever_its_pid() {
    let env = Env::new();
    let ws = base(&env);
    let p = ws.path();
    let before = tree(p);
    let out = env.exec(p, WIRE, &[("__CARGO_TRIGGER_TEST_DIE_AT", 3)]);
    assert_killed(&out, "step 3");
    // The journal claims a pid that is alive (this test's): only its lock
    // says whether the owner lives.
    let journal = p.join(JOURNAL);
    let text = fs::read_to_string(&journal).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    assert!(first.starts_with("{\"begin\":{\"pid\":"), "{first}");
    let alive = format!("{{\"begin\":{{\"pid\":{},\"version\":\"0\"}}}}", std::process::id());
    fs::write(&journal, format!("{alive}\n{rest}")).unwrap();
    let killed = tree(p);
    {
        // Held as its owner would while writing.
        let held = fs::OpenOptions::new().read(true).open(&journal).unwrap();
        held.lock().unwrap();
        let out = env.exec(p, &["list", "-q"], &[]);
        assert_eq!(out.status.code(), Some(101), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("another cargo-trigger run is writing"),
            "{}",
            stderr(&out)
        );
        assert_tree(p, &killed, "a live run's files were touched");
    }
    env.ok(p, &["list", "-q"]);
    assert_tree(p, &before, "the dead run's files were not cleaned");
}

#[test]
fn a_workspace_moved_after_a_kill_is_still_settled() {
    let env = Env::new();
    let ws = base(&env);
    let before = tree(ws.path());
    // Killed after the first of the two renames (the member manifest).
    let renamed = {
        let mut step = 0;
        loop {
            restore(ws.path(), &before);
            let out = env.exec(ws.path(), WIRE, &[("__CARGO_TRIGGER_TEST_FAIL_AFTER", step)]);
            if stderr(&out).contains("simulated failure renaming into") {
                break step + 1;
            }
            step += 1;
        }
    };
    restore(ws.path(), &before);
    let out = env.exec(ws.path(), WIRE, &[("__CARGO_TRIGGER_TEST_DIE_AT", renamed)]);
    assert_killed(&out, "after the first rename");
    assert_ne!(tree(ws.path()), before);
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("moved");
    fs::rename(ws.path(), &moved).unwrap();
    env.ok(&moved, &["list", "-q"]);
    assert_tree(&moved, &before, "the moved workspace was not settled");
    fs::rename(&moved, ws.path()).unwrap();
}

#[test]
fn concurrent_runs_re_plan_when_a_file_they_only_read_changes() {
    // `unwire a --prune` removes the `photos` resource once nothing is bound
    // to it; `wire k … --bucket photos` only reads the root manifest's
    // resources and writes `k`'s manifest. Without the read set, both
    // succeeded about half the time, leaving `b` bound to an undeclared
    // resource.
    let env = Env::new();
    let template = tempfile::tempdir().unwrap();
    let t = template.path();
    env.ok(
        t,
        &[
            "new", "a", "--source", "s3", "--bucket", "photos", "--prefix", "in/", "-q",
        ],
    );
    env.ok(t, &["new", "b", "--source", "s3", "--bucket", "docs", "-q"]);
    let start = tree(t);
    for round in 0..30 {
        let dir = tempfile::tempdir().unwrap();
        restore(dir.path(), &start);
        let spawn = |args: &[&str]| {
            let mut c = cmd(dir.path(), args);
            c.env("TMPDIR", env.tmp.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            c.spawn().unwrap()
        };
        let unwire = spawn(&["unwire", "a", "--all", "--prune", "-q"]);
        let wire = spawn(&[
            "wire", "b", "--source", "s3", "--bucket", "photos", "--prefix", "other/", "-q",
        ]);
        let (u, w) = (unwire.wait_with_output().unwrap(), wire.wait_with_output().unwrap());
        assert!(u.status.success(), "round {round}: {}", stderr(&u));
        if !w.status.success() {
            // It re-planned after the prune and refused the bucket.
            assert!(
                stderr(&w).contains("no resource named `photos` is declared"),
                "round {round}: {}",
                stderr(&w)
            );
        }
        let check = run(dir.path(), &["check"]);
        assert_eq!(
            check.code,
            0,
            "round {round}: the runs left a broken workspace:\n{}\n{}",
            check.stderr,
            read(dir.path(), "Cargo.toml")
        );
        assert!(!check.stderr.contains("not a declared resource"), "{}", check.stderr);
    }
    env.assert_nothing_left_in_tmpdir();
}
