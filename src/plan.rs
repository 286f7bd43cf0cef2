//! A change plan: every file a command creates or rewrites, built in memory
//! first. `--dry-run` prints it as a unified diff; a real run applies it
//! all-or-nothing under a workspace lock.
//!
//! # How a plan is written
//!
//! Nothing a user or cargo can see changes until every new byte is on disk,
//! and a run that dies at any instruction leaves what the next run undoes:
//!
//! 1. Under the [`WorkspaceLock`], a journal (`.cargo-trigger-journal` in the
//!    workspace root, locked by this process while it lives) names each
//!    temporary file and staging folder before it is made.
//! 2. New files below a folder that does not exist yet (a new crate) are
//!    written into one staging folder next to it,
//!    `.NAME.cargo-trigger-staging-RANDOM`. A new file in an existing folder,
//!    and each rewritten file, is written to `.NAME.cargo-trigger-RANDOM.tmp`
//!    next to it (a rewrite with the original's mode and owner; symlinks are
//!    followed, so the link's target is rewritten). A rewritten or removed
//!    file keeps its original as a hard link, `.NAME.cargo-trigger-RANDOM.orig`.
//! 3. A `commit` record lists the renames; then they run: staging folders,
//!    new files, rewritten files, the root manifest last. The last rename is
//!    the commit point.
//! 4. [`Journal::settle`] brings the files to one end and removes the journal:
//!    every rename done, the change is complete and the originals go; some
//!    done, they are undone (the originals renamed back, new folders removed);
//!    none, only the temporary files go.
//!
//! A run whose write fails does step 4 at once. A run that is killed leaves
//! its journal, and the next run does step 4 for it before it reads the
//! workspace ([`recover_interrupted`]): the owner is gone once the journal's
//! file lock can be taken, which no reused pid can fake.
//!
//! A workspace is read under a shared [`ReadLock`], so no run writes between
//! `cargo metadata` reading the manifests and the plan recording them
//! ([`ReadSet`]); `apply` checks that record under the exclusive lock, and a
//! plan whose inputs changed is built again.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

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

/// A file's deletion as a unified diff.
fn deletion(text: &str, name: &str) -> String {
    let mut out = similar::TextDiff::from_lines(text, "")
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), "/dev/null")
        .to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
    out
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
    /// What the plan was built from; `apply` writes nothing if any of it changed.
    reads: ReadSet,
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

    /// Record what the plan was built from (see [`ReadSet`]).
    pub fn set_reads(&mut self, reads: ReadSet) {
        self.reads = reads;
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

    /// Plan a new file. It is an error if the file exists (a dangling
    /// symlink included) or is planned.
    pub fn create(&mut self, path: PathBuf, contents: String) -> CargoResult<()> {
        if exists(&path) || self.position(&path).is_some() {
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

    /// Write every change, or none, as the module documentation describes.
    /// The caller holds the [`WorkspaceLock`] of `root`, the workspace root.
    /// A file the plan read or changes whose on-disk bytes are not what the
    /// plan was built from is an [`ApplyError::Conflict`], and nothing is
    /// written.
    pub fn apply(&self, root: &Path) -> Result<(), ApplyError> {
        self.apply_with(root, &mut Faults::from_env())
    }

    fn apply_with(&self, root: &Path, faults: &mut Faults) -> Result<(), ApplyError> {
        if self.changes.is_empty() {
            return Ok(());
        }
        let dir = journal_dir(root);
        recover_in(&dir, faults).map_err(ApplyError::Failed)?;
        if let Some(path) = self.reads.changed() {
            return Err(ApplyError::Conflict(path.to_path_buf()));
        }
        for change in &self.changes {
            let unchanged = match change {
                Change::RemoveDir { path, files } => match dir_files(path) {
                    Ok(now) => now == *files,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                    Err(e) => {
                        return Err(ApplyError::Failed(
                            anyhow::Error::new(e).context(format!("failed to read `{}`", path.display())),
                        ));
                    }
                },
                Change::Create { path, .. } => !exists(path),
                Change::Update { path, before, .. } | Change::Remove { path, before } => match fs::read(path) {
                    Ok(bytes) => bytes == before.as_bytes(),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                    Err(e) => {
                        return Err(ApplyError::Failed(
                            anyhow::Error::new(e).context(format!("failed to read `{}`", path.display())),
                        ));
                    }
                },
            };
            if !unchanged {
                return Err(ApplyError::Conflict(change.path().to_path_buf()));
            }
        }
        let targets = self.targets().map_err(ApplyError::Failed)?;

        let mut journal =
            Journal::begin(&dir, faults).map_err(|e| ApplyError::Failed(e.context("nothing was changed")))?;
        let written = prepare(&self.changes, &targets, root, &mut journal, faults)
            .and_then(|ops| journal.commit(ops, faults))
            .and_then(|ops| rename_all(&ops, faults));
        let settled = journal.settle(faults);
        match (written, settled) {
            // Committed. A backup left by a cleanup that failed is removed
            // by the next run, which finds the journal.
            (Ok(()), _) => Ok(()),
            (Err(e), Ok(_)) => Err(ApplyError::Failed(e.context("nothing was changed"))),
            (Err(e), Err(cleanup)) => Err(ApplyError::Failed(e.context(format!(
                "the change was not made, and undoing its first steps failed too ({cleanup:#}); \
                 the next cargo-trigger command in this workspace finishes the undo"
            )))),
        }
    }

    /// The file each change writes: symlinks followed for existing files,
    /// which must be writable.
    fn targets(&self) -> CargoResult<Vec<PathBuf>> {
        let mut targets: Vec<PathBuf> = Vec::with_capacity(self.changes.len());
        for change in &self.changes {
            let target = match change {
                Change::Create { path, .. } | Change::RemoveDir { path, .. } => path.clone(),
                Change::Update { path, .. } | Change::Remove { path, .. } => {
                    let real =
                        fs::canonicalize(path).with_context(|| format!("failed to read `{}`", path.display()))?;
                    ensure_writable(path, &real)?;
                    real
                }
            };
            if let Some(i) = targets.iter().position(|t| *t == target) {
                return Err(user_error(
                    format!(
                        "`{}` and `{}` are the same file",
                        self.changes[i].path().display(),
                        change.path().display()
                    ),
                    "replace the symlink with its own file, then run the command again",
                ));
            }
            targets.push(target);
        }
        Ok(targets)
    }
}

/// Refuse to change a file its mode marks read-only, or that this process
/// may not open for writing (another owner, `chattr +i`, a read-only mount),
/// as `echo >> FILE` would: a rename would bypass the file's own permission.
fn ensure_writable(shown: &Path, real: &Path) -> CargoResult<()> {
    let meta = fs::metadata(real).with_context(|| format!("failed to read `{}`", shown.display()))?;
    if meta.permissions().readonly() {
        return Err(user_error(
            format!("`{}` is read-only", shown.display()),
            format!(
                "make it writable (`chmod u+w {}`), then run the command again",
                shown.display()
            ),
        ));
    }
    match OpenOptions::new().write(true).open(real) {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Err(user_error(
                format!("`{}` is read-only: {e}", shown.display()),
                "cargo-trigger changes only files you may write; check the file's owner, mode and \
                 attributes (`ls -l`, `lsattr`), then run the command again",
            ))
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("failed to open `{}` for writing", shown.display()))),
    }
}

