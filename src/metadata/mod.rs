//! Reading the workspace: one `cargo metadata --no-deps` run, read into the
//! model through the metadata schema. The same output feeds
//! cargo-lambda-metadata, so the function settings are read the way
//! `cargo lambda` reads them, without running cargo twice.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;
use cargo_lambda_metadata::cargo::CargoMetadata as LambdaCargoMetadata;
use cargo_lambda_metadata::config::{ConfigOptions, FunctionNames, load_config_without_cli_flags};

pub mod schema;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::errors::{CargoResult, user_error};
use crate::plan::{ReadLock, ReadSet};
use crate::workspace::{Dependency, LambdaSettings, LoadOptions, Located, Member, Workspace};

/// Find Cargo.toml from `dir` upward.
fn find_manifest(mut dir: &Path) -> Option<PathBuf> {
    loop {
        let candidate = dir.join("Cargo.toml");
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = dir.parent()?;
    }
}

/// Run `cargo metadata --no-deps` and return its JSON text.
fn cargo_metadata_json(manifest: &Path, opts: &LoadOptions) -> CargoResult<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["metadata", "--no-deps", "--format-version", "1", "--manifest-path"])
        .arg(manifest);
    if opts.offline {
        cmd.arg("--offline");
    }
    if opts.locked {
        cmd.arg("--locked");
    }
    if opts.frozen {
        cmd.arg("--frozen");
    }
    let out = cmd.output().context("failed to run `cargo metadata`")?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stderr = stderr.trim().trim_start_matches("error: ");
        return Err(user_error(
            format!("`cargo metadata` could not read the workspace: {stderr}"),
            "fix the manifest that cargo names, then run the command again",
        ));
    }
    String::from_utf8(out.stdout).context("`cargo metadata` printed invalid UTF-8")
}

/// Locate the workspace for `opts` (from `cwd` when no `--manifest-path`).
/// What a killed cargo-trigger run left half-written there is settled first.
pub fn locate(opts: &LoadOptions, cwd: &Path, allow_empty: bool) -> CargoResult<Located> {
    let start = match &opts.manifest_path {
        Some(p) if p.is_absolute() => p.parent().unwrap_or(cwd).to_path_buf(),
        Some(p) => cwd.join(p).parent().unwrap_or(cwd).to_path_buf(),
        None => cwd.to_path_buf(),
    };
    crate::plan::recover_interrupted(&start)?;
    let manifest = match &opts.manifest_path {
        Some(p) => {
            let p = if p.is_absolute() { p.clone() } else { cwd.join(p) };
            if p.file_name().is_none_or(|n| n != "Cargo.toml") {
                return Err(user_error(
                    format!("the manifest path `{}` must end in `Cargo.toml`", p.display()),
                    "pass the path of a Cargo.toml, e.g. `--manifest-path app/Cargo.toml`",
                ));
            }
            if !p.is_file() {
                let parent = p.parent().unwrap_or(cwd);
                if allow_empty && !parent.is_file() {
                    // `new` makes the folder and a workspace in it.
                    return Ok(Located::Empty {
                        dir: parent.to_path_buf(),
                    });
                }
                return Err(user_error(
                    format!("the manifest path `{}` does not exist", p.display()),
                    "pass the path of an existing Cargo.toml",
                ));
            }
            p
        }
        None => match find_manifest(cwd) {
            Some(p) => p,
            None if allow_empty => return Ok(Located::Empty { dir: cwd.to_path_buf() }),
            None => {
                return Err(user_error(
                    format!(
                        "could not find `Cargo.toml` in `{}` or any parent directory",
                        cwd.display()
                    ),
                    "run the command inside a cargo workspace, or pass `--manifest-path`",
                ));
            }
        },
    };
    Ok(Located::Workspace(Box::new(load(&manifest, opts)?)))
}

/// Read the workspace that `manifest` belongs to, and record what it was
/// read from, with no cargo-trigger run writing in between.
pub fn load(manifest: &Path, opts: &LoadOptions) -> CargoResult<Workspace> {
    let lock = ReadLock::shared(manifest.ancestors().skip(1).filter(|d| d.join("Cargo.toml").is_file()));
    let json = cargo_metadata_json(manifest, opts)?;
    let mut ws = from_metadata_json(&json)?;
    ws.reads = ws.read_set(lock.covers(&ws.root));
    Ok(ws)
}

/// Build the model from `cargo metadata --format-version 1` output.
pub fn from_metadata_json(json: &str) -> CargoResult<Workspace> {
    let metadata = cargo_metadata::MetadataCommand::parse(json).context("failed to parse `cargo metadata` output")?;
    let root: PathBuf = metadata.workspace_root.clone().into();
    let root_manifest = root.join("Cargo.toml");
    let mut diags = Diagnostics::default();
    let ws_meta = schema::parse_workspace(&metadata.workspace_metadata, Path::new("Cargo.toml"), &mut diags);
    let is_virtual = metadata.root_package().is_none();

    let member_ids: std::collections::HashSet<_> = metadata.workspace_members.iter().collect();
    let mut members = Vec::new();
    for pkg in metadata.packages.iter().filter(|p| member_ids.contains(&p.id)) {
        let manifest_path: PathBuf = pkg.manifest_path.clone().into();
        let dir = manifest_path.parent().map(Path::to_path_buf).unwrap_or_default();
        let rel_dir = dir
            .strip_prefix(&root)
            .unwrap_or(&dir)
            .to_string_lossy()
            .replace('\\', "/");
        let rel_manifest = if rel_dir.is_empty() {
            PathBuf::from("Cargo.toml")
        } else {
            Path::new(&rel_dir).join("Cargo.toml")
        };
        let trigger = schema::parse_trigger(&pkg.metadata, &rel_manifest, &mut diags);
        let bins = pkg
            .targets
            .iter()
            .filter(|t| t.kind.iter().any(|k| matches!(k, cargo_metadata::TargetKind::Bin)))
            .map(|t| t.name.clone())
            .collect();
        let dependencies = pkg
            .dependencies
            .iter()
            .filter(|d| d.kind == cargo_metadata::DependencyKind::Normal)
            .map(|d| Dependency {
                name: d.name.clone(),
                req: d.req.clone(),
            })
            .collect();
        members.push(Member {
            name: pkg.name.to_string(),
            version: pkg.version.clone(),
            dependencies,
            manifest_path,
            dir,
            rel_dir,
            bins,
            trigger,
            lambda: None,
        });
    }
    members.sort_by(|a, b| a.name.cmp(&b.name));

    if members.iter().any(|m| m.trigger.is_some()) {
        read_lambda_settings(json, &root, &mut members, &mut diags)?;
    }

    if !diags.is_empty() {
        diags.resolve_lines(&root);
    }
    Ok(Workspace {
        root,
        root_manifest,
        is_virtual,
        meta: ws_meta,
        members,
        diagnostics: diags,
        target_dir: metadata.target_directory.into(),
        reads: ReadSet::default(),
        lock: std::sync::OnceLock::new(),
    })
}

