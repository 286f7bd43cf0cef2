//! The keys of a binding or resource table, as data: each source declares
//! its keys once ([`KeySpec`]), and the generic code reads them from
//! Cargo.toml, turns the flags of `new`/`wire` into them, asks for them
//! interactively, writes them back and lists them. One representation of
//! the values: [`Settings`], in the order of the specs.

use serde::Serialize;

use super::arn::{Arn, ArnKind};

/// A value the manifest module writes: the schema has no other kinds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldValue {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<String>),
}

impl FieldValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FieldValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            FieldValue::Str(s) => serde_json::Value::from(s.as_str()),
            FieldValue::Int(i) => serde_json::Value::from(*i),
            FieldValue::Bool(b) => serde_json::Value::from(*b),
            FieldValue::List(l) => serde_json::Value::from(l.clone()),
        }
    }
}

impl std::fmt::Display for FieldValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldValue::Str(s) => f.write_str(s),
            FieldValue::Int(i) => write!(f, "{i}"),
            FieldValue::Bool(b) => write!(f, "{b}"),
            FieldValue::List(l) => f.write_str(&l.join(",")),
        }
    }
}

impl Serialize for FieldValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// A check of a string value; the error says what is wrong.
pub type Check = fn(&str) -> Result<(), String>;

/// A check of a string value whose error says what is wrong and how to fix
/// it, for values with a grammar of their own (a schedule expression, an
/// event pattern): the message stands alone (it may span lines, e.g. a
/// caret under the bad field), the fix is the `help:` line.
pub type Validate = fn(&str) -> Result<(), Invalid>;

/// Why a value failed a [`Validate`] check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub message: String,
    pub help: String,
}

/// What values a key takes.
#[derive(Clone, Copy, Debug)]
pub enum KeyKind {
    /// Any string that `check` accepts (`what` names it in messages:
    /// "is not a valid key filter: …").
    Str {
        check: Option<Check>,
        what: &'static str,
    },
    Int {
        min: i64,
        max: i64,
    },
    Bool,
    /// One of these (as written in Cargo.toml; flags take them in any case).
    Choice(&'static [&'static str]),
    /// A non-empty list of these; with no `choices`, of any strings (the
    /// flag is then repeated, one item each, as values may hold commas).
    List {
        choices: &'static [&'static str],
        /// "an S3 event type", for messages.
        noun: &'static str,
        /// Shown where a value is wrong: "e.g. `s3:ObjectCreated:*`".
        example: &'static str,
    },
    Arn(ArnKind),
}

/// A key's value when it is not written.
#[derive(Clone, Copy, Debug)]
pub enum KeyDefault {
    Str(&'static str),
    Int(i64),
    Bool(bool),
    List(&'static [&'static str]),
}

impl KeyDefault {
    pub fn value(self) -> FieldValue {
        match self {
            KeyDefault::Str(s) => FieldValue::Str(s.to_string()),
            KeyDefault::Int(i) => FieldValue::Int(i),
            KeyDefault::Bool(b) => FieldValue::Bool(b),
            KeyDefault::List(l) => FieldValue::List(l.iter().map(|s| s.to_string()).collect()),
        }
    }
}

/// One key of a binding or resource table.
#[derive(Clone, Copy, Debug)]
pub struct KeySpec {
    /// The key in Cargo.toml (kebab-case); the flag is `--KEY`.
    pub key: &'static str,
    pub kind: KeyKind,
    /// The flag's help text; `None` when the key has no flag.
    pub flag: Option<&'static str>,
    /// The value when absent; new bindings and resources write it.
    pub default: Option<KeyDefault>,
    /// The interactive question, where `new`/`wire` ask for the key.
    pub ask: Option<&'static str>,
    /// `help:` when a flag's value is out of range or fails the key's check
    /// (`{source}` is replaced by the source).
    pub fix: Option<&'static str>,
    /// `help:` when the flag is given for a source without this key.
    pub elsewhere: &'static str,
    /// Shown in `list`'s resource DETAIL column as `LABEL=value`.
    pub list_label: Option<&'static str>,
    /// A string key's full check, with its own fix (after `kind`'s).
    pub validate: Option<Validate>,
    /// A string key whose value, unless it is an ARN, names a declared
    /// resource of one of these kinds (checked with the workspace's
    /// resources, as a binding's target is).
    pub refers_to: &'static [super::ResourceKind],
    /// The flag's name when it is not the key (`--filter` for `filters`,
    /// a list given one item per flag).
    pub long: Option<&'static str>,
}

