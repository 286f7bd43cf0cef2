//! `grant` and `revoke` cases (`tests/testsuite/grant/<case>/`): each kind
//! of grant written for real (`out/`), revoking them, and every error.

use crate::case;
use crate::support::case::{Case, Failures, TableCase, root, table};

/// The `virtual` fixture (`photos`, `users`, `legacy-clicks`) with a table
/// and its reader: `grant/workspace/` over it.
fn workspace(case: Case) -> Case {
    case.fixture("virtual").tree(&root().join("grant/workspace"))
}

/// (case, crate, resource, access)
const RESOURCE_GRANTS: &[(&str, &str, &str, &str)] = &[
    ("bucket_read", "photos-s3-trigger", "photos", "read"),
    ("bucket_write", "photos-s3-trigger", "photos", "write"),
    ("bucket_read_write", "photos-s3-trigger", "photos", "read-write"),
    ("table_read", "photos-s3-trigger", "todos", "read"),
    ("table_write", "users-pre-sign-up", "todos", "write"),
    ("table_read_write", "todos-dynamodb-trigger", "todos", "read-write"),
    (
        "existing_stream_read",
        "todos-dynamodb-trigger",
        "legacy-clicks",
        "read",
    ),
    ("existing_stream_write", "photos-s3-trigger", "legacy-clicks", "write"),
    ("pool_read", "photos-s3-trigger", "users", "read"),
    ("own_pool_read", "users-pre-sign-up", "users", "read"),
    ("own_pool_read_write", "users-pre-sign-up", "users", "read-write"),
];

#[test]
fn resource_grants() {
    let mut failures = Failures::default();
    for (name, krate, resource, access) in RESOURCE_GRANTS {
        let case = workspace(Case::at("grant", name));
        failures.add(
            case.run(&["grant", krate, "--resource", resource, "--access", access])
                .check(0),
        );
    }
    failures.finish();
}

#[test]
fn actions_on_an_arn() {
    workspace(case!())
        .run(&[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:jobs",
            "--action",
            "sqs:SendMessage",
            "--action",
            "sqs:GetQueueAttributes",
        ])
        .ok();
}

#[test]
fn dry_run() {
    workspace(case!())
        .run(&[
            "grant",
            "photos-s3-trigger",
            "--resource",
            "todos",
            "--access",
            "write",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn a_second_grant() {
    workspace(case!())
        .setup(&["grant", "photos-s3-trigger", "--resource", "todos", "--access", "read"])
        .run(&[
            "grant",
            "photos-s3-trigger",
            "--resource",
            "photos",
            "--access",
            "write",
        ])
        .ok();
}

#[test]
fn revoke_a_resource_grant() {
    workspace(case!())
        .setup(&["grant", "photos-s3-trigger", "--resource", "todos", "--access", "write"])
        .run(&["revoke", "photos-s3-trigger", "--resource", "todos"])
        .ok();
}

#[test]
fn revoke_an_arn_grant() {
    workspace(case!())
        .setup(&[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:jobs",
            "--action",
            "sqs:SendMessage",
        ])
        .run(&[
            "revoke",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:jobs",
        ])
        .ok();
}

#[test]
fn revoke_dry_run() {
    workspace(case!())
        .setup(&["grant", "photos-s3-trigger", "--resource", "users", "--access", "read"])
        .run(&["revoke", "photos-s3-trigger", "--resource", "users", "--dry-run"])
        .ok();
}

#[test]
fn with_manifest_path_to_the_crate() {
    workspace(case!())
        .run(&[
            "grant",
            "--manifest-path",
            "triggers/photos-s3-trigger/Cargo.toml",
            "--resource",
            "users",
            "--access",
            "read",
        ])
        .ok();
}

const ERRORS: &[TableCase] = &[
    (
        "error_unknown_resource",
        &["grant", "photos-s3-trigger", "--resource", "ghost", "--access", "read"],
        101,
    ),
    (
        "error_no_access",
        &["grant", "photos-s3-trigger", "--resource", "photos"],
        101,
    ),
    (
        "error_unknown_access",
        &["grant", "photos-s3-trigger", "--resource", "photos", "--access", "all"],
        101,
    ),
    (
        "error_every_action",
        &[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:q",
            "--action",
            "sqs:*",
        ],
        101,
    ),
    (
        "error_action_without_service",
        &[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:q",
            "--action",
            "SendMessage",
        ],
        101,
    ),
    (
        "error_arn_bad_region",
        &[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:nowhere:1:q",
            "--action",
            "sqs:SendMessage",
        ],
        101,
    ),
    (
        "error_arn_not_an_arn",
        &[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "jobs",
            "--action",
            "sqs:SendMessage",
        ],
        101,
    ),
    (
        "error_no_actions",
        &[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:q",
        ],
        101,
    ),
    (
        "error_resource_and_arn",
        &[
            "grant",
            "photos-s3-trigger",
            "--resource",
            "photos",
            "--arn",
            "arn:aws:s3:::x",
        ],
        101,
    ),
    ("error_no_target", &["grant", "photos-s3-trigger"], 101),
    (
        "error_action_with_resource",
        &[
            "grant",
            "photos-s3-trigger",
            "--resource",
            "photos",
            "--action",
            "s3:GetObject",
        ],
        101,
    ),
    (
        "error_access_with_arn",
        &[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:q",
            "--access",
            "read",
        ],
        101,
    ),
    (
        "error_not_a_trigger_crate",
        &["grant", "api", "--resource", "photos", "--access", "read"],
        101,
    ),
    (
        "error_unknown_crate",
        &["grant", "nope", "--resource", "photos", "--access", "read"],
        101,
    ),
    (
        "error_named_twice",
        &[
            "grant",
            "photos-s3-trigger",
            "-p",
            "users-pre-sign-up",
            "--resource",
            "photos",
            "--access",
            "read",
        ],
        101,
    ),
    (
        "error_outside_a_member",
        &["grant", "--resource", "photos", "--access", "read"],
        101,
    ),
    (
        "error_revoke_no_such_grant",
        &["revoke", "photos-s3-trigger", "--resource", "photos"],
        101,
    ),
    (
        "error_locked",
        &[
            "grant",
            "photos-s3-trigger",
            "--resource",
            "photos",
            "--access",
            "read",
            "--locked",
        ],
        101,
    ),
];

#[test]
fn errors_on_a_workspace() {
    table("grant", "virtual", ERRORS);
}

#[test]
fn error_grant_twice() {
    workspace(case!())
        .setup(&["grant", "photos-s3-trigger", "--resource", "todos", "--access", "read"])
        .run(&["grant", "photos-s3-trigger", "--resource", "todos", "--access", "write"])
        .code(101);
}

#[test]
fn error_same_arn_grant_twice() {
    workspace(case!())
        .setup(&[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:jobs",
            "--action",
            "sqs:SendMessage",
        ])
        .run(&[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:jobs",
            "--action",
            "sqs:SendMessage",
        ])
        .code(101);
}

#[test]
fn error_revoke_lists_the_grants() {
    workspace(case!())
        .setup(&["grant", "photos-s3-trigger", "--resource", "todos", "--access", "read"])
        .run(&["revoke", "photos-s3-trigger", "--resource", "users"])
        .code(101);
}
