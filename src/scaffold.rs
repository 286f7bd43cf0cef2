//! The scaffold catalog, embedded in the binary: crate scaffolds (one per
//! source), Cognito module scaffolds, capabilities and the one table of
//! dependency versions every generated crate uses. The only module that
//! touches handlebars: strict mode, HTML escaping off, and helpers that
//! escape values for the language they land in.
//!
//! Adding a scaffold is adding a folder with a `scaffold.toml` and its
//! `files/`; no Rust changes. See `docs/scaffolds.md`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use anyhow::{Context as _, bail};
use handlebars::{Context as HbContext, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use include_dir::{Dir, include_dir};
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::errors::CargoResult;
use crate::manifest::{self, DepEntry};
use crate::model::CognitoEvent;
use crate::model::Source;
use crate::model::names::{pascal, snake};
use crate::model::version::{Version, VersionReq, floor};

static SCAFFOLDS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scaffolds");

/// `scaffolds/dependencies.toml`: one version line per crate, shared by all
/// generated crates so they compile against one dependency set.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DepSpec {
    pub version: String,
    /// The oldest version generated crates build with, where it is older
    /// than `version`'s floor (the default).
    #[serde(default)]
    pub minimum: Option<String>,
    #[serde(default = "yes")]
    pub default_features: bool,
    #[serde(default)]
    pub features: Vec<String>,
}

impl DepSpec {
    /// The oldest version generated crates build with: `minimum`, else the
    /// lowest version `version` allows (checked when the catalog loads).
    pub fn minimum(&self) -> Version {
        let text = self.minimum.as_deref().unwrap_or(&self.version);
        VersionReq::parse(text)
            .map(|r| floor(&r))
            .unwrap_or(Version::new(0, 0, 0))
    }
}

fn yes() -> bool {
    true
}

/// A sample event file rendered into a generated crate: its kind (one of
/// its source's `event_kinds`) and the fields its source reads (S3: `key`,
/// `extension`, `size`; DynamoDB: `new-image`, `old-image`; Kinesis:
/// `payloads`).
#[derive(Clone, Debug, Deserialize)]
pub struct SampleSpec {
    pub kind: String,
    #[serde(flatten)]
    pub fields: serde_json::Map<String, Value>,
}

impl SampleSpec {
    pub fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        self.fields.get(key).and_then(Value::as_i64)
    }

    pub fn object(&self, key: &str) -> Option<&serde_json::Map<String, Value>> {
        self.fields.get(key).and_then(Value::as_object)
    }

    pub fn strings(&self, key: &str) -> Vec<String> {
        self.fields
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    }
}

/// A setting a module reads from its environment; asked interactively,
/// given with `--set ENV=VALUE`, written to `[package.metadata.lambda.env]`
/// unless secret.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Setting {
    pub env: String,
    pub prompt: String,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub default: Option<String>,
    /// A valid value for docs and tests (required settings have no default).
    #[serde(default)]
    pub example: Option<String>,
    /// A validator name: see [`crate::settings`].
    #[serde(default)]
    pub validate: Option<String>,
    #[serde(default)]
    pub required: bool,
    /// Never written to Cargo.toml: a deploy-time parameter instead.
    #[serde(default)]
    pub secret: bool,
}

/// IAM actions a module needs, on the resource it names.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Permission {
    pub actions: Vec<String>,
    /// `user-pool` (the bound pool) or `kms-key` (the pool's sender key).
    pub resource: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CrateManifest {
    source: String,
    summary: String,
    #[serde(default)]
    dependencies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    samples: IndexMap<String, SampleSpec>,
    /// What the source reads of its scaffold besides these (DynamoDB:
    /// `key-field`, the sample images' partition key field).
    #[serde(default)]
    options: serde_json::Map<String, Value>,
}

