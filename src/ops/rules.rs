//! The binding rules AWS enforces (or that bite later), checked over every
//! binding of the workspace. `wire` and `new` refuse a binding that breaks
//! them; `check` reports them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, Severity};
use crate::errors::{CargoResult, user_error};
use crate::schema::{Binding, BindingSpec, CognitoEvent, Resource, Source, Target, TokenVersion};
use crate::workspace::Workspace;

/// One binding of one crate, wherever it comes from.
#[derive(Clone, Debug)]
pub struct Site<'a> {
    pub crate_name: &'a str,
    pub source: Source,
    pub event: Option<CognitoEvent>,
    pub token_version: TokenVersion,
    pub binding: &'a Binding,
    pub file: PathBuf,
    pub index: usize,
    /// The binding being added (not yet in any manifest).
    pub is_new: bool,
}

impl Site<'_> {
    fn key(&self) -> String {
        format!("package.metadata.trigger.bindings[{}]", self.index)
    }
}

/// What two bindings on one bucket/pool/stream are about: the same
/// physical resource, however it is named.
fn identity(target: &Target, resources: &BTreeMap<&str, &Resource>) -> String {
    match target {
        Target::Arn(a) => a.clone(),
        Target::Resource(n) => match resources.get(n.as_str()).and_then(|r| r.arn.clone()) {
            Some(a) => a,
            None => format!("resource:{n}"),
        },
    }
}

fn label(target: &Target) -> String {
    match target {
        Target::Resource(n) => format!("`{n}`"),
        Target::Arn(a) => format!("`{a}`"),
    }
}

/// Do two S3 event types overlap (`s3:ObjectCreated:*` covers
/// `s3:ObjectCreated:Put`)?
pub fn s3_events_overlap(a: &str, b: &str) -> bool {
    let covers = |wild: &str, other: &str| wild.strip_suffix('*').is_some_and(|p| other.starts_with(p));
    a == b || covers(a, b) || covers(b, a)
}

/// Two key filters overlap when some key matches both: each prefix is a
/// prefix of the other (or absent), and likewise each suffix.
pub fn s3_filters_overlap(a: (&Option<String>, &Option<String>), b: (&Option<String>, &Option<String>)) -> bool {
    let prefixes = match (a.0, b.0) {
        (Some(x), Some(y)) => x.starts_with(y.as_str()) || y.starts_with(x.as_str()),
        _ => true,
    };
    let suffixes = match (a.1, b.1) {
        (Some(x), Some(y)) => x.ends_with(y.as_str()) || y.ends_with(x.as_str()),
        _ => true,
    };
    prefixes && suffixes
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
                file: m.rel_manifest(),
                index: i,
                is_new: false,
            });
        }
    }
    out
}

