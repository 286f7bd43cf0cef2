//! Format-preserving edits on real-world-shaped Cargo.toml files: outside
//! what an edit changes, every byte stays (comments, order, spacing,
//! quoting, CRLF line endings).

use crate::support;

use std::path::{Path, PathBuf};

use cargo_trigger::manifest::Manifest;
use cargo_trigger::model::{FieldValue, Resource, Source};
use snapbox::{assert_data_eq, file};

fn fixtures() -> Vec<(String, String)> {
    let dir = support::fixtures().join("manifests");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "at least ten fixtures");
    out
}

/// Every line of `before` is still in `after`, in order, except lines for
/// which `allowed` says they may change.
#[track_caller]
fn only_changed(before: &str, after: &str, allowed: impl Fn(&str) -> bool) {
    let diff = similar::TextDiff::from_lines(before, after);
    for op in diff.ops() {
        for change in diff.iter_changes(op) {
            if change.tag() == similar::ChangeTag::Delete {
                assert!(
                    allowed(change.value()),
                    "line {:?} changed\n--- before\n{before}\n--- after\n{after}",
                    change.value()
                );
            }
        }
    }
}

fn parse(name: &str, text: &str) -> Manifest {
    Manifest::parse(&PathBuf::from(name), text.to_string()).unwrap()
}

#[test]
fn workspace_edits_touch_only_what_they_change() {
    for (name, before) in fixtures() {
        let mut m = parse(&name, &before);
        if !m.is_workspace() {
            continue;
        }
        m.add_workspace_member("triggers/new-one").unwrap();
        let photos = Resource {
            physical_name: Some("acme-photos".into()),
            ..Resource::new("photos", Source::S3.resource_kind())
        };
        m.set_table(
            &["workspace", "metadata", "trigger", "resources"],
            "photos",
            &photos.fields("s3-bucket"),
        )
        .unwrap();
        let after = m.render();
        // The old last entry of a multi-line list without a trailing comma
        // gets one.
        let gained_comma = |line: &str| {
            line.rfind(['"', '\''])
                .is_some_and(|i| after.contains(&format!("{},{}", &line[..=i], &line[i + 1..])))
        };
        only_changed(&before, &after, |line| {
            line.contains("members") || gained_comma(line) || name.starts_with("08-") || name.starts_with("16-")
        });
        // The result is valid and says what we wrote.
        let again = parse(&name, &after);
        assert_eq!(
            again.get_str(&["workspace", "metadata", "trigger", "resources", "photos"], "name"),
            Some("acme-photos"),
            "{name}:\n{after}"
        );
        let members = again.get_strings(&["workspace"], "members").unwrap();
        assert!(
            members.iter().any(|m| m == "triggers/new-one") || name.starts_with("04-"),
            "{name}: {members:?}"
        );
        if before.contains("\r\n") {
            assert!(
                !after.replace("\r\n", "").contains('\n'),
                "{name} mixes line endings: {after:?}"
            );
        }
    }
}

#[test]
fn crate_edits_touch_only_what_they_change() {
    for (name, before) in fixtures() {
        let mut m = parse(&name, &before);
        if !m.has_package() || m.is_workspace() {
            continue;
        }
        let trig = ["package", "metadata", "trigger"];
        m.set(&trig, "source", &FieldValue::Str("s3".into())).unwrap();
        m.push_table(
            &trig,
            "bindings",
            &[
                ("bucket", FieldValue::Str("photos".into())),
                ("events", FieldValue::List(vec!["s3:ObjectRemoved:*".into()])),
            ],
        )
        .unwrap();
        m.set(
            &["package", "metadata", "lambda", "env"],
            "GREETING",
            &FieldValue::Str("say \"hi\"\n{{x}}".into()),
        )
        .unwrap();
        let after = m.render();
        // `source` keeps its trailing comment where it was already set.
        only_changed(&before, &after, |line| line.starts_with("source"));
        let again = parse(&name, &after);
        assert_eq!(
            again.get_str(&["package", "metadata", "lambda", "env"], "GREETING"),
            Some("say \"hi\"\n{{x}}")
        );
    }
}

#[test]
fn adding_then_removing_a_binding_restores_every_byte() {
    for (name, before) in fixtures() {
        let mut m = parse(&name, &before);
        if !m.has_package() || m.is_workspace() {
            continue;
        }
        let trig = ["package", "metadata", "trigger"];
        let n = m.array_len(&trig, "bindings");
        m.push_table(&trig, "bindings", &[("bucket", FieldValue::Str("other".into()))])
            .unwrap();
        assert_ne!(m.render(), before);
        assert!(m.remove_array_entry(&trig, "bindings", n));
        assert_eq!(m.render(), before, "{name}");
    }
}

/// (snapbox normalises line endings, so CRLF is checked byte-wise above.)
#[test]
fn snapshots_of_edited_manifests() {
    let dir = support::fixtures().join("manifests");
    for (fixture, snap) in [
        (
            "01-commented-workspace.toml",
            file!["snapshots/edit-01-commented-workspace.toml"],
        ),
        (
            "08-inline-metadata.toml",
            file!["snapshots/edit-08-inline-metadata.toml"],
        ),
        (
            "12-crate-with-bindings.toml",
            file!["snapshots/edit-12-crate-with-bindings.toml"],
        ),
    ] {
        let before = std::fs::read_to_string(dir.join(fixture)).unwrap();
        let mut m = parse(fixture, &before);
        if m.is_workspace() {
            m.add_workspace_member("crates/beta").unwrap();
            m.set_table(
                &["workspace", "metadata", "trigger", "resources"],
                "todos",
                &{
                    let mut r = Resource::new("todos", Source::Dynamodb.resource_kind());
                    r.settings
                        .set("stream-view", FieldValue::Str("NEW_AND_OLD_IMAGES".into()));
                    r
                }
                .fields("dynamodb-table"),
            )
            .unwrap();
        } else {
            m.push_table(
                &["package", "metadata", "trigger"],
                "bindings",
                &[
                    ("bucket", FieldValue::Str("photos".into())),
                    ("prefix", FieldValue::Str("b/".into())),
                ],
            )
            .unwrap();
        }
        assert_data_eq!(m.render(), snap);
    }
}

#[test]
fn malformed_manifests_name_file_line_and_column() {
    let err = Manifest::parse(Path::new("ws/Cargo.toml"), "[workspace]\nmembers = [\"a\"\n".into()).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("`ws/Cargo.toml:"), "{text}");
    assert!(text.contains("is not valid TOML"), "{text}");
}
