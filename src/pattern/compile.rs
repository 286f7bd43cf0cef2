//! Reading a pattern's JSON the way AWS's matcher does, rejecting what AWS
//! rejects, and expanding `$or` into the alternatives it stands for.

use serde_json::{Map, Number, Value};

use super::error::PatternError;
use super::matcher::{AnythingBut, Bound, Cidr, Matcher, Range, Wildcard, WildcardError};
use super::path::JsonPath;
use super::value::{Leaf, join};

/// What one AWS service accepts in a pattern.
pub(crate) struct Dialect {
    /// `event pattern`, `filter pattern`, `filter policy`.
    pub(crate) kind: &'static str,
    /// How errors name the service: `EventBridge`, `Lambda`, `SNS`.
    pub(crate) service: &'static str,
    /// The kind with its service and article: `an SNS filter policy`.
    pub(crate) described: &'static str,
    pub(crate) prefix_ignore_case: bool,
    pub(crate) suffix_ignore_case: bool,
    pub(crate) wildcard: bool,
    pub(crate) cidr: bool,
    pub(crate) anything_but_prefix: bool,
    pub(crate) anything_but_suffix: bool,
    pub(crate) anything_but_ignore_case: bool,
    pub(crate) anything_but_wildcard: bool,
    /// Largest magnitude a `numeric` bound may have, and how to say it.
    pub(crate) numeric_limit: f64,
    pub(crate) numeric_limit_text: &'static str,
    /// Digits after the decimal point a `numeric` bound may have.
    pub(crate) numeric_decimals: usize,
    /// `Some((message, help))` when nested objects are refused.
    pub(crate) no_nesting: Option<(&'static str, &'static str)>,
    /// An example of a valid document, for help lines.
    pub(crate) example: &'static str,
}

const ALL_OPERATORS: &[&str] = &[
    "prefix",
    "suffix",
    "equals-ignore-case",
    "wildcard",
    "anything-but",
    "numeric",
    "exists",
    "cidr",
];

/// Keys AWS's matcher reserves; they can't name a field inside `$or`.
const RESERVED_IN_OR: &[&str] = &[
    "exactly",
    "equals-ignore-case",
    "prefix",
    "suffix",
    "anything-but",
    "exists",
    "wildcard",
    "numeric",
    "cidr",
    "=",
    "<",
    "<=",
    ">",
    ">=",
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "date-after",
    "date-on-or-after",
    "date-before",
    "date-on-or-before",
    "in-date-range",
    "ip-address-in-range",
    "ip-address-not-in-range",
];

impl Dialect {
    pub(crate) fn error(&self, path: &JsonPath, message: impl Into<String>, help: impl Into<String>) -> PatternError {
        PatternError {
            kind: self.kind,
            filter: None,
            path: path.render(),
            message: message.into(),
            help: help.into(),
        }
    }

    fn supports(&self, op: &str) -> bool {
        match op {
            "wildcard" => self.wildcard,
            "cidr" => self.cidr,
            _ => ALL_OPERATORS.contains(&op),
        }
    }

    fn operator_list(&self) -> String {
        let ops: Vec<String> = ALL_OPERATORS
            .iter()
            .filter(|op| self.supports(op))
            .map(|op| format!("`{op}`"))
            .collect();
        ops.join(", ")
    }

    /// Syntax and the top-level shape: the document must be a JSON object.
    pub(crate) fn parse_document(&self, text: &str) -> Result<Map<String, Value>, PatternError> {
        let root = JsonPath::root();
        let value: Value = serde_json::from_str(text).map_err(|e| {
            self.error(
                &root,
                format!("not valid JSON: {e}"),
                format!("{} is a JSON object such as `{}`", self.described, self.example),
            )
        })?;
        match value {
            Value::Object(map) => Ok(map),
            other => Err(self.error(
                &root,
                format!("it must be a JSON object, not {}", describe_type(&other)),
                format!("write the keys to match in an object, e.g. `{}`", self.example),
            )),
        }
    }

    /// The whole document (already known to be an object).
    pub(crate) fn compile(&self, map: &Map<String, Value>) -> Result<Obj, PatternError> {
        self.object(map, &JsonPath::root(), false, 1)
    }

