//! The error every pattern dialect returns when AWS would reject the JSON.

use std::fmt;

/// A pattern, filter or policy that AWS would reject, with the place in the
/// JSON (`detail.size[0].numeric[2]`), what is wrong and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// What was being read: `event pattern`, `filter pattern` or `filter policy`.
    pub kind: &'static str,
    /// For Lambda filter criteria with several filters: which one (0-based).
    pub filter: Option<usize>,
    /// Where in the JSON, as `detail.size[0].numeric[2]`; empty for the
    /// whole document (syntax errors, size and complexity limits).
    pub path: String,
    /// What is wrong, lowercase, identifiers in backticks.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl PatternError {
    /// The project's user error (message plus `help:` line).
    pub fn into_user_error(self) -> anyhow::Error {
        let help = self.help.clone();
        crate::errors::user_error(self.to_string(), help)
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}", self.kind)?;
        if let Some(i) = self.filter {
            write!(f, " {}", i + 1)?;
        }
        if !self.path.is_empty() {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for PatternError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_place() {
        let e = PatternError {
            kind: "event pattern",
            filter: None,
            path: "detail.size[0].numeric[2]".into(),
            message: "expected `<` or `<=`".into(),
            help: "h".into(),
        };
        assert_eq!(
            e.to_string(),
            "invalid event pattern at `detail.size[0].numeric[2]`: expected `<` or `<=`"
        );
        let e = PatternError {
            filter: Some(1),
            path: String::new(),
            kind: "filter pattern",
            ..e
        };
        assert_eq!(e.to_string(), "invalid filter pattern 2: expected `<` or `<=`");
        let user = e.into_user_error();
        assert_eq!(crate::errors::help_of(&user).as_deref(), Some("h"));
    }
}
