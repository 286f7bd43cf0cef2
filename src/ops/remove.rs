//! `cargo trigger remove`: take a trigger crate out of the workspace — its
//! directory, its member entry, and with it its bindings and grants — and,
//! with `--prune`, the resources and the `[workspace.dependencies]` (as
//! `new` writes them) nothing else uses. One plan: all of it is written, or
//! nothing, so `new` then `remove --prune` gives the root manifest back.

use std::collections::BTreeSet;

use crate::errors::{CargoResult, user_error};
use crate::manifest::{Manifest, RESOURCES};
use crate::plan::Plan;
use crate::scaffold::catalog;
use crate::sources::draft::{Planned, Status};
use crate::workspace::{Member, Workspace};

#[derive(Clone, Debug, Default)]
pub struct RemoveOptions {
    pub krate: String,
    /// Also remove the resources and workspace dependencies no other crate uses.
    pub prune: bool,
}

/// The resources `m`'s bindings and grants name.
fn resources_of(m: &Member) -> BTreeSet<&str> {
    let Some(t) = &m.trigger else {
        return BTreeSet::new();
    };
    t.bindings
        .iter()
        .flat_map(|b| crate::sources::binding::resources_named(t.source, b))
        .chain(t.permissions.iter().filter_map(|g| g.resource.as_deref()))
        .collect()
}

pub fn plan_remove(ws: &Workspace, opts: &RemoveOptions) -> CargoResult<Planned> {
    ws.ensure_valid()?;
    let (m, t) = ws.require_trigger(
        &opts.krate,
        "cargo-trigger removes the trigger crates it manages; remove any other crate by hand",
    )?;
    if m.dir == ws.root {
        return Err(user_error(
            format!("`{}` is the workspace's root package", m.name),
            "cargo-trigger removes member crates; take the trigger metadata out of the root manifest by hand",
        ));
    }
    let others: Vec<&Member> = ws.members.iter().filter(|o| o.name != m.name).collect();
    if let Some(inner) = others.iter().find(|o| o.dir.starts_with(&m.dir)) {
        return Err(user_error(
            format!("`{}` holds another member, `{}`", ws.rel(&m.dir), inner.name),
            format!("move `{}` out first, or remove it too", inner.name),
        ));
    }
    // The other members' manifests: who depends on the crate, and which
    // workspace dependencies they inherit.
    let mut inherited_elsewhere: BTreeSet<String> = BTreeSet::new();
    for o in &others {
        let manifest = Manifest::open(&o.manifest_path)?;
        if manifest.dependency_packages().contains(&m.name) {
            return Err(user_error(
                format!("`{}` depends on `{}`", o.name, m.name),
                format!("remove that dependency from `{}` first", ws.rel(&o.manifest_path)),
            ));
        }
        inherited_elsewhere.extend(manifest.inherited_dependencies());
    }

    let mut plan = Plan::new();
    let mut statuses = vec![Status::new(
        "Removing",
        format!("`{}` ({} trigger) at {}", m.name, t.source, m.rel_dir),
    )];
    for b in &t.bindings {
        statuses.push(Status::new(
            "Unbinding",
            format!("`{}` from {}", m.name, t.source.spec().describe(b)),
        ));
    }
    plan.remove_dir(m.dir.clone())?;

    let mut root = Manifest::open(&ws.root_manifest)?;
    let mut notes = Vec::new();

    // Resources only this crate used.
    let used_elsewhere: BTreeSet<&str> = others.iter().flat_map(|o| resources_of(o)).collect();
    let orphans: Vec<&str> = resources_of(m)
        .into_iter()
        .filter(|n| !used_elsewhere.contains(n) && ws.resource(n).is_some())
        .collect();
    // Workspace dependencies only this crate inherited, as `new` wrote
    // them (entries written by hand stay).
    let crate_manifest = Manifest::open(&m.manifest_path)?;
    let cat = catalog();
    let unused_deps: Vec<String> = crate_manifest
        .inherited_dependencies()
        .into_iter()
        .filter(|d| {
            !inherited_elsewhere.contains(d)
                && cat.dependencies.contains_key(d)
                && root.workspace_dependency_is(d, &cat.workspace_dep_entry(d))
        })
        .collect();
    if opts.prune {
        for name in &orphans {
            root.remove_table(&RESOURCES, name);
            statuses.push(Status::new(
                "Removing",
                format!("resource `{name}` (no other crate uses it)"),
            ));
        }
        root.remove_if_empty(&RESOURCES);
        root.remove_if_empty(&["workspace", "metadata", "trigger"]);
        root.remove_if_empty(&["workspace", "metadata"]);
        for d in &unused_deps {
            root.remove(&["workspace", "dependencies"], d);
        }
        if !unused_deps.is_empty() {
            statuses.push(Status::new(
                "Removing",
                format!(
                    "{} from `[workspace.dependencies]` (no other member uses them)",
                    quoted_names(&unused_deps)
                ),
            ));
        }
    } else {
        if !orphans.is_empty() {
            notes.push(format!(
                "no other crate uses {} any more; `--prune` removes the declaration",
                quoted_names(&orphans)
            ));
        }
        if !unused_deps.is_empty() {
            notes.push(format!(
                "no other member uses {} of `[workspace.dependencies]`; `--prune` removes them",
                quoted_names(&unused_deps)
            ));
        }
    }
    // Last: a root package's `[workspace]` goes when nothing is left in it.
    root.remove_workspace_member(&m.rel_dir);
    plan.update_manifest(&root);
    Ok(Planned {
        root: ws.root.clone(),
        plan,
        statuses,
        warnings: Vec::new(),
        notes,
    })
}

fn quoted_names<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}
