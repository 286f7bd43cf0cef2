//! `cargo trigger new`: render a trigger crate from its scaffold, add it to
//! the workspace (creating a virtual workspace in an empty folder), record
//! its metadata and binding, and declare a new resource. Sources with their
//! own plan (Cognito) make it through `SourceSpec::plan_new`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::errors::{CargoResult, user_error};
use crate::model::{Binding, Resource, Source};
use crate::plan::Plan;
use crate::scaffold::{CrateScaffold, catalog};
use crate::sources::draft::{self, CrateDraft, Planned, Status};
use crate::sources::{binding, rules};
use crate::workspace::Workspace;

pub use crate::sources::draft::NewOptions;

/// Sample files (path, contents) and the values templates assert on.
type Samples = (Vec<(String, String)>, Map<String, Value>);

/// Sample events for a scaffold, filled from the binding and its resource,
/// and the values the templates assert on (`samples.<file stem>.*`).
fn render_samples(scaffold: &CrateScaffold, b: &Binding, resource: Option<&Resource>) -> CargoResult<Samples> {
    let spec = scaffold.source.spec();
    let mut files = Vec::new();
    let mut vars = Map::new();
    for (path, sample) in &scaffold.samples {
        let stem = Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let (event, var) = spec.scaffold_sample(scaffold, sample, path, b, resource)?;
        let mut text = serde_json::to_string_pretty(&event)?;
        text.push('\n');
        files.push((path.clone(), text));
        vars.insert(stem, var);
    }
    Ok((files, vars))
}

/// Plan `new` for a source that makes one crate per binding.
fn plan_one_crate(ws: &Workspace, opts: &NewOptions, source: Source) -> CargoResult<Planned> {
    let spec = source.spec();
    let (mut root, root_is_new) = draft::root_manifest(ws)?;
    let resolved = binding::resolve(&opts.binding, source, &ws.meta, true)?;
    if !opts.settings.is_empty() {
        return Err(user_error(
            format!("`--set` does not apply to a `{source}` trigger"),
            "settings belong to Cognito modules; put other environment variables in `[package.metadata.lambda.env]`",
        ));
    }
    let name = match &opts.name {
        Some(n) => n.clone(),
        None => spec.default_crate_name(&resolved.binding),
    };
    let (dir, rel_dir) = draft::place_crate(ws, &name, opts.path.as_deref())?;
    let warnings = rules::check_new_binding(
        ws,
        &name,
        source,
        None,
        &resolved.binding,
        resolved.new_resource.as_ref(),
    )?;

    let scaffold = catalog().for_source(source);
    let resource = resolved
        .new_resource
        .as_ref()
        .or_else(|| resolved.binding.target.resource_name().and_then(|n| ws.resource(n)));
    let (sample_files, samples) = render_samples(scaffold, &resolved.binding, resource)?;
    let mut ctx = draft::base_context(&name, scaffold, source, resolved.binding.target.label());
    ctx.insert("samples".into(), Value::Object(samples));
    ctx.extend(spec.scaffold_context(scaffold, &resolved.binding, resource));

    let d = CrateDraft {
        name: name.clone(),
        dir,
        scaffold,
        source,
        trigger_fields: Vec::new(),
        bindings: vec![resolved.binding.clone()],
        extra_deps: BTreeMap::new(),
        env: Vec::new(),
        deploy: Vec::new(),
        context: Value::Object(ctx),
        extra_files: sample_files,
        own_versions: opts.own_versions,
    };
    let mut plan = Plan::new();
    draft::plan_crate(ws, &mut root, &d, &mut plan)?;
    let mut statuses = vec![Status::new(
        "Creating",
        format!("`{name}` ({source} trigger) at {rel_dir}"),
    )];
    if let Some(r) = &resolved.new_resource {
        draft::declare_resource(&mut root, r)?;
        statuses.push(Status::new("Declaring", format!("resource `{}` ({})", r.name, r.kind)));
    }
    statuses.push(Status::new(
        "Binding",
        format!("`{name}` to {}", spec.describe(&resolved.binding)),
    ));
    draft::finish_root(ws, root, root_is_new, &mut plan)?;
    Ok(Planned {
        root: ws.root.clone(),
        plan,
        statuses,
        warnings,
        notes: vec![format!(
            "run `cargo test -p {name}` to test its handler on the sample events in {rel_dir}/events"
        )],
    })
}

/// The one crate `new` would create, when its name is taken (by a member
/// or a folder): the interactive `new` asks for another.
pub fn taken_name(ws: &Workspace, opts: &NewOptions) -> Option<String> {
    let source = opts.source?;
    if opts.name.is_some() || opts.path.is_some() {
        return None;
    }
    match source.spec().new_crate_names(ws, opts).as_slice() {
        [one] if draft::place_crate(ws, one, None).is_err() => Some(one.clone()),
        _ => None,
    }
}

/// Plan `cargo trigger new`.
pub fn plan(ws: &Workspace, opts: &NewOptions) -> CargoResult<Planned> {
    ws.ensure_valid()?;
    let source = opts.source.ok_or_else(|| {
        user_error(
            "`--source` is required",
            format!("pass `--source` with one of {}", Source::names()),
        )
    })?;
    match source.spec().plan_new(ws, opts) {
        Some(planned) => planned,
        None => plan_one_crate(ws, opts, source),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::Target;
    use crate::model::arn::{ANY, Arn};
    use crate::sources::draft::{check_crate_name, inside, target_slug};

    #[test]
    fn crate_names_follow_cargo() {
        for bad in ["Foo Bar", "../x", "fn", "1abc", "", "test", "a.b", "con"] {
            assert!(check_crate_name(bad).is_err(), "{bad} accepted");
        }
        for good in ["photos-s3-trigger", "a_b", "Users2"] {
            check_crate_name(good).unwrap();
        }
    }

    #[test]
    fn paths_stay_inside() {
        let root = Path::new("/w");
        assert_eq!(
            inside(root, Path::new("triggers/x")).unwrap(),
            Path::new("/w/triggers/x")
        );
        assert!(inside(root, Path::new("../x")).is_err());
        assert!(inside(root, Path::new("/etc/x")).is_err());
        assert!(inside(root, Path::new("a/../..")).is_err());
    }

    #[test]
    fn target_slugs() {
        let arn = |s: &str| Target::Arn(Arn::parse(s, ANY).unwrap());
        assert_eq!(target_slug(&Target::Resource("photos".into())), "photos");
        assert_eq!(target_slug(&arn("arn:aws:s3:::acme-photos")), "acme-photos");
        assert_eq!(
            target_slug(&arn(
                "arn:aws:dynamodb:eu-west-1:123456789012:table/todos/stream/2024-01-01T00:00:00.000"
            )),
            "todos"
        );
        assert_eq!(
            target_slug(&arn("arn:aws:kinesis:eu-west-1:123456789012:stream/clicks")),
            "clicks"
        );
    }
}
