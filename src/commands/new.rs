use std::path::PathBuf;

use clap::Args;

use crate::commands::Context;
use crate::commands::binding_args::BindingArgs;
use crate::errors::{CliResult, user_error};
use crate::metadata;
use crate::model::Source;
use crate::ops::new::{self, NewOptions};
use crate::ops::{self as ops, WriteMode};
use crate::prompt;
use crate::settings;
use crate::shell::Shell;
use crate::sources::cognito::CognitoOptions;
use crate::sources::{CognitoEvent, TokenVersion};
use crate::workspace::{Located, Workspace};

/// Create a trigger crate from a scaffold (or add modules to a Cognito event's crate), add it to the workspace and record its binding
#[derive(Args, Debug)]
pub struct NewArgs {
    /// Crate name [default: from the resource, e.g. `photos-s3-trigger`]
    pub name: Option<String>,
    /// Event source
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<Source>,
    /// Cognito: the user-pool trigger (repeat for several)
    #[arg(long, value_name = "EVENT")]
    pub event: Vec<CognitoEvent>,
    /// Cognito pre-token-generation: event version
    #[arg(long, value_name = "VERSION")]
    pub token_version: Option<TokenVersion>,
    /// Cognito: a module to run, in order (repeat for several)
    #[arg(long = "module", value_name = "MODULE")]
    pub modules: Vec<String>,
    /// Cognito: a bundle of modules across events (repeat for several)
    #[arg(long = "capability", value_name = "CAPABILITY")]
    pub capabilities: Vec<String>,
    /// A module setting, KEY=VALUE (repeat for several)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub settings: Vec<String>,
    /// Directory of the new crate, relative to the workspace root [default: <trigger dir>/<name>]
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
    /// Give the crate its own dependency versions instead of inheriting `[workspace.dependencies]`
    #[arg(long)]
    pub own_versions: bool,
    #[command(flatten)]
    pub binding: BindingArgs,
    /// Take the defaults for whatever is not given, without asking
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Show the change as a diff; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl NewArgs {
    pub fn to_options(&self) -> crate::errors::CargoResult<NewOptions> {
        let settings = self
            .settings
            .iter()
            .map(|s| {
                settings::parse_assignment(s)
                    .map_err(|why| user_error(format!("invalid `--set`: {why}"), "write `--set NAME=VALUE`"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewOptions {
            name: self.name.clone(),
            path: self.path.clone(),
            source: self.source,
            binding: self.binding.to_request(),
            cognito: CognitoOptions {
                events: self.event.clone(),
                token_version: self.token_version,
                modules: self.modules.clone(),
                capabilities: self.capabilities.clone(),
            },
            settings,
            own_versions: self.own_versions,
        })
    }
}

/// Does `new` lack a value that a question (or `--yes`) would supply?
fn incomplete(opts: &NewOptions) -> bool {
    opts.source.is_none()
        || opts
            .source
            .is_some_and(|s| !crate::sources::binding::is_complete(&opts.binding, s))
        || (opts.source.is_some_and(|s| s.spec().has_events())
            && opts.cognito.events.is_empty()
            && opts.cognito.capabilities.is_empty())
}

pub fn exec(args: NewArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let mut opts = args.to_options()?;
    let mode = WriteMode {
        dry_run: args.dry_run,
        locked: ctx.global.no_writes(),
    };
    let load = || -> crate::errors::CargoResult<crate::workspace::Workspace> {
        Ok(match metadata::locate(&ctx.load_options(), &ctx.cwd, true)? {
            Located::Workspace(ws) => *ws,
            Located::Empty { dir } => Workspace::empty(&dir),
        })
    };
    let asked = incomplete(&opts) && !args.yes && prompt::interactive();
    let mut edit = false;
    if incomplete(&opts) && args.yes {
        prompt::defaults_new(&mut opts, &load()?)?;
    } else if asked {
        edit = prompt::complete_new(&mut opts, &load()?).map_err(cancelled)?;
    }
    let plan = ops::commit(shell, mode, load, |ws| new::plan(ws, &opts))?;
    if asked {
        shell.note(format!(
            "the same, without questions: {}",
            prompt::new_command_line(&opts)
        ));
    }
    if edit {
        // The new module files (Cognito) or the handler.
        let mut files: Vec<&std::path::Path> = plan
            .changes()
            .iter()
            .filter(|c| matches!(c, crate::plan::Change::Create { .. }))
            .map(|c| c.path())
            .filter(|p| {
                let s = p.to_string_lossy().replace('\\', "/");
                (s.contains("/src/modules/") && !s.ends_with("/mod.rs")) || s.ends_with("/src/lib.rs")
            })
            .collect();
        if files.iter().any(|p| p.to_string_lossy().contains("/src/modules/")) {
            files.retain(|p| p.to_string_lossy().contains("/src/modules/"));
        }
        for f in files {
            prompt::edit(f)?;
        }
    }
    Ok(())
}

/// A cancelled question exits 130, like an interrupted command.
pub(crate) fn cancelled(e: anyhow::Error) -> crate::errors::CliError {
    if e.downcast_ref::<prompt::Cancelled>().is_some() {
        crate::errors::CliError::new(e, 130)
    } else {
        e.into()
    }
}
