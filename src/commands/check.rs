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
            let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
            let checked = format!(
                "{} and {}",
                plural(ws.trigger_crates().count(), "trigger crate"),
                plural(ws.meta.resources.len(), "resource")
            );
            let outcome = if report.findings.is_empty() {
                "no problems".to_string()
            } else {
                format!("{}, {}", plural(report.errors, "error"), plural(report.warnings, "warning"))
            };
            shell.status("Checked", format!("{checked}: {outcome}"));
        }
    }
    if report.errors > 0 || (args.deny_warnings && report.warnings > 0) {
        return Err(CliError::code(1));
    }
    Ok(())
}
