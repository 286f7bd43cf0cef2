//! The operations behind the commands. Each takes plain option structs
//! (never clap types) and a workspace model, and either returns a report or
//! a [`Planned`] change for [`commit`] to write.

pub mod check;
pub mod event;
pub mod export;
pub mod grant;
pub mod invoke;
pub mod list;
pub mod new;
pub mod wire;

use std::time::SystemTime;

use crate::errors::{CargoResult, user_error};
use crate::plan::{ApplyError, Plan, ReadSet, WorkspaceLock};
use crate::shell::Shell;
use crate::workspace::Workspace;

pub use crate::sources::draft::{Planned, Status};

/// How to write a plan.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteMode {
    /// Print the diff; write nothing.
    pub dry_run: bool,
    /// `--locked`: fail if anything would change.
    pub locked: bool,
}

/// Read the workspace with `load`, build a plan from it with `build`, and
/// write it. The plan carries every file the workspace model was read from
/// ([`Workspace::reads`], recorded under a lock that keeps other runs from
/// writing while the workspace is read); when another run changed any of
/// them (not only a file this plan writes) before the write, the workspace
/// is read and the plan built again, so concurrent runs on one workspace
/// neither lose each other's edits nor act on what the other just removed.
pub fn commit(
    shell: &mut Shell,
    mode: WriteMode,
    mut load: impl FnMut() -> CargoResult<Workspace>,
    mut build: impl FnMut(&Workspace) -> CargoResult<Planned>,
) -> CargoResult<Plan> {
    const ATTEMPTS: usize = 20;
    let writes = !mode.dry_run && !mode.locked;
    // What the previous attempt read, captured before this one's `load`.
    let mut previous: Option<ReadSet> = None;
    for _ in 0..ATTEMPTS {
        let started = SystemTime::now();
        let ws = load()?;
        let reads = ws.reads.clone();
        // Without the read lock, a file changed while `cargo metadata` read
        // it may be in the model as it was and in `reads` as it is: read
        // again, unless nothing changed since the capture before this `load`.
        if writes && reads.is_racy(started) && previous.as_ref() != Some(&reads) {
            shell.verbose("Rereading", "a manifest changed while the workspace was read");
            previous = Some(reads);
            continue;
        }
        let mut planned = build(&ws)?;
        for w in &planned.warnings {
            shell.warn(w);
        }
        if mode.dry_run {
            shell.diff(&planned.plan.diff(&planned.root));
            for s in &planned.statuses {
                shell.status(s.verb, &s.message);
            }
            shell.warn("dry run: nothing was written");
            return Ok(Plan::new());
        }
        if mode.locked && !planned.plan.is_empty() {
            let files: Vec<String> = planned
                .plan
                .changes()
                .iter()
                .map(|c| {
                    format!(
                        "`{}`",
                        c.path().strip_prefix(&planned.root).unwrap_or(c.path()).display()
                    )
                })
                .collect();
            return Err(user_error(
                format!("`--locked` was passed, but this would change {}", files.join(", ")),
                "run without `--locked` (or `--frozen`) to write the change",
            ));
        }
        planned.plan.set_reads(reads.clone());
        previous = Some(reads);
        let lock = WorkspaceLock::acquire(&planned.root)?;
        match planned.plan.apply(&planned.root) {
            Ok(()) => {
                drop(lock);
                for s in &planned.statuses {
                    shell.status(s.verb, &s.message);
                }
                for n in &planned.notes {
                    shell.note(n);
                }
                return Ok(planned.plan);
            }
            Err(ApplyError::Conflict(path)) => {
                drop(lock);
                shell.verbose("Retrying", format!("`{}` changed while planning", path.display()));
            }
            Err(ApplyError::Failed(e)) => return Err(e),
        }
    }
    Err(user_error(
        "the workspace kept changing while this command ran",
        "run it again once other cargo-trigger runs have finished",
    ))
}
