//! Cognito user-pool triggers: one crate per event per pool, whose modules
//! run in the declared order. `new` creates the crate for an event, or adds
//! modules to the crate that already handles that event for that pool.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde_json::{Value, json};

use crate::errors::{CargoResult, user_error};
use crate::events::{self, CognitoUser, Origin};
use crate::manifest::{LAMBDA_ENV, Manifest, TRIGGER};
use crate::ops::binding::{self, Resolved};
use crate::ops::new::{self, CrateDraft, NewOptions};
use crate::ops::{Planned, Status, rules};
use crate::plan::Plan;
use crate::scaffold::{self, ModuleScaffold, SampleSpec, catalog};
use crate::schema::{CognitoEvent, FieldValue, Resource, Source, Target, TokenVersion};
use crate::settings;
use crate::workspace::{Member, Workspace};

#[derive(Clone, Debug, Default)]
pub struct CognitoOptions {
    pub events: Vec<CognitoEvent>,
    pub token_version: Option<TokenVersion>,
    pub modules: Vec<String>,
    pub capabilities: Vec<String>,
}

/// The Rust path of the event type a crate for `event` receives.
pub fn event_type(event: CognitoEvent, version: TokenVersion) -> &'static str {
    use CognitoEvent as E;
    match event {
        E::PreSignUp => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPreSignup",
        E::PreAuthentication => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPreAuthentication",
        E::PostAuthentication => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPostAuthentication",
        E::PostConfirmation => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPostConfirmation",
        E::DefineAuthChallenge => "aws_lambda_events::event::cognito::CognitoEventUserPoolsDefineAuthChallenge",
        E::CreateAuthChallenge => "aws_lambda_events::event::cognito::CognitoEventUserPoolsCreateAuthChallenge",
        E::VerifyAuthChallengeResponse => "aws_lambda_events::event::cognito::CognitoEventUserPoolsVerifyAuthChallenge",
        E::CustomMessage => "aws_lambda_events::event::cognito::CognitoEventUserPoolsCustomMessage",
        E::PreTokenGeneration => match version {
            TokenVersion::V1 => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPreTokenGen",
            TokenVersion::V2 => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPreTokenGenV2",
        },
        E::UserMigration => "aws_lambda_events::event::cognito::CognitoEventUserPoolsMigrateUser",
        E::CustomEmailSender | E::CustomSmsSender => "crate::event::CustomSenderEvent",
    }
}

/// The module a crate gets when none is asked for.
fn default_module(event: CognitoEvent) -> &'static str {
    if event.is_custom_sender() {
        "custom-sender"
    } else {
        "custom"
    }
}

/// Which modules run for which event, in order, from capabilities and
/// `--module`s.
pub fn modules_per_event(opts: &super::cognito::CognitoOptions) -> CargoResult<IndexMap<CognitoEvent, Vec<String>>> {
    let cat = catalog();
    let mut out: IndexMap<CognitoEvent, Vec<String>> = IndexMap::new();
    for c in &opts.capabilities {
        let cap = cat.capabilities.get(c).ok_or_else(|| {
            let names: Vec<&str> = cat.capabilities.keys().map(String::as_str).collect();
            user_error(
                format!("unknown capability `{c}`"),
                format!("`--capability` is one of {}", crate::schema::quoted(&names)),
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
                crate::schema::quoted(&cat.capabilities.keys().map(String::as_str).collect::<Vec<_>>())
            ),
        ));
    }
    for m in &opts.modules {
        let module = cat.module(m).ok_or_else(|| {
            let names: Vec<&str> = cat.modules.keys().map(String::as_str).collect();
            user_error(
                format!("unknown module `{m}`"),
                format!("`--module` is one of {}", crate::schema::quoted(&names)),
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
                format!("`{m}` is for {}", crate::schema::quoted(&events)),
            ));
        }
        for e in targets {
            let list = out.get_mut(&e).expect("key from out");
            if !list.contains(m) {
                list.push(m.clone());
            }
        }
    }
    if opts.token_version.is_some() && !out.contains_key(&CognitoEvent::PreTokenGeneration) {
        return Err(user_error(
            "`--token-version` only applies to `pre-token-generation`",
            "remove it, or add `--event pre-token-generation`",
        ));
    }
    Ok(out)
}

