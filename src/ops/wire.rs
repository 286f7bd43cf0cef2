//! `cargo trigger wire` and `unwire`: add or remove a binding of a crate,
//! under the binding rules. `wire` also adopts an existing Lambda crate
//! (one without `[package.metadata.trigger]`) when given `--source`.

use std::collections::BTreeSet;

use crate::errors::{CargoResult, user_error};
use crate::manifest::{Manifest, RESOURCES, TRIGGER};
use crate::model::{Binding, FieldValue, Source};
use crate::plan::Plan;
use crate::sources::draft::{self, Planned, Status};
use crate::sources::{self, BindingRequest, CognitoEvent, TokenVersion, binding, rules};
use crate::workspace::Workspace;

fn describe_binding(source: Source, b: &Binding) -> String {
    source.spec().describe(b)
}

#[derive(Clone, Debug, Default)]
pub struct WireOptions {
    pub krate: String,
    /// For a crate that is not a trigger crate yet.
    pub source: Option<Source>,
    pub event: Option<CognitoEvent>,
    pub token_version: Option<TokenVersion>,
    pub binding: BindingRequest,
    /// Declare an unknown resource name instead of refusing it.
    pub create: bool,
}

pub fn plan_wire(ws: &Workspace, opts: &WireOptions) -> CargoResult<Planned> {
    ws.ensure_valid()?;
    let member = ws.require_member(&opts.krate)?;
    let mut statuses = Vec::new();
    let mut warnings = Vec::new();
    let (source, event, version, adopting) = match &member.trigger {
        Some(t) => {
            if let Some(s) = opts.source
                && s != t.source
            {
                return Err(user_error(
                    format!("`{}` is a `{}` trigger, not `{s}`", member.name, t.source),
                    "leave `--source` out to add a binding of its own source",
                ));
            }
            if let Some(e) = opts.event
                && Some(e) != t.event
            {
                return Err(user_error(
                    format!(
                        "`{}` handles `{}`; `--event {e}` does not apply",
                        member.name,
                        t.event.map(|e| e.as_str()).unwrap_or("-")
                    ),
                    "leave `--event` out, or wire a crate that handles that event",
                ));
            }
            (t.source, t.event, t.token_version(), false)
        }
        None => {
            let source = opts.source.ok_or_else(|| {
                user_error(
                    format!("`{}` is not a trigger crate yet", member.name),
                    format!("pass `--source` (one of {}) to adopt it as one", Source::names()),
                )
            })?;
            if member.bins.is_empty() {
                return Err(user_error(
                    format!(
                        "`{}` has no binary target, so it cannot be a Lambda function",
                        member.name
                    ),
                    "a trigger crate is one bin (`src/main.rs` calling `lambda_runtime::run`)",
                ));
            }
            let spec = source.spec();
            let event = match opts.event {
                _ if spec.has_events() => Some(opts.event.ok_or_else(|| {
                    user_error(
                        format!("adopting a crate as a {} trigger needs its event", spec.display_name()),
                        format!("pass `--event` (one of {})", CognitoEvent::names()),
                    )
                })?),
                Some(_) => {
                    let with: Vec<&str> = sources::all()
                        .filter(|s| s.has_events())
                        .map(|s| s.display_name())
                        .collect();
                    return Err(user_error(
                        format!("`--event` only applies to {} triggers, not `{source}`", with.join(", ")),
                        "remove it",
                    ));
                }
                None => None,
            };
            let version = opts.token_version.unwrap_or_default();
            (source, event, version, true)
        }
    };
    let resolved = binding::resolve(&opts.binding, source, &ws.meta, opts.create)?;
    if let Some(t) = &member.trigger
        && t.bindings.contains(&resolved.binding)
    {
        return Err(user_error(
            format!("`{}` already has this binding", member.name),
            "`cargo trigger list` shows its bindings",
        ));
    }
    let mut w = rules::check_new_binding(
        ws,
        &member.name,
        source,
        event.map(|e| (e, version)),
        &resolved.binding,
        resolved.new_resource.as_ref(),
    )?;
    warnings.append(&mut w);
    if let Some(caveat) = source.spec().caveat(event) {
        warnings.push(caveat);
    }

    let mut plan = Plan::new();
    let mut manifest = Manifest::open(&member.manifest_path)?;
    if adopting {
        manifest.set(&TRIGGER, "source", &FieldValue::Str(source.as_str().into()))?;
        for (k, v) in source.spec().adoption_fields(event, version) {
            manifest.set(&TRIGGER, k, &v)?;
        }
        statuses.push(Status::new(
            "Adopting",
            format!("`{}` as a {source} trigger", member.name),
        ));
    }
    manifest.push_table(&TRIGGER, "bindings", &resolved.binding.fields(source.binding_key()))?;
    plan.update_manifest(&manifest);
    if let Some(r) = &resolved.new_resource {
        let (mut root, is_new) = draft::root_manifest(ws)?;
        draft::declare_resource(&mut root, r)?;
        draft::finish_root(ws, root, is_new, &mut plan)?;
        statuses.push(Status::new("Declaring", format!("resource `{}` ({})", r.name, r.kind)));
    }
    statuses.push(Status::new(
        "Binding",
        format!("`{}` to {}", member.name, describe_binding(source, &resolved.binding)),
    ));
    Ok(Planned {
        root: ws.root.clone(),
        plan,
        statuses,
        warnings,
        notes: Vec::new(),
    })
}

