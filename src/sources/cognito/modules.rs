//! `new --source cognito`: one crate per event per pool, whose modules run
//! in the declared order. `new` creates the crate for an event, or adds
//! modules to the crate that already handles that event for that pool,
//! never overwriting a file the user changed.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::check::{SettingProblem, check_setting};
use super::event::{CognitoEvent, CognitoOptions, TokenVersion};
use super::sample::{CognitoUser, ProviderType, SAMPLE_PROVIDERS, cognito as cognito_event};
use crate::errors::{CargoResult, user_error};
use crate::events::{DEFAULT_REGION, Origin};
use crate::manifest::{LAMBDA_ENV, Manifest, TRIGGER};
use crate::model::names::{pascal, snake};
use crate::model::suggest::{closest, did_you_mean};
use crate::model::{Binding, FieldValue, Resource, Source, Target, quoted};
use crate::plan::Plan;
use crate::scaffold::{ModuleScaffold, Setting, catalog};
use crate::sources::binding::{self, Resolved};
use crate::sources::draft::{self, CrateDraft, NewOptions, Planned, Status};
use crate::sources::{SourceSpec as _, rules};
use crate::workspace::{Member, Workspace};

/// Which modules run for which event, in order, from capabilities and
/// `--module`s.
pub fn modules_per_event(opts: &CognitoOptions) -> CargoResult<IndexMap<CognitoEvent, Vec<String>>> {
    let cat = catalog();
    let capability_names = || cat.capabilities.keys().map(String::as_str).collect::<Vec<_>>();
    let mut out: IndexMap<CognitoEvent, Vec<String>> = IndexMap::new();
    for c in &opts.capabilities {
        let cap = cat.capabilities.get(c).ok_or_else(|| {
            user_error(
                format!("unknown capability `{c}`"),
                format!(
                    "{}`--capability` is one of {}",
                    did_you_mean(c, capability_names()),
                    quoted(&capability_names())
                ),
            )
        })?;
        for (event, module) in &cap.modules {
            let ev = CognitoEvent::parse(event).expect("catalog events are checked at load");
            let list = out.entry(ev).or_default();
            if !list.contains(module) {
                list.push(module.clone());
            }
        }
    }
    for e in &opts.events {
        out.entry(*e).or_default();
    }
    if out.is_empty() {
        return Err(user_error(
            "a Cognito trigger needs an event or a capability",
            format!(
                "pass `--event` (one of {}) or `--capability` (one of {})",
                CognitoEvent::names(),
                quoted(&capability_names())
            ),
        ));
    }
    for m in &opts.modules {
        add_module(&mut out, m)?;
    }
    if opts.token_version.is_some() && !out.contains_key(&CognitoEvent::PreTokenGeneration) {
        return Err(user_error(
            "`--token-version` only applies to `pre-token-generation`",
            "remove it, or add `--event pre-token-generation`",
        ));
    }
    Ok(out)
}

/// Add `--module m` to every chosen event it serves.
fn add_module(out: &mut IndexMap<CognitoEvent, Vec<String>>, m: &str) -> CargoResult<()> {
    let cat = catalog();
    let module = cat.module(m).ok_or_else(|| {
        // The modules that run on the chosen events; the closest of those,
        // else of every module.
        let fitting: Vec<&str> = cat
            .modules
            .values()
            .filter(|md| out.keys().any(|e| md.serves(*e)))
            .map(|md| md.name.as_str())
            .collect();
        let all: Vec<&str> = cat.modules.keys().map(String::as_str).collect();
        let guess = closest(m, fitting.iter().copied()).or_else(|| closest(m, all.iter().copied()));
        let events: Vec<&str> = out.keys().map(|e| e.as_str()).collect();
        user_error(
            format!("unknown module `{m}`"),
            format!(
                "{}the modules for {} are {}",
                guess.map(|g| format!("did you mean `{g}`? ")).unwrap_or_default(),
                quoted(&events),
                quoted(&fitting)
            ),
        )
    })?;
    let targets: Vec<CognitoEvent> = out.keys().copied().filter(|e| module.serves(*e)).collect();
    if targets.is_empty() {
        let events: Vec<&str> = module.events.iter().map(|e| e.as_str()).collect();
        return Err(user_error(
            format!(
                "module `{m}` does not run on {}",
                out.keys().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
            ),
            format!("`{m}` is for {}", quoted(&events)),
        ));
    }
    for e in targets {
        let list = out.get_mut(&e).expect("key from out");
        if !list.iter().any(|x| x == m) {
            list.push(m.to_string());
        }
    }
    Ok(())
}

