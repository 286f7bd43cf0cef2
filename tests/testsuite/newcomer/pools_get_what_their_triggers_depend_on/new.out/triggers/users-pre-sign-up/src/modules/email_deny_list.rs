//! `email-deny-list`: rejects a sign-up whose email domain is in
//! `DOMAIN_DENY_LIST` (comma-separated). The domain is the part after the
//! last `@`; a malformed address is rejected too. A sign-up without an email
//! attribute passes.

use lambda_runtime::Error;

use crate::Event;

pub struct Module {
    denied: DomainRules,
}

impl Module {
    pub const SETTING: &'static str = "DOMAIN_DENY_LIST";

    pub async fn from_env() -> Result<Self, Error> {
        let list = std::env::var(Self::SETTING).map_err(|_| format!("{} is not set", Self::SETTING))?;
        Self::new(&list)
    }

    pub fn new(list: &str) -> Result<Self, Error> {
        Ok(Module {
            denied: DomainRules::parse(list).map_err(|e| format!("{}: {e}", Self::SETTING))?,
        })
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let Some(email) = event.request.user_attributes.get("email") else {
            return Ok(());
        };
        let domain = domain_of(email).ok_or("Invalid email address")?;
        if self.denied.matches(&domain) {
            return Err(format!("Invalid email domain: {domain}").into());
        }
        Ok(())
    }
}

/// A list of email domains, as written in the setting (comma-separated).
/// `example.com` matches that domain only; `.example.com` and
/// `*.example.com` match it and every subdomain. Case and a trailing dot do
/// not matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainRules {
    exact: Vec<String>,
    with_subdomains: Vec<String>,
}

impl DomainRules {
    pub fn parse(list: &str) -> Result<Self, Error> {
        let mut rules = DomainRules::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (subdomains, domain) = match entry.strip_prefix("*.").or_else(|| entry.strip_prefix('.')) {
                Some(rest) => (true, rest),
                None => (false, entry),
            };
            let domain = normalize(domain).ok_or_else(|| format!("`{entry}` is not a domain"))?;
            if subdomains {
                rules.with_subdomains.push(domain);
            } else {
                rules.exact.push(domain);
            }
        }
        Ok(rules)
    }

    /// Does `domain` (already normalized) match an entry?
    pub fn matches(&self, domain: &str) -> bool {
        self.exact.iter().any(|d| d == domain)
            || self
                .with_subdomains
                .iter()
                .any(|d| domain == d || domain.strip_suffix(d.as_str()).is_some_and(|head| head.ends_with('.')))
    }
}

/// Lower-case, drop one trailing dot, and check it looks like a domain.
fn normalize(domain: &str) -> Option<String> {
    let d = domain.strip_suffix('.').unwrap_or(domain).to_lowercase();
    let valid = !d.is_empty()
        && d.len() <= 253
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    valid.then_some(d)
}

/// The domain of an email address: the part after the last `@`,
/// normalized. `None` for a malformed address.
pub fn domain_of(email: &str) -> Option<String> {
    let (local, domain) = email.rsplit_once('@')?;
    if local.is_empty() || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    normalize(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(email: Option<&str>) -> Event {
        let mut event: Event = serde_json::from_str(include_str!("../../events/PreSignUp_SignUp.json")).unwrap();
        event.request.user_attributes.remove("email");
        if let Some(e) = email {
            event.request.user_attributes.insert("email".to_string(), e.to_string());
        }
        event
    }

    async fn check(module: &Module, email: Option<&str>) -> Result<(), String> {
        module.run(&mut event(email)).await.map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn denies_listed_domains_whatever_the_spelling() {
        let m = Module::new("mailinator.com, .spam.example,*.junk.test").unwrap();
        for email in [
            "a@mailinator.com",
            "A@MAILINATOR.COM",
            "a@mailinator.com.",
            "a@b@mailinator.com",
            "a@spam.example",
            "a@x.spam.example",
            "a@deep.x.junk.test",
        ] {
            assert!(check(&m, Some(email)).await.unwrap_err().starts_with("Invalid email domain:"), "{email}");
        }
    }

    #[tokio::test]
    async fn subdomains_only_with_a_leading_dot() {
        let m = Module::new("mailinator.com").unwrap();
        assert_eq!(check(&m, Some("a@sub.mailinator.com")).await, Ok(()));
        assert_eq!(check(&m, Some("a@notmailinator.com")).await, Ok(()));
        assert_eq!(check(&m, Some("mailinator.com@example.org")).await, Ok(()));
    }

    #[tokio::test]
    async fn malformed_addresses_are_rejected() {
        let m = Module::new("mailinator.com").unwrap();
        for email in ["", "no-at-sign", "@example.org", "a@", "a @example.org", " a@example.org", "a@exa mple.org", "a@-x.org"] {
            assert_eq!(check(&m, Some(email)).await, Err("Invalid email address".to_string()), "{email:?}");
        }
    }

    #[tokio::test]
    async fn other_addresses_and_no_email_pass() {
        let m = Module::new("mailinator.com").unwrap();
        assert_eq!(check(&m, Some("jane@example.org")).await, Ok(()));
        assert_eq!(check(&m, None).await, Ok(()));
    }

    #[test]
    fn a_bad_setting_is_an_error() {
        assert!(Module::new("ok.com, bad domain.com").is_err());
        assert!(Module::new("").is_ok());
    }
}
