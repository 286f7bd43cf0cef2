//! `captcha-create`: makes the `CUSTOM_CHALLENGE` a CAPTCHA. The client
//! sees `publicChallengeParameters.captcha = "true"` (and `siteKey`, when
//! `RECAPTCHA_SITE_KEY` is set), renders reCAPTCHA and answers with its
//! token; `captcha-verify` checks the token with Google.
//! `challengeMetadata` is `CAPTCHA`. Nothing secret is involved here: the
//! site key is public.

use lambda_runtime::Error;

use crate::Event;

pub const CUSTOM_CHALLENGE: &str = "CUSTOM_CHALLENGE";

#[derive(Debug)]
pub struct Module {
    site_key: Option<String>,
}

impl Module {
    pub const SETTING: &'static str = "RECAPTCHA_SITE_KEY";

    pub async fn from_env() -> Result<Self, Error> {
        Ok(Self::new(&std::env::var(Self::SETTING).unwrap_or_default()))
    }

    /// An empty `site_key` means none is handed out.
    pub fn new(site_key: &str) -> Self {
        let site_key = site_key.trim();
        Module {
            site_key: (!site_key.is_empty()).then(|| site_key.to_string()),
        }
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        if event
            .request
            .challenge_name
            .as_deref()
            .is_some_and(|c| c != CUSTOM_CHALLENGE)
        {
            return Ok(()); // not a challenge this module makes
        }
        let public = &mut event.response.public_challenge_parameters;
        public.insert("captcha".into(), "true".into());
        if let Some(key) = &self.site_key {
            public.insert("siteKey".into(), key.clone());
        }
        event.response.challenge_metadata = Some("CAPTCHA".into());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(challenge: &str) -> Event {
        let mut e: Event = serde_json::from_str(include_str!(
            "../../events/CreateAuthChallenge_Authentication.json"
        ))
        .unwrap();
        e.request.challenge_name = Some(challenge.into());
        e
    }

    #[tokio::test]
    async fn asks_for_a_captcha_with_the_site_key() {
        let mut e = event(CUSTOM_CHALLENGE);
        Module::new(" 6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI ")
            .run(&mut e)
            .await
            .unwrap();
        let public = &e.response.public_challenge_parameters;
        assert_eq!(public["captcha"], "true");
        assert_eq!(
            public["siteKey"],
            "6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI"
        );
        assert_eq!(e.response.challenge_metadata.as_deref(), Some("CAPTCHA"));
        assert!(e.response.private_challenge_parameters.is_empty());
    }

    #[tokio::test]
    async fn without_a_site_key_there_is_none() {
        let mut e = event(CUSTOM_CHALLENGE);
        Module::new("").run(&mut e).await.unwrap();
        assert_eq!(
            e.response
                .public_challenge_parameters
                .get("captcha")
                .map(String::as_str),
            Some("true")
        );
        assert!(
            !e.response
                .public_challenge_parameters
                .contains_key("siteKey")
        );
    }

    #[tokio::test]
    async fn keeps_earlier_parameters_and_ignores_other_challenges() {
        let mut e = event(CUSTOM_CHALLENGE);
        e.response
            .public_challenge_parameters
            .insert("theme".into(), "dark".into());
        Module::new("k").run(&mut e).await.unwrap();
        assert_eq!(e.response.public_challenge_parameters["theme"], "dark");

        let mut other = event("PASSWORD_VERIFIER");
        let before = other.clone();
        Module::new("k").run(&mut other).await.unwrap();
        assert_eq!(other, before);
    }
}
