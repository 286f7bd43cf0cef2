//! `cargo trigger check`: every problem in the workspace's trigger setup,
//! each once, with file, key and line.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::ops::rules;
use crate::scaffold::{self, catalog};
use crate::schema::{Source, Target};
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
        }
        if let Some(l) = &m.lambda {
            if t.source == Source::Cognito
                && let Some(timeout) = l.timeout
                && timeout > 5
            {
                d.push(
                    Diagnostic::warning(
                        "cognito-timeout",
                        &file,
                        "package.metadata.lambda.deploy.timeout",
                        format!(
                            "`{}` has a {timeout} s timeout, but Cognito waits 5 s for a trigger",
                            m.name
                        ),
                    )
                    .with_help("set `timeout = 5`"),
                );
            }
            for (k, v) in &l.env {
                let upper = k.to_ascii_uppercase();
                let looks_secret =
                    secret_settings.contains(k.as_str()) || SECRET_WORDS.iter().any(|w| upper.contains(w));
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
        if t.source == Source::Cognito {
            check_modules(&mut d, ws, m, &t.modules, &file);
        }
        for (i, g) in t.permissions.iter().enumerate() {
            let key = format!("package.metadata.trigger.permissions[{i}]");
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
            for (j, a) in g.actions.iter().enumerate() {
                if let Err(why) = crate::ops::grant::check_action(a) {
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

/// The module list against the files in `src/modules/`.
fn check_modules(
    d: &mut Diagnostics,
    ws: &Workspace,
    m: &crate::workspace::Member,
    modules: &[String],
    file: &std::path::Path,
) {
    let dir = m.dir.join("src/modules");
    if modules.is_empty() {
        d.push(
            Diagnostic::error(
                "no-modules",
                file,
                "package.metadata.trigger.modules",
                format!("`{}` runs no module", m.name),
            )
            .with_help("list its modules, e.g. `modules = [\"custom\"]`"),
        );
        return;
    }
    let mut listed = BTreeSet::new();
    for (i, name) in modules.iter().enumerate() {
        let ident = scaffold::snake(name);
        listed.insert(format!("{ident}.rs"));
        let path = dir.join(format!("{ident}.rs"));
        if !path.is_file() {
            d.push(
                Diagnostic::error(
                    "module-file",
                    file,
                    format!("package.metadata.trigger.modules[{i}]"),
                    format!("module `{name}` of `{}` has no file `{}`", m.name, ws.rel(&path)),
                )
                .with_help(format!(
                    "restore it, or remove `{name}` from the list (and its `pub mod` line from src/modules/mod.rs)"
                )),
            );
        }
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut extra: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".rs") && n != "mod.rs" && !listed.contains(n))
            .collect();
        extra.sort();
        for n in extra {
            d.push(
                Diagnostic::warning(
                    "module-unlisted",
                    file,
                    "package.metadata.trigger.modules",
                    format!("`{}` is in src/modules/ of `{}` but not in its module list", n, m.name),
                )
                .with_help("add it to `modules` (and src/modules/mod.rs), or delete the file"),
            );
        }
    }
    // mod.rs declares each listed module.
    if let Ok(text) = std::fs::read_to_string(dir.join("mod.rs")) {
        for name in modules {
            let line = format!("pub mod {};", scaffold::snake(name));
            if !text.contains(&line) {
                d.push(
                    Diagnostic::error(
                        "module-not-run",
                        file,
                        "package.metadata.trigger.modules",
                        format!(
                            "src/modules/mod.rs of `{}` does not declare module `{name}`, so it never runs",
                            m.name
                        ),
                    )
                    .with_help(format!(
                        "add `{line}` and the module to `Pipeline` in src/modules/mod.rs"
                    )),
                );
            }
        }
    }
}
