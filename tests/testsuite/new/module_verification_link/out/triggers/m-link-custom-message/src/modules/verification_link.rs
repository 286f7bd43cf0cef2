//! `verification-link`: the sign-up and resend-code emails carry a link to
//! `REDIRECT_URL` instead of a bare code. Your page gets the query
//! parameters `code`, `username`, `client_id` and `region`, and confirms the
//! user with `ConfirmSignUp`.
//!
//! Cognito fills in the code: the link holds its placeholder (the event's
//! `codeParameter`, `{####}`), and Cognito rejects a message without it.
//! The email is HTML: `EMAIL_MESSAGE` is plain text (escaped, line breaks
//! kept) whose `{link}` becomes the link. Other trigger sources (forgot
//! password, attribute verification, …) pass through unchanged.

use aws_lambda_events::event::cognito::CognitoEventUserPoolsCustomMessageTriggerSource as TriggerSource;
use lambda_runtime::Error;

use crate::Event;

/// Where the link goes in `EMAIL_MESSAGE`.
pub const LINK_PLACEHOLDER: &str = "{link}";

/// The text of the link.
pub const LINK_TEXT: &str = "Verify your email address";

/// Cognito's code placeholder, if an event names none.
const DEFAULT_CODE_PARAMETER: &str = "{####}";

pub struct Module {
    redirect_url: String,
    subject: String,
    message: String,
}

impl Module {
    pub const DEFAULT_SUBJECT: &'static str = "Verify your email";
    pub const DEFAULT_MESSAGE: &'static str = "Please click the link below to verify your email address. {link}";