/// A crate scaffold: everything a new trigger crate of one source is made of.
#[derive(Clone, Debug)]
pub struct CrateScaffold {
    pub name: String,
    pub source: Source,
    pub summary: String,
    pub dependencies: BTreeMap<String, Vec<String>>,
    /// What the crate's own tests use.
    pub dev_dependencies: BTreeMap<String, Vec<String>>,
    pub samples: IndexMap<String, SampleSpec>,
    pub options: serde_json::Map<String, Value>,
    /// (path in the crate, template name)
    pub files: Vec<(String, String)>,
    /// Files rendered whenever the module list changes (Cognito `modules/mod.rs`).
    pub regenerated: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ModuleManifest {
    events: Vec<String>,
    summary: String,
    #[serde(default)]
    dependencies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    settings: Vec<Setting>,
    #[serde(default)]
    permissions: Vec<Permission>,
    /// Uses the AWS SDK (built once in tests, measured apart in benchmarks).
    #[serde(default)]
    sdk: bool,
    /// User attributes the module judges: a managed pool requires them at
    /// sign-up unless its resource lists its own `required-attributes`.
    #[serde(default)]
    requires_attributes: Vec<String>,
}

/// A Cognito module scaffold: one file in `src/modules/`.
#[derive(Clone, Debug)]
pub struct ModuleScaffold {
    pub name: String,
    pub events: Vec<CognitoEvent>,
    pub summary: String,
    pub dependencies: BTreeMap<String, Vec<String>>,
    pub settings: Vec<Setting>,
    pub permissions: Vec<Permission>,
    /// Uses the AWS SDK (reported separately in benchmarks).
    pub sdk: bool,
    /// User attributes the module judges (`email`).
    pub requires_attributes: Vec<String>,
    pub template: String,
}

impl ModuleScaffold {
    /// `email-deny-list` → `email_deny_list`
    pub fn ident(&self) -> String {
        snake(&self.name)
    }

    pub fn serves(&self, event: CognitoEvent) -> bool {
        self.name == "custom" || self.events.contains(&event)
    }
}

/// A capability: modules for one or several events.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Capability {
    #[serde(skip)]
    pub name: String,
    pub summary: String,
    /// event → module
    pub modules: IndexMap<String, String>,
}

pub struct Catalog {
    pub crates: BTreeMap<String, CrateScaffold>,
    pub modules: BTreeMap<String, ModuleScaffold>,
    pub capabilities: IndexMap<String, Capability>,
    pub dependencies: BTreeMap<String, DepSpec>,
    /// Template and partial sources; compiled on first render, so that
    /// commands that only read the catalog (`check`) do not pay for it.
    templates: Vec<(String, &'static str)>,
    partials: Vec<(String, &'static str)>,
    hb: OnceLock<Result<Handlebars<'static>, String>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("crates", &self.crates.keys()).finish()
    }
}

/// The embedded catalog (loaded once).
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::load(&SCAFFOLDS).expect("the embedded scaffold catalog is valid (tested)"))
}

fn file_text<'a>(dir: &'a Dir<'a>, path: &str) -> CargoResult<&'a str> {
    dir.get_file(path)
        .with_context(|| format!("scaffold file `{path}` is missing"))?
        .contents_utf8()
        .with_context(|| format!("scaffold file `{path}` is not UTF-8"))
}

fn collect_files<'a>(dir: &'a Dir<'a>, out: &mut Vec<&'a include_dir::File<'a>>) {
    for f in dir.files() {
        out.push(f);
    }
    for d in dir.dirs() {
        collect_files(d, out);
    }
}