/// Write every temporary file, backup and staging folder (step 2 of the
/// module documentation) and return the renames that make them visible, in
/// order.
fn prepare(
    changes: &[Change],
    targets: &[PathBuf],
    root: &Path,
    journal: &mut Journal,
    faults: &mut Faults,
) -> CargoResult<Vec<Op>> {
    let mut folders: Vec<(PathBuf, Vec<(&Path, &str)>)> = Vec::new();
    let mut files = Vec::new();
    for (change, target) in changes.iter().zip(targets) {
        match change {
            Change::Create { path, contents } => match new_folder(path) {
                Some(top) => match folders.iter_mut().find(|(t, _)| *t == top) {
                    Some((_, inside)) => inside.push((path, contents)),
                    None => folders.push((top, vec![(path, contents)])),
                },
                None => {
                    let from = write_temp(journal, faults, path, contents.as_bytes(), None, ".tmp")?;
                    files.push(Op::Create { from, to: path.clone() });
                }
            },
            Change::Update { after, before, .. } => {
                let meta = fs::metadata(target).with_context(|| format!("failed to read `{}`", target.display()))?;
                let from = write_temp(journal, faults, target, after.as_bytes(), Some(&meta), ".tmp")?;
                let backup = backup(journal, faults, target, before, &meta)?;
                files.push(Op::Replace {
                    from,
                    to: target.clone(),
                    backup,
                });
            }
            Change::RemoveDir { path, .. } => files.push(set_aside(journal, faults, path)?),
            Change::Remove { before, .. } => {
                let meta = fs::metadata(target).with_context(|| format!("failed to read `{}`", target.display()))?;
                let backup = backup(journal, faults, target, before, &meta)?;
                files.push(Op::Remove {
                    to: target.clone(),
                    backup,
                });
            }
        }
    }
    let mut ops = Vec::with_capacity(folders.len() + files.len());
    for (top, inside) in &folders {
        ops.push(stage(journal, faults, top, inside)?);
    }
    ops.extend(files);
    // The root manifest last: until it changes, a new crate (unless a member
    // glob covers it) is not a member, and cargo ignores it.
    let root_manifest = root.join("Cargo.toml");
    let real_root_manifest = fs::canonicalize(&root_manifest).ok();
    ops.sort_by_key(|op| op.to() == root_manifest || Some(op.to()) == real_root_manifest.as_deref());
    // Make every temporary file's name durable before the commit record is.
    let mut dirs: Vec<&Path> = ops.iter().filter_map(|op| op.temp().parent()).collect();
    dirs.push(&journal.dir);
    sync_dirs(dirs);
    Ok(ops)
}

/// The highest folder above `path` that does not exist yet, if any.
fn new_folder(path: &Path) -> Option<PathBuf> {
    let mut top = None;
    for dir in path.ancestors().skip(1) {
        if dir.as_os_str().is_empty() || exists(dir) {
            break;
        }
        top = Some(dir);
    }
    top.map(Path::to_path_buf)
}

/// `.NAME.cargo-trigger-` for a temporary file or folder next to `path`.
fn temp_prefix(path: &Path, kind: &str) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(path.file_name().unwrap_or(OsStr::new("file")));
    prefix.push(".cargo-trigger-");
    prefix.push(kind);
    prefix
}

