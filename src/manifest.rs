//! The only module that touches `toml_edit`: format-preserving edits of
//! Cargo.toml files. Every byte outside what an edit changes stays as it was
//! (comments, order, spacing, quoting, CRLF line endings); a whole manifest is
//! never re-serialised from data.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike, Value};

use crate::errors::{CargoResult, user_error};
use crate::model::FieldValue;

/// `[package.metadata.trigger]`
pub const TRIGGER: [&str; 3] = ["package", "metadata", "trigger"];
/// `[package.metadata.lambda.env]`
pub const LAMBDA_ENV: [&str; 4] = ["package", "metadata", "lambda", "env"];
/// `[workspace.metadata.trigger.resources]`
pub const RESOURCES: [&str; 4] = ["workspace", "metadata", "trigger", "resources"];

/// A Cargo.toml in memory: its path, the text it was read from and the
/// editable document.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub path: PathBuf,
    original: String,
    doc: DocumentMut,
    crlf: bool,
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before.len(), |i| before.len() - i - 1) + 1;
    (line, col)
}

/// `new` with the line endings of `original` on every line they share (a
/// line-level diff that ignores endings); added lines take the ending most
/// of `original`'s lines have.
fn keep_line_endings(original: &str, new: &str) -> String {
    let old_lines: Vec<&str> = original.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let bare = |l: &&str| -> String { l.trim_end_matches(['\r', '\n']).to_string() };
    let old_keys: Vec<String> = old_lines.iter().map(bare).collect();
    let new_keys: Vec<String> = new_lines.iter().map(bare).collect();
    let crlf_lines = old_lines.iter().filter(|l| l.ends_with("\r\n")).count();
    let eol = if crlf_lines * 2 >= old_lines.len() {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::with_capacity(new.len() + new.len() / 20);
    let push = |out: &mut String, line: &str| {
        // A previous last line without an ending gets one when more follows.
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(eol);
        }
        out.push_str(line);
    };
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old_keys, &new_keys) {
        match op {
            similar::DiffOp::Equal { old_index, len, .. } => {
                for line in &old_lines[old_index..old_index + len] {
                    push(&mut out, line);
                }
            }
            similar::DiffOp::Insert { new_index, new_len, .. }
            | similar::DiffOp::Replace { new_index, new_len, .. } => {
                for line in &new_lines[new_index..new_index + new_len] {
                    let body = line.trim_end_matches(['\r', '\n']);
                    let ended = line.ends_with('\n');
                    push(&mut out, body);
                    if ended {
                        out.push_str(eol);
                    }
                }
            }
            similar::DiffOp::Delete { .. } => {}
        }
    }
    out
}