/// A Cognito sample for a scaffold sample spec (`kind` = trigger source).
pub fn sample(spec: &SampleSpec, path: &str, _ctx: &mut serde_json::Map<String, Value>) -> CargoResult<(Value, Value)> {
    let event = CognitoEvent::ALL
        .into_iter()
        .find(|e| e.trigger_sources().contains(&spec.kind.as_str()))
        .ok_or_else(|| anyhow::anyhow!("scaffold sample `{path}`: unknown trigger source `{}`", spec.kind))?;
    let ev = events::cognito(
        event,
        &spec.kind,
        TokenVersion::V1,
        &CognitoUser::default(),
        &Origin::default(),
    )?;
    Ok((ev, json!({})))
}

/// Sample events of a crate for `event`: one file per trigger source.
fn sample_files(event: CognitoEvent, version: TokenVersion, pool_id: &str) -> CargoResult<Vec<(String, String)>> {
    let user = CognitoUser {
        user_pool_id: pool_id.to_string(),
        ..CognitoUser::default()
    };
    let mut out = Vec::new();
    for source in event.trigger_sources() {
        let ev = events::cognito(event, source, version, &user, &Origin::default())?;
        let mut text = serde_json::to_string_pretty(&ev)?;
        text.push('\n');
        out.push((format!("events/{source}.json"), text));
    }
    Ok(out)
}

/// A pool id for samples: from the ARN where there is one.
fn sample_pool_id(target: &Target, resource: Option<&Resource>) -> String {
    let arn = match target {
        Target::Arn(a) => Some(a.as_str()),
        Target::Resource(_) => resource.and_then(|r| r.arn.as_deref()),
    };
    arn.and_then(|a| a.rsplit('/').next())
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}_EXAMPLE1", events::DEFAULT_REGION))
}

fn module_context(m: &ModuleScaffold) -> Value {
    json!({"name": m.name, "ident": m.ident(), "pascal": scaffold::pascal(&m.name)})
}

/// Template data for a crate (or one of its modules).
fn crate_context(
    crate_name: &str,
    event: CognitoEvent,
    version: TokenVersion,
    modules: &[&ModuleScaffold],
    target_label: &str,
) -> serde_json::Map<String, Value> {
    let mut ctx = serde_json::Map::new();
    ctx.insert("crate_name".into(), json!(crate_name));
    ctx.insert("crate_ident".into(), json!(scaffold::snake(crate_name)));
    ctx.insert("summary".into(), json!(catalog().for_source(Source::Cognito).summary));
    ctx.insert("source".into(), json!("cognito"));
    ctx.insert("event".into(), json!(event.as_str()));
    ctx.insert("token_version".into(), json!(version.as_str()));
    ctx.insert("event_type".into(), json!(event_type(event, version)));
    ctx.insert("lambda_config_key".into(), json!(event.lambda_config_key(version)));
    ctx.insert("is_custom_sender".into(), json!(event.is_custom_sender()));
    ctx.insert("federated_caveat".into(), json!(event.skipped_by_federation()));
    ctx.insert("target_label".into(), json!(target_label));
    ctx.insert(
        "modules".into(),
        Value::Array(modules.iter().map(|m| module_context(m)).collect()),
    );
    let first = event.trigger_sources()[0];
    ctx.insert("first_sample".into(), json!(format!("{first}.json")));
    ctx.insert(
        "samples_list".into(),
        Value::Array(
            event
                .trigger_sources()
                .iter()
                .map(|s| json!({"trigger_source": s, "include": format!("../events/{s}.json")}))
                .collect(),
        ),
    );
    ctx
}

/// Render one module file.
fn render_module(ctx: &serde_json::Map<String, Value>, m: &ModuleScaffold) -> CargoResult<String> {
    let mut ctx = ctx.clone();
    ctx.insert("module".into(), module_context(m));
    catalog().render(&m.template, &Value::Object(ctx))
}

fn render_mod_rs(ctx: &serde_json::Map<String, Value>) -> CargoResult<String> {
    catalog().render("cognito/regenerated/mod.rs", &Value::Object(ctx.clone()))
}

/// Environment settings to write, and notes to print.
type ModuleSettings = (Vec<(String, String)>, Vec<String>);

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
                    return Err(user_error(
                        format!("`{}` is a secret: cargo-trigger never writes it into Cargo.toml", s.env),
                        format!(
                            "pass it at deploy time (`sam deploy --parameter-overrides {}=…`), and for local runs `cargo trigger invoke --env {}=…`",
                            scaffold::pascal(&s.env.to_lowercase()),
                            s.env
                        ),
                    ));
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
                    if let Some(validator) = &s.validate {
                        settings::validate(validator, &v).map_err(|why| {
                            user_error(
                                format!("`{}={v}` is not a valid value for `{}`: {why}", s.env, m.name),
                                s.help.clone().unwrap_or_else(|| s.prompt.clone()),
                            )
                        })?;
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
                    format!("their settings are {}", crate::schema::quoted(&names))
                },
            ));
        }
    }
    Ok(())
}