/// Make a new file or folder with an unpredictable name in `dir`, created
/// exclusively, after naming it in the journal. `what` says what the step
/// does ("writing `x`"), `failed` what its error says.
#[allow(clippy::too_many_arguments)]
fn make_temp<R>(
    journal: &mut Journal,
    faults: &mut Faults,
    dir: &Path,
    prefix: &OsStr,
    suffix: &str,
    what: &str,
    failed: &str,
    mut create: impl FnMut(&Path) -> io::Result<R>,
) -> CargoResult<(PathBuf, R)> {
    let made = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(suffix)
        .rand_bytes(12)
        .disable_cleanup(true)
        .make_in(dir, |path| {
            journal.append(
                &Record::Temp {
                    path: path.to_path_buf(),
                },
                false,
            )?;
            faults.step(|| what.to_string())?;
            create(path)
        })
        .with_context(|| failed.to_string())?;
    let (made, path) = made.into_parts();
    let path = path.keep().map_err(|e| e.error).with_context(|| failed.to_string())?;
    Ok((path, made))
}

/// Write `bytes` to a new temporary file next to `target`; a rewrite's
/// temporary file gets the mode and owner of `original`.
fn write_temp(
    journal: &mut Journal,
    faults: &mut Faults,
    target: &Path,
    bytes: &[u8],
    original: Option<&fs::Metadata>,
    suffix: &str,
) -> CargoResult<PathBuf> {
    let what = format!("writing `{}`", target.display());
    let failed = format!("failed to write `{}`", target.display());
    let prefix = temp_prefix(target, "");
    let (path, mut file) = make_temp(journal, faults, parent(target), &prefix, suffix, &what, &failed, |p| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if original.is_some() {
            // Nobody else may read it until it has the original's mode.
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        }
        options.open(p)
    })?;
    file.write_all(bytes)
        .and_then(|()| match original {
            Some(meta) => keep_mode_and_owner(&file, meta),
            None => Ok(()),
        })
        .and_then(|()| file.sync_all())
        .with_context(|| failed.clone())?;
    Ok(path)
}

/// Give `file` the permissions (and, where this process may, the owner) of
/// `original`.
fn keep_mode_and_owner(file: &File, original: &fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        // As root, keep the user's ownership; as anyone else this fails
        // unless nothing changes, which is fine. Before the mode, because a
        // change of owner clears the set-id bits.
        let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
        file.set_permissions(fs::Permissions::from_mode(original.mode() & 0o7777))
    }
    #[cfg(not(unix))]
    {
        file.set_permissions(original.permissions())
    }
}

/// Keep `target` as it is, as a hard link next to it (or, on a file system
/// without hard links, a copy of `before` with its mode and owner).
fn backup(
    journal: &mut Journal,
    faults: &mut Faults,
    target: &Path,
    before: &str,
    meta: &fs::Metadata,
) -> CargoResult<PathBuf> {
    let what = format!("keeping the original of `{}`", target.display());
    let failed = format!("failed to keep the original of `{}`", target.display());
    let prefix = temp_prefix(target, "");
    let linked = make_temp(journal, faults, parent(target), &prefix, ".orig", &what, &failed, |p| {
        fs::hard_link(target, p)
    });
    match linked {
        Ok((path, ())) => Ok(path),
        Err(e) if e.root_cause().to_string().starts_with(SIMULATED) => Err(e),
        Err(_) => write_temp(journal, faults, target, before.as_bytes(), Some(meta), ".orig"),
    }
}

/// Reserve a name next to the folder `dir` that is removed: an empty folder
/// the rename moves `dir` onto, deleted with everything in it once the
/// change is complete (and put back by an undo).
fn set_aside(journal: &mut Journal, faults: &mut Faults, dir: &Path) -> CargoResult<Op> {
    let what = format!("removing `{}`", dir.display());
    let failed = format!("failed to remove `{}`", dir.display());
    let prefix = temp_prefix(dir, "removed-");
    let (aside, ()) = make_temp(journal, faults, parent(dir), &prefix, "", &what, &failed, |p| {
        fs::create_dir(p)
    })?;
    Ok(Op::RemoveDir {
        to: dir.to_path_buf(),
        aside,
    })
}