impl Manifest {
    pub fn open(path: &Path) -> CargoResult<Manifest> {
        let text = std::fs::read_to_string(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        Manifest::parse(path, text)
    }

    pub fn parse(path: &Path, text: String) -> CargoResult<Manifest> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            let at = e.span().map(|s| line_col(&text, s.start));
            let location = match at {
                Some((l, c)) => format!("{}:{l}:{c}", path.display()),
                None => path.display().to_string(),
            };
            user_error(
                format!("`{location}` is not valid TOML: {}", e.message().trim_end()),
                "fix the manifest (cargo-trigger changes nothing in a file it cannot parse)",
            )
        })?;
        let crlf = text.contains("\r\n");
        Ok(Manifest {
            path: path.to_path_buf(),
            original: text,
            doc,
            crlf,
        })
    }

    /// A manifest being written from nothing.
    pub fn empty(path: &Path) -> Manifest {
        Manifest {
            path: path.to_path_buf(),
            original: String::new(),
            doc: DocumentMut::new(),
            crlf: false,
        }
    }

    pub fn original(&self) -> &str {
        &self.original
    }

    /// The text to write. toml_edit writes `\n`; in a file with CRLF lines
    /// (all or some), each unchanged line keeps its ending and added lines
    /// take the more common one.
    pub fn render(&self) -> String {
        let text = self.doc.to_string();
        if self.crlf {
            keep_line_endings(&self.original, &text)
        } else {
            text
        }
    }

    /// The table at `path` (dotted segments), created as implicit tables
    /// (or inline tables inside an inline table) where missing.
    fn table_mut(&mut self, path: &[&str]) -> CargoResult<&mut dyn TableLike> {
        let mut shown = String::new();
        let mut current: &mut dyn TableLike = self.doc.as_table_mut();
        for seg in path {
            if !shown.is_empty() {
                shown.push('.');
            }
            shown.push_str(seg);
            if !current.contains_key(seg) {
                // Implicit: the header only shows once the table has values.
                let mut t = Table::new();
                t.set_implicit(true);
                current.insert(seg, Item::Table(t));
            }
            let item = current.get_mut(seg).expect("inserted above");
            current = match item {
                Item::Table(t) => t as &mut dyn TableLike,
                Item::Value(Value::InlineTable(t)) => t as &mut dyn TableLike,
                _ => {
                    let path_text = shown.clone();
                    return Err(user_error(
                        format!("`{path_text}` in `{}` is not a table", self.path.display()),
                        "fix that key by hand, then run the command again",
                    ));
                }
            };
        }
        Ok(current)
    }

    fn table_ref(&self, path: &[&str]) -> Option<&dyn TableLike> {
        let mut current: &dyn TableLike = self.doc.as_table();
        for seg in path {
            current = current.get(seg)?.as_table_like()?;
        }
        Some(current)
    }

    /// Set `key` in the table at `path` (created if needed). An existing
    /// value keeps its decor (spacing, trailing comment).
    pub fn set(&mut self, path: &[&str], key: &str, value: &FieldValue) -> CargoResult<()> {
        let table = self.table_mut(path)?;
        let mut new = to_value(value);
        if let Some(Item::Value(old)) = table.get(key) {
            *new.decor_mut() = old.decor().clone();
        }
        table.insert(key, Item::Value(new));
        Ok(())
    }

    /// `key.workspace = true` in the table at `path` (inherit from
    /// `[workspace.package]` or `[workspace.lints]`).
    pub fn set_inherited(&mut self, path: &[&str], key: &str) -> CargoResult<()> {
        let table = self.table_mut(path)?;
        let mut t = InlineTable::new();
        t.set_dotted(true);
        t.insert("workspace", Value::from(true));
        table.insert(key, Item::Value(Value::InlineTable(t)));
        Ok(())
    }

    pub fn get_str(&self, path: &[&str], key: &str) -> Option<&str> {
        self.table_ref(path)?.get(key)?.as_str()
    }

    pub fn get_strings(&self, path: &[&str], key: &str) -> Option<Vec<String>> {
        let arr = self.table_ref(path)?.get(key)?.as_array()?;
        Some(arr.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
    }

    /// Remove `key` from the table at `path`; drops tables left empty that
    /// were implicit or that `prune` names.
    pub fn remove(&mut self, path: &[&str], key: &str) -> bool {
        let Ok(table) = self.table_mut_existing(path) else {
            return false;
        };
        table.remove(key).is_some()
    }

    fn table_mut_existing(&mut self, path: &[&str]) -> CargoResult<&mut dyn TableLike> {
        let mut current: &mut dyn TableLike = self.doc.as_table_mut();
        for seg in path {
            current = current
                .get_mut(seg)
                .and_then(|i| i.as_table_like_mut())
                .ok_or_else(|| anyhow::anyhow!("no table `{}`", path.join(".")))?;
        }
        Ok(current)
    }

    /// Write a whole sub-table `path.name` from fields (replacing it).
    pub fn set_table(&mut self, path: &[&str], name: &str, fields: &[(&str, FieldValue)]) -> CargoResult<()> {
        let parent = self.table_mut(path)?;
        let inline = parent.get(name).is_some_and(|i| i.is_inline_table());
        let existed = parent.get(name).and_then(|i| i.as_table()).map(|t| t.decor().clone());
        if inline {
            let mut t = InlineTable::new();
            for (k, v) in fields {
                t.insert(*k, to_value(v));
            }
            parent.insert(name, Item::Value(Value::InlineTable(t)));
        } else {
            let mut t = Table::new();
            if let Some(decor) = existed {
                *t.decor_mut() = decor;
            }
            for (k, v) in fields {
                t.insert(k, Item::Value(to_value(v)));
            }
            let position = parent.get(name).and_then(|i| i.as_table()).and_then(|t| t.position());
            t.set_position(position);
            parent.insert(name, Item::Table(t));
        }
        Ok(())
    }

    pub fn remove_table(&mut self, path: &[&str], name: &str) -> bool {
        match self.table_mut_existing(path) {
            Ok(t) => t.remove(name).is_some(),
            Err(_) => false,
        }
    }

    /// Number of entries in the array of tables at `path.key`.
    pub fn array_len(&self, path: &[&str], key: &str) -> usize {
        match self.table_ref(path).and_then(|t| t.get(key)) {
            Some(Item::ArrayOfTables(a)) => a.len(),
            Some(Item::Value(Value::Array(a))) => a.len(),
            _ => 0,
        }
    }

    /// Append a table to the array of tables at `path.key`
    /// (`[[package.metadata.trigger.bindings]]`), or to an inline array of
    /// inline tables where the manifest wrote it that way.
    pub fn push_table(&mut self, path: &[&str], key: &str, fields: &[(&str, FieldValue)]) -> CargoResult<()> {
        let shown = format!("{}.{key}", path.join("."));
        let manifest = self.path.clone();
        let parent = self.table_mut(path)?;
        match parent.get_mut(key) {
            None => {
                let mut aot = ArrayOfTables::new();
                aot.push(fields_table(fields));
                parent.insert(key, Item::ArrayOfTables(aot));
            }
            Some(Item::ArrayOfTables(aot)) => aot.push(fields_table(fields)),
            Some(Item::Value(Value::Array(arr))) => {
                let mut t = InlineTable::new();
                for (k, v) in fields {
                    t.insert(*k, to_value(v));
                }
                let decor = arr.iter().last().map(|v| v.decor().clone());
                let mut v = Value::InlineTable(t);
                if let Some(d) = decor {
                    *v.decor_mut() = d;
                }
                arr.push_formatted(v);
            }
            Some(_) => {
                return Err(user_error(
                    format!("`{shown}` in `{}` is not an array of tables", manifest.display()),
                    "fix that key by hand, then run the command again",
                ));
            }
        }
        Ok(())
    }

    /// Remove entry `index` of the array of tables at `path.key`; the key
    /// goes when the array is left empty.
    pub fn remove_array_entry(&mut self, path: &[&str], key: &str, index: usize) -> bool {
        let Ok(parent) = self.table_mut_existing(path) else {
            return false;
        };
        let now_empty = match parent.get_mut(key) {
            Some(Item::ArrayOfTables(aot)) if index < aot.len() => {
                aot.remove(index);
                aot.is_empty()
            }
            Some(Item::Value(Value::Array(arr))) if index < arr.len() => {
                arr.remove(index);
                arr.is_empty()
            }
            _ => return false,
        };
        if now_empty {
            parent.remove(key);
        }
        true
    }

    /// Drop the table at `path` if it holds nothing (after removals).
    pub fn remove_if_empty(&mut self, path: &[&str]) {
        let Some((last, parent_path)) = path.split_last() else {
            return;
        };
        let empty = self.table_ref(path).is_some_and(|t| t.is_empty());
        if empty && let Ok(parent) = self.table_mut_existing(parent_path) {
            parent.remove(last);
        }
    }

    /// Replace the string array `path.key` (e.g. `modules`), keeping the
    /// array's layout where it had one.
    pub fn set_strings(&mut self, path: &[&str], key: &str, items: &[String]) -> CargoResult<()> {
        self.set(path, key, &FieldValue::List(items.to_vec()))
    }

    // ---- workspace ------------------------------------------------------

    pub fn is_workspace(&self) -> bool {
        self.doc.get("workspace").is_some_and(|w| w.is_table_like())
    }

    pub fn has_package(&self) -> bool {
        self.doc.get("package").is_some_and(|p| p.is_table_like())
    }

    /// Add `member` (a `/`-separated path relative to the workspace root) to
    /// `workspace.members`, unless a member entry or glob already covers it.
    /// The list stays sorted if it was sorted. Returns whether it was added.
    pub fn add_workspace_member(&mut self, member: &str) -> CargoResult<bool> {
        let excluded = self.get_strings(&["workspace"], "exclude").unwrap_or_default();
        if excluded
            .iter()
            .any(|e| member == e.trim_end_matches('/') || member.starts_with(&format!("{}/", e.trim_end_matches('/'))))
        {
            return Err(user_error(
                format!(
                    "`{member}` is excluded by `workspace.exclude` in `{}`",
                    self.path.display()
                ),
                "remove it from `workspace.exclude`, or choose another `--path`",
            ));
        }
        let path = self.path.clone();
        let ws = self.table_mut(&["workspace"])?;
        if !ws.contains_key("members") {
            let mut arr = Array::new();
            arr.push(member);
            ws.insert("members", Item::Value(Value::Array(arr)));
            return Ok(true);
        }
        let Some(arr) = ws.get_mut("members").and_then(|i| i.as_array_mut()) else {
            return Err(user_error(
                format!("`workspace.members` in `{}` is not an array", path.display()),
                "write `members = [\"…\"]`",
            ));
        };
        let existing: Vec<String> = arr.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
        if existing.iter().any(|m| glob_match(m.trim_end_matches('/'), member)) {
            return Ok(false);
        }
        let sorted = existing.windows(2).all(|w| w[0] <= w[1]);
        let index = if sorted {
            existing
                .iter()
                .position(|m| m.as_str() > member)
                .unwrap_or(existing.len())
        } else {
            existing.len()
        };
        insert_formatted(arr, index, member);
        Ok(true)
    }

    /// Remove `member` from `workspace.members` (and `default-members`),
    /// as [`Manifest::add_workspace_member`] added it: the element after it
    /// takes its place's formatting back. A list left empty goes in a root
    /// package's manifest (and `[workspace]` with it when nothing else is
    /// in it), and stays `[]` in a virtual one. Returns whether it was
    /// listed.
    pub fn remove_workspace_member(&mut self, member: &str) -> bool {
        let has_package = self.has_package();
        let norm = |m: &str| m.trim_start_matches("./").trim_end_matches('/').to_string();
        let Ok(ws) = self.table_mut_existing(&["workspace"]) else {
            return false;
        };
        let mut removed = false;
        for key in ["members", "default-members"] {
            let Some(arr) = ws.get_mut(key).and_then(|i| i.as_array_mut()) else {
                continue;
            };
            let Some(index) = arr.iter().position(|v| v.as_str().is_some_and(|m| norm(m) == member)) else {
                continue;
            };
            let prefix = arr.get(index).and_then(|v| v.decor().prefix()).cloned();
            arr.remove(index);
            if let (Some(next), Some(p)) = (arr.get_mut(index), prefix) {
                next.decor_mut().set_prefix(p);
            }
            removed = true;
            if arr.is_empty() && has_package {
                ws.remove(key);
            }
        }
        if has_package && ws.is_empty() {
            self.doc.as_table_mut().remove("workspace");
        }
        removed
    }

    /// Is `[workspace.dependencies].name` written as `dep` would write it?
    /// (An entry someone wrote by hand, with other features or a comment,
    /// is not.)
    pub fn workspace_dependency_is(&self, name: &str, dep: &DepEntry) -> bool {
        self.table_ref(&["workspace", "dependencies"])
            .and_then(|t| t.get(name))
            .and_then(|i| i.as_value())
            .is_some_and(|v| v.to_string().trim() == dep.to_value().to_string().trim())
    }

    /// The dependency tables of the manifest: `[dependencies]`, dev and
    /// build ones, and each `[target.CFG.…]` one.
    fn dependency_tables(&self) -> Vec<&dyn TableLike> {
        const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
        let mut out: Vec<&dyn TableLike> = KINDS.iter().filter_map(|k| self.table_ref(&[k])).collect();
        if let Some(targets) = self.table_ref(&["target"]) {
            for (_, t) in targets.iter() {
                if let Some(t) = t.as_table_like() {
                    out.extend(KINDS.iter().filter_map(|k| t.get(k).and_then(|i| i.as_table_like())));
                }
            }
        }
        out
    }

    /// The dependencies taken from `[workspace.dependencies]`
    /// (`name.workspace = true`), by their key there.
    pub fn inherited_dependencies(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in self.dependency_tables() {
            for (k, v) in t.iter() {
                let inherits = v
                    .as_table_like()
                    .and_then(|d| d.get("workspace"))
                    .and_then(|w| w.as_bool())
                    .unwrap_or(false);
                if inherits && !out.iter().any(|o| o == k) {
                    out.push(k.to_string());
                }
            }
        }
        out
    }

    /// The packages this manifest depends on (a renamed one by its
    /// `package`).
    pub fn dependency_packages(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in self.dependency_tables() {
            for (k, v) in t.iter() {
                let name = v
                    .as_table_like()
                    .and_then(|d| d.get("package"))
                    .and_then(|p| p.as_str())
                    .unwrap_or(k);
                if !out.iter().any(|o| o == name) {
                    out.push(name.to_string());
                }
            }
        }
        out
    }

    /// Is `[dependencies].name` inherited (`workspace = true`)?
    pub fn dependency_inherits(&self, name: &str) -> bool {
        self.table_ref(&["dependencies"])
            .and_then(|t| t.get(name))
            .and_then(|i| i.as_table_like())
            .and_then(|t| t.get("workspace"))
            .and_then(|w| w.as_bool())
            .unwrap_or(false)
    }

    /// Does `[workspace.dependencies]` exist?
    pub fn has_workspace_dependencies(&self) -> bool {
        self.table_ref(&["workspace", "dependencies"]).is_some()
    }

    pub fn workspace_dependency_names(&self) -> Vec<String> {
        self.table_ref(&["workspace", "dependencies"])
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    }

    /// Keys of `[workspace.package]` (for `key.workspace = true`).
    pub fn workspace_package_keys(&self) -> Vec<String> {
        self.table_ref(&["workspace", "package"])
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    }

    pub fn has_workspace_lints(&self) -> bool {
        self.table_ref(&["workspace", "lints"]).is_some()
    }

    /// Add a dependency entry `name = spec` to the table at `path`
    /// (`dependencies` or `workspace.dependencies`), keeping the table sorted
    /// if it was.
    pub fn add_dependency(&mut self, path: &[&str], name: &str, dep: &DepEntry) -> CargoResult<()> {
        let table = self.table_mut(path)?;
        if table.contains_key(name) {
            return Ok(());
        }
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
        let sorted = keys.windows(2).all(|w| w[0] <= w[1]);
        table.insert(name, Item::Value(dep.to_value()));
        if sorted {
            table.sort_values();
        }
        Ok(())
    }
}