/// One sample event of a crate: a trigger source (inbound federation: the
/// answer of one kind of identity provider).
struct CrateSample {
    trigger_source: &'static str,
    provider: Option<ProviderType>,
}

impl CrateSample {
    /// `TokenGeneration_HostedAuth`, `InboundFederation_ExternalProvider-SAML`
    fn label(&self) -> String {
        match self.provider {
            Some(p) => format!("{}-{}", self.trigger_source, p.sample_label()),
            None => self.trigger_source.to_string(),
        }
    }

    fn file_name(&self) -> String {
        format!("{}.json", self.label())
    }
}

/// The samples of a crate for `event`: one per trigger source, and for
/// inbound federation one per kind of provider (OIDC, SAML, social).
fn crate_samples(event: CognitoEvent, version: TokenVersion) -> Vec<CrateSample> {
    let sources = event.trigger_sources_for(version);
    if event == CognitoEvent::InboundFederation {
        return SAMPLE_PROVIDERS
            .iter()
            .map(|p| CrateSample {
                trigger_source: sources[0],
                provider: Some(*p),
            })
            .collect();
    }
    sources
        .iter()
        .map(|s| CrateSample {
            trigger_source: s,
            provider: None,
        })
        .collect()
}

/// Sample events of a crate for `event`: one file per sample.
fn sample_files(event: CognitoEvent, version: TokenVersion, pool_id: &str) -> CargoResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for sample in crate_samples(event, version) {
        let user = CognitoUser {
            user_pool_id: pool_id.to_string(),
            provider_type: sample.provider.unwrap_or(ProviderType::Oidc),
            ..CognitoUser::default()
        };
        let ev = cognito_event(event, sample.trigger_source, version, &user, &Origin::default())?;
        let mut text = serde_json::to_string_pretty(&ev)?;
        text.push('\n');
        out.push((format!("events/{}", sample.file_name()), text));
    }
    Ok(out)
}

/// A pool id for samples: from the ARN where there is one.
fn sample_pool_id(target: &Target, resource: Option<&Resource>) -> String {
    let arn = match target {
        Target::Arn(a) => Some(a),
        _ => resource.and_then(|r| r.arn.as_ref()),
    };
    arn.map(|a| a.resource_name().to_string())
        .unwrap_or_else(|| format!("{DEFAULT_REGION}_EXAMPLE1"))
}

/// A module in templates.
#[derive(Clone, Debug, Serialize)]
struct ModuleContext {
    name: String,
    ident: String,
    pascal: String,
}