/// Write the new files below `top` into a staging folder next to it.
fn stage(journal: &mut Journal, faults: &mut Faults, top: &Path, files: &[(&Path, &str)]) -> CargoResult<Op> {
    let what = format!("creating directory `{}`", top.display());
    let failed = format!("failed to create directory `{}`", top.display());
    let prefix = temp_prefix(top, "staging-");
    let (staging, ()) = make_temp(journal, faults, parent(top), &prefix, "", &what, &failed, |p| {
        fs::create_dir(p)
    })?;
    let mut made = vec![staging.clone()];
    for (path, contents) in files {
        let rel = path.strip_prefix(top).expect("a file below its new folder");
        let staged = staging.join(rel);
        let mut dirs: Vec<&Path> = parent(&staged)
            .ancestors()
            .take_while(|d| *d != staging)
            .filter(|d| !made.iter().any(|m| m == d))
            .collect();
        dirs.reverse();
        for dir in dirs {
            let shown = top.join(dir.strip_prefix(&staging).unwrap_or(dir));
            faults
                .step(|| format!("creating directory `{}`", shown.display()))
                .and_then(|()| fs::create_dir(dir))
                .with_context(|| format!("failed to create directory `{}`", shown.display()))?;
            made.push(dir.to_path_buf());
        }
        faults
            .step(|| format!("writing `{}`", path.display()))
            .and_then(|()| {
                let mut f = OpenOptions::new().write(true).create_new(true).open(&staged)?;
                f.write_all(contents.as_bytes())?;
                f.sync_all()
            })
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    sync_dirs(made.iter().map(PathBuf::as_path));
    Ok(Op::Stage {
        from: staging,
        to: top.to_path_buf(),
    })
}

/// Step 3: every rename, in order; stops at the first that fails.
fn rename_all(ops: &[Op], faults: &mut Faults) -> CargoResult<()> {
    for op in ops {
        faults
            .step(|| format!("renaming into `{}`", op.to().display()))
            .and_then(|()| op.perform())
            .with_context(|| format!("failed to write `{}`", op.to().display()))?;
    }
    sync_dirs(ops.iter().map(|op| parent(op.to())));
    Ok(())
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Whether anything (a dangling symlink too) is at `path`.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Flush folders' entries to disk, so that renames survive a power loss in
/// the order they were made. Best effort: a folder that cannot be opened
/// (or a platform that cannot open folders) is skipped.
fn sync_dirs<'a>(dirs: impl IntoIterator<Item = &'a Path>) {
    #[cfg(unix)]
    {
        let mut done: Vec<&Path> = Vec::new();
        for dir in dirs {
            if !done.contains(&dir) {
                if let Ok(f) = File::open(dir) {
                    let _ = f.sync_all();
                }
                done.push(dir);
            }
        }
    }
    #[cfg(not(unix))]
    drop(dirs.into_iter());
}

/// Remove the file or folder at `path`; nothing there is fine.
fn remove_any(path: &Path) -> io::Result<()> {
    let result = match fs::symlink_metadata(path) {
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
    };
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Where the journal of a plan for the workspace at `root` lives: the root,
/// or for a workspace that does not exist yet, the folder it will be made in.
fn journal_dir(root: &Path) -> PathBuf {
    root.ancestors().find(|d| d.is_dir()).unwrap_or(root).to_path_buf()
}

/// One rename of step 3. `from` is always a temporary name from step 2.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
enum Op {
    /// Rename the staging folder `from` to the new folder `to`.
    Stage { from: PathBuf, to: PathBuf },
    /// Rename the new file `from` to `to`, which does not exist.
    Create { from: PathBuf, to: PathBuf },
    /// Rename the new file `from` over `to`, whose original is `backup`.
    Replace {
        from: PathBuf,
        to: PathBuf,
        backup: PathBuf,
    },
    /// Remove `to`, whose original is `backup`.
    Remove { to: PathBuf, backup: PathBuf },
    /// Move the folder `to` onto the empty folder `aside` (deleted when the
    /// change is settled as complete).
    RemoveDir { to: PathBuf, aside: PathBuf },
}

impl Op {
    fn map_paths(&self, f: &impl Fn(&Path) -> PathBuf) -> Op {
        match self {
            Op::Stage { from, to } => Op::Stage {
                from: f(from),
                to: f(to),
            },
            Op::Create { from, to } => Op::Create {
                from: f(from),
                to: f(to),
            },
            Op::Replace { from, to, backup } => Op::Replace {
                from: f(from),
                to: f(to),
                backup: f(backup),
            },
            Op::Remove { to, backup } => Op::Remove {
                to: f(to),
                backup: f(backup),
            },
            Op::RemoveDir { to, aside } => Op::RemoveDir {
                to: f(to),
                aside: f(aside),
            },
        }
    }

    fn to(&self) -> &Path {
        match self {
            Op::Stage { to, .. }
            | Op::Create { to, .. }
            | Op::Replace { to, .. }
            | Op::Remove { to, .. }
            | Op::RemoveDir { to, .. } => to,
        }
    }

    /// The temporary name this op made in step 2.
    fn temp(&self) -> &Path {
        match self {
            Op::Stage { from, .. } | Op::Create { from, .. } | Op::Replace { from, .. } => from,
            Op::Remove { backup, .. } => backup,
            Op::RemoveDir { aside, .. } => aside,
        }
    }

    fn perform(&self) -> io::Result<()> {
        match self {
            Op::Stage { from, to } | Op::Create { from, to } => {
                // A rename would replace an empty folder (or, for a file, any
                // file) that appeared since the plan was checked.
                if exists(to) {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        "it appeared while writing",
                    ));
                }
                fs::rename(from, to)
            }
            Op::Replace { from, to, .. } => fs::rename(from, to),
            Op::Remove { to, .. } => fs::remove_file(to),
            Op::RemoveDir { to, aside } => fs::rename(to, aside),
        }
    }

    /// Whether the rename happened, read from the files: every `from`
    /// existed when the commit record was written, and only the rename
    /// removes it.
    fn done(&self) -> bool {
        match self {
            Op::Stage { from, .. } | Op::Create { from, .. } | Op::Replace { from, .. } => !exists(from),
            Op::Remove { to, .. } | Op::RemoveDir { to, .. } => !exists(to),
        }
    }

    /// Put back what was there before this (done) rename. Safe to repeat.
    fn undo(&self) -> io::Result<()> {
        let result = match self {
            Op::Stage { to, .. } => remove_any(to),
            Op::Create { to, .. } => fs::remove_file(to),
            Op::Replace { to, backup, .. } | Op::Remove { to, backup } => fs::rename(backup, to),
            Op::RemoveDir { to, aside } => fs::rename(aside, to),
        };
        match result {
            // Already undone (the backup is back, the new file gone).
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

/// One line of the journal (JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Record {
    /// The first line, for a person reading the file.
    Begin { pid: u32, version: String },
    /// A temporary file or staging folder about to be made.
    Temp { path: PathBuf },
    /// Everything is written; these renames follow, in order.
    Commit { ops: Vec<Op> },
    /// The renames stopped before the last one: the ones done are undone.
    Undo,
}

impl Record {
    fn map_paths(&self, f: impl Fn(&Path) -> PathBuf) -> Record {
        match self {
            Record::Temp { path } => Record::Temp { path: f(path) },
            Record::Commit { ops } => Record::Commit {
                ops: ops.iter().map(|op| op.map_paths(&f)).collect(),
            },
            other => other.clone(),
        }
    }
}

const JOURNAL: &str = ".cargo-trigger-journal";

/// The record of one write in progress (see the module documentation). Its
/// file is locked for as long as the writing process lives.
struct Journal {
    dir: PathBuf,
    path: PathBuf,
    file: File,
    records: Vec<Record>,
}

/// How [`Journal::settle`] left the files.
#[derive(Debug, PartialEq, Eq)]
enum Settled {
    /// Nothing had been renamed: the temporary files are gone.
    Abandoned,
    /// Every rename was done: the change is complete.
    Completed,
    /// The renames done were undone.
    Undone,
}

impl Journal {
    fn begin(dir: &Path, faults: &mut Faults) -> CargoResult<Journal> {
        let path = dir.join(JOURNAL);
        let failed = format!("failed to create `{}`", path.display());
        faults
            .step(|| format!("creating `{}`", path.display()))
            .with_context(|| failed.clone())?;
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create_new(true)
            .open(&path)
            .with_context(|| failed.clone())?;
        let mut journal = Journal {
            dir: dir.to_path_buf(),
            path,
            file,
            records: Vec::new(),
        };
        let begun = journal.file.lock().and_then(|()| {
            journal.append(
                &Record::Begin {
                    pid: std::process::id(),
                    version: env!("CARGO_PKG_VERSION").to_string(),
                },
                false,
            )
        });
        if let Err(e) = begun {
            let _ = fs::remove_file(&journal.path);
            return Err(anyhow::Error::new(e).context(failed));
        }
        Ok(journal)
    }

    /// The journal a run that is gone left in `dir`, if any, now owned by
    /// this run. The caller holds the workspace lock.
    fn abandoned(dir: &Path) -> CargoResult<Option<Journal>> {
        let path = dir.join(JOURNAL);
        let mut file = match OpenOptions::new().read(true).append(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(anyhow::Error::new(e).context(format!("failed to open `{}`", path.display()))),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(user_error(
                    format!("another cargo-trigger run is writing in `{}`", dir.display()),
                    "wait for it to finish, then run the command again",
                ));
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(anyhow::Error::new(e).context(format!("failed to lock `{}`", path.display())));
            }
        }
        let mut text = Vec::new();
        file.read_to_end(&mut text)
            .with_context(|| format!("failed to read `{}`", path.display()))?;
        // A run killed while it wrote a line left it cut short: that record
        // never took effect. Cut it off so that new lines start cleanly.
        let complete = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if complete < text.len() {
            file.set_len(complete as u64)
                .with_context(|| format!("failed to repair `{}`", path.display()))?;
        }
        let mut records = Vec::new();
        for line in text[..complete].split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            let record = serde_json::from_slice(line).map_err(|e| {
                user_error(
                    format!("`{}` is not a journal this cargo-trigger can read: {e}", path.display()),
                    "an interrupted run left it; move it away, check the files it names, then run the command again",
                )
            })?;
            records.push(Record::map_paths(&record, |p| dir.join(p)));
        }
        Ok(Some(Journal {
            dir: dir.to_path_buf(),
            path,
            file,
            records,
        }))
    }

    /// Add a record; a `durable` one is flushed to disk before this returns.
    /// Paths inside the journal's folder are written relative to it, so that
    /// a workspace moved after a kill is still settled.
    fn append(&mut self, record: &Record, durable: bool) -> io::Result<()> {
        let canonical = fs::canonicalize(&self.dir).ok();
        let stored = record.map_paths(|p| {
            let inside = p
                .strip_prefix(&self.dir)
                .ok()
                .or_else(|| canonical.as_deref().and_then(|c| p.strip_prefix(c).ok()));
            inside.unwrap_or(p).to_path_buf()
        });
        let mut line = serde_json::to_vec(&stored).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        if durable {
            self.file.sync_data()?;
        }
        self.records.push(record.clone());
        Ok(())
    }

    fn commit(&mut self, ops: Vec<Op>, faults: &mut Faults) -> CargoResult<Vec<Op>> {
        let record = Record::Commit { ops };
        faults
            .step(|| "committing the change".to_string())
            .and_then(|()| self.append(&record, true))
            .with_context(|| format!("failed to write `{}`", self.path.display()))?;
        let Record::Commit { ops } = record else { unreachable!() };
        Ok(ops)
    }

    /// Step 4 of the module documentation: bring every file the journal
    /// names to one end state, then remove the journal. Safe to repeat after
    /// a kill at any point.
    fn settle(mut self, faults: &mut Faults) -> CargoResult<Settled> {
        let ops = self.records.iter().find_map(|r| match r {
            Record::Commit { ops } => Some(ops.clone()),
            _ => None,
        });
        let settled = match ops {
            None => Settled::Abandoned,
            Some(ops) => {
                let undoing = self.records.contains(&Record::Undo);
                if !undoing && ops.iter().all(Op::done) {
                    Settled::Completed
                } else {
                    if !undoing {
                        // Decided once: removing temporary files below would
                        // make a repeat of this look like "every rename done".
                        faults
                            .step(|| "deciding to undo".to_string())
                            .and_then(|()| self.append(&Record::Undo, true))
                            .with_context(|| format!("failed to write `{}`", self.path.display()))?;
                    }
                    for op in ops.iter().rev().filter(|op| op.done()) {
                        faults
                            .step(|| format!("undoing `{}`", op.to().display()))
                            .and_then(|()| op.undo())
                            .with_context(|| format!("failed to restore `{}`", op.to().display()))?;
                    }
                    Settled::Undone
                }
            }
        };
        let temps: Vec<&Path> = self
            .records
            .iter()
            .filter_map(|r| match r {
                Record::Temp { path } => Some(path.as_path()),
                _ => None,
            })
            .collect();
        for temp in temps.into_iter().rev().filter(|t| exists(t)) {
            faults
                .step(|| format!("removing `{}`", temp.display()))
                .and_then(|()| remove_any(temp))
                .with_context(|| format!("failed to remove `{}`", temp.display()))?;
        }
        faults
            .step(|| format!("removing `{}`", self.path.display()))
            .and_then(|()| fs::remove_file(&self.path))
            .with_context(|| format!("failed to remove `{}`", self.path.display()))?;
        sync_dirs([self.dir.as_path()]);
        Ok(settled)
    }
}

