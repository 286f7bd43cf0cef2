//! Turning binding flags (`--bucket photos --prefix uploads/`, `--arn …`)
//! into a checked [`Binding`] and, where asked, a new resource declaration,
//! by the source's key specs. Shared by `new`, `wire` and the prompts.

use super::KeyProblem;
use crate::errors::{CargoResult, user_error};
use crate::model::arn::Arn;
use crate::model::keys::KeyError;
use crate::model::names::is_resource_name;
use crate::model::{Binding, FieldValue, KeySpec, Resource, Settings, Source, Target, quoted};
use crate::workspace::WorkspaceMeta;

/// What the user asked for, flag by flag; absent is "not given".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BindingRequest {
    /// `--bucket NAME`, `--table NAME`, …: the target key and the name.
    pub targets: Vec<(&'static str, String)>,
    pub arn: Option<String>,
    /// Values of the binding-key flags (`--prefix`), by key.
    pub settings: Vec<(&'static str, FieldValue)>,
    /// For a resource declared by this command: its physical name…
    pub resource_name: Option<String>,
    /// …and the values of the resource-key flags (`--stream-view`), by key.
    pub declare: Vec<(&'static str, FieldValue)>,
}

/// A binding ready to record, and the resource to declare with it.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub binding: Binding,
    pub new_resource: Option<Resource>,
}

impl BindingRequest {
    /// The resource name or ARN given, under whichever flag.
    pub fn given_target(&self) -> Option<(&'static str, &str)> {
        self.targets
            .first()
            .map(|(k, v)| (*k, v.as_str()))
            .or_else(|| self.arn.as_deref().map(|a| ("arn", a)))
    }

    pub fn has_target(&self) -> bool {
        self.given_target().is_some()
    }

    /// Name the target resource (`--bucket NAME` for an S3 binding).
    pub fn set_target(&mut self, source: Source, name: String) {
        self.targets = vec![(source.binding_key(), name)];
    }

    pub fn setting(&self, key: &str) -> Option<&FieldValue> {
        self.settings.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn set(&mut self, key: &'static str, value: FieldValue) {
        self.settings.retain(|(k, _)| *k != key);
        self.settings.push((key, value));
    }
}

/// The declared resources a binding uses: its target, and those its keys
/// name (a stream's `on-failure` queue: keys with `refers_to`, unless an
/// ARN).
pub fn resources_named(source: Source, b: &Binding) -> Vec<&str> {
    let by_keys = source
        .spec()
        .binding_keys()
        .iter()
        .filter(|k| !k.refers_to.is_empty())
        .filter_map(|k| b.settings.str(k.key))
        .filter(|v| !v.starts_with("arn:"));
    b.target.resource_name().into_iter().chain(by_keys).collect()
}

/// Every key with a flag, once (sources share some, e.g. the stream keys),
/// of bindings or (`resource`) of resources.
pub fn flagged(resource: bool) -> Vec<&'static KeySpec> {
    let mut out: Vec<&'static KeySpec> = Vec::new();
    for s in crate::sources::all() {
        let keys = if resource { s.resource().keys } else { s.binding_keys() };
        for k in keys.iter().filter(|k| k.flag.is_some()) {
            if !out.iter().any(|o| o.key == k.key) {
                out.push(k);
            }
        }
    }
    out
}

/// The help of flag `--KEY`: each source's own text where sources share
/// the key (`--kms-key-arn` describes a user pool's and a topic's key).
pub fn flag_help(key: &str, resource: bool) -> String {
    let mut out: Vec<&'static str> = Vec::new();
    for s in crate::sources::all() {
        let keys = if resource { s.resource().keys } else { s.binding_keys() };
        if let Some(help) = keys.iter().find(|k| k.key == key).and_then(|k| k.flag)
            && !out.contains(&help)
        {
            out.push(help);
        }
    }
    out.join("; ")
}

impl BindingRequest {
    /// The flags that give this request again (for "the same, without
    /// questions"), in the order of the sources' specs.
    pub fn to_flags(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (k, v) in &self.targets {
            out.push((format!("--{k}"), v.clone()));
        }
        if let Some(a) = &self.arn {
            out.push(("--arn".into(), a.clone()));
        }
        for k in flagged(false) {
            match self.setting(k.key) {
                Some(FieldValue::List(items)) if k.repeated() => {
                    out.extend(items.iter().map(|i| (k.flag_name(), i.clone())));
                }
                Some(v) => out.push((k.flag_name(), v.to_string())),
                None => {}
            }
        }
        if let Some(n) = &self.resource_name {
            out.push(("--resource-name".into(), n.clone()));
        }
        for k in flagged(true) {
            if let Some((_, v)) = self.declare.iter().find(|(key, _)| *key == k.key) {
                out.push((k.flag_name(), v.to_string()));
            }
        }
        out
    }
}

/// The help for a flag given to a source that has no such key: the one the
/// key's owner gives ("it sizes a new Kinesis stream").
fn elsewhere(key: &str, resource: bool) -> &'static str {
    crate::sources::all()
        .flat_map(|s| if resource { s.resource().keys } else { s.binding_keys() })
        .find(|k| k.key == key)
        .map_or("remove it", |k| k.elsewhere)
}