impl ModuleContext {
    fn of(m: &ModuleScaffold) -> Self {
        ModuleContext {
            name: m.name.clone(),
            ident: m.ident(),
            pascal: pascal(&m.name),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
struct SampleRef {
    /// What the sample is (its file stem).
    trigger_source: String,
    include: String,
}

/// Template data for a Cognito crate (and, with `module`, one of its modules).
#[derive(Clone, Debug, Serialize)]
struct CrateContext {
    crate_name: String,
    crate_ident: String,
    summary: String,
    source: &'static str,
    event: &'static str,
    token_version: &'static str,
    event_type: &'static str,
    lambda_config_key: &'static str,
    is_custom_sender: bool,
    is_inbound_federation: bool,
    is_token_v3: bool,
    /// The event type is the crate's own (`src/event.rs`).
    has_own_types: bool,
    federated_caveat: bool,
    /// Only federated sign-in invokes the trigger.
    federated_only: bool,
    target_label: String,
    modules: Vec<ModuleContext>,
    first_sample: String,
    samples_list: Vec<SampleRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    module: Option<ModuleContext>,
}

impl CrateContext {
    fn new(
        crate_name: &str,
        event: CognitoEvent,
        version: TokenVersion,
        modules: &[&ModuleScaffold],
        target_label: &str,
    ) -> Self {
        CrateContext {
            crate_name: crate_name.to_string(),
            crate_ident: snake(crate_name),
            summary: catalog().for_source(Source::Cognito).summary.clone(),
            source: "cognito",
            event: event.as_str(),
            token_version: version.as_str(),
            event_type: event.event_type(version),
            lambda_config_key: event.lambda_config_key(version),
            is_custom_sender: event.is_custom_sender(),
            is_inbound_federation: event == CognitoEvent::InboundFederation,
            is_token_v3: event == CognitoEvent::PreTokenGeneration && version == TokenVersion::V3,
            has_own_types: event.has_own_types(version),
            federated_caveat: event.skipped_by_federation(),
            federated_only: event.only_for_federation(),
            target_label: target_label.to_string(),
            modules: modules.iter().map(|m| ModuleContext::of(m)).collect(),
            first_sample: crate_samples(event, version)[0].file_name(),
            samples_list: crate_samples(event, version)
                .iter()
                .map(|s| SampleRef {
                    trigger_source: s.label(),
                    include: format!("../events/{}", s.file_name()),
                })
                .collect(),
            module: None,
        }
    }

    fn value(&self) -> CargoResult<Value> {
        Ok(serde_json::to_value(self)?)
    }

    /// Render one module file.
    fn render_module(&self, m: &ModuleScaffold) -> CargoResult<String> {
        let with = CrateContext {
            module: Some(ModuleContext::of(m)),
            ..self.clone()
        };
        catalog().render(&m.template, &with.value()?)
    }

    fn render_mod_rs(&self) -> CargoResult<String> {
        catalog().render("cognito/regenerated/mod.rs", &self.value()?)
    }
}

/// Environment settings to write, and notes to print.
type ModuleSettings = (Vec<(String, String)>, Vec<String>);

/// `--set ENV=…` of a secret: refused, with where it goes instead.
fn secret_given(s: &Setting) -> anyhow::Error {
    user_error(
        format!("`{}` is a secret: cargo-trigger never writes it into Cargo.toml", s.env),
        format!(
            "pass it at deploy time (`sam deploy --parameter-overrides {}=…`), and for local runs `cargo trigger invoke --env {}=…`",
            pascal(&s.env.to_lowercase()),
            s.env
        ),
    )
}

/// `--set ENV=value` refused by the setting's validator.
fn invalid_value(m: &ModuleScaffold, s: &Setting, value: &str, why: &str) -> anyhow::Error {
    user_error(
        format!("`{}={value}` is not a valid value for `{}`: {why}", s.env, m.name),
        s.help.clone().unwrap_or_else(|| s.prompt.clone()),
    )
}

/// Settings of `modules`: `--set` values checked and placed; secrets kept
/// out of Cargo.toml; required settings without a value are an error that
/// names the flag.
fn settings_for(
    modules: &[&ModuleScaffold],
    given: &[(String, String)],
    existing_env: &BTreeMap<String, String>,
) -> CargoResult<ModuleSettings> {
    let mut env = Vec::new();
    let mut notes = Vec::new();
    for m in modules {
        for s in &m.settings {
            let value = given.iter().rev().find(|(k, _)| *k == s.env).map(|(_, v)| v.clone());
            if s.secret {
                if value.is_some() {
                    return Err(secret_given(s));
                }
                notes.push(format!(
                    "`{}` ({}) is a secret: the exported template asks for it as a parameter",
                    s.env, m.name
                ));
                continue;
            }
            let value = match value {
                Some(v) => Some(v),
                None if existing_env.contains_key(&s.env) => None,
                None => s.default.clone(),
            };
            match value {
                Some(v) => {
                    if let Err(SettingProblem::Invalid(why)) = check_setting(s, Some(&v)) {
                        return Err(invalid_value(m, s, &v, &why));
                    }
                    env.push((s.env.clone(), v));
                }
                None if s.required && !existing_env.contains_key(&s.env) => {
                    return Err(user_error(
                        format!("module `{}` needs `{}`: {}", m.name, s.env, s.prompt),
                        format!("pass `--set {}=…` ({})", s.env, s.help.clone().unwrap_or_default()),
                    ));
                }
                None => {}
            }
        }
    }
    Ok((env, notes))
}

/// A setting a re-run of `new` changes: (name, value before, new value).
type Changed = (String, Option<String>, String);

/// The `--set` values for settings of the crate's current `modules` that
/// differ from what its environment has, checked as `--set` is.
fn changed_settings(
    modules: &[&ModuleScaffold],
    given: &[(String, String)],
    existing_env: &BTreeMap<String, String>,
) -> CargoResult<Vec<Changed>> {
    let mut out: Vec<Changed> = Vec::new();
    for m in modules {
        for s in &m.settings {
            let Some(v) = given.iter().rev().find(|(k, _)| *k == s.env).map(|(_, v)| v) else {
                continue;
            };
            if s.secret {
                return Err(secret_given(s));
            }
            if let Err(SettingProblem::Invalid(why)) = check_setting(s, Some(v)) {
                return Err(invalid_value(m, s, v, &why));
            }
            let before = existing_env.get(&s.env);
            if before != Some(v) && !out.iter().any(|(k, _, _)| *k == s.env) {
                out.push((s.env.clone(), before.cloned(), v.clone()));
            }
        }
    }
    Ok(out)
}

/// Write changed settings into the crate's manifest, with a status each.
fn apply_changed(
    cx: &mut NewCx<'_>,
    manifest: &mut Manifest,
    crate_name: &str,
    changed: &[Changed],
) -> CargoResult<()> {
    for (k, before, v) in changed {
        manifest.set(&LAMBDA_ENV, k, &FieldValue::Str(v.clone()))?;
        cx.statuses.push(Status::new(
            "Setting",
            match before {
                Some(b) => format!("`{k}` of `{crate_name}` to `{v}` (was `{b}`)"),
                None => format!("`{k}` of `{crate_name}` to `{v}`"),
            },
        ));
    }
    Ok(())
}

/// Refuse `--set` of a secret, whichever module reads it and whether or not
/// its crate runs it already: a secret never goes into Cargo.toml.
fn refuse_secrets(modules: &[&ModuleScaffold], given: &[(String, String)]) -> CargoResult<()> {
    for (k, _) in given {
        if modules
            .iter()
            .any(|m| m.settings.iter().any(|s| s.secret && &s.env == k))
        {
            return Err(user_error(
                format!("`{k}` is a secret: cargo-trigger never writes it into Cargo.toml"),
                format!(
                    "pass it at deploy time (`sam deploy --parameter-overrides {}=…`), and for local runs `cargo trigger invoke --env {k}=…`",
                    pascal(&k.to_lowercase()),
                ),
            ));
        }
    }
    Ok(())
}

/// Refuse a `--set` that no chosen module reads.
fn check_set_keys(modules: &[&ModuleScaffold], given: &[(String, String)]) -> CargoResult<()> {
    for (k, _) in given {
        if !modules.iter().any(|m| m.settings.iter().any(|s| &s.env == k)) {
            let names: Vec<&str> = modules
                .iter()
                .flat_map(|m| m.settings.iter().map(|s| s.env.as_str()))
                .collect();
            return Err(user_error(
                format!("`--set {k}` is not a setting of the chosen modules"),
                if names.is_empty() {
                    "these modules have no settings".to_string()
                } else {
                    format!("their settings are {}", quoted(&names))
                },
            ));
        }
    }
    Ok(())
}

/// The name of a new crate for `event` on the pool `target`: `<pool>-<event>`.
fn crate_name(target: &Target, event: CognitoEvent) -> String {
    format!("{}-{event}", draft::target_slug(target))
}

/// What `new` would do for one event: the crate (new, or the one that
/// handles the event already) and the modules it adds.
#[derive(Clone, Debug)]
pub struct PlannedCrate {
    pub event: CognitoEvent,
    pub name: String,
    pub is_new: bool,
    pub added: Vec<String>,
}

/// What `new --source cognito` would do, event by event (for questions
/// asked before the plan: the crate's name, the modules to edit).
pub fn planned(ws: &Workspace, opts: &NewOptions) -> CargoResult<Vec<PlannedCrate>> {
    let per_event = modules_per_event(&opts.cognito)?;
    let Resolved { binding, .. } = binding::resolve(&opts.binding, Source::Cognito, &ws.meta, true)?;
    Ok(per_event
        .iter()
        .map(|(event, list)| match existing_crate(ws, *event, &binding.target) {
            Some(m) => {
                let current = m.trigger.as_ref().map(|t| t.modules.clone()).unwrap_or_default();
                PlannedCrate {
                    event: *event,
                    name: m.name.clone(),
                    is_new: false,
                    added: list.iter().filter(|x| !current.contains(x)).cloned().collect(),
                }
            }
            None => PlannedCrate {
                event: *event,
                name: opts.name.clone().unwrap_or_else(|| crate_name(&binding.target, *event)),
                is_new: true,
                added: if list.is_empty() {
                    vec![event.default_module().to_string()]
                } else {
                    list.clone()
                },
            },
        })
        .collect())
}

/// The crate that already handles `event` for the pool `target`.
fn existing_crate<'a>(ws: &'a Workspace, event: CognitoEvent, target: &Target) -> Option<&'a Member> {
    ws.trigger_crates()
        .find(|(_, t)| {
            t.source == Source::Cognito
                && t.event.is_some_and(|e| e.slot() == event.slot())
                && t.bindings.iter().any(|b| &b.target == target)
        })
        .map(|(m, _)| m)
}

/// The change `new --source cognito` is building.
struct NewCx<'a> {
    ws: &'a Workspace,
    opts: &'a NewOptions,
    binding: Binding,
    new_resource: Option<Resource>,
    root: Manifest,
    plan: Plan,
    statuses: Vec<Status>,
    warnings: Vec<String>,
    notes: Vec<String>,
    /// The modules this run adds, with their crate.
    added: Vec<(String, &'static ModuleScaffold)>,
}

impl NewCx<'_> {
    /// The pool's declared resource (or the one being declared).
    fn resource(&self) -> Option<&Resource> {
        self.new_resource
            .as_ref()
            .or_else(|| self.binding.target.resource_name().and_then(|n| self.ws.resource(n)))
    }
}