/// Settle the journal a dead run left in `dir`. The caller holds the lock.
fn recover_in(dir: &Path, faults: &mut Faults) -> CargoResult<()> {
    if let Some(journal) = Journal::abandoned(dir)? {
        journal.settle(faults).with_context(|| {
            format!(
                "failed to undo what an interrupted cargo-trigger run left in `{}`",
                dir.display()
            )
        })?;
    }
    Ok(())
}

/// Before a workspace is read: settle what a cargo-trigger run that was
/// killed while writing left in `start` or any folder above it (its
/// journal names every file it touched), so that every run starts from a
/// state some whole command left.
pub fn recover_interrupted(start: &Path) -> CargoResult<()> {
    for dir in start.ancestors() {
        if exists(&dir.join(JOURNAL)) {
            let _lock = WorkspaceLock::acquire(dir)?;
            recover_in(dir, &mut Faults::from_env())?;
        }
    }
    Ok(())
}

/// Test hooks for the write steps (creating, writing, renaming or removing
/// one file or folder), counted from 0 in each `apply` and each recovery:
/// `__CARGO_TRIGGER_TEST_FAIL_AFTER=N` makes step N fail as a write error
/// would; `__CARGO_TRIGGER_TEST_DIE_AT=N` aborts the process just before
/// step N, as `kill -9` would.
#[derive(Debug, Default)]
struct Faults {
    next: usize,
    fail_at: Option<usize>,
    die_at: Option<usize>,
}

