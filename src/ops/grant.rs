//! `cargo trigger grant` / `revoke`: extra access for a function, recorded as
//! `[[package.metadata.trigger.permissions]]`, with the resource's name in
//! the function's environment. `export` turns grants into least-privilege
//! statements scoped to the resource (see `ops::export::grant_actions`).

use crate::errors::{CargoResult, user_error};
use crate::manifest::{LAMBDA_ENV as ENV, Manifest, TRIGGER};
use crate::model::arn::{self, Arn};
use crate::model::{FieldValue, Grant, Resource, check_action, quoted, quoted_or};
use crate::plan::Plan;
use crate::sources::draft::{Planned, Status};
use crate::sources::export::grant_env_name;
use crate::workspace::Workspace;

#[derive(Clone, Debug, Default)]
pub struct GrantOptions {
    pub krate: String,
    pub resource: Option<String>,
    pub access: Option<String>,
    pub actions: Vec<String>,
    pub arn: Option<String>,
}

/// The value a grant's variable gets for local runs: the physical name
/// where it is known, else a placeholder that export replaces.
fn local_value(r: &Resource) -> (String, bool) {
    match r.kind.source().spec().local_name(r) {
        Some(v) => (v, false),
        None => (r.name.clone(), true),
    }
}

fn grant_of<'w>(ws: &'w Workspace, opts: &GrantOptions) -> CargoResult<(Grant, Option<&'w Resource>)> {
    match (&opts.resource, &opts.arn) {
        (Some(name), None) => {
            if !opts.actions.is_empty() {
                return Err(user_error(
                    "`--action` goes with `--arn`; a resource takes `--access`",
                    "grant `--resource NAME --access read|write|read-write`, or `--action SERVICE:Action --arn ARN`",
                ));
            }
            let r = ws.resource(name).ok_or_else(|| {
                let known: Vec<&str> = ws.meta.resources.keys().map(String::as_str).collect();
                user_error(
                    format!("no resource named `{name}` is declared"),
                    if known.is_empty() {
                        "declare it under `[workspace.metadata.trigger.resources]` first".to_string()
                    } else {
                        format!("the declared resources are {}", quoted(&known))
                    },
                )
            })?;
            let levels = r.kind.spec().access_names();
            let access = opts.access.clone().ok_or_else(|| {
                user_error(
                    format!("which access to `{name}`?"),
                    format!("pass `--access` {}", quoted_or(&levels)),
                )
            })?;
            if !levels.contains(&access.as_str()) {
                return Err(user_error(
                    format!("`{access}` is not an access level of a `{}`", r.kind),
                    format!("pass `--access` {}", quoted_or(&levels)),
                ));
            }
            Ok((
                Grant {
                    resource: Some(name.clone()),
                    access: Some(access),
                    actions: Vec::new(),
                    arn: None,
                },
                Some(r),
            ))
        }
        (None, Some(a)) => {
            let arn = Arn::parse(a, arn::ANY)
                .map_err(|e| user_error(e.0, "pass `--arn arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`"))?;
            if opts.access.is_some() {
                return Err(user_error(
                    "`--access` goes with `--resource`",
                    "name the actions with `--action SERVICE:Action`",
                ));
            }
            if opts.actions.is_empty() {
                return Err(user_error(
                    "which actions on that ARN?",
                    "pass `--action SERVICE:Action` (repeat for several)",
                ));
            }
            for act in &opts.actions {
                check_action(act).map_err(|why| user_error(why, "e.g. `--action sqs:SendMessage`"))?;
                if act.ends_with(":*") {
                    return Err(user_error(
                        format!("`{act}` grants every action of the service"),
                        "name the actions the function calls; least privilege is the point of a grant",
                    ));
                }
            }
            Ok((
                Grant {
                    resource: None,
                    access: None,
                    actions: opts.actions.clone(),
                    arn: Some(arn),
                },
                None,
            ))
        }
        (Some(_), Some(_)) => Err(user_error(
            "`--resource` and `--arn` both name a target",
            "write one grant for each",
        )),
        (None, None) => Err(user_error(
            "a grant needs a target",
            "pass `--resource NAME --access …`, or `--arn ARN --action …`",
        )),
    }
}

