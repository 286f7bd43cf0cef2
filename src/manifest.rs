//! The only module that touches `toml_edit`: format-preserving edits of
//! Cargo.toml files. Every byte outside what an edit changes stays as it was
//! (comments, order, spacing, quoting, line endings, a byte-order mark): the
//! edits are made on toml_edit's document, laid out like their neighbours,
//! and only the lines they change are carried back into the text the file
//! was read from ([`Manifest::render`]). A whole manifest is never
//! re-serialised from data.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Key, Table, TableLike, Value};

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
}

/// The UTF-8 byte-order mark some Windows editors write first.
const BOM: &str = "\u{feff}";

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before.len(), |i| before.len() - i - 1) + 1;
    (line, col)
}

/// A line without its ending.
fn bare(line: &str) -> &str {
    line.trim_end_matches(['\r', '\n'])
}

/// The ending lines added to `text` take: CRLF where at least half of its
/// lines have one, else LF.
fn common_eol(text: &str) -> &'static str {
    let lines = text.split_inclusive('\n').count();
    let crlf = text.matches("\r\n").count();
    if crlf > 0 && crlf * 2 >= lines { "\r\n" } else { "\n" }
}

/// `edited` (toml_edit's rendering of the edited document) carried over to
/// the user's text: a three-way merge by lines in which `base` (toml_edit's
/// rendering of `original` before any edit) is the common ancestor.
///
/// toml_edit renders some things differently from how they were written: it
/// drops a byte-order mark, writes `\n` line endings, groups dotted keys of
/// one table together (`profile.dev.opt-level` moves up to its sibling) and
/// rewrites a table header from the key it shares with another header
/// (`[a. b.x]` next to a later `[a.b]`). Only the lines where `base` and
/// `edited` differ are taken from `edited`; every other line is the user's
/// own, byte for byte. Lines toml_edit moved or rewrote are matched to the
/// user's by content, then by position in the hunk they share.
///
/// `None` when an edit touches a line that cannot be matched; the caller
/// then falls back to [`keep_line_endings`].
fn merge_edits(original: &str, base: &str, edited: &str) -> Option<String> {
    let orig: Vec<&str> = original.split_inclusive('\n').collect();
    let base_lines: Vec<&str> = base.split_inclusive('\n').collect();
    let edit_lines: Vec<&str> = edited.split_inclusive('\n').collect();
    let orig_keys: Vec<&str> = orig.iter().map(|l| bare(l)).collect();
    let base_keys: Vec<&str> = base_lines.iter().map(|l| bare(l)).collect();

    // Which line of `original` each line of `base` is.
    let mut to_orig: Vec<Option<usize>> = vec![None; base_lines.len()];
    let mut orig_used = vec![false; orig.len()];
    let mut hunks = Vec::new();
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &orig_keys, &base_keys) {
        match op {
            similar::DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for i in 0..len {
                    to_orig[new_index + i] = Some(old_index + i);
                    orig_used[old_index + i] = true;
                }
            }
            other => hunks.push(other),
        }
    }
    // Moved lines (dotted keys regrouped): the same text elsewhere.
    let mut unmatched: std::collections::HashMap<&str, std::collections::VecDeque<usize>> = Default::default();
    for (i, key) in orig_keys.iter().enumerate() {
        if !orig_used[i] {
            unmatched.entry(key).or_default().push_back(i);
        }
    }
    for (b, key) in base_keys.iter().enumerate() {
        if to_orig[b].is_none()
            && let Some(o) = unmatched.get_mut(key).and_then(|q| q.pop_front())
        {
            to_orig[b] = Some(o);
            orig_used[o] = true;
        }
    }
    // Lines rewritten in place (a header's spacing): by position in a hunk
    // that replaced as many lines as it removed.
    for op in hunks {
        if let similar::DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } = op
            && old_len == new_len
        {
            for i in 0..old_len {
                if to_orig[new_index + i].is_none() && !orig_used[old_index + i] {
                    to_orig[new_index + i] = Some(old_index + i);
                    orig_used[old_index + i] = true;
                }
            }
        }
    }

    // The edits, as deletions of the user's lines and insertions before a
    // user's line (`orig.len()`: at the end).
    let eol = common_eol(original);
    let mut deleted = vec![false; orig.len()];
    let mut inserts: Vec<(usize, String)> = Vec::new();
    // After the last user's line that any base line up to `b` stands for, so
    // that an insertion lands after a dotted key toml_edit moved up.
    let after = |b: usize| -> Option<usize> { to_orig[..=b].iter().flatten().max().map(|o| o + 1) };
    let new_line = |line: &str, ending: &str| -> String {
        let mut s = bare(line).to_string();
        if line.ends_with('\n') {
            s.push_str(ending);
        }
        s
    };
    // How many unchanged lines stand right before the current change.
    let mut unchanged = 0;
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &base_lines, &edit_lines) {
        // A change that could as well be read further up (a removed or added
        // table between two blank lines) is read as far up as it can be:
        // toml_edit keeps what stands before a header with it, so the user's
        // blank line stays with the header that follows it. It matters where
        // the user's line endings differ.
        let (old_index, old_len, new_index, new_len) = match op {
            similar::DiffOp::Equal { len, .. } => {
                unchanged = len;
                continue;
            }
            similar::DiffOp::Delete { old_index, old_len, .. } => {
                let mut at = old_index;
                while old_index - at < unchanged && base_lines[at - 1] == base_lines[at - 1 + old_len] {
                    at -= 1;
                }
                unchanged = 0;
                (at, old_len, 0, 0)
            }
            similar::DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => {
                let mut up = 0;
                while up < unchanged && base_lines[old_index - 1 - up] == edit_lines[new_index + new_len - 1 - up] {
                    up += 1;
                }
                unchanged = 0;
                (old_index - up, 0, new_index - up, new_len)
            }
            similar::DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                unchanged = 0;
                (old_index, old_len, new_index, new_len)
            }
        };
        let mut replaced = Vec::with_capacity(old_len);
        for o in &to_orig[old_index..old_index + old_len] {
            let o = (*o)?;
            deleted[o] = true;
            replaced.push(o);
        }
        if new_len == 0 {
            continue;
        }
        let at = match replaced.first() {
            Some(&o) => o,
            None if old_index == 0 => 0,
            None => after(old_index - 1)?,
        };
        for (i, line) in edit_lines[new_index..new_index + new_len].iter().enumerate() {
            // A line rewritten (`"b"` gaining its comma) keeps its own ending.
            let ending = match replaced.get(i) {
                Some(&o) if orig[o].ends_with("\r\n") => "\r\n",
                Some(&o) if orig[o].ends_with('\n') => "\n",
                _ => eol,
            };
            inserts.push((at, new_line(line, ending)));
        }
    }
    inserts.sort_by_key(|(at, _)| *at);

    let mut out = String::with_capacity(edited.len() + edited.len() / 16);
    let push = |out: &mut String, line: &str| {
        // A last line without an ending gets one when more follows.
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(eol);
        }
        out.push_str(line);
    };
    let mut pending = inserts.into_iter().peekable();
    for (i, line) in orig.iter().enumerate() {
        while let Some((_, text)) = pending.next_if(|(at, _)| *at <= i) {
            push(&mut out, &text);
        }
        if !deleted[i] {
            push(&mut out, line);
        }
    }
    for (_, text) in pending {
        push(&mut out, &text);
    }
    Some(out)
}

