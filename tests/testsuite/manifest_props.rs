//! Property test of manifest edits (issue 14): generated workspace and crate
//! manifests — comments on and between entries, LF, CRLF and mixed line
//! endings, tabs, trailing spaces, interleaved dotted keys, inline tables,
//! a byte-order mark, one-line and multi-line arrays with and without a
//! trailing comma, table headers with odd spacing, no final newline — are
//! edited as `new`, `wire` and `unwire` edit them. Each edit either refuses,
//! writing nothing, or keeps every line outside the edited values byte for
//! byte (ending included), keeps each comment with its entry, and gives a
//! manifest that says what was written.
//!
//! `edits_keep_every_line_outside_them` runs the library's edit functions
//! (the ones the commands call) on 256 cases; `the_binary_keeps_them_too`
//! runs the real binary on 4 cases and checks that `cargo metadata` loads
//! the result after every command. Both take well under a minute. To run
//! longer, set `PROPTEST_CASES` (the binary runs one case in 64 of that, at
//! least 4):
//!
//! ```text
//! PROPTEST_CASES=20000 cargo test --release --test testsuite manifest_props
//! ```

use std::path::Path;
use std::process::Command;

use cargo_trigger::manifest::{DepEntry, Manifest, RESOURCES, TRIGGER};
use cargo_trigger::model::FieldValue;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError};

// ---- what is generated ---------------------------------------------------

/// When a generated line may change.
#[derive(Clone, Debug, PartialEq)]
enum Role {
    /// It stays byte for byte, in order.
    Keep,
    /// A list entry: it stays, or gains the comma after its value when an
    /// entry is added after it (`alt`).
    Entry { alt: Option<String> },
    /// A one-line value the edits change (`key = […]`, `key = { … }`): a
    /// line starting with `key` stays, and ends with `comment` if it did.
    Edited { key: String, comment: Option<String> },
    /// No promise (a last entry sharing its line with the closing bracket).
    Free,
}

#[derive(Clone, Debug)]
struct Line {
    text: String,
    role: Role,
    /// `unwire` removes it (a binding, a pruned resource): the role holds
    /// until then.
    until_unwire: bool,
}

fn keep(text: impl Into<String>) -> Line {
    line(text, Role::Keep)
}

fn line(text: impl Into<String>, role: Role) -> Line {
    Line {
        text: text.into(),
        role,
        until_unwire: false,
    }
}

impl Line {
    fn until_unwire(self) -> Line {
        Line {
            until_unwire: true,
            ..self
        }
    }
}

#[derive(Clone, Debug)]
enum Endings {
    Lf,
    Crlf,
    /// Per line, cycling: `true` is CRLF.
    Mixed(Vec<bool>),
}

/// A generated file: its lines and how they are written.
#[derive(Clone, Debug)]
struct File {
    bom: bool,
    endings: Endings,
    final_newline: bool,
    lines: Vec<Line>,
    /// (comment line, the entry line it precedes): the comment stays right
    /// before its entry.
    lead_comments: Vec<(String, String)>,
}

impl File {
    fn ending(&self, i: usize) -> &'static str {
        if i + 1 == self.lines.len() && !self.final_newline {
            return "";
        }
        match &self.endings {
            Endings::Lf => "\n",
            Endings::Crlf => "\r\n",
            Endings::Mixed(pattern) if pattern[i % pattern.len()] => "\r\n",
            Endings::Mixed(_) => "\n",
        }
    }

    fn text(&self) -> String {
        let mut out = String::from(if self.bom { "\u{feff}" } else { "" });
        for (i, l) in self.lines.iter().enumerate() {
            out.push_str(&l.text);
            out.push_str(self.ending(i));
        }
        out
    }
}

const PATHS: [&str; 4] = ["crates/common", "crates/api", "tools/*", "web/site"];

#[derive(Clone, Debug)]
struct MembersSpec {
    /// Which of `PATHS` are listed besides `crates/thumbs`.
    others: Vec<bool>,
    sorted: bool,
    literal: bool,
    multi_line: bool,
    trailing_comma: bool,
    eq: &'static str,
    // one-line lists
    sep: &'static str,
    pad: bool,
    // multi-line lists
    indent: &'static str,
    /// Per entry: bit 0 a comment line before it, bit 1 a comment after it.
    comments: Vec<u8>,
    open_comment: bool,
    close_comment: bool,
    bracket_on_last_line: bool,
}

