//! Manifest layout through the real binary (issue 14, "Manifest layout"):
//! `new`, `wire` and `unwire` on the fixture manifests
//! tests/fixtures/manifests/14-… to 19-… keep every byte outside the values
//! they edit, and write what they add as a person would. Each test is one
//! class of layout; tests/testsuite/manifest_props.rs generates many more.

use std::path::Path;
use std::process::Command;

use crate::support::{read, run};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(crate::support::fixtures().join("manifests").join(name)).unwrap()
}

/// A crate with a binary at `dir/rel` (its manifest `manifest`, or a plain one).
fn add_crate(dir: &Path, rel: &str, manifest: Option<String>) {
    let name = rel.rsplit('/').next().unwrap();
    std::fs::create_dir_all(dir.join(rel).join("src")).unwrap();
    std::fs::write(dir.join(rel).join("src/main.rs"), "fn main() {}\n").unwrap();
    let text =
        manifest.unwrap_or_else(|| format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n"));
    std::fs::write(dir.join(rel).join("Cargo.toml"), text).unwrap();
}

/// A workspace whose root manifest is the fixture `root`, with a crate for
/// each of `crates`.
fn workspace_with(root: &str, crates: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), fixture(root)).unwrap();
    for c in crates {
        add_crate(dir.path(), c, None);
    }
    dir
}

/// `cargo metadata` loads the workspace (every manifest is one cargo
/// reads); its JSON.
#[track_caller]
fn assert_loads(dir: &Path) -> String {
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn new_photos(dir: &Path) {
    crate::support::new(dir, &["photos", "--source", "s3", "--bucket", "photos"]);
}

#[test]
fn a_comment_on_the_last_member_stays_with_it() {
    let ws = workspace_with("14-member-comment.toml", &["crates/thumbs"]);
    new_photos(ws.path());
    assert_eq!(
        read(ws.path(), "Cargo.toml"),
        "# Photo pipeline\n[workspace]\nmembers = [\n    \"crates/thumbs\", # makes thumbnails\n    \"triggers/photos\",\n]\nresolver = \"3\"\n\n[workspace.metadata.trigger.resources.photos]\ntype = \"s3-bucket\"\n"
    );
    assert_loads(ws.path());
    // And removing the member's binding (the crate stays a member) leaves
    // the comment where it is.
    run(ws.path(), &["unwire", "photos", "--all", "--prune"]).success();
    assert!(
        read(ws.path(), "Cargo.toml")
            .contains("    \"crates/thumbs\", # makes thumbnails\n    \"triggers/photos\",\n]")
    );
}

#[test]
fn a_member_after_a_last_entry_without_a_comma_is_written_as_a_person_would() {
    let ws = workspace_with("15-members-no-trailing-comma.toml", &["crates/thumbs", "crates/video"]);
    new_photos(ws.path());
    // The comma right after the old last entry, the new one on its own line
    // with the list's (tab) indent, the bracket and its comment where they were.
    assert_eq!(
        read(ws.path(), "Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\n\t\"crates/thumbs\",\n\t\"crates/video\",\n\t\"triggers/photos\"\n]  # keep sorted\n\n[workspace.package]\nedition = \"2024\"\n\n[workspace.metadata.trigger.resources.photos]\ntype = \"s3-bucket\"\n"
    );
    assert_loads(ws.path());
}

#[test]
fn inline_tables_get_entries_spaced_like_theirs() {
    let ws = workspace_with("16-inline-tables.toml", &["crates/thumbs"]);
    new_photos(ws.path());
    let root = read(ws.path(), "Cargo.toml");
    let lines: Vec<&str> = root.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "[workspace]",
            "members = [\"crates/thumbs\", \"triggers/photos\"]",
            "resolver = \"3\""
        ],
        "{root}"
    );
    // `{trigger={dir="triggers"}}` is written without spaces: so is what is added.
    assert_eq!(
        lines[4], "metadata = {trigger={dir=\"triggers\", resources={photos={type=\"s3-bucket\"}}}}",
        "{root}"
    );
    // The dependencies the crate inherits go in sorted, `, `-separated, the
    // closing brace's space where it was: no `… } , tokio = "1" }`.
    let deps = lines[3];
    assert!(deps.starts_with("dependencies = { aws_lambda_events = { "), "{deps}");
    assert!(
        deps.contains(", serde = { version = \"1\", features = [\"derive\"] }, serde_json = "),
        "{deps}"
    );
    assert!(
        deps.ends_with("\" }") && !deps.contains(" ,") && !deps.contains(",,"),
        "{deps}"
    );
    assert_eq!(lines.len(), 5, "{root}");
    assert_loads(ws.path());
}

#[test]
fn a_byte_order_mark_and_crlf_endings_are_kept() {
    let ws = workspace_with("17-bom.toml", &["crates/thumbs"]);
    new_photos(ws.path());
    let after = std::fs::read(ws.path().join("Cargo.toml")).unwrap();
    assert_eq!(
        String::from_utf8(after).unwrap(),
        "\u{feff}# saved by an editor that writes a byte-order mark\r\n[workspace]\r\nmembers = [\"crates/thumbs\", \"triggers/photos\"]\r\nresolver = \"3\"\r\n\r\n[workspace.metadata.trigger.resources.photos]\r\ntype = \"s3-bucket\"\r\n"
    );
    assert_loads(ws.path());
}