/// Plan `new --source cognito`.
pub fn plan_new(ws: &Workspace, opts: &NewOptions) -> CargoResult<Planned> {
    let per_event = modules_per_event(&opts.cognito)?;
    if opts.name.is_some() && per_event.len() > 1 {
        return Err(user_error(
            "a crate name applies to one event, and these modules span several",
            "leave the name out: each event's crate is named `<pool>-<event>`",
        ));
    }
    let Resolved { binding, new_resource } = binding::resolve(&opts.binding, Source::Cognito, &ws.meta, true)?;
    let (root, root_is_new) = draft::root_manifest(ws)?;
    let cat = catalog();
    // Every `--set` must belong to some chosen module, or to a module the
    // event's crate runs already (a re-run changes its value).
    let all_modules: Vec<&ModuleScaffold> = per_event
        .iter()
        .flat_map(|(e, list)| {
            let mut names = match existing_crate(ws, *e, &binding.target).and_then(|m| m.trigger.as_ref()) {
                Some(t) => t.modules.clone(),
                None if list.is_empty() => vec![e.default_module().to_string()],
                None => Vec::new(),
            };
            names.extend(list.iter().cloned());
            names.into_iter().filter_map(|m| cat.module(&m))
        })
        .collect();
    check_set_keys(&all_modules, &opts.settings)?;
    refuse_secrets(&all_modules, &opts.settings)?;

    let mut cx = NewCx {
        ws,
        opts,
        binding,
        new_resource,
        root,
        plan: Plan::new(),
        statuses: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
        added: Vec::new(),
    };
    for (event, requested) in &per_event {
        if let Some(caveat) = super::federation_caveat(*event) {
            cx.warnings.push(caveat);
        }
        match existing_crate(ws, *event, &cx.binding.target) {
            Some(member) => {
                not_used(&mut cx, member, *event);
                extend_crate(&mut cx, member, *event, requested)?
            }
            None => new_crate(&mut cx, *event, requested)?,
        }
    }
    added_module_notes(&mut cx);
    if let Some(r) = &cx.new_resource {
        draft::declare_resource(&mut cx.root, r)?;
        cx.statuses.insert(
            0,
            Status::new("Declaring", format!("resource `{}` ({})", r.name, r.kind)),
        );
    }
    draft::finish_root(ws, cx.root, root_is_new, &mut cx.plan)?;
    Ok(Planned {
        root: ws.root.clone(),
        plan: cx.plan,
        statuses: cx.statuses,
        warnings: cx.warnings,
        notes: cx.notes,
    })
}

