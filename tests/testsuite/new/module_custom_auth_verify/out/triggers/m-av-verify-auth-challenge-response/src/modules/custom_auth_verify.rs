//! `custom-auth-verify`: the answer is correct when it equals
//! `privateChallengeParameters.answer` (set by `custom-auth-create`).
//!
//! The answer arrives as a JSON value; a string is compared (surrounding
//! white space trimmed), anything else is wrong. The comparison takes the
//! same time wherever the strings differ. The answer is never correct for a
//! user that does not exist (`userNotFound`), when there is no answer, or when
//! the challenge has no expected answer.

use lambda_runtime::Error;
use serde_json::Value;

use crate::Event;

#[derive(Debug, Default)]
pub struct Module;

impl Module {
    pub async fn from_env() -> Result<Self, Error> {
        Ok(Self::new())
    }

    pub fn new() -> Self {
        Module
    }

    pub fn is_correct(&self, event: &Event) -> bool {
        if event.request.user_not_found {
            return false;
        }
        let Some(expected) = event.request.private_challenge_parameters.get("answer") else {
            return false;
        };
        let Some(Value::String(given)) = &event.request.challenge_answer else {
            return false;
        };
        !expected.is_empty() && constant_time_eq(given.trim().as_bytes(), expected.as_bytes())
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        event.response.answer_correct = self.is_correct(event);
        Ok(())
    }
}

/// `a == b`, looking at every byte whatever the first difference. The
/// length is not secret (codes have a fixed length).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(expected: Option<&str>, answer: Option<Value>, user_not_found: bool) -> Event {
        let mut e: Event = serde_json::from_str(include_str!(
            "../../events/VerifyAuthChallengeResponse_Authentication.json"
        ))
        .unwrap();
        e.request.private_challenge_parameters.clear();
        if let Some(x) = expected {
            e.request
                .private_challenge_parameters
                .insert("answer".into(), x.into());
        }
        e.request.challenge_answer = answer;
        e.request.user_not_found = user_not_found;
        e
    }

    async fn verdict(expected: Option<&str>, answer: Option<Value>, user_not_found: bool) -> bool {
        let mut e = event(expected, answer, user_not_found);
        e.response.answer_correct = !e.response.answer_correct; // must be overwritten either way
        Module::new().run(&mut e).await.unwrap();
        e.response.answer_correct
    }

    #[tokio::test]
    async fn the_right_code_is_correct() {
        assert!(verdict(Some("042917"), Some("042917".into()), false).await);
        assert!(verdict(Some("042917"), Some(" 042917\n".into()), false).await);
    }

    #[tokio::test]
    async fn anything_else_is_wrong() {
        for answer in ["042918", "42917", "0429170", "", "042 917", "O42917"] {
            assert!(
                !verdict(Some("042917"), Some(answer.into()), false).await,
                "{answer:?}"
            );
        }
        // JSON values that are not strings: 42917 would lose the leading zero.
        for answer in [
            serde_json::json!(42917),
            serde_json::json!(["042917"]),
            Value::Null,
            serde_json::json!({"answer": "042917"}),
        ] {
            assert!(
                !verdict(Some("042917"), Some(answer.clone()), false).await,
                "{answer}"
            );
        }
    }

    #[tokio::test]
    async fn no_answer_or_no_expected_answer_is_wrong() {
        assert!(!verdict(Some("042917"), None, false).await);
        assert!(!verdict(None, Some("".into()), false).await);
        assert!(!verdict(Some(""), Some("".into()), false).await);
        assert!(!verdict(None, Some("042917".into()), false).await);
    }

    #[tokio::test]
    async fn unknown_users_are_never_correct() {
        assert!(!verdict(Some("042917"), Some("042917".into()), true).await);
    }

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq(b"123456", b"123456"));
        assert!(!constant_time_eq(b"123456", b"123457"));
        assert!(!constant_time_eq(b"023456", b"123456"));
        assert!(!constant_time_eq(b"12345", b"123456"));
        assert!(constant_time_eq(b"", b""));
    }
}
