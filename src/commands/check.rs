use clap::{Args, ValueEnum};

use crate::commands::Context;
use crate::commands::load;
use crate::errors::{CliError, CliResult};
use crate::ops::check::check;
use crate::shell::Shell;

/// Validate the workspace's trigger metadata, resources, binding rules, cargo-lambda settings and module files
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Output format
    #[arg(long, value_name = "FMT", default_value = "human")]
    pub format: CheckFormat,
    /// Exit non-zero on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
}

pub fn exec(args: CheckArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let ws = load(ctx)?;
    let report = check(&ws);
    match args.format {
        CheckFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?;
            text.push('\n');
            shell.out(&text);
        }
        CheckFormat::Human => {
            for d in &report.findings {
                shell.diagnostic(d);
            }
            let triggers = ws.trigger_crates().count();
            if report.findings.is_empty() {
                shell.status(
                    "Checked",
                    format!(
                        "{triggers} trigger crate{} and {} resource{}: no problems",
                        if triggers == 1 { "" } else { "s" },
                        ws.meta.resources.len(),
                        if ws.meta.resources.len() == 1 { "" } else { "s" }
                    ),
                );
            } else {
                shell.status(
                    "Checked",
                    format!(
                        "{triggers} trigger crate{}: {} error{}, {} warning{}",
                        if triggers == 1 { "" } else { "s" },
                        report.errors,
                        if report.errors == 1 { "" } else { "s" },
                        report.warnings,
                        if report.warnings == 1 { "" } else { "s" }
                    ),
                );
            }
        }
    }
    if report.errors > 0 || (args.deny_warnings && report.warnings > 0) {
        return Err(CliError::code(1));
    }
    Ok(())
}