prop_compose! {
    fn members_spec()(
        others in vec(any::<bool>(), PATHS.len()),
        sorted in any::<bool>(),
        literal in any::<bool>(),
        multi_line in any::<bool>(),
        trailing_comma in any::<bool>(),
        eq in select(vec![" = ", "=", "\t=\t"]),
        sep in select(vec![", ", ",", " , "]),
        pad in any::<bool>(),
        indent in select(vec!["    ", "\t", "  "]),
        comments in vec(0u8..4, PATHS.len() + 1),
        (open_comment, close_comment, bracket_on_last_line) in (any::<bool>(), any::<bool>(), any::<bool>()),
    ) -> MembersSpec {
        MembersSpec { others, sorted, literal, multi_line, trailing_comma, eq, sep, pad, indent, comments, open_comment, close_comment, bracket_on_last_line }
    }
}

impl MembersSpec {
    fn paths(&self) -> Vec<&'static str> {
        let mut paths: Vec<&str> = std::iter::once("crates/thumbs")
            .chain(PATHS.iter().zip(&self.others).filter(|(_, on)| **on).map(|(p, _)| *p))
            .collect();
        paths.sort();
        if !self.sorted {
            paths.reverse();
        }
        paths
    }

    fn lines(&self, out: &mut File) {
        let q = if self.literal { "'" } else { "\"" };
        let quoted: Vec<String> = self.paths().iter().map(|p| format!("{q}{p}{q}")).collect();
        let eq = self.eq;
        if !self.multi_line {
            let pad = if self.pad { " " } else { "" };
            let comma = if self.trailing_comma { "," } else { "" };
            let comment = self.close_comment.then(|| "  # the members".to_string());
            out.lines.push(line(
                format!(
                    "members{eq}[{pad}{}{comma}{pad}]{}",
                    quoted.join(self.sep),
                    comment.clone().unwrap_or_default()
                ),
                Role::Edited {
                    key: "members".into(),
                    comment,
                },
            ));
            return;
        }
        let open = if self.open_comment { " # members" } else { "" };
        out.lines.push(keep(format!("members{eq}[{open}")));
        let indent = self.indent;
        for (i, entry) in quoted.iter().enumerate() {
            let last = i + 1 == quoted.len();
            let name = entry.trim_matches(['"', '\'']).replace(['/', '*'], "-");
            if self.comments[i] & 1 != 0 {
                let c = format!("{indent}# about {name}");
                out.lead_comments.push((c.clone(), format!("{indent}{entry}")));
                out.lines.push(keep(c));
            }
            let after = if self.comments[i] & 2 != 0 {
                format!("  # {name} stays here")
            } else {
                String::new()
            };
            if last && !self.trailing_comma {
                if self.bracket_on_last_line {
                    let close = if self.close_comment { "  # end" } else { "" };
                    out.lines.push(line(format!("{indent}{entry}]{close}"), Role::Free));
                    return;
                }
                out.lines.push(line(
                    format!("{indent}{entry}{after}"),
                    Role::Entry {
                        alt: Some(format!("{indent}{entry},{after}")),
                    },
                ));
            } else {
                out.lines
                    .push(line(format!("{indent}{entry},{after}"), Role::Entry { alt: None }));
            }
        }
        let close = if self.close_comment { "  # end of members" } else { "" };
        out.lines.push(keep(format!("]{close}")));
    }
}

#[derive(Clone, Debug)]
struct RootSpec {
    bom: bool,
    endings: Endings,
    final_newline: bool,
    header: &'static str,
    members: MembersSpec,
    resolver: &'static str,
    /// `exclude = [...]` naming this directory.
    exclude: Option<&'static str>,
    /// 0: none, 1: `metadata.other.flag = true` in `[workspace]`, 2 and 3: an
    /// inline `metadata = { … }` (spaced, compact).
    metadata: u8,
    /// 0: none, 1 and 2: inline `dependencies = { … }` (spaced, compact), 3:
    /// a `[workspace.dependencies]` table.
    deps: u8,
    deps_sorted: bool,
    deps_indent: &'static str,
    package: bool,
    /// Declare `uploads` under this header (when `metadata` is not inline).
    uploads: Option<&'static str>,
    /// 0: none, 1: `[workspace.metadata.trigger]` before `uploads`, 2: after.
    trigger_dir: u8,
    /// 0: none, 1: dotted `profile.*` keys before `[workspace]`, 2: a
    /// `[profile]` table of interleaved dotted keys.
    profile: u8,
    profile_order: Vec<usize>,
    comments: Vec<bool>,
    trailing_spaces: Vec<bool>,
}

