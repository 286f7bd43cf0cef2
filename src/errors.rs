//! Errors that say what went wrong and how to fix it.
//!
//! Everything inside the crate is `anyhow::Result`; an error that knows its fix
//! is a [`UserError`] (message plus a `help:` line). The binary turns the
//! result into cargo's exit codes: 101 for failures, 2 for usage errors.

use std::fmt;

pub type CargoResult<T> = anyhow::Result<T>;

/// An error in what the user asked for or wrote, with the fix.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// `bail!`-like constructor: `Err(user_error("…", "…"))`.
pub fn user_error(message: impl Into<String>, help: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UserError {
        message: message.into(),
        help: Some(help.into()),
    })
}

pub(crate) fn help_of(error: &anyhow::Error) -> Option<String> {
    error.downcast_ref::<UserError>().and_then(|e| e.help.clone())
}

pub(crate) fn help_of_cause(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    cause.downcast_ref::<UserError>().and_then(|e| e.help.clone())
}

/// What the binary exits with.
#[derive(Debug)]
pub struct CliError {
    pub error: Option<anyhow::Error>,
    pub code: i32,
}

impl CliError {
    pub fn new(error: anyhow::Error, code: i32) -> Self {
        CliError {
            error: Some(error),
            code,
        }
    }

    /// Exit with `code` without printing anything more (the command has
    /// already reported, e.g. `check` findings).
    pub fn code(code: i32) -> Self {
        CliError { error: None, code }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> Self {
        CliError::new(error, 101)
    }
}

impl From<clap::Error> for CliError {
    fn from(error: clap::Error) -> Self {
        let code = if error.use_stderr() { 2 } else { 0 };
        CliError::new(error.into(), code)
    }
}

pub type CliResult = Result<(), CliError>;
