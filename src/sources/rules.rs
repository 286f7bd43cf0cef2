//! The binding rules AWS enforces (or that bite later), checked over every
//! binding of the workspace: references to declared resources of the right
//! kind here, and each source's own rules among the bindings of one
//! physical target (`SourceSpec::rules`). `wire` and `new` refuse a binding
//! that breaks them; `check` reports them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{CognitoEvent, Site, TokenVersion};
use crate::diagnostics::{Diagnostic, Severity};
use crate::errors::{CargoResult, user_error};
use crate::model::{Binding, Grant, Resource, Source, Target, quoted, quoted_or};
use crate::workspace::{TriggerMeta, Workspace};

/// What two bindings on one bucket/pool/stream are about: the same
/// physical resource, however it is named.
fn identity(target: &Target, resources: &BTreeMap<&str, &Resource>) -> String {
    match target {
        Target::Arn(a) => a.to_string(),
        Target::Resource(n) => match resources.get(n.as_str()).and_then(|r| r.arn.as_ref()) {
            Some(a) => a.to_string(),
            None => format!("resource:{n}"),
        },
        Target::Default => "default".into(),
    }
}

/// Every binding in the workspace as a [`Site`].
pub fn sites(ws: &Workspace) -> Vec<Site<'_>> {
    let mut out = Vec::new();
    for (m, t) in ws.trigger_crates() {
        for (i, b) in t.bindings.iter().enumerate() {
            out.push(Site {
                crate_name: &m.name,
                source: t.source,
                event: t.event,
                token_version: t.token_version(),
                binding: b,
                resource: b.target.resource_name().and_then(|n| ws.resource(n)),
                function_timeout: m.lambda.as_ref().and_then(|l| l.timeout),
                function_env: m.lambda.as_ref().map(|l| &l.env),
                file: m.rel_manifest(),
                index: i,
                is_new: false,
            });
        }
    }
    out
}

/// A binding to a resource name that is not declared, or not of its kind.
fn reference(
    s: &Site<'_>,
    name: &str,
    by_name: &BTreeMap<&str, &Resource>,
    resources: &[&Resource],
) -> Option<Diagnostic> {
    let kind = s.source.resource_kind();
    let key = format!("{}.{}", s.key(), s.source.binding_key());
    match by_name.get(name) {
        None => {
            let known: Vec<&str> = resources
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| r.name.as_str())
                .collect();
            let help = if known.is_empty() {
                format!("declare it: `[workspace.metadata.trigger.resources.{name}]` with `type = \"{kind}\"`")
            } else {
                format!("declare it, or use one of {}", quoted(&known))
            };
            Some(
                Diagnostic::error(
                    "unknown-resource",
                    &s.file,
                    key,
                    format!(
                        "`{}` is bound to `{name}`, which is not a declared resource",
                        s.crate_name
                    ),
                )
                .with_help(help),
            )
        }
        Some(r) if r.kind != kind => Some(
            Diagnostic::error(
                "resource-type",
                &s.file,
                key,
                format!(
                    "`{}` is a `{}` trigger but `{name}` is a `{}`",
                    s.crate_name, s.source, r.kind
                ),
            )
            .with_help(format!("bind it to a `{kind}` resource")),
        ),
        Some(_) => None,
    }
}

