//! A change plan: every file a command creates or rewrites, built in memory
//! first. `--dry-run` prints it as a unified diff; a real run applies it
//! all-or-nothing under a workspace lock.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::errors::{CargoResult, user_error};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Create {
        path: PathBuf,
        contents: String,
    },
    Update {
        path: PathBuf,
        before: String,
        after: String,
    },
    Remove {
        path: PathBuf,
        before: String,
    },
    /// A whole directory goes (a crate `remove` deletes): every file in it
    /// as it was when planned, by path relative to it.
    RemoveDir {
        path: PathBuf,
        files: Vec<(PathBuf, Vec<u8>)>,
    },
}

impl Change {
    pub fn path(&self) -> &Path {
        match self {
            Change::Create { path, .. }
            | Change::Update { path, .. }
            | Change::Remove { path, .. }
            | Change::RemoveDir { path, .. } => path,
        }
    }
}

/// Every file under `dir` (relative path, bytes), sorted; symlinks are
/// read through.
fn dir_files(dir: &Path) -> std::io::Result<Vec<(PathBuf, Vec<u8>)>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let path = entry?.path();
            if fs::symlink_metadata(&path)?.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                out.push((rel, fs::read(&path)?));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Why `apply` did not write anything.
#[derive(Debug)]
pub enum ApplyError {
    /// Another process changed a file since the plan was made: build the plan
    /// again from what is on disk now.
    Conflict(PathBuf),
    Failed(anyhow::Error),
}

#[derive(Debug, Default, Clone)]
pub struct Plan {
    changes: Vec<Change>,
}

impl Plan {
    pub fn new() -> Self {
        Plan::default()
    }

    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    fn position(&self, path: &Path) -> Option<usize> {
        self.changes.iter().position(|c| c.path() == path)
    }

    /// The contents `path` will have after the plan (or has on disk now).
    pub fn contents(&self, path: &Path) -> CargoResult<Option<String>> {
        match self.position(path).map(|i| &self.changes[i]) {
            Some(Change::Create { contents, .. }) => Ok(Some(contents.clone())),
            Some(Change::Update { after, .. }) => Ok(Some(after.clone())),
            Some(Change::Remove { .. } | Change::RemoveDir { .. }) => Ok(None),
            None if path.exists() => Ok(Some(
                fs::read_to_string(path).with_context(|| format!("failed to read `{}`", path.display()))?,
            )),
            None => Ok(None),
        }
    }

    /// Plan a new file. It is an error if the file exists or is planned.
    pub fn create(&mut self, path: PathBuf, contents: String) -> CargoResult<()> {
        if path.exists() || self.position(&path).is_some() {
            return Err(user_error(
                format!("`{}` already exists", path.display()),
                "cargo-trigger never overwrites a file; move it away or pick another name",
            ));
        }
        self.changes.push(Change::Create { path, contents });
        Ok(())
    }

    /// Plan a rewrite of a file whose current text is `before`. A second
    /// update of the same file replaces the first one's result.
    pub fn update(&mut self, path: PathBuf, before: String, after: String) {
        match self.position(&path) {
            Some(i) => match &mut self.changes[i] {
                Change::Create { contents, .. } => *contents = after,
                Change::Update {
                    after: a, before: b, ..
                } => {
                    if *b == after {
                        self.changes.remove(i);
                    } else {
                        *a = after;
                    }
                }
                Change::Remove { .. } | Change::RemoveDir { .. } => unreachable!("update of a removed file"),
            },
            None if before != after => self.changes.push(Change::Update { path, before, after }),
            None => {}
        }
    }

    /// Plan the removal of directory `dir` and everything in it.
    pub fn remove_dir(&mut self, dir: PathBuf) -> CargoResult<()> {
        let files = dir_files(&dir).with_context(|| format!("failed to read `{}`", dir.display()))?;
        self.changes.push(Change::RemoveDir { path: dir, files });
        Ok(())
    }

    /// Plan a manifest's edits (nothing if it is unchanged).
    pub fn update_manifest(&mut self, m: &crate::manifest::Manifest) {
        self.update(m.path.clone(), m.original().to_string(), m.render());
    }

