//! The layers of `docs/architecture.md`, checked on the source: no import
//! cycle between modules (each file a module; a module and the modules
//! inside it are one), the top-level modules in their layers, and no
//! per-source `match` outside `src/sources/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/ops/new.rs` → `ops::new`; `src/sources/mod.rs` → `sources`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts.join("::")
}

/// The code of a file without comments, string literals and its tests.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .map(|l| {
            // Drop "…" literals (paths in messages are not imports).
            let mut out = String::new();
            let mut in_str = false;
            let mut prev = ' ';
            for c in l.chars() {
                if c == '"' && prev != '\\' {
                    in_str = !in_str;
                } else if !in_str {
                    out.push(c);
                }
                prev = c;
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The modules a file names: `crate::a::b…`, `super::…`, `self::…`, and
/// the items of `use crate::{a, b::c}` groups, resolved to the longest
/// known module path.
fn references(module: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let parent: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    let resolve = |path: &[&str], out: &mut BTreeSet<String>| {
        for n in (1..=path.len()).rev() {
            let candidate = path[..n].join("::");
            if known.contains(&candidate) {
                out.insert(candidate);
                return;
            }
        }
    };
    let tokens: Vec<char> = code.chars().collect();
    let text: String = tokens.iter().collect();
    for (start, _) in text.match_indices("crate::").chain(text.match_indices("super::")) {
        let rest = &text[start..];
        let (base, rest): (Vec<&str>, &str) = if let Some(r) = rest.strip_prefix("crate::") {
            (Vec::new(), r)
        } else {
            // `super::` relative to this file's module (a mod.rs is its own module).
            let mut b = parent.clone();
            let mut r = rest;
            while let Some(x) = r.strip_prefix("super::") {
                b.pop();
                r = x;
            }
            (b, r)
        };
        let path: String = rest
            .chars()
            .take_while(|c| {
                c.is_alphanumeric()
                    || *c == '_'
                    || *c == ':'
                    || *c == '{'
                    || *c == '}'
                    || *c == ','
                    || c.is_whitespace()
            })
            .collect();
        // `a::b::{c, d::e}` → a::b::c, a::b::d::e
        let (head, group) = match path.find('{') {
            Some(i) => (&path[..i], Some(&path[i + 1..])),
            None => (path.as_str(), None),
        };
        let head: Vec<&str> = head.split("::").map(str::trim).filter(|s| !s.is_empty()).collect();
        let mut full: Vec<&str> = base.clone();
        full.extend(&head);
        resolve(&full, &mut out);
        if let Some(g) = group {
            let g = g.split('}').next().unwrap_or("");
            for item in g.split(',') {
                let mut p = full.clone();
                p.extend(
                    item.split("::")
                        .map(str::trim)
                        .filter(|s| !s.is_empty() && *s != "self"),
                );
                resolve(&p, &mut out);
            }
        }
    }
    out
}

fn related(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
}

struct Graph {
    edges: BTreeMap<String, BTreeSet<String>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    all.retain(|f| !f.ends_with("main.rs"));
    let known: BTreeSet<String> = all.iter().map(|f| module_of(&src, f)).collect();
    let mut edges = BTreeMap::new();
    for f in &all {
        let m = module_of(&src, f);
        let refs = references(&m, &code(&std::fs::read_to_string(f).unwrap()), &known);
        let refs: BTreeSet<String> = refs.into_iter().filter(|r| !related(&m, r)).collect();
        edges.insert(m, refs);
    }
    Graph { edges }
}

/// A cycle through `start`, if any (depth-first).
fn cycle_from(g: &Graph, start: &str) -> Option<Vec<String>> {
    fn go(g: &Graph, at: &str, start: &str, path: &mut Vec<String>, seen: &mut BTreeSet<String>) -> bool {
        for next in g.edges.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if go(g, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    go(g, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_module_is_in_an_import_cycle() {
    let g = graph();
    let cycles: Vec<String> = g
        .edges
        .keys()
        .filter_map(|m| cycle_from(&g, m))
        .map(|c| c.join(" → "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// Top-level modules by layer: a module uses only its own layer's
/// neighbours below it and lower layers.
const LAYERS: &[&[&str]] = &[
    &["model"],
    &["errors"],
    &[
        "manifest",
        "settings",
        "events",
        "yaml",
        "runtime_api",
        "plan",
        "pattern",
        "schedule",
    ],
    &["diagnostics", "scaffold", "shell"],
    &["workspace"],
    &["sources"],
    &["metadata"],
    &["ops"],
    &["prompt"],
    &["commands"],
    &["cli"],
];

#[test]
fn top_level_modules_keep_their_layers() {
    let g = graph();
    let layer_of = |m: &str| {
        let top = m.split("::").next().unwrap();
        LAYERS
            .iter()
            .position(|l| l.contains(&top))
            .unwrap_or_else(|| panic!("`{top}` is in no layer of tests/testsuite/architecture.rs"))
    };
    let mut wrong = Vec::new();
    for (m, refs) in &g.edges {
        if m.is_empty() {
            continue;
        }
        for r in refs {
            let (a, b) = (m.split("::").next().unwrap(), r.split("::").next().unwrap());
            if a != b && layer_of(r) > layer_of(m) {
                wrong.push(format!("`{m}` uses `{r}`, a higher layer"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The only `match` over the sources is `Source::spec` (in `src/sources/`):
/// no generic file names a source variant.
#[test]
fn generic_code_names_no_source() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut hits = Vec::new();
    for f in all.iter().filter(|f| !f.starts_with(src.join("sources"))) {
        let text = code(&std::fs::read_to_string(f).unwrap());
        for (i, line) in text.lines().enumerate() {
            for v in ["Source::Cognito", "Source::S3", "Source::Dynamodb", "Source::Kinesis"] {
                // `Source::S3`, not `RecordSource::Kinesis`.
                let named = line.match_indices(v).any(|(at, _)| {
                    !line[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
                if named {
                    hits.push(format!("{}:{}: {v}", f.strip_prefix(&src).unwrap().display(), i + 1));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "per-source code outside src/sources/:\n{}",
        hits.join("\n")
    );
}