    fn object(
        &self,
        map: &Map<String, Value>,
        path: &JsonPath,
        in_or: bool,
        depth: usize,
    ) -> Result<Obj, PatternError> {
        if map.is_empty() {
            return Err(self.error(
                path,
                "empty objects are not allowed",
                "give the object a key to match, or remove it",
            ));
        }
        let mut entries = Vec::with_capacity(map.len());
        for (key, value) in map {
            let here = path.key(key);
            if key == "$or" {
                entries.push(Entry::Or(self.or(value, &here, depth)?));
                continue;
            }
            if in_or && RESERVED_IN_OR.contains(&key.as_str()) {
                return Err(self.error(
                    &here,
                    format!("`{key}` is an operator name and can't be a key inside `$or`"),
                    format!("operators go inside a key's array, e.g. `\"key\": [{{\"{key}\": …}}]`"),
                ));
            }
            let node = match value {
                Value::Object(inner) => {
                    if let Some((message, help)) = self.no_nesting {
                        return Err(self.error(&here, message, help));
                    }
                    Node::Obj(self.object(inner, &here, in_or, depth + 1)?)
                }
                Value::Array(items) => Node::Leaf(self.values(items, &here)?),
                other => {
                    return Err(self.error(
                        &here,
                        format!(
                            "`{key}` must be an array of values to match or an object of keys, not {}",
                            describe_type(other)
                        ),
                        format!("put the value in an array: `\"{key}\": [{other}]`"),
                    ));
                }
            };
            entries.push(Entry::Field { key: key.clone(), node });
        }
        Ok(Obj { entries })
    }

    fn or(&self, value: &Value, path: &JsonPath, depth: usize) -> Result<Vec<Obj>, PatternError> {
        let help =
            "write `\"$or\": [{\"a\": [1]}, {\"b\": [2]}]`: an array of two or more objects, any of which may match";
        let Value::Array(items) = value else {
            return Err(self.error(
                path,
                format!("`$or` takes an array of objects, not {}", describe_type(value)),
                help,
            ));
        };
        if items.len() < 2 {
            return Err(self.error(
                path,
                format!("`$or` needs at least two objects, found {}", items.len()),
                help,
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::Object(map) => self.object(map, &path.index(i), true, depth),
                other => Err(self.error(
                    &path.index(i),
                    format!("each `$or` alternative must be an object, not {}", describe_type(other)),
                    help,
                )),
            })
            .collect()
    }

    fn values(&self, items: &[Value], path: &JsonPath) -> Result<Vec<Matcher>, PatternError> {
        if items.is_empty() {
            return Err(self.error(
                path,
                "empty arrays are not allowed: an empty array matches nothing",
                "list at least one value, e.g. `[\"a\", \"b\"]` (either matches), or `[{\"exists\": true}]`",
            ));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let here = path.index(i);
                match item {
                    Value::Object(map) => self.operator(map, &here),
                    Value::Array(_) => Err(self.error(
                        &here,
                        "a value to match must be a string, a number, `true`, `false`, `null` or an operator object, not an array",
                        "list the values side by side: `[\"a\", \"b\"]` matches either",
                    )),
                    scalar => Ok(Matcher::Exact(Leaf::from_value(scalar).expect("scalar"))),
                }
            })
            .collect()
    }

