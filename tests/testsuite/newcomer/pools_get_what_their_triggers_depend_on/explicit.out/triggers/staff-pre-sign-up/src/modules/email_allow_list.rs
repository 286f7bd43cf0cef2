//! `email-allow-list`: accepts a sign-up only when its email domain is in
//! `DOMAIN_ALLOW_LIST` (comma-separated). The domain is the part after the
//! last `@`; a malformed address or a sign-up without an email is rejected.

use lambda_runtime::Error;

use crate::Event;

pub struct Module {
    allowed: DomainRules,
}

impl Module {
    pub const SETTING: &'static str = "DOMAIN_ALLOW_LIST";

    pub async fn from_env() -> Result<Self, Error> {
        let list = std::env::var(Self::SETTING).map_err(|_| format!("{} is not set", Self::SETTING))?;
        Self::new(&list)
    }

    pub fn new(list: &str) -> Result<Self, Error> {
        Ok(Module {
            allowed: DomainRules::parse(list).map_err(|e| format!("{}: {e}", Self::SETTING))?,
        })
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let email = event
            .request
            .user_attributes
            .get("email")
            .ok_or("An email address is required")?;
        let domain = domain_of(email).ok_or("Invalid email address")?;
        if !self.allowed.matches(&domain) {
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
    async fn allows_listed_domains_whatever_the_spelling() {
        let m = Module::new("example.com,.example.org").unwrap();
        for email in ["a@example.com", "A@EXAMPLE.COM", "a@example.com.", "a@b@example.com", "a@example.org", "a@x.example.org"] {
            assert_eq!(check(&m, Some(email)).await, Ok(()), "{email}");
        }
    }

    #[tokio::test]
    async fn rejects_everything_else() {
        let m = Module::new("example.com,.example.org").unwrap();
        assert_eq!(check(&m, Some("a@sub.example.com")).await, Err("Invalid email domain: sub.example.com".into()));
        assert_eq!(check(&m, Some("a@example.com@evil.com")).await, Err("Invalid email domain: evil.com".into()));
        assert_eq!(check(&m, Some("a@notexample.org")).await, Err("Invalid email domain: notexample.org".into()));
        assert_eq!(check(&m, Some("a @example.com")).await, Err("Invalid email address".into()));
        assert_eq!(check(&m, Some("")).await, Err("Invalid email address".into()));
        assert_eq!(check(&m, None).await, Err("An email address is required".into()));
    }
}