    /// A unified diff of the whole plan, paths relative to `root`.
    pub fn diff(&self, root: &Path) -> String {
        let mut out = String::new();
        for change in &self.changes {
            let rel = change.path().strip_prefix(root).unwrap_or(change.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            if let Change::RemoveDir { files, .. } = change {
                for (file, bytes) in files {
                    let name = format!("{rel}/{}", file.to_string_lossy().replace('\\', "/"));
                    match std::str::from_utf8(bytes) {
                        Ok(text) => out.push_str(&deletion(text, &name)),
                        Err(_) => out.push_str(&format!("Binary file a/{name} removed\n")),
                    }
                }
                continue;
            }
            let (old, new, old_name, new_name) = match change {
                Change::Create { contents, .. } => ("", contents.as_str(), "/dev/null".to_string(), format!("b/{rel}")),
                Change::Update { before, after, .. } => {
                    (before.as_str(), after.as_str(), format!("a/{rel}"), format!("b/{rel}"))
                }
                Change::Remove { before, .. } => (before.as_str(), "", format!("a/{rel}"), "/dev/null".to_string()),
                Change::RemoveDir { .. } => unreachable!("handled above"),
            };
            let diff = similar::TextDiff::from_lines(old, new);
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &new_name)
                .to_string();
            out.push_str(&text);
            if !text.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
        out
    }

    /// Write every change, or none: new contents go to temporary files first,
    /// then are renamed into place; if one step fails, the files already
    /// renamed get their old contents back. The caller holds the
    /// [`WorkspaceLock`]. Files whose on-disk text is not what the plan was
    /// built from are a [`ApplyError::Conflict`], and nothing is written.
    pub fn apply(&self) -> Result<(), ApplyError> {
        self.apply_inner(fail_after_from_env())
    }

    fn apply_inner(&self, fail_after: Option<usize>) -> Result<(), ApplyError> {
        for change in &self.changes {
            if let Change::RemoveDir { path, files } = change {
                match dir_files(path) {
                    Ok(now) if now == *files => continue,
                    Ok(_) => return Err(ApplyError::Conflict(path.clone())),
                    Err(e) => {
                        return Err(ApplyError::Failed(
                            anyhow::Error::new(e).context(format!("failed to read `{}`", path.display())),
                        ));
                    }
                }
            }
            let disk = match fs::read(change.path()) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    return Err(ApplyError::Failed(
                        anyhow::Error::new(e).context(format!("failed to read `{}`", change.path().display())),
                    ));
                }
            };
            let expected = match change {
                Change::Create { .. } => None,
                Change::Update { before, .. } | Change::Remove { before, .. } => Some(before.as_bytes()),
                Change::RemoveDir { .. } => unreachable!("checked above"),
            };
            if disk.as_deref() != expected {
                return Err(ApplyError::Conflict(change.path().to_path_buf()));
            }
        }

        // 1. Directories and temporary files.
        let mut created_dirs: Vec<PathBuf> = Vec::new();
        let mut temps: Vec<Option<PathBuf>> = Vec::new();
        let cleanup = |temps: &[Option<PathBuf>], dirs: &[PathBuf]| {
            for t in temps.iter().flatten() {
                let _ = fs::remove_file(t);
            }
            for d in dirs.iter().rev() {
                let _ = fs::remove_dir(d);
            }
        };
        for (i, change) in self.changes.iter().enumerate() {
            let contents = match change {
                Change::Create { contents, .. } => contents,
                Change::Update { after, .. } => after,
                Change::Remove { .. } | Change::RemoveDir { .. } => {
                    temps.push(None);
                    continue;
                }
            };
            let path = change.path();
            let result = (|| -> CargoResult<PathBuf> {
                if let Some(parent) = path.parent() {
                    create_dirs(parent, &mut created_dirs)?;
                }
                if fail_after == Some(i) {
                    anyhow::bail!("simulated failure writing `{}`", path.display());
                }
                let temp = temp_path(path);
                let mut f = File::create(&temp).with_context(|| format!("failed to write `{}`", temp.display()))?;
                f.write_all(contents.as_bytes())
                    .and_then(|()| f.sync_all())
                    .with_context(|| format!("failed to write `{}`", temp.display()))?;
                if let Change::Update { path, .. } = change
                    && let Ok(meta) = fs::metadata(path)
                {
                    let _ = fs::set_permissions(&temp, meta.permissions());
                }
                Ok(temp)
            })();
            match result {
                Ok(t) => temps.push(Some(t)),
                Err(e) => {
                    cleanup(&temps, &created_dirs);
                    return Err(ApplyError::Failed(e));
                }
            }
        }

