//! The metadata schema: `[workspace.metadata.trigger]` and each member's
//! `[package.metadata.trigger]`, read from `cargo metadata`'s JSON into the
//! typed model, with a finding for every key that is malformed or unknown.
//! Which keys a binding or resource has is each source's (`KeySpec`s);
//! this reader knows only how to read a key of each kind.

use std::path::Path;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::arn::{self, Arn, ArnKind};
use crate::model::keys::{KeyKind, KeySpec};
use crate::model::names::{is_module_name, is_resource_name};
use crate::model::suggest::closest;
use crate::model::{Binding, FieldValue, Grant, Resource, ResourceKind, Settings, Source, Target, quoted, quoted_or};
use crate::sources::{self, TriggerKeys};
use crate::workspace::{TriggerMeta, WorkspaceMeta};

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

/// Reads one metadata table, records a finding for each malformed value, and
/// at the end one for each key nobody asked for.
struct Reader<'a, 'd> {
    obj: &'a Map<String, Value>,
    key: String,
    file: &'a Path,
    diags: &'d mut Diagnostics,
    known: Vec<&'static str>,
}

impl<'a, 'd> Reader<'a, 'd> {
    fn new(obj: &'a Map<String, Value>, key: impl Into<String>, file: &'a Path, diags: &'d mut Diagnostics) -> Self {
        Reader {
            obj,
            key: key.into(),
            file,
            diags,
            known: Vec::new(),
        }
    }

    fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.key)
    }

    fn error(&mut self, key: &str, message: String, help: Option<String>) {
        let mut d = Diagnostic::error("invalid-value", self.file, self.path(key), message);
        d.help = help;
        self.diags.push(d);
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.known.push(key);
        self.obj.get(key)
    }

    fn str(&mut self, key: &'static str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                let msg = format!("`{}` must be a string, found {}", self.path(key), type_name(other));
                self.error(key, msg, None);
                None
            }
        }
    }

    fn required_str(&mut self, key: &'static str, help: &str) -> Option<String> {
        if !self.obj.contains_key(key) {
            self.known.push(key);
            let msg = format!("`{}` is missing", self.path(key));
            self.error(key, msg, Some(help.to_string()));
            return None;
        }
        self.str(key)
    }

    fn list(&mut self, key: &'static str) -> Option<Vec<String>> {
        let value = self.get(key)?;
        let err = |me: &mut Self, found: &str| {
            let msg = format!("`{}` must be an array of strings, found {found}", me.path(key));
            me.error(key, msg, None);
        };
        match value {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        other => {
                            err(self, &format!("an array holding {}", type_name(other)));
                            return None;
                        }
                    }
                }
                Some(out)
            }
            other => {
                err(self, type_name(other));
                None
            }
        }
    }

    fn bool(&mut self, key: &'static str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                let msg = format!(
                    "`{}` must be `true` or `false`, found {}",
                    self.path(key),
                    type_name(other)
                );
                self.error(key, msg, None);
                None
            }
        }
    }

    /// One of `allowed`, else a finding that lists them.
    fn choice(&mut self, key: &'static str, allowed: &[&str]) -> Option<String> {
        let s = self.str(key)?;
        if allowed.contains(&s.as_str()) {
            Some(s)
        } else {
            let msg = format!("`{}` is `{s}`, expected one of {}", self.path(key), quoted(allowed));
            let help = closest(&s, allowed.iter().copied()).map(|c| format!("did you mean `{c}`?"));
            self.error(key, msg, help);
            None
        }
    }

    fn arn(&mut self, key: &'static str, kind: ArnKind) -> Option<Arn> {
        let s = self.str(key)?;
        match Arn::parse(&s, kind) {
            Ok(a) => Some(a),
            Err(e) => {
                let mut d = Diagnostic::error("invalid-arn", self.file, self.path(key), e.0);
                d.help = Some(format!("write {}", kind.describe()));
                self.diags.push(d);
                None
            }
        }
    }

    fn finish(self) {
        let mut unknown: Vec<&String> = self.obj.keys().filter(|k| !self.known.contains(&k.as_str())).collect();
        unknown.sort();
        for k in unknown {
            let mut known = self.known.clone();
            known.sort();
            known.dedup();
            let d = Diagnostic::error(
                "unknown-key",
                self.file,
                format!("{}.{k}", self.key),
                format!("unknown key `{k}` in `{}`", self.key),
            )
            .with_help(format!("the keys here are {}", quoted(&known)));
            self.diags.push(d);
        }
    }
}

