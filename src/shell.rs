//! The only module that prints. Statuses, warnings and errors go to stderr in
//! cargo's style; data goes to stdout.

use std::io::Write;

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Effects, Style};

const STATUS: Style = AnsiColor::Green.on_default().effects(Effects::BOLD);
const WARN: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);
const ERROR: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
const NOTE: Style = AnsiColor::Cyan.on_default().effects(Effects::BOLD);
const HEADER: Style = Style::new().effects(Effects::BOLD);
const ADDED: Style = AnsiColor::Green.on_default();
const REMOVED: Style = AnsiColor::Red.on_default();
const HUNK: Style = AnsiColor::Cyan.on_default();

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    #[default]
    Normal,
    Verbose,
}

/// `--color` as cargo spells it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

pub struct Shell {
    verbosity: Verbosity,
    err: AutoStream<Box<dyn Write>>,
    out: AutoStream<Box<dyn Write>>,
    warnings: usize,
}

impl Shell {
    /// `color` as cargo resolves it: `always` and `never` are final; `auto`
    /// is anstream's detection (a terminal, `NO_COLOR`, `CLICOLOR`,
    /// `CLICOLOR_FORCE`), per stream.
    pub fn new(verbosity: Verbosity, color: ColorWhen) -> Self {
        let choice = match color {
            ColorWhen::Always => ColorChoice::Always,
            ColorWhen::Never => ColorChoice::Never,
            ColorWhen::Auto => ColorChoice::Auto,
        };
        Shell {
            verbosity,
            err: AutoStream::new(Box::new(std::io::stderr()), choice),
            out: AutoStream::new(Box::new(std::io::stdout()), choice),
            warnings: 0,
        }
    }

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    pub fn warnings(&self) -> usize {
        self.warnings
    }

    /// `    Creating crate …`: a right-aligned green verb, as cargo prints it.
    pub fn status(&mut self, verb: &str, message: impl std::fmt::Display) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let _ = writeln!(self.err, "{STATUS}{verb:>12}{STATUS:#} {message}");
    }

    /// Only printed with `-v`.
    pub fn verbose(&mut self, verb: &str, message: impl std::fmt::Display) {
        if self.verbosity == Verbosity::Verbose {
            let _ = writeln!(self.err, "{STATUS}{verb:>12}{STATUS:#} {message}");
        }
    }

    pub fn warn(&mut self, message: impl std::fmt::Display) {
        self.warnings += 1;
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let _ = writeln!(self.err, "{WARN}warning{WARN:#}: {message}");
    }

    pub fn note(&mut self, message: impl std::fmt::Display) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let _ = writeln!(self.err, "{NOTE}note{NOTE:#}: {message}");
    }

    pub fn help(&mut self, message: impl std::fmt::Display) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        let _ = writeln!(self.err, "{NOTE}help{NOTE:#}: {message}");
    }

    /// Errors are printed even with `-q`.
    pub fn error(&mut self, error: &anyhow::Error) {
        let _ = writeln!(self.err, "{ERROR}error{ERROR:#}: {error}");
        let mut help = crate::errors::help_of(error);
        for cause in error.chain().skip(1) {
            if help.is_none() {
                help = crate::errors::help_of_cause(cause);
            }
            let _ = writeln!(self.err, "\nCaused by:\n  {cause}");
        }
        if let Some(help) = help {
            let _ = writeln!(self.err, "{NOTE}help{NOTE:#}: {help}");
        }
    }

    /// A finding of `check`: `error:`/`warning:` then ` --> file:line` and `key`.
    pub fn diagnostic(&mut self, d: &crate::diagnostics::Diagnostic) {
        use crate::diagnostics::Severity;
        let (style, word) = match d.severity {
            Severity::Error => (ERROR, "error"),
            Severity::Warning => (WARN, "warning"),
        };
        if d.severity == Severity::Warning {
            self.warnings += 1;
        }
        if self.verbosity == Verbosity::Quiet && d.severity == Severity::Warning {
            return;
        }
        let _ = writeln!(self.err, "{style}{word}{style:#}: {}", d.message);
        let _ = writeln!(self.err, "  {NOTE}-->{NOTE:#} {}", d.location());
        if let Some(help) = &d.help {
            let _ = writeln!(self.err, "  {NOTE}help{NOTE:#}: {help}");
        }
    }

    /// Data for the user: stdout, never colour unless it is a terminal.
    pub fn out(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    /// A unified diff, coloured like `git diff` where colour is on.
    pub fn diff(&mut self, text: &str) {
        for line in text.lines() {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                HEADER
            } else if line.starts_with('+') {
                ADDED
            } else if line.starts_with('-') {
                REMOVED
            } else if line.starts_with("@@") {
                HUNK
            } else {
                Style::new()
            };
            let _ = writeln!(self.out, "{style}{line}{style:#}");
        }
        let _ = self.out.flush();
    }

    /// What clap says about the command line: a usage error on stderr,
    /// `--help`/`--version` on stdout; styled when colour is on.
    pub fn clap_message(&mut self, e: &clap::Error) {
        let text = e.render().ansi().to_string();
        let stream = if e.use_stderr() { &mut self.err } else { &mut self.out };
        let _ = stream.write_all(text.as_bytes());
        let _ = stream.flush();
    }

    /// Text written by a child (function logs): passed through to stderr.
    pub fn passthrough_err(&mut self, text: &str) {
        let _ = self.err.write_all(text.as_bytes());
        let _ = self.err.flush();
    }
}