/// What the added modules bring: the AWS SDK's long first build, and the
/// attributes they judge, which the pool must require at sign-up.
fn added_module_notes(cx: &mut NewCx<'_>) {
    for (krate, m) in &cx.added {
        if m.sdk {
            cx.notes.push(format!(
                "`{}` uses the AWS SDK for Rust: the first build of `{krate}` takes a few minutes (later builds are quick)",
                m.name
            ));
        }
    }
    let pool = cx.binding.target.label().to_string();
    let resource = cx.resource().cloned();
    let explicit = resource
        .as_ref()
        .and_then(|r| r.settings.get(super::sign_up::REQUIRED_ATTRIBUTES.key).map(|_| r));
    let mut judged: Vec<(&str, Vec<&str>)> = Vec::new();
    for (_, m) in &cx.added {
        for a in &m.requires_attributes {
            match judged.iter_mut().find(|(x, _)| x == a) {
                Some((_, by)) if !by.contains(&m.name.as_str()) => by.push(&m.name),
                Some(_) => {}
                None => judged.push((a, vec![&m.name])),
            }
        }
    }
    for (attr, by) in judged {
        let by = quoted(&by);
        // A pool by ARN (or a declared one with an ARN) is not the template's.
        let existing = resource.as_ref().is_none_or(|r| r.arn.is_some());
        match explicit {
            _ if existing => cx.notes.push(format!(
                "{by} judges `{attr}`: user pool `{pool}` exists outside the template, so make sure it requires `{attr}` at sign-up, or sign-ups without one get through"
            )),
            Some(r) if !r.settings.list(super::sign_up::REQUIRED_ATTRIBUTES.key).iter().any(|x| x == attr) => {
                cx.warnings.push(format!(
                    "{by} judges `{attr}`, but user pool `{pool}` does not require it at sign-up (its `required-attributes`), so sign-ups without one get through"
                ))
            }
            Some(_) => {}
            None => cx.notes.push(format!(
                "{by} judges `{attr}`: the exported user pool `{pool}` requires `{attr}` at sign-up (set `required-attributes` on the resource to choose otherwise; Cognito cannot change it once the pool exists)"
            )),
        }
    }
}