/// What one dependency line says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DepEntry {
    pub version: Option<String>,
    pub workspace: bool,
    pub default_features: Option<bool>,
    pub features: Vec<String>,
}

impl DepEntry {
    fn to_value(&self) -> Value {
        let simple = !self.workspace && self.default_features.is_none() && self.features.is_empty();
        if let (true, Some(v)) = (simple, &self.version) {
            return Value::from(v.as_str());
        }
        let mut t = InlineTable::new();
        if self.workspace {
            t.insert("workspace", Value::from(true));
        }
        if let Some(v) = &self.version {
            t.insert("version", Value::from(v.as_str()));
        }
        if let Some(df) = self.default_features {
            t.insert("default-features", Value::from(df));
        }
        if !self.features.is_empty() {
            t.insert(
                "features",
                Value::Array(self.features.iter().map(|s| s.as_str()).collect()),
            );
        }
        Value::InlineTable(t)
    }
}

fn fields_table(fields: &[(&str, FieldValue)]) -> Table {
    let mut t = Table::new();
    for (k, v) in fields {
        t.insert(k, Item::Value(to_value(v)));
    }
    t
}

fn to_value(v: &FieldValue) -> Value {
    match v {
        FieldValue::Str(s) => string_value(s),
        FieldValue::Int(i) => Value::from(*i),
        FieldValue::Bool(b) => Value::from(*b),
        FieldValue::List(items) => Value::Array(items.iter().map(|s| string_value(s)).collect()),
    }
}

