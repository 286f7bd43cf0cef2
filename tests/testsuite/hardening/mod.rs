//! Issue 14's classes of hostile paths and values, each through the real
//! binary as a case (`tests/testsuite/hardening/<case>/`): writes that a
//! symbolic link, a backslash or a `members` glob would send astray,
//! `export -o` over a file that is not an export, counts and values that
//! were accepted unchecked, `-p NAME@VERSION`, `unwire` by binding flags,
//! and generated crates that would not build against the workspace's pinned
//! versions. A refused command writes nothing (no `out/`).

use std::path::Path;

use crate::case;
use crate::support::case::{Case, folder_of};

mod cases;

/// A workspace folder of its own inside `outer`, next to `outer/elsewhere/`,
/// which the symbolic link `link` in the workspace points at (`../elsewhere`).
fn beside_elsewhere(dir: std::path::PathBuf, outer: &Path, link: &str) -> Case {
    std::fs::create_dir_all(outer.join("elsewhere")).unwrap();
    let ws = tempfile::tempdir_in(outer).unwrap();
    std::os::unix::fs::symlink("../elsewhere", ws.path().join(link)).unwrap();
    Case::adopt(dir, ws)
}

/// The folder of the case that `here` (a function inside the test) names.
macro_rules! folder {
    () => {{
        fn here() {}
        folder_of(std::any::type_name_of_val(&here))
    }};
}

const WORKSPACE: &str = "[workspace]\nresolver = \"3\"\nmembers = []\n";

#[test]
fn path_through_a_symlink_out() {
    let outer = tempfile::tempdir().unwrap();
    beside_elsewhere(folder!(), outer.path(), "escape")
        .file("Cargo.toml", WORKSPACE)
        .run(&["new", "x1", "--source", "s3", "--bucket", "b", "--path", "escape/x1"])
        .code(101);
    assert!(
        std::fs::read_dir(outer.path().join("elsewhere"))
            .unwrap()
            .next()
            .is_none(),
        "something was written through the link"
    );
}

#[test]
fn trigger_dir_a_symlink_out() {
    let outer = tempfile::tempdir().unwrap();
    beside_elsewhere(folder!(), outer.path(), "triggers")
        .file(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = []\n\n[workspace.metadata.trigger]\ndir = \"triggers\"\n",
        )
        .run(&["new", "x1", "--source", "s3", "--bucket", "b"])
        .code(101);
    assert!(
        std::fs::read_dir(outer.path().join("elsewhere"))
            .unwrap()
            .next()
            .is_none()
    );
}

/// A link that stays inside the workspace is followed: the crate is written
/// where the link points, and recorded under the path given.
#[test]
fn path_through_a_symlink_inside() {
    let case = case!().file("Cargo.toml", WORKSPACE).file("crates/.keep", "");
    std::os::unix::fs::symlink("crates", case.path().join("inner")).unwrap();
    case.run(&["new", "x1", "--source", "s3", "--bucket", "b", "--path", "inner/x1"])
        .ok();
}

#[test]
fn path_through_a_dangling_symlink() {
    let case = case!().file("Cargo.toml", WORKSPACE);
    std::os::unix::fs::symlink("../nowhere-at-all", case.path().join("gone")).unwrap();
    case.run(&["new", "x1", "--source", "s3", "--bucket", "b", "--path", "gone/x1"])
        .code(101);
}