fn endings() -> impl Strategy<Value = Endings> {
    prop_oneof![
        Just(Endings::Lf),
        Just(Endings::Crlf),
        vec(any::<bool>(), 1..8).prop_map(Endings::Mixed),
    ]
}

prop_compose! {
    fn root_spec()(
        (bom, endings, final_newline) in (any::<bool>(), endings(), any::<bool>()),
        header in select(vec!["[workspace]", "[ workspace ]", "[workspace]  # the workspace"]),
        members in members_spec(),
        resolver in select(vec!["resolver = \"3\"", "resolver=\"3\"   # newest", "\tresolver = \"3\""]),
        exclude in prop_oneof![4 => Just(None), 1 => Just(Some("vendor")), 1 => Just(Some("triggers"))],
        (metadata, deps, deps_sorted, deps_indent) in (0u8..4, 0u8..4, any::<bool>(), select(vec!["", "\t", "  "])),
        package in any::<bool>(),
        uploads in prop_oneof![
            Just(None),
            Just(Some("[workspace.metadata.trigger.resources.uploads]")),
            Just(Some("[workspace.metadata. trigger.resources.uploads]")),
            Just(Some("[ workspace.metadata.trigger.resources.uploads ]")),
            Just(Some("[workspace . metadata.trigger.resources.uploads]  # a bucket")),
        ],
        (trigger_dir, profile) in (0u8..3, 0u8..3),
        profile_order in Just(vec![0usize, 1, 2]).prop_shuffle(),
        comments in vec(any::<bool>(), 8),
        trailing_spaces in vec(any::<bool>(), 4),
    ) -> RootSpec {
        RootSpec { bom, endings, final_newline, header, members, resolver, exclude, metadata, deps, deps_sorted, deps_indent, package, uploads, trigger_dir, profile, profile_order, comments, trailing_spaces }
    }
}

#[derive(Clone, Debug)]
struct CrateSpec {
    bom: bool,
    endings: Endings,
    final_newline: bool,
    header: &'static str,
    dotted_metadata: bool,
    /// 0: not a trigger crate yet, 1: `[[…bindings]]` tables, 2: a one-line
    /// inline array of bindings, 3: a multi-line one.
    trigger: u8,
    bindings: usize,
    trailing_comma: bool,
    deploy: bool,
    comments: Vec<bool>,
}

prop_compose! {
    fn crate_spec()(
        (bom, endings, final_newline) in (any::<bool>(), endings(), any::<bool>()),
        header in select(vec!["[package]", "[ package ]", "[package]   # thumbnails"]),
        dotted_metadata in any::<bool>(),
        (trigger, bindings, trailing_comma) in (0u8..4, 1usize..3, any::<bool>()),
        deploy in any::<bool>(),
        comments in vec(any::<bool>(), 6),
    ) -> CrateSpec {
        CrateSpec { bom, endings, final_newline, header, dotted_metadata, trigger, bindings, trailing_comma, deploy, comments }
    }
}

impl CrateSpec {
    fn has_bindings(&self) -> bool {
        self.trigger != 0
    }