/// A string value on one line (see [`toml_string_literal`]).
fn string_value(s: &str) -> Value {
    if !s.contains(['\n', '\r']) {
        return Value::from(s);
    }
    toml_string_literal(s).parse().unwrap_or_else(|_| Value::from(s))
}

/// Insert into an array formatted like its neighbours: one per line in a
/// multi-line array, `, `-separated in a one-line one.
fn insert_formatted(arr: &mut Array, index: usize, item: &str) {
    let prefix_of = |v: &Value| v.decor().prefix().and_then(|p| p.as_str()).unwrap_or("").to_string();
    let multi_line = arr.iter().any(|v| prefix_of(v).contains('\n'));
    let mut value = Value::from(item);
    if multi_line {
        // A comment after an element's comma is in the next element's
        // prefix: the new element takes that prefix over, so the comment
        // stays on its line, and the displaced element keeps the indent.
        let indent = |p: &str| format!("\n{}", p.rsplit('\n').next().unwrap_or("    "));
        let (prefix, displaced) = match arr.get(index) {
            Some(next) => {
                let p = prefix_of(next);
                let i = indent(&p);
                (p, Some(i))
            }
            None => {
                let p = arr.iter().last().map(prefix_of).unwrap_or_else(|| "\n    ".into());
                (indent(&p), None)
            }
        };
        if let (Some(i), Some(next)) = (displaced, arr.get_mut(index)) {
            next.decor_mut().set_prefix(i);
        }
        value.decor_mut().set_prefix(prefix);
        value.decor_mut().set_suffix("");
    } else if index == 0 && !arr.is_empty() {
        let first = arr.get(0).map(prefix_of).unwrap_or_default();
        value.decor_mut().set_prefix(first);
        value.decor_mut().set_suffix("");
        if let Some(v) = arr.get_mut(0) {
            v.decor_mut().set_prefix(" ");
        }
    } else {
        value.decor_mut().set_prefix(if arr.is_empty() { "" } else { " " });
        value.decor_mut().set_suffix("");
    }
    arr.insert_formatted(index, value);
}