/// The flag of binding key `key` (`--filter` for `filters`).
pub fn flag_of(key: &str) -> String {
    flagged(false)
        .into_iter()
        .find(|k| k.key == key)
        .map_or_else(|| format!("--{key}"), |k| k.flag_name())
}

/// Refuse flags that do not apply to `source`.
fn check_flags(req: &BindingRequest, source: Source) -> CargoResult<()> {
    let own = source.binding_key();
    if let Some((key, _)) = req.targets.iter().find(|(k, _)| *k != own) {
        return Err(user_error(
            format!("`--{key}` does not apply to a `{source}` trigger"),
            format!("a `{source}` trigger is bound with `--{own} NAME` or `--arn ARN`"),
        ));
    }
    let spec = source.spec();
    for (key, resource, known) in req
        .settings
        .iter()
        .map(|(k, _)| (*k, false, spec.binding_keys()))
        .chain(req.declare.iter().map(|(k, _)| (*k, true, spec.resource().keys)))
    {
        if !known.iter().any(|s| s.key == key) {
            return Err(user_error(
                format!("`{}` does not apply to a `{source}` trigger", flag_of(key)),
                elsewhere(key, resource),
            ));
        }
    }
    Ok(())
}

/// Check a flag's value against its key; the error names the flag.
pub fn check_value(spec: &KeySpec, value: &FieldValue, source: Source) -> CargoResult<FieldValue> {
    let flag = spec.flag_name();
    let value = match value {
        // A comma list may have spaces and repeats: `--events a, a`.
        FieldValue::List(items) => {
            let mut out: Vec<String> = Vec::new();
            for i in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
                if !out.iter().any(|o| o == i) {
                    out.push(i.to_string());
                }
            }
            FieldValue::List(out)
        }
        other => other.clone(),
    };
    let fix = spec.fix.map(|h| h.replace("{source}", source.as_str()));
    match spec.check(&value) {
        Ok(()) => Ok(value),
        Err(KeyError::Range) => Err(user_error(
            format!("`{flag} {}` is out of range", value),
            fix.unwrap_or_default(),
        )),
        Err(KeyError::Empty) => Err(user_error(
            format!("`{flag}` is empty"),
            format!("e.g. `{flag} {}`", spec.example_value()),
        )),
        Err(KeyError::Item(why)) => Err(user_error(
            format!("`{flag}` {why}"),
            format!("pick from {}", quoted(spec.choices())),
        )),
        Err(KeyError::Arn(why)) => Err(user_error(why, format!("pass `{flag} {}`", spec.example_value()))),
        Err(KeyError::Invalid(why)) => Err(with_fix(format!("`{flag}` {why}"), fix)),
        Err(KeyError::Explained(e)) => Err(user_error(format!("`{flag}`: {}", e.message), e.help)),
        Err(KeyError::Type) => Err(user_error(
            format!("`{flag}` takes {}", spec.kind_noun()),
            "see `--help`",
        )),
    }
}

fn with_fix(message: String, fix: Option<String>) -> anyhow::Error {
    match fix {
        Some(f) => user_error(message, f),
        None => anyhow::anyhow!(message),
    }
}