    fn file(&self) -> File {
        let mut f = File {
            bom: self.bom,
            endings: self.endings.clone(),
            final_newline: self.final_newline,
            lines: Vec::new(),
            lead_comments: Vec::new(),
        };
        let until_unwire = |text: String| keep(text).until_unwire();
        let c = |i: usize| self.comments[i % self.comments.len()];
        f.lines.push(keep(self.header));
        f.lines.push(keep("name = \"thumbs\""));
        f.lines.push(keep("version = \"0.1.0\""));
        if self.dotted_metadata {
            f.lines.push(keep("metadata.docs.rs.all-features = true"));
        }
        f.lines.push(keep("edition = \"2024\""));
        if self.dotted_metadata {
            f.lines.push(keep("metadata.release.release = false   # not published"));
        }
        f.lines.push(keep("publish = false"));
        if self.trigger != 0 {
            f.lines.push(keep(""));
            if c(0) {
                f.lines.push(keep("# what calls this function"));
            }
            f.lines.push(keep("[package.metadata.trigger]"));
            f.lines.push(keep("source = \"s3\"   # bucket notifications"));
        }
        let binding = |i: usize| format!("bucket = \"uploads\", prefix = \"p{i}/\"");
        match self.trigger {
            1 => {
                for i in 0..self.bindings {
                    f.lines.push(until_unwire(String::new()));
                    if c(i + 1) {
                        f.lines.push(until_unwire(format!("# binding {i}")));
                    }
                    f.lines
                        .push(until_unwire("[[package.metadata.trigger.bindings]]".into()));
                    f.lines.push(until_unwire("bucket = \"uploads\"".into()));
                    f.lines.push(until_unwire(format!("prefix = \"p{i}/\"")));
                }
            }
            2 => {
                let entries: Vec<String> = (0..self.bindings).map(|i| format!("{{ {} }}", binding(i))).collect();
                let comma = if self.trailing_comma { "," } else { "" };
                f.lines.push(
                    line(
                        format!("bindings = [{}{comma}]", entries.join(", ")),
                        Role::Edited {
                            key: "bindings".into(),
                            comment: None,
                        },
                    )
                    .until_unwire(),
                );
            }
            3 => {
                f.lines.push(until_unwire("bindings = [".into()));
                for i in 0..self.bindings {
                    let last = i + 1 == self.bindings;
                    let after = if c(i + 2) {
                        format!("  # binding {i}")
                    } else {
                        String::new()
                    };
                    let entry = format!("    {{ {} }}", binding(i));
                    // Kept through `wire`, gone after `unwire`.
                    f.lines.push(if last && !self.trailing_comma {
                        until_unwire(format!("{entry}{after}"))
                    } else {
                        until_unwire(format!("{entry},{after}"))
                    });
                }
                f.lines.push(until_unwire("]".into()));
            }
            _ => {}
        }
        // The multi-line bindings' last entry gains its comma at `wire`.
        if self.trigger == 3 && !self.trailing_comma {
            let i = f.lines.len() - 2;
            let text = f.lines[i].text.clone();
            let (entry, after) = text.split_at(text.find(" }").unwrap() + 2);
            f.lines[i].role = Role::Entry {
                alt: Some(format!("{entry},{after}")),
            };
        }
        f.lines.push(keep(""));
        if c(4) {
            f.lines.push(keep("# runtime dependencies"));
        }
        f.lines.push(keep("[dependencies]"));
        f.lines.push(keep("serde = \"1\"  # derive later"));
        if self.deploy {
            f.lines.push(keep(""));
            f.lines.push(keep("[package.metadata.lambda.deploy]"));
            f.lines.push(keep("memory\t=\t512"));
        }
        f
    }
}

/// Where `new` puts the crate: the default or a `--path`.
const NEW_PATHS: [&str; 4] = ["triggers/photos", "apps/photos", "crates/photos", "tools/photos"];

#[derive(Clone, Debug)]
struct Case {
    root: RootSpec,
    krate: CrateSpec,
    new_path: &'static str,
}

