//! `custom-auth-create`: makes each `CUSTOM_CHALLENGE` a fresh one-time
//! 6-digit code from the operating system's CSPRNG.
//!
//! - `privateChallengeParameters.answer`: the code (only the verifier sees it);
//! - `challengeMetadata`: `CODE-<attempt>` (1 for the first challenge);
//! - `publicChallengeParameters.deliveryMedium`: how the code travels (from
//!   [`Deliver::medium`]); nothing secret goes to the client.
//!
//! The code reaches the user through a [`Deliver`]: connect yours (SES, SNS,
//! any provider) in [`Module::from_env`]. Until then [`LogDeliver`] logs that
//! a code was created, never the code. A delivery error rejects the sign-in
//! with a generic message (the details go to the log).
//!
//! For a user that does not exist (`userNotFound`) the challenge is made the
//! same way, so the client sees the same answer, but nothing is delivered.
//! Delivery time is the one difference; keep it short and steady.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use lambda_runtime::{Error, tracing};

use crate::Event;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub const CUSTOM_CHALLENGE: &str = "CUSTOM_CHALLENGE";

/// A code to deliver, and to whom.
#[derive(Clone, PartialEq, Eq)]
pub struct Delivery {
    pub user_name: String,
    /// The user's attributes (`email`, `phone_number`, …).
    pub user_attributes: HashMap<String, String>,
    pub client_metadata: HashMap<String, String>,
    pub code: String,
    /// 1 for the first challenge of the sign-in.
    pub attempt: u32,
}

/// Never prints the code.
impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("user_name", &self.user_name)
            .field("attempt", &self.attempt)
            .field("code", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Sends a one-time code to the user.
pub trait Deliver: Send + Sync {
    /// How codes travel (`EMAIL`, `SMS`, …): shown to the client as
    /// `deliveryMedium`, the same for every user, known or not.
    fn medium(&self) -> &str;

    fn deliver<'a>(&'a self, delivery: &'a Delivery) -> BoxFuture<'a, Result<(), Error>>;
}

/// Logs that a code was created (never the code itself).
pub struct LogDeliver;

impl Deliver for LogDeliver {
    fn medium(&self) -> &str {
        "EMAIL"
    }

    fn deliver<'a>(&'a self, delivery: &'a Delivery) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            tracing::info!(
                user = %delivery.user_name,
                attempt = delivery.attempt,
                "one-time code created; connect a Deliver in src/modules/custom_auth_create.rs to send it"
            );
            Ok(())
        })
    }
}

pub struct Module {
    deliver: Box<dyn Deliver>,
}

impl Module {
    pub async fn from_env() -> Result<Self, Error> {
        Ok(Self::new(Box::new(LogDeliver)))
    }

    pub fn new(deliver: Box<dyn Deliver>) -> Self {
        Module { deliver }
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
        let previous = event
            .request
            .session
            .iter()
            .flatten()
            .filter(|s| s.challenge_name.as_deref() == Some(CUSTOM_CHALLENGE))
            .count();
        let attempt = u32::try_from(previous).unwrap_or(u32::MAX - 1) + 1;
        let code = one_time_code()?;

        let response = &mut event.response;
        response
            .private_challenge_parameters
            .insert("answer".into(), code.clone());
        response
            .public_challenge_parameters
            .insert("deliveryMedium".into(), self.deliver.medium().to_string());
        response.challenge_metadata = Some(format!("CODE-{attempt}"));

        if event.request.user_not_found {
            return Ok(());
        }
        let delivery = Delivery {
            user_name: event
                .cognito_event_user_pools_header
                .user_name
                .clone()
                .unwrap_or_default(),
            user_attributes: event.request.user_attributes.clone(),
            client_metadata: event.request.client_metadata.clone(),
            code,
            attempt,
        };
        if let Err(error) = self.deliver.deliver(&delivery).await {
            tracing::error!(user = %delivery.user_name, attempt, %error, "could not deliver the one-time code");
            return Err("We could not send your sign-in code. Please try again later.".into());
        }
        Ok(())
    }
}

/// A 6-digit code, uniform over `000000..=999999`, from the OS CSPRNG.
pub fn one_time_code() -> Result<String, Error> {
    code_from(|| getrandom::u32().map_err(Error::from))
}