fn expect_table<'a>(
    value: &'a Value,
    key: &str,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<&'a Map<String, Value>> {
    match value {
        Value::Object(m) => Some(m),
        other => {
            diags.push(Diagnostic::error(
                "invalid-value",
                file,
                key,
                format!("`{key}` must be a table, found {}", type_name(other)),
            ));
            None
        }
    }
}

impl Reader<'_, '_> {
    /// One key of a source's table, by its spec; `None` (with a finding)
    /// when it is absent or malformed.
    fn key(&mut self, spec: &KeySpec) -> Option<FieldValue> {
        let key = spec.key;
        match spec.kind {
            KeyKind::Str { check, what } => {
                let v = self.str(key)?;
                if let Some(f) = check
                    && let Err(why) = f(&v)
                {
                    let msg = format!("`{}` is not {what}: {why}", self.path(key));
                    self.error(key, msg, None);
                    return None;
                }
                if let Some(f) = spec.validate
                    && let Err(e) = f(&v)
                {
                    let msg = format!("`{}`: {}", self.path(key), e.message);
                    self.error(key, msg, Some(e.help));
                    return None;
                }
                Some(FieldValue::Str(v))
            }
            KeyKind::Int { min, max } => {
                let value = self.get(key)?;
                match value.as_i64() {
                    Some(n) if (min..=max).contains(&n) => Some(FieldValue::Int(n)),
                    _ => {
                        let msg = format!(
                            "`{}` must be a whole number from {min} to {max}, found {value}",
                            self.path(key)
                        );
                        self.error(key, msg, None);
                        None
                    }
                }
            }
            KeyKind::Bool => self.bool(key).map(FieldValue::Bool),
            KeyKind::Choice(allowed) => self.choice(key, allowed).map(FieldValue::Str),
            KeyKind::List { choices, noun, example } => {
                let list = self.list(key)?;
                if list.is_empty() {
                    let msg = format!("`{}` is empty", self.path(key));
                    let help = match spec.default.map(|d| d.value()) {
                        Some(FieldValue::List(d)) => format!("e.g. `{key} = {d:?}`"),
                        _ => format!("list at least one, {example}"),
                    };
                    self.error(key, msg, Some(help));
                }
                for e in list
                    .iter()
                    .filter(|e| !choices.is_empty() && !choices.contains(&e.as_str()))
                {
                    let msg = format!("`{}` has `{e}`, which is not {noun}", self.path(key));
                    let help = match closest(e, choices.iter().copied()) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => example.into(),
                    };
                    self.error(key, msg, Some(help));
                }
                Some(FieldValue::List(list))
            }
            KeyKind::Arn(kind) => self.arn(key, kind).map(|a| FieldValue::Str(a.to_string())),
        }
    }

    /// Every key of `specs` that is present and well-formed.
    fn keys(&mut self, specs: &[KeySpec]) -> Settings {
        let mut out = Settings::new();
        for spec in specs {
            if let Some(v) = self.key(spec) {
                out.set(spec.key, v);
            }
        }
        out
    }
}

