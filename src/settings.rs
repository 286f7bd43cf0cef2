//! Validators for module settings, named by scaffold manifests
//! (`validate = "domain-list"`), shared by `--set` and the prompts.

const VALIDATORS: &[&str] = &[
    "domain-list",
    "group-name",
    "url",
    "json-object",
    "name-list",
    "text",
    "attempts",
    "score",
    "hostname",
    "text-with-link",
    "bool",
    "attribute-map",
    "kms-key-arn",
];

/// The parts of an inbound federation event a mapped claim may name
/// (`samlResponse.department`).
const FEDERATION_PARTS: &[&str] = &["idToken", "userInfo", "samlResponse", "tokenResponse"];

pub fn is_validator(name: &str) -> bool {
    VALIDATORS.contains(&name)
}

fn is_domain(d: &str) -> bool {
    let d = d.strip_prefix("*.").or_else(|| d.strip_prefix('.')).unwrap_or(d);
    let d = d.strip_suffix('.').unwrap_or(d);
    !d.is_empty()
        && d.len() <= 253
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// Check `value` against validator `name`. The error says what is wrong.
pub fn validate(name: &str, value: &str) -> Result<(), String> {
    match name {
        "domain-list" => {
            for d in value.split(',').map(str::trim).filter(|d| !d.is_empty()) {
                if !is_domain(d) {
                    return Err(format!(
                        "`{d}` is not a domain (write `example.com`, or `.example.com` to include subdomains)"
                    ));
                }
            }
            Ok(())
        }
        "group-name" => {
            if value.is_empty() || value.chars().count() > 128 {
                Err("a group name has 1 to 128 characters".into())
            } else if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                Err("a group name has no spaces or control characters".into())
            } else {
                Ok(())
            }
        }
        "url" => {
            let rest = value
                .strip_prefix("https://")
                .or_else(|| value.strip_prefix("http://"))
                .ok_or_else(|| "a URL starts with `https://` (or `http://`)".to_string())?;
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            if host.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
                Err(format!("`{value}` is not a URL"))
            } else {
                Ok(())
            }
        }
        "json-object" => match serde_json::from_str::<serde_json::Value>(value) {
            Ok(serde_json::Value::Object(_)) => Ok(()),
            Ok(_) => Err("expected a JSON object, e.g. `{\"plan\": \"pro\"}`".into()),
            Err(e) => Err(format!("not valid JSON: {e}")),
        },
        "name-list" => {
            for n in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                if n.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    return Err(format!("`{n}` contains white space"));
                }
            }
            Ok(())
        }
        "text" => {
            if value.chars().any(|c| c.is_control() && c != '\n') {
                Err("control characters are not allowed".into())
            } else {
                Ok(())
            }
        }
        "text-with-link" => {
            validate("text", value)?;
            if value.contains("{link}") {
                Ok(())
            } else {
                Err("the text must contain `{link}`, where the link goes".into())
            }
        }
        "attempts" => match value.parse::<u32>() {
            Ok(1..=10) => Ok(()),
            _ => Err("a whole number from 1 to 10".into()),
        },
        // Empty: no score check (an optional setting's default).
        "score" if value.is_empty() => Ok(()),
        "score" => match value.parse::<f64>() {
            Ok(s) if (0.0..=1.0).contains(&s) => Ok(()),
            _ => Err("a number from 0.0 to 1.0 (or empty for none)".into()),
        },
        "hostname" => {
            if value.is_empty() || is_domain(value) && !value.starts_with('.') && !value.starts_with('*') {
                Ok(())
            } else {
                Err(format!("`{value}` is not a host name"))
            }
        }
        "bool" => match value {
            "true" | "false" => Ok(()),
            _ => Err("`true` or `false`".into()),
        },
        // User attribute → the provider's claim (optionally `part.claim`).
        "attribute-map" => {
            let map = match serde_json::from_str::<serde_json::Value>(value) {
                Ok(serde_json::Value::Object(m)) => m,
                Ok(_) => return Err("expected a JSON object, e.g. `{\"email\": \"email\"}`".into()),
                Err(e) => return Err(format!("not valid JSON: {e}")),
            };
            for (attribute, claims) in &map {
                if attribute.trim().is_empty() || attribute.chars().any(char::is_control) {
                    return Err(format!("`{attribute}` is not an attribute name"));
                }
                // One claim, or a non-empty list of claims (the first sent wins).
                let list: Vec<&serde_json::Value> = match claims {
                    serde_json::Value::Array(l) if !l.is_empty() => l.iter().collect(),
                    one => vec![one],
                };
                for claim in list {
                    let Some(claim) = claim.as_str() else {
                        return Err(format!(
                            "`{attribute}` must name a claim (a string or a list of strings), not `{claim}`"
                        ));
                    };
                    let rest = FEDERATION_PARTS
                        .iter()
                        .find_map(|p| claim.strip_prefix(p).and_then(|r| r.strip_prefix('.')))
                        .unwrap_or(claim);
                    if rest.trim().is_empty() {
                        return Err(format!("`{attribute}` names no claim"));
                    }
                }
            }
            Ok(())
        }
        // Empty: the exported template fills in the pool's key.
        "kms-key-arn" if value.is_empty() => Ok(()),
        "kms-key-arn" => crate::model::arn::Arn::parse(value, crate::model::arn::KMS_KEY)
            .map(|_| ())
            .map_err(|e| e.0),
        other => Err(format!("unknown validator `{other}`")),
    }
}

