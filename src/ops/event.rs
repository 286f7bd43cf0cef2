//! `cargo trigger event`: a sample event, built by its source from flags or
//! from a trigger crate's metadata (`--for`).

use serde_json::Value;

use crate::errors::{CargoResult, user_error};
use crate::events::{DEFAULT_REGION, Origin};
use crate::model::arn::is_region;
use crate::model::suggest::did_you_mean;
use crate::model::{Source, quoted_or};
use crate::sources::sample::{CrateSample, EventFlags, EventRequest, check_records};
use crate::workspace::Workspace;

#[derive(Clone, Debug, Default)]
pub struct EventOptions {
    pub source: Option<Source>,
    pub kind: Option<String>,
    pub for_crate: Option<String>,
    pub region: Option<String>,
    pub records: Option<usize>,
    /// The source's field flags (`--bucket`, `--new-image`, …).
    pub flags: EventFlags,
}

/// What `--for CRATE` contributes: the crate, its first binding and that
/// binding's resource.
fn from_crate<'w>(ws: &'w Workspace, name: &'w str) -> CargoResult<CrateSample<'w>> {
    let (m, t) = ws.require_trigger(name, "pass `--source` and the event's fields instead of `--for`")?;
    let binding = t.bindings.first();
    Ok(CrateSample {
        name: &m.name,
        trigger: t,
        binding,
        resource: binding
            .and_then(|b| b.target.resource_name())
            .and_then(|n| ws.resource(n)),
    })
}

/// Build the event.
pub fn generate(ws: Option<&Workspace>, opts: &EventOptions) -> CargoResult<Value> {
    let crate_sample = match (&opts.for_crate, ws) {
        (Some(name), Some(ws)) => Some(from_crate(ws, name)?),
        (Some(_), None) => {
            return Err(user_error(
                "`--for` needs a workspace",
                "run inside the workspace, or pass `--manifest-path`",
            ));
        }
        (None, _) => None,
    };
    let source = match (opts.source, crate_sample.map(|c| c.trigger.source)) {
        (Some(a), Some(b)) if a != b => {
            return Err(user_error(
                format!(
                    "`{}` is a `{b}` trigger, not `{a}`",
                    opts.for_crate.as_deref().unwrap_or_default()
                ),
                "leave SOURCE out with `--for`",
            ));
        }
        (Some(a), _) => a,
        (None, Some(b)) => b,
        (None, None) => {
            return Err(user_error(
                "which event? pass a SOURCE or `--for CRATE`",
                format!("SOURCE is one of {}", Source::names()),
            ));
        }
    };
    if let Some(n) = opts.records {
        check_records(n)?;
    }
    if let Some(r) = opts.region.as_deref()
        && !is_region(r)
    {
        return Err(user_error(
            format!("`--region {r}` is not a region"),
            format!("write a region's code, e.g. `--region {DEFAULT_REGION}` or `--region eu-west-1`"),
        ));
    }
    check_kind(source, opts.kind.as_deref(), crate_sample.as_ref())?;
    let origin = Origin {
        region: opts.region.clone().unwrap_or_else(|| DEFAULT_REGION.into()),
        ..Origin::default()
    };
    let req = EventRequest {
        kind: opts.kind.as_deref(),
        flags: &opts.flags,
        records: opts.records,
        origin: &origin,
        from_crate: crate_sample,
    };
    let event = source.spec().sample_event(&req)?;
    // A crate's sample, with no field given, passes its binding's filters
    // where it can (fields given are kept as given).
    Ok(match crate_sample.and_then(|c| c.binding) {
        Some(b) if opts.flags.0.is_empty() => source.spec().fit_sample(b, event),
        _ => event,
    })
}

/// An unknown kind, with the closest known one and the kinds that fit (the
/// crate's, with `--for`). A kind of the source that does not fit the
/// crate is left to the source to explain.
fn check_kind(source: Source, kind: Option<&str>, krate: Option<&CrateSample<'_>>) -> CargoResult<()> {
    let Some(kind) = kind else { return Ok(()) };
    let spec = source.spec();
    if spec.event_kinds().iter().any(|k| k == kind) {
        return Ok(());
    }
    let help = match krate {
        Some(c) => {
            let fits = spec.crate_event_kinds(c.trigger);
            let fits: Vec<&str> = fits.iter().map(String::as_str).collect();
            format!(
                "{}`{}` takes {}",
                did_you_mean(kind, fits.iter().copied()),
                c.name,
                quoted_or(&fits)
            )
        }
        None => {
            let all = spec.event_kinds();
            format!(
                "{}{}",
                did_you_mean(kind, all.iter().map(String::as_str)),
                spec.event_kinds_help()
            )
        }
    };
    Err(user_error(
        format!("unknown {} event kind `{kind}`", spec.display_name()),
        help,
    ))
}

/// What the crate's bindings would deliver of `event` (AWS filters before
/// invoking): the first binding that delivers it, with its notes (records
/// dropped), or every binding's reason for delivering nothing.
pub fn delivered<'t>(
    ws: &Workspace,
    t: &'t crate::workspace::TriggerMeta,
    event: serde_json::Value,
) -> Result<Delivered<'t>, Vec<String>> {
    let spec = t.source.spec();
    let mut reasons = Vec::new();
    for b in &t.bindings {
        let r = b.target.resource_name().and_then(|n| ws.resource(n));
        let d = spec.deliver(b, r, event.clone());
        match d.event {
            Some(e) => {
                return Ok(Delivered {
                    event: e,
                    notes: d.notes,
                    binding: Some(b),
                });
            }
            None => reasons.extend(d.notes),
        }
    }
    if t.bindings.is_empty() {
        return Ok(Delivered {
            event,
            notes: Vec::new(),
            binding: None,
        });
    }
    Err(reasons)
}

/// An event as a crate's binding would deliver it.
pub struct Delivered<'t> {
    pub event: serde_json::Value,
    /// The records left out, each with why.
    pub notes: Vec<String>,
    /// The binding that delivers it (none for a crate without bindings).
    pub binding: Option<&'t crate::model::Binding>,
}