/// Say that the crate name and `--path` given were not used: the event's
/// crate exists, and modules go into it.
fn not_used(cx: &mut NewCx<'_>, member: &Member, event: CognitoEvent) {
    let mut unused = Vec::new();
    if let Some(n) = cx.opts.name.as_ref().filter(|n| **n != member.name) {
        unused.push(format!("the name `{n}`"));
    }
    if let Some(p) = cx
        .opts
        .path
        .as_ref()
        .filter(|p| draft::inside(&cx.ws.root, p).ok().as_ref() != Some(&member.dir))
    {
        unused.push(format!("`--path {}`", p.display()));
    }
    if !unused.is_empty() {
        cx.warnings.push(format!(
            "{} {} not used: `{}` already handles `{event}` for user pool `{}` (at {}), so modules go into it",
            unused.join(" and "),
            if unused.len() == 1 { "was" } else { "were" },
            member.name,
            cx.binding.target.label(),
            member.rel_dir
        ));
    }
}

/// A new crate for `event` on the pool.
fn new_crate(cx: &mut NewCx<'_>, event: CognitoEvent, requested: &[String]) -> CargoResult<()> {
    let cat = catalog();
    let version = if event == CognitoEvent::PreTokenGeneration {
        cx.opts.cognito.token_version.unwrap_or_default()
    } else {
        TokenVersion::V1
    };
    let names: Vec<String> = if requested.is_empty() {
        vec![event.default_module().to_string()]
    } else {
        requested.to_vec()
    };
    let modules: Vec<&ModuleScaffold> = names.iter().filter_map(|m| cat.module(m)).collect();
    let name = match &cx.opts.name {
        Some(n) => n.clone(),
        None => crate_name(&cx.binding.target, event),
    };
    let (dir, rel_dir) = draft::place_crate(cx.ws, &name, cx.opts.path.as_deref())?;
    let mut w = rules::check_new_binding(
        cx.ws,
        &name,
        Source::Cognito,
        Some((event, version)),
        &cx.binding,
        cx.new_resource.as_ref(),
    )?;
    cx.warnings.append(&mut w);
    let (env, mut setting_notes) = settings_for(&modules, &cx.opts.settings, &BTreeMap::new())?;
    cx.notes.append(&mut setting_notes);
    if event.is_custom_sender()
        && let Some((_, key)) = env
            .iter()
            .find(|(k, v)| k == super::check::SENDER_KEY_SETTING && !v.trim().is_empty())
    {
        super::check::new_sender_key(cx.ws, &cx.binding.target, cx.resource(), key)?;
    }
    if event.needs_essentials(version)
        && cx
            .resource()
            .is_some_and(|r| r.arn.is_none() && r.settings.str("tier").is_none())
    {
        cx.notes.push(format!(
            "pre-token-generation {} needs the Essentials or Plus feature plan: the exported template puts user pool `{}` on Essentials (set `tier` on the resource to choose)",
            version.as_str(),
            cx.binding.target.label()
        ));
    }
    let ctx = CrateContext::new(&name, event, version, &modules, cx.binding.target.label());
    let mut extra_files = sample_files(event, version, &sample_pool_id(&cx.binding.target, cx.resource()))?;
    for m in &modules {
        extra_files.push((format!("src/modules/{}.rs", m.ident()), ctx.render_module(m)?));
    }
    extra_files.push(("src/modules/mod.rs".into(), ctx.render_mod_rs()?));
    let mut extra_deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &modules {
        for (d, f) in &m.dependencies {
            extra_deps.entry(d.clone()).or_default().extend(f.iter().cloned());
        }
    }
    let mut trigger_fields = super::Cognito.adoption_fields(Some(event), version);
    trigger_fields.push(("modules", FieldValue::List(names.clone())));
    let d = CrateDraft {
        name: name.clone(),
        dir,
        scaffold: cat.for_source(Source::Cognito),
        source: Source::Cognito,
        trigger_fields,
        bindings: vec![cx.binding.clone()],
        extra_deps,
        env,
        deploy: vec![("timeout", FieldValue::Int(5))],
        context: ctx.value()?,
        extra_files,
        own_versions: cx.opts.own_versions,
    };
    draft::plan_crate(cx.ws, &mut cx.root, &d, &mut cx.plan)?;
    cx.statuses.push(Status::new(
        "Creating",
        format!(
            "`{name}` ({} trigger, modules: {}) at {rel_dir}",
            event.lambda_config_key(version),
            names.join(", ")
        ),
    ));
    cx.statuses.push(Status::new(
        "Binding",
        format!("`{name}` to user pool `{}`", cx.binding.target.label()),
    ));
    cx.notes.push(format!("run `cargo test -p {name}` to test its modules"));
    cx.added.extend(modules.iter().map(|m| (name.clone(), *m)));
    if event.is_custom_sender()
        && cx
            .resource()
            .is_some_and(|r| r.settings.str("kms-key-arn").is_none() && r.arn.is_none())
    {
        cx.notes.push(format!(
            "`{event}` needs a KMS key: the exported template declares one for user pool `{}` (or set `kms-key-arn` on the resource)",
            cx.binding.target.label()
        ));
    }
    Ok(())
}