impl Case {
    /// `uploads` is declared (always when the crate's bindings use it).
    fn uploads_header(&self) -> Option<&'static str> {
        if self.root.metadata >= 2 {
            return None;
        }
        match (self.root.uploads, self.krate.has_bindings()) {
            (Some(h), _) => Some(h),
            (None, true) => Some("[workspace.metadata.trigger.resources.uploads]"),
            (None, false) => None,
        }
    }

    /// `new` refuses: its directory is excluded.
    fn refused(&self) -> bool {
        self.root
            .exclude
            .is_some_and(|e| self.new_path.starts_with(&format!("{e}/")))
    }

    /// A members entry already covers the new crate.
    fn covered(&self) -> bool {
        self.new_path.starts_with("tools/") && self.root.members.paths().contains(&"tools/*")
    }

    fn root_file(&self) -> File {
        let r = &self.root;
        let mut f = File {
            bom: r.bom,
            endings: r.endings.clone(),
            final_newline: r.final_newline,
            lines: Vec::new(),
            lead_comments: Vec::new(),
        };
        let comment = |f: &mut File, i: usize, text: &str| {
            if r.comments[i] {
                f.lines.push(keep(format!("# {text}")));
            }
        };
        let spaces = |i: usize| if r.trailing_spaces[i] { "  " } else { "" };
        comment(&mut f, 0, "Acme serverless workspace");
        let profile = [
            "dev.opt-level = 1",
            "release.lto = true   # smaller binaries",
            "dev.debug = false",
        ];
        if r.profile == 1 {
            for &i in &r.profile_order {
                f.lines.push(keep(format!("profile.{}", profile[i])));
            }
        }
        f.lines.push(keep(format!("{}{}", r.header, spaces(0))));
        comment(&mut f, 1, "keep the members sorted!");
        r.members.lines(&mut f);
        f.lines.push(keep(format!("{}{}", r.resolver, spaces(1))));
        if let Some(e) = r.exclude {
            f.lines.push(keep(format!("exclude = [\"{e}\"]")));
        }
        match r.metadata {
            1 => f.lines.push(keep("metadata.other.flag = true")),
            2 | 3 => {
                let (text, comment) = if r.metadata == 2 {
                    ("metadata = { other = { flag = true } }", Some("  # not ours"))
                } else {
                    ("metadata = {other={flag=true}}", None)
                };
                f.lines.push(line(
                    format!("{text}{}", comment.unwrap_or_default()),
                    Role::Edited {
                        key: "metadata".into(),
                        comment: comment.map(str::to_string),
                    },
                ));
            }
            _ => {}
        }
        match r.deps {
            1 | 2 => {
                let text = if r.deps == 1 {
                    "dependencies = { serde = { version = \"1\", features = [\"derive\"] }, anyhow = \"1\" }"
                } else {
                    "dependencies = {anyhow=\"1\",serde={version=\"1\"}}"
                };
                f.lines.push(line(
                    text,
                    Role::Edited {
                        key: "dependencies".into(),
                        comment: None,
                    },
                ));
            }
            3 => {
                f.lines.push(keep(""));
                f.lines.push(keep("[workspace.dependencies]"));
                let i = r.deps_indent;
                let mut entries = vec![
                    vec![format!("{i}anyhow = \"1\"   # errors")],
                    vec![format!("{i}serde=\"1\"")],
                    vec![
                        format!("{i}tokio.version = \"1\""),
                        format!("{i}tokio.features = [\"full\"]"),
                    ],
                ];
                if !r.deps_sorted {
                    entries.reverse();
                }
                comment(&mut f, 2, "shared versions");
                for l in entries.into_iter().flatten() {
                    f.lines.push(keep(l));
                }
            }
            _ => {}
        }
        if r.package {
            f.lines.push(keep(""));
            f.lines.push(keep("[workspace.package]"));
            f.lines.push(keep(format!("edition = \"2024\"{}", spaces(2))));
        }
        let trigger_dir = |f: &mut File| {
            f.lines.push(keep(""));
            f.lines.push(keep("[workspace.metadata.trigger]"));
            f.lines.push(keep("dir = \"triggers\"   # where `new` puts crates"));
        };
        if r.metadata < 2 && r.trigger_dir == 1 {
            trigger_dir(&mut f);
        }
        if let Some(h) = self.uploads_header() {
            // Pruned by `unwire` when the crate's bindings were its users.
            for text in ["", h, "type = \"s3-bucket\""] {
                let l = keep(text);
                f.lines
                    .push(if self.krate.has_bindings() { l.until_unwire() } else { l });
            }
        }
        if r.metadata < 2 && r.trigger_dir == 2 {
            trigger_dir(&mut f);
        }
        if r.profile == 2 {
            f.lines.push(keep(""));
            comment(&mut f, 3, "profiles");
            f.lines.push(keep(format!("[profile]{}", spaces(3))));
            for &i in &r.profile_order {
                f.lines.push(keep(profile[i]));
            }
        }
        comment(&mut f, 4, "end");
        f
    }
}

fn case() -> impl Strategy<Value = Case> {
    (root_spec(), crate_spec(), select(NEW_PATHS.to_vec())).prop_map(|(root, krate, new_path)| Case {
        root,
        krate,
        new_path,
    })
}

// ---- the checks ----------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    New,
    Wire,
    Unwire,
}