/// Check the rules over `sites`. Findings name the later binding of a
/// conflicting pair (the one to remove or change).
pub fn check_sites(sites: &[Site<'_>], resources: &[&Resource]) -> Vec<Diagnostic> {
    let by_name: BTreeMap<&str, &Resource> = resources.iter().map(|r| (r.name.as_str(), *r)).collect();
    let mut out = Vec::new();

    // References: declared and of the right type.
    for s in sites {
        if let Target::Resource(n) = &s.binding.target {
            match by_name.get(n.as_str()) {
                None => {
                    let known: Vec<&str> = resources
                        .iter()
                        .filter(|r| r.kind == s.source.resource_kind())
                        .map(|r| r.name.as_str())
                        .collect();
                    let help = if known.is_empty() {
                        format!(
                            "declare it: `[workspace.metadata.trigger.resources.{n}]` with `type = \"{}\"`",
                            s.source.resource_kind()
                        )
                    } else {
                        format!("declare it, or use one of {}", crate::schema::quoted(&known))
                    };
                    out.push(
                        Diagnostic::error(
                            "unknown-resource",
                            &s.file,
                            format!("{}.{}", s.key(), s.source.binding_key()),
                            format!("`{}` is bound to `{n}`, which is not a declared resource", s.crate_name),
                        )
                        .with_help(help),
                    );
                }
                Some(r) if r.kind != s.source.resource_kind() => out.push(
                    Diagnostic::error(
                        "resource-type",
                        &s.file,
                        format!("{}.{}", s.key(), s.source.binding_key()),
                        format!(
                            "`{}` is a `{}` trigger but `{n}` is a `{}`",
                            s.crate_name, s.source, r.kind
                        ),
                    )
                    .with_help(format!("bind it to a `{}` resource", s.source.resource_kind())),
                ),
                Some(_) => {}
            }
        }
    }

    // Pairwise rules, per physical target.
    for (j, b) in sites.iter().enumerate() {
        for a in &sites[..j] {
            if a.source != b.source || identity(&a.binding.target, &by_name) != identity(&b.binding.target, &by_name) {
                continue;
            }
            match b.source {
                Source::Cognito => {
                    let (Some(ea), Some(eb)) = (a.event, b.event) else {
                        continue;
                    };
                    if ea.slot() == eb.slot() {
                        out.push(
                            Diagnostic::error(
                                "cognito-slot",
                                &b.file,
                                b.key(),
                                format!(
                                    "user pool {} already runs `{}` for `{}`; a pool has one function per trigger",
                                    label(&b.binding.target),
                                    a.crate_name,
                                    eb.lambda_config_key(b.token_version)
                                ),
                            )
                            .with_help(format!(
                                "add modules to `{}` instead (`cargo trigger new --source cognito --event {eb} --module …`), or bind another pool",
                                a.crate_name
                            )),
                        );
                    }
                }
                Source::S3 => {
                    let (
                        BindingSpec::Bucket {
                            events: ea,
                            prefix: pa,
                            suffix: sa,
                        },
                        BindingSpec::Bucket {
                            events: eb,
                            prefix: pb,
                            suffix: sb,
                        },
                    ) = (&a.binding.spec, &b.binding.spec)
                    else {
                        continue;
                    };
                    let shared: Vec<String> = eb
                        .iter()
                        .filter(|x| ea.iter().any(|y| s3_events_overlap(x, y)))
                        .cloned()
                        .collect();
                    if !shared.is_empty() && s3_filters_overlap((pa, sa), (pb, sb)) {
                        out.push(
                            Diagnostic::error(
                                "s3-overlap",
                                &b.file,
                                b.key(),
                                format!(
                                    "bucket {}: `{}` binding [{}] overlaps `{}` binding [{}] ({} with overlapping prefix and suffix); S3 rejects overlapping notification configurations",
                                    label(&b.binding.target),
                                    b.crate_name,
                                    b.index,
                                    a.crate_name,
                                    a.index,
                                    shared.join(", ")
                                ),
                            )
                            .with_help("give them disjoint `prefix`es or `suffix`es, or different event types"),
                        );
                    }
                }
                Source::Dynamodb | Source::Kinesis => {}
            }
        }
    }

    // More than two readers of one DynamoDB stream.
    let mut readers: BTreeMap<String, Vec<&Site<'_>>> = BTreeMap::new();
    for s in sites.iter().filter(|s| s.source == Source::Dynamodb) {
        readers
            .entry(identity(&s.binding.target, &by_name))
            .or_default()
            .push(s);
    }
    for list in readers.values().filter(|l| l.len() > 2) {
        for s in &list[2..] {
            let names: Vec<&str> = list.iter().map(|x| x.crate_name).collect();
            out.push(
                Diagnostic::warning(
                    "dynamodb-readers",
                    &s.file,
                    s.key(),
                    format!(
                        "DynamoDB stream {} has {} readers ({}); more than two get throttled",
                        label(&s.binding.target),
                        list.len(),
                        names.join(", ")
                    ),
                )
                .with_help("fan out from one reader (e.g. to SNS/EventBridge), or read through Kinesis Data Streams"),
            );
        }
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
    all.push(Site {
        crate_name,
        source,
        event: event.map(|e| e.0),
        token_version: event.map(|e| e.1).unwrap_or_default(),
        binding,
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
            Severity::Error => {
                return Err(user_error(d.message, d.help.unwrap_or_default()));
            }
            Severity::Warning => warnings.push(d.message),
        }
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn s3_event_types() {
        assert!(s3_events_overlap("s3:ObjectCreated:*", "s3:ObjectCreated:Put"));
        assert!(s3_events_overlap("s3:ObjectCreated:Put", "s3:ObjectCreated:*"));
        assert!(!s3_events_overlap("s3:ObjectCreated:Put", "s3:ObjectCreated:Post"));
        assert!(!s3_events_overlap("s3:ObjectCreated:*", "s3:ObjectRemoved:*"));
    }

    #[test]
    fn s3_filters() {
        // disjoint prefixes pass
        assert!(!s3_filters_overlap(
            (&some("images/"), &None),
            (&some("videos/"), &None)
        ));
        // nested prefixes with the same suffix conflict
        assert!(s3_filters_overlap(
            (&some("images/"), &some(".jpg")),
            (&some("images/thumbs/"), &some(".jpg"))
        ));
        // same prefix, different suffixes pass
        assert!(!s3_filters_overlap(
            (&some("images/"), &some(".jpg")),
            (&some("images/"), &some(".png"))
        ));
        // no filter overlaps everything
        assert!(s3_filters_overlap((&None, &None), (&some("a/"), &some(".x"))));
    }
}
