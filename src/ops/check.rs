//! `cargo trigger check`: every problem in the workspace's trigger setup,
//! each once, with file, key and line.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::model::version;
use crate::model::{check_action, quoted_or};
use crate::scaffold::catalog;
use crate::sources::rules;
use crate::workspace::{Member, TriggerMeta, Workspace};

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

/// Dependencies of a trigger crate that resolve below what its scaffold
/// (and its modules) need: the version Cargo.lock holds, else the floor of
/// the requirement (no resolver is run). The generated code does not build
/// against them.
fn old_dependencies(ws: &Workspace, m: &Member, t: &TriggerMeta, d: &mut Diagnostics) {
    let cat = catalog();
    let mut needs: BTreeSet<&str> = cat
        .for_source(t.source)
        .dependencies
        .keys()
        .map(String::as_str)
        .collect();
    for module in t.modules.iter().filter_map(|n| cat.module(n)) {
        needs.extend(module.dependencies.keys().map(String::as_str));
    }
    for dep in m.dependencies.iter().filter(|dep| needs.contains(dep.name.as_str())) {
        let Some(spec) = cat.dependencies.get(&dep.name) else {
            continue;
        };
        let minimum = spec.minimum();
        let (resolved, whence) = match ws.lock().dependency_of(&m.name, &m.version, &dep.name) {
            Some(v) => (v.clone(), "from Cargo.lock".to_string()),
            // A path or git dependency without a version: not known here.
            None if dep.req.comparators.is_empty() => continue,
            None => (version::floor(&dep.req), format!("the lowest `{}` allows", dep.req)),
        };
        if resolved >= minimum {
            continue;
        }
        d.push(
            Diagnostic::warning(
                "old-dependency",
                &m.rel_manifest(),
                format!("dependencies.{}", dep.name),
                format!(
                    "`{}` builds with `{}` {resolved} ({whence}), older than the {} that its {} scaffold needs",
                    m.name,
                    dep.name,
                    version::short(&minimum),
                    t.source
                ),
            )
            .with_help(format!(
                "require `{} = \"{}\"` (in `[workspace.dependencies]` if the crate inherits it), then run `cargo update -p {}`",
                dep.name,
                version::short(&minimum),
                dep.name
            )),
        );
    }
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
            used.extend(crate::sources::binding::resources_named(t.source, b));
        }
        t.source.spec().check_crate(ws, m, t, &mut d);
        crate::sources::asynchronous::check_crate(&file, &m.name, t, &mut d);
        old_dependencies(ws, m, t, &mut d);
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