#[derive(Clone, Debug, Default)]
pub struct UnwireOptions {
    pub krate: String,
    /// A resource name or ARN the binding targets.
    pub target: Option<String>,
    /// The binding's position (0-based) in the crate's list.
    pub index: Option<usize>,
    pub all: bool,
    /// Also remove resource declarations no binding uses any more.
    pub prune: bool,
    /// The binding's target and key flags, as `wire` takes them
    /// (`--bucket photos --prefix uploads/`).
    pub binding: BindingRequest,
}

pub fn plan_unwire(ws: &Workspace, opts: &UnwireOptions) -> CargoResult<Planned> {
    ws.ensure_valid()?;
    let (member, trigger) =
        ws.require_trigger(&opts.krate, "it has no `[package.metadata.trigger]`, so no bindings")?;
    let listing = || {
        trigger
            .bindings
            .iter()
            .enumerate()
            .map(|(i, b)| format!("[{i}] {}", describe_binding(trigger.source, b)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if trigger.bindings.is_empty() {
        return Err(user_error(
            format!("`{}` has no bindings", member.name),
            "nothing to remove",
        ));
    }
    let mut selector = binding::selector(&opts.binding, trigger.source)?;
    match (&opts.target, &selector.target) {
        (Some(t), Some(f)) if t != f => {
            return Err(user_error(
                format!("the binding's target is named twice: `{t}` and `{f}`"),
                "name it once, as TARGET or with its flag",
            ));
        }
        (Some(t), None) => selector.target = Some(t.clone()),
        _ => {}
    }
    let filtered = selector.target.is_some() || selector.has_settings();
    if opts.all && filtered {
        return Err(user_error(
            "`--all` removes every binding, so it takes no target or binding flags",
            "leave them out, or `--all`",
        ));
    }
    let indices: Vec<usize> = if opts.all {
        (0..trigger.bindings.len()).collect()
    } else if let Some(i) = opts.index {
        if i >= trigger.bindings.len() {
            return Err(user_error(
                format!("`{}` has no binding [{i}]", member.name),
                format!("its bindings are {}", listing()),
            ));
        }
        if filtered && !selector.matches(&trigger.bindings[i]) {
            let what = match (&selector.target, selector.has_settings()) {
                (Some(t), false) => format!("bound to `{t}`"),
                _ => format!("bound {}", selector.describe()),
            };
            return Err(user_error(
                format!("binding [{i}] of `{}` is not {what}", member.name),
                format!("its bindings are {}", listing()),
            ));
        }
        vec![i]
    } else if filtered {
        let hits: Vec<usize> = trigger
            .bindings
            .iter()
            .enumerate()
            .filter(|(_, b)| selector.matches(b))
            .map(|(i, _)| i)
            .collect();
        let what = selector.describe();
        match hits.len() {
            0 => {
                let message = match (&selector.target, selector.has_settings()) {
                    (Some(t), false) => format!("`{}` is not bound to `{t}`", member.name),
                    _ => format!("`{}` has no binding {what}", member.name),
                };
                return Err(user_error(message, format!("its bindings are {}", listing())));
            }
            1 => hits,
            _ => {
                return Err(user_error(
                    format!("`{}` has {} bindings {what}", member.name, hits.len()),
                    format!(
                        "pick one with `--index` or more binding flags ({}), or remove all with `--all`",
                        listing()
                    ),
                ));
            }
        }
    } else if trigger.bindings.len() == 1 {
        vec![0]
    } else {
        return Err(user_error(
            format!(
                "`{}` has {} bindings: say which to remove",
                member.name,
                trigger.bindings.len()
            ),
            format!("pass the target, `--index N` or `--all` ({})", listing()),
        ));
    };

    let mut plan = Plan::new();
    let mut statuses = Vec::new();
    let mut manifest = Manifest::open(&member.manifest_path)?;
    for &i in indices.iter().rev() {
        manifest.remove_array_entry(&TRIGGER, "bindings", i);
        statuses.push(Status::new(
            "Unbinding",
            format!(
                "`{}` from {}",
                member.name,
                describe_binding(trigger.source, &trigger.bindings[i])
            ),
        ));
    }
    statuses.reverse();
    plan.update_manifest(&manifest);

    let mut notes = Vec::new();
    // What the removed bindings used: their targets and the resources their
    // keys name (a stream's `on-failure` queue).
    let removed: BTreeSet<&str> = indices
        .iter()
        .flat_map(|&i| binding::resources_named(trigger.source, &trigger.bindings[i]))
        .collect();
    // Bound to, or named by a key of (a stream's `on-failure`), a binding
    // that stays.
    let still_used = |name: &str| {
        let kept = |m: &crate::workspace::Member, i: usize| !(m.name == member.name && indices.contains(&i));
        ws.trigger_crates().any(|(m, t)| {
            t.bindings
                .iter()
                .enumerate()
                .any(|(i, b)| kept(m, i) && binding::resources_named(t.source, b).contains(&name))
        })
    };
    let orphans: Vec<&str> = removed.into_iter().filter(|n| !still_used(n)).collect();
    if opts.prune && !orphans.is_empty() {
        let mut root = Manifest::open(&ws.root_manifest)?;
        for name in &orphans {
            root.remove_table(&RESOURCES, name);
            statuses.push(Status::new(
                "Removing",
                format!("resource `{name}` (no binding uses it)"),
            ));
        }
        root.remove_if_empty(&RESOURCES);
        root.remove_if_empty(&["workspace", "metadata", "trigger"]);
        root.remove_if_empty(&["workspace", "metadata"]);
        plan.update_manifest(&root);
    } else if !orphans.is_empty() {
        notes.push(format!(
            "no binding uses {} any more; `--prune` removes the declaration",
            orphans.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(Planned {
        root: ws.root.clone(),
        plan,
        statuses,
        warnings: Vec::new(),
        notes,
    })
}