/// `after` keeps what `before` (generated) promises for `phase`.
fn check_layout(before: &File, after: &str, phase: Phase) -> Result<(), TestCaseError> {
    let context = || format!("--- before\n{}\n--- after\n{after}", before.text());
    prop_assert_eq!(
        after.starts_with('\u{feff}'),
        before.bom,
        "byte-order mark\n{}",
        context()
    );
    let body = after.strip_prefix('\u{feff}').unwrap_or(after);
    let out: Vec<&str> = body.split_inclusive('\n').collect();
    let bare = |l: &str| l.trim_end_matches(['\r', '\n']).to_string();
    let mut cursor = 0;
    for (i, l) in before.lines.iter().enumerate() {
        let ending = before.ending(i);
        if l.until_unwire && phase == Phase::Unwire {
            continue;
        }
        let mut wanted = vec![format!("{}{ending}", l.text)];
        match &l.role {
            Role::Keep => {}
            Role::Entry { alt } => wanted.extend(alt.iter().map(|a| format!("{a}{ending}"))),
            Role::Edited { key, comment } => {
                let hit = out.iter().any(|o| {
                    let o = bare(o);
                    o.starts_with(key.as_str()) && comment.as_ref().is_none_or(|c| o.ends_with(c.as_str()))
                });
                prop_assert!(hit, "no `{}` line ending in {:?}\n{}", key, comment, context());
                continue;
            }
            Role::Free => continue,
        }
        // The last line, written without an ending, gets one when more follows.
        if ending.is_empty() {
            wanted.extend(
                wanted
                    .clone()
                    .iter()
                    .flat_map(|w| [format!("{w}\n"), format!("{w}\r\n")]),
            );
        }
        match out[cursor..].iter().position(|o| wanted.iter().any(|w| w == o)) {
            Some(p) => cursor += p + 1,
            None => {
                return Err(TestCaseError::fail(format!(
                    "line {} {:?} ({:?}) is gone or moved\n{}",
                    i + 1,
                    wanted[0],
                    l.role,
                    context()
                )));
            }
        }
    }
    // A comment line before an entry stays right before it.
    for (comment, entry) in &before.lead_comments {
        let at = out.iter().position(|o| bare(o) == *comment);
        prop_assert!(at.is_some(), "comment {:?} is gone\n{}", comment, context());
        let next = out.get(at.unwrap() + 1).map(|o| bare(o)).unwrap_or_default();
        prop_assert!(
            next.starts_with(entry.as_str()),
            "comment {:?} left {}\n{}",
            comment,
            entry,
            context()
        );
    }
    Ok(())
}

/// The line the new member is on carries no comment of another entry (what
/// follows a closing bracket on it is the bracket's).
fn check_new_member_line(after: &str, path: &str) -> Result<(), TestCaseError> {
    for quoted in [format!("\"{path}\""), format!("'{path}'")] {
        for l in after.lines().filter(|l| !l.trim_start().starts_with("members")) {
            if let Some(at) = l.find(&quoted) {
                let rest = l[at + quoted.len()..].trim_start_matches([',', ' ', '\t']);
                prop_assert!(
                    rest.starts_with(']') || !rest.contains('#'),
                    "a comment moved to the new member: {:?}\n{}",
                    l,
                    after
                );
            }
        }
    }
    Ok(())
}

fn parse(name: &str, text: &str) -> Result<Manifest, TestCaseError> {
    Manifest::parse(Path::new(name), text.to_string()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))
}

const WS_DEPS: [&str; 5] = ["aws_lambda_events", "lambda_runtime", "serde", "serde_json", "tokio"];

/// What each phase wrote, read back.
fn check_meaning(case: &Case, phase: Phase, root: &str, krate: &str) -> Result<(), TestCaseError> {
    let r = parse("Cargo.toml", root)?;
    let c = parse("crates/thumbs/Cargo.toml", krate)?;
    let members = r.get_strings(&["workspace"], "members").unwrap_or_default();
    for p in case.root.members.paths() {
        prop_assert!(members.iter().any(|m| m == p), "{} lost from {:?}", p, members);
    }
    let listed = members.iter().any(|m| m == case.new_path);
    prop_assert_eq!(listed, !case.covered(), "{} in {:?}", case.new_path, members);
    let resource = |name: &str| {
        let path: Vec<&str> = RESOURCES.iter().copied().chain([name]).collect();
        r.get_str(&path, "type").map(str::to_string)
    };
    prop_assert_eq!(resource("photos"), Some("s3-bucket".to_string()));
    if case.root.deps != 0 {
        let names = r.workspace_dependency_names();
        for d in WS_DEPS {
            prop_assert!(names.iter().any(|n| n == d), "{} not in {:?}", d, names);
        }
    }
    let bindings = c.array_len(&TRIGGER, "bindings");
    let before = if case.krate.has_bindings() {
        case.krate.bindings
    } else {
        0
    };
    match phase {
        Phase::New => prop_assert_eq!(bindings, before),
        Phase::Wire => {
            prop_assert_eq!(bindings, before + 1);
            prop_assert_eq!(c.get_str(&TRIGGER, "source"), Some("s3"));
            prop_assert_eq!(resource("archive"), Some("s3-bucket".to_string()));
        }
        Phase::Unwire => {
            prop_assert_eq!(bindings, 0);
            prop_assert_eq!(c.get_str(&TRIGGER, "source"), Some("s3"));
            prop_assert_eq!(resource("archive"), None);
            let uploads_left = case.uploads_header().is_some() && !case.krate.has_bindings();
            prop_assert_eq!(resource("uploads").is_some(), uploads_left);
        }
    }
    Ok(())
}