/// `[workspace.metadata.trigger]` from the workspace metadata JSON (the whole
/// `workspace.metadata` value; absent keys give the defaults).
pub fn parse_workspace(metadata: &Value, file: &Path, diags: &mut Diagnostics) -> WorkspaceMeta {
    let mut out = WorkspaceMeta::default();
    let Some(trigger) = metadata.get("trigger") else {
        return out;
    };
    let Some(obj) = expect_table(trigger, "workspace.metadata.trigger", file, diags) else {
        return out;
    };
    let mut r = Reader::new(obj, "workspace.metadata.trigger", file, diags);
    if let Some(dir) = r.str("dir") {
        // A backslash is a separator on Windows only (cargo's paths are
        // `/`-separated); elsewhere it would be part of a folder's name.
        let backslash = !cfg!(windows) && dir.contains('\\');
        if dir.is_empty() || backslash || Path::new(&dir).is_absolute() || dir.split(['/', '\\']).any(|c| c == "..") {
            r.error(
                "dir",
                format!(
                    "`workspace.metadata.trigger.dir` is `{dir}`: it must be a relative, `/`-separated path inside the workspace"
                ),
                Some("write e.g. `dir = \"triggers\"`".into()),
            );
        } else {
            out.dir = dir;
        }
    }
    let resources = r.get("resources");
    r.finish();
    if let Some(resources) = resources
        && let Some(map) = expect_table(resources, "workspace.metadata.trigger.resources", file, diags)
    {
        for (name, value) in map {
            let key = format!("workspace.metadata.trigger.resources.{name}");
            if !is_resource_name(name) {
                diags.push(
                    Diagnostic::error(
                        "invalid-name",
                        file,
                        &key,
                        format!("`{name}` is not a valid resource name"),
                    )
                    .with_help("resource names start with a letter and use letters, digits, `-` and `_`"),
                );
                continue;
            }
            let Some(obj) = expect_table(value, &key, file, diags) else {
                continue;
            };
            if let Some(res) = parse_resource(name, obj, &key, file, diags) {
                out.resources.insert(name.clone(), res);
            }
        }
    }
    out
}

fn parse_resource(
    name: &str,
    obj: &Map<String, Value>,
    key: &str,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<Resource> {
    let mut r = Reader::new(obj, key, file, diags);
    let kinds = ResourceKind::names();
    let kind = r
        .required_str("type", &format!("write `type = ` one of {}", quoted(&kinds)))
        .and_then(|t| match ResourceKind::parse(&t) {
            Some(k) => Some(k),
            None => {
                let msg = format!("`{key}.type` is `{t}`, expected one of {}", quoted(&kinds));
                r.error("type", msg, None);
                None
            }
        });
    let Some(kind) = kind else {
        r.finish();
        return None;
    };
    let info = kind.spec();
    let mut res = Resource::new(name, kind);
    res.physical_name = r.str("name");
    if let Some(n) = &res.physical_name
        && !(info.name.check)(n)
    {
        let msg = format!("`{key}.name` is `{n}`, which is not {}", info.name.what);
        r.error("name", msg, None);
    }
    res.arn = r.arn("arn", info.arn);
    if res.arn.is_some() && res.physical_name.is_some() {
        let msg = format!("`{key}` has both `name` and `arn`");
        r.error(
            "arn",
            msg,
            Some("an existing resource is named by its ARN alone; remove `name`".into()),
        );
    }
    res.settings = r.keys(info.keys);
    r.finish();
    Some(res)
}

/// `[package.metadata.trigger]` of a package, from its metadata JSON (the
/// whole `package.metadata` value). `None` when the table is absent or too
/// broken to say what the crate is.
pub fn parse_trigger(metadata: &Value, file: &Path, diags: &mut Diagnostics) -> Option<TriggerMeta> {
    let trigger = metadata.get("trigger")?;
    let key = "package.metadata.trigger";
    let obj = expect_table(trigger, key, file, diags)?;
    let mut r = Reader::new(obj, key, file, diags);
    let source = r
        .required_str("source", &format!("write `source = ` one of {}", Source::names()))
        .and_then(|s| match Source::parse(&s) {
            Some(src) => Some(src),
            None => {
                let msg = format!("`{key}.source` is `{s}`, expected one of {}", Source::names());
                r.error("source", msg, None);
                None
            }
        });
    let keys = TriggerKeys {
        event: r.str("event"),
        event_present: obj.contains_key("event"),
        token_version: r.str("token-version"),
        modules: r.list("modules").unwrap_or_default(),
    };
    let bindings_value = r.get("bindings");
    let permissions_value = r.get("permissions");
    let Some(source) = source else {
        r.finish();
        return None;
    };
    let fields = source.spec().trigger_fields(&keys, key).unwrap_or_else(|problems| {
        for (k, msg, help) in problems {
            r.error(k, msg, help);
        }
        Default::default()
    });
    for (i, m) in keys.modules.iter().enumerate() {
        if !is_module_name(m) {
            let msg = format!("`{key}.modules[{i}]` is `{m}`, which is not a module name");
            r.error(
                "modules",
                msg,
                Some("module names are lowercase words joined by `-`".into()),
            );
        }
    }
    r.finish();
    let bindings = parse_tables(
        bindings_value,
        &format!("{key}.bindings"),
        "bindings",
        file,
        diags,
        |obj, k, d| parse_binding(source, obj, k, file, d),
    );
    let permissions = parse_tables(
        permissions_value,
        &format!("{key}.permissions"),
        "permissions",
        file,
        diags,
        |obj, k, d| parse_grant(obj, k, file, d),
    );
    Some(TriggerMeta {
        source,
        event: fields.event,
        token_version: fields.token_version,
        modules: keys.modules,
        bindings,
        permissions,
    })
}

/// An array of tables (`[[package.metadata.trigger.bindings]]`), each read
/// by `parse`.
fn parse_tables<T>(
    value: Option<&Value>,
    key: &str,
    what: &str,
    file: &Path,
    diags: &mut Diagnostics,
    mut parse: impl FnMut(&Map<String, Value>, &str, &mut Diagnostics) -> Option<T>,
) -> Vec<T> {
    let mut out = Vec::new();
    match value {
        None => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let ikey = format!("{key}[{i}]");
                if let Some(obj) = expect_table(item, &ikey, file, diags)
                    && let Some(x) = parse(obj, &ikey, diags)
                {
                    out.push(x);
                }
            }
        }
        Some(other) => {
            let noun = if what == "bindings" { "binding" } else { "grant" };
            diags.push(
                Diagnostic::error(
                    "invalid-value",
                    file,
                    key,
                    format!("`{key}` must be an array of tables, found {}", type_name(other)),
                )
                .with_help(format!("write each {noun} as `[[package.metadata.trigger.{what}]]`")),
            )
        }
    }
    out
}

