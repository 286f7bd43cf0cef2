use clap::Args;

use crate::commands::Context;
use crate::commands::crate_arg::CrateArg;
use crate::commands::load;
use crate::errors::{CargoResult, CliResult};
use crate::ops::grant::{GrantOptions, plan_grant, plan_revoke};
use crate::ops::{self, WriteMode};
use crate::shell::Shell;

/// Give a trigger crate access to a declared resource (or actions on an ARN), for deploy and local runs
#[derive(Args, Debug)]
pub struct GrantArgs {
    #[command(flatten)]
    pub krate: CrateArg,
    /// A declared resource
    #[arg(long, value_name = "NAME")]
    pub resource: Option<String>,
    /// The access (with `--resource`): `read`, `write` or `read-write`, or one the resource's kind has (see `--help` of its source)
    #[arg(long, value_name = "ACCESS")]
    pub access: Option<String>,
    /// An IAM action, SERVICE:Action (with `--arn`; repeat for several)
    #[arg(long = "action", value_name = "ACTION")]
    pub actions: Vec<String>,
    /// Any resource by ARN (with `--action`)
    #[arg(long, value_name = "ARN")]
    pub arn: Option<String>,
    /// Show the change as a diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl GrantArgs {
    fn to_options(&self, ctx: &Context) -> CargoResult<GrantOptions> {
        Ok(GrantOptions {
            krate: self.krate.name(ctx, || load(ctx))?,
            resource: self.resource.clone(),
            access: self.access.clone(),
            actions: self.actions.clone(),
            arn: self.arn.clone(),
        })
    }
}

pub fn exec(args: GrantArgs, revoke: bool, ctx: &Context, shell: &mut Shell) -> CliResult {
    let opts = args.to_options(ctx)?;
    let mode = WriteMode {
        dry_run: args.dry_run,
        locked: ctx.global.no_writes(),
    };
    ops::commit(
        shell,
        mode,
        || load(ctx),
        |ws| {
            if revoke {
                plan_revoke(ws, &opts)
            } else {
                plan_grant(ws, &opts)
            }
        },
    )?;
    Ok(())
}
