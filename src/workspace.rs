//! The workspace model: the trigger crates, their metadata, cargo-lambda's
//! settings for each and the workspace's resources. Read by
//! `crate::metadata` from one `cargo metadata --no-deps` run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::errors::{CargoResult, user_error};
use crate::model::suggest::did_you_mean;
use crate::model::version::{Version, VersionReq};
use crate::model::{Binding, DEFAULT_TRIGGER_DIR, Grant, Resource, Source, quoted};
use crate::model::{CognitoEvent, TokenVersion};
use crate::plan::ReadSet;

/// `[package.metadata.trigger]` of one crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriggerMeta {
    pub source: Source,
    pub event: Option<CognitoEvent>,
    pub token_version: Option<TokenVersion>,
    pub modules: Vec<String>,
    pub bindings: Vec<Binding>,
    pub permissions: Vec<Grant>,
}

impl TriggerMeta {
    pub fn token_version(&self) -> TokenVersion {
        self.token_version.unwrap_or_default()
    }
}

/// `[workspace.metadata.trigger]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceMeta {
    pub dir: String,
    pub resources: IndexMap<String, Resource>,
}

impl Default for WorkspaceMeta {
    fn default() -> Self {
        WorkspaceMeta {
            dir: DEFAULT_TRIGGER_DIR.to_string(),
            resources: IndexMap::new(),
        }
    }
}

/// How to find and read the workspace (cargo's common flags).
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    pub manifest_path: Option<PathBuf>,
    pub offline: bool,
    pub locked: bool,
    pub frozen: bool,
}

/// Where a command runs.
#[derive(Debug)]
pub enum Located {
    Workspace(Box<Workspace>),
    /// No Cargo.toml here or above: `new` makes a virtual workspace in `dir`.
    Empty {
        dir: PathBuf,
    },
}

/// A function's effective cargo-lambda settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LambdaSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
    pub env: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracing: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,
    pub arm64: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Days to keep the function's logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_retention: Option<u32>,
}

/// A normal dependency of a member: the package's name and the version
/// requirement cargo read (an inherited one resolved).
#[derive(Clone, Debug)]
pub struct Dependency {
    pub name: String,
    pub req: VersionReq,
}

/// One workspace member.
#[derive(Clone, Debug)]
pub struct Member {
    pub name: String,
    pub version: Version,
    pub dependencies: Vec<Dependency>,
    pub manifest_path: PathBuf,
    pub dir: PathBuf,
    /// `dir` relative to the workspace root, `/`-separated.
    pub rel_dir: String,
    pub bins: Vec<String>,
    pub trigger: Option<TriggerMeta>,
    /// Present for trigger crates whose cargo-lambda config could be read.
    pub lambda: Option<LambdaSettings>,
}

impl Member {
    /// The manifest path relative to the workspace root, for messages.
    pub fn rel_manifest(&self) -> PathBuf {
        if self.rel_dir.is_empty() {
            PathBuf::from("Cargo.toml")
        } else {
            Path::new(&self.rel_dir).join("Cargo.toml")
        }
    }
}

#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub root_manifest: PathBuf,
    /// The root manifest has no `[package]`.
    pub is_virtual: bool,
    pub meta: WorkspaceMeta,
    pub members: Vec<Member>,
    pub diagnostics: Diagnostics,
    pub target_dir: PathBuf,
    /// What the model was read from, for a plan built from it to carry.
    pub reads: ReadSet,
    /// `Cargo.lock`, read when first asked for.
    pub lock: OnceLock<Lock>,
}

/// What `Cargo.lock` resolved: each package's version and the versions its
/// dependencies resolve to. Empty without a lock file (or an unreadable one:
/// cargo reports that itself).
#[derive(Debug, Default)]
pub struct Lock {
    packages: Vec<LockedPackage>,
}

#[derive(Debug)]
struct LockedPackage {
    name: String,
    version: Version,
    /// `name` or `name version` (`… (source)`), as the lock file writes them.
    dependencies: Vec<String>,
}

#[derive(serde::Deserialize)]
struct LockFile {
    #[serde(default)]
    package: Vec<LockFileEntry>,
}

#[derive(serde::Deserialize)]
struct LockFileEntry {
    name: String,
    version: String,
    #[serde(default)]
    dependencies: Vec<String>,
}

impl Lock {
    pub fn read(path: &Path) -> Lock {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Lock::default();
        };
        let Ok(file) = crate::manifest::from_toml::<LockFile>(&text, "Cargo.lock") else {
            return Lock::default();
        };
        Lock {
            packages: file
                .package
                .into_iter()
                .filter_map(|p| {
                    Some(LockedPackage {
                        version: Version::parse(&p.version).ok()?,
                        name: p.name,
                        dependencies: p.dependencies,
                    })
                })
                .collect(),
        }
    }

    /// The versions of `name` the lock holds.
    pub fn versions(&self, name: &str) -> Vec<&Version> {
        self.packages
            .iter()
            .filter(|p| p.name == name)
            .map(|p| &p.version)
            .collect()
    }

    /// The version that `dependency` of the package `name`@`version`
    /// resolves to.
    pub fn dependency_of(&self, name: &str, version: &Version, dependency: &str) -> Option<&Version> {
        let package = self.packages.iter().find(|p| p.name == name && p.version == *version)?;
        let entry = package
            .dependencies
            .iter()
            .find(|d| d.split(' ').next() == Some(dependency))?;
        let versions = self.versions(dependency);
        match entry.split(' ').nth(1) {
            Some(v) => versions.into_iter().find(|x| x.to_string() == v),
            None => versions.into_iter().next(),
        }
    }
}