impl Catalog {
    pub fn load(root: &'static Dir<'static>) -> CargoResult<Catalog> {
        let mut templates: Vec<(String, &'static str)> = Vec::new();
        let mut partials: Vec<(String, &'static str)> = Vec::new();

        let dependencies: BTreeMap<String, DepSpec> =
            manifest::from_toml(file_text(root, "dependencies.toml")?, "scaffolds/dependencies.toml")?;
        for (name, d) in &dependencies {
            for v in std::iter::once(&d.version).chain(&d.minimum) {
                VersionReq::parse(v)
                    .with_context(|| format!("scaffolds/dependencies.toml: `{name}` has a bad version `{v}`"))?;
            }
        }

        // Partials shared by scaffolds.
        if let Some(dir) = root.get_dir("_partials") {
            for f in dir.files() {
                let name = f.path().file_stem().and_then(|s| s.to_str()).unwrap_or_default();
                let name = name.trim_end_matches(".rs").trim_end_matches(".md");
                let body = f.contents_utf8().context("partial is not UTF-8")?;
                partials.push((name.to_string(), body));
            }
        }

        let mut crates = BTreeMap::new();
        let mut modules = BTreeMap::new();
        let mut capabilities = IndexMap::new();
        for dir in root.dirs() {
            let name = dir
                .path()
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            if name.starts_with('_') {
                continue;
            }
            let manifest_path = format!("{name}/scaffold.toml");
            let Some(mf) = root.get_file(&manifest_path) else {
                bail!("scaffold `{name}` has no scaffold.toml");
            };
            let m: CrateManifest = manifest::from_toml(
                mf.contents_utf8().context("scaffold.toml is not UTF-8")?,
                &format!("scaffolds/{manifest_path}"),
            )?;
            let source = Source::parse(&m.source)
                .with_context(|| format!("scaffold `{name}`: unknown source `{}`", m.source))?;
            check_deps(&name, &m.dependencies, &dependencies)?;
            check_deps(&name, &m.dev_dependencies, &dependencies)?;
            let mut files = Vec::new();
            let mut regenerated = Vec::new();
            if let Some(fdir) = dir.get_dir(format!("{name}/files")) {
                let mut all = Vec::new();
                collect_files(fdir, &mut all);
                for f in all {
                    let rel = f
                        .path()
                        .strip_prefix(format!("{name}/files"))
                        .expect("under files/")
                        .to_string_lossy()
                        .replace('\\', "/");
                    let out = rel.strip_suffix(".hbs").unwrap_or(&rel).to_string();
                    let tname = format!("{name}/{out}");
                    let body = f.contents_utf8().context("template is not UTF-8")?;
                    templates.push((tname.clone(), body));
                    files.push((out, tname));
                }
            }
            files.sort();
            if let Some(rdir) = dir.get_dir(format!("{name}/regenerated")) {
                for f in rdir.files() {
                    let file_name = f.path().file_name().and_then(|s| s.to_str()).unwrap_or_default();
                    let out = file_name.strip_suffix(".hbs").unwrap_or(file_name).to_string();
                    let tname = format!("{name}/regenerated/{out}");
                    templates.push((tname.clone(), f.contents_utf8().context("template is not UTF-8")?));
                    regenerated.push(out);
                }
            }
            if let Some(mdir) = dir.get_dir(format!("{name}/modules")) {
                for md in mdir.dirs() {
                    let mname = md
                        .path()
                        .file_name()
                        .and_then(|s| s.to_str())
                        .unwrap_or_default()
                        .to_string();
                    let mm: ModuleManifest = manifest::from_toml(
                        file_text(root, &format!("{name}/modules/{mname}/module.toml"))?,
                        &format!("scaffolds/{name}/modules/{mname}/module.toml"),
                    )?;
                    let events = mm
                        .events
                        .iter()
                        .map(|e| {
                            CognitoEvent::parse(e).with_context(|| format!("module `{mname}`: unknown event `{e}`"))
                        })
                        .collect::<CargoResult<Vec<_>>>()?;
                    check_deps(&mname, &mm.dependencies, &dependencies)?;
                    for s in &mm.settings {
                        for value in s.example.iter().chain(s.default.iter()) {
                            if let Some(v) = &s.validate
                                && !value.is_empty()
                            {
                                crate::settings::validate(v, value).map_err(|why| {
                                    anyhow::anyhow!("module `{mname}`: `{}` example/default `{value}`: {why}", s.env)
                                })?;
                            }
                        }
                        if let Some(v) = &s.validate
                            && !crate::settings::is_validator(v)
                        {
                            bail!("module `{mname}`: unknown validator `{v}` for `{}`", s.env);
                        }
                    }
                    let tname = format!("{name}/modules/{mname}");
                    templates.push((
                        tname.clone(),
                        file_text(root, &format!("{name}/modules/{mname}/module.rs.hbs"))?,
                    ));
                    modules.insert(
                        mname.clone(),
                        ModuleScaffold {
                            name: mname,
                            events,
                            summary: mm.summary,
                            dependencies: mm.dependencies,
                            settings: mm.settings,
                            permissions: mm.permissions,
                            sdk: mm.sdk,
                            requires_attributes: mm.requires_attributes,
                            template: tname,
                        },
                    );
                }
            }
            if let Some(cf) = root.get_file(format!("{name}/capabilities.toml")) {
                let caps: IndexMap<String, Capability> = manifest::from_toml(
                    cf.contents_utf8().context("capabilities.toml is not UTF-8")?,
                    &format!("scaffolds/{name}/capabilities.toml"),
                )?;
                for (cname, mut cap) in caps {
                    cap.name = cname.clone();
                    capabilities.insert(cname, cap);
                }
            }
            crates.insert(
                name.clone(),
                CrateScaffold {
                    name,
                    source,
                    summary: m.summary,
                    dependencies: m.dependencies,
                    dev_dependencies: m.dev_dependencies,
                    samples: m.samples,
                    options: m.options,
                    files,
                    regenerated,
                },
            );
        }
        for cap in capabilities.values() {
            for (event, module) in &cap.modules {
                let ev = CognitoEvent::parse(event)
                    .with_context(|| format!("capability `{}`: unknown event `{event}`", cap.name))?;
                let m = modules
                    .get(module)
                    .with_context(|| format!("capability `{}`: unknown module `{module}`", cap.name))?;
                if !m.serves(ev) {
                    bail!("capability `{}`: module `{module}` does not serve `{event}`", cap.name);
                }
            }
        }
        Ok(Catalog {
            crates,
            modules,
            capabilities,
            dependencies,
            templates,
            partials,
            hb: OnceLock::new(),
        })
    }

    /// The crate scaffold for a source (the folder named after it).
    pub fn for_source(&self, source: Source) -> &CrateScaffold {
        self.crates
            .values()
            .find(|c| c.source == source && c.name == source.as_str())
            .expect("every source has a scaffold (tested)")
    }

    pub fn module(&self, name: &str) -> Option<&ModuleScaffold> {
        self.modules.get(name)
    }

    /// Modules that can run in a crate for `event`.
    pub fn modules_for(&self, event: CognitoEvent) -> Vec<&ModuleScaffold> {
        self.modules.values().filter(|m| m.serves(event)).collect()
    }

    /// Every template and partial, compiled (once).
    pub fn engine(&self) -> CargoResult<&Handlebars<'static>> {
        let compiled = self.hb.get_or_init(|| {
            let mut hb = Handlebars::new();
            hb.set_strict_mode(true);
            hb.register_escape_fn(handlebars::no_escape);
            register_helpers(&mut hb);
            for (name, body) in &self.partials {
                hb.register_partial(name, *body)
                    .map_err(|e| format!("invalid partial `{name}`: {e}"))?;
            }
            for (name, body) in &self.templates {
                hb.register_template_string(name, *body)
                    .map_err(|e| format!("invalid template `scaffolds/{name}`: {e}"))?;
            }
            Ok(hb)
        });
        compiled.as_ref().map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Render one template.
    pub fn render(&self, template: &str, data: &Value) -> CargoResult<String> {
        self.engine()?
            .render(template, data)
            .with_context(|| format!("failed to render scaffold template `{template}`"))
    }

    /// The dependency line for `name` with `features` (from the catalog's
    /// version table), inherited from `[workspace.dependencies]` when asked.
    pub fn dep_entry(&self, name: &str, features: &[String], inherit: bool) -> DepEntry {
        let spec = &self.dependencies[name];
        let mut feats: Vec<String> = spec.features.clone();
        for f in features {
            if !feats.contains(f) {
                feats.push(f.clone());
            }
        }
        feats.sort();
        if inherit {
            DepEntry {
                version: None,
                workspace: true,
                default_features: None,
                features: feats,
            }
        } else {
            DepEntry {
                version: Some(spec.version.clone()),
                workspace: false,
                default_features: (!spec.default_features).then_some(false),
                features: feats,
            }
        }
    }

    /// The `[workspace.dependencies]` line for `name` (version and default
    /// features; members add their features).
    pub fn workspace_dep_entry(&self, name: &str) -> DepEntry {
        let spec = &self.dependencies[name];
        DepEntry {
            version: Some(spec.version.clone()),
            workspace: false,
            default_features: (!spec.default_features).then_some(false),
            features: Vec::new(),
        }
    }
}

fn check_deps(owner: &str, deps: &BTreeMap<String, Vec<String>>, table: &BTreeMap<String, DepSpec>) -> CargoResult<()> {
    for name in deps.keys() {
        if !table.contains_key(name) {
            bail!("scaffold `{owner}` depends on `{name}`, which scaffolds/dependencies.toml does not list");
        }
    }
    Ok(())
}

// ---- helpers --------------------------------------------------------------

fn str_param(h: &Helper<'_>, name: &'static str) -> Result<String, RenderErrorReason> {
    let v = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?
        .value();
    Ok(match v {
        Value::String(s) => s.clone(),
        Value::Null => return Err(RenderErrorReason::InvalidParamType("a string, found null")),
        other => other.to_string(),
    })
}

/// A Rust string literal, quotes included.
pub fn rust_string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn register_helpers(hb: &mut Handlebars<'static>) {
    fn simple(hb: &mut Handlebars<'static>, name: &'static str, f: fn(&str) -> String) {
        hb.register_helper(
            name,
            Box::new(
                move |h: &Helper<'_>,
                      _: &Handlebars<'_>,
                      _: &HbContext,
                      _: &mut RenderContext<'_, '_>,
                      out: &mut dyn Output|
                      -> HelperResult {
                    let s = str_param(h, name)?;
                    out.write(&f(&s))?;
                    Ok(())
                },
            ),
        );
    }
    simple(hb, "rust_str", rust_string_literal);
    simple(hb, "toml_str", manifest::toml_string_literal);
    simple(hb, "snake", snake);
    simple(hb, "pascal", pascal);
    simple(hb, "upper_snake", |s| snake(s).to_uppercase());
    // `{{json value}}`: a value as compact JSON.
    hb.register_helper(
        "json",
        Box::new(
            |h: &Helper<'_>,
             _: &Handlebars<'_>,
             _: &HbContext,
             _: &mut RenderContext<'_, '_>,
             out: &mut dyn Output|
             -> HelperResult {
                let v = h
                    .param(0)
                    .ok_or(RenderErrorReason::ParamNotFoundForIndex("json", 0))?
                    .value();
                out.write(&serde_json::to_string(v).map_err(RenderErrorReason::SerdeError)?)?;
                Ok(())
            },
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_loads() {
        let c = catalog();
        c.engine().expect("every template and partial compiles");
        for s in Source::ALL {
            let scaffold = c.for_source(*s);
            assert!(
                scaffold.files.iter().any(|(p, _)| p == "src/main.rs"),
                "{s} has main.rs"
            );
            assert!(scaffold.files.iter().any(|(p, _)| p == "src/lib.rs"), "{s} has lib.rs");
        }
    }

    #[test]
    fn rust_literals_escape_what_rust_needs() {
        assert_eq!(rust_string_literal("a\"b\\c\n{{d}}"), r#""a\"b\\c\n{{d}}""#);
        assert_eq!(rust_string_literal("é\u{7}"), "\"é\\u{7}\"");
    }
}