/// Cargo's `members` globs (the `glob` crate's syntax: `*`, `?`, `**`, `[…]`),
/// one path segment at a time.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    fn go(p: &[&str], s: &[&str]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((&"**", rest)) => (0..=s.len()).any(|i| go(rest, &s[i..])),
            Some((first, rest)) => s
                .split_first()
                .is_some_and(|(h, t)| segment_match(first, h) && go(rest, t)),
        }
    }
    go(&pat, &segs)
}

fn segment_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len()).any(|i| go(&p[1..], &t[i..])),
            Some('?') => !t.is_empty() && go(&p[1..], &t[1..]),
            Some('[') => {
                let Some(end) = p.iter().position(|&c| c == ']') else {
                    return t.first() == Some(&'[') && go(&p[1..], &t[1..]);
                };
                let Some(&c) = t.first() else { return false };
                let class = &p[1..end];
                let (negate, class) = match class.first() {
                    Some('!') => (true, &class[1..]),
                    _ => (false, class),
                };
                let mut hit = false;
                let mut i = 0;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == '-' {
                        hit |= class[i] <= c && c <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == c;
                        i += 1;
                    }
                }
                hit != negate && go(&p[end + 1..], &t[1..])
            }
            Some(&c) => t.first() == Some(&c) && go(&p[1..], &t[1..]),
        }
    }
    go(&p, &t)
}