impl Workspace {
    /// `Cargo.lock` at the workspace root.
    pub fn lock(&self) -> &Lock {
        self.lock.get_or_init(|| Lock::read(&self.root.join("Cargo.lock")))
    }
}

impl Workspace {
    pub fn trigger_crates(&self) -> impl Iterator<Item = (&Member, &TriggerMeta)> {
        self.members.iter().filter_map(|m| m.trigger.as_ref().map(|t| (m, t)))
    }

    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }

    pub fn resource(&self, name: &str) -> Option<&Resource> {
        self.meta.resources.get(name)
    }

    /// The directory new trigger crates go into.
    pub fn trigger_dir(&self) -> PathBuf {
        self.root.join(&self.meta.dir)
    }

    pub fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Fail when the workspace's metadata has errors, listing each of them.
    pub fn ensure_valid(&self) -> CargoResult<()> {
        let errors: Vec<&Diagnostic> = self.diagnostics.errors().collect();
        if errors.is_empty() {
            return Ok(());
        }
        let mut message = format!(
            "the workspace's trigger metadata has {} error{}:",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        for d in &errors {
            message.push_str(&format!("\n  {}: {}", d.location(), d.message));
        }
        Err(user_error(
            message,
            "fix them (`cargo trigger check` explains each one), then run the command again",
        ))
    }

    /// Every file this model was read from (the root and member manifests,
    /// `CargoLambda.toml`) and the folders a member glob could find a new
    /// crate in, as they are now.
    pub fn read_set(&self, locked: bool) -> ReadSet {
        let mut files = vec![self.root_manifest.clone(), self.root.join("CargoLambda.toml")];
        files.extend(self.members.iter().map(|m| m.manifest_path.clone()));
        let mut dirs = vec![self.trigger_dir()];
        dirs.extend(
            self.members
                .iter()
                .filter(|m| !m.rel_dir.is_empty())
                .filter_map(|m| m.dir.parent().map(Path::to_path_buf)),
        );
        ReadSet::capture(files, dirs, locked)
    }

    /// Crate names that are members.
    pub fn member_names(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|m| m.name.as_str())
    }

    /// The trigger crate `name` and its metadata, or an error saying it is
    /// not one, with `help`.
    pub fn require_trigger(&self, name: &str, help: &str) -> CargoResult<(&Member, &TriggerMeta)> {
        if self.member(name).is_none() {
            let triggers: Vec<&str> = self.trigger_crates().map(|(m, _)| m.name.as_str()).collect();
            return Err(user_error(
                format!("no workspace member is named `{name}`"),
                if triggers.is_empty() {
                    "the workspace has no trigger crates yet (`cargo trigger new` makes one)".to_string()
                } else {
                    format!(
                        "{}the trigger crates are {}",
                        did_you_mean(name, triggers.iter().copied()),
                        quoted(&triggers)
                    )
                },
            ));
        }
        let m = self.require_member(name)?;
        let t = m
            .trigger
            .as_ref()
            .ok_or_else(|| user_error(format!("`{}` is not a trigger crate", m.name), help))?;
        Ok((m, t))
    }

    /// The crate for `name`, or an error listing the trigger crates.
    pub fn require_member(&self, name: &str) -> CargoResult<&Member> {
        self.member(name).ok_or_else(|| {
            let known: Vec<&str> = self.member_names().collect();
            user_error(
                format!("no workspace member is named `{name}`"),
                if known.is_empty() {
                    "the workspace has no members yet".to_string()
                } else {
                    format!(
                        "{}the members are {}",
                        did_you_mean(name, known.iter().copied()),
                        quoted(&known)
                    )
                },
            )
        })
    }
}

impl Workspace {
    /// The model for a folder with no Cargo.toml yet (`new` makes one).
    pub fn empty(dir: &Path) -> Workspace {
        Workspace {
            root: dir.to_path_buf(),
            root_manifest: dir.join("Cargo.toml"),
            is_virtual: true,
            meta: WorkspaceMeta::default(),
            members: Vec::new(),
            diagnostics: Diagnostics::default(),
            target_dir: dir.join("target"),
            reads: ReadSet::default(),
            lock: OnceLock::new(),
        }
    }

    /// Declared resources that a `source` binding can name.
    pub fn resources_for(&self, source: Source) -> Vec<&Resource> {
        self.meta
            .resources
            .values()
            .filter(|r| r.kind.source() == source)
            .collect()
    }
}
