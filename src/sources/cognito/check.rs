//! `check` for Cognito crates: the timeout Cognito allows, the module list
//! against the files in `src/modules/`, and the rules among the triggers of
//! one pool (its feature plan, its one KMS key for custom senders).

use std::collections::BTreeSet;

use super::event::CognitoEvent;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::errors::{CargoResult, user_error};
use crate::manifest::toml_string_literal;
use crate::model::names::snake;
use crate::model::{Resource, Target};
use crate::scaffold::{Setting, catalog};
use crate::settings;
use crate::sources::Site;
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

/// Why a module setting's value would not do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingProblem {
    /// Required, and not set: the module fails at start.
    Missing,
    /// Its validator refuses it (the reason).
    Invalid(String),
}

/// Does `value` (`None`: not set) do for setting `s`? Present when
/// required, and parseable by its validator; an empty value of an optional
/// setting means none, as in the questions. The one check of `--set`, the
/// values `new` writes and `check`.
pub fn check_setting(s: &Setting, value: Option<&str>) -> Result<(), SettingProblem> {
    match value {
        None if s.required => Err(SettingProblem::Missing),
        None => Ok(()),
        Some("") if !s.required => Ok(()),
        Some(v) => match &s.validate {
            Some(validator) => settings::validate(validator, v).map_err(SettingProblem::Invalid),
            None => Ok(()),
        },
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

/// Pre-token generation v2 and v3 customize access tokens, which a user
/// pool on the Lite feature plan does not offer.
pub fn tier_rule(on_one_pool: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
    for s in on_one_pool {
        let Some(event) = s.event else { continue };
        if !event.needs_essentials(s.token_version) {
            continue;
        }
        let Some(r) = s.resource.filter(|r| r.settings.str("tier") == Some("lite")) else {
            continue;
        };
        out.push(
            Diagnostic::error(
                "cognito-tier",
                &s.file,
                s.key(),
                format!(
                    "`{}` gets pre-token-generation {} events, which need the Essentials or Plus feature plan, but user pool `{}` is declared `tier = \"lite\"`",
                    s.crate_name,
                    s.token_version.as_str(),
                    r.name
                ),
            )
            .with_help(format!(
                "set `tier = \"essentials\"` (or `\"plus\"`) on resource `{}`, or use `token-version = \"v1\"`",
                r.name
            )),
        );
    }
}

/// The KMS key a custom sender decrypts with (`KEY_ARN`), if its config sets one.
fn sender_key<'a>(s: &Site<'a>) -> Option<&'a str> {
    s.function_env
        .and_then(|env| env.get(SENDER_KEY_SETTING))
        .map(|k| k.trim())
        .filter(|k| !k.is_empty())
}

/// The setting the `custom-sender` module reads its key from.
pub const SENDER_KEY_SETTING: &str = "KEY_ARN";

/// Who names the KMS key of a pool first: its `kms-key-arn`, else the first
/// custom sender that sets `KEY_ARN`.
fn first_sender_key<'a>(on_one_pool: &[&Site<'a>]) -> Option<(String, &'a str)> {
    on_one_pool
        .iter()
        .find_map(|s| {
            let r = s.resource?;
            Some((
                format!("user pool `{}` (`kms-key-arn`)", r.name),
                r.settings.str("kms-key-arn")?,
            ))
        })
        .or_else(|| {
            on_one_pool.iter().find_map(|s| {
                let key = sender_key(s).filter(|_| s.event.is_some_and(CognitoEvent::is_custom_sender))?;
                Some((format!("`{}`", s.crate_name), key))
            })
        })
}

/// A user pool has one KMS key for its custom email and SMS senders
/// (`LambdaConfig.KMSKeyID`): every sender of the pool must decrypt with it.
pub fn sender_key_rule(on_one_pool: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
    let Some((who, key)) = first_sender_key(on_one_pool) else {
        return;
    };
    for s in on_one_pool {
        if !s.event.is_some_and(CognitoEvent::is_custom_sender) {
            continue;
        }
        let Some(own) = sender_key(s) else { continue };
        if own == key {
            continue;
        }
        out.push(
            Diagnostic::error(
                "cognito-sender-key",
                &s.file,
                s.key(),
                format!(
                    "`{}` decrypts with KMS key `{own}` (`{SENDER_KEY_SETTING}`), but {who} names `{key}`: the custom email and SMS senders of user pool `{}` share its one KMS key",
                    s.crate_name,
                    s.binding.target.label()
                ),
            )
            .with_help(format!(
                "set `{SENDER_KEY_SETTING} = \"{key}\"` in `[package.metadata.lambda.env]` of `{}` (or remove it: export sets it from the pool)",
                s.crate_name
            )),
        );
    }
}

/// `new` of a custom sender with `KEY_ARN` set: the pool's key must be that
/// key, if the pool (or another of its senders) names one already.
pub fn new_sender_key(ws: &Workspace, target: &Target, resource: Option<&Resource>, key: &str) -> CargoResult<()> {
    let sites = super::super::rules::sites(ws);
    let on_pool: Vec<&Site<'_>> = sites.iter().filter(|s| &s.binding.target == target).collect();
    let named = resource
        .and_then(|r| {
            Some((
                format!("user pool `{}` (`kms-key-arn`)", r.name),
                r.settings.str("kms-key-arn")?,
            ))
        })
        .or_else(|| first_sender_key(&on_pool));
    match named {
        Some((who, existing)) if existing != key.trim() => Err(user_error(
            format!(
                "`{SENDER_KEY_SETTING}={key}` is not the KMS key of user pool `{}`: {who} names `{existing}`, and a pool's custom email and SMS senders share its one key",
                target.label()
            ),
            format!(
                "pass `--set {SENDER_KEY_SETTING}={existing}`, or leave `{SENDER_KEY_SETTING}` out (export sets it from the pool)"
            ),
        )),
        _ => Ok(()),
    }
}
