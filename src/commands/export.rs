use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::commands::Context;
use crate::commands::load;
use crate::errors::{CliError, CliResult, user_error};
use crate::ops::export::{TemplateFormat, export};
use crate::ops::{self, Planned, Status, WriteMode};
use crate::plan::Plan;
use crate::shell::Shell;

/// Write an AWS SAM (or CloudFormation) template of every trigger crate, its bindings, resources and least-privilege IAM
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Template flavour
    #[arg(long, value_name = "FMT", default_value = "sam")]
    pub format: ExportFormat,
    /// Write the template here (YAML, or JSON for a `.json` file) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Fail if FILE is not what export would write (for CI)
    #[arg(long, requires = "output")]
    pub check: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// AWS SAM: `sam build && sam deploy` (functions built with cargo-lambda)
    Sam,
    /// Plain CloudFormation: functions from zips in an S3 bucket
    Cloudformation,
}

pub fn exec(args: ExportArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let ws = load(ctx)?;
    let format = match args.format {
        ExportFormat::Sam => TemplateFormat::Sam,
        ExportFormat::Cloudformation => TemplateFormat::Cloudformation,
    };
    let output = args
        .output
        .as_ref()
        .map(|o| if o.is_absolute() { o.clone() } else { ctx.cwd.join(o) });
    let template_dir = match &output {
        Some(o) => {
            let parent = o.parent().map(|p| p.to_path_buf()).unwrap_or_else(|| ctx.cwd.clone());
            parent.canonicalize().map_err(|e| {
                user_error(
                    format!("cannot write into `{}`: {e}", parent.display()),
                    "create the folder first",
                )
            })?
        }
        None => ws.root.clone(),
    };
    let exported = export(&ws, format, &template_dir)?;
    for w in &exported.warnings {
        shell.warn(w);
    }
    let json = output
        .as_ref()
        .is_some_and(|o| o.extension().is_some_and(|e| e == "json"));
    let text = if json {
        let mut t = serde_json::to_string_pretty(&exported.template).map_err(anyhow::Error::from)?;
        t.push('\n');
        t
    } else {
        crate::yaml::to_yaml(&exported.template)
    };
    let Some(path) = output else {
        shell.out(&text);
        return Ok(());
    };
    let current = std::fs::read_to_string(&path).ok();
    if args.check {
        let shown = ws.rel(&path);
        return if current.as_deref() == Some(text.as_str()) {
            shell.status("Fresh", format!("{shown} matches the workspace"));
            Ok(())
        } else {
            shell.error(&user_error(
                format!("`{shown}` is out of date with the workspace's trigger metadata"),
                format!("run `cargo trigger export -o {shown}` and commit the result"),
            ));
            Err(CliError::code(1))
        };
    }
    let mode = WriteMode {
        dry_run: false,
        locked: ctx.global.no_writes(),
    };
    let root = path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    ops::commit(shell, mode, || {
        let mut plan = Plan::new();
        if path.exists() {
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            crate::ops::export::refuse_overwrite(&ws.rel(&path), &old)?;
            plan.update(path.clone(), old, text.clone());
        } else {
            plan.create(path.clone(), text.clone())?;
        }
        Ok(Planned {
            root: root.clone(),
            plan,
            statuses: vec![Status::new(
                "Exported",
                format!(
                    "{} ({} resources)",
                    path.display(),
                    exported.template["Resources"].as_object().map_or(0, |r| r.len())
                ),
            )],
            warnings: Vec::new(),
            notes: Vec::new(),
        })
    })?;
    Ok(())
}
