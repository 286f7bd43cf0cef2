use clap::{Args, ValueEnum};

use crate::commands::Context;
use crate::errors::{CliResult, user_error};
use crate::metadata;
use crate::ops::list::{ListReport, report};
use crate::shell::Shell;
use crate::workspace::Located;

/// List every trigger crate (source, event, modules, bindings, settings) and the declared resources
#[derive(Args, Debug)]
pub struct ListArgs {
    /// Output format
    #[arg(long, value_name = "FMT", default_value = "table")]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

pub fn exec(args: ListArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let Located::Workspace(ws) = metadata::locate(&ctx.load_options(), &ctx.cwd, false)? else {
        return Err(user_error("no workspace", "run inside a cargo workspace").into());
    };
    ws.ensure_valid()?;
    for d in ws.diagnostics.items() {
        shell.diagnostic(d);
    }
    let report = report(&ws);
    match args.format {
        ListFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?;
            text.push('\n');
            shell.out(&text);
        }
        ListFormat::Table => {
            if report.triggers.is_empty() {
                shell.note("this workspace has no trigger crates yet");
                shell.help("create one with `cargo trigger new --source s3 --bucket photos`");
            } else {
                shell.out(&render_triggers(&report));
                for t in report.triggers.iter().filter(|t| t.federated_sign_in == Some(false)) {
                    if let Some(e) = t.event {
                        shell.note(format!(
                            "federated sign-in does not invoke the `{e}` trigger, so `{}` never runs for users who sign in through an identity provider",
                            t.name
                        ));
                    }
                }
                for t in report.triggers.iter().filter(|t| t.native_sign_in == Some(false)) {
                    if let Some(e) = t.event {
                        shell.note(format!(
                            "only federated sign-in invokes the `{e}` trigger, so `{}` never runs for users who sign in with the pool's own credentials",
                            t.name
                        ));
                    }
                }
            }
            if !report.resources.is_empty() {
                if !report.triggers.is_empty() {
                    shell.out("\n");
                }
                shell.out(&render_resources(&report));
            }
        }
    }
    Ok(())
}

/// `todos:write sqs-queue[sqs:SendMessage]`
fn grants_text(grants: &[crate::model::Grant]) -> String {
    grants
        .iter()
        .map(|g| match (&g.resource, &g.access, &g.arn) {
            (Some(r), Some(a), _) => format!("{r}:{a}"),
            (_, _, Some(arn)) => format!("{}[{}]", arn.last_segment(), g.actions.join("|")),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Columns padded to their widest cell, like `cargo tree`'s plain output.
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..cols)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == cols {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn or_dash(s: String) -> String {
    if s.is_empty() { "-".into() } else { s }
}

pub fn render_triggers(report: &ListReport) -> String {
    let mut rows = vec![
        [
            "NAME", "SOURCE", "EVENT", "MODULES", "BINDINGS", "GRANTS", "MEMORY", "TIMEOUT", "PATH",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for t in &report.triggers {
        let event = match (t.event, t.token_version) {
            (Some(e), Some(v)) => format!("{e} ({})", v.as_str()),
            (Some(e), None) => e.to_string(),
            _ => String::new(),
        };
        let bindings: Vec<String> = t.typed_bindings.iter().map(|b| t.source.spec().list_label(b)).collect();
        let lambda = t.lambda.as_ref();
        rows.push(vec![
            t.name.clone(),
            t.source.to_string(),
            or_dash(event),
            or_dash(t.modules.join(",")),
            or_dash(bindings.join(" ")),
            or_dash(grants_text(&t.typed_permissions)),
            or_dash(
                lambda
                    .and_then(|l| l.memory)
                    .map(|m| format!("{m} MB"))
                    .unwrap_or_default(),
            ),
            or_dash(
                lambda
                    .and_then(|l| l.timeout)
                    .map(|s| format!("{s}s"))
                    .unwrap_or_default(),
            ),
            t.path.clone(),
        ]);
    }
    table(&rows)
}

pub fn render_resources(report: &ListReport) -> String {
    let mut rows = vec![["RESOURCE", "TYPE", "KIND", "DETAIL"].map(String::from).to_vec()];
    for r in &report.typed_resources {
        let (kind, detail) = match &r.arn {
            Some(arn) => ("existing", arn.to_string()),
            None => {
                let mut d = Vec::new();
                if let Some(n) = &r.physical_name {
                    d.push(format!("name={n}"));
                }
                for spec in r.kind.spec().keys {
                    if let (Some(label), Some(v)) = (spec.list_label, r.settings.get(spec.key)) {
                        d.push(format!("{label}={v}"));
                    }
                }
                ("managed", d.join(" "))
            }
        };
        rows.push(vec![r.name.clone(), r.kind.to_string(), kind.into(), or_dash(detail)]);
    }
    table(&rows)
}