    fn operator(&self, map: &Map<String, Value>, path: &JsonPath) -> Result<Matcher, PatternError> {
        let ops_help = || format!("{} supports {}", self.service, self.operator_list());
        let mut iter = map.iter();
        let Some((op, arg)) = iter.next() else {
            return Err(self.error(path, "an operator object needs an operator", ops_help()));
        };
        if map.len() > 1 {
            let names: Vec<String> = map.keys().map(|k| format!("`{k}`")).collect();
            return Err(self.error(
                path,
                format!("an operator object holds exactly one operator, this one has {}", names.join(", ")),
                "put each operator in its own object, e.g. `[{\"prefix\": \"a\"}, {\"suffix\": \"b\"}]` (either matches)",
            ));
        }
        let here = path.key(op);
        match op.as_str() {
            "prefix" => self.prefix_like(arg, &here, "prefix", self.prefix_ignore_case),
            "suffix" => self.prefix_like(arg, &here, "suffix", self.suffix_ignore_case),
            "equals-ignore-case" => match arg {
                Value::String(s) => Ok(Matcher::EqualsIgnoreCase(s.clone())),
                other => Err(self.not_a_string(&here, op, other)),
            },
            "wildcard" if self.wildcard => match arg {
                Value::String(s) => Ok(Matcher::Wildcard(self.wildcard(s, &here)?)),
                other => Err(self.not_a_string(&here, op, other)),
            },
            "anything-but" => self.anything_but(arg, &here),
            "numeric" => Ok(Matcher::Numeric(self.numeric(arg, &here)?)),
            "exists" => match arg {
                Value::Bool(b) => Ok(Matcher::Exists(*b)),
                other => Err(self.error(
                    &here,
                    format!("`exists` takes `true` or `false`, not {}", describe_type(other)),
                    "write `{\"exists\": true}` (the key is present) or `{\"exists\": false}` (it is absent)",
                )),
            },
            "cidr" if self.cidr => match arg {
                Value::String(s) => Cidr::parse(s).map(Matcher::Cidr).map_err(|message| {
                    self.error(
                        &here,
                        message,
                        "write an address and a mask such as `10.0.0.0/24`; match one address with a plain value: `[\"10.0.0.1\"]`",
                    )
                }),
                other => Err(self.not_a_string(&here, op, other)),
            },
            known if ALL_OPERATORS.contains(&known) => Err(self.error(
                &here,
                format!("`{known}` is not supported in {}", self.described),
                ops_help(),
            )),
            "exactly" => Err(self.error(
                &here,
                "`exactly` is not a documented operator",
                "write the value itself: `[\"my-value\"]`",
            )),
            unknown => {
                let lowered = unknown.to_ascii_lowercase();
                let help = if lowered != unknown && self.supports(&lowered) {
                    format!("operators are lowercase: write `{lowered}`")
                } else {
                    ops_help()
                };
                Err(self.error(&here, format!("unknown operator `{unknown}`"), help))
            }
        }
    }

    fn not_a_string(&self, path: &JsonPath, op: &str, other: &Value) -> PatternError {
        self.error(
            path,
            format!("`{op}` takes a string, not {}", describe_type(other)),
            format!("write `{{\"{op}\": \"text\"}}`"),
        )
    }

    fn prefix_like(
        &self,
        arg: &Value,
        path: &JsonPath,
        op: &str,
        ignore_case_ok: bool,
    ) -> Result<Matcher, PatternError> {
        let build = |value: String, ignore_case: bool| {
            if op == "prefix" {
                Matcher::Prefix { value, ignore_case }
            } else {
                Matcher::Suffix { value, ignore_case }
            }
        };
        match arg {
            Value::String(s) => Ok(build(s.clone(), false)),
            Value::Object(map) if ignore_case_ok => {
                let help = format!("write `{{\"{op}\": {{\"equals-ignore-case\": \"text\"}}}}`");
                match map.iter().next() {
                    Some((inner, value)) if map.len() == 1 && inner == "equals-ignore-case" => match value {
                        Value::String(s) => Ok(build(s.clone(), true)),
                        other => Err(self.not_a_string(&path.key(inner), inner, other)),
                    },
                    Some((inner, _)) if map.len() == 1 => Err(self.error(
                        &path.key(inner),
                        format!("`{op}` can only be combined with `equals-ignore-case`, not `{inner}`"),
                        help,
                    )),
                    _ => Err(self.error(
                        path,
                        format!("`{op}` takes a string or an object with just `equals-ignore-case`"),
                        help,
                    )),
                }
            }
            Value::Object(_) => Err(self.error(
                path,
                format!(
                    "`{op}` with `equals-ignore-case` is not supported in {}",
                    self.described
                ),
                format!("write `{{\"{op}\": \"text\"}}` (case-sensitive)"),
            )),
            other => Err(self.not_a_string(path, op, other)),
        }
    }