/// `new` with the line endings of `original` on every line they share (a
/// line-level diff that ignores endings); added lines take the ending most
/// of `original`'s lines have. The fallback of [`merge_edits`].
fn keep_line_endings(original: &str, new: &str) -> String {
    let old_lines: Vec<&str> = original.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let old_keys: Vec<&str> = old_lines.iter().map(|l| bare(l)).collect();
    let new_keys: Vec<&str> = new_lines.iter().map(|l| bare(l)).collect();
    let eol = common_eol(original);
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
                    push(&mut out, bare(line));
                    if line.ends_with('\n') {
                        out.push_str(eol);
                    }
                }
            }
            similar::DiffOp::Delete { .. } => {}
        }
    }
    out
}

/// toml_edit's rendering of `text` parsed afresh (`None` if it does not parse).
fn reparsed(text: &str) -> Option<String> {
    text.parse::<DocumentMut>().ok().map(|d| d.to_string())
}

impl Manifest {
    pub fn open(path: &Path) -> CargoResult<Manifest> {
        let text = std::fs::read_to_string(path).with_context(|| format!("failed to read `{}`", path.display()))?;
        Manifest::parse(path, text)
    }

    pub fn parse(path: &Path, text: String) -> CargoResult<Manifest> {
        let body = text.strip_prefix(BOM).unwrap_or(&text);
        let doc: DocumentMut = body.parse().map_err(|e: toml_edit::TomlError| {
            let at = e.span().map(|s| line_col(body, s.start));
            let location = match at {
                Some((l, c)) => format!("{}:{l}:{c}", path.display()),
                None => path.display().to_string(),
            };
            user_error(
                format!("`{location}` is not valid TOML: {}", e.message().trim_end()),
                "fix the manifest (cargo-trigger changes nothing in a file it cannot parse)",
            )
        })?;
        Ok(Manifest {
            path: path.to_path_buf(),
            original: text,
            doc,
        })
    }

    /// A manifest being written from nothing.
    pub fn empty(path: &Path) -> Manifest {
        Manifest {
            path: path.to_path_buf(),
            original: String::new(),
            doc: DocumentMut::new(),
        }
    }

    pub fn original(&self) -> &str {
        &self.original
    }

    /// The text to write: the text the manifest was read from, with the
    /// lines the edits changed (see [`merge_edits`]). A byte-order mark, line
    /// endings (CRLF, LF or a mix: added lines take the more common one) and
    /// every line outside the edits stay as they were.
    pub fn render(&self) -> String {
        let (bom, body) = match self.original.strip_prefix(BOM) {
            Some(body) => (BOM, body),
            None => ("", self.original.as_str()),
        };
        let edited = self.doc.to_string();
        let base = reparsed(body).unwrap_or_default();
        if edited == base {
            return self.original.clone();
        }
        // Where toml_edit renders the file as written (but for line endings),
        // the merge is `edited` with the user's endings; else it must mean
        // what toml_edit's rendering means.
        let as_written = body.lines().eq(base.lines());
        let merged = merge_edits(body, &base, &edited)
            .filter(|m| as_written || reparsed(m).is_some_and(|m| Some(m) == reparsed(&edited)))
            .unwrap_or_else(|| keep_line_endings(body, &edited));
        format!("{bom}{merged}")
    }