impl KeySpec {
    pub const fn new(key: &'static str, kind: KeyKind) -> KeySpec {
        KeySpec {
            key,
            kind,
            flag: None,
            default: None,
            ask: None,
            fix: None,
            elsewhere: "remove it",
            list_label: None,
            validate: None,
            refers_to: &[],
            long: None,
        }
    }

    /// Name the flag `--LONG` rather than after the key.
    pub const fn long(mut self, long: &'static str) -> Self {
        self.long = Some(long);
        self
    }

    /// The flag's name without dashes (`batch-size`, `filter`).
    pub fn long_name(&self) -> &'static str {
        match self.long {
            Some(l) => l,
            None => self.key,
        }
    }

    /// A list of free strings: its flag is repeated, one item each.
    pub fn repeated(&self) -> bool {
        matches!(self.kind, KeyKind::List { choices: [], .. })
    }

    pub const fn flag(mut self, help: &'static str) -> Self {
        self.flag = Some(help);
        self
    }

    pub const fn default(mut self, d: KeyDefault) -> Self {
        self.default = Some(d);
        self
    }

    pub const fn ask(mut self, question: &'static str) -> Self {
        self.ask = Some(question);
        self
    }

    pub const fn fix(mut self, help: &'static str) -> Self {
        self.fix = Some(help);
        self
    }

    pub const fn elsewhere(mut self, help: &'static str) -> Self {
        self.elsewhere = help;
        self
    }

    pub const fn list_label(mut self, label: &'static str) -> Self {
        self.list_label = Some(label);
        self
    }

    pub const fn validate(mut self, f: Validate) -> Self {
        self.validate = Some(f);
        self
    }

    pub const fn refers_to(mut self, kinds: &'static [super::ResourceKind]) -> Self {
        self.refers_to = kinds;
        self
    }

    /// `--batch-size`
    pub fn flag_name(&self) -> String {
        format!("--{}", self.long_name())
    }

    /// The values a choice or list key takes.
    pub fn choices(&self) -> &'static [&'static str] {
        match self.kind {
            KeyKind::Choice(c) | KeyKind::List { choices: c, .. } => c,
            _ => &[],
        }
    }

    /// A value to show in an example (`e.g. --events s3:ObjectCreated:*`).
    pub fn example_value(&self) -> String {
        match self.kind {
            KeyKind::Choice(c) | KeyKind::List { choices: c, .. } => c.first().copied().unwrap_or("VALUE").to_string(),
            KeyKind::Arn(kind) => kind.example().to_string(),
            KeyKind::Int { min, .. } => min.to_string(),
            KeyKind::Bool => "true".into(),
            KeyKind::Str { .. } => "VALUE".into(),
        }
    }

    /// What the key takes, for messages.
    pub fn kind_noun(&self) -> &'static str {
        match self.kind {
            KeyKind::Str { .. } | KeyKind::Choice(_) | KeyKind::Arn(_) => "a string",
            KeyKind::Int { .. } => "a whole number",
            KeyKind::Bool => "`true` or `false`",
            KeyKind::List { .. } => "a list",
        }
    }

    /// Check a value read from Cargo.toml (as JSON) or made from a flag.
    /// The error is the reason, to be put after "`KEY` …".
    pub fn check(&self, v: &FieldValue) -> Result<(), KeyError> {
        self.check_kind(v)?;
        match (self.validate, v) {
            (Some(f), FieldValue::Str(s)) => f(s).map_err(KeyError::Explained),
            _ => Ok(()),
        }
    }

    fn check_kind(&self, v: &FieldValue) -> Result<(), KeyError> {
        match (&self.kind, v) {
            (KeyKind::Str { check, what }, FieldValue::Str(s)) => match check {
                Some(f) => f(s).map_err(|why| KeyError::Invalid(format!("is not {what}: {why}"))),
                None => Ok(()),
            },
            (KeyKind::Int { min, max }, FieldValue::Int(i)) if (min..=max).contains(&i) => Ok(()),
            (KeyKind::Int { .. }, FieldValue::Int(_)) => Err(KeyError::Range),
            (KeyKind::Bool, FieldValue::Bool(_)) => Ok(()),
            (KeyKind::Choice(c), FieldValue::Str(s)) if c.contains(&s.as_str()) => Ok(()),
            (KeyKind::Choice(c), FieldValue::Str(s)) => {
                Err(KeyError::Invalid(format!("is `{s}`, expected one of {}", quoted(c))))
            }
            (KeyKind::List { .. }, FieldValue::List(l)) if l.is_empty() => Err(KeyError::Empty),
            (KeyKind::List { choices, noun, .. }, FieldValue::List(l)) => {
                match l.iter().find(|x| !choices.is_empty() && !choices.contains(&x.as_str())) {
                    Some(bad) => Err(KeyError::Item(format!("has `{bad}`, which is not {noun}"))),
                    None => Ok(()),
                }
            }
            (KeyKind::Arn(kind), FieldValue::Str(s)) => {
                Arn::parse(s, *kind).map(|_| ()).map_err(|e| KeyError::Arn(e.0))
            }
            _ => Err(KeyError::Type),
        }
    }
}

