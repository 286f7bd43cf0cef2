//! Findings about a workspace's metadata: what is wrong, where (file, key,
//! line) and how to fix it. `check` prints them all; other commands refuse to
//! run on a workspace whose metadata has errors.

use std::path::{Path, PathBuf};

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable identifier for the rule, e.g. `unknown-key`, `s3-overlap`.
    pub code: &'static str,
    pub message: String,
    /// The manifest the finding is in.
    pub file: PathBuf,
    /// Dotted TOML key, e.g. `package.metadata.trigger.bindings[1].prefix`.
    pub key: String,
    /// 1-based line of the key in `file`, where it could be found.
    pub line: Option<usize>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: &Path, key: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: file.to_path_buf(),
            key: key.into(),
            line: None,
            help: None,
        }
    }

    pub fn warning(code: &'static str, file: &Path, key: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, key, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `path/Cargo.toml:12: package.metadata.trigger.source`
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.key.is_empty()) {
            (Some(line), false) => format!("{file}:{line}: `{}`", self.key),
            (Some(line), true) => format!("{file}:{line}"),
            (None, false) => format!("{file}: `{}`", self.key),
            (None, true) => format!("{file}"),
        }
    }
}

/// Findings collected while reading or checking a workspace.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        if !self.items.contains(&d) {
            self.items.push(d);
        }
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        for d in other {
            self.push(d);
        }
    }

    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    pub fn into_items(self) -> Vec<Diagnostic> {
        self.items
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Fill in line numbers from the manifests (read once per file), and sort
    /// by file, then line, so the report reads top to bottom.
    pub fn resolve_lines(&mut self, root: &Path) {
        let mut cache: std::collections::HashMap<PathBuf, Option<String>> = Default::default();
        for d in &mut self.items {
            if d.line.is_some() || d.key.is_empty() {
                continue;
            }
            let abs = if d.file.is_absolute() {
                d.file.clone()
            } else {
                root.join(&d.file)
            };
            let text = cache
                .entry(abs.clone())
                .or_insert_with(|| std::fs::read_to_string(&abs).ok());
            if let Some(text) = text {
                d.line = crate::manifest::line_of_key(text, &d.key);
            }
        }
        self.items.sort_by(|a, b| {
            (&a.file, a.line.unwrap_or(0), a.severity).cmp(&(&b.file, b.line.unwrap_or(0), b.severity))
        });
    }
}