// ---- the edits, as the commands make them ---------------------------------

fn dep(name: &str) -> DepEntry {
    DepEntry {
        version: Some(if name == "aws_lambda_events" { "1.2" } else { "1" }.into()),
        default_features: (name == "aws_lambda_events").then_some(false),
        ..DepEntry::default()
    }
}

/// `new photos --source s3 --bucket photos [--path …]` on the root
/// manifest; `None` when it refuses.
fn edit_new(case: &Case, root: &str) -> Result<Option<String>, TestCaseError> {
    let mut m = parse("/ws/Cargo.toml", root)?;
    let inherit = m.has_workspace_dependencies();
    let have = m.workspace_dependency_names();
    for d in WS_DEPS {
        if inherit && !have.iter().any(|h| h == d) {
            m.add_dependency(&["workspace", "dependencies"], d, &dep(d)).unwrap();
        }
    }
    if m.add_workspace_member(case.new_path).is_err() {
        return Ok(None);
    }
    m.set_table(&RESOURCES, "photos", &[("type", FieldValue::Str("s3-bucket".into()))])
        .unwrap();
    Ok(Some(m.render()))
}

/// `wire thumbs --source s3 --bucket archive --create`.
fn edit_wire(root: &str, krate: &str) -> Result<(String, String), TestCaseError> {
    let mut c = parse("/ws/crates/thumbs/Cargo.toml", krate)?;
    if c.get_str(&TRIGGER, "source").is_none() {
        c.set(&TRIGGER, "source", &FieldValue::Str("s3".into())).unwrap();
    }
    c.push_table(
        &TRIGGER,
        "bindings",
        &[
            ("bucket", FieldValue::Str("archive".into())),
            (
                "events",
                FieldValue::List(vec!["s3:ObjectCreated:*".into(), "s3:ObjectRemoved:*".into()]),
            ),
        ],
    )
    .unwrap();
    let mut r = parse("/ws/Cargo.toml", root)?;
    r.set_table(&RESOURCES, "archive", &[("type", FieldValue::Str("s3-bucket".into()))])
        .unwrap();
    Ok((r.render(), c.render()))
}

/// `unwire thumbs --all --prune`.
fn edit_unwire(case: &Case, root: &str, krate: &str) -> Result<(String, String), TestCaseError> {
    let mut c = parse("/ws/crates/thumbs/Cargo.toml", krate)?;
    for i in (0..c.array_len(&TRIGGER, "bindings")).rev() {
        prop_assert!(c.remove_array_entry(&TRIGGER, "bindings", i));
    }
    let mut r = parse("/ws/Cargo.toml", root)?;
    r.remove_table(&RESOURCES, "archive");
    if case.krate.has_bindings() {
        r.remove_table(&RESOURCES, "uploads");
    }
    r.remove_if_empty(&RESOURCES);
    r.remove_if_empty(&["workspace", "metadata", "trigger"]);
    r.remove_if_empty(&["workspace", "metadata"]);
    Ok((r.render(), c.render()))
}

proptest! {
    // `PROPTEST_CASES` overrides the 256.
    #![proptest_config(Config::with_cases(256))]

    #[test]
    fn edits_keep_every_line_outside_them(case in case()) {
        let (root_file, crate_file) = (case.root_file(), case.krate.file());
        let (root, krate) = (root_file.text(), crate_file.text());
        let Some(root_new) = edit_new(&case, &root)? else {
            prop_assert!(case.refused(), "`new` refused\n{}", root);
            return Ok(());
        };
        prop_assert!(!case.refused(), "`new` should refuse an excluded path\n{}", root_new);
        check_layout(&root_file, &root_new, Phase::New)?;
        check_new_member_line(&root_new, case.new_path)?;
        check_meaning(&case, Phase::New, &root_new, &krate)?;

        let (root_wired, crate_wired) = edit_wire(&root_new, &krate)?;
        check_layout(&root_file, &root_wired, Phase::Wire)?;
        check_layout(&crate_file, &crate_wired, Phase::Wire)?;
        check_meaning(&case, Phase::Wire, &root_wired, &crate_wired)?;

        let (root_unwired, crate_unwired) = edit_unwire(&case, &root_wired, &crate_wired)?;
        check_layout(&root_file, &root_unwired, Phase::Unwire)?;
        check_layout(&crate_file, &crate_unwired, Phase::Unwire)?;
        check_meaning(&case, Phase::Unwire, &root_unwired, &crate_unwired)?;
    }
}