/// The crate that already handles `event` for the pool of `resolved`.
fn existing_crate<'a>(ws: &'a Workspace, event: CognitoEvent, target: &Target) -> Option<&'a Member> {
    ws.trigger_crates()
        .find(|(_, t)| {
            t.source == Source::Cognito
                && t.event.is_some_and(|e| e.slot() == event.slot())
                && t.bindings.iter().any(|b| &b.target == target)
        })
        .map(|(m, _)| m)
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
    let resource = new_resource.as_ref().or_else(|| match &binding.target {
        Target::Resource(n) => ws.resource(n),
        Target::Arn(_) => None,
    });
    let (mut root, root_is_new) = new::root_manifest(ws)?;
    let mut plan = Plan::new();
    let mut statuses = Vec::new();
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    let cat = catalog();
    let version_flag = opts.cognito.token_version;

    // Every `--set` must belong to some chosen module.
    let all_modules: Vec<&ModuleScaffold> = per_event
        .iter()
        .flat_map(|(e, list)| {
            let list = if list.is_empty() {
                vec![default_module(*e).to_string()]
            } else {
                list.clone()
            };
            list.into_iter().filter_map(|m| cat.module(&m))
        })
        .collect();
    check_set_keys(&all_modules, &opts.settings)?;

    for (event, requested) in &per_event {
        let event = *event;
        if event.skipped_by_federation() {
            warnings.push(format!("federated sign-in does not invoke the `{event}` trigger"));
        }
        match existing_crate(ws, event, &binding.target) {
            Some(member) => extend_crate(
                ws,
                &mut root,
                member,
                event,
                version_flag,
                requested,
                &opts.settings,
                &mut plan,
                &mut statuses,
                &mut notes,
            )?,
            None => {
                let version = if event == CognitoEvent::PreTokenGeneration {
                    version_flag.unwrap_or_default()
                } else {
                    TokenVersion::V1
                };
                let names: Vec<String> = if requested.is_empty() {
                    vec![default_module(event).to_string()]
                } else {
                    requested.clone()
                };
                let modules: Vec<&ModuleScaffold> = names.iter().filter_map(|m| cat.module(m)).collect();
                let name = match &opts.name {
                    Some(n) => n.clone(),
                    None => format!("{}-{event}", new::target_slug(&binding.target)),
                };
                let (dir, rel_dir) = new::place_crate(ws, &name, opts.path.as_deref())?;
                let mut w = rules::check_new_binding(
                    ws,
                    &name,
                    Source::Cognito,
                    Some((event, version)),
                    &binding,
                    new_resource.as_ref(),
                )?;
                warnings.append(&mut w);
                let (env, mut setting_notes) = settings_for(&modules, &opts.settings, &BTreeMap::new())?;
                notes.append(&mut setting_notes);
                let ctx = crate_context(&name, event, version, &modules, binding.target.label());
                let mut extra_files = sample_files(event, version, &sample_pool_id(&binding.target, resource))?;
                for m in &modules {
                    extra_files.push((format!("src/modules/{}.rs", m.ident()), render_module(&ctx, m)?));
                }
                extra_files.push(("src/modules/mod.rs".into(), render_mod_rs(&ctx)?));
                let mut extra_deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for m in &modules {
                    for (d, f) in &m.dependencies {
                        extra_deps.entry(d.clone()).or_default().extend(f.iter().cloned());
                    }
                }
                let mut trigger_fields = vec![("event", FieldValue::Str(event.as_str().into()))];
                if event == CognitoEvent::PreTokenGeneration && version == TokenVersion::V2 {
                    trigger_fields.push(("token-version", FieldValue::Str("v2".into())));
                }
                trigger_fields.push(("modules", FieldValue::List(names.clone())));
                let draft = CrateDraft {
                    name: name.clone(),
                    dir,
                    rel_dir: rel_dir.clone(),
                    scaffold: cat.for_source(Source::Cognito),
                    source: Source::Cognito,
                    trigger_fields,
                    bindings: vec![binding.clone()],
                    extra_deps,
                    env,
                    deploy: vec![("timeout", FieldValue::Int(5))],
                    context: Value::Object(ctx),
                    extra_files,
                };
                new::plan_crate(ws, &mut root, &draft, &mut plan)?;
                statuses.push(Status::new(
                    "Creating",
                    format!(
                        "`{name}` ({} trigger, modules: {}) at {rel_dir}",
                        event.lambda_config_key(version),
                        names.join(", ")
                    ),
                ));
                statuses.push(Status::new(
                    "Binding",
                    format!("`{name}` to user pool {}", new::describe_binding(&binding)),
                ));
                notes.push(format!("run `cargo test -p {name}` to test its modules"));
                if event.is_custom_sender() && resource.is_some_and(|r| r.kms_key_arn.is_none() && r.arn.is_none()) {
                    notes.push(format!(
                        "`{event}` needs a KMS key: the exported template declares one for user pool `{}` (or set `kms-key-arn` on the resource)",
                        binding.target.label()
                    ));
                }
            }
        }
    }
    if let Some(r) = &new_resource {
        new::declare_resource(&mut root, r)?;
        statuses.insert(
            0,
            Status::new("Declaring", format!("resource `{}` ({})", r.name, r.kind)),
        );
    }
    new::finish_root(ws, root, root_is_new, &mut plan)?;
    Ok(Planned {
        root: ws.root.clone(),
        plan,
        statuses,
        warnings,
        notes,
    })
}

