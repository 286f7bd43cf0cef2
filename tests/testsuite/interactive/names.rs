//! The interactive `new` when the crate's default name is taken: it asks
//! for another (offering a free one) instead of failing after every
//! question, and "edit … now?" names what the editor would open.

use super::{ENTER, answer, finish, replay, spawn};
use crate::support;

#[test]
fn a_taken_default_name_is_asked_for_again() {
    // `photos-s3-trigger` exists: a second S3 crate on `photos` needs a name.
    let ws = support::workspace("virtual");
    let mut p = spawn(ws.path(), &["new", "--source", "s3"], None);
    answer(&mut p, "Which bucket?", ENTER); // photos, the declared bucket
    answer(&mut p, "Which object events?", ENTER);
    answer(&mut p, "(prefix)?", &format!("thumbs/{ENTER}"));
    answer(&mut p, "(suffix)?", ENTER);
    // A taken name is refused, then another typed.
    answer(
        &mut p,
        "`photos-s3-trigger` is taken. Name of the new crate?",
        &format!("users-pre-sign-up{ENTER}"),
    );
    p.exp_string("`users-pre-sign-up` is taken too").unwrap();
    super::send(&mut p, &format!("{}thumbs{ENTER}", "\x7f".repeat(20)));
    answer(
        &mut p,
        "Do you want to edit the handler (`triggers/thumbs/src/lib.rs`) now?",
        &format!("n{ENTER}"),
    );
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    assert!(ws.path().join("triggers/thumbs/src/lib.rs").is_file(), "{out}");
    assert!(
        out.contains("the same, without questions: cargo trigger new thumbs --source s3 --bucket photos"),
        "{out}"
    );
    let again = support::workspace("virtual");
    replay(&out, again.path());
    assert_eq!(support::snapshot(again.path()), support::snapshot(ws.path()));
}

#[test]
fn the_edit_question_names_the_modules() {
    let ws = support::workspace("virtual");
    let mut p = spawn(
        ws.path(),
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "post-confirmation",
            "--module",
            "add-to-group",
            "--set",
            "GROUP=editors",
        ],
        None,
    );
    answer(&mut p, "Which user pool?", ENTER); // users, the declared pool
    answer(
        &mut p,
        "Do you want to edit the module `add-to-group` now?",
        &format!("n{ENTER}"),
    );
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    // The module's long first build is said, too.
    assert!(out.contains("uses the AWS SDK for Rust: the first build"), "{out}");
}

#[test]
fn the_name_offered_is_free() {
    let ws = support::workspace("virtual");
    let mut p = spawn(ws.path(), &["new", "--source", "s3", "--suffix", ".png"], None);
    answer(&mut p, "Which bucket?", ENTER);
    answer(&mut p, "Which object events?", ENTER);
    answer(&mut p, "(prefix)?", &format!("thumbs/{ENTER}"));
    answer(&mut p, "Name of the new crate?", ENTER); // `photos-s3-trigger-2`
    answer(&mut p, "edit the handler", &format!("n{ENTER}"));
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    assert!(
        ws.path().join("triggers/photos-s3-trigger-2/Cargo.toml").is_file(),
        "{out}"
    );
}
