//! A small, deterministic YAML writer for JSON values (templates). Maps keep
//! their order; strings are written plain only when YAML cannot read them as
//! anything else, and double-quoted (JSON escapes, valid YAML) otherwise.
//! Intrinsic functions are in their long form (`Ref:`, `Fn::GetAtt:`), so no
//! YAML tags are needed.

use serde_json::Value;

fn plain_ok(s: &str) -> bool {
    const RESERVED: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", ".inf", ".nan", "-.inf", ".",
    ];
    let first = s.chars().next();
    first.is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/' || c == '.')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "_./:-".contains(c))
        && !s.contains(": ")
        && !s.ends_with(':')
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) if plain_ok(s) => s.clone(),
        Value::String(s) => serde_json::to_string(s).expect("strings serialize"),
        other => other.to_string(),
    }
}

fn is_inline(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => true,
    }
}

fn inline(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => scalar(other),
    }
}

fn write(out: &mut String, v: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                out.push_str(&pad);
                out.push_str(&scalar(&Value::String(k.clone())));
                out.push(':');
                if is_inline(val) {
                    out.push(' ');
                    out.push_str(&inline(val));
                    out.push('\n');
                } else {
                    out.push('\n');
                    write(out, val, indent + 2);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                if is_inline(item) {
                    out.push(' ');
                    out.push_str(&inline(item));
                    out.push('\n');
                } else {
                    // The item's first line goes after the dash.
                    let mut nested = String::new();
                    write(&mut nested, item, indent + 2);
                    out.push(' ');
                    out.push_str(nested.trim_start());
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    write(&mut out, v, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_block_yaml() {
        let v = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "A": {"Ref": "B", "List": ["x", {"K": "v", "L": [1]}], "Empty": {}},
            "Q": "needs: quotes",
            "T": "true",
            "N": 5,
            "P": "../up",
            "I": ".inf",
        });
        assert_eq!(
            to_yaml(&v),
            "AWSTemplateFormatVersion: \"2010-09-09\"\nA:\n  Ref: B\n  List:\n    - x\n    - K: v\n      L:\n        - 1\n  Empty: {}\nQ: \"needs: quotes\"\nT: \"true\"\n\"N\": 5\nP: ../up\nI: \".inf\"\n"
        );
    }
}