/// Add modules to the crate that handles `event` already. Files the user
/// changed are never overwritten: if one would have to be, stop and say
/// which.
#[allow(clippy::too_many_arguments)]
fn extend_crate(
    ws: &Workspace,
    root: &mut Manifest,
    member: &Member,
    event: CognitoEvent,
    version_flag: Option<TokenVersion>,
    requested: &[String],
    given: &[(String, String)],
    plan: &mut Plan,
    statuses: &mut Vec<Status>,
    notes: &mut Vec<String>,
) -> CargoResult<()> {
    let cat = catalog();
    let trigger = member.trigger.as_ref().expect("a trigger crate");
    let version = trigger.token_version();
    if let Some(v) = version_flag
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
    if added.is_empty() {
        notes.push(format!(
            "`{}` already runs {} for `{event}`; nothing to add",
            member.name,
            if requested.is_empty() {
                "modules".to_string()
            } else {
                requested.join(", ")
            }
        ));
        return Ok(());
    }
    let old_modules: Vec<&ModuleScaffold> = current.iter().filter_map(|m| cat.module(m)).collect();
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
    let old_ctx = crate_context(&member.name, event, version, &old_modules, &target_label);
    let new_ctx = crate_context(&member.name, event, version, &new_modules, &target_label);

    // src/modules/mod.rs: only rewritten if it is still what we generated.
    let mod_rs = member.dir.join("src/modules/mod.rs");
    let on_disk = std::fs::read_to_string(&mod_rs).unwrap_or_default();
    if on_disk != render_mod_rs(&old_ctx)? {
        return Err(user_error(
            format!(
                "`{}` has changes of yours; adding {} would rewrite it",
                ws.rel(&mod_rs),
                added.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ),
            "add the module by hand (its file, a `pub mod` line and a `Pipeline` field), or undo your changes to that file",
        ));
    }
    plan.update(mod_rs, on_disk, render_mod_rs(&new_ctx)?);
    for m in added.iter().filter_map(|m| cat.module(m)) {
        let path = member.dir.join(format!("src/modules/{}.rs", m.ident()));
        if path.exists() {
            return Err(user_error(
                format!("`{}` already exists", ws.rel(&path)),
                "cargo-trigger never overwrites a file: move it away, or add the module to the list by hand",
            ));
        }
        plan.create(path, render_module(&new_ctx, m)?)?;
    }

    // Cargo.toml: the module list, new settings and dependencies.
    let mut manifest = Manifest::open(&member.manifest_path)?;
    manifest.set_strings(&TRIGGER, "modules", &all)?;
    let existing_env = member.lambda.as_ref().map(|l| l.env.clone()).unwrap_or_default();
    let added_modules: Vec<&ModuleScaffold> = added.iter().filter_map(|m| cat.module(m)).collect();
    let (env, mut setting_notes) = settings_for(&added_modules, given, &existing_env)?;
    notes.append(&mut setting_notes);
    for (k, v) in env {
        manifest.set(&LAMBDA_ENV, &k, &FieldValue::Str(v))?;
    }
    let inherit = manifest.dependency_inherits("lambda_runtime");
    let ws_deps = root.workspace_dependency_names();
    for m in &added_modules {
        for (d, f) in &m.dependencies {
            manifest.add_dependency(&["dependencies"], d, &cat.dep_entry(d, f, inherit))?;
            if inherit && !ws_deps.contains(d) {
                root.add_dependency(&["workspace", "dependencies"], d, &cat.workspace_dep_entry(d))?;
            }
        }
    }
    plan.update_manifest(&manifest);
    statuses.push(Status::new(
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
