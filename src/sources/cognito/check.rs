//! `check` for Cognito crates: the timeout Cognito allows, and the module
//! list against the files in `src/modules/`.

use std::collections::BTreeSet;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::names::snake;
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