#[test]
fn dotted_keys_and_odd_headers_outside_the_edit_stay() {
    let ws = workspace_with("18-dotted-keys-and-odd-headers.toml", &[]);
    add_crate(ws.path(), "crates/thumbs", Some(fixture("19-crate-dotted-bom.toml")));
    let root_before = read(ws.path(), "Cargo.toml");
    let crate_before = read(ws.path(), "crates/thumbs/Cargo.toml");

    // `wire` adopts the crate: its interleaved dotted keys, byte-order mark
    // and CRLF endings stay; the new table goes after the [package] body.
    run(ws.path(), &["wire", "thumbs", "--source", "s3", "--bucket", "uploads"]).success();
    let adopted = read(ws.path(), "crates/thumbs/Cargo.toml");
    let (head, tail) = crate_before.split_at(crate_before.find("[dependencies]").unwrap());
    assert_eq!(
        adopted,
        format!(
            "{head}[package.metadata.trigger]\r\nsource = \"s3\"\r\n\r\n[[package.metadata.trigger.bindings]]\r\nbucket = \"uploads\"\r\nevents = [\"s3:ObjectCreated:*\", \"s3:ObjectRemoved:*\"]\r\n\r\n{tail}"
        )
    );
    assert_eq!(read(ws.path(), "Cargo.toml"), root_before);

    // Declaring a resource next to `[workspace.metadata. trigger.resources.uploads]`
    // rewrites neither that header nor the `[profile]` dotted keys.
    run(ws.path(), &["wire", "thumbs", "--bucket", "media", "--create"]).success();
    let (head, tail) = root_before.split_at(root_before.find("[workspace.metadata.trigger]").unwrap());
    assert_eq!(
        read(ws.path(), "Cargo.toml"),
        format!("{head}[workspace.metadata.trigger.resources.media]\ntype = \"s3-bucket\"\n\n{tail}")
    );
    assert_loads(ws.path());

    // `unwire --prune` takes out exactly the bindings and the declarations.
    run(ws.path(), &["unwire", "thumbs", "--all", "--prune"]).success();
    assert_eq!(
        read(ws.path(), "Cargo.toml"),
        root_before.replace(
            "[workspace.metadata. trigger.resources.uploads]\ntype = \"s3-bucket\"\n\n",
            ""
        )
    );
    let (head, tail) = crate_before.split_at(crate_before.find("[dependencies]").unwrap());
    assert_eq!(
        read(ws.path(), "crates/thumbs/Cargo.toml"),
        format!("{head}[package.metadata.trigger]\r\nsource = \"s3\"\r\n\r\n{tail}")
    );
    assert_loads(ws.path());
}

#[test]
fn member_globs_are_read_as_cargo_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    // cargo globs `root.join(entry)`, so an absolute entry is one too.
    let abs = dir.path().join("abs/*").to_string_lossy().to_string();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[workspace]\nmembers = [\"./svc/*/api\", \"crates/*\", \"triggers/[a-m]*\", {abs:?}]\nresolver = \"3\"\n"
        ),
    )
    .unwrap();
    // (cargo reads a glob that matches nothing as a path.)
    for c in ["crates/thumbs", "svc/one/api", "triggers/alpha", "abs/one"] {
        add_crate(dir.path(), c, None);
    }
    let before = read(dir.path(), "Cargo.toml");
    // `triggers/[a-m]*` covers `triggers/media`, `./svc/*/api` covers
    // `svc/two/api` and the absolute glob `abs/zeta`: nothing to add.
    crate::support::new(dir.path(), &["media", "--source", "s3", "--bucket", "media"]);
    crate::support::new(
        dir.path(),
        &[
            "gateway",
            "--source",
            "s3",
            "--bucket",
            "gateway",
            "--path",
            "svc/two/api",
        ],
    );
    crate::support::new(
        dir.path(),
        &["zeta", "--source", "s3", "--bucket", "zeta", "--path", "abs/zeta"],
    );
    assert!(read(dir.path(), "Cargo.toml").starts_with(&before));
    // They cover neither `triggers/photos` nor, as `*` stays within one
    // directory, `svc/two/extra/api`.
    crate::support::new(dir.path(), &["photos", "--source", "s3", "--bucket", "photos"]);
    crate::support::new(
        dir.path(),
        &[
            "deep",
            "--source",
            "s3",
            "--bucket",
            "archive",
            "--path",
            "svc/two/extra/api",
        ],
    );
    let root = read(dir.path(), "Cargo.toml");
    assert!(
        root.starts_with(&format!(
            "[workspace]\nmembers = [\"./svc/*/api\", \"crates/*\", \"triggers/[a-m]*\", {abs:?}, \"triggers/photos\", \"svc/two/extra/api\"]\n"
        )),
        "{root}"
    );
    let metadata: serde_json::Value = serde_json::from_str(&assert_loads(dir.path())).unwrap();
    let mut members: Vec<&str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    members.sort();
    assert_eq!(
        members,
        [
            "alpha", "api", "deep", "gateway", "media", "one", "photos", "thumbs", "zeta"
        ]
    );
}