pub fn plan_grant(ws: &Workspace, opts: &GrantOptions) -> CargoResult<Planned> {
    ws.ensure_valid()?;
    let (m, t) = ws.require_trigger(&opts.krate, "grants are for trigger crates; wire it first")?;
    let (grant, resource) = grant_of(ws, opts)?;
    if t.permissions.iter().any(|g| g == &grant) {
        return Err(user_error(
            format!("`{}` already has this grant", m.name),
            "`cargo trigger list` shows its grants",
        ));
    }
    if let Some(name) = &grant.resource
        && t.permissions.iter().any(|g| g.resource.as_ref() == Some(name))
    {
        return Err(user_error(
            format!("`{}` already has a grant on `{name}`", m.name),
            format!(
                "revoke it first (`cargo trigger revoke {} --resource {name}`), then grant the access you want",
                m.name
            ),
        ));
    }
    let mut manifest = Manifest::open(&m.manifest_path)?;
    manifest.push_table(&TRIGGER, "permissions", &grant.fields())?;
    let mut statuses = Vec::new();
    let mut notes = Vec::new();
    if let Some(r) = resource {
        let var = grant_env_name(r);
        let (value, placeholder) = local_value(r);
        // A managed resource that triggers this crate and names it in its
        // own configuration cannot be named in its environment (a circular
        // dependency).
        let bound = t
            .bindings
            .iter()
            .any(|b| b.target.resource_name() == Some(r.name.as_str()));
        let cycle = bound
            .then(|| r.kind.source().spec().self_reference_note(r, &m.name, &var))
            .flatten();
        let named = cycle.is_none();
        if let Some(note) = cycle {
            notes.push(note);
        } else if manifest.get_str(&ENV, &var).is_none() {
            manifest.set(&ENV, &var, &FieldValue::Str(value.clone()))?;
            if placeholder {
                notes.push(format!(
                    "`{var} = \"{value}\"` is a stand-in for local runs; the exported template sets the real value"
                ));
            }
        }
        statuses.push(Status::new(
            "Granting",
            format!(
                "`{}` {} access to `{}`{}",
                m.name,
                grant.access.as_deref().unwrap_or(""),
                r.name,
                if named { format!(" (`{var}`)") } else { String::new() }
            ),
        ));
    } else {
        statuses.push(Status::new("Granting", actions_on_arn(&m.name, &grant)));
    }
    let mut plan = Plan::new();
    plan.update_manifest(&manifest);
    Ok(Planned {
        root: ws.root.clone(),
        plan,
        statuses,
        warnings: Vec::new(),
        notes,
    })
}

pub fn plan_revoke(ws: &Workspace, opts: &GrantOptions) -> CargoResult<Planned> {
    ws.ensure_valid()?;
    let (m, t) = ws.require_trigger(&opts.krate, "it has no grants")?;
    let hits: Vec<usize> = t
        .permissions
        .iter()
        .enumerate()
        .filter(|(_, g)| match (&opts.resource, &opts.arn) {
            (Some(r), _) => {
                g.resource.as_ref() == Some(r) && opts.access.as_ref().is_none_or(|a| g.access.as_ref() == Some(a))
            }
            (None, Some(a)) => {
                g.arn.as_ref().is_some_and(|x| x.as_str() == a)
                    && (opts.actions.is_empty() || opts.actions == g.actions)
            }
            (None, None) => false,
        })
        .map(|(i, _)| i)
        .collect();
    if hits.is_empty() {
        let listing: Vec<String> = t
            .permissions
            .iter()
            .map(|g| match (&g.resource, &g.arn) {
                (Some(r), _) => format!("`{r}` ({})", g.access.as_deref().unwrap_or("?")),
                (None, Some(a)) => format!("`{a}` ({})", g.actions.join(", ")),
                _ => "?".into(),
            })
            .collect();
        return Err(user_error(
            format!("`{}` has no such grant", m.name),
            if listing.is_empty() {
                "it has no grants".to_string()
            } else {
                format!("its grants are {}", listing.join(", "))
            },
        ));
    }
    let mut manifest = Manifest::open(&m.manifest_path)?;
    let mut statuses = Vec::new();
    for &i in hits.iter().rev() {
        manifest.remove_array_entry(&TRIGGER, "permissions", i);
        let g = &t.permissions[i];
        if let Some(r) = g.resource.as_ref().and_then(|n| ws.resource(n)) {
            // The variable goes too, unless another grant still needs it.
            let var = grant_env_name(r);
            let (value, _) = local_value(r);
            if manifest.get_str(&ENV, &var) == Some(value.as_str()) {
                manifest.remove(&ENV, &var);
            }
            statuses.push(Status::new("Revoking", format!("`{}` access to `{}`", m.name, r.name)));
        } else {
            statuses.push(Status::new("Revoking", actions_on_arn(&m.name, g)));
        }
    }
    manifest.remove_if_empty(&ENV);
    manifest.remove_if_empty(&["package", "metadata", "lambda"]);
    let mut plan = Plan::new();
    plan.update_manifest(&manifest);
    Ok(Planned {
        root: ws.root.clone(),
        plan,
        statuses,
        warnings: Vec::new(),
        notes: Vec::new(),
    })
}

/// "`crate` s3:PutObject, s3:GetObject on `arn:…`", for statuses.
fn actions_on_arn(krate: &str, g: &Grant) -> String {
    format!(
        "`{krate}` {} on `{}`",
        g.actions.join(", "),
        g.arn.as_ref().map(Arn::as_str).unwrap_or_default()
    )
}