/// `cargo metadata` output, read without copying: what cargo-lambda needs
/// of it, per package.
#[derive(serde::Deserialize)]
struct RawMetadata<'a> {
    #[serde(borrow)]
    packages: Vec<&'a serde_json::value::RawValue>,
    #[serde(borrow)]
    workspace_root: &'a serde_json::value::RawValue,
    #[serde(borrow)]
    target_directory: &'a serde_json::value::RawValue,
    #[serde(borrow, default, rename = "metadata")]
    workspace_metadata: Option<&'a serde_json::value::RawValue>,
}

#[derive(serde::Deserialize)]
struct RawName<'a> {
    name: &'a str,
}

/// The part of `[workspace.metadata]` cargo-lambda reads.
#[derive(serde::Deserialize)]
struct RawLambda<'a> {
    #[serde(borrow, default)]
    lambda: Option<&'a serde_json::value::RawValue>,
}

/// cargo-lambda's view of each trigger crate, read by cargo-lambda-metadata
/// from the same `cargo metadata` output (its own cargo_metadata version).
fn read_lambda_settings(json: &str, root: &Path, members: &mut [Member], diags: &mut Diagnostics) -> CargoResult<()> {
    let raw: RawMetadata<'_> =
        serde_json::from_str(json).context("failed to read `cargo metadata` output for cargo-lambda")?;
    let mut by_name: std::collections::HashMap<&str, &serde_json::value::RawValue> = Default::default();
    for p in &raw.packages {
        let n: RawName<'_> = serde_json::from_str(p.get()).context("a package without a name")?;
        by_name.insert(n.name, p);
    }
    // Only `lambda` of the workspace metadata matters to cargo-lambda; the
    // rest (our resources, for one) need not be read once per function.
    let lambda = match raw.workspace_metadata {
        Some(m) if m.get().starts_with('{') => {
            serde_json::from_str::<RawLambda<'_>>(m.get())
                .context("failed to read `[workspace.metadata]`")?
                .lambda
        }
        _ => None,
    };
    let ws_meta = match lambda {
        Some(l) => format!(r#"{{"lambda":{}}}"#, l.get()),
        None => "null".to_string(),
    };
    for member in members.iter_mut().filter(|m| m.trigger.is_some()) {
        // cargo-lambda reads one function from its package and the workspace
        // metadata: give it just those, so a large workspace stays linear.
        let Some(package) = by_name.get(member.name.as_str()) else {
            continue;
        };
        let one_json = format!(
            r#"{{"packages":[{}],"workspace_members":[],"resolve":null,"workspace_root":{},"target_directory":{},"version":1,"metadata":{}}}"#,
            package.get(),
            raw.workspace_root.get(),
            raw.target_directory.get(),
            ws_meta
        );
        let one: LambdaCargoMetadata =
            serde_json::from_str(&one_json).context("failed to read `cargo metadata` output for cargo-lambda")?;
        let options = ConfigOptions {
            names: FunctionNames::from_package(&member.name),
            global: Some(root.join("CargoLambda.toml")),
            ..Default::default()
        };
        match load_config_without_cli_flags(&one, &options) {
            Ok(config) => {
                let f = &config.deploy.function_config;
                let target = config
                    .build
                    .cargo_opts
                    .common
                    .target
                    .first()
                    .cloned()
                    .unwrap_or_default();
                member.lambda = Some(LambdaSettings {
                    memory: f.memory.as_ref().map(|m| i32::from(m) as u32),
                    timeout: f.timeout.as_ref().map(|t| i32::from(t) as u32),
                    env: config.env.into_iter().collect(),
                    tracing: f.tracing.as_ref().map(|t| t.as_str().to_string()),
                    layers: f.layer.clone().unwrap_or_default(),
                    arm64: config.build.arm64 || target.starts_with("aarch64"),
                    runtime: f.runtime.clone(),
                    description: f.description.clone(),
                    role: f.role.clone(),
                    log_retention: f.log_retention.and_then(|d| u32::try_from(d).ok()),
                });
            }
            Err(e) => {
                let message = format!("cargo-lambda cannot read this function's settings: {e}");
                diags.push(
                    Diagnostic::error(
                        "lambda-config",
                        &member.rel_manifest(),
                        "package.metadata.lambda",
                        message,
                    )
                    .with_help(
                        "fix `[package.metadata.lambda]` as cargo-lambda documents it (e.g. `memory` is 128 to 10240)",
                    ),
                );
            }
        }
    }
    Ok(())
}