    /// The table at `path` (dotted segments), created as implicit tables
    /// (or inline tables inside an inline table) where missing.
    fn table_mut(&mut self, path: &[&str]) -> CargoResult<TableMut<'_>> {
        let manifest = self.path.clone();
        let mut current = TableMut::Std(self.doc.as_table_mut());
        for (depth, seg) in path.iter().enumerate() {
            if !current.contains(seg) {
                let item = match current {
                    // Implicit: the header only shows once the table has values.
                    TableMut::Std(_) => {
                        let mut t = Table::new();
                        t.set_implicit(true);
                        Item::Table(t)
                    }
                    TableMut::Inline(..) => Item::Value(Value::InlineTable(InlineTable::new())),
                };
                current.insert_new(seg, item, None);
            }
            current = current.child(seg).ok_or_else(|| {
                user_error(
                    format!(
                        "`{}` in `{}` is not a table",
                        path[..=depth].join("."),
                        manifest.display()
                    ),
                    "fix that key by hand, then run the command again",
                )
            })?;
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
    /// value keeps its key, decor (spacing, trailing comment) and, for a
    /// list, the layout and entries it shares with the new one.
    pub fn set(&mut self, path: &[&str], key: &str, value: &FieldValue) -> CargoResult<()> {
        let mut table = self.table_mut(path)?;
        table.set_value(key, to_value(value));
        Ok(())
    }

    /// `key.workspace = true` in the table at `path` (inherit from
    /// `[workspace.package]` or `[workspace.lints]`).
    pub fn set_inherited(&mut self, path: &[&str], key: &str) -> CargoResult<()> {
        let mut table = self.table_mut(path)?;
        let mut t = InlineTable::new();
        t.set_dotted(true);
        t.insert("workspace", Value::from(true));
        let item = Item::Value(Value::InlineTable(t));
        match table.like().get_mut(key) {
            Some(old) => *old = item,
            None => table.insert_new(key, item, None),
        }
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
        let Some(mut table) = self.table_mut_existing(path) else {
            return false;
        };
        table.remove_entry(key).is_some()
    }

    fn table_mut_existing(&mut self, path: &[&str]) -> Option<TableMut<'_>> {
        let mut current = TableMut::Std(self.doc.as_table_mut());
        for seg in path {
            current = current.child(seg)?;
        }
        Some(current)
    }

    /// Write a whole sub-table `path.name` from fields. An existing table
    /// keeps its place, header and decor; its values are updated as
    /// [`Manifest::set`] does, and values not among `fields` removed.
    pub fn set_table(&mut self, path: &[&str], name: &str, fields: &[(&str, FieldValue)]) -> CargoResult<()> {
        let shown = format!("{}.{name}", path.join("."));
        let manifest = self.path.clone();
        let mut parent = self.table_mut(path)?;
        if !parent.contains(name) {
            let item = match parent {
                TableMut::Std(_) => Item::Table(fields_table(fields)),
                TableMut::Inline(..) => Item::Value(Value::InlineTable(fields_inline(fields))),
            };
            parent.insert_new(name, item, None);
            return Ok(());
        }
        let mut table = parent.child(name).ok_or_else(|| {
            user_error(
                format!("`{shown}` in `{}` is not a table", manifest.display()),
                "fix that key by hand, then run the command again",
            )
        })?;
        for (k, v) in fields {
            table.set_value(k, to_value(v));
        }
        let stale: Vec<String> = table
            .like()
            .iter()
            .filter(|(k, item)| item.is_value() && !fields.iter().any(|(f, _)| f == k))
            .map(|(k, _)| k.to_string())
            .collect();
        for k in stale {
            table.remove_entry(&k);
        }
        Ok(())
    }

