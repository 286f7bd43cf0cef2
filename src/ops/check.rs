//! `cargo trigger check`: every problem in the workspace's trigger setup,
//! each once, with file, key and line.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::{Target, check_action, quoted_or};
use crate::scaffold::catalog;
use crate::sources::rules;
use crate::workspace::Workspace;

/// Environment variable names that look like they hold a secret.
const SECRET_WORDS: &[&str] = &[
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "TOKEN",
    "PRIVATE_KEY",
    "API_KEY",
    "CREDENTIAL",
];

#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub errors: usize,
    pub warnings: usize,
    pub findings: Vec<Diagnostic>,
}

pub fn check(ws: &Workspace) -> CheckReport {
    let mut d = Diagnostics::default();
    d.extend(ws.diagnostics.items().iter().cloned());
    let resources: Vec<_> = ws.meta.resources.values().collect();
    d.extend(rules::check_sites(&rules::sites(ws), &resources));

    let cat = catalog();
    let secret_settings: BTreeSet<&str> = cat
        .modules
        .values()
        .flat_map(|m| m.settings.iter().filter(|s| s.secret).map(|s| s.env.as_str()))
        .collect();
    // Settings the scaffolds declare as not secret (`ACCESS_TOKEN_CLAIMS_…`
    // has `TOKEN` in its name but holds claim names).
    let plain_settings: BTreeSet<&str> = cat
        .modules
        .values()
        .flat_map(|m| m.settings.iter().filter(|s| !s.secret).map(|s| s.env.as_str()))
        .collect();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for (m, t) in ws.trigger_crates() {
        let file = m.rel_manifest();
        if m.bins.is_empty() {
            d.push(
                Diagnostic::error(
                    "no-binary",
                    &file,
                    "package",
                    format!("`{}` has no binary target, so it is not a Lambda function", m.name),
                )
                .with_help("a trigger crate needs `src/main.rs` that calls `lambda_runtime::run`"),
            );
        }
        if t.bindings.is_empty() {
            d.push(
                Diagnostic::warning(
                    "unbound",
                    &file,
                    "package.metadata.trigger",
                    format!("`{}` has no binding: nothing will invoke it once deployed", m.name),
                )
                .with_help(format!("bind it with `cargo trigger wire {} …`", m.name)),
            );
        }
        for b in &t.bindings {
            if let Target::Resource(n) = &b.target {
                used.insert(n.as_str());
            }
            // A binding key that names a resource (`on-failure`) uses it too.
            used.extend(crate::sources::binding::named_by_keys(t.source, b));
        }
        t.source.spec().check_crate(ws, m, t, &mut d);
        if let Some(l) = &m.lambda {
            for (k, v) in &l.env {
                let upper = k.to_ascii_uppercase();
                let looks_secret = secret_settings.contains(k.as_str())
                    || (!plain_settings.contains(k.as_str()) && SECRET_WORDS.iter().any(|w| upper.contains(w)));
                if looks_secret && !v.is_empty() {
                    d.push(
                        Diagnostic::warning(
                            "secret-in-manifest",
                            &file,
                            format!("package.metadata.lambda.env.{k}"),
                            format!("`{k}` looks like a secret, and Cargo.toml is not the place for it"),
                        )
                        .with_help(
                            "remove it; pass it at deploy time (the exported template has a NoEcho parameter for module secrets) and with `--env` for local runs",
                        ),
                    );
                }
            }
        }
        for (i, g) in t.permissions.iter().enumerate() {
            let key = format!("package.metadata.trigger.permissions[{i}]");
            if let Some(b) = rules::retriggering(ws, t, g) {
                let (message, help) = rules::retrigger_warning(&m.name, t.source, b);
                d.push(Diagnostic::warning("recursive-trigger", &file, key.clone(), message).with_help(help));
            }
            if let Some(r) = &g.resource
                && ws.resource(r).is_none()
            {
                d.push(
                    Diagnostic::error(
                        "grant-unknown-resource",
                        &file,
                        format!("{key}.resource"),
                        format!(
                            "`{}` is granted access to `{r}`, which is not a declared resource",
                            m.name
                        ),
                    )
                    .with_help("declare it, or revoke the grant"),
                );
            }
            if let (Some(r), Some(a)) = (g.resource.as_ref().and_then(|r| ws.resource(r)), &g.access) {
                let levels = r.kind.spec().access_names();
                if !levels.contains(&a.as_str()) {
                    d.push(
                        Diagnostic::error(
                            "grant-access",
                            &file,
                            format!("{key}.access"),
                            format!(
                                "`{}` is granted `{a}` access to `{}`, a `{}`, which has no such access",
                                m.name, r.name, r.kind
                            ),
                        )
                        .with_help(format!("use {}", quoted_or(&levels))),
                    );
                }
            }
            for (j, a) in g.actions.iter().enumerate() {
                if let Err(why) = check_action(a) {
                    d.push(
                        Diagnostic::error("grant-action", &file, format!("{key}.actions[{j}]"), why)
                            .with_help("write actions as `service:Action`, e.g. `sqs:SendMessage`"),
                    );
                } else if a.ends_with(":*") || a.contains('*') {
                    d.push(
                        Diagnostic::warning(
                            "grant-wildcard",
                            &file,
                            format!("{key}.actions[{j}]"),
                            format!("`{a}` grants more actions than a function needs"),
                        )
                        .with_help("name the actions it calls"),
                    );
                }
            }
        }
    }
    for r in ws.meta.resources.values() {
        if !used.contains(r.name.as_str()) {
            d.push(
                Diagnostic::warning(
                    "unused-resource",
                    std::path::Path::new("Cargo.toml"),
                    format!("workspace.metadata.trigger.resources.{}", r.name),
                    format!("no trigger is bound to resource `{}`", r.name),
                )
                .with_help("bind a trigger to it, or remove the declaration (`cargo trigger unwire --prune` does)"),
            );
        }
    }
    d.resolve_lines(&ws.root);
    let findings = d.into_items();
    CheckReport {
        errors: findings.iter().filter(|f| f.severity == Severity::Error).count(),
        warnings: findings.iter().filter(|f| f.severity == Severity::Warning).count(),
        findings,
    }
}
