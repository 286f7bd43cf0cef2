//! Drafting new trigger crates: the options of `new`, the crate's name and
//! place in the workspace, its files and Cargo.toml, its addition to the
//! root manifest — all planned in memory (a [`Planned`] change) for
//! `ops::commit` to write. Shared by every source's `new`.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::errors::{CargoResult, user_error};
use crate::manifest::{self, Manifest};
use crate::model::names::{self, slug};
use crate::model::version::{self, Version, VersionReq};
use crate::model::{Binding, FieldValue, Resource, Source, Target};
use crate::plan::Plan;
use crate::scaffold::{CrateScaffold, catalog};
use crate::sources::binding::BindingRequest;
use crate::sources::cognito::event::CognitoOptions;
use crate::workspace::Workspace;

/// What `cargo trigger new` is asked for.
#[derive(Clone, Debug, Default)]
pub struct NewOptions {
    pub name: Option<String>,
    /// The crate's directory, relative to the workspace root.
    pub path: Option<PathBuf>,
    pub source: Option<Source>,
    pub binding: BindingRequest,
    pub cognito: CognitoOptions,
    pub settings: Vec<(String, String)>,
    /// Write the scaffold's own version lines instead of inheriting
    /// `[workspace.dependencies]` (whose versions may be too old).
    pub own_versions: bool,
}

/// A status line to print once the change is written.
#[derive(Clone, Debug)]
pub struct Status {
    pub verb: &'static str,
    pub message: String,
}

impl Status {
    pub fn new(verb: &'static str, message: impl Into<String>) -> Self {
        Status {
            verb,
            message: message.into(),
        }
    }
}

/// A change ready to write, with what to say about it.
pub struct Planned {
    pub root: PathBuf,
    pub plan: Plan,
    pub statuses: Vec<Status>,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

const RESERVED: &[&str] = &[
    "test",
    "core",
    "std",
    "alloc",
    "proc_macro",
    "proc-macro",
    "build",
    "deps",
    "examples",
    "incremental",
    "con",
    "prn",
    "aux",
    "nul",
    "com1",
    "com2",
    "com3",
    "com4",
    "com5",
    "com6",
    "com7",
    "com8",
    "com9",
    "lpt1",
    "lpt2",
    "lpt3",
    "lpt4",
    "lpt5",
    "lpt6",
    "lpt7",
    "lpt8",
    "lpt9",
];

/// Rust's keywords: no crate name or identifier may be one.
pub const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Cargo's rules for a package name (as `cargo new` applies them).
pub fn check_crate_name(name: &str) -> CargoResult<()> {
    let help = "crate names use ASCII letters, digits, `-` and `_`, start with a letter, e.g. `photos-s3-trigger`";
    if name.is_empty() {
        return Err(user_error("the crate name is empty", help));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(user_error(
            format!(
                "invalid character `{}` in crate name `{}`",
                c.escape_default(),
                name.escape_default()
            ),
            help,
        ));
    }
    if !name.as_bytes()[0].is_ascii_alphabetic() {
        return Err(user_error(
            format!("the crate name `{name}` must start with a letter"),
            help,
        ));
    }
    if name.len() > 64 {
        return Err(user_error(
            format!("the crate name `{name}` is longer than 64 characters"),
            help,
        ));
    }
    if KEYWORDS.contains(&name) {
        return Err(user_error(
            format!("the name `{name}` cannot be used as a crate name, it is a Rust keyword"),
            format!("pick another name, e.g. `{name}-trigger`"),
        ));
    }
    if RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
        return Err(user_error(
            format!("the name `{name}` is reserved by cargo or the operating system"),
            format!("pick another name, e.g. `{name}-trigger`"),
        ));
    }
    Ok(())
}

/// A short name for a binding's target, for default crate names.
pub fn target_slug(target: &Target) -> String {
    match target {
        Target::Resource(n) => slug(n),
        Target::Arn(a) => slug(a.resource_name()),
        Target::Default => "default".into(),
    }
}

