//! `custom-auth-define`: the state machine of a sign-in made only of custom
//! challenges (the client starts `CUSTOM_AUTH` without SRP). Cognito calls
//! it with the session so far; it answers with the next step:
//!
//! - empty session: present a `CUSTOM_CHALLENGE`;
//! - any step that is not a `CUSTOM_CHALLENGE` (`SRP_A`,
//!   `PASSWORD_VERIFIER`, …): fail, this flow has no password step;
//! - the last answer correct: issue tokens (never for `userNotFound`);
//! - fewer than `MAX_ATTEMPTS` wrong answers: another `CUSTOM_CHALLENGE`;
//! - `MAX_ATTEMPTS` wrong answers: fail.
//!
//! A sign-in for a user that does not exist (`userNotFound`, when the pool
//! prevents user existence errors) gets the same answers as a real user's
//! until its last step, which fails instead of issuing tokens. A failure
//! decided by an earlier module stands.

use lambda_runtime::Error;

use crate::Event;

pub const CUSTOM_CHALLENGE: &str = "CUSTOM_CHALLENGE";

/// What the session calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Challenge,
    IssueTokens,
    Fail,
}

pub struct Module {
    max_attempts: u32,
}

impl Module {
    pub const SETTING: &'static str = "MAX_ATTEMPTS";

    pub async fn from_env() -> Result<Self, Error> {
        let value = std::env::var(Self::SETTING).unwrap_or_else(|_| "3".to_string());
        let max_attempts = value
            .trim()
            .parse()
            .map_err(|_| format!("{} must be a whole number, not `{value}`", Self::SETTING))?;
        Self::new(max_attempts)
    }

    pub fn new(max_attempts: u32) -> Result<Self, Error> {
        if max_attempts == 0 {
            return Err(format!("{} must be at least 1", Self::SETTING).into());
        }
        Ok(Module { max_attempts })
    }

    /// The next step for `event`'s session.
    pub fn decide(&self, event: &Event) -> Step {
        let session = &event.request.session;
        let mut wrong = 0;
        for (i, entry) in session.iter().enumerate() {
            let Some(entry) = entry else {
                return Step::Fail;
            };
            if entry.challenge_name.as_deref() != Some(CUSTOM_CHALLENGE) {
                return Step::Fail;
            }
            if entry.challenge_result {
                // Only the last step can be a correct answer: after one,
                // this machine issues tokens and the session ends.
                if i + 1 != session.len() || event.request.user_not_found {
                    return Step::Fail;
                }
                return Step::IssueTokens;
            }
            wrong += 1;
        }
        if wrong >= self.max_attempts {
            Step::Fail
        } else {
            Step::Challenge
        }
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let step = if event.response.fail_authentication {
            Step::Fail
        } else {
            self.decide(event)
        };
        let response = &mut event.response;
        response.challenge_name = (step == Step::Challenge).then(|| CUSTOM_CHALLENGE.to_string());
        response.issue_tokens = step == Step::IssueTokens;
        response.fail_authentication = step == Step::Fail;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session step as Cognito sends it.
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

    /// What Cognito sees: (challengeName, issueTokens, failAuthentication).
    type Seen = (Option<String>, bool, bool);

    async fn answer(module: &Module, session: &[serde_json::Value], user_not_found: bool) -> Seen {
        let mut e = event(session, user_not_found);
        module.run(&mut e).await.unwrap();
        (
            e.response.challenge_name,
            e.response.issue_tokens,
            e.response.fail_authentication,
        )
    }

    fn challenge() -> Seen {
        (Some(CUSTOM_CHALLENGE.to_string()), false, false)
    }
    const TOKENS: Seen = (None, true, false);
    const FAIL: Seen = (None, false, true);

    /// Walk a whole sign-in: the user's answers in order (true = correct).
    /// Returns what Cognito saw after each call, the first call included.
    async fn walk(module: &Module, answers: &[bool], user_not_found: bool) -> Vec<Seen> {
        let mut session = Vec::new();
        let mut seen = vec![answer(module, &session, user_not_found).await];
        for &correct in answers {
            if seen.last().unwrap().0.is_none() {
                break; // the sign-in ended
            }
            session.push(step(CUSTOM_CHALLENGE, correct));
            seen.push(answer(module, &session, user_not_found).await);
        }
        seen
    }

    #[tokio::test]
    async fn correct_first_answer_issues_tokens() {
        let m = Module::new(3).unwrap();
        assert_eq!(walk(&m, &[true], false).await, vec![challenge(), TOKENS]);
    }

    #[tokio::test]
    async fn correct_third_answer_issues_tokens() {
        let m = Module::new(3).unwrap();
        assert_eq!(
            walk(&m, &[false, false, true], false).await,
            vec![challenge(), challenge(), challenge(), TOKENS]
        );
    }

    #[tokio::test]
    async fn max_attempts_wrong_answers_fail() {
        let m = Module::new(3).unwrap();
        // The fourth answer is never asked for.
        assert_eq!(
            walk(&m, &[false, false, false, true], false).await,
            vec![challenge(), challenge(), challenge(), FAIL]
        );
        let once = Module::new(1).unwrap();
        assert_eq!(
            walk(&once, &[false, true], false).await,
            vec![challenge(), FAIL]
        );
    }

    #[tokio::test]
    async fn password_steps_are_rejected() {
        let m = Module::new(3).unwrap();
        for session in [
            vec![step("SRP_A", true)],
            vec![step("SRP_A", true), step("PASSWORD_VERIFIER", true)],
            vec![
                step(CUSTOM_CHALLENGE, false),
                step("PASSWORD_VERIFIER", true),
            ],
            vec![
                step("SRP_A", true),
                step("PASSWORD_VERIFIER", true),
                step(CUSTOM_CHALLENGE, true),
            ],
            vec![step("SMS_MFA", true)],
            vec![serde_json::Value::Null],
        ] {
            assert_eq!(answer(&m, &session, false).await, FAIL, "{session:?}");
        }
    }

    #[tokio::test]
    async fn a_correct_answer_before_the_last_step_is_not_a_session_this_flow_makes() {
        let m = Module::new(3).unwrap();
        let session = [step(CUSTOM_CHALLENGE, true), step(CUSTOM_CHALLENGE, false)];
        assert_eq!(answer(&m, &session, false).await, FAIL);
    }

    #[tokio::test]
    async fn unknown_users_look_the_same_and_never_get_tokens() {
        let m = Module::new(3).unwrap();
        // The verifier never accepts an unknown user's answer: same
        // challenges as a real user who answers wrong, then the same lockout.
        let real = walk(&m, &[false, false, false], false).await;
        let unknown = walk(&m, &[false, false, false], true).await;
        assert_eq!(real, unknown);
        assert_eq!(unknown.last(), Some(&FAIL));
        // Even if a verifier said "correct", no tokens.
        assert_eq!(walk(&m, &[true], true).await, vec![challenge(), FAIL]);
        assert_eq!(
            walk(&m, &[false, true], true).await,
            vec![challenge(), challenge(), FAIL]
        );
    }

    #[tokio::test]
    async fn an_earlier_failure_stands() {
        let m = Module::new(3).unwrap();
        let mut e = event(&[step(CUSTOM_CHALLENGE, true)], false);
        e.response.fail_authentication = true;
        m.run(&mut e).await.unwrap();
        assert!(e.response.fail_authentication && !e.response.issue_tokens);
        assert_eq!(e.response.challenge_name, None);
    }

    #[test]
    fn zero_attempts_is_a_setting_error() {
        assert!(Module::new(0).is_err());
    }
}
