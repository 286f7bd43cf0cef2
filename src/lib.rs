//! `cargo trigger`: scaffold, wire and export Rust AWS Lambda triggers.
//!
//! Layers, bottom up (`docs/architecture.md`): [`model`] (typed values, no
//! I/O), the owners of one crate each ([`manifest`] toml_edit, [`scaffold`]
//! handlebars, [`shell`] printing), [`workspace`] (the model of a cargo
//! workspace and reading it), [`sources`] (what the tool knows about each
//! event source, one file each), [`ops`] (the operations, generic over the
//! sources), [`prompt`] (inquire), [`commands`] and [`cli`] (clap).
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod commands;
pub mod diagnostics;
pub mod errors;
pub mod events;
pub mod manifest;
pub mod metadata;
pub mod model;
pub mod ops;
pub mod pattern;
pub mod plan;
pub mod prompt;
pub mod runtime_api;
pub mod scaffold;
pub mod schedule;
pub mod settings;
pub mod shell;
pub mod sources;
pub mod workspace;
pub mod yaml;