fn parse_binding(
    source: Source,
    obj: &Map<String, Value>,
    key: &str,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<Binding> {
    let mut r = Reader::new(obj, key, file, diags);
    // Which target key does it use?
    let target_keys: Vec<&'static str> = sources::all()
        .map(|s| s.target().key)
        .chain(std::iter::once("arn"))
        .collect();
    let present: Vec<&str> = target_keys.iter().copied().filter(|k| obj.contains_key(*k)).collect();
    let expected = source.binding_key();
    let mut target = None;
    let optional = source.spec().target().default_label.is_some();
    match present.as_slice() {
        [] if optional => target = Some(Target::Default),
        [] => {
            let msg = format!("`{key}` names no target");
            r.error(
                expected,
                msg,
                Some(format!("write `{expected} = \"RESOURCE\"` or `arn = \"…\"`")),
            );
        }
        [one] if *one == "arn" => {
            target = r.arn("arn", source.arn_kind()).map(Target::Arn);
        }
        [one] if *one == expected => {
            if let Some(name) = r.str(expected) {
                target = Some(Target::Resource(name));
            }
        }
        [one] => {
            r.known
                .push(target_keys.iter().copied().find(|k| k == one).expect("from the list"));
            let d = Diagnostic::error(
                "binding-source-mismatch",
                file,
                format!("{key}.{one}"),
                format!("a `{one}` binding in a crate whose source is `{source}`"),
            )
            .with_help(format!("a `{source}` crate binds with `{expected} = …` or `arn = …`"));
            r.diags.push(d);
        }
        many => {
            for k in many {
                r.known
                    .push(target_keys.iter().copied().find(|t| t == k).expect("from the list"));
            }
            let msg = format!("`{key}` names more than one target ({})", quoted(many));
            r.error(many[0], msg, Some("write one binding per target".into()));
        }
    }
    let specs = source.spec().binding_keys();
    let settings = r.keys(specs).with_defaults(specs);
    let written = present
        .first()
        .and_then(|p| target_keys.iter().copied().find(|k| k == p));
    if let Err((k, msg, help)) = sources::binding::check_form(
        source,
        &|k: &str| obj.contains_key(k),
        written.map(|k| (k, k.to_string())),
        &|k: &str| k.to_string(),
    ) {
        r.error(k, format!("`{key}`: {msg}"), help);
    }
    if let Err(p) = source.spec().check_binding(&settings) {
        let msg = format!("`{}`: {}", r.path(p.key), p.message);
        r.error(p.key, msg, Some(p.help));
    }
    r.finish();
    Some(Binding {
        target: target?,
        settings,
    })
}

fn parse_grant(obj: &Map<String, Value>, key: &str, file: &Path, diags: &mut Diagnostics) -> Option<Grant> {
    let mut r = Reader::new(obj, key, file, diags);
    let resource = r.str("resource");
    let levels = sources::access_names();
    let access = r.str("access").and_then(|a| {
        if levels.contains(&a.as_str()) {
            Some(a)
        } else {
            let msg = format!("`{key}.access` is `{a}`, expected {}", quoted_or(&levels));
            r.error("access", msg, None);
            None
        }
    });
    let actions = r.list("actions").unwrap_or_default();
    let arn = r.arn("arn", arn::ANY);
    match (&resource, &arn) {
        (Some(_), None) if access.is_none() && !obj.contains_key("access") => {
            let msg = format!("`{key}` grants access to a resource without saying which");
            r.error("access", msg, Some(format!("write `access = ` {}", quoted_or(&levels))));
        }
        (None, Some(_)) if actions.is_empty() && !obj.contains_key("actions") => {
            let msg = format!("`{key}` names an ARN but no actions");
            r.error("actions", msg, Some("write `actions = [\"service:Action\"]`".into()));
        }
        (None, None) if !obj.contains_key("arn") => {
            let msg = format!("`{key}` names neither a resource nor an ARN");
            r.error(
                "resource",
                msg,
                Some("write `resource = \"NAME\"` with `access`, or `arn` with `actions`".into()),
            );
        }
        (Some(_), Some(_)) => {
            let msg = format!("`{key}` names both a resource and an ARN");
            r.error("arn", msg, Some("write one grant for each".into()));
        }
        _ => {}
    }
    r.finish();
    Some(Grant {
        resource,
        access,
        actions,
        arn,
    })
}

#[cfg(test)]
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> (Option<TriggerMeta>, Vec<Diagnostic>) {
        let mut d = Diagnostics::default();
        let t = parse_trigger(&v, Path::new("Cargo.toml"), &mut d);
        (t, d.into_items())
    }

    #[test]
    fn reads_the_spec_example() {
        let (t, d) = parse(json!({"trigger": {
            "source": "cognito", "event": "pre-sign-up", "modules": ["email-deny-list", "custom"],
            "bindings": [{"user-pool": "users"}]
        }}));
        assert!(d.is_empty(), "{d:?}");
        let t = t.unwrap();
        assert_eq!(t.event, Some(crate::sources::CognitoEvent::PreSignUp));
        assert_eq!(t.modules, ["email-deny-list", "custom"]);
        assert_eq!(t.bindings[0].target, Target::Resource("users".into()));
    }

    #[test]
    fn reports_every_problem_with_its_key() {
        let (_, d) = parse(json!({"trigger": {
            "source": "dynamodb", "colour": "red",
            "bindings": [{"table": "todos", "batch-size": 0, "starting-position": "EARLY"}, {"bucket": "x"}]
        }}));
        let keys: Vec<&str> = d.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "package.metadata.trigger.colour",
                "package.metadata.trigger.bindings[0].starting-position",
                "package.metadata.trigger.bindings[0].batch-size",
                "package.metadata.trigger.bindings[1].bucket",
            ]
        );
    }

    #[test]
    fn unknown_source_is_an_error() {
        let (t, d) = parse(json!({"trigger": {"source": "ftp"}}));
        assert!(t.is_none());
        assert!(d[0].message.contains("`ftp`"));
    }
}