const SIMULATED: &str = "simulated failure";

impl Faults {
    fn from_env() -> Faults {
        let var = |name: &str| std::env::var(name).ok()?.parse().ok();
        Faults {
            next: 0,
            fail_at: var("__CARGO_TRIGGER_TEST_FAIL_AFTER"),
            die_at: var("__CARGO_TRIGGER_TEST_DIE_AT"),
        }
    }

    fn step(&mut self, what: impl FnOnce() -> String) -> io::Result<()> {
        let n = self.next;
        self.next += 1;
        if self.die_at == Some(n) {
            std::process::abort();
        }
        if self.fail_at == Some(n) {
            return Err(io::Error::other(format!("{SIMULATED} {}", what())));
        }
        Ok(())
    }
}

/// What a plan was built from: the bytes of every file the workspace model
/// was read from, and the subfolders of each folder where a member glob
/// (`triggers/*`) could find a new crate. [`Plan::apply`] checks them under
/// the lock, so a run re-plans when anything it read changed, not only what
/// it writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadSet {
    entries: Vec<ReadEntry>,
    /// Captured under a [`ReadLock`] of the workspace root, in the same
    /// critical section as `cargo metadata`: the model and the bytes agree.
    locked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ReadEntry {
    path: PathBuf,
    seen: Seen,
    /// For [`ReadSet::is_racy`]; not compared by `apply`.
    modified: Option<SystemTime>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Missing,
    Unreadable(io::ErrorKind),
    File(Vec<u8>),
    /// Subfolder names, sorted; cargo-trigger's own temporary names left out.
    Folders(Vec<OsString>),
}

impl Seen {
    fn file(path: &Path) -> Seen {
        match fs::read(path) {
            Ok(bytes) => Seen::File(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Seen::Missing,
            Err(e) => Seen::Unreadable(e.kind()),
        }
    }

    fn folders(path: &Path) -> Seen {
        let entries = match fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Seen::Missing,
            Err(e) => return Seen::Unreadable(e.kind()),
        };
        let mut names: Vec<OsString> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() || t.is_symlink()))
            .map(|e| e.file_name())
            .filter(|n| !n.to_string_lossy().contains(".cargo-trigger-"))
            .collect();
        names.sort();
        Seen::Folders(names)
    }
}

impl ReadSet {
    /// Read `files`, and list the subfolders of `dirs`, now; `locked` says
    /// whether this happens under the [`ReadLock`] the model was read under.
    pub fn capture(
        files: impl IntoIterator<Item = PathBuf>,
        dirs: impl IntoIterator<Item = PathBuf>,
        locked: bool,
    ) -> ReadSet {
        let mut entries: Vec<ReadEntry> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut add = |path: PathBuf, read: fn(&Path) -> Seen| {
            if seen.insert(path.clone()) {
                let modified = fs::metadata(&path).and_then(|m| m.modified()).ok();
                entries.push(ReadEntry {
                    seen: read(&path),
                    path,
                    modified,
                });
            }
        };
        for f in files {
            add(f, Seen::file);
        }
        for d in dirs {
            add(d, Seen::folders);
        }
        ReadSet { entries, locked }
    }

