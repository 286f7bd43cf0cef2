//! `check` for Cognito crates: the timeout Cognito allows, and the module
//! list against the files in `src/modules/`.

use std::collections::BTreeSet;

use super::modules::{SettingProblem, check_setting};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::manifest::toml_string_literal;
use crate::model::names::snake;
use crate::scaffold::catalog;
use crate::workspace::{Member, TriggerMeta, Workspace};

/// Cognito waits 5 s for a trigger.
pub fn check_crate(d: &mut Diagnostics, ws: &Workspace, m: &Member, t: &TriggerMeta) {
    let file = m.rel_manifest();
    if let Some(timeout) = m.lambda.as_ref().and_then(|l| l.timeout)
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
    check_modules(d, ws, m, &t.modules, &file);
    check_settings(d, m, &t.modules, &file);
    check_required_attributes(d, ws, m, t);
}

/// A module that judges an attribute (the email) on a managed pool whose
/// own `required-attributes` leave it out: sign-ups without one get through.
fn check_required_attributes(d: &mut Diagnostics, ws: &Workspace, m: &Member, t: &TriggerMeta) {
    let key = super::sign_up::REQUIRED_ATTRIBUTES.key;
    let cat = catalog();
    for b in &t.bindings {
        let Some(r) = b.target.resource_name().and_then(|n| ws.resource(n)) else {
            continue;
        };
        if r.arn.is_some() || r.settings.get(key).is_none() {
            continue;
        }
        let required = r.settings.list(key);
        for module in t.modules.iter().filter_map(|n| cat.module(n)) {
            for a in module.requires_attributes.iter().filter(|a| !required.contains(a)) {
                d.push(
                    Diagnostic::warning(
                        "pool-attribute",
                        std::path::Path::new(&ws.rel(&ws.root_manifest)),
                        format!("workspace.metadata.trigger.resources.{}.{key}", r.name),
                        format!(
                            "module `{}` of `{}` judges `{a}`, but user pool `{}` does not require it at sign-up, so sign-ups without one get through",
                            module.name, m.name, r.name
                        ),
                    )
                    .with_help(format!("add `\"{a}\"` to `{key}` (before the pool is created: Cognito cannot change it later)")),
                );
            }
        }
    }
}

/// Each module's settings in the function's environment, checked as
/// `--set` checks them: a required one that is missing, or a value its
/// validator refuses, would make the function fail at start (every
/// sign-up failing, once deployed). Secrets are never in Cargo.toml.
pub fn check_settings(d: &mut Diagnostics, m: &Member, modules: &[String], file: &std::path::Path) {
    // Without cargo-lambda's settings there is a finding about those already.
    let Some(lambda) = &m.lambda else { return };
    let cat = catalog();
    for name in modules {
        let Some(module) = cat.module(name) else { continue };
        for s in module.settings.iter().filter(|s| !s.secret) {
            let value = lambda.env.get(&s.env).map(String::as_str);
            match check_setting(s, value) {
                Ok(()) => {}
                Err(SettingProblem::Missing) => d.push(
                    Diagnostic::error(
                        "module-setting",
                        file,
                        "package.metadata.lambda.env",
                        format!(
                            "module `{name}` of `{}` needs `{}`, which its environment does not set: the function would fail at start",
                            m.name, s.env
                        ),
                    )
                    .with_help(match &s.example {
                        Some(e) => format!(
                            "set it in `[package.metadata.lambda.env]`, e.g. `{} = {}`",
                            s.env,
                            toml_string_literal(e)
                        ),
                        None => format!(
                            "set it in `[package.metadata.lambda.env]` ({})",
                            s.help.as_deref().unwrap_or(&s.prompt)
                        ),
                    }),
                ),
                Err(SettingProblem::Invalid(why)) => d.push(
                    Diagnostic::error(
                        "module-setting",
                        file,
                        format!("package.metadata.lambda.env.{}", s.env),
                        format!(
                            "`{}` of `{}` is not a valid value for module `{name}`: {why}",
                            s.env, m.name
                        ),
                    )
                    .with_help(s.help.clone().unwrap_or_else(|| s.prompt.clone())),
                ),
            }
        }
    }
}

/// The module list against the files in `src/modules/`.
pub fn check_modules(d: &mut Diagnostics, ws: &Workspace, m: &Member, modules: &[String], file: &std::path::Path) {
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
        let ident = snake(name);
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
            let line = format!("pub mod {};", snake(name));
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