/// Normalise `path` (relative to `root`) and refuse one that leaves it by
/// its text: `..` past the root, an absolute path elsewhere, or (outside
/// Windows) a backslash. Cargo's member paths are `/`-separated, and on Unix
/// a backslash is an ordinary character of a file name: `sub\x1` would be
/// one folder on disk but the member `sub/x1`, and `..\x1` a folder here that
/// reads as `../x1`. Refusing it keeps the folder made and the member
/// recorded the same path; treating it as a separator would give a typed
/// path another meaning than the shell's.
pub fn inside(root: &Path, path: &Path) -> CargoResult<PathBuf> {
    if !cfg!(windows) && path.to_string_lossy().contains('\\') {
        let slashed = path.to_string_lossy().replace('\\', "/");
        return Err(user_error(
            format!(
                "`{}` has a backslash, which is not a path separator here",
                path.display()
            ),
            format!("cargo's member paths are `/`-separated: write `{slashed}`"),
        ));
    }
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    if !out.starts_with(root) || out == root {
        return Err(user_error(
            format!("`{}` is outside the workspace at `{}`", path.display(), root.display()),
            "trigger crates live inside the workspace; pass a relative `--path` such as `triggers/photos`",
        ));
    }
    Ok(out)
}

/// `path` with symbolic links resolved as far as it exists: the nearest
/// ancestor that exists, canonicalised, and the rest as written. `None`
/// when a symbolic link on the way points nowhere.
fn resolved(path: &Path) -> Option<PathBuf> {
    let mut existing = path;
    let mut rest = Vec::new();
    while existing.symlink_metadata().is_err() {
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    }
    let mut out = existing.canonicalize().ok()?;
    out.extend(rest.into_iter().rev());
    Some(out)
}

/// Refuse a new crate folder that a symbolic link on its way puts outside
/// the workspace: where the bytes land is what counts, so the folder, as
/// far as it exists, is resolved and must be inside the resolved root.
/// `shown` is the path as the user wrote it (or the trigger folder's), and
/// `help` the fix.
fn refuse_links_out(root: &Path, dir: &Path, shown: &str, help: &str) -> CargoResult<()> {
    let real_root = resolved(root).unwrap_or_else(|| root.to_path_buf());
    if resolved(dir).is_some_and(|d| d.starts_with(&real_root) && d != real_root) {
        return Ok(());
    }
    // Name the link that leads out.
    let mut at = root.to_path_buf();
    for c in dir.strip_prefix(root).unwrap_or(dir).components() {
        at.push(c);
        let is_link = at.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            continue;
        }
        let rel = at.strip_prefix(root).unwrap_or(&at).display().to_string();
        let to = std::fs::read_link(&at)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        let why = match at.canonicalize() {
            Ok(real) if real.starts_with(&real_root) => continue,
            Ok(_) => format!("`{rel}` is a symbolic link to `{to}`, outside it"),
            Err(_) => format!("`{rel}` is a symbolic link to `{to}`, which does not exist"),
        };
        return Err(user_error(
            format!(
                "`{shown}` would be written outside the workspace at `{}`: {why}",
                root.display()
            ),
            help,
        ));
    }
    Err(user_error(
        format!(
            "`{shown}` would be written outside the workspace at `{}`",
            root.display()
        ),
        help,
    ))
}

/// The root manifest to edit: on disk, or a new virtual workspace.
pub fn root_manifest(ws: &Workspace) -> CargoResult<(Manifest, bool)> {
    if ws.root_manifest.exists() {
        Ok((Manifest::open(&ws.root_manifest)?, false))
    } else {
        let text = manifest::virtual_workspace(&[], None);
        Ok((Manifest::parse(&ws.root_manifest, text)?, true))
    }
}

/// Add the root manifest's change (or creation) to the plan.
pub fn finish_root(ws: &Workspace, root: Manifest, is_new: bool, plan: &mut Plan) -> CargoResult<()> {
    if is_new {
        plan.create(ws.root_manifest.clone(), root.render())?;
    } else {
        plan.update_manifest(&root);
    }
    Ok(())
}

/// Declare a resource in the root manifest.
pub fn declare_resource(root: &mut Manifest, resource: &Resource) -> CargoResult<()> {
    root.set_table(
        &manifest::RESOURCES,
        &resource.name,
        &resource.fields(resource.kind.as_str()),
    )
}

