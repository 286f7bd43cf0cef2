//! Events as AWS's matcher sees them: every scalar leaf under its dotted
//! path (`detail.state`), arrays "crushed out" (each element's leaves sit
//! under the array's own path), and a note of which array element each leaf
//! came from, so fields from different elements of one array never combine.

use serde_json::{Number, Value};

/// A scalar value in an event or a pattern.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Leaf {
    Str(String),
    Num(Number),
    Bool(bool),
    Null,
}

impl Leaf {
    pub(crate) fn from_value(value: &Value) -> Option<Leaf> {
        Some(match value {
            Value::String(s) => Leaf::Str(s.clone()),
            Value::Number(n) => Leaf::Num(n.clone()),
            Value::Bool(b) => Leaf::Bool(*b),
            Value::Null => Leaf::Null,
            Value::Array(_) | Value::Object(_) => return None,
        })
    }

    /// The value as JSON text: `"delete"`, `42`, `null`.
    pub(crate) fn render(&self) -> String {
        match self {
            Leaf::Str(s) => Value::String(s.clone()).to_string(),
            Leaf::Num(n) => n.to_string(),
            Leaf::Bool(b) => b.to_string(),
            Leaf::Null => "null".to_string(),
        }
    }
}

/// Numbers compare by value: `300` equals `300.0` and `3.0e2` (AWS's
/// matcher turns both sides into the same comparable form).
pub(crate) fn numbers_equal(a: &Number, b: &Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[derive(Debug)]
pub(crate) struct FlatLeaf {
    pub(crate) path: String,
    pub(crate) value: Leaf,
    /// `(array id, element index)` for every array this leaf sits in.
    pub(crate) arrays: Vec<(usize, usize)>,
}

/// An event flattened to its leaves.
#[derive(Debug, Default)]
pub(crate) struct FlatEvent {
    pub(crate) leaves: Vec<FlatLeaf>,
    /// The dotted path of each array, by id.
    pub(crate) array_paths: Vec<String>,
}

pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

impl FlatEvent {
    pub(crate) fn from_json(value: &Value) -> FlatEvent {
        let mut flat = FlatEvent::default();
        let mut arrays = Vec::new();
        flat.walk(value, "", &mut arrays);
        flat
    }

    fn walk(&mut self, value: &Value, path: &str, arrays: &mut Vec<(usize, usize)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    self.walk(child, &join(path, key), arrays);
                }
            }
            Value::Array(items) => {
                let id = self.array_paths.len();
                self.array_paths.push(path.to_string());
                for (i, item) in items.iter().enumerate() {
                    arrays.push((id, i));
                    self.walk(item, path, arrays);
                    arrays.pop();
                }
            }
            scalar => {
                if let Some(leaf) = Leaf::from_value(scalar) {
                    self.push(path.to_string(), leaf, arrays.clone());
                }
            }
        }
    }

    pub(crate) fn push(&mut self, path: String, value: Leaf, arrays: Vec<(usize, usize)>) {
        self.leaves.push(FlatLeaf { path, value, arrays });
    }

    /// Indexes of the leaves at `path`.
    pub(crate) fn at(&self, path: &str) -> Vec<usize> {
        (0..self.leaves.len())
            .filter(|&i| self.leaves[i].path == path)
            .collect()
    }

    /// Whether `path` names an object (some leaf sits below it).
    pub(crate) fn has_object_at(&self, path: &str) -> bool {
        let below = format!("{path}.");
        self.leaves.iter().any(|l| l.path.starts_with(&below))
    }

    /// Two leaves can be used together unless they come from different
    /// elements of the same array.
    pub(crate) fn compatible(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.leaves[a], &self.leaves[b]);
        a.arrays
            .iter()
            .all(|(id, i)| b.arrays.iter().all(|(id2, j)| id != id2 || i == j))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattens_with_dots_and_crushes_arrays() {
        let ev = FlatEvent::from_json(&json!({
            "detail": {"state": "running", "tags": ["a", "b"], "empty": [], "nested": {}},
            "employees": [{"first": "John"}, {"first": "Anna"}]
        }));
        let paths: Vec<&str> = ev.leaves.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "detail.state",
                "detail.tags",
                "detail.tags",
                "employees.first",
                "employees.first"
            ]
        );
        assert_eq!(ev.at("detail.tags").len(), 2);
        assert!(ev.has_object_at("detail"));
        assert!(!ev.has_object_at("detail.state"));
        // Leaves from different elements of one array don't combine.
        let first = ev.at("employees.first");
        assert!(!ev.compatible(first[0], first[1]));
        assert!(ev.compatible(first[0], ev.at("detail.state")[0]));
    }

    #[test]
    fn numbers_compare_by_value() {
        let n = |s: &str| serde_json::from_str::<Number>(s).unwrap();
        assert!(numbers_equal(&n("300"), &n("300.0")));
        assert!(numbers_equal(&n("300"), &n("3.0e2")));
        assert!(!numbers_equal(&n("300"), &n("300.5")));
        assert!(numbers_equal(&n("123456789012"), &n("123456789012")));
        assert_eq!(Leaf::Str("a\"b".into()).render(), r#""a\"b""#);
    }
}