    fn wildcard(&self, s: &str, path: &JsonPath) -> Result<Wildcard, PatternError> {
        Wildcard::parse(s).map_err(|e| match e {
            WildcardError::ConsecutiveStars(at) => self.error(
                path,
                format!("`{s}` has two `*` in a row at character {at}"),
                "one `*` already matches any run of characters: remove the extra one",
            ),
            WildcardError::BadEscape(at) => self.error(
                path,
                format!("`{s}` has a `\\` at character {at} that escapes neither `*` nor `\\`"),
                "write `\\*` for a literal star and `\\\\` for a literal backslash",
            ),
        })
    }

    fn anything_but(&self, arg: &Value, path: &JsonPath) -> Result<Matcher, PatternError> {
        let help = "write `{\"anything-but\": \"x\"}`, `{\"anything-but\": [\"x\", \"y\"]}` or `{\"anything-but\": {\"prefix\": \"x\"}}`";
        let values = match arg {
            Value::String(_) | Value::Number(_) => vec![Leaf::from_value(arg).expect("scalar")],
            Value::Array(items) => {
                if items.is_empty() {
                    return Err(self.error(path, "`anything-but` needs at least one value", help));
                }
                let mut kind = None;
                let mut values = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let this = match item {
                        Value::String(_) => "strings",
                        Value::Number(_) => "numbers",
                        other => {
                            return Err(self.error(
                                &path.index(i),
                                format!(
                                    "an `anything-but` list holds strings or numbers, not {}",
                                    describe_type(other)
                                ),
                                help,
                            ));
                        }
                    };
                    if kind.is_some_and(|k| k != this) {
                        return Err(self.error(
                            &path.index(i),
                            "an `anything-but` list must be all strings or all numbers, this one mixes them",
                            "use two operators: `[{\"anything-but\": [\"a\"]}]` and a separate key or pattern for numbers",
                        ));
                    }
                    kind = Some(this);
                    values.push(Leaf::from_value(item).expect("scalar"));
                }
                values
            }
            Value::Object(map) => return self.anything_but_of(map, path),
            other => {
                return Err(self.error(
                    path,
                    format!(
                        "`anything-but` takes a string, a number, a list of them or an object, not {}",
                        describe_type(other)
                    ),
                    help,
                ));
            }
        };
        Ok(Matcher::AnythingBut(AnythingBut::Values(values)))
    }

    fn anything_but_of(&self, map: &Map<String, Value>, path: &JsonPath) -> Result<Matcher, PatternError> {
        let supported: Vec<&str> = [
            ("prefix", self.anything_but_prefix),
            ("suffix", self.anything_but_suffix),
            ("equals-ignore-case", self.anything_but_ignore_case),
            ("wildcard", self.anything_but_wildcard),
        ]
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(op, _)| *op)
        .collect();
        let help = if supported.is_empty() {
            format!(
                "{} supports `anything-but` with a value or a list of values only",
                self.service
            )
        } else {
            let list: Vec<String> = supported.iter().map(|op| format!("`{op}`")).collect();
            format!(
                "{} supports `anything-but` with a value, a list, or an object of {}",
                self.service,
                list.join(", ")
            )
        };
        let (op, arg) = match map.iter().next() {
            Some(entry) if map.len() == 1 => entry,
            _ => {
                return Err(self.error(path, "an `anything-but` object holds exactly one operator", help));
            }
        };
        let here = path.key(op);
        if !supported.contains(&op.as_str()) {
            let message = if ["prefix", "suffix", "equals-ignore-case", "wildcard"].contains(&op.as_str()) {
                format!("`anything-but` with `{op}` is not supported in {}", self.described)
            } else {
                format!("`{op}` can't be used inside `anything-but`")
            };
            return Err(self.error(&here, message, help));
        }
        let strings: Vec<(JsonPath, &str)> = match arg {
            Value::String(s) => vec![(here.clone(), s.as_str())],
            Value::Array(items) if !items.is_empty() => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) => out.push((here.index(i), s.as_str())),
                        other => return Err(self.not_a_string(&here.index(i), op, other)),
                    }
                }
                out
            }
            Value::Array(_) => {
                return Err(self.error(
                    &here,
                    format!("`{op}` inside `anything-but` needs at least one string"),
                    help,
                ));
            }
            other => {
                return Err(self.error(
                    &here,
                    format!(
                        "`{op}` inside `anything-but` takes a string or a list of strings, not {}",
                        describe_type(other)
                    ),
                    help,
                ));
            }
        };
        if matches!(op.as_str(), "prefix" | "suffix")
            && let Some((at, _)) = strings.iter().find(|(_, s)| s.is_empty())
        {
            return Err(self.error(
                at,
                format!("an empty `{op}` inside `anything-but` is not allowed"),
                format!("every string has the empty {op}: name a real one"),
            ));
        }
        let owned = || strings.iter().map(|(_, s)| s.to_string()).collect::<Vec<_>>();
        Ok(Matcher::AnythingBut(match op.as_str() {
            "prefix" => AnythingBut::Prefixes(owned()),
            "suffix" => AnythingBut::Suffixes(owned()),
            "equals-ignore-case" => AnythingBut::IgnoreCase(owned()),
            _ => AnythingBut::Wildcards(
                strings
                    .iter()
                    .map(|(at, s)| self.wildcard(s, at))
                    .collect::<Result<_, _>>()?,
            ),
        }))
    }

    fn numeric(&self, arg: &Value, path: &JsonPath) -> Result<Range, PatternError> {
        let example = "write e.g. `{\"numeric\": [\">\", 0, \"<=\", 5]}` or `{\"numeric\": [\"=\", 100]}`";
        let Value::Array(items) = arg else {
            return Err(self.error(
                path,
                format!("`numeric` takes an array of comparisons, not {}", describe_type(arg)),
                example,
            ));
        };
        let op_at = |i: usize| -> Result<&str, PatternError> {
            match items.get(i) {
                Some(Value::String(s)) => Ok(s.as_str()),
                Some(other) => Err(self.error(
                    &path.index(i),
                    format!("expected a comparison (`=`, `<`, `<=`, `>`, `>=`), found `{other}`"),
                    example,
                )),
                None => Err(self.error(path, "`numeric` needs a comparison and a number", example)),
            }
        };
        let num_at = |i: usize, op: &str| -> Result<f64, PatternError> {
            match items.get(i) {
                Some(Value::Number(n)) => self.bound(n, &path.index(i)),
                Some(other) => Err(self.error(
                    &path.index(i),
                    format!("`{op}` must be followed by a number, not `{other}`"),
                    example,
                )),
                None => Err(self.error(path, format!("`{op}` must be followed by a number"), example)),
            }
        };
        let op = op_at(0)?;
        let range = match op {
            "=" => {
                let x = num_at(1, op)?;
                if items.len() > 2 {
                    return Err(self.error(
                        &path.index(2),
                        "`=` takes exactly one number; remove what follows it",
                        example,
                    ));
                }
                Range {
                    lower: Bound::Inclusive(x),
                    upper: Bound::Inclusive(x),
                }
            }
            "<" | "<=" => {
                let x = num_at(1, op)?;
                if items.len() > 2 {
                    return Err(self.error(
                        &path.index(2),
                        "an upper bound (`<`, `<=`) ends the comparison; a range starts with the lower bound",
                        "write the lower bound first: `[\">\", 10, \"<\", 100]`",
                    ));
                }
                let upper = if op == "<" {
                    Bound::Exclusive(x)
                } else {
                    Bound::Inclusive(x)
                };
                Range {
                    lower: Bound::Unbounded,
                    upper,
                }
            }
            ">" | ">=" => {
                let lo = num_at(1, op)?;
                let lower = if op == ">" {
                    Bound::Exclusive(lo)
                } else {
                    Bound::Inclusive(lo)
                };
                if items.len() == 2 {
                    Range {
                        lower,
                        upper: Bound::Unbounded,
                    }
                } else {
                    let op2 = op_at(2).map_err(|e| PatternError {
                        message: format!("expected `<` or `<=` after the lower bound, found `{}`", items[2]),
                        ..e
                    })?;
                    if !matches!(op2, "<" | "<=") {
                        return Err(self.error(
                            &path.index(2),
                            format!(
                                "a range is a lower bound then an upper bound: expected `<` or `<=`, found `{op2}`"
                            ),
                            "write e.g. `[\">=\", 1, \"<\", 2]`",
                        ));
                    }
                    let hi = num_at(3, op2)?;
                    if items.len() > 4 {
                        return Err(self.error(
                            &path.index(4),
                            "a range has at most four elements: a lower and an upper bound",
                            "write one range per operator object; several objects in the array match if any does",
                        ));
                    }
                    if lo >= hi {
                        return Err(self.error(
                            &path.index(3),
                            format!(
                                "the upper bound {} must be greater than the lower bound {}",
                                items[3], items[1]
                            ),
                            "swap the bounds, or use `[\"=\", n]` for a single number",
                        ));
                    }
                    let upper = if op2 == "<" {
                        Bound::Exclusive(hi)
                    } else {
                        Bound::Inclusive(hi)
                    };
                    Range { lower, upper }
                }
            }
            other => {
                return Err(self.error(
                    &path.index(0),
                    format!("unknown comparison `{other}`"),
                    "use `=`, `<`, `<=`, `>` or `>=`",
                ));
            }
        };
        Ok(range)
    }

    /// A `numeric` bound within the range and precision the service compares.
    fn bound(&self, n: &Number, path: &JsonPath) -> Result<f64, PatternError> {
        let x = n.as_f64().unwrap_or(f64::INFINITY);
        if !x.is_finite() || x.abs() > self.numeric_limit {
            return Err(self.error(
                path,
                format!(
                    "{n} is outside the range {} compares: {}",
                    self.service, self.numeric_limit_text
                ),
                "use a number within that range",
            ));
        }
        let decimals = if n.is_f64() {
            format!("{x}").split_once('.').map_or(0, |(_, frac)| frac.len())
        } else {
            0
        };
        if decimals > self.numeric_decimals {
            return Err(self.error(
                path,
                format!(
                    "{n} has {decimals} digits after the decimal point; {} compares {} at most",
                    self.service, self.numeric_decimals
                ),
                format!("round it to {} decimal places", self.numeric_decimals),
            ));
        }
        Ok(x)
    }
}