/// Add modules to the crate that handles `event` already. Files the user
/// changed are never overwritten: if one would have to be, stop and say
/// which.
fn extend_crate(cx: &mut NewCx<'_>, member: &Member, event: CognitoEvent, requested: &[String]) -> CargoResult<()> {
    let cat = catalog();
    let trigger = member.trigger.as_ref().expect("a trigger crate");
    let version = trigger.token_version();
    if let Some(v) = cx.opts.cognito.token_version
        && v != version
    {
        return Err(user_error(
            format!(
                "`{}` handles pre-token-generation {}; `--token-version {}` would change its event type",
                member.name,
                version.as_str(),
                v.as_str()
            ),
            "change `token-version` in its Cargo.toml by hand, or bind another pool",
        ));
    }
    let current: Vec<String> = trigger.modules.clone();
    let added: Vec<String> = requested.iter().filter(|m| !current.contains(m)).cloned().collect();
    let old_modules: Vec<&ModuleScaffold> = current.iter().filter_map(|m| cat.module(m)).collect();
    let existing_env = member.lambda.as_ref().map(|l| l.env.clone()).unwrap_or_default();
    // `--set` for the modules it runs already: the new values replace the old.
    let changed = changed_settings(&old_modules, &cx.opts.settings, &existing_env)?;
    if added.is_empty() {
        if changed.is_empty() {
            cx.notes.push(format!(
                "`{}` already runs {} for `{event}`{}; nothing to add",
                member.name,
                if requested.is_empty() {
                    "modules".to_string()
                } else {
                    requested.join(", ")
                },
                if cx.opts.settings.is_empty() {
                    ""
                } else {
                    " with these settings"
                }
            ));
            return Ok(());
        }
        let mut manifest = Manifest::open(&member.manifest_path)?;
        apply_changed(cx, &mut manifest, &member.name, &changed)?;
        cx.plan.update_manifest(&manifest);
        return Ok(());
    }
    if old_modules.len() != current.len() {
        let unknown: Vec<&String> = current.iter().filter(|m| cat.module(m).is_none()).collect();
        return Err(user_error(
            format!(
                "`{}` lists modules that are not scaffolds ({}), so its `src/modules/mod.rs` is yours to edit",
                member.name,
                unknown.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ),
            "add the module by hand: its file in `src/modules/`, a `pub mod` line and a `Pipeline` field",
        ));
    }
    let all: Vec<String> = current.iter().chain(added.iter()).cloned().collect();
    let new_modules: Vec<&ModuleScaffold> = all.iter().filter_map(|m| cat.module(m)).collect();
    let target_label = trigger
        .bindings
        .first()
        .map(|b| b.target.label().to_string())
        .unwrap_or_default();
    let old_ctx = CrateContext::new(&member.name, event, version, &old_modules, &target_label);
    let new_ctx = CrateContext::new(&member.name, event, version, &new_modules, &target_label);
    plan_module_files(cx, member, &added, &old_ctx, &new_ctx)?;

    // Cargo.toml: the module list, new settings and dependencies.
    let mut manifest = Manifest::open(&member.manifest_path)?;
    manifest.set_strings(&TRIGGER, "modules", &all)?;
    apply_changed(cx, &mut manifest, &member.name, &changed)?;
    let added_modules: Vec<&ModuleScaffold> = added.iter().filter_map(|m| cat.module(m)).collect();
    let (env, mut setting_notes) = settings_for(&added_modules, &cx.opts.settings, &existing_env)?;
    cx.notes.append(&mut setting_notes);
    for (k, v) in env {
        manifest.set(&LAMBDA_ENV, &k, &FieldValue::Str(v))?;
    }
    let inherit = manifest.dependency_inherits("lambda_runtime") && !cx.opts.own_versions;
    let ws_deps = cx.root.workspace_dependency_names();
    if inherit {
        let inherited = added_modules
            .iter()
            .flat_map(|m| m.dependencies.keys())
            .filter(|d| ws_deps.contains(d) && !manifest.has_dependency(d));
        draft::refuse_old_versions(cx.ws, &cx.root, inherited, "the added modules need")?;
    }
    for m in &added_modules {
        for (d, f) in &m.dependencies {
            manifest.add_dependency(&["dependencies"], d, &cat.dep_entry(d, f, inherit))?;
            if inherit && !ws_deps.contains(d) {
                cx.root
                    .add_dependency(&["workspace", "dependencies"], d, &cat.workspace_dep_entry(d))?;
            }
        }
    }
    cx.plan.update_manifest(&manifest);
    cx.added.extend(added_modules.iter().map(|m| (member.name.clone(), *m)));
    cx.statuses.push(Status::new(
        "Adding",
        format!(
            "{} to `{}` (modules now: {})",
            added.join(", "),
            member.name,
            all.join(", ")
        ),
    ));
    Ok(())
}

