//! Names: crates, resources, modules, and the case conversions that turn a
//! name into a Rust identifier or a CloudFormation logical id.

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};

/// A name for a resource: kebab/snake case identifier.
pub fn is_resource_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_alphabetic()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn is_module_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_lowercase()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// `name` made into a valid crate-name fragment (`My Photos!` → `my-photos`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Anything but ASCII letters and digits separates words.
fn words(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// `Foo-bar baz` → `foo_bar_baz`
pub fn snake(s: &str) -> String {
    words(&s.to_ascii_lowercase()).to_snake_case()
}

/// `orderId`, `order-id` → `order_id`: case changes separate words too
/// (a JSON key made a Rust field name).
pub fn snake_words(s: &str) -> String {
    words(s).to_snake_case()
}

/// `email-deny-list` → `EmailDenyList`
pub fn pascal(s: &str) -> String {
    words(&s.to_ascii_lowercase()).to_upper_camel_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions() {
        assert_eq!(snake("photos-s3-trigger"), "photos_s3_trigger");
        assert_eq!(snake("Foo-bar baz"), "foo_bar_baz");
        assert_eq!(snake("users-pre-sign-up"), "users_pre_sign_up");
        assert_eq!(pascal("email-deny-list"), "EmailDenyList");
        assert_eq!(pascal("photos-s3"), "PhotosS3");
        assert_eq!(pascal("RECAPTCHA_SECRET".to_lowercase().as_str()), "RecaptchaSecret");
        assert_eq!(pascal("a2b-c"), "A2bC");
        assert_eq!(snake("--x__y--"), "x_y");
        assert_eq!(slug("My Photos!"), "my-photos");
    }
}