    /// The first path whose contents differ from what was read.
    fn changed(&self) -> Option<&Path> {
        self.entries
            .iter()
            .find(|e| {
                let now = match e.seen {
                    Seen::Folders(_) => Seen::folders(&e.path),
                    _ => Seen::file(&e.path),
                };
                now != e.seen
            })
            .map(|e| e.path.as_path())
    }

    /// Whether a file may have changed after `since`, the moment the
    /// workspace began to be read, and so before it was captured here: the
    /// model and the bytes might then disagree. Never, when it was captured
    /// under the read lock; otherwise (a root that is not a folder above the
    /// manifest, so not locked) by the files' times, as Git finds "racily
    /// clean" files. A file's time comes from the kernel's coarse clock, and
    /// some file systems keep only whole seconds (FAT two): hence the margin.
    pub fn is_racy(&self, since: SystemTime) -> bool {
        !self.locked
            && self.entries.iter().filter_map(|e| e.modified).any(|m| {
                let whole_seconds = m
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .is_ok_and(|d| d.subsec_nanos() == 0);
                let margin = if whole_seconds {
                    Duration::from_secs(2)
                } else {
                    Duration::from_millis(100)
                };
                m + margin > since
            })
    }
}

/// Shared locks on the folders a workspace may be rooted in (each folder
/// above a manifest that holds a `Cargo.toml`), held while `cargo metadata`
/// reads it and its [`ReadSet`] is captured. A run writes only under the
/// exclusive [`WorkspaceLock`] of its root, so no write can fall between
/// what cargo read and what the plan records. Best effort: a folder that
/// cannot be locked is left out (and [`ReadLock::covers`] says so).
pub struct ReadLock {
    locked: Vec<PathBuf>,
    _files: Vec<File>,
}

impl ReadLock {
    pub fn shared<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> ReadLock {
        let mut lock = ReadLock {
            locked: Vec::new(),
            _files: Vec::new(),
        };
        for dir in dirs {
            let Ok(canonical) = dir.canonicalize() else { continue };
            if let Ok(file) = WorkspaceLock::open(&canonical)
                && file.lock_shared().is_ok()
            {
                lock.locked.push(canonical);
                lock._files.push(file);
            }
        }
        lock
    }

    /// Whether the workspace at `root` was read under this lock.
    pub fn covers(&self, root: &Path) -> bool {
        journal_dir(root).canonicalize().is_ok_and(|r| self.locked.contains(&r))
    }
}

/// An exclusive lock on a workspace, held while a plan is checked and
/// applied (and while an interrupted one is settled), so that two runs
/// cannot interleave their writes. On Unix it is a `flock` of the workspace
/// root folder itself (or, for a workspace not made yet, of the folder it
/// goes in): no lock file to name, leave behind or get wrong through a
/// symlinked path or another `TMPDIR`. The kernel releases it when the
/// process dies.
pub struct WorkspaceLock {
    _file: File,
}

impl WorkspaceLock {
    pub fn acquire(root: &Path) -> CargoResult<WorkspaceLock> {
        let file = Self::open(&journal_dir(root))?;
        file.lock()
            .with_context(|| format!("failed to lock the workspace at `{}`", root.display()))?;
        Ok(WorkspaceLock { _file: file })
    }

    #[cfg(unix)]
    fn open(dir: &Path) -> CargoResult<File> {
        File::open(dir).with_context(|| format!("failed to open `{}` to lock it", dir.display()))
    }

