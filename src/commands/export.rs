use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::commands::Context;
use crate::commands::load;
use crate::errors::{CargoResult, CliError, CliResult, user_error};
use crate::ops::export::{Exported, TemplateFormat, export};
use crate::ops::{self, Planned, Status, WriteMode};
use crate::plan::Plan;
use crate::shell::Shell;
use crate::workspace::Workspace;

/// Write an AWS SAM (or CloudFormation) template of every trigger crate, its bindings, resources and least-privilege IAM
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Template flavour
    #[arg(long, value_name = "FMT", default_value = "sam")]
    pub format: ExportFormat,
    /// Write the template here (YAML, or JSON for a `.json` file) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail if FILE (default: `template.yaml` in the workspace root) is not what export would write, showing the difference (for CI)
    #[arg(long)]
    pub check: bool,
}

/// What `export --check` checks without `-o`, at the workspace root.
pub const DEFAULT_TEMPLATE: &str = "template.yaml";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// AWS SAM: `sam build && sam deploy` (functions built with cargo-lambda)
    Sam,
    /// Plain CloudFormation: functions from zips in an S3 bucket
    Cloudformation,
}

pub fn exec(args: ExportArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let format = match args.format {
        ExportFormat::Sam => TemplateFormat::Sam,
        ExportFormat::Cloudformation => TemplateFormat::Cloudformation,
    };
    let output = args
        .output
        .as_ref()
        .map(|o| if o.is_absolute() { o.clone() } else { ctx.cwd.join(o) });
    let json = output
        .as_ref()
        .is_some_and(|o| o.extension().is_some_and(|e| e == "json"));
    let render = |ws: &Workspace, template_dir: &Path| -> CargoResult<(String, Exported)> {
        let exported = export(ws, format, template_dir)?;
        let text = if json {
            let mut t = serde_json::to_string_pretty(&exported.template).map_err(anyhow::Error::from)?;
            t.push('\n');
            t
        } else {
            crate::yaml::to_yaml(&exported.template)
        };
        Ok((text, exported))
    };
    let folder_of = |path: &Path| -> CargoResult<PathBuf> {
        let parent = path
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| ctx.cwd.clone());
        parent.canonicalize().map_err(|e| {
            user_error(
                format!("cannot write into `{}`: {e}", parent.display()),
                "create the folder first",
            )
        })
    };
    if args.check {
        let ws = load(ctx)?;
        // `--check` alone checks the template where `export -o` is shown
        // writing it: `template.yaml` at the workspace root.
        let path = output.clone().unwrap_or_else(|| ws.root.join(DEFAULT_TEMPLATE));
        let (text, exported) = render(&ws, &folder_of(&path)?)?;
        for w in &exported.warnings {
            shell.warn(w);
        }
        let shown = ws.rel(&path);
        let Some(current) = std::fs::read_to_string(&path).ok() else {
            shell.error(&user_error(
                format!("`{shown}` does not exist, so there is no template to check"),
                format!("run `cargo trigger export -o {shown}` and commit it (or name yours with `-o`)"),
            ));
            return Err(CliError::code(1));
        };
        if current == text {
            shell.status("Fresh", format!("{shown} matches the workspace"));
            return Ok(());
        }
        // What export would change, as a diff of the file.
        let mut change = Plan::new();
        change.update(path.clone(), current, text);
        shell.diff(&change.diff(&ws.root));
        shell.error(&user_error(
            format!("`{shown}` is out of date with the workspace's trigger metadata (the diff above is what export would change)"),
            format!("run `cargo trigger export -o {shown}` and commit the result"),
        ));
        return Err(CliError::code(1));
    }
    let Some(path) = output else {
        let ws = load(ctx)?;
        let (text, exported) = render(&ws, &ws.root)?;
        for w in &exported.warnings {
            shell.warn(w);
        }
        shell.out(&text);
        return Ok(());
    };
    let template_dir = folder_of(&path)?;
    let mode = WriteMode {
        dry_run: false,
        locked: ctx.global.no_writes(),
    };
    // Rendered inside the write, so that a template is never written from a
    // workspace that changed while it was made.
    ops::commit(
        shell,
        mode,
        || load(ctx),
        |ws| {
            let (text, exported) = render(ws, &template_dir)?;
            let mut plan = Plan::new();
            if path.exists() {
                let old = std::fs::read_to_string(&path).unwrap_or_default();
                crate::ops::export::refuse_overwrite(&ws.rel(&path), &old)?;
                plan.update(path.clone(), old, text);
            } else {
                plan.create(path.clone(), text)?;
            }
            Ok(Planned {
                root: ws.root.clone(),
                plan,
                statuses: vec![Status::new(
                    "Exported",
                    format!(
                        "{} ({} resources)",
                        path.display(),
                        exported.template["Resources"].as_object().map_or(0, |r| r.len())
                    ),
                )],
                warnings: exported.warnings,
                notes: Vec::new(),
            })
        },
    )?;
    Ok(())
}