/// Why a value does not fit its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// Wrong TOML type.
    Type,
    /// An integer outside the key's range.
    Range,
    /// An empty list.
    Empty,
    /// A list item that is not allowed (the reason).
    Item(String),
    /// A malformed ARN (the whole message).
    Arn(String),
    /// Any other reason, to follow the key's name.
    Invalid(String),
    /// A [`Validate`] check failed: its own message and fix.
    Explained(Invalid),
}

/// `` `a`, `b` ``
pub fn quoted(items: &[&str]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// `` `a`, `b` or `c` ``
pub fn quoted_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => format!("{} or `{last}`", quoted(init)),
    }
}

/// The values of a table's keys, in the order of its specs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Settings(Vec<(&'static str, FieldValue)>);

impl Settings {
    pub fn new() -> Self {
        Settings(Vec::new())
    }

    pub fn get(&self, key: &str) -> Option<&FieldValue> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(FieldValue::as_str)
    }

    pub fn int(&self, key: &str) -> Option<i64> {
        match self.get(key) {
            Some(FieldValue::Int(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key) {
            Some(FieldValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn list(&self, key: &str) -> &[String] {
        match self.get(key) {
            Some(FieldValue::List(l)) => l,
            _ => &[],
        }
    }

    /// A closed-set value parsed into its enum.
    pub fn parse<T: std::str::FromStr>(&self, key: &str) -> Option<T> {
        self.str(key).and_then(|s| s.parse().ok())
    }

    /// Set `key` (keeping its place if it was set).
    pub fn set(&mut self, key: &'static str, value: FieldValue) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &FieldValue)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Put the values in the order of `specs`, and give every key with a
    /// default its default where it has no value.
    pub fn with_defaults(mut self, specs: &[KeySpec]) -> Settings {
        let mut out = Vec::new();
        for s in specs {
            if let Some(i) = self.0.iter().position(|(k, _)| *k == s.key) {
                out.push(self.0.remove(i));
            } else if let Some(d) = s.default {
                out.push((s.key, d.value()));
            }
        }
        out.append(&mut self.0);
        Settings(out)
    }

    /// As a JSON object (for `list --format json` and templates).
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.0.iter().map(|(k, v)| (k.to_string(), v.to_json())).collect()
    }
}

impl Serialize for Settings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}