/// The text of a new virtual workspace manifest with one member.
pub fn virtual_workspace(members: &[&str], trigger_dir: Option<&str>) -> String {
    let mut doc = DocumentMut::new();
    let mut ws = Table::new();
    ws.insert("resolver", Item::Value(Value::from("3")));
    ws.insert("members", Item::Value(Value::Array(members.iter().copied().collect())));
    doc.insert("workspace", Item::Table(ws));
    if let Some(dir) = trigger_dir {
        let mut t = Table::new();
        t.insert("dir", Item::Value(Value::from(dir)));
        t.set_position(Some(1));
        let mut meta = Table::new();
        meta.set_implicit(true);
        meta.insert("trigger", Item::Table(t));
        doc["workspace"]
            .as_table_mut()
            .expect("just made")
            .insert("metadata", Item::Table(meta));
    }
    doc.to_string()
}

/// 1-based line of a dotted key path such as
/// `package.metadata.trigger.bindings[1].prefix` in `text`, or of the deepest
/// part of it that exists.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let mut best = None;
    let mut node: &dyn TableLike = doc.as_table();
    let mut segments = key.split('.').peekable();
    while let Some(seg) = segments.next() {
        let (name, index) = match seg.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        let Some((k, item)) = node.get_key_value(name) else {
            break;
        };
        if let Some(span) = k.span().or_else(|| item.span()) {
            best = Some(line_col(text, span.start).0);
        }
        let next: Option<&dyn TableLike> = match (item, index) {
            (Item::ArrayOfTables(a), Some(i)) => a.get(i).map(|t| {
                if let Some(span) = t.span() {
                    best = Some(line_col(text, span.start).0);
                }
                t as &dyn TableLike
            }),
            (Item::Value(Value::Array(a)), Some(i)) => match a.get(i) {
                Some(v) => {
                    if let Some(span) = v.span() {
                        best = Some(line_col(text, span.start).0);
                    }
                    v.as_inline_table().map(|t| t as &dyn TableLike)
                }
                None => None,
            },
            (_, Some(_)) => None,
            (item, None) => item.as_table_like(),
        };
        match next {
            Some(t) if segments.peek().is_some() => node = t,
            _ => break,
        }
    }
    best
}