/// Everything needed to write one new trigger crate.
pub struct CrateDraft<'a> {
    pub name: String,
    pub dir: PathBuf,
    pub scaffold: &'a CrateScaffold,
    pub source: Source,
    /// `[package.metadata.trigger]` keys besides `source` and `bindings`.
    pub trigger_fields: Vec<(&'static str, FieldValue)>,
    pub bindings: Vec<Binding>,
    /// Dependencies beyond the scaffold's own (module scaffolds).
    pub extra_deps: BTreeMap<String, Vec<String>>,
    pub env: Vec<(String, String)>,
    pub deploy: Vec<(&'static str, FieldValue)>,
    /// Template data.
    pub context: Value,
    /// Extra files (path relative to the crate, contents).
    pub extra_files: Vec<(String, String)>,
    /// Do not inherit `[workspace.dependencies]` (`--own-versions`).
    pub own_versions: bool,
}

/// What a dependency a crate would inherit from `[workspace.dependencies]`
/// resolves to: the newest version Cargo.lock holds that the workspace's
/// requirement allows, else the requirement's floor (no resolver is run).
/// `None` when it cannot be known (no version, a path dependency).
fn inherited_version(ws: &Workspace, root: &Manifest, name: &str) -> Option<(String, Version, bool)> {
    let text = root.workspace_dependency_version(name)?;
    let req = VersionReq::parse(&text).ok()?;
    let locked = ws
        .lock()
        .versions(name)
        .into_iter()
        .filter(|v| req.matches(v))
        .max()
        .cloned();
    Some(match locked {
        Some(v) => (text, v, true),
        None => (text.clone(), version::floor(&req), false),
    })
}

/// Refuse to inherit `[workspace.dependencies]` versions older than what
/// the new code needs (`needs`: "the s3 scaffold needs"); `names` are the
/// dependencies it would inherit.
pub fn refuse_old_versions<'a>(
    ws: &Workspace,
    root: &Manifest,
    names: impl IntoIterator<Item = &'a String>,
    needs: &str,
) -> CargoResult<()> {
    let cat = catalog();
    let mut old = Vec::new();
    let mut fix = Vec::new();
    for name in names {
        let Some((text, resolved, locked)) = inherited_version(ws, root, name) else {
            continue;
        };
        let minimum = cat.dependencies[name].minimum();
        if resolved < minimum {
            let how = if locked {
                format!("locked at {resolved}, ")
            } else {
                String::new()
            };
            old.push(format!(
                "`{name} = \"{text}\"` ({how}needs {})",
                version::short(&minimum)
            ));
            fix.push(format!("`{name} = \"{}\"`", version::short(&minimum)));
        }
    }
    if old.is_empty() {
        return Ok(());
    }
    Err(user_error(
        format!(
            "`[workspace.dependencies]` pins versions older than {needs}: {}",
            old.join(", ")
        ),
        format!(
            "raise them in the root Cargo.toml ({}, then `cargo update`), or pass `--own-versions` to give the new code its own version lines",
            fix.join(", ")
        ),
    ))
}

/// Pick the crate's name and directory, checked against the workspace.
pub fn place_crate(ws: &Workspace, name: &str, path: Option<&Path>) -> CargoResult<(PathBuf, String)> {
    check_crate_name(name)?;
    if ws.member(name).is_some() {
        return Err(user_error(
            format!("the workspace already has a member named `{name}`"),
            "pick another name, or add a binding to it with `cargo trigger wire`",
        ));
    }
    let dir = match path {
        Some(p) => {
            let dir = inside(&ws.root, p)?;
            refuse_links_out(
                &ws.root,
                &dir,
                &p.display().to_string(),
                "trigger crates live inside the workspace; pass a `--path` that stays inside it",
            )?;
            dir
        }
        None => {
            let dir = inside(&ws.root, &Path::new(&ws.meta.dir).join(name))?;
            refuse_links_out(
                &ws.root,
                &dir,
                &ws.rel(&dir),
                "point `dir` in `[workspace.metadata.trigger]` at a folder inside the workspace, or pass `--path`",
            )?;
            dir
        }
    };
    if dir.exists() {
        return Err(user_error(
            format!("`{}` already exists", dir.display()),
            "cargo-trigger never overwrites files: pick another name or `--path`",
        ));
    }
    let rel = ws.rel(&dir);
    Ok((dir, rel))
}

