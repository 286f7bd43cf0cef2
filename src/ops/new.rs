//! `cargo trigger new`: render a trigger crate from its scaffold, add it to
//! the workspace (creating a virtual workspace in an empty folder), record
//! its metadata and binding, and declare a new resource.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};

use crate::errors::{CargoResult, user_error};
use crate::events::{self, Origin};
use crate::manifest::{self, Manifest};
use crate::ops::binding::{self, BindingRequest};
use crate::ops::{Planned, Status, rules};
use crate::plan::Plan;
use crate::scaffold::{self, CrateScaffold, catalog};
use crate::schema::{Binding, BindingSpec, FieldValue, Resource, Source, Target};
use crate::workspace::Workspace;

#[derive(Clone, Debug, Default)]
pub struct NewOptions {
    pub name: Option<String>,
    /// The crate's directory, relative to the workspace root.
    pub path: Option<PathBuf>,
    pub source: Option<Source>,
    pub binding: BindingRequest,
    pub cognito: crate::ops::cognito::CognitoOptions,
    pub settings: Vec<(String, String)>,
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

const KEYWORDS: &[&str] = &[
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
            "pick another name, e.g. `{name}-trigger`".replace("{name}", name),
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

/// `name` made into a valid crate-name fragment.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A short name for a binding's target, for default crate names.
pub fn target_slug(target: &Target) -> String {
    match target {
        Target::Resource(n) => slug(n),
        Target::Arn(a) => {
            let resource = a.splitn(6, ':').nth(5).unwrap_or(a);
            let name = resource
                .strip_prefix("table/")
                .map(|r| r.split('/').next().unwrap_or(r))
                .or_else(|| resource.strip_prefix("stream/"))
                .or_else(|| resource.strip_prefix("userpool/"))
                .unwrap_or(resource);
            slug(name)
        }
    }
}

/// Normalise `path` (relative to `root`) and refuse one that leaves it.
pub fn inside(root: &Path, path: &Path) -> CargoResult<PathBuf> {
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

/// The workspace model for a folder with no Cargo.toml yet.
pub fn empty_workspace(dir: &Path) -> Workspace {
    Workspace {
        root: dir.to_path_buf(),
        root_manifest: dir.join("Cargo.toml"),
        is_virtual: true,
        meta: Default::default(),
        members: Vec::new(),
        diagnostics: Default::default(),
        target_dir: dir.join("target"),
        reads: Default::default(),
    }
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

/// Everything needed to write one new trigger crate.
pub struct CrateDraft<'a> {
    pub name: String,
    pub dir: PathBuf,
    pub rel_dir: String,
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
        Some(p) => inside(&ws.root, p)?,
        None => inside(&ws.root, &Path::new(&ws.meta.dir).join(name))?,
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

/// Plan the files of a new crate and its addition to the workspace.
pub fn plan_crate(ws: &Workspace, root: &mut Manifest, draft: &CrateDraft<'_>, plan: &mut Plan) -> CargoResult<()> {
    let cat = catalog();
    // Files from the scaffold.
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

    // Cargo.toml of the crate.
    let inherit = root.has_workspace_dependencies();
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
    for b in &draft.bindings {
        m.push_table(&trig, "bindings", &b.fields(draft.source))?;
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
    for (name, feats) in &deps {
        m.add_dependency(&["dependencies"], name, &cat.dep_entry(name, feats, inherit))?;
        if inherit && !ws_deps.contains(name) {
            root.add_dependency(&["workspace", "dependencies"], name, &cat.workspace_dep_entry(name))?;
        }
    }
    if root.has_workspace_lints() {
        m.set(&["lints"], "workspace", &FieldValue::Bool(true))?;
    }
    plan.create(draft.dir.join("Cargo.toml"), m.render())?;

    // Membership.
    let rel = ws.rel(&draft.dir);
    root.add_workspace_member(&rel)?;
    Ok(())
}

/// Declare a resource in the root manifest.
pub fn declare_resource(root: &mut Manifest, resource: &Resource) -> CargoResult<()> {
    root.set_table(&manifest::RESOURCES, &resource.name, &resource.fields())
}

/// Sample events for a scaffold, filled from the binding and its resource,
/// plus the values the templates assert on (`samples.<file stem>.*`).
pub fn render_samples(
    scaffold: &CrateScaffold,
    binding: &Binding,
    resource: Option<&Resource>,
    context_extra: &mut serde_json::Map<String, Value>,
) -> CargoResult<Vec<(String, String)>> {
    let origin = Origin::default();
    let mut files = Vec::new();
    let mut vars = serde_json::Map::new();
    for (path, spec) in &scaffold.samples {
        let stem = Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let (event, var) = match scaffold.source {
            Source::S3 => {
                let kind = events::S3Kind::parse(&spec.kind)
                    .ok_or_else(|| anyhow::anyhow!("scaffold sample `{path}`: unknown S3 kind `{}`", spec.kind))?;
                let (prefix, suffix) = match &binding.spec {
                    BindingSpec::Bucket { prefix, suffix, .. } => (prefix.clone(), suffix.clone()),
                    _ => (None, None),
                };
                let key = format!(
                    "{}{}{}",
                    prefix.unwrap_or_default(),
                    spec.key.clone().unwrap_or_else(|| "example".into()),
                    suffix.or_else(|| spec.extension.clone()).unwrap_or_default()
                );
                let bucket = sample_bucket(binding, resource);
                let ev = events::s3(
                    kind,
                    &[events::S3Object {
                        bucket: &bucket,
                        key: &key,
                        size: spec.size.unwrap_or(0),
                    }],
                    &origin,
                );
                (ev, json!({"key": key, "bucket": bucket}))
            }
            Source::Dynamodb => {
                let kind = events::DynamoKind::parse(&spec.kind).ok_or_else(|| {
                    anyhow::anyhow!("scaffold sample `{path}`: unknown DynamoDB kind `{}`", spec.kind)
                })?;
                let key_field = scaffold.key_field.as_deref().unwrap_or("id");
                let pk = resource
                    .and_then(|r| r.partition_key.clone())
                    .unwrap_or_else(|| key_field.to_string());
                let rename = |m: &Option<serde_json::Map<String, Value>>| {
                    m.as_ref().map(|m| {
                        m.iter()
                            .map(|(k, v)| (if k == key_field { pk.clone() } else { k.clone() }, v.clone()))
                            .collect::<serde_json::Map<String, Value>>()
                    })
                };
                let new = rename(&spec.new_image);
                let old = rename(&spec.old_image);
                let key_value = new
                    .as_ref()
                    .or(old.as_ref())
                    .and_then(|m| m.get(&pk))
                    .cloned()
                    .unwrap_or(Value::String("1".into()));
                let mut keys = serde_json::Map::new();
                keys.insert(pk.clone(), key_value);
                let arn = sample_stream_arn(binding, resource, &origin);
                let view = resource
                    .and_then(|r| r.stream_view.clone())
                    .unwrap_or_else(|| "NEW_AND_OLD_IMAGES".into());
                let ev = events::dynamodb(
                    &arn,
                    &view,
                    &[events::DynamoChange {
                        kind,
                        keys: &keys,
                        new_image: new.as_ref(),
                        old_image: old.as_ref(),
                    }],
                    &origin,
                );
                (ev, json!({"stream_arn": arn}))
            }
            Source::Kinesis => {
                let arn = sample_stream_arn(binding, resource, &origin);
                let payloads: Vec<Vec<u8>> = spec.payloads.iter().map(|p| p.as_bytes().to_vec()).collect();
                (events::kinesis(&arn, &payloads, &origin), json!({"stream_arn": arn}))
            }
            Source::Cognito => crate::ops::cognito::sample(spec, path, context_extra)?,
        };
        let mut text = serde_json::to_string_pretty(&event)?;
        text.push('\n');
        files.push((path.clone(), text));
        vars.insert(stem, var);
    }
    context_extra.insert("samples".into(), Value::Object(vars));
    Ok(files)
}

fn sample_bucket(binding: &Binding, resource: Option<&Resource>) -> String {
    match (&binding.target, resource) {
        (Target::Arn(a), _) => a.rsplit(':').next().unwrap_or("example-bucket").to_string(),
        (_, Some(r)) => r
            .arn
            .as_ref()
            .map(|a| a.rsplit(':').next().unwrap_or_default().to_string())
            .or_else(|| r.physical_name.clone())
            .unwrap_or_else(|| slug(&r.name)),
        (Target::Resource(n), None) => slug(n),
    }
}

fn sample_stream_arn(binding: &Binding, resource: Option<&Resource>, origin: &Origin) -> String {
    if let Target::Arn(a) = &binding.target {
        return a.clone();
    }
    let Some(r) = resource else {
        return events::kinesis_stream_arn(binding.target.label(), origin);
    };
    if let Some(a) = &r.arn {
        return a.clone();
    }
    let name = r.physical_name.clone().unwrap_or_else(|| r.name.clone());
    match r.kind {
        crate::schema::ResourceKind::DynamodbTable => events::dynamodb_stream_arn(&name, origin),
        _ => events::kinesis_stream_arn(&name, origin),
    }
}

/// Plan `new` for an S3, DynamoDB or Kinesis trigger.
pub fn plan_stream_like(ws: &Workspace, opts: &NewOptions, source: Source) -> CargoResult<Planned> {
    let (mut root, root_is_new) = root_manifest(ws)?;
    let resolved = binding::resolve(&opts.binding, source, &ws.meta, true)?;
    if !opts.settings.is_empty() {
        return Err(user_error(
            format!("`--set` does not apply to a `{source}` trigger"),
            "settings belong to Cognito modules; put other environment variables in `[package.metadata.lambda.env]`",
        ));
    }
    let name = match &opts.name {
        Some(n) => n.clone(),
        None => format!("{}-{source}-trigger", target_slug(&resolved.binding.target)),
    };
    let (dir, rel_dir) = place_crate(ws, &name, opts.path.as_deref())?;
    let warnings = rules::check_new_binding(
        ws,
        &name,
        source,
        None,
        &resolved.binding,
        resolved.new_resource.as_ref(),
    )?;

    let scaffold = catalog().for_source(source);
    let resource = resolved
        .new_resource
        .as_ref()
        .or_else(|| match &resolved.binding.target {
            Target::Resource(n) => ws.resource(n),
            Target::Arn(_) => None,
        });
    let mut ctx = serde_json::Map::new();
    let sample_files = render_samples(scaffold, &resolved.binding, resource, &mut ctx)?;
    let pk = resource
        .and_then(|r| r.partition_key.clone())
        .unwrap_or_else(|| "id".into());
    let key_field = scaffold.key_field.clone().unwrap_or_else(|| "id".into());
    ctx.insert("crate_name".into(), json!(name));
    ctx.insert("crate_ident".into(), json!(scaffold::snake(&name)));
    ctx.insert("summary".into(), json!(scaffold.summary));
    ctx.insert("source".into(), json!(source.as_str()));
    ctx.insert("target_label".into(), json!(resolved.binding.target.label()));
    ctx.insert("binding".into(), serde_json::to_value(&resolved.binding)?);
    ctx.insert("partition_key".into(), json!(pk));
    ctx.insert(
        "key_rename".into(),
        if pk != key_field { json!(pk) } else { Value::Null },
    );
    let view = resource
        .and_then(|r| r.stream_view.clone())
        .unwrap_or_else(|| "NEW_AND_OLD_IMAGES".into());
    ctx.insert(
        "images".into(),
        json!({
            "new": matches!(view.as_str(), "NEW_IMAGE" | "NEW_AND_OLD_IMAGES"),
            "old": matches!(view.as_str(), "OLD_IMAGE" | "NEW_AND_OLD_IMAGES"),
        }),
    );

    let draft = CrateDraft {
        name: name.clone(),
        dir: dir.clone(),
        rel_dir: rel_dir.clone(),
        scaffold,
        source,
        trigger_fields: Vec::new(),
        bindings: vec![resolved.binding.clone()],
        extra_deps: BTreeMap::new(),
        env: Vec::new(),
        deploy: Vec::new(),
        context: Value::Object(ctx),
        extra_files: sample_files,
    };
    let mut plan = Plan::new();
    plan_crate(ws, &mut root, &draft, &mut plan)?;
    let mut statuses = vec![Status::new(
        "Creating",
        format!("`{name}` ({source} trigger) at {rel_dir}"),
    )];
    if let Some(r) = &resolved.new_resource {
        declare_resource(&mut root, r)?;
        statuses.push(Status::new("Declaring", format!("resource `{}` ({})", r.name, r.kind)));
    }
    statuses.push(Status::new(
        "Binding",
        format!("`{name}` to {}", describe_binding(&resolved.binding)),
    ));
    finish_root(ws, root, root_is_new, &mut plan)?;
    Ok(Planned {
        root: ws.root.clone(),
        plan,
        statuses,
        warnings,
        notes: vec![format!(
            "run `cargo test -p {name}` to test its handler on the sample events in {rel_dir}/events"
        )],
    })
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

pub fn describe_binding(b: &Binding) -> String {
    let target = match &b.target {
        Target::Resource(n) => format!("`{n}`"),
        Target::Arn(a) => format!("`{a}`"),
    };
    match &b.spec {
        BindingSpec::UserPool => target,
        BindingSpec::Bucket { events, prefix, suffix } => {
            let mut s = format!("{target} on {}", events.join(", "));
            if let Some(p) = prefix {
                s.push_str(&format!(", prefix `{p}`"));
            }
            if let Some(x) = suffix {
                s.push_str(&format!(", suffix `{x}`"));
            }
            s
        }
        BindingSpec::Stream(st) => format!(
            "{target} from {}, batches of up to {}",
            st.starting_position, st.batch_size
        ),
    }
}

/// Plan `cargo trigger new`.
pub fn plan(ws: &Workspace, opts: &NewOptions) -> CargoResult<Planned> {
    ws.ensure_valid()?;
    let source = opts.source.ok_or_else(|| {
        user_error(
            "`--source` is required",
            format!("pass `--source` with one of {}", Source::names()),
        )
    })?;
    match source {
        Source::Cognito => crate::ops::cognito::plan_new(ws, opts),
        _ => plan_stream_like(ws, opts, source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_follow_cargo() {
        for bad in ["Foo Bar", "../x", "fn", "1abc", "", "test", "a.b", "con"] {
            assert!(check_crate_name(bad).is_err(), "{bad} accepted");
        }
        for good in ["photos-s3-trigger", "a_b", "Users2"] {
            check_crate_name(good).unwrap();
        }
    }

    #[test]
    fn paths_stay_inside() {
        let root = Path::new("/w");
        assert_eq!(
            inside(root, Path::new("triggers/x")).unwrap(),
            Path::new("/w/triggers/x")
        );
        assert!(inside(root, Path::new("../x")).is_err());
        assert!(inside(root, Path::new("/etc/x")).is_err());
        assert!(inside(root, Path::new("a/../..")).is_err());
    }

    #[test]
    fn target_slugs() {
        assert_eq!(target_slug(&Target::Resource("photos".into())), "photos");
        assert_eq!(
            target_slug(&Target::Arn("arn:aws:s3:::acme-photos".into())),
            "acme-photos"
        );
        assert_eq!(
            target_slug(&Target::Arn(
                "arn:aws:dynamodb:eu-west-1:123456789012:table/todos/stream/2024-01-01T00:00:00.000".into()
            )),
            "todos"
        );
        assert_eq!(
            target_slug(&Target::Arn(
                "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks".into()
            )),
            "clicks"
        );
    }
}