/// A binding key naming a resource (`on-failure = "failed"`) that is not
/// declared, or of none of the key's kinds.
fn key_references(s: &Site<'_>, by_name: &BTreeMap<&str, &Resource>, resources: &[&Resource]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for spec in s
        .source
        .spec()
        .binding_keys()
        .iter()
        .filter(|k| !k.refers_to.is_empty())
    {
        let Some(name) = s.binding.settings.str(spec.key).filter(|v| !v.starts_with("arn:")) else {
            continue;
        };
        let kinds: Vec<String> = spec.refers_to.iter().map(|k| k.to_string()).collect();
        let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
        let key = format!("{}.{}", s.key(), spec.key);
        match by_name.get(name) {
            Some(r) if spec.refers_to.contains(&r.kind) => {}
            Some(r) => out.push(
                Diagnostic::error(
                    "resource-type",
                    &s.file,
                    key,
                    format!("`{}`'s `{}` is `{name}`, a `{}`", s.crate_name, spec.key, r.kind),
                )
                .with_help(format!("name a {} resource, or an ARN", quoted_or(&kinds))),
            ),
            None => {
                let known: Vec<&str> = resources
                    .iter()
                    .filter(|r| spec.refers_to.contains(&r.kind))
                    .map(|r| r.name.as_str())
                    .collect();
                let help = if known.is_empty() {
                    format!(
                        "declare it: `[workspace.metadata.trigger.resources.{name}]` with `type = \"{}\"`",
                        kinds[0]
                    )
                } else {
                    format!("declare it, or use one of {}", quoted(&known))
                };
                out.push(
                    Diagnostic::error(
                        "unknown-resource",
                        &s.file,
                        key,
                        format!(
                            "`{}`'s `{}` is `{name}`, which is not a declared resource",
                            s.crate_name, spec.key
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }
    out
}

/// Check the rules over `sites`.
pub fn check_sites(sites: &[Site<'_>], resources: &[&Resource]) -> Vec<Diagnostic> {
    let by_name: BTreeMap<&str, &Resource> = resources.iter().map(|r| (r.name.as_str(), *r)).collect();
    let mut out = Vec::new();
    for s in sites {
        if let Target::Resource(n) = &s.binding.target
            && let Some(d) = reference(s, n, &by_name, resources)
        {
            out.push(d);
        }
        out.extend(key_references(s, &by_name, resources));
    }
    // Each source's rules, per physical target, in declaration order.
    let mut groups: Vec<((Source, String), Vec<&Site<'_>>)> = Vec::new();
    for s in sites {
        let id = (s.source, identity(&s.binding.target, &by_name));
        match groups.iter_mut().find(|(k, _)| *k == id) {
            Some((_, list)) => list.push(s),
            None => groups.push((id, vec![s])),
        }
    }
    for ((source, _), list) in &groups {
        source.spec().rules(list, &mut out);
    }
    out
}

/// Refuse a binding that would break a rule; print-worthy warnings are
/// returned.
pub fn check_new_binding(
    ws: &Workspace,
    crate_name: &str,
    source: Source,
    event: Option<(CognitoEvent, TokenVersion)>,
    binding: &Binding,
    new_resource: Option<&Resource>,
) -> CargoResult<Vec<String>> {
    let mut all = sites(ws);
    let index = ws
        .member(crate_name)
        .and_then(|m| m.trigger.as_ref())
        .map_or(0, |t| t.bindings.len());
    let file = ws
        .member(crate_name)
        .map(|m| m.rel_manifest())
        .unwrap_or_else(|| PathBuf::from(format!("{}/{crate_name}/Cargo.toml", ws.meta.dir)));
    let member = ws.member(crate_name);
    all.push(Site {
        crate_name,
        source,
        event: event.map(|e| e.0),
        token_version: event.map(|e| e.1).unwrap_or_default(),
        binding,
        resource: binding
            .target
            .resource_name()
            .and_then(|n| new_resource.filter(|r| r.name == n).or_else(|| ws.resource(n))),
        function_timeout: member.and_then(|m| m.lambda.as_ref()).and_then(|l| l.timeout),
        function_env: member.and_then(|m| m.lambda.as_ref()).map(|l| &l.env),
        file,
        index,
        is_new: true,
    });
    let mut resources: Vec<&Resource> = ws.meta.resources.values().collect();
    if let Some(r) = new_resource {
        resources.push(r);
    }
    let findings = check_sites(&all, &resources);
    let new_key = format!("package.metadata.trigger.bindings[{index}]");
    let mut warnings = Vec::new();
    for d in findings {
        let about_new = d.key.starts_with(&new_key) && all.last().is_some_and(|s| s.file == d.file);
        if !about_new {
            continue;
        }
        match d.severity {
            Severity::Error => return Err(user_error(d.message, d.help.unwrap_or_default())),
            Severity::Warning => warnings.push(d.message),
        }
    }
    Ok(warnings)
}

/// A grant of `t` that lets its function write to what triggers it, with
/// the binding it would trigger: each write may invoke it again, in a loop.
/// From the resource kind's re-triggering access levels (a grant by ARN
/// counts when its actions include theirs, on the bound ARN or inside it).
pub fn retriggering<'t>(ws: &Workspace, t: &'t TriggerMeta, g: &Grant) -> Option<&'t Binding> {
    let spec = t.source.spec();
    let info = spec.resource();
    let levels = spec.retriggering_access();
    // Actions other levels grant too (a queue's `read` and `write` both
    // have `sqs:GetQueueAttributes`) do not write.
    let others: Vec<&str> = info
        .access
        .iter()
        .filter(|(l, _)| !levels.contains(l))
        .flat_map(|(_, actions)| actions.iter().copied())
        .collect();
    let loops: Vec<&str> = levels
        .iter()
        .filter_map(|l| info.grant_actions(l))
        .flatten()
        .filter(|a| !others.contains(a))
        .collect();
    if loops.is_empty() {
        return None;
    }
    t.bindings.iter().find(|b| match (&g.resource, &g.access, &g.arn) {
        (Some(name), Some(access), _) => {
            b.target.resource_name() == Some(name.as_str())
                && info
                    .grant_actions(access)
                    .is_some_and(|a| a.iter().any(|x| loops.contains(x)))
        }
        (None, _, Some(arn)) => {
            let bound = match &b.target {
                Target::Arn(a) => Some(a.as_str()),
                Target::Resource(n) => ws.resource(n).and_then(|r| r.arn.as_ref()).map(|a| a.as_str()),
                Target::Default => None,
            };
            bound.is_some_and(|x| {
                // A table's grant names the table; its binding, the stream.
                let base = x.split("/stream/").next().unwrap_or(x);
                arn.as_str() == base || arn.as_str().starts_with(&format!("{base}/"))
            }) && g.actions.iter().any(|a| loops.contains(&a.as_str()))
        }
        _ => false,
    })
}

/// The warning for such a grant.
pub fn retrigger_warning(crate_name: &str, source: Source, b: &Binding) -> (String, &'static str) {
    let spec = source.spec();
    (
        format!(
            "`{crate_name}` may write to `{}`, which triggers it (its binding {}): each write can invoke it again, in a loop",
            b.target.label(),
            spec.describe(b)
        ),
        spec.retrigger_help(),
    )
}