        // 2. Renames; undo on failure.
        let mut done: Vec<usize> = Vec::new();
        for (i, change) in self.changes.iter().enumerate() {
            let step = match (&temps[i], change) {
                (Some(temp), _) => {
                    if fail_after == Some(self.changes.len() + i) {
                        Err(anyhow::anyhow!(
                            "simulated failure renaming into `{}`",
                            change.path().display()
                        ))
                    } else {
                        fs::rename(temp, change.path())
                            .with_context(|| format!("failed to write `{}`", change.path().display()))
                    }
                }
                // A directory is moved aside (one rename, undone by
                // another) and deleted once every step has succeeded.
                (None, Change::RemoveDir { path, .. }) => fs::rename(path, removed_path(path))
                    .with_context(|| format!("failed to remove `{}`", path.display())),
                (None, _) => fs::remove_file(change.path())
                    .with_context(|| format!("failed to remove `{}`", change.path().display())),
            };
            if let Err(e) = step {
                for &j in done.iter().rev() {
                    match &self.changes[j] {
                        Change::Create { path, .. } => {
                            let _ = fs::remove_file(path);
                        }
                        Change::Update { path, before, .. } | Change::Remove { path, before } => {
                            let _ = write_atomic(path, before);
                        }
                        Change::RemoveDir { path, .. } => {
                            let _ = fs::rename(removed_path(path), path);
                        }
                    }
                }
                cleanup(&temps[i..], &created_dirs);
                return Err(ApplyError::Failed(e.context("nothing was changed")));
            }
            done.push(i);
        }
        for change in &self.changes {
            if let Change::RemoveDir { path, .. } = change {
                let aside = removed_path(path);
                fs::remove_dir_all(&aside).map_err(|e| {
                    ApplyError::Failed(anyhow::Error::new(e).context(format!(
                        "`{}` was removed, but its moved-aside copy `{}` could not be deleted: delete it by hand",
                        path.display(),
                        aside.display()
                    )))
                })?;
            }
        }
        Ok(())
    }
}

/// Test hook: `__CARGO_TRIGGER_TEST_FAIL_AFTER=N` makes step N of `apply`
/// fail (0..n are the temporary writes, n..2n the renames).
fn fail_after_from_env() -> Option<usize> {
    std::env::var("__CARGO_TRIGGER_TEST_FAIL_AFTER").ok()?.parse().ok()
}

/// Where a removed directory waits until the plan is applied: beside it.
fn removed_path(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.with_file_name(format!(".{name}.cargo-trigger-{}.removed", std::process::id()))
}

/// A file's deletion as a unified diff.
fn deletion(text: &str, name: &str) -> String {
    let diff = similar::TextDiff::from_lines(text, "");
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), "/dev/null")
        .to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
    out
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.cargo-trigger-{}.tmp", std::process::id()))
}

fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> CargoResult<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs(parent, created)?;
    }
    fs::create_dir(dir).with_context(|| format!("failed to create directory `{}`", dir.display()))?;
    created.push(dir.to_path_buf());
    Ok(())
}

/// Write one file through a temporary file and a rename.
pub fn write_atomic(path: &Path, contents: &str) -> CargoResult<()> {
    let temp = temp_path(path);
    fs::write(&temp, contents).with_context(|| format!("failed to write `{}`", temp.display()))?;
    fs::rename(&temp, path).with_context(|| format!("failed to write `{}`", path.display()))
}

/// An exclusive lock on a workspace, held while a plan is checked and
/// applied, so that two runs cannot interleave their writes.
pub struct WorkspaceLock {
    _file: File,
}

