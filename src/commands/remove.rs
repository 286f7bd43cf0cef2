use clap::Args;

use crate::commands::crate_arg::CrateArg;
use crate::commands::{Context, load};
use crate::errors::CliResult;
use crate::ops::remove::{RemoveOptions, plan_remove};
use crate::ops::{self, WriteMode};
use crate::shell::Shell;

/// Remove a trigger crate: its directory, its workspace member entry and its bindings (with `--prune`, the resources and workspace dependencies nothing else uses)
#[derive(Args, Debug)]
pub struct RemoveArgs {
    #[command(flatten)]
    pub krate: CrateArg,
    /// Also remove the resource declarations and `[workspace.dependencies]` no other crate uses
    #[arg(long)]
    pub prune: bool,
    /// Show the change as a diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn exec(args: RemoveArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let opts = RemoveOptions {
        krate: args.krate.name(ctx, || load(ctx))?,
        prune: args.prune,
    };
    let mode = WriteMode {
        dry_run: args.dry_run,
        locked: ctx.global.no_writes(),
    };
    ops::commit(shell, mode, || load(ctx), |ws| plan_remove(ws, &opts))?;
    Ok(())
}