/// `src/modules/mod.rs` (only rewritten if it is still what we generated)
/// and the added modules' files.
fn plan_module_files(
    cx: &mut NewCx<'_>,
    member: &Member,
    added: &[String],
    old_ctx: &CrateContext,
    new_ctx: &CrateContext,
) -> CargoResult<()> {
    let mod_rs = member.dir.join("src/modules/mod.rs");
    let Ok(on_disk) = std::fs::read_to_string(&mod_rs) else {
        return Err(user_error(
            format!(
                "`{}` is missing, so cargo-trigger cannot add {} to `{}`",
                cx.ws.rel(&mod_rs),
                added.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "),
                member.name
            ),
            "restore it (`cargo trigger new` wrote it; `git checkout` it), or add the module by hand",
        ));
    };
    if on_disk != old_ctx.render_mod_rs()? {
        return Err(user_error(
            format!(
                "`{}` has changes of yours; adding {} would rewrite it",
                cx.ws.rel(&mod_rs),
                added.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ),
            "add the module by hand (its file, a `pub mod` line and a `Pipeline` field), or undo your changes to that file",
        ));
    }
    cx.plan.update(mod_rs, on_disk, new_ctx.render_mod_rs()?);
    for m in added.iter().filter_map(|m| catalog().module(m)) {
        let path = member.dir.join(format!("src/modules/{}.rs", m.ident()));
        if path.exists() {
            return Err(user_error(
                format!("`{}` already exists", cx.ws.rel(&path)),
                "cargo-trigger never overwrites a file: move it away, or add the module to the list by hand",
            ));
        }
        cx.plan.create(path, new_ctx.render_module(m)?)?;
    }
    Ok(())
}