/// `KEY=VALUE` from `--set`.
pub fn parse_assignment(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| format!("`{s}` is not `KEY=VALUE`"))?;
    let k = k.trim();
    if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') || k.as_bytes()[0].is_ascii_digit() {
        return Err(format!("`{k}` is not an environment variable name"));
    }
    Ok((k.to_string(), v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert!(validate("domain-list", "mailinator.com, .spam.example,*.x.org, EXAMPLE.COM.").is_ok());
        assert!(validate("domain-list", "bad domain.com").is_err());
        assert!(validate("domain-list", "a@b.com").is_err());
        assert!(validate("domain-list", "").is_ok());
    }

    #[test]
    fn bools_and_attribute_maps() {
        assert!(validate("bool", "true").is_ok());
        assert!(validate("bool", "false").is_ok());
        assert!(validate("bool", "yes").is_err());
        assert!(
            validate(
                "attribute-map",
                r#"{"email": "email", "custom:dept": "samlResponse.department"}"#
            )
            .is_ok()
        );
        assert!(validate("attribute-map", r#"{"x": "http://schemas.example/claims/x"}"#).is_ok());
        assert!(validate("attribute-map", "[]").is_err());
        assert!(validate("attribute-map", r#"{"email": 5}"#).is_err());
        assert!(validate("attribute-map", r#"{"email": ["email", "samlResponse.mail"]}"#).is_ok());
        assert!(validate("attribute-map", r#"{"email": []}"#).is_err());
        assert!(validate("attribute-map", r#"{"email": ["email", 1]}"#).is_err());
        assert!(validate("attribute-map", r#"{"email": "idToken."}"#).is_err());
        assert!(validate("attribute-map", r#"{"": "email"}"#).is_err());
    }

    #[test]
    fn text_with_link() {
        assert!(validate("text-with-link", "Click:\n{link}").is_ok());
        assert!(validate("text-with-link", "no link").is_err());
        assert!(validate("text-with-link", "{link}\u{7}").is_err());
    }

    #[test]
    fn scores() {
        for ok in ["0", "0.5", "1.0", ""] {
            assert!(validate("score", ok).is_ok(), "{ok:?}");
        }
        for bad in ["1.5", "-0.1", "high", " ", "NaN"] {
            assert!(validate("score", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn kms_key_arns() {
        for ok in [
            "",
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ] {
            assert!(validate("kms-key-arn", ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "not-an-arn",
            "arn:aws:s3:::bucket",
            "arn:aws:kms:eu-west-1:123456789012:thing/x",
        ] {
            assert!(validate("kms-key-arn", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn assignments() {
        assert_eq!(parse_assignment("A_B=x=y").unwrap(), ("A_B".into(), "x=y".into()));
        assert!(parse_assignment("1A=x").is_err());
        assert!(parse_assignment("novalue").is_err());
    }
}
