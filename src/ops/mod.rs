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
pub mod remove;
pub mod wire;

use crate::errors::{CargoResult, user_error};
use crate::plan::{ApplyError, Plan, WorkspaceLock};
use crate::shell::Shell;

pub use crate::sources::draft::{Planned, Status};

/// How to write a plan.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteMode {
    /// Print the diff; write nothing.
    pub dry_run: bool,
    /// `--locked`: fail if anything would change.
    pub locked: bool,
}

/// Build a plan and write it. The plan is rebuilt (from what is on disk)
/// when another run changed a file in between, so concurrent runs on one
/// workspace never lose each other's edits.
pub fn commit(
    shell: &mut Shell,
    mode: WriteMode,
    mut build: impl FnMut() -> CargoResult<Planned>,
) -> CargoResult<Plan> {
    const ATTEMPTS: usize = 20;
    for _ in 0..ATTEMPTS {
        let planned = build()?;
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
        let lock = WorkspaceLock::acquire(&planned.root)?;
        match planned.plan.apply() {
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
