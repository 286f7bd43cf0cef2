use clap::Args;

use super::binding_args::{BindingArgs, SelectArgs};
use super::crate_arg::CrateArg;
use super::{Context, load};
use crate::errors::{CargoResult, CliResult, user_error};
use crate::model::Source;
use crate::ops::wire::{self, UnwireOptions, WireOptions};
use crate::ops::{self, WriteMode};
use crate::shell::Shell;
use crate::sources::{CognitoEvent, TokenVersion};

/// Add a binding to a crate (adopting an existing Lambda crate with `--source`)
#[derive(Args, Debug)]
pub struct WireArgs {
    #[command(flatten)]
    pub krate: CrateArg,
    /// Adopt a crate that is not a trigger crate yet, as this source
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<Source>,
    /// Cognito: the event an adopted crate handles
    #[arg(long, value_name = "EVENT")]
    pub event: Option<CognitoEvent>,
    /// Cognito pre-token-generation: the event version (adoption)
    #[arg(long, value_name = "VERSION")]
    pub token_version: Option<TokenVersion>,
    /// Declare the named resource if it is not declared yet
    #[arg(long)]
    pub create: bool,
    #[command(flatten)]
    pub binding: BindingArgs,
    /// Show the change as a diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Remove a binding from a crate
#[derive(Args, Debug)]
pub struct UnwireArgs {
    #[command(flatten)]
    pub krate: CrateArg,
    /// The binding's target: a resource name or ARN
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,
    /// The binding's position in the crate's list (0-based), when several share a target
    #[arg(long, value_name = "N")]
    pub index: Option<usize>,
    /// Remove every binding of the crate
    #[arg(long, conflicts_with_all = ["target", "index"])]
    pub all: bool,
    /// Also remove resource declarations no binding uses any more
    #[arg(long)]
    pub prune: bool,
    /// Show the change as a diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The binding's target and keys, as `wire` takes them
    #[command(flatten)]
    pub binding: SelectArgs,
}

impl WireArgs {
    pub fn to_options(&self, ctx: &Context) -> CargoResult<WireOptions> {
        Ok(WireOptions {
            krate: self.krate.name(ctx, || load(ctx))?,
            source: self.source,
            event: self.event,
            token_version: self.token_version,
            binding: self.binding.to_request(),
            create: self.create,
        })
    }
}

pub fn exec_wire(args: WireArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let mut opts = args.to_options(ctx)?;
    let mut asked = false;
    if !opts.binding.has_target() && crate::prompt::interactive() {
        // Ask for the source when adopting, then the target (and its
        // settings) as `new` does.
        let ws = load(ctx)?;
        let member = ws.member(&opts.krate);
        if let Some(m) = member
            && m.trigger.is_none()
            && !m.bins.is_empty()
        {
            crate::prompt::complete_adoption(&mut opts).map_err(crate::commands::new::cancelled)?;
        }
        let source = opts
            .source
            .or_else(|| member.and_then(|m| m.trigger.as_ref()).map(|t| t.source));
        if let Some(source) = source
            && !crate::sources::binding::is_complete(&opts.binding, source)
        {
            asked = true;
            crate::prompt::complete_target(&mut opts.binding, source, &ws, true)
                .map_err(crate::commands::new::cancelled)?;
            let named = opts.binding.given_target().map(|(_, n)| n.to_string());
            if let Some(n) = named
                && opts.binding.arn.is_none()
                && ws.resource(&n).is_none()
            {
                opts.create = true;
            }
        }
    }
    let mode = WriteMode {
        dry_run: args.dry_run,
        locked: ctx.global.no_writes(),
    };
    ops::commit(shell, mode, || load(ctx), |ws| wire::plan_wire(ws, &opts))?;
    if asked {
        shell.note(format!(
            "the same, without questions: {}",
            crate::prompt::wire_command_line(&opts)
        ));
    }
    Ok(())
}

pub fn exec_unwire(args: UnwireArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let (krate, target) = args.krate.split(args.target.clone())?;
    args.krate.check_version(|| load(ctx))?;
    if args.all && target.is_some() {
        return Err(user_error(
            "`--all` removes every binding, so it takes no TARGET",
            "leave out TARGET, or `--all`",
        )
        .into());
    }
    let krate = match krate {
        Some(k) => k,
        None => crate::commands::crate_arg::current_package(&load(ctx)?, ctx)?,
    };
    let opts = UnwireOptions {
        krate,
        target,
        index: args.index,
        all: args.all,
        prune: args.prune,
        binding: args.binding.request.clone(),
    };
    let mode = WriteMode {
        dry_run: args.dry_run,
        locked: ctx.global.no_writes(),
    };
    ops::commit(shell, mode, || load(ctx), |ws| wire::plan_unwire(ws, &opts))?;
    Ok(())
}
