//! The integration tests, one binary: a module per command, plus the
//! behaviour freeze (`freeze`), the command line itself (`cli`) and the
//! README's examples (`readme`).
//!
//! Each command's module holds its tests (`<command>/mod.rs`) and its cases
//! in cargo's style (`<command>/cases.rs`), whose files are in
//! `tests/testsuite/<command>/<case>/`: `in/`, `out/`, `stdout`, `stderr`
//! (see [`support::case`]). To add a case, add its line to a table (or a
//! `case!()` test) and run
//!
//! ```text
//! SNAPSHOTS=overwrite cargo test --test testsuite -- <its name>
//! ```
//!
//! which writes its files from what the command does now; review them
//! with `git diff` before committing. The same command rewrites every
//! case after an intended change of behaviour; an unintended one shows as a
//! failing case with a diff. Renaming or removing a case leaves its old
//! folder behind: delete it by hand.

mod support;

mod architecture;
mod check;
mod cli;
mod cognito;
mod event;
mod eventbridge;
mod export;
mod faults;
mod freeze;
mod grant;
mod hardening;
mod interactive;
mod invoke;
mod list;
mod manifest_edits;
mod manifest_layout;
mod manifest_props;
mod new;
mod newcomer;
mod patterns;
mod readme;
mod remove;
mod sam_build;
mod scaffolds;
mod sns;
mod unwire;
mod wire;