/// Deserialize a TOML data file (scaffold manifests) into `T`.
pub fn from_toml<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> CargoResult<T> {
    toml_edit::de::from_str(text).map_err(|e| anyhow::anyhow!("invalid {what}: {e}"))
}

/// A TOML string literal (with quotes) for `s`, on one line. toml_edit
/// writes a string with a line break as a multi-line string, whose literal
/// line breaks would take the file's line endings (and change the value in a
/// CRLF file); those are escaped in a basic string instead.
pub fn toml_string_literal(s: &str) -> String {
    if !s.contains(['\n', '\r']) {
        return Value::from(s).to_string().trim().to_string();
    }
    let mut repr = String::with_capacity(s.len() + 2);
    repr.push('"');
    for c in s.chars() {
        match c {
            '"' => repr.push_str("\\\""),
            '\\' => repr.push_str("\\\\"),
            '\n' => repr.push_str("\\n"),
            '\r' => repr.push_str("\\r"),
            '\t' => repr.push_str("\\t"),
            c if c.is_control() => repr.push_str(&format!("\\u{:04X}", c as u32)),
            c => repr.push(c),
        }
    }
    repr.push('"');
    repr
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Manifest {
        Manifest::parse(Path::new("Cargo.toml"), text.to_string()).unwrap()
    }

    #[test]
    fn members_stay_sorted_and_keep_their_layout() {
        let mut x = m("[workspace]\nmembers = [\n    \"a\",\n    \"c\",\n]\n");
        assert!(x.add_workspace_member("b").unwrap());
        assert_eq!(
            x.render(),
            "[workspace]\nmembers = [\n    \"a\",\n    \"b\",\n    \"c\",\n]\n"
        );
        let mut x = m("[workspace]\nmembers = [\"b\", \"c\"]\n");
        x.add_workspace_member("a").unwrap();
        assert_eq!(x.render(), "[workspace]\nmembers = [\"a\", \"b\", \"c\"]\n");
        let mut x = m("[workspace]\nmembers = [\"z\", \"c\"]\n");
        x.add_workspace_member("a").unwrap();
        assert_eq!(x.render(), "[workspace]\nmembers = [\"z\", \"c\", \"a\"]\n");
        let mut x = m("[workspace]\nmembers = []\n");
        for member in ["b", "c", "a"] {
            x.add_workspace_member(member).unwrap();
        }
        assert_eq!(x.render(), "[workspace]\nmembers = [\"a\", \"b\", \"c\"]\n");
    }

    #[test]
    fn a_removed_member_gives_its_place_back() {
        for (before, member) in [
            (
                "[workspace]\nmembers = [\n    \"a\",\n    # c is next\n    \"c\",\n]\n",
                "b",
            ),
            ("[workspace]\nmembers = [\n    \"b\", # the first\n]\n", "a"),
            ("[workspace]\nmembers = [\n    \"a\", # the first\n]\n", "b"),
            ("[workspace]\nmembers = [\"b\", \"c\"]\n", "a"),
            ("[workspace]\nmembers = [\"a\", \"c\"]\n", "b"),
            ("[workspace]\nmembers = [\"a\", \"b\"]\n", "c"),
            ("[workspace]\nmembers = []\n", "b"),
        ] {
            let mut x = m(before);
            assert!(x.add_workspace_member(member).unwrap());
            let mut x = m(&x.render());
            assert!(x.remove_workspace_member(member), "{before}");
            assert_eq!(x.render(), before);
        }
        // A root package's list made for the member goes, `[workspace]` too.
        let before = "[package]\nname = \"app\"\n";
        let mut x = m(before);
        x.add_workspace_member("triggers/t").unwrap();
        let mut x = m(&x.render());
        assert!(x.remove_workspace_member("triggers/t"));
        assert_eq!(x.render(), before);
        assert!(!m(before).remove_workspace_member("x"));
    }

    #[test]
    fn globs_cover_members() {
        let mut x = m("[workspace]\nmembers = [\"triggers/*\"]\n");
        assert!(!x.add_workspace_member("triggers/photos").unwrap());
        assert!(glob_match("crates/**", "crates/a/b"));
        assert!(glob_match("t/[a-c]x", "t/bx"));
        assert!(!glob_match("t/*", "t/a/b"));
    }

    /// `text` with `package.metadata.trigger.source = "s3"` set, rendered.
    fn with_source(text: &str) -> String {
        let mut x = m(text);
        x.set(
            &["package", "metadata", "trigger"],
            "source",
            &FieldValue::Str("s3".into()),
        )
        .unwrap();
        x.render()
    }

    #[test]
    fn crlf_is_kept() {
        let out = with_source("[package]\r\nname = \"x\"\r\n");
        assert!(out.starts_with("[package]\r\nname = \"x\"\r\n"));
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
    }

    #[test]
    fn mixed_line_endings_are_kept_line_by_line() {
        let text = "[package]\r\nname = \"x\"\n# lf comment\nversion = \"0.1.0\"\r\n";
        let out = with_source(text);
        assert!(out.starts_with(text), "{out:?}");
        // The added lines take the more common ending (a tie goes to CRLF).
        assert_eq!(
            &out[text.len()..],
            "\r\n[package.metadata.trigger]\r\nsource = \"s3\"\r\n"
        );
        assert_eq!(m(text).render(), text);
    }

    #[test]
    fn line_breaks_in_values_are_escaped_on_one_line() {
        let mut x = m("[package]\r\nname = \"x\"\r\n");
        let env = ["package", "metadata", "lambda", "env"];
        x.set(&env, "GREETING", &FieldValue::Str("say \"hi\"\r\n\tbye\\".into()))
            .unwrap();
        let out = x.render();
        assert!(
            out.ends_with("GREETING = \"say \\\"hi\\\"\\r\\n\\tbye\\\\\"\r\n"),
            "{out:?}"
        );
        let again = Manifest::parse(Path::new("Cargo.toml"), out).unwrap();
        assert_eq!(again.get_str(&env, "GREETING"), Some("say \"hi\"\r\n\tbye\\"));
    }

    #[test]
    fn finds_lines_of_keys() {
        let text = "[package]\nname = \"x\"\n\n[[package.metadata.trigger.bindings]]\nbucket = \"a\"\n\n[[package.metadata.trigger.bindings]]\nbucket = \"b\"\nprefix = \"p\"\n";
        assert_eq!(line_of_key(text, "package.name"), Some(2));
        assert_eq!(
            line_of_key(text, "package.metadata.trigger.bindings[1].prefix"),
            Some(9)
        );
        assert_eq!(line_of_key(text, "package.metadata.trigger.bindings[0]"), Some(4));
    }
}