/// Turns random `u32`s into a 6-digit code without modulo bias: values at
/// or above the largest multiple of 1,000,000 are drawn again.
fn code_from(mut next: impl FnMut() -> Result<u32, Error>) -> Result<String, Error> {
    const RANGE: u32 = 1_000_000;
    const LIMIT: u32 = u32::MAX - u32::MAX % RANGE;
    loop {
        let n = next()?;
        if n < LIMIT {
            return Ok(format!("{:06}", n % RANGE));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Records deliveries; fails them when told to.
    #[derive(Clone, Default)]
    struct Outbox {
        sent: Arc<Mutex<Vec<Delivery>>>,
        fail: bool,
    }

    impl Deliver for Outbox {
        fn medium(&self) -> &str {
            "SMS"
        }

        fn deliver<'a>(&'a self, delivery: &'a Delivery) -> BoxFuture<'a, Result<(), Error>> {
            Box::pin(async move {
                if self.fail {
                    return Err("SNS is down (internal detail)".into());
                }
                self.sent.lock().unwrap().push(delivery.clone());
                Ok(())
            })
        }
    }

    fn event(previous_challenges: usize, user_not_found: bool) -> Event {
        let mut value: serde_json::Value = serde_json::from_str(include_str!(
            "../../events/CreateAuthChallenge_Authentication.json"
        ))
        .unwrap();
        let step = serde_json::json!({"challengeName": CUSTOM_CHALLENGE, "challengeResult": false, "challengeMetadata": "CODE-1"});
        value["request"]["session"] = serde_json::Value::Array(vec![step; previous_challenges]);
        value["request"]["userNotFound"] = user_not_found.into();
        value["request"]["challengeName"] = CUSTOM_CHALLENGE.into();
        serde_json::from_value(value).unwrap()
    }

    fn is_code(s: &str) -> bool {
        s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())
    }

    #[tokio::test]
    async fn the_code_is_private_and_delivered() {
        let outbox = Outbox::default();
        let m = Module::new(Box::new(outbox.clone()));
        let mut e = event(0, false);
        m.run(&mut e).await.unwrap();
        let answer = e.response.private_challenge_parameters["answer"].clone();
        assert!(is_code(&answer), "{answer}");
        assert_eq!(e.response.challenge_metadata.as_deref(), Some("CODE-1"));
        let public = &e.response.public_challenge_parameters;
        assert_eq!(
            public.get("deliveryMedium").map(String::as_str),
            Some("SMS")
        );
        assert!(public.values().all(|v| !v.contains(&answer)), "{public:?}");
        let sent = outbox.sent.lock().unwrap().clone();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].code, answer);
        assert_eq!(sent[0].attempt, 1);
        assert_eq!(sent[0].user_attributes, e.request.user_attributes);
        assert!(
            !format!("{:?}", sent[0]).contains(&answer),
            "Debug shows the code"
        );
    }

    #[tokio::test]
    async fn each_attempt_gets_a_new_numbered_challenge() {
        let outbox = Outbox::default();
        let m = Module::new(Box::new(outbox.clone()));
        let mut third = event(2, false);
        m.run(&mut third).await.unwrap();
        assert_eq!(third.response.challenge_metadata.as_deref(), Some("CODE-3"));
        assert_eq!(outbox.sent.lock().unwrap()[0].attempt, 3);
    }

    #[tokio::test]
    async fn unknown_users_get_the_same_challenge_and_no_delivery() {
        let outbox = Outbox::default();
        let m = Module::new(Box::new(outbox.clone()));
        let mut known = event(1, false);
        let mut unknown = event(1, true);
        unknown.request.user_attributes.clear();
        m.run(&mut known).await.unwrap();
        m.run(&mut unknown).await.unwrap();
        assert_eq!(
            outbox.sent.lock().unwrap().len(),
            1,
            "only the real user gets a code"
        );
        assert_eq!(
            known.response.public_challenge_parameters,
            unknown.response.public_challenge_parameters
        );
        assert_eq!(
            known.response.challenge_metadata,
            unknown.response.challenge_metadata
        );
        assert!(is_code(
            &unknown.response.private_challenge_parameters["answer"]
        ));
    }

    #[tokio::test]
    async fn a_failed_delivery_rejects_with_a_generic_message() {
        let m = Module::new(Box::new(Outbox {
            fail: true,
            ..Outbox::default()
        }));
        let err = m.run(&mut event(0, false)).await.unwrap_err().to_string();
        assert!(err.contains("could not send your sign-in code"), "{err}");
        assert!(!err.contains("SNS"), "{err}");
    }

    #[tokio::test]
    async fn keeps_what_earlier_modules_set_and_ignores_other_challenges() {
        let m = Module::new(Box::new(Outbox::default()));
        let mut e = event(0, false);
        e.response
            .public_challenge_parameters
            .insert("brand".into(), "Example".into());
        m.run(&mut e).await.unwrap();
        assert_eq!(e.response.public_challenge_parameters["brand"], "Example");

        let mut other = event(0, false);
        other.request.challenge_name = Some("PASSWORD_VERIFIER".into());
        let before = other.clone();
        m.run(&mut other).await.unwrap();
        assert_eq!(other, before);
    }

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: HashSet<String> = (0..50).map(|_| one_time_code().unwrap()).collect();
        assert!(codes.iter().all(|c| is_code(c)), "{codes:?}");
        // 50 draws from a million: a repeat is rare (p < 0.002), all equal impossible.
        assert!(codes.len() >= 45, "{codes:?}");
    }

    #[test]
    fn biased_values_are_drawn_again_and_leading_zeros_kept() {
        let mut draws = vec![u32::MAX, 4_294_000_000, 7].into_iter();
        assert_eq!(code_from(|| Ok(draws.next().unwrap())).unwrap(), "000007");
        let mut draws = vec![4_293_999_999].into_iter();
        assert_eq!(code_from(|| Ok(draws.next().unwrap())).unwrap(), "999999");
        assert!(code_from(|| Err("no entropy".into())).is_err());
    }
}
