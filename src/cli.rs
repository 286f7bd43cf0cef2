//! The clap definitions and the dispatch to each command. Commands turn their
//! arguments into the option structs of [`crate::ops`]; nothing below this
//! layer sees clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands;
use crate::errors::CliResult;
use crate::shell::{ColorWhen, Shell, Verbosity};
use crate::workspace::LoadOptions;

#[derive(Parser, Debug)]
#[command(name = "cargo", bin_name = "cargo", styles = clap_cargo::style::CLAP_STYLING)]
pub enum Cli {
    /// Scaffold, wire and export AWS Lambda triggers for a cargo workspace
    Trigger(TriggerArgs),
}

#[derive(Args, Debug)]
#[command(version, about, long_about = None)]
pub struct TriggerArgs {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// cargo's common flags, accepted before or after the subcommand.
#[derive(Args, Debug, Clone, Default)]
pub struct GlobalArgs {
    /// Path to Cargo.toml
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Coloring
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
    /// Do not print cargo-trigger's status messages
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Use verbose output
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Run without accessing the network (passed to cargo)
    #[arg(long, global = true)]
    pub offline: bool,
    /// Fail if a file would change (and pass `--locked` to cargo)
    #[arg(long, global = true)]
    pub locked: bool,
    /// Equivalent to specifying both `--locked` and `--offline`
    #[arg(long, global = true)]
    pub frozen: bool,
}

impl GlobalArgs {
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            manifest_path: self.manifest_path.clone(),
            offline: self.offline || self.frozen,
            locked: self.locked || self.frozen,
            frozen: self.frozen,
        }
    }

    /// `--locked`/`--frozen`: no file may change.
    pub fn no_writes(&self) -> bool {
        self.locked || self.frozen
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    New(Box<commands::new::NewArgs>),
    List(commands::list::ListArgs),
    Wire(Box<commands::wire::WireArgs>),
    Unwire(commands::wire::UnwireArgs),
    Check(commands::check::CheckArgs),
    Export(commands::export::ExportArgs),
    Event(Box<commands::event::EventArgs>),
    Invoke(commands::invoke::InvokeArgs),
    Grant(commands::grant::GrantArgs),
    /// Remove a grant (and the variable it added)
    Revoke(commands::grant::GrantArgs),
}

impl Cli {
    fn args(&self) -> &TriggerArgs {
        let Cli::Trigger(args) = self;
        args
    }

    pub fn verbosity(&self) -> Verbosity {
        let g = &self.args().global;
        if g.quiet {
            Verbosity::Quiet
        } else if g.verbose > 0 {
            Verbosity::Verbose
        } else {
            Verbosity::Normal
        }
    }

    pub fn color(&self) -> ColorWhen {
        self.args().global.color
    }
}

/// What every command gets besides its own arguments.
pub struct Context {
    pub global: GlobalArgs,
    pub cwd: PathBuf,
}

impl Context {
    pub fn load_options(&self) -> LoadOptions {
        self.global.load_options()
    }
}

pub fn run(cli: Cli, shell: &mut Shell) -> CliResult {
    let Cli::Trigger(args) = cli;
    let cwd = std::env::current_dir().map_err(|e| anyhow::anyhow!("cannot read the current directory: {e}"))?;
    let ctx = Context {
        global: args.global,
        cwd,
    };
    match args.command {
        Command::New(a) => commands::new::exec(*a, &ctx, shell),
        Command::List(a) => commands::list::exec(a, &ctx, shell),
        Command::Wire(a) => commands::wire::exec_wire(*a, &ctx, shell),
        Command::Unwire(a) => commands::wire::exec_unwire(a, &ctx, shell),
        Command::Check(a) => commands::check::exec(a, &ctx, shell),
        Command::Export(a) => commands::export::exec(a, &ctx, shell),
        Command::Event(a) => commands::event::exec(*a, &ctx, shell),
        Command::Invoke(a) => commands::invoke::exec(a, &ctx, shell),
        Command::Grant(a) => commands::grant::exec(a, false, &ctx, shell),
        Command::Revoke(a) => commands::grant::exec(a, true, &ctx, shell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_as_a_cargo_plugin() {
        let cli = Cli::try_parse_from(["cargo", "trigger", "list", "--format", "json", "-q"]).unwrap();
        assert_eq!(cli.verbosity(), Verbosity::Quiet);
        let cli = Cli::try_parse_from(["cargo-trigger", "trigger", "--color", "never", "list"]).unwrap();
        assert_eq!(cli.color(), ColorWhen::Never);
    }
}
