//! JSON paths for error messages, in the form users read them:
//! `detail.size[0].numeric[2]`, with `["odd key"]` for keys that are not
//! plain words.

#[derive(Clone, Debug, Default)]
pub(crate) struct JsonPath(Vec<Seg>);

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

impl JsonPath {
    pub(crate) fn root() -> Self {
        JsonPath(Vec::new())
    }

    pub(crate) fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_string()));
        JsonPath(segs)
    }

    pub(crate) fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        JsonPath(segs)
    }

    /// `""` for the whole document.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        for seg in &self.0 {
            match seg {
                Seg::Key(k) if is_plain_key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Key(k) => {
                    out.push('[');
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(']');
                }
                Seg::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

/// Keys that read unambiguously after a `.`: no dots, brackets, quotes,
/// backticks or spaces.
fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '.' | '[' | ']' | '"' | '`' | '\\'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_keys_indexes_and_odd_keys() {
        let p = JsonPath::root()
            .key("detail")
            .key("size")
            .index(0)
            .key("numeric")
            .index(2);
        assert_eq!(p.render(), "detail.size[0].numeric[2]");
        assert_eq!(JsonPath::root().render(), "");
        assert_eq!(
            JsonPath::root().key("$or").index(1).key("detail-type").render(),
            "$or[1].detail-type"
        );
        assert_eq!(JsonPath::root().key("a.b").key("c d").render(), r#"["a.b"]["c d"]"#);
    }
}
