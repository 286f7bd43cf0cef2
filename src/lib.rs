//! `cargo trigger`: scaffold, wire and export Rust AWS Lambda triggers.
//!
//! Layout: [`cli`] holds the clap definitions and turns arguments into the
//! plain option structs of [`ops`], which do the work on a [`workspace`]
//! model. Only [`manifest`] touches toml_edit, only [`scaffold`] touches
//! handlebars, only [`prompt`] touches inquire and only [`shell`] prints.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod arn;
pub mod cli;
pub mod commands;
pub mod diagnostics;
pub mod errors;
pub mod events;
pub mod manifest;
pub mod ops;
pub mod pattern;
pub mod plan;
pub mod prompt;
pub mod runtime_api;
pub mod scaffold;
pub mod schedule;
pub mod schema;
pub mod settings;
pub mod shell;
pub mod workspace;
pub mod yaml;