// ---- through the binary ----------------------------------------------------

/// Lay the case out as a workspace: its root manifest, `crates/thumbs` with
/// its manifest, and a crate for each other members entry.
fn lay_out(case: &Case, dir: &Path) {
    std::fs::write(dir.join("Cargo.toml"), case.root_file().text()).unwrap();
    let add = |rel: &str, manifest: String| {
        std::fs::create_dir_all(dir.join(rel).join("src")).unwrap();
        std::fs::write(dir.join(rel).join("src/main.rs"), "fn main() {}\n").unwrap();
        std::fs::write(dir.join(rel).join("Cargo.toml"), manifest).unwrap();
    };
    add("crates/thumbs", case.krate.file().text());
    for p in case.root.members.paths() {
        let rel = p.replace('*', "gen");
        let name = rel.rsplit('/').next().unwrap().to_string();
        if name != "thumbs" {
            add(
                &rel,
                format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n"),
            );
        }
    }
}

fn cargo_metadata_loads(dir: &Path) -> Result<(), TestCaseError> {
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(dir)
        .output()
        .unwrap();
    prop_assert!(
        out.status.success(),
        "cargo metadata: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        crate::support::read(dir, "Cargo.toml")
    );
    Ok(())
}

fn run_ok(dir: &Path, args: &[&str]) -> Result<(), TestCaseError> {
    let r = crate::support::run(dir, args);
    prop_assert_eq!(r.code, 0, "{:?}: {}", args, r.stderr);
    Ok(())
}

/// One case in 64 of `PROPTEST_CASES` (256 by default), at least 4: a
/// `TestRunner` of its own, as `proptest!` would let `PROPTEST_CASES` set
/// this count too.
#[test]
fn the_binary_keeps_them_too() {
    let library_cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    let config = Config {
        cases: (library_cases / 64).max(4),
        source_file: Some(file!()),
        test_name: Some("the_binary_keeps_them_too"),
        ..Config::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    if let Err(e) = runner.run(&case(), |case| binary_case(&case)) {
        panic!("{e}");
    }
}

fn binary_case(case: &Case) -> Result<(), TestCaseError> {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    lay_out(case, dir);
    let (root_file, crate_file) = (case.root_file(), case.krate.file());
    let read = |rel: &str| String::from_utf8(std::fs::read(dir.join(rel)).unwrap()).unwrap();

    let mut new = vec!["new", "-q", "photos", "--source", "s3", "--bucket", "photos"];
    if case.new_path != "triggers/photos" {
        new.extend(["--path", case.new_path]);
    }
    let before = crate::support::snapshot(dir);
    let r = crate::support::run(dir, &new);
    if case.refused() {
        prop_assert_eq!(r.code, 101, "{}", r.stderr);
        prop_assert!(
            r.stderr.contains("error: ") && r.stderr.contains("help: "),
            "{}",
            r.stderr
        );
        prop_assert!(crate::support::snapshot(dir) == before, "a refused `new` wrote files");
        return Ok(());
    }
    prop_assert_eq!(r.code, 0, "{}", r.stderr);
    check_layout(&root_file, &read("Cargo.toml"), Phase::New)?;
    check_new_member_line(&read("Cargo.toml"), case.new_path)?;
    check_meaning(case, Phase::New, &read("Cargo.toml"), &read("crates/thumbs/Cargo.toml"))?;
    cargo_metadata_loads(dir)?;

    run_ok(
        dir,
        &[
            "wire", "-q", "thumbs", "--source", "s3", "--bucket", "archive", "--create",
        ],
    )?;
    check_layout(&root_file, &read("Cargo.toml"), Phase::Wire)?;
    check_layout(&crate_file, &read("crates/thumbs/Cargo.toml"), Phase::Wire)?;
    check_meaning(
        case,
        Phase::Wire,
        &read("Cargo.toml"),
        &read("crates/thumbs/Cargo.toml"),
    )?;
    cargo_metadata_loads(dir)?;

    run_ok(dir, &["unwire", "-q", "thumbs", "--all", "--prune"])?;
    check_layout(&root_file, &read("Cargo.toml"), Phase::Unwire)?;
    check_layout(&crate_file, &read("crates/thumbs/Cargo.toml"), Phase::Unwire)?;
    check_meaning(
        case,
        Phase::Unwire,
        &read("Cargo.toml"),
        &read("crates/thumbs/Cargo.toml"),
    )?;
    cargo_metadata_loads(dir)?;
    Ok(())
}