    /// `REDIRECT_URL` is required; `EMAIL_SUBJECT` and `EMAIL_MESSAGE` fall
    /// back to the defaults when unset or empty.
    pub async fn from_env() -> Result<Self, Error> {
        let redirect_url = std::env::var("REDIRECT_URL").map_err(|_| "REDIRECT_URL is not set")?;
        let or_default = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string())
        };
        Self::new(
            &redirect_url,
            &or_default("EMAIL_SUBJECT", Self::DEFAULT_SUBJECT),
            &or_default("EMAIL_MESSAGE", Self::DEFAULT_MESSAGE),
        )
    }

    pub fn new(redirect_url: &str, subject: &str, message: &str) -> Result<Self, Error> {
        let rest = redirect_url
            .strip_prefix("https://")
            .or_else(|| redirect_url.strip_prefix("http://"))
            .ok_or_else(|| format!("REDIRECT_URL: `{redirect_url}` does not start with https:// (or http://)"))?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty() || redirect_url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("REDIRECT_URL: `{redirect_url}` is not a URL").into());
        }
        if subject.trim().is_empty() || subject.chars().any(char::is_control) {
            return Err("EMAIL_SUBJECT: the subject is one line of text".into());
        }
        if !message.contains(LINK_PLACEHOLDER) {
            return Err(format!("EMAIL_MESSAGE: the message must contain `{LINK_PLACEHOLDER}`, where the link goes").into());
        }
        Ok(Module {
            redirect_url: redirect_url.to_string(),
            subject: subject.to_string(),
            message: message.to_string(),
        })
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let header = &event.cognito_event_user_pools_header;
        if !matches!(
            header.trigger_source,
            Some(TriggerSource::SignUp | TriggerSource::ResendCode)
        ) {
            return Ok(());
        }
        let user_name = header.user_name.as_deref().ok_or("the event has no userName")?;
        let client_id = header.caller_context.client_id.as_deref().ok_or("the event has no callerContext.clientId")?;
        let region = header.region.as_deref().ok_or("the event has no region")?;
        let code = event.request.code_parameter.as_deref().unwrap_or(DEFAULT_CODE_PARAMETER);
        let message = self.email(&self.link(code, user_name, client_id, region));
        if !message.contains(code) {
            return Err(format!("the code placeholder `{code}` does not survive HTML escaping; Cognito would reject the message").into());
        }
        event.response.email_subject = Some(self.subject.clone());
        event.response.email_message = Some(message);
        Ok(())
    }

    /// `REDIRECT_URL` with the query parameters added (before any `#fragment`).
    /// The code placeholder goes in as it is, for Cognito to replace.
    pub fn link(&self, code: &str, user_name: &str, client_id: &str, region: &str) -> String {
        let (base, fragment) = match self.redirect_url.split_once('#') {
            Some((base, fragment)) => (base, Some(fragment)),
            None => (self.redirect_url.as_str(), None),
        };
        let mut url = base.to_string();
        if !base.contains('?') {
            url.push('?');
        } else if !base.ends_with('?') && !base.ends_with('&') {
            url.push('&');
        }
        url.push_str("code=");
        url.push_str(code);
        for (name, value) in [("username", user_name), ("client_id", client_id), ("region", region)] {
            url.push('&');
            url.push_str(name);
            url.push('=');
            url.push_str(&percent_encode(value));
        }
        if let Some(fragment) = fragment {
            url.push('#');
            url.push_str(fragment);
        }
        url
    }

    /// The HTML email: the message, escaped, with `{link}` made a link.
    pub fn email(&self, link: &str) -> String {
        let anchor = format!("<a href=\"{}\">{}</a>", escape_html(link), escape_html(LINK_TEXT));
        self.message
            .split(LINK_PLACEHOLDER)
            .map(|text| escape_html(text).replace('\n', "<br>\n"))
            .collect::<Vec<_>>()
            .join(&anchor)
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters (UTF-8 bytes).
pub fn percent_encode(s: &str) -> String {
    const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

/// Escapes text for HTML content and double- or single-quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign_up() -> Event {
        serde_json::from_str(include_str!("../../events/CustomMessage_SignUp.json")).unwrap()
    }

    fn module(redirect_url: &str) -> Module {
        Module::new(redirect_url, Module::DEFAULT_SUBJECT, Module::DEFAULT_MESSAGE).unwrap()
    }

    #[tokio::test]
    async fn sign_up_gets_an_html_email_with_the_link_and_the_code_placeholder() {
        let mut event = sign_up();
        event.cognito_event_user_pools_header.user_name = Some("jane".into());
        event.cognito_event_user_pools_header.region = Some("eu-west-1".into());
        event.cognito_event_user_pools_header.caller_context.client_id = Some("abc123".into());
        module("https://example.com/verify").run(&mut event).await.unwrap();
        assert_eq!(event.response.email_subject.as_deref(), Some("Verify your email"));
        assert_eq!(
            event.response.email_message.as_deref(),
            Some(
                "Please click the link below to verify your email address. <a href=\"https://example.com/verify?code={####}&amp;username=jane&amp;client_id=abc123&amp;region=eu-west-1\">Verify your email address</a>"
            )
        );
        assert_eq!(event.request.code_parameter.as_deref(), Some("{####}"));
    }

    #[tokio::test]
    async fn resend_code_gets_the_link_too() {
        let mut event: Event = serde_json::from_str(include_str!("../../events/CustomMessage_ResendCode.json")).unwrap();
        module("https://example.com/verify").run(&mut event).await.unwrap();
        let message = event.response.email_message.unwrap();
        assert!(message.contains("href=\"https://example.com/verify?code={####}&amp;username="), "{message}");
    }

    #[tokio::test]
    async fn the_event_code_parameter_is_used() {
        let mut event = sign_up();
        event.request.code_parameter = Some("{###CODE###}".into());
        module("https://example.com/verify").run(&mut event).await.unwrap();
        assert!(event.response.email_message.unwrap().contains("?code={###CODE###}&amp;"));
    }

    #[tokio::test]
    async fn other_trigger_sources_pass_through() {
        for json in [
            include_str!("../../events/CustomMessage_ForgotPassword.json"),
            include_str!("../../events/CustomMessage_AdminCreateUser.json"),
            include_str!("../../events/CustomMessage_VerifyUserAttribute.json"),
        ] {
            let mut event: Event = serde_json::from_str(json).unwrap();
            let before = event.clone();
            module("https://example.com/verify").run(&mut event).await.unwrap();
            assert_eq!(event, before);
        }
    }

    #[test]
    fn usernames_are_percent_encoded() {
        let link = module("https://example.com/verify").link("{####}", "jane doe+test&x=1/é?#", "c", "us-east-1");
        assert_eq!(
            link,
            "https://example.com/verify?code={####}&username=jane%20doe%2Btest%26x%3D1%2F%C3%A9%3F%23&client_id=c&region=us-east-1"
        );
        assert_eq!(percent_encode("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(percent_encode("日本"), "%E6%97%A5%E6%9C%AC");
    }

    #[test]
    fn an_existing_query_is_extended_and_a_fragment_kept_last() {
        let tail = "code={####}&username=u&client_id=c&region=r";
        for (redirect, expected) in [
            ("https://example.com/verify", format!("https://example.com/verify?{tail}")),
            ("https://example.com/verify?lang=en", format!("https://example.com/verify?lang=en&{tail}")),
            ("https://example.com/verify?", format!("https://example.com/verify?{tail}")),
            ("https://example.com/verify?lang=en&", format!("https://example.com/verify?lang=en&{tail}")),
            ("https://example.com/#/verify", format!("https://example.com/?{tail}#/verify")),
            ("https://example.com/v?a=1#top", format!("https://example.com/v?a=1&{tail}#top")),
        ] {
            assert_eq!(module(redirect).link("{####}", "u", "c", "r"), expected, "{redirect}");
        }
    }

    #[test]
    fn the_url_and_the_message_are_html_escaped() {
        let m = Module::new(
            "https://example.com/verify?next=\"<x>\"&t='1'",
            "Hi",
            "Tom & Jerry <b>say</b> \"hi\":\n{link}\nThanks",
        )
        .unwrap();
        let email = m.email(&m.link("{####}", "a&b", "c", "r"));
        assert_eq!(
            email,
            "Tom &amp; Jerry &lt;b&gt;say&lt;/b&gt; &quot;hi&quot;:<br>\n<a href=\"https://example.com/verify?next=&quot;&lt;x&gt;&quot;&amp;t=&#39;1&#39;&amp;code={####}&amp;username=a%26b&amp;client_id=c&amp;region=r\">Verify your email address</a><br>\nThanks"
        );
    }

    #[test]
    fn bad_settings_are_refused() {
        let ok = |url: &str, subject: &str, message: &str| Module::new(url, subject, message).map(|_| ()).map_err(|e| e.to_string());
        assert!(ok("https://example.com/v", "S", "no link here").unwrap_err().contains("{link}"));
        for url in ["example.com/v", "ftp://example.com", "https://", "https:///path", "https://exa mple.com"] {
            assert!(ok(url, "S", "{link}").is_err(), "{url}");
        }
        assert!(ok("https://example.com", "", "{link}").is_err());
        assert!(ok("https://example.com", "two\nlines", "{link}").is_err());
        assert!(ok("http://localhost:3000/verify", "S", "{link}").is_ok());
    }
}
