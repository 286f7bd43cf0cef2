//! `captcha-define`: the state machine of a sign-in with a password and a
//! CAPTCHA, as Amplify's reCAPTCHA flow does it. The client starts
//! `CUSTOM_AUTH` with SRP (`SRP_A`), then:
//!
//! - `SRP_A` ✓ → `PASSWORD_VERIFIER` (Cognito checks the password);
//! - `SRP_A` ✓, `PASSWORD_VERIFIER` ✓ → `CUSTOM_CHALLENGE` (the CAPTCHA);
//! - `SRP_A` ✓, `PASSWORD_VERIFIER` ✓, `CUSTOM_CHALLENGE` ✓ → issue tokens.
//!
//! Any failed step, and any other session (empty, longer, out of order, a
//! null step), fails the sign-in. A user that does not exist (`userNotFound`)
//! goes through the same steps but never gets tokens. A failure decided by an
//! earlier module stands.

use lambda_runtime::Error;

use crate::Event;

/// What the session calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Challenge(&'static str),
    IssueTokens,
    Fail,
}

#[derive(Debug, Default)]
pub struct Module;

impl Module {
    pub async fn from_env() -> Result<Self, Error> {
        Ok(Self::new())
    }

    pub fn new() -> Self {
        Module
    }

    /// The next step for `event`'s session.
    pub fn decide(&self, event: &Event) -> Step {
        const FLOW: [&str; 3] = ["SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"];
        let session = &event.request.session;
        if session.is_empty() || session.len() > FLOW.len() {
            return Step::Fail;
        }
        for (entry, expected) in session.iter().zip(FLOW) {
            match entry {
                Some(e) if e.challenge_name.as_deref() == Some(expected) && e.challenge_result => {}
                _ => return Step::Fail,
            }
        }
        match FLOW.get(session.len()) {
            Some(next) => Step::Challenge(next),
            None if event.request.user_not_found => Step::Fail,
            None => Step::IssueTokens,
        }
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let step = if event.response.fail_authentication {
            Step::Fail
        } else {
            self.decide(event)
        };
        let response = &mut event.response;
        response.challenge_name = match step {
            Step::Challenge(name) => Some(name.to_string()),
            _ => None,
        };
        response.issue_tokens = step == Step::IssueTokens;
        response.fail_authentication = step == Step::Fail;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(name: &str, result: bool) -> serde_json::Value {
        serde_json::json!({"challengeName": name, "challengeResult": result, "challengeMetadata": null})
    }

    fn event(session: &[serde_json::Value], user_not_found: bool) -> Event {
        let mut value: serde_json::Value = serde_json::from_str(include_str!(
            "../../events/DefineAuthChallenge_Authentication.json"
        ))
        .unwrap();
        value["request"]["session"] = serde_json::Value::Array(session.to_vec());
        value["request"]["userNotFound"] = user_not_found.into();
        serde_json::from_value(value).unwrap()
    }

    /// (challengeName, issueTokens, failAuthentication)
    type Seen = (Option<String>, bool, bool);

    async fn answer(session: &[serde_json::Value], user_not_found: bool) -> Seen {
        let mut e = event(session, user_not_found);
        Module::new().run(&mut e).await.unwrap();
        (
            e.response.challenge_name,
            e.response.issue_tokens,
            e.response.fail_authentication,
        )
    }

    fn next(name: &str) -> Seen {
        (Some(name.to_string()), false, false)
    }
    const TOKENS: Seen = (None, true, false);
    const FAIL: Seen = (None, false, true);

    /// Walk a sign-in whose steps have these results (SRP_A, password,
    /// captcha); what Cognito saw after each step.
    async fn walk(results: [bool; 3], user_not_found: bool) -> Vec<Seen> {
        let names = ["SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"];
        let mut session = Vec::new();
        let mut seen = Vec::new();
        for (name, ok) in names.into_iter().zip(results) {
            session.push(step(name, ok));
            let s = answer(&session, user_not_found).await;
            let ended = s.0.is_none();
            seen.push(s);
            if ended {
                break;
            }
        }
        seen
    }

    #[tokio::test]
    async fn password_then_captcha_issues_tokens() {
        assert_eq!(
            walk([true, true, true], false).await,
            vec![next("PASSWORD_VERIFIER"), next("CUSTOM_CHALLENGE"), TOKENS]
        );
    }

    #[tokio::test]
    async fn a_failed_step_fails() {
        assert_eq!(walk([false, true, true], false).await, vec![FAIL]);
        assert_eq!(
            walk([true, false, true], false).await,
            vec![next("PASSWORD_VERIFIER"), FAIL]
        );
        assert_eq!(
            walk([true, true, false], false).await,
            vec![next("PASSWORD_VERIFIER"), next("CUSTOM_CHALLENGE"), FAIL]
        );
    }

    #[tokio::test]
    async fn unexpected_sessions_fail() {
        let ok = |n| step(n, true);
        for session in [
            vec![],
            vec![ok("CUSTOM_CHALLENGE")],
            vec![ok("PASSWORD_VERIFIER")],
            vec![ok("SRP_A"), ok("CUSTOM_CHALLENGE")],
            vec![ok("SRP_A"), ok("SRP_A")],
            vec![
                ok("SRP_A"),
                ok("PASSWORD_VERIFIER"),
                ok("PASSWORD_VERIFIER"),
            ],
            vec![
                ok("SRP_A"),
                ok("PASSWORD_VERIFIER"),
                ok("CUSTOM_CHALLENGE"),
                ok("CUSTOM_CHALLENGE"),
            ],
            vec![ok("SRP_A"), serde_json::Value::Null],
            vec![ok("SRP_A"), ok("SMS_MFA")],
        ] {
            assert_eq!(answer(&session, false).await, FAIL, "{session:?}");
        }
    }

    #[tokio::test]
    async fn unknown_users_look_the_same_and_never_get_tokens() {
        let real = walk([true, true, true], false).await;
        let unknown = walk([true, true, true], true).await;
        assert_eq!(real[..2], unknown[..2]);
        assert_eq!(unknown.last(), Some(&FAIL));
        assert_eq!(
            walk([true, false, true], true).await,
            walk([true, false, true], false).await
        );
    }

    #[tokio::test]
    async fn an_earlier_failure_stands() {
        let mut e = event(&[step("SRP_A", true)], false);
        e.response.fail_authentication = true;
        Module::new().run(&mut e).await.unwrap();
        assert_eq!(
            (
                e.response.challenge_name,
                e.response.issue_tokens,
                e.response.fail_authentication
            ),
            FAIL
        );
    }
}