    /// Elsewhere a folder cannot be locked: a lock file in the temporary
    /// folder, named by a stable hash of the folder's canonical path.
    #[cfg(not(unix))]
    fn open(dir: &Path) -> CargoResult<File> {
        use sha2::Digest as _;
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let digest = sha2::Sha256::digest(canonical.as_os_str().as_encoded_bytes());
        let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!("cargo-trigger-{name}.lock"));
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("failed to open lock file `{}`", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail_at(n: usize) -> Faults {
        Faults {
            fail_at: Some(n),
            ..Faults::default()
        }
    }

    /// Every entry below `dir` (hidden ones too), for "nothing left behind".
    fn listing(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    todo.push(p.clone());
                }
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_failure_at_any_step_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.toml");
        let b = dir.path().join("sub/deeper/b.rs");
        let c = dir.path().join("c.rs");
        fs::write(&a, "old\n").unwrap();
        let mut plan = Plan::new();
        plan.update(a.clone(), "old\n".into(), "new\n".into());
        plan.create(b.clone(), "fn main() {}\n".into()).unwrap();
        plan.create(c.clone(), "// c\n".into()).unwrap();
        let before = listing(dir.path());
        let mut step = 0;
        loop {
            match plan.apply_with(dir.path(), &mut fail_at(step)) {
                Err(ApplyError::Failed(e)) => {
                    assert!(format!("{e:#}").contains(SIMULATED), "{e:#}");
                    assert_eq!(fs::read_to_string(&a).unwrap(), "old\n", "step {step}");
                    assert_eq!(listing(dir.path()), before, "step {step} left something");
                }
                Err(ApplyError::Conflict(p)) => panic!("conflict on {}", p.display()),
                // A step after the commit point: the change is whole, and
                // what its cleanup left is the next run's to remove.
                Ok(()) => break,
            }
            step += 1;
        }
        // The journal, a's temporary file and backup, c's temporary file,
        // the staging folder with `deeper` and b.rs, the commit record and 3
        // renames come first.
        assert_eq!(step, 11);
        assert!(exists(&dir.path().join(JOURNAL)));
        recover_interrupted(dir.path()).unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "new\n");
        assert_eq!(fs::read_to_string(&b).unwrap(), "fn main() {}\n");
        assert_eq!(fs::read_to_string(&c).unwrap(), "// c\n");
        assert_eq!(
            listing(dir.path()),
            ["a.toml", "c.rs", "sub", "sub/deeper", "sub/deeper/b.rs"].map(PathBuf::from),
            "temporary files and the journal are gone"
        );
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
        // A failure at any step before the change is complete puts every
        // file back, the removed directory too, and leaves nothing behind.
        let before = listing(dir.path());
        let mut step = 0;
        loop {
            match plan.apply_with(dir.path(), &mut fail_at(step)) {
                Err(ApplyError::Failed(e)) => {
                    assert!(format!("{e:#}").contains(SIMULATED), "{e:#}");
                    assert_eq!(listing(dir.path()), before, "step {step} left something");
                    assert_eq!(fs::read_to_string(krate.join("src/lib.rs")).unwrap(), "pub fn f() {}\n");
                    assert_eq!(fs::read_to_string(&root).unwrap(), "old\n");
                }
                Err(ApplyError::Conflict(p)) => panic!("conflict on {}", p.display()),
                Ok(()) => break,
            }
            step += 1;
        }
        // The next run settles what a failed cleanup left.
        recover_interrupted(dir.path()).unwrap();
        assert!(!krate.exists());
        assert_eq!(fs::read_dir(dir.path().join("triggers")).unwrap().count(), 0);
        assert_eq!(
            listing(dir.path()),
            [PathBuf::from("Cargo.toml"), PathBuf::from("triggers")]
        );
        // A file changed since planning is a conflict.
        let mut plan = Plan::new();
        fs::create_dir_all(krate.join("src")).unwrap();
        fs::write(krate.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        plan.remove_dir(krate.clone()).unwrap();
        fs::write(krate.join("src/lib.rs"), "changed\n").unwrap();
        assert!(matches!(plan.apply(dir.path()), Err(ApplyError::Conflict(_))));
        assert_eq!(fs::read_to_string(krate.join("src/lib.rs")).unwrap(), "changed\n");
    }

    #[test]
    fn a_file_changed_since_planning_is_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.toml");
        fs::write(&a, "old\n").unwrap();
        let mut plan = Plan::new();
        plan.update(a.clone(), "old\n".into(), "new\n".into());
        fs::write(&a, "changed\n").unwrap();
        assert!(matches!(plan.apply(dir.path()), Err(ApplyError::Conflict(_))));
        assert_eq!(fs::read_to_string(&a).unwrap(), "changed\n");
    }

    #[test]
    fn a_file_only_read_that_changed_is_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let read = dir.path().join("read.toml");
        let written = dir.path().join("written.toml");
        fs::write(&read, "declared\n").unwrap();
        fs::write(&written, "old\n").unwrap();
        fs::create_dir(dir.path().join("crates")).unwrap();
        let mut plan = Plan::new();
        plan.update(written.clone(), "old\n".into(), "new\n".into());
        plan.set_reads(ReadSet::capture([read.clone()], [dir.path().join("crates")], false));
        fs::write(&read, "pruned\n").unwrap();
        assert!(matches!(plan.apply(dir.path()), Err(ApplyError::Conflict(p)) if p == read));
        fs::write(&read, "declared\n").unwrap();
        fs::create_dir(dir.path().join("crates/new")).unwrap();
        assert!(matches!(plan.apply(dir.path()), Err(ApplyError::Conflict(p)) if p.ends_with("crates")));
        fs::remove_dir(dir.path().join("crates/new")).unwrap();
        plan.apply(dir.path()).unwrap();
        assert_eq!(fs::read_to_string(&written).unwrap(), "new\n");
    }

    #[test]
    fn a_journal_cut_short_is_settled() {
        let dir = tempfile::tempdir().unwrap();
        let temp = dir.path().join(".x.cargo-trigger-abc.tmp");
        fs::write(&temp, "half").unwrap();
        let line = serde_json::to_string(&Record::Temp { path: temp.clone() }).unwrap();
        fs::write(
            dir.path().join(JOURNAL),
            format!("{line}\n{{\"commit\":{{\"ops\":[{{\"op\":\"sta"),
        )
        .unwrap();
        recover_interrupted(dir.path()).unwrap();
        assert!(listing(dir.path()).is_empty());
    }

    #[test]
    fn a_write_waits_while_the_workspace_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let read = ReadLock::shared([dir.path()]);
        assert!(read.covers(dir.path()));
        let (tx, rx) = std::sync::mpsc::channel();
        let root = dir.path().to_path_buf();
        let writer = std::thread::spawn(move || {
            let _lock = WorkspaceLock::acquire(&root).unwrap();
            tx.send(()).unwrap();
        });
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "the write lock was taken during a read"
        );
        drop(read);
        rx.recv_timeout(Duration::from_secs(10)).unwrap();
        writer.join().unwrap();
    }

    #[test]
    fn racy_reads_are_the_ones_changed_lately() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        fs::write(&f, "x").unwrap();
        let reads = ReadSet::capture([f.clone()], [], false);
        assert!(reads.is_racy(SystemTime::now()));
        assert!(!reads.is_racy(SystemTime::now() + Duration::from_secs(3)));
        assert!(!ReadSet::capture([f.clone()], [], true).is_racy(SystemTime::now()));
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