pub(crate) fn describe_type(value: &Value) -> String {
    match value {
        Value::Null => "`null`".to_string(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("a number (`{n}`)"),
        Value::String(s) => format!("a string (`{}`)", Value::String(s.clone())),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

/// A compiled object of a pattern, in document order.
#[derive(Clone, Debug)]
pub(crate) struct Obj {
    pub(crate) entries: Vec<Entry>,
}

#[derive(Clone, Debug)]
pub(crate) enum Entry {
    Field { key: String, node: Node },
    Or(Vec<Obj>),
}

#[derive(Clone, Debug)]
pub(crate) enum Node {
    Obj(Obj),
    Leaf(Vec<Matcher>),
}

/// One alternative of a pattern once `$or` is expanded: every listed key
/// must match.
#[derive(Clone, Debug, Default)]
pub(crate) struct SubRule {
    pub(crate) fields: Vec<FieldRule>,
}

#[derive(Clone, Debug)]
pub(crate) struct FieldRule {
    /// Dotted path, as AWS's matcher names it: `detail.state`.
    pub(crate) path: String,
    pub(crate) matchers: Vec<Matcher>,
}

impl SubRule {
    /// A key given twice keeps its first place and its last value, as AWS
    /// documents for duplicate keys.
    fn set(&mut self, path: String, matchers: Vec<Matcher>) {
        match self.fields.iter_mut().find(|f| f.path == path) {
            Some(field) => field.matchers = matchers,
            None => self.fields.push(FieldRule { path, matchers }),
        }
    }
}

impl Obj {
    /// How many alternatives `$or` expands this object into (saturating).
    pub(crate) fn combinations(&self) -> u64 {
        let mut total: u64 = 1;
        for entry in &self.entries {
            let n = match entry {
                Entry::Field { node: Node::Obj(o), .. } => o.combinations(),
                Entry::Field {
                    node: Node::Leaf(_), ..
                } => 1,
                Entry::Or(branches) => branches
                    .iter()
                    .fold(0u64, |acc, b| acc.saturating_add(b.combinations())),
            };
            total = total.saturating_mul(n);
        }
        total
    }

    /// The alternatives, each a flat list of dotted keys and their operators.
    /// Call only after checking [`Obj::combinations`] against a limit.
    pub(crate) fn expand(&self) -> Vec<SubRule> {
        self.expand_into(vec![SubRule::default()], "")
    }

    fn expand_into(&self, mut rules: Vec<SubRule>, prefix: &str) -> Vec<SubRule> {
        for entry in &self.entries {
            match entry {
                Entry::Field {
                    key,
                    node: Node::Leaf(matchers),
                } => {
                    let path = join(prefix, key);
                    for rule in &mut rules {
                        rule.set(path.clone(), matchers.clone());
                    }
                }
                Entry::Field {
                    key,
                    node: Node::Obj(inner),
                } => {
                    rules = inner.expand_into(rules, &join(prefix, key));
                }
                Entry::Or(branches) => {
                    rules = rules
                        .into_iter()
                        .flat_map(|rule| {
                            branches
                                .iter()
                                .flat_map(|branch| branch.expand_into(vec![rule.clone()], prefix))
                                .collect::<Vec<_>>()
                        })
                        .collect();
                }
            }
        }
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// EventBridge's, with a shorter example.
    fn dialect() -> Dialect {
        Dialect {
            example: r#"{"source": ["aws.ec2"]}"#,
            ..crate::pattern::EVENTBRIDGE
        }
    }

    fn compile(text: &str) -> Result<Obj, PatternError> {
        let d = dialect();
        let map = d.parse_document(text)?;
        d.compile(&map)
    }

    #[test]
    fn or_expands_into_alternatives_in_document_order() {
        let obj = compile(
            r#"{"source": ["aws.cloudwatch"], "$or": [
                {"metricName": ["CPUUtilization"]},
                {"metricType": ["MetricType"], "namespace": ["AWS/EC2"]},
                {"scope": ["Service"]}]}"#,
        )
        .unwrap();
        assert_eq!(obj.combinations(), 3);
        let rules = obj.expand();
        let paths: Vec<Vec<&str>> = rules
            .iter()
            .map(|r| r.fields.iter().map(|f| f.path.as_str()).collect())
            .collect();
        assert_eq!(
            paths,
            [
                vec!["source", "metricName"],
                vec!["source", "metricType", "namespace"],
                vec!["source", "scope"]
            ]
        );
    }

    #[test]
    fn parallel_and_nested_or_multiply() {
        let obj =
            compile(r#"{"$or": [{"a": [1]}, {"b": [2]}], "detail": {"$or": [{"c": [3]}, {"d": [4]}, {"e": [5]}]}}"#)
                .unwrap();
        assert_eq!(obj.combinations(), 6);
        assert_eq!(obj.expand().len(), 6);
        let nested = compile(r#"{"$or": [{"a": [1]}, {"b": [2], "$or": [{"c": [3]}, {"d": [4]}]}]}"#).unwrap();
        assert_eq!(nested.combinations(), 3);
        let rules = nested.expand();
        assert_eq!(
            rules[2].fields.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["b", "d"]
        );
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let obj =
            compile(r#"{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}"#)
                .unwrap();
        let rules = obj.expand();
        assert_eq!(rules[0].fields.len(), 1);
        assert!(matches!(rules[0].fields[0].matchers[0], Matcher::AnythingBut(_)));
    }

    #[test]
    fn errors_name_the_place() {
        let err = |text: &str| compile(text).unwrap_err();
        assert_eq!(
            err(r#"{"detail": {"size": [{"numeric": [">", 0, ">", 5]}]}}"#).path,
            "detail.size[0].numeric[2]"
        );
        assert_eq!(err(r#"{"a": [{"numeric": [">", 3, "<", 1]}]}"#).path, "a[0].numeric[3]");
        assert_eq!(err(r#"{"$or": [{"a": [1]}, {"prefix": ["x"]}]}"#).path, "$or[1].prefix");
        assert_eq!(
            err(r#"{"a": [{"anything-but": ["x", 1]}]}"#).path,
            "a[0].anything-but[1]"
        );
        assert_eq!(err(r#"[1]"#).path, "");
        assert!(
            err(r#"{"a": [1]"#)
                .message
                .starts_with("not valid JSON: EOF while parsing")
        );
    }
}