impl WorkspaceLock {
    pub fn acquire(root: &Path) -> CargoResult<WorkspaceLock> {
        use std::hash::{Hash as _, Hasher as _};
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut h = std::collections::hash_map::DefaultHasher::new();
        canonical.hash(&mut h);
        let path = std::env::temp_dir().join(format!("cargo-trigger-{:016x}.lock", h.finish()));
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("failed to open lock file `{}`", path.display()))?;
        file.lock()
            .with_context(|| format!("failed to lock `{}`", path.display()))?;
        Ok(WorkspaceLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_second_write_leaves_the_first_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.toml");
        let b = dir.path().join("sub/b.rs");
        fs::write(&a, "old\n").unwrap();
        let mut plan = Plan::new();
        plan.update(a.clone(), "old\n".into(), "new\n".into());
        plan.create(b.clone(), "fn main() {}\n".into()).unwrap();
        // Fail at the second rename: the first has happened and is undone.
        let Err(ApplyError::Failed(_)) = plan.apply_inner(Some(3)) else {
            panic!("expected failure")
        };
        assert_eq!(fs::read_to_string(&a).unwrap(), "old\n");
        assert!(!b.exists());
        assert!(!dir.path().join("sub").exists());
        // Fail at the second temp write.
        let Err(ApplyError::Failed(_)) = plan.apply_inner(Some(1)) else {
            panic!("expected failure")
        };
        assert_eq!(fs::read_to_string(&a).unwrap(), "old\n");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temporary files are removed"
        );
        plan.apply_inner(None).unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "new\n");
        assert!(b.exists());
    }

    #[test]
    fn a_removed_directory_comes_back_when_a_later_step_fails() {
        let dir = tempfile::tempdir().unwrap();
        let krate = dir.path().join("triggers/x");
        fs::create_dir_all(krate.join("src")).unwrap();
        fs::write(krate.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        fs::write(krate.join("blob.bin"), [0xff, 0xfe, 0]).unwrap();
        let root = dir.path().join("Cargo.toml");
        fs::write(&root, "old\n").unwrap();
        let mut plan = Plan::new();
        plan.remove_dir(krate.clone()).unwrap();
        plan.update(root.clone(), "old\n".into(), "new\n".into());
        let d = plan.diff(dir.path());
        assert!(d.contains("--- a/triggers/x/src/lib.rs\n+++ /dev/null\n"), "{d}");
        assert!(d.contains("Binary file a/triggers/x/blob.bin removed\n"), "{d}");
        // The manifest's rename (step 2 + 1 of the renames) fails: the
        // directory is moved back.
        let Err(ApplyError::Failed(_)) = plan.apply_inner(Some(3)) else {
            panic!("expected failure")
        };
        assert_eq!(fs::read_to_string(krate.join("src/lib.rs")).unwrap(), "pub fn f() {}\n");
        assert_eq!(fs::read_to_string(&root).unwrap(), "old\n");
        // A file changed since planning is a conflict.
        fs::write(krate.join("src/lib.rs"), "changed\n").unwrap();
        assert!(matches!(plan.apply_inner(None), Err(ApplyError::Conflict(_))));
        fs::write(krate.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        plan.apply_inner(None).unwrap();
        assert!(!krate.exists());
        assert_eq!(fs::read_dir(dir.path().join("triggers")).unwrap().count(), 0);
        assert_eq!(fs::read_to_string(&root).unwrap(), "new\n");
    }

    #[test]
    fn a_file_changed_since_planning_is_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.toml");
        fs::write(&a, "old\n").unwrap();
        let mut plan = Plan::new();
        plan.update(a.clone(), "old\n".into(), "new\n".into());
        fs::write(&a, "changed\n").unwrap();
        assert!(matches!(plan.apply_inner(None), Err(ApplyError::Conflict(_))));
        assert_eq!(fs::read_to_string(&a).unwrap(), "changed\n");
    }

    #[test]
    fn diff_shows_new_and_changed_files() {
        let mut plan = Plan::new();
        plan.update("/w/Cargo.toml".into(), "a\n".into(), "a\nb\n".into());
        plan.changes.push(Change::Create {
            path: "/w/x/src/main.rs".into(),
            contents: "fn main() {}\n".into(),
        });
        let d = plan.diff(Path::new("/w"));
        assert!(d.contains("--- a/Cargo.toml\n+++ b/Cargo.toml\n"), "{d}");
        assert!(d.contains("+b\n"));
        assert!(d.contains("--- /dev/null\n+++ b/x/src/main.rs\n"));
    }
}
