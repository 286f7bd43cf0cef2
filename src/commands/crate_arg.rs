//! The crate a command acts on, named as cargo names packages: a positional
//! `CRATE`, or `-p`/`--package`, or else the package whose directory the
//! command runs in (or whose manifest `--manifest-path` names).

use std::borrow::Borrow;
use std::path::Path;

use clap::Args;

use crate::commands::Context;
use crate::errors::{CargoResult, user_error};
use crate::model::version::PartialVersion;
use crate::workspace::Workspace;

#[derive(Args, Debug, Clone, Default)]
pub struct CrateArg {
    /// The trigger crate [default: the package in the current directory]
    #[arg(value_name = "CRATE")]
    pub krate: Option<String>,
    /// The crate, as cargo's `-p` names a package (`NAME` or `NAME@VERSION`)
    #[arg(short = 'p', long = "package", value_name = "SPEC")]
    pub package: Option<String>,
}

impl CrateArg {
    /// `-p NAME[@VERSION]`, parsed.
    fn spec(&self) -> CargoResult<Option<(String, Option<PartialVersion>)>> {
        let Some(p) = self.package.as_deref() else {
            return Ok(None);
        };
        match p.split_once('@') {
            None => Ok(Some((p.to_string(), None))),
            Some((name, version)) => {
                let v = PartialVersion::parse(version).map_err(|why| {
                    user_error(
                        format!("invalid package ID specification `{p}`: {why}"),
                        format!("write `-p {name}` or `-p {name}@VERSION`, e.g. `-p {name}@0.1.0`"),
                    )
                })?;
                Ok(Some((name.to_string(), Some(v))))
            }
        }
    }

    /// Refuse `-p NAME@VERSION` when the member `NAME` has another version,
    /// as cargo does; `load` is only called when a version is given.
    pub fn check_version<W: Borrow<Workspace>>(&self, load: impl FnOnce() -> CargoResult<W>) -> CargoResult<()> {
        let Some((name, Some(version))) = self.spec()? else {
            return Ok(());
        };
        let ws = load()?;
        let member = ws.borrow().require_member(&name)?;
        if version.matches(&member.version) {
            return Ok(());
        }
        Err(user_error(
            format!("package ID specification `{name}@{version}` did not match any packages"),
            format!(
                "`{name}` is at version {}: pass `-p {name}` or `-p {name}@{}`",
                member.version, member.version
            ),
        ))
    }

    /// The crate's name, and the positional argument that follows it when
    /// `-p` took the crate's place (`unwire -p thumbs photos`).
    pub fn split(&self, next: Option<String>) -> CargoResult<(Option<String>, Option<String>)> {
        let package = self.spec()?.map(|(name, _)| name);
        match (package, self.krate.clone(), next) {
            (Some(p), Some(k), None) => Ok((Some(p), Some(k))),
            (Some(p), None, next) => Ok((Some(p), next)),
            (Some(p), Some(k), Some(_)) => Err(named_twice(&k, &p)),
            (None, k, next) => Ok((k, next)),
        }
    }

    /// The crate's name; `load` is only called when it has to be found from
    /// the current directory.
    pub fn name<W: Borrow<Workspace>>(
        &self,
        ctx: &Context,
        load: impl FnOnce() -> CargoResult<W>,
    ) -> CargoResult<String> {
        match self.split(None)? {
            (Some(name), None) => {
                self.check_version(load)?;
                Ok(name)
            }
            (Some(p), Some(k)) => Err(named_twice(&k, &p)),
            (None, _) => current_package(load()?.borrow(), ctx),
        }
    }
}

fn named_twice(krate: &str, package: &str) -> anyhow::Error {
    user_error(
        format!("the crate is named twice: `{krate}` and `-p {package}`"),
        "name it once, as `CRATE` or with `-p`",
    )
}

/// The member whose manifest `--manifest-path` names, or the innermost
/// member directory that holds the current directory.
pub fn current_package(ws: &Workspace, ctx: &Context) -> CargoResult<String> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let found = match &ctx.global.manifest.manifest_path {
        Some(mp) => {
            let mp = canonical(&ctx.cwd.join(mp));
            ws.members.iter().find(|m| canonical(&m.manifest_path) == mp)
        }
        None => {
            let cwd = canonical(&ctx.cwd);
            ws.members
                .iter()
                .filter(|m| cwd.starts_with(canonical(&m.dir)))
                .max_by_key(|m| m.dir.components().count())
        }
    };
    found.map(|m| m.name.clone()).ok_or_else(|| {
        user_error(
            "which crate? the current directory is not inside a workspace member",
            "name it: `CRATE` or `-p CRATE` (see `cargo trigger list`)",
        )
    })
}
