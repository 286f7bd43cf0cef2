//! The integration tests, one binary: a module per command, plus the
//! behaviour freeze and the README's examples.
//!
//! Cases in cargo's style live in `tests/testsuite/<command>/<case>/` (see
//! [`support::case`]); `SNAPSHOTS=overwrite cargo test --test testsuite`
//! rewrites their expected files from what the commands do now.

mod support;

mod architecture;
mod check;
mod cli;
mod cognito;
mod event;
mod export;
mod freeze;
mod grant;
mod interactive;
mod invoke;
mod list;
mod manifest_edits;
mod new;
mod newcomer;
mod patterns;
mod readme;
mod remove;
mod scaffolds;
mod unwire;
mod wire;