    pub fn remove_table(&mut self, path: &[&str], name: &str) -> bool {
        match self.table_mut_existing(path) {
            Some(mut t) => t.remove_entry(name).is_some(),
            None => false,
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
        let mut parent = self.table_mut(path)?;
        if !parent.contains(key) {
            let item = match parent {
                TableMut::Std(_) => {
                    let mut aot = ArrayOfTables::new();
                    aot.push(fields_table(fields));
                    Item::ArrayOfTables(aot)
                }
                TableMut::Inline(..) => {
                    let mut arr = Array::new();
                    arr.push(fields_inline(fields));
                    Item::Value(Value::Array(arr))
                }
            };
            parent.insert_new(key, item, None);
            return Ok(());
        }
        let style = parent.style();
        match parent.like().get_mut(key) {
            Some(Item::ArrayOfTables(aot)) => aot.push(fields_table(fields)),
            Some(Item::Value(Value::Array(arr))) => {
                let mut v = Value::InlineTable(fields_inline(fields));
                let like = match arr.iter().last() {
                    Some(Value::InlineTable(last)) => InlineStyle::of(last),
                    _ => None,
                };
                if let Some(s) = like.or(style) {
                    s.apply(&mut v);
                }
                let end = arr.len();
                array_insert(arr, end, v);
            }
            _ => {
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
        let Some(mut parent) = self.table_mut_existing(path) else {
            return false;
        };
        let now_empty = match parent.like().get_mut(key) {
            Some(Item::ArrayOfTables(aot)) if index < aot.len() => {
                aot.remove(index);
                aot.is_empty()
            }
            Some(Item::Value(Value::Array(arr))) if index < arr.len() => {
                array_remove(arr, index);
                arr.is_empty()
            }
            _ => return false,
        };
        if now_empty {
            parent.remove_entry(key);
        }
        true
    }

    /// Drop the table at `path` if it holds nothing (after removals).
    pub fn remove_if_empty(&mut self, path: &[&str]) {
        let Some((last, parent_path)) = path.split_last() else {
            return;
        };
        let empty = self.table_ref(path).is_some_and(|t| t.is_empty());
        if empty && let Some(mut parent) = self.table_mut_existing(parent_path) {
            parent.remove_entry(last);
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
        if self.is_excluded(member) {
            return Err(user_error(
                format!(
                    "`{member}` is excluded by `workspace.exclude` in `{}`",
                    self.path.display()
                ),
                "remove it from `workspace.exclude`, or choose another `--path`",
            ));
        }
        let path = self.path.clone();
        let root = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut ws = self.table_mut(&["workspace"])?;
        if !ws.contains("members") {
            let mut arr = Array::new();
            arr.push(member);
            ws.insert_new("members", Item::Value(Value::Array(arr)), None);
            return Ok(true);
        }
        let Some(arr) = ws.like().get_mut("members").and_then(|i| i.as_array_mut()) else {
            return Err(user_error(
                format!("`workspace.members` in `{}` is not an array", path.display()),
                "write `members = [\"…\"]`",
            ));
        };
        let existing: Vec<String> = arr.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
        if existing.iter().any(|m| members_entry_covers(&root, m, member)) {
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
        let value = string_like(arr, member);
        array_insert(arr, index, value);
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
        let Some(mut table) = self.table_mut_existing(&["workspace"]) else {
            return false;
        };
        let ws = table.like();
        let mut removed = false;
        for key in ["members", "default-members"] {
            let Some(arr) = ws.get_mut(key).and_then(|i| i.as_array_mut()) else {
                continue;
            };
            let Some(index) = arr.iter().position(|v| v.as_str().is_some_and(|m| norm(m) == member)) else {
                continue;
            };
            array_remove(arr, index);
            removed = true;
            if arr.is_empty() && has_package {
                ws.remove(key);
            }
        }
        let empty = ws.is_empty();
        if has_package && empty {
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

    /// Does `workspace.exclude` leave out the folder `dir` (`/`-separated,
    /// relative to the root)?
    fn is_excluded(&self, dir: &str) -> bool {
        let excluded = self.get_strings(&["workspace"], "exclude").unwrap_or_default();
        excluded.iter().any(|e| {
            let e = e.trim_end_matches('/');
            dir == e || dir.starts_with(&format!("{e}/"))
        })
    }

    /// The `workspace.members` entry (a path or a glob) that makes the folder
    /// `dir` (`/`-separated, relative to the root) a member, unless
    /// `workspace.exclude` leaves it out: cargo then needs a Cargo.toml there.
    pub fn member_entry_covering(&self, dir: &str) -> Option<String> {
        if self.is_excluded(dir) {
            return None;
        }
        let root = self.path.parent().unwrap_or(Path::new(""));
        self.get_strings(&["workspace"], "members")
            .unwrap_or_default()
            .into_iter()
            .find(|m| members_entry_covers(root, m, dir))
    }

    /// Is `name` in `[dependencies]`?
    pub fn has_dependency(&self, name: &str) -> bool {
        self.table_ref(&["dependencies"]).is_some_and(|t| t.contains_key(name))
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

    /// The version requirement of `[workspace.dependencies].name`
    /// (`name = "1.5"` or `name = { version = "1.5", … }`); `None` for one
    /// without a version (a path or git dependency) or that is not there.
    pub fn workspace_dependency_version(&self, name: &str) -> Option<String> {
        let item = self.table_ref(&["workspace", "dependencies"])?.get(name)?;
        match item.as_str() {
            Some(v) => Some(v.to_string()),
            None => item.as_table_like()?.get("version")?.as_str().map(str::to_string),
        }
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
        let mut table = self.table_mut(path)?;
        if table.contains(name) {
            return Ok(());
        }
        let keys: Vec<String> = table.like().iter().map(|(k, _)| k.to_string()).collect();
        let sorted = keys.windows(2).all(|w| w[0] <= w[1]);
        let index = if sorted {
            keys.iter().position(|k| k.as_str() > name)
        } else {
            None
        };
        table.insert_new(name, Item::Value(dep.to_value()), index);
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

fn fields_inline(fields: &[(&str, FieldValue)]) -> InlineTable {
    let mut t = InlineTable::new();
    for (k, v) in fields {
        t.insert(*k, to_value(v));
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

/// A string value quoted as the strings of `arr` are: `'…'` where they all
/// are literal strings and `s` can be one.
fn string_like(arr: &Array, s: &str) -> Value {
    let literal = |v: &Value| match v {
        Value::String(f) => f
            .as_repr()
            .and_then(|r| r.as_raw().as_str())
            .is_some_and(|r| r.starts_with('\'')),
        _ => false,
    };
    let can_be_literal = !s.contains('\'') && !s.chars().any(char::is_control);
    if can_be_literal && !arr.is_empty() && arr.iter().all(literal) {
        format!("'{s}'").parse().unwrap_or_else(|_| string_value(s))
    } else {
        string_value(s)
    }
}

/// Does `old` already say what `new` says?
fn same_value(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::String(a), Value::String(b)) => a.value() == b.value(),
        (Value::Integer(a), Value::Integer(b)) => a.value() == b.value(),
        (Value::Boolean(a), Value::Boolean(b)) => a.value() == b.value(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(a, b)| same_value(a, b))
        }
        _ => false,
    }
}

fn string_items(arr: &Array) -> Option<Vec<String>> {
    arr.iter().map(|v| v.as_str().map(str::to_string)).collect()
}

/// Overwrite `old` with `new` in place: unchanged values stay as written,
/// a replaced one keeps the old decor, and a list of strings changes only
/// the entries that differ, laid out like the rest.
fn update_value(old: &mut Value, new: Value) {
    if same_value(old, &new) {
        return;
    }
    if let (Value::Array(arr), Value::Array(new_arr)) = (&mut *old, &new)
        && let (Some(before), Some(after)) = (string_items(arr), string_items(new_arr))
    {
        for op in similar::capture_diff_slices(similar::Algorithm::Myers, &before, &after)
            .into_iter()
            .rev()
        {
            let (at, old_len, from, new_len) = match op {
                similar::DiffOp::Equal { .. } => continue,
                similar::DiffOp::Delete { old_index, old_len, .. } => (old_index, old_len, 0, 0),
                similar::DiffOp::Insert {
                    old_index,
                    new_index,
                    new_len,
                } => (old_index, 0, new_index, new_len),
                similar::DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => (old_index, old_len, new_index, new_len),
            };
            let kept = old_len.min(new_len);
            // Replaced one for one: each keeps its place and comment.
            for i in 0..kept {
                let value = string_like(arr, &after[from + i]);
                arr.replace(at + i, value);
            }
            for _ in kept..old_len {
                array_remove(arr, at + kept);
            }
            for i in kept..new_len {
                let value = string_like(arr, &after[from + i]);
                array_insert(arr, at + i, value);
            }
        }
        return;
    }
    let decor = old.decor().clone();
    *old = new;
    *old.decor_mut() = decor;
}

// ---- layout of what is added and removed --------------------------------

/// A table being edited: a `[header]`, implicit or dotted table, or an
/// inline `{ … }` one, whose entries are laid out differently.
enum TableMut<'a> {
    Std(&'a mut Table),
    /// With the spacing of the nearest inline table around it that has
    /// entries, for what is added to it.
    Inline(&'a mut InlineTable, Option<InlineStyle>),
}

impl<'a> TableMut<'a> {
    fn like(&mut self) -> &mut dyn TableLike {
        match self {
            TableMut::Std(t) => *t,
            TableMut::Inline(t, _) => *t,
        }
    }

    fn contains(&self, key: &str) -> bool {
        match self {
            TableMut::Std(t) => t.contains_key(key),
            TableMut::Inline(t, _) => t.contains_key(key),
        }
    }

    fn style(&self) -> Option<InlineStyle> {
        match self {
            TableMut::Std(_) => None,
            TableMut::Inline(_, style) => style.clone(),
        }
    }

    /// The table `key` of this one.
    fn child(self, key: &str) -> Option<TableMut<'a>> {
        match self {
            TableMut::Std(t) => match t.get_mut(key)? {
                Item::Table(t) => Some(TableMut::Std(t)),
                Item::Value(Value::InlineTable(t)) => {
                    let style = InlineStyle::of(t);
                    Some(TableMut::Inline(t, style))
                }
                _ => None,
            },
            TableMut::Inline(t, outer) => match t.get_mut(key)? {
                Value::InlineTable(t) => {
                    let style = InlineStyle::of(t).or(outer);
                    Some(TableMut::Inline(t, style))
                }
                _ => None,
            },
        }
    }

    /// Set `key` to `value`: in place if it exists (see [`update_value`]),
    /// else as a new entry.
    fn set_value(&mut self, key: &str, value: Value) {
        match self.like().get_mut(key) {
            Some(Item::Value(old)) => update_value(old, value),
            // A table where a value goes: the value takes its place.
            Some(item) => *item = Item::Value(value),
            None => self.insert_new(key, Item::Value(value), None),
        }
    }

    /// Insert `key` (not in the table yet) at `index` (`None`: after the
    /// last entry), laid out like its neighbours.
    fn insert_new(&mut self, key: &str, item: Item, index: Option<usize>) {
        match self {
            TableMut::Std(t) => {
                let mut k = Key::new(key);
                let mut item = item;
                if let Item::Value(v) = &mut item
                    && !is_dotted(v)
                    && let Some((indent, eq_before, eq_after)) = line_spacing(t, index)
                {
                    k.leaf_decor_mut().set_prefix(indent);
                    k.leaf_decor_mut().set_suffix(eq_before);
                    v.decor_mut().set_prefix(eq_after);
                }
                t.insert_formatted(&k, item);
                if let Some(i) = index {
                    let after: Vec<String> = t.iter().skip(i).map(|(k, _)| k.to_string()).collect();
                    for name in after.iter().filter(|n| n.as_str() != key) {
                        if let Some((k, v)) = t.remove_entry(name) {
                            t.insert_formatted(&k, v);
                        }
                    }
                }
            }
            TableMut::Inline(t, style) => {
                let mut value = match item {
                    Item::Value(v) => v,
                    Item::Table(t) => Value::InlineTable(t.into_inline_table()),
                    Item::ArrayOfTables(a) => Value::Array(a.into_array()),
                    Item::None => return,
                };
                if let Some(s) = style {
                    s.apply(&mut value);
                }
                let index = index.unwrap_or(t.len());
                inline_insert(t, key, value, index, style.as_ref());
            }
        }
    }

    /// Remove `key`, closing the gap as its neighbours are laid out.
    fn remove_entry(&mut self, key: &str) -> Option<Item> {
        match self {
            TableMut::Std(t) => t.remove(key),
            TableMut::Inline(t, _) => {
                let index = t.iter().position(|(k, _)| k == key)?;
                let layout = inline_layout(t).map(|mut l| {
                    l.remove(index);
                    l
                });
                let removed = t.remove(key).map(Item::Value);
                if let Some(l) = layout {
                    set_inline_layout(t, &l);
                }
                removed
            }
        }
    }
}

fn is_dotted(v: &Value) -> bool {
    matches!(v, Value::InlineTable(t) if t.is_dotted())
}

/// The text of a decor part, or `default` where toml_edit has none.
fn raw(part: Option<&toml_edit::RawString>, default: &str) -> String {
    part.and_then(|r| r.as_str()).unwrap_or(default).to_string()
}

fn blank(s: &str) -> bool {
    s.chars().all(|c| c == ' ' || c == '\t')
}

/// How a `key = value` line near `index` in `t` is spaced: its indent and
/// the whitespace before and after `=` (`None`: toml_edit's defaults).
fn line_spacing(t: &Table, index: Option<usize>) -> Option<(String, String, String)> {
    let entries: Vec<(&Key, &Value)> = t
        .iter()
        .filter_map(|(k, _)| t.get_key_value(k))
        .filter_map(|(k, item)| match item {
            Item::Value(v) if !is_dotted(v) => Some((k, v)),
            _ => None,
        })
        .collect();
    let upto = index.unwrap_or(entries.len()).min(entries.len());
    let (k, v) = entries[..upto].iter().rev().chain(&entries[upto..]).next()?;
    let indent = k.leaf_decor().prefix()?.as_str()?.rsplit('\n').next()?.to_string();
    let before = k.leaf_decor().suffix()?.as_str()?.to_string();
    let after = v.decor().prefix()?.as_str()?.to_string();
    (blank(&indent) && blank(&before) && blank(&after)).then_some((indent, before, after))
}

/// The text around one entry of an array or inline table: `lead` between
/// the opening bracket (or the previous comma) and the entry, `tail`
/// between the entry and its comma (or the closing bracket).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Gap {
    lead: String,
    tail: String,
}

/// The gaps of a comma-separated list, and what stands between its last
/// comma (or entry) and the closing bracket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ListLayout {
    gaps: Vec<Gap>,
    trailing: String,
    trailing_comma: bool,
}

/// `s` split at its first line break: the rest of the line (`" # note"`)
/// and what follows from the break on (`"\n    "`).
fn split_line(s: &str) -> (&str, Option<&str>) {
    match s.find('\n') {
        Some(i) => (&s[..i], Some(&s[i..])),
        None => (s, None),
    }
}

impl ListLayout {
    fn multi_line(&self) -> bool {
        self.trailing.contains('\n') || self.gaps.iter().any(|g| g.lead.contains('\n') || g.tail.contains('\n'))
    }

    /// The line break and indent of the entries of a multi-line list.
    fn indent(&self, near: usize) -> String {
        let of = |g: &Gap| g.lead.rfind('\n').map(|i| g.lead[i..].to_string());
        self.gaps
            .get(near)
            .and_then(of)
            .or_else(|| self.gaps.iter().rev().find_map(of))
            .unwrap_or_else(|| "\n    ".to_string())
    }

    /// What stands between an entry and its comma (usually nothing).
    fn mid_tail(&self) -> String {
        let n = self.gaps.len();
        let before_commas = if self.trailing_comma { n } else { n.saturating_sub(1) };
        self.gaps[..before_commas]
            .first()
            .map(|g| g.tail.clone())
            .filter(|t| blank(t))
            .unwrap_or_default()
    }

    /// Make room for a new entry at `index` and return its gap: on its own
    /// line with the list's indent in a multi-line list (a comment after the
    /// previous entry stays on that entry's line, the closing bracket and
    /// what follows it where they were), `, `-separated like the others in
    /// a one-line list. `empty` is the gap in an empty list.
    fn insert(&mut self, index: usize, empty: Gap) -> Gap {
        let n = self.gaps.len();
        let new = if n == 0 {
            empty
        } else if self.multi_line() {
            let indent = self.indent(index.min(n - 1));
            let mid = self.mid_tail();
            if index < n {
                let lead = self.gaps[index].lead.clone();
                match split_line(&lead) {
                    (line, Some(rest)) => {
                        self.gaps[index].lead = rest.to_string();
                        Gap {
                            lead: format!("{line}{indent}"),
                            tail: mid,
                        }
                    }
                    (_, None) => {
                        self.gaps[index].lead = indent;
                        Gap { lead, tail: mid }
                    }
                }
            } else if self.trailing_comma {
                let trailing = self.trailing.clone();
                match split_line(&trailing) {
                    (line, Some(rest)) => {
                        self.trailing = rest.to_string();
                        Gap {
                            lead: format!("{line}{indent}"),
                            tail: mid,
                        }
                    }
                    (_, None) => Gap {
                        lead: indent,
                        tail: mid,
                    },
                }
            } else {
                let tail = std::mem::replace(&mut self.gaps[n - 1].tail, mid);
                match split_line(&tail) {
                    (line, Some(rest)) => Gap {
                        lead: format!("{line}{indent}"),
                        tail: rest.to_string(),
                    },
                    (_, None) => Gap { lead: indent, tail },
                }
            }
        } else {
            let sep = match self.gaps.get(1..) {
                Some([.., last]) => last.lead.clone(),
                _ => " ".to_string(),
            };
            let mid = self.mid_tail();
            if index == 0 {
                let lead = std::mem::replace(&mut self.gaps[0].lead, sep);
                Gap { lead, tail: mid }
            } else if index == n && !self.trailing_comma {
                let tail = std::mem::replace(&mut self.gaps[n - 1].tail, mid);
                Gap { lead: sep, tail }
            } else {
                Gap { lead: sep, tail: mid }
            }
        };
        self.gaps.insert(index, new.clone());
        new
    }

    /// Close the gap entry `index` leaves: its own lines (the comment lines
    /// before it, its comment after the comma) go with it; the previous
    /// entry's comment and the closing bracket stay where they were.
    fn remove(&mut self, index: usize) {
        let n = self.gaps.len();
        let multi = self.multi_line();
        let removed = self.gaps.remove(index);
        let (line, rest) = split_line(&removed.lead);
        // The rest of the previous entry's (or the opening bracket's) line.
        let keep = if rest.is_some() { line } else { "" };
        if n == 1 {
            self.trailing = if multi && !keep.trim().is_empty() {
                format!("{keep}\n")
            } else {
                String::new()
            };
        } else if multi {
            if index < n - 1 {
                let next = &mut self.gaps[index];
                next.lead = match split_line(&next.lead) {
                    (_, Some(next_rest)) => format!("{keep}{next_rest}"),
                    (_, None) => removed.lead.clone(),
                };
            } else if self.trailing_comma {
                self.trailing = match split_line(&self.trailing) {
                    (_, Some(rest)) => format!("{keep}{rest}"),
                    (_, None) if keep.is_empty() => self.trailing.clone(),
                    (_, None) => format!("{keep}\n{}", self.trailing),
                };
            } else {
                let prev = &mut self.gaps[index - 1];
                prev.tail = match split_line(&removed.tail) {
                    (_, Some(rest)) => format!("{}{keep}{rest}", prev.tail),
                    (_, None) if keep.is_empty() => format!("{}{}", prev.tail, removed.tail),
                    (_, None) => format!("{}{keep}\n{}", prev.tail, removed.tail),
                };
            }
        } else if index == 0 {
            self.gaps[0].lead = removed.lead;
        } else if index == n - 1 && !self.trailing_comma {
            self.gaps[index - 1].tail = removed.tail;
        }
    }
}

fn array_layout(arr: &Array) -> ListLayout {
    ListLayout {
        gaps: arr
            .iter()
            .enumerate()
            .map(|(i, v)| Gap {
                lead: raw(v.decor().prefix(), if i == 0 { "" } else { " " }),
                tail: raw(v.decor().suffix(), ""),
            })
            .collect(),
        trailing: raw(Some(arr.trailing()), ""),
        trailing_comma: arr.trailing_comma(),
    }
}

fn set_array_layout(arr: &mut Array, layout: &ListLayout) {
    for (v, g) in arr.iter_mut().zip(&layout.gaps) {
        v.decor_mut().set_prefix(g.lead.as_str());
        v.decor_mut().set_suffix(g.tail.as_str());
    }
    arr.set_trailing(layout.trailing.as_str());
    if arr.is_empty() {
        arr.set_trailing_comma(false);
    }
}

/// Insert `value` at `index` of `arr`, laid out like the other entries.
fn array_insert(arr: &mut Array, index: usize, mut value: Value) {
    let mut layout = array_layout(arr);
    let gap = layout.insert(index, Gap::default());
    value.decor_mut().set_prefix(gap.lead);
    value.decor_mut().set_suffix(gap.tail);
    arr.insert_formatted(index, value);
    set_array_layout(arr, &layout);
}

fn array_remove(arr: &mut Array, index: usize) {
    let mut layout = array_layout(arr);
    layout.remove(index);
    arr.remove(index);
    set_array_layout(arr, &layout);
}

/// The layout of an inline table's entries (`None` when it has dotted
/// keys, whose text toml_edit keeps on the innermost key).
fn inline_layout(t: &InlineTable) -> Option<ListLayout> {
    if t.iter().any(|(_, v)| is_dotted(v)) {
        return None;
    }
    let n = t.len();
    let gaps = t
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            Some(Gap {
                lead: raw(t.key(k)?.leaf_decor().prefix(), " "),
                tail: raw(v.decor().suffix(), if i + 1 == n { " " } else { "" }),
            })
        })
        .collect::<Option<Vec<Gap>>>()?;
    Some(ListLayout {
        gaps,
        trailing: raw(Some(t.trailing()), ""),
        trailing_comma: t.trailing_comma(),
    })
}

fn set_inline_layout(t: &mut InlineTable, layout: &ListLayout) {
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
    for (k, g) in keys.iter().zip(&layout.gaps) {
        if let Some(mut key) = t.key_mut(k) {
            key.leaf_decor_mut().set_prefix(g.lead.as_str());
        }
        if let Some(v) = t.get_mut(k) {
            v.decor_mut().set_suffix(g.tail.as_str());
        }
    }
    t.set_trailing(layout.trailing.as_str());
    if t.is_empty() {
        t.set_trailing_comma(false);
    }
}

/// The whitespace before and after `=` in `t`'s entries.
fn inline_eq_spacing(t: &InlineTable) -> (String, String) {
    t.iter()
        .find_map(|(k, v)| {
            let before = raw(t.key(k)?.leaf_decor().suffix(), " ");
            let after = raw(v.decor().prefix(), " ");
            (blank(&before) && blank(&after)).then_some((before, after))
        })
        .unwrap_or_else(|| (" ".into(), " ".into()))
}

/// Insert `key = value` at `index` of `t`, spaced like its entries (no
/// `… } , key = 1 }`).
fn inline_insert(t: &mut InlineTable, key: &str, mut value: Value, index: usize, style: Option<&InlineStyle>) {
    let Some(mut layout) = inline_layout(t) else {
        t.insert(key, value);
        return;
    };
    let index = index.min(layout.gaps.len());
    let empty = match style {
        Some(s) => Gap {
            lead: s.first.clone(),
            tail: s.last.clone(),
        },
        None => Gap {
            lead: " ".into(),
            tail: if layout.trailing.is_empty() { " " } else { "" }.into(),
        },
    };
    let gap = layout.insert(index, empty);
    let (before, after) = match style {
        Some(s) if t.is_empty() => (s.before.clone(), s.after.clone()),
        _ => inline_eq_spacing(t),
    };
    let mut k = Key::new(key);
    k.leaf_decor_mut().set_prefix(gap.lead);
    k.leaf_decor_mut().set_suffix(before);
    value.decor_mut().set_prefix(after);
    value.decor_mut().set_suffix(gap.tail);
    t.insert_formatted(&k, value);
    let moved: Vec<String> = t.iter().skip(index).map(|(k, _)| k.to_string()).collect();
    for name in moved.iter().filter(|n| n.as_str() != key) {
        if let Some((k, v)) = t.remove_entry(name) {
            t.insert_formatted(&k, v);
        }
    }
    set_inline_layout(t, &layout);
}

/// How an inline table of the file is spaced: inside its braces, after
/// its commas and around `=`.
#[derive(Clone, Debug)]
struct InlineStyle {
    first: String,
    sep: String,
    last: String,
    before: String,
    after: String,
}

impl InlineStyle {
    /// The spacing of `t`, an inline table with entries on one line.
    fn of(t: &InlineTable) -> Option<InlineStyle> {
        let layout = inline_layout(t)?;
        let (first, last) = (layout.gaps.first()?, layout.gaps.last()?);
        if layout.multi_line() || layout.trailing_comma || !blank(&first.lead) || !blank(&last.tail) {
            return None;
        }
        let (before, after) = inline_eq_spacing(t);
        Some(InlineStyle {
            first: first.lead.clone(),
            sep: layout.gaps.get(1).map_or(" ", |g| g.lead.as_str()).to_string(),
            last: last.tail.clone(),
            before,
            after,
        })
    }

    /// Space `value`, a new inline table (made without decor), and the new
    /// inline tables in it this way.
    fn apply(&self, value: &mut Value) {
        let Value::InlineTable(t) = value else {
            return;
        };
        if t.is_dotted() || t.iter().any(|(_, v)| is_dotted(v)) {
            return;
        }
        let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
        let n = keys.len();
        for (i, k) in keys.iter().enumerate() {
            if let Some(mut key) = t.key_mut(k) {
                key.leaf_decor_mut()
                    .set_prefix(if i == 0 { &self.first } else { &self.sep }.as_str());
                key.leaf_decor_mut().set_suffix(self.before.as_str());
            }
            if let Some(v) = t.get_mut(k) {
                v.decor_mut().set_prefix(self.after.as_str());
                v.decor_mut()
                    .set_suffix(if i + 1 == n { self.last.as_str() } else { "" });
                self.apply(v);
            }
        }
    }
}

/// Does the `members` entry `entry` (a path or a glob, which cargo expands
/// with the `glob` crate against `root.join(entry)`) cover the member
/// directory `member` (`/`-separated, relative to `root`)? The member's
/// directory may not exist yet, so its path is matched as text, component by
/// component as `glob` walks directories: `*`, `?` and `[…]` stay within one
/// component, `**` spans any number, and `*` matches a leading dot.
fn members_entry_covers(root: &Path, entry: &str, member: &str) -> bool {
    let clean = |s: &str| {
        let parts: Vec<&str> = s.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
        let lead = if s.starts_with('/') { "/" } else { "" };
        format!("{lead}{}", parts.join("/"))
    };
    let (pattern, path) = if Path::new(entry).is_absolute() {
        (clean(entry), clean(&root.join(member).to_string_lossy()))
    } else {
        (clean(entry), clean(member))
    };
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    match glob::Pattern::new(&pattern) {
        Ok(p) => p.matches_with(&path, options),
        // cargo refuses such a pattern; as a path it names only itself.
        Err(_) => pattern == path,
    }
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
        let covers = |entry, member| members_entry_covers(Path::new("/ws"), entry, member);
        assert!(covers("crates/**", "crates/a/b"));
        assert!(covers("crates/**/x", "crates/x"));
        assert!(covers("t/[a-c]x", "t/bx"));
        assert!(covers("t/[!a]", "t/b"));
        assert!(covers("./t/*", "t/a"));
        assert!(covers("t/*/", "t/a"));
        assert!(covers("t/*", "t/.hidden"));
        assert!(covers("/ws/t/*", "t/a"));
        assert!(covers("t/a", "t/a"));
        // `*` stays within one directory, matching is case-sensitive, and a
        // pattern cargo cannot parse covers only its own text.
        assert!(!covers("t/*", "t/a/b"));
        assert!(!covers("T/*", "t/a"));
        assert!(!covers("/elsewhere/t/*", "t/a"));
        assert!(!covers("t/[", "t/a"));
    }

    #[test]
    fn a_list_changes_only_the_entries_that_differ() {
        let text = "[package.metadata.trigger]\nsource   =   's3'  # kept\nmodules = [\n    \"a\", # first\n    \"b\", # second\n]\n";
        let trig = ["package", "metadata", "trigger"];
        // Unchanged values stay as written (quotes, spacing, comment).
        let mut x = m(text);
        x.set(&trig, "source", &FieldValue::Str("s3".into())).unwrap();
        x.set_strings(&trig, "modules", &["a".into(), "b".into()]).unwrap();
        assert_eq!(x.render(), text);
        // An added module goes on its own line; a removed one takes its
        // comment with it; a replaced value keeps the key's spacing.
        x.set_strings(&trig, "modules", &["b".into(), "c".into()]).unwrap();
        x.set(&trig, "source", &FieldValue::Str("kinesis".into())).unwrap();
        assert_eq!(
            x.render(),
            "[package.metadata.trigger]\nsource   =   \"kinesis\"  # kept\nmodules = [\n    \"b\", # second\n    \"c\",\n]\n"
        );
    }

    #[test]
    fn removing_an_entry_keeps_the_previous_entrys_comment() {
        let path = ["package", "metadata", "trigger"];
        for (before, index, after) in [
            // The last one, with and without a trailing comma.
            (
                "bindings = [\n  { bucket = \"a\" }, # a\n  { bucket = \"b\" }, # b\n]",
                1,
                "bindings = [\n  { bucket = \"a\" }, # a\n]",
            ),
            (
                "bindings = [\n  { bucket = \"a\" }, # a\n  { bucket = \"b\" } # b\n]",
                1,
                "bindings = [\n  { bucket = \"a\" } # a\n]",
            ),
            // The first one, after a comment on the bracket's line.
            (
                "bindings = [ # all\n  { bucket = \"a\" }, # a\n  { bucket = \"b\" },\n]",
                0,
                "bindings = [ # all\n  { bucket = \"b\" },\n]",
            ),
            // One of a one-line list.
            (
                "bindings = [ { bucket = \"a\" }, { bucket = \"b\" } ]",
                1,
                "bindings = [ { bucket = \"a\" } ]",
            ),
        ] {
            let mut x = m(&format!("[package.metadata.trigger]\n{before}\n"));
            assert!(x.remove_array_entry(&path, "bindings", index));
            assert_eq!(x.render(), format!("[package.metadata.trigger]\n{after}\n"), "{before}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_kept_and_an_unedited_manifest_is_returned_as_read() {
        let text = "\u{feff}[package]\r\nname = \"x\"\r\nmetadata.a = 1\r\nversion = \"1\"\nmetadata.b = 2\r\n";
        assert_eq!(m(text).render(), text);
        assert_eq!(
            with_source(text),
            format!("{text}\r\n[package.metadata.trigger]\r\nsource = \"s3\"\r\n")
        );
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