/// The values of `given` flags checked against `specs`, with every
/// default filled in.
fn settings_of(given: &[(&'static str, FieldValue)], specs: &[KeySpec], source: Source) -> CargoResult<Settings> {
    let mut s = Settings::new();
    for (key, value) in given {
        let spec = specs.iter().find(|s| s.key == *key).expect("checked by check_flags");
        s.set(spec.key, check_value(spec, value, source)?);
    }
    Ok(s.with_defaults(specs))
}

/// Is the binding one of its source's forms (see
/// [`BindingForm`](super::BindingForm))? `has_key` says which binding keys
/// it has; `target` how its target is written, if it names one; `name`
/// writes a key as the user wrote it (`--schedule`, `schedule`). The
/// problem is (key, message, help).
pub fn check_form(
    source: Source,
    has_key: &dyn Fn(&str) -> bool,
    target: Option<(&'static str, String)>,
    name: &dyn Fn(&str) -> String,
) -> Result<(), KeyProblem> {
    let forms = source.spec().forms();
    let Some(first) = forms.first() else {
        return Ok(());
    };
    let named = |k: &str| format!("`{}`", name(k));
    let chosen: Vec<_> = forms.iter().filter(|f| has_key(f.key)).collect();
    let form = match chosen.as_slice() {
        [] => {
            let keys: Vec<String> = forms.iter().map(|f| named(f.key)).collect();
            let ways: Vec<String> = forms
                .iter()
                .map(|f| format!("{} to run it {}", named(f.key), f.label))
                .collect();
            return Err((
                first.key,
                format!("a binding of a `{source}` trigger needs {}", keys.join(" or ")),
                Some(format!("add {}", ways.join(", or "))),
            ));
        }
        [one] => *one,
        [a, b, ..] => {
            return Err((
                b.key,
                format!(
                    "{} and {} can't both be set: a binding runs {} or {}",
                    named(a.key),
                    named(b.key),
                    a.label,
                    b.label
                ),
                Some("write one binding for each".into()),
            ));
        }
    };
    for other in forms.iter().filter(|f| f.key != form.key) {
        if let Some(k) = other.keys.iter().find(|k| has_key(k) && !form.has(k)) {
            return Err((
                k,
                format!("{} only applies to a binding {}", named(k), other.label),
                Some(format!(
                    "remove {}, or replace {} with {}",
                    named(k),
                    named(form.key),
                    named(other.key)
                )),
            ));
        }
    }
    if let (false, Some((key, written))) = (form.target, target) {
        return Err((
            key,
            format!("`{written}` does not apply to a binding {}", form.label),
            Some(format!("remove `{written}`")),
        ));
    }
    Ok(())
}

/// Does `req` say enough to bind a `source` trigger without questions: a
/// target (unless it is optional) and, for a source with forms, which one?
pub fn is_complete(req: &BindingRequest, source: Source) -> bool {
    let spec = source.spec();
    let target = req.has_target() || spec.target().default_label.is_some();
    let form = spec.forms().is_empty() || spec.forms().iter().any(|f| req.setting(f.key).is_some());
    target && form
}

/// Build the resource that a new name declares.
pub fn new_resource(name: &str, source: Source, req: &BindingRequest) -> CargoResult<Resource> {
    if !is_resource_name(name) {
        return Err(user_error(
            format!("`{name}` is not a valid resource name"),
            "resource names start with a letter and use letters, digits, `-` and `_` (at most 64)",
        ));
    }
    let kind = source.resource_kind();
    let info = kind.spec();
    let mut r = Resource::new(name, kind);
    if let Some(n) = &req.resource_name {
        if !(info.name.check)(n) {
            return Err(user_error(
                format!("`--resource-name {n}` is not a valid {kind} name"),
                info.name.help,
            ));
        }
        r.physical_name = Some(n.clone());
    }
    r.settings = settings_of(&req.declare, info.keys, source)?;
    Ok(r)
}

/// Resolve a request against the workspace's resources. An unknown resource
/// name is declared when `declare_missing`, and refused otherwise with the
/// list of known ones.
pub fn resolve(
    req: &BindingRequest,
    source: Source,
    meta: &WorkspaceMeta,
    declare_missing: bool,
) -> CargoResult<Resolved> {
    check_flags(req, source)?;
    let settings = settings_of(&req.settings, source.spec().binding_keys(), source)?;
    let given = |k: &str| req.settings.iter().any(|(key, _)| *key == k);
    let target = req.given_target().map(|(k, _)| (k, format!("--{k}")));
    check_form(source, &given, target, &|k| format!("--{k}"))
        .map_err(|(_, message, help)| user_error(message, help.unwrap_or_default()))?;
    source
        .spec()
        .check_binding(&settings)
        .map_err(|p| user_error(format!("`{}`: {}", flag_of(p.key), p.message), p.help))?;
    let own = source.binding_key();
    let kind = source.resource_kind();
    let (target, new_resource) = match (req.arn.as_deref(), req.targets.first()) {
        (Some(_), Some((key, _))) => {
            return Err(user_error(
                format!("`--{key}` and `--arn` both name a target"),
                "a binding has one target: a declared resource or an existing one by ARN",
            ));
        }
        (Some(a), None) => {
            // Flags that describe a new resource have nothing to describe.
            let described: Vec<String> = req
                .resource_name
                .iter()
                .map(|_| "`--resource-name`".to_string())
                .chain(req.declare.iter().map(|(k, _)| format!("`--{k}`")))
                .collect();
            if !described.is_empty() {
                return Err(user_error(
                    format!(
                        "{} {} a new resource, but `--arn` names an existing one",
                        described.join(" and "),
                        if described.len() == 1 { "describes" } else { "describe" }
                    ),
                    format!(
                        "leave {} out, or declare the existing resource under `[workspace.metadata.trigger.resources]` with its `arn` and settings",
                        if described.len() == 1 { "it" } else { "them" }
                    ),
                ));
            }
            let arn = Arn::parse(a, source.arn_kind())
                .map_err(|e| user_error(e.0, format!("pass {}", source.arn_kind().describe())))?;
            (Target::Arn(arn), None)
        }
        (None, Some((_, name))) => match meta.resources.get(name) {
            Some(r) if r.kind != kind => {
                // One namespace for every kind: the new resource needs
                // another name here, and may keep `name` as its physical one.
                let other = format!("{name}-{own}");
                let physical = (kind.spec().name.check)(name) && req.resource_name.is_none();
                let flags = format!(
                    "--{own} {other}{}{}",
                    if physical {
                        format!(" --resource-name {name}")
                    } else {
                        String::new()
                    },
                    if declare_missing { "" } else { " --create" }
                );
                return Err(user_error(
                    format!("resource `{name}` is a `{}`, not a `{kind}`", r.kind),
                    if physical {
                        format!(
                            "resource names are shared by every kind: declare the {own} under another name, with `{name}` as its name in AWS: `{flags}`"
                        )
                    } else {
                        format!(
                            "resource names are shared by every kind: declare the {own} under another name: `{flags}`"
                        )
                    },
                ));
            }
            Some(_) => {
                let given: Vec<String> = req
                    .resource_name
                    .iter()
                    .map(|_| "`--resource-name`".to_string())
                    .chain(req.declare.iter().map(|(k, _)| format!("`--{k}`")))
                    .collect();
                if !given.is_empty() {
                    return Err(user_error(
                        format!("resource `{name}` is already declared"),
                        format!(
                            "{} {} a new resource; edit `[workspace.metadata.trigger.resources]` to change an existing one",
                            given.join(" and "),
                            if given.len() == 1 { "describes" } else { "describe" }
                        ),
                    ));
                }
                (Target::Resource(name.to_string()), None)
            }
            None if declare_missing => (
                Target::Resource(name.to_string()),
                Some(new_resource(name, source, req)?),
            ),
            None => return Err(undeclared(name, source, meta)),
        },
        (None, None) if source.spec().target().default_label.is_some() => (Target::Default, None),
        (None, None) => {
            return Err(user_error(
                format!("a `{source}` trigger needs a target"),
                format!("pass `--{own} NAME` (a declared resource, or a new one) or `--arn ARN` (an existing one)"),
            ));
        }
    };
    Ok(Resolved {
        binding: Binding { target, settings },
        new_resource,
    })
}

/// Which bindings of a `source` crate a request names, as `wire` would
/// have written them (`unwire img --bucket audit-logs --prefix logs/`): the
/// target, by name or ARN, and binding-key values, each checked against
/// the source's specs.
#[derive(Clone, Debug, Default)]
pub struct Selector {
    /// The target's label: a resource name or an ARN.
    pub target: Option<String>,
    settings: Vec<(&'static KeySpec, FieldValue)>,
}

impl Selector {
    /// Does it name anything beyond the target?
    pub fn has_settings(&self) -> bool {
        !self.settings.is_empty()
    }

    pub fn matches(&self, b: &Binding) -> bool {
        if let Some(t) = &self.target
            && b.target.label() != t
        {
            return false;
        }
        self.settings.iter().all(|(spec, want)| {
            let have = b.settings.get(spec.key).cloned().or(spec.default.map(|d| d.value()));
            match (have, want) {
                // A list is a set of values: `--events a,b` names `[b, a]`.
                (Some(FieldValue::List(h)), FieldValue::List(w)) => {
                    h.iter().all(|x| w.contains(x)) && w.iter().all(|x| h.contains(x))
                }
                (have, want) => have.as_ref() == Some(want),
            }
        })
    }

    /// `` to `photos` with `--prefix uploads/` ``, for messages.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if let Some(t) = &self.target {
            out.push_str(&format!("to `{t}`"));
        }
        if !self.settings.is_empty() {
            let flags: Vec<String> = self
                .settings
                .iter()
                .map(|(spec, v)| format!("`{} {v}`", spec.flag_name()))
                .collect();
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("with {}", flags.join(", ")));
        }
        out
    }
}

/// The [`Selector`] of a request's target and binding-key flags for a
/// `source` crate; flags of other sources are refused as `wire` refuses them.
pub fn selector(req: &BindingRequest, source: Source) -> CargoResult<Selector> {
    check_flags(req, source)?;
    let target = match (req.arn.as_deref(), req.targets.first()) {
        (Some(_), Some((key, _))) => {
            return Err(user_error(
                format!("`--{key}` and `--arn` both name a target"),
                "a binding has one target: a declared resource or an existing one by ARN",
            ));
        }
        (Some(a), None) => Some(
            Arn::parse(a, source.arn_kind())
                .map_err(|e| user_error(e.0, format!("pass {}", source.arn_kind().describe())))?
                .to_string(),
        ),
        (None, Some((_, name))) => Some(name.clone()),
        (None, None) => None,
    };
    let specs = source.spec().binding_keys();
    let mut settings = Vec::new();
    for (key, value) in &req.settings {
        let spec = specs.iter().find(|s| s.key == *key).expect("checked by check_flags");
        settings.push((spec, check_value(spec, value, source)?));
    }
    Ok(Selector { target, settings })
}

fn undeclared(name: &str, source: Source, meta: &WorkspaceMeta) -> anyhow::Error {
    let kind = source.resource_kind();
    let known: Vec<&str> = meta
        .resources
        .values()
        .filter(|r| r.kind == kind)
        .map(|r| r.name.as_str())
        .collect();
    let help = if known.is_empty() {
        format!("no `{kind}` is declared yet: pass `--create` to declare `{name}`")
    } else {
        format!(
            "the declared {kind}s are {}; or pass `--create` to declare `{name}`",
            quoted(&known)
        )
    };
    user_error(format!("no resource named `{name}` is declared"), help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> WorkspaceMeta {
        let mut m = WorkspaceMeta::default();
        m.resources
            .insert("users".into(), Resource::new("users", Source::Cognito.resource_kind()));
        m.resources
            .insert("photos".into(), Resource::new("photos", Source::S3.resource_kind()));
        m
    }

    fn req(target: &'static str, name: &str) -> BindingRequest {
        BindingRequest {
            targets: vec![(target, name.into())],
            ..Default::default()
        }
    }

    #[test]
    fn refuses_flags_of_another_source() {
        let e = resolve(&req("bucket", "photos"), Source::Dynamodb, &meta(), true).unwrap_err();
        assert!(e.to_string().contains("`--bucket` does not apply"), "{e}");
        let mut r = req("table", "todos");
        r.settings.push(("prefix", FieldValue::Str("a/".into())));
        let e = resolve(&r, Source::Dynamodb, &meta(), true).unwrap_err();
        assert!(e.to_string().contains("`--prefix` does not apply"), "{e}");
    }

    #[test]
    fn refuses_a_resource_of_the_wrong_type() {
        let e = resolve(&req("bucket", "users"), Source::S3, &meta(), true).unwrap_err();
        assert!(e.to_string().contains("is a `cognito-user-pool`"), "{e}");
    }

    #[test]
    fn declares_or_refuses_unknown_names() {
        let r = resolve(&req("table", "todos"), Source::Dynamodb, &meta(), true).unwrap();
        assert_eq!(
            r.new_resource.unwrap().settings.str("stream-view"),
            Some("NEW_AND_OLD_IMAGES")
        );
        let e = resolve(&req("table", "todos"), Source::Dynamodb, &meta(), false).unwrap_err();
        assert!(e.to_string().contains("no resource named `todos`"));
    }

    #[test]
    fn checks_aws_ranges_and_fills_defaults() {
        let mut r = req("table", "todos");
        r.settings.push(("batch-size", FieldValue::Int(10_001)));
        assert!(resolve(&r, Source::Dynamodb, &meta(), true).is_err());
        let ok = resolve(&req("table", "todos"), Source::Dynamodb, &meta(), true).unwrap();
        assert_eq!(ok.binding.settings.int("batch-size"), Some(100));
        assert_eq!(ok.binding.settings.str("starting-position"), Some("LATEST"));
    }
}