/// The crate's own Cargo.toml.
fn crate_manifest(ws: &Workspace, root: &mut Manifest, draft: &CrateDraft<'_>) -> CargoResult<Manifest> {
    let cat = catalog();
    let inherit = root.has_workspace_dependencies() && !draft.own_versions;
    let ws_keys = root.workspace_package_keys();
    let mut m = Manifest::empty(&draft.dir.join("Cargo.toml"));
    let pkg = ["package"];
    m.set(&pkg, "name", &FieldValue::Str(draft.name.clone()))?;
    for (key, default) in [("version", "0.1.0"), ("edition", "2024")] {
        if ws_keys.iter().any(|k| k == key) {
            m.set_inherited(&pkg, key)?;
        } else {
            m.set(&pkg, key, &FieldValue::Str(default.into()))?;
        }
    }
    m.set(&pkg, "publish", &FieldValue::Bool(false))?;
    let trig = manifest::TRIGGER;
    m.set(&trig, "source", &FieldValue::Str(draft.source.as_str().into()))?;
    for (k, v) in &draft.trigger_fields {
        m.set(&trig, k, v)?;
    }
    let target_key = draft.source.binding_key();
    for b in &draft.bindings {
        m.push_table(&trig, "bindings", &b.fields(target_key))?;
    }
    for (k, v) in &draft.env {
        m.set(&manifest::LAMBDA_ENV, k, &FieldValue::Str(v.clone()))?;
    }
    for (k, v) in &draft.deploy {
        m.set(&["package", "metadata", "lambda", "deploy"], k, v)?;
    }
    let mut deps = draft.scaffold.dependencies.clone();
    for (name, feats) in &draft.extra_deps {
        let entry = deps.entry(name.clone()).or_default();
        for f in feats {
            if !entry.contains(f) {
                entry.push(f.clone());
            }
        }
    }
    let ws_deps = root.workspace_dependency_names();
    if inherit {
        let inherited = deps
            .keys()
            .chain(draft.scaffold.dev_dependencies.keys())
            .filter(|n| ws_deps.contains(n));
        refuse_old_versions(ws, root, inherited, &format!("the {} scaffold needs", draft.source))?;
    }
    for (table, deps) in [
        ("dependencies", &deps),
        ("dev-dependencies", &draft.scaffold.dev_dependencies),
    ] {
        for (name, feats) in deps {
            m.add_dependency(&[table], name, &cat.dep_entry(name, feats, inherit))?;
            if inherit && !ws_deps.contains(name) {
                root.add_dependency(&["workspace", "dependencies"], name, &cat.workspace_dep_entry(name))?;
            }
        }
    }
    if root.has_workspace_lints() {
        m.set(&["lints"], "workspace", &FieldValue::Bool(true))?;
    }
    Ok(m)
}

/// Refuse a crate folder whose new parent folders a `workspace.members`
/// entry would make members (`crates/*` and `--path crates/nested/x`):
/// they have no Cargo.toml, so cargo could no longer load the workspace.
fn refuse_member_folders(ws: &Workspace, root: &Manifest, dir: &Path) -> CargoResult<()> {
    let rel: Vec<Component<'_>> = dir.strip_prefix(&ws.root).unwrap_or(dir).components().collect();
    let mut at = ws.root.clone();
    for c in rel.iter().take(rel.len().saturating_sub(1)) {
        at.push(c);
        if at.symlink_metadata().is_ok() {
            continue;
        }
        let folder = ws.rel(&at);
        if let Some(entry) = root.member_entry_covering(&folder) {
            let mut instead = Path::new(&folder).parent().unwrap_or(Path::new("")).to_path_buf();
            instead.push(dir.file_name().unwrap_or_default());
            return Err(user_error(
                format!(
                    "`{}` needs the new folder `{folder}`, which the `workspace.members` entry `{entry}` would make a member without a Cargo.toml, so cargo could no longer load the workspace",
                    ws.rel(dir)
                ),
                format!(
                    "put the crate where `{entry}` expects one, e.g. `--path {}`",
                    instead.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Plan the files of a new crate and its addition to the workspace.
pub fn plan_crate(ws: &Workspace, root: &mut Manifest, draft: &CrateDraft<'_>, plan: &mut Plan) -> CargoResult<()> {
    refuse_member_folders(ws, root, &draft.dir)?;
    let cat = catalog();
    for (path, template) in &draft.scaffold.files {
        let text = cat.render(template, &draft.context)?;
        // A template that renders to nothing is a file this crate does not get.
        if !text.trim().is_empty() {
            plan.create(draft.dir.join(path), text)?;
        }
    }
    for (path, text) in &draft.extra_files {
        plan.create(draft.dir.join(path), text.clone())?;
    }
    let m = crate_manifest(ws, root, draft)?;
    plan.create(draft.dir.join("Cargo.toml"), m.render())?;
    root.add_workspace_member(&ws.rel(&draft.dir))?;
    Ok(())
}

/// The common template data of a new crate.
pub fn base_context(name: &str, scaffold: &CrateScaffold, source: Source, target_label: &str) -> Map<String, Value> {
    let mut ctx = Map::new();
    ctx.insert("crate_name".into(), json!(name));
    ctx.insert("crate_ident".into(), json!(names::snake(name)));
    ctx.insert("summary".into(), json!(scaffold.summary));
    ctx.insert("source".into(), json!(source.as_str()));
    ctx.insert("target_label".into(), json!(target_label));
    ctx
}
