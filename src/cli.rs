//! The clap definitions and the dispatch to each command. Commands turn their
//! arguments into the option structs of [`crate::ops`]; nothing below this
//! layer sees clap.

use clap::{Args, Parser, Subcommand};

use crate::commands::{self, GlobalArgs};
use crate::errors::CliResult;
use crate::shell::{ColorWhen, Shell, Verbosity};

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
    Remove(commands::remove::RemoveArgs),
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

    /// `--color`, else `CARGO_TERM_COLOR` (as cargo reads it), else auto.
    pub fn color(&self) -> ColorWhen {
        self.args().global.color.unwrap_or_else(|| {
            std::env::var("CARGO_TERM_COLOR")
                .ok()
                .and_then(|v| <ColorWhen as clap::ValueEnum>::from_str(&v, true).ok())
                .unwrap_or_default()
        })
    }
}

/// `--color` as given on a command line clap could not parse, else
/// `CARGO_TERM_COLOR`, else auto.
pub fn color_of_args(args: &[std::ffi::OsString]) -> ColorWhen {
    let parse = |v: &str| <ColorWhen as clap::ValueEnum>::from_str(v, true).ok();
    let mut given = None;
    for (i, a) in args.iter().enumerate() {
        let a = a.to_string_lossy();
        if let Some(v) = a.strip_prefix("--color=") {
            given = parse(v);
        } else if a == "--color" {
            given = args.get(i + 1).and_then(|v| parse(&v.to_string_lossy()));
        }
    }
    given
        .or_else(|| std::env::var("CARGO_TERM_COLOR").ok().and_then(|v| parse(&v)))
        .unwrap_or_default()
}

pub fn run(cli: Cli, shell: &mut Shell) -> CliResult {
    let Cli::Trigger(args) = cli;
    let cwd = std::env::current_dir().map_err(|e| anyhow::anyhow!("cannot read the current directory: {e}"))?;
    let ctx = commands::Context {
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
        Command::Remove(a) => commands::remove::exec(a, &ctx, shell),
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
