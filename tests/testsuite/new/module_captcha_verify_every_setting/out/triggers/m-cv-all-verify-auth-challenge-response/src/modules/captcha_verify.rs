//! `captcha-verify`: the answer to the CAPTCHA challenge is a reCAPTCHA
//! token; Google's siteverify says whether it is good. The request is an
//! HTTPS POST with a form body `secret=…&response=…` to
//! `RECAPTCHA_VERIFY_URL` (the secret never goes into the URL). The answer is
//! correct only when the reply has `success: true` and, where configured:
//!
//! - `RECAPTCHA_MIN_SCORE`: a v3 `score` at least this high (a reply without
//!   a score fails);
//! - `RECAPTCHA_ACTION`: the v3 `action` is exactly this;
//! - `RECAPTCHA_HOSTNAME`: the `hostname` is this (any letter case).
//!
//! `RECAPTCHA_SECRET` is a secret: it is never in Cargo.toml; the exported
//! template asks for it as a parameter, and `cargo trigger invoke --env`
//! passes it locally. Without it the function does not start.
//!
//! Errors fail closed: a network error, a timeout (3 s, within Cognito's 5),
//! an HTTP error status or a reply that is not siteverify JSON make the
//! answer wrong and are logged as errors (never returned: Cognito would show
//! their text to the client). The sign-in then goes on as after a wrong
//! answer: with `captcha-define` it fails and the user signs in again. A user
//! that does not exist (`userNotFound`) is checked the same way but is never
//! correct.

use std::time::Duration;

use lambda_runtime::{Error, tracing};
use serde::Deserialize;
use serde_json::Value;

use crate::Event;

pub const DEFAULT_URL: &str = "https://www.google.com/recaptcha/api/siteverify";

/// How long one siteverify call may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// What the module checks, and where.
#[derive(Clone)]
pub struct Config {
    pub url: String,
    pub secret: String,
    pub min_score: Option<f64>,
    pub action: Option<String>,
    pub hostname: Option<String>,
    pub timeout: Duration,
}

/// Never prints the secret.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("url", &self.url)
            .field("secret", &"<redacted>")
            .field("min_score", &self.min_score)
            .field("action", &self.action)
            .field("hostname", &self.hostname)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Config {
    /// Google's endpoint, no extra checks, the default timeout.
    pub fn new(secret: impl Into<String>) -> Self {
        Config {
            url: DEFAULT_URL.to_string(),
            secret: secret.into(),
            min_score: None,
            action: None,
            hostname: None,
            timeout: TIMEOUT,
        }
    }

    pub fn from_env() -> Result<Self, Error> {
        let var = |k: &str| {
            std::env::var(k)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let non_empty = |v: String| (!v.is_empty()).then_some(v);
        let secret = non_empty(var("RECAPTCHA_SECRET"))
            .ok_or("RECAPTCHA_SECRET is not set: give the function the reCAPTCHA secret key")?;
        let min_score = match non_empty(var("RECAPTCHA_MIN_SCORE")) {
            None => None,
            Some(v) => match v.parse::<f64>() {
                Ok(s) if (0.0..=1.0).contains(&s) => Some(s),
                _ => {
                    return Err(format!(
                        "RECAPTCHA_MIN_SCORE must be a number from 0.0 to 1.0, not `{v}`"
                    )
                    .into());
                }
            },
        };
        Ok(Config {
            url: non_empty(var("RECAPTCHA_VERIFY_URL")).unwrap_or_else(|| DEFAULT_URL.to_string()),
            secret,
            min_score,
            action: non_empty(var("RECAPTCHA_ACTION")),
            hostname: non_empty(var("RECAPTCHA_HOSTNAME")),
            timeout: TIMEOUT,
        })
    }
}

/// siteverify's reply (the fields this module reads).
#[derive(Debug, Clone, Deserialize)]
pub struct Reply {
    pub success: bool,
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub hostname: Option<String>,
    #[serde(default, rename = "error-codes")]
    pub error_codes: Vec<String>,
}

pub struct Module {
    config: Config,
    client: reqwest::Client,
}

impl Module {
    pub async fn from_env() -> Result<Self, Error> {
        let config = Config::from_env()?;
        if config.url.starts_with("http://") {
            tracing::warn!(url = %config.url, "RECAPTCHA_VERIFY_URL is not HTTPS: the secret travels unencrypted");
        }
        Self::new(config)
    }

    pub fn new(config: Config) -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()?;
        Ok(Module { config, client })
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let token = match &event.request.challenge_answer {
            Some(Value::String(t)) if !t.trim().is_empty() => t.trim().to_string(),
            _ => {
                event.response.answer_correct = false;
                return Ok(());
            }
        };
        let passed = match self.siteverify(&token).await {
            Ok(reply) => match self.judge(&reply) {
                Ok(()) => true,
                Err(why) => {
                    tracing::info!(%why, "reCAPTCHA token rejected");
                    false
                }
            },
            Err(error) => {
                tracing::error!(%error, url = %self.config.url, "reCAPTCHA siteverify failed; answer counted as wrong");
                false
            }
        };
        event.response.answer_correct = passed && !event.request.user_not_found;
        Ok(())
    }

    /// Ask siteverify about `token`.
    pub async fn siteverify(&self, token: &str) -> Result<Reply, Error> {
        let response = self
            .client
            .post(&self.config.url)
            .form(&[("secret", self.config.secret.as_str()), ("response", token)])
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("siteverify answered HTTP {status}").into());
        }
        let body = response.bytes().await?;
        serde_json::from_slice(&body)
            .map_err(|e| format!("siteverify's reply is not what was expected: {e}").into())
    }

    /// Whether `reply` passes the configured checks, or why not.
    pub fn judge(&self, reply: &Reply) -> Result<(), String> {
        if !reply.success {
            return Err(format!(
                "siteverify says no ({})",
                reply.error_codes.join(", ")
            ));
        }
        if let Some(min) = self.config.min_score {
            match reply.score {
                Some(score) if score >= min => {}
                Some(score) => return Err(format!("score {score} is below {min}")),
                None => {
                    return Err(
                        "the reply has no score (a v2 key?) and a minimum score is set".into(),
                    );
                }
            }
        }
        if let Some(action) = &self.config.action
            && reply.action.as_deref() != Some(action.as_str())
        {
            return Err(format!("action {:?} is not {action:?}", reply.action));
        }
        if let Some(host) = &self.config.hostname
            && !reply
                .hostname
                .as_deref()
                .is_some_and(|h| h.eq_ignore_ascii_case(host))
        {
            return Err(format!("hostname {:?} is not {host:?}", reply.hostname));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener};
    use std::thread::JoinHandle;
    use std::time::Instant;

    use super::*;

    const SECRET: &str = "test-secret+/=";
    const SECRET_ENCODED: &str = "test-secret%2B%2F%3D";

    /// What the stub received: the request line and headers, and the body.
    #[derive(Debug)]
    struct Received {
        head: String,
        body: String,
    }

    /// A one-request HTTP server on 127.0.0.1 that answers `status` with
    /// `reply` and hands back what it received.
    fn stub(status: &'static str, reply: &'static str) -> (String, JoinHandle<Received>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}/recaptcha/api/siteverify",
            listener.local_addr().unwrap()
        );
        let handle = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut data = Vec::new();
            let mut buf = [0u8; 4096];
            let (head, body) = loop {
                let n = conn.read(&mut buf).unwrap();
                assert!(n > 0, "connection closed mid-request");
                data.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&data).to_string();
                let Some((head, body)) = text.split_once("\r\n\r\n") else {
                    continue;
                };
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if body.len() >= length {
                    break (head.to_string(), body.to_string());
                }
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                reply.len()
            );
            conn.write_all(response.as_bytes()).unwrap();
            Received { head, body }
        });
        (url, handle)
    }

    fn config(url: &str) -> Config {
        Config {
            url: url.to_string(),
            ..Config::new(SECRET)
        }
    }

    fn event(token: Option<Value>, user_not_found: bool) -> Event {
        let mut e: Event = serde_json::from_str(include_str!(
            "../../events/VerifyAuthChallengeResponse_Authentication.json"
        ))
        .unwrap();
        e.request.challenge_answer = token;
        e.request.user_not_found = user_not_found;
        e
    }

    /// Run the module on a token; `answerCorrect` starts out true so that a
    /// "false" is the module's.
    async fn verdict(config: Config, token: &str) -> bool {
        let mut e = event(Some(token.into()), false);
        e.response.answer_correct = true;
        Module::new(config).unwrap().run(&mut e).await.unwrap();
        e.response.answer_correct
    }

    async fn verdict_from(config: impl FnOnce(&str) -> Config, reply: &'static str) -> bool {
        let (url, server) = stub("200 OK", reply);
        let correct = verdict(config(&url), "tok").await;
        server.join().unwrap();
        correct
    }

    #[tokio::test]
    async fn success_posts_the_secret_in_the_body_only() {
        let (url, server) = stub(
            "200 OK",
            r#"{"success": true, "challenge_ts": "2024-01-01T00:00:00Z", "hostname": "app.example.com"}"#,
        );
        assert!(verdict(config(&url), " tok&en=1 ").await);
        let got = server.join().unwrap();
        let request_line = got.head.lines().next().unwrap();
        assert_eq!(request_line, "POST /recaptcha/api/siteverify HTTP/1.1");
        assert!(
            !got.head.contains(SECRET) && !got.head.contains(SECRET_ENCODED),
            "{}",
            got.head
        );
        assert!(
            got.head
                .to_ascii_lowercase()
                .contains("content-type: application/x-www-form-urlencoded"),
            "{}",
            got.head
        );
        let mut fields: Vec<&str> = got.body.split('&').collect();
        fields.sort();
        let secret = format!("secret={SECRET_ENCODED}");
        assert_eq!(fields, vec!["response=tok%26en%3D1", secret.as_str()]);
    }

    #[tokio::test]
    async fn failure_is_wrong() {
        let reply = r#"{"success": false, "error-codes": ["invalid-input-response"]}"#;
        assert!(!verdict_from(config, reply).await);
    }

    #[tokio::test]
    async fn a_low_score_is_wrong() {
        let with_min = |url: &str| Config {
            min_score: Some(0.5),
            ..config(url)
        };
        assert!(
            !verdict_from(
                with_min,
                r#"{"success": true, "score": 0.3, "action": "login"}"#
            )
            .await
        );
        assert!(
            verdict_from(
                with_min,
                r#"{"success": true, "score": 0.5, "action": "login"}"#
            )
            .await
        );
        // A v2 reply has no score: with a minimum set, that fails.
        assert!(!verdict_from(with_min, r#"{"success": true}"#).await);
    }

    #[tokio::test]
    async fn a_wrong_action_is_wrong() {
        let login = |url: &str| Config {
            action: Some("login".into()),
            ..config(url)
        };
        assert!(
            !verdict_from(
                login,
                r#"{"success": true, "score": 0.9, "action": "signup"}"#
            )
            .await
        );
        assert!(!verdict_from(login, r#"{"success": true, "score": 0.9}"#).await);
        assert!(
            verdict_from(
                login,
                r#"{"success": true, "score": 0.9, "action": "login"}"#
            )
            .await
        );
    }

    #[tokio::test]
    async fn a_wrong_hostname_is_wrong() {
        let host = |url: &str| Config {
            hostname: Some("app.example.com".into()),
            ..config(url)
        };
        assert!(!verdict_from(host, r#"{"success": true, "hostname": "evil.example"}"#).await);
        assert!(
            !verdict_from(
                host,
                r#"{"success": true, "hostname": "app.example.com.evil.example"}"#
            )
            .await
        );
        assert!(verdict_from(host, r#"{"success": true, "hostname": "App.Example.COM"}"#).await);
    }

    #[tokio::test]
    async fn http_errors_and_odd_replies_are_wrong_not_crashes() {
        let (url, server) = stub("500 Internal Server Error", r#"{"success": true}"#);
        assert!(!verdict(config(&url), "tok").await);
        server.join().unwrap();
        assert!(!verdict_from(config, "<html>not json</html>").await);
        assert!(!verdict_from(config, r#"{"score": 0.9}"#).await);
    }

    #[tokio::test]
    async fn an_unreachable_endpoint_is_wrong() {
        let addr: SocketAddr = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        }; // closed again: connecting is refused
        assert!(!verdict(config(&format!("http://{addr}/siteverify")), "tok").await);
    }

    #[tokio::test]
    async fn a_silent_endpoint_times_out() {
        // Accepted by the kernel, never answered.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/siteverify", listener.local_addr().unwrap());
        let start = Instant::now();
        let quick = Config {
            timeout: Duration::from_millis(300),
            ..config(&url)
        };
        assert!(!verdict(quick, "tok").await);
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
        drop(listener);
    }

    #[tokio::test]
    async fn no_token_means_no_request() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/siteverify", listener.local_addr().unwrap());
        let module = Module::new(config(&url)).unwrap();
        for answer in [
            None,
            Some(Value::Null),
            Some("  ".into()),
            Some(serde_json::json!({"token": "tok"})),
        ] {
            let mut e = event(answer.clone(), false);
            e.response.answer_correct = true;
            module.run(&mut e).await.unwrap();
            assert!(!e.response.answer_correct, "{answer:?}");
        }
        assert_eq!(
            listener.accept().unwrap_err().kind(),
            std::io::ErrorKind::WouldBlock
        );
    }

    #[tokio::test]
    async fn unknown_users_are_never_correct() {
        let (url, server) = stub("200 OK", r#"{"success": true}"#);
        let mut e = event(Some("tok".into()), true);
        Module::new(config(&url))
            .unwrap()
            .run(&mut e)
            .await
            .unwrap();
        assert!(!e.response.answer_correct);
        server.join().unwrap(); // checked the same way as a real user
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let shown = format!("{:?}", Config::new(SECRET));
        assert!(!shown.contains(SECRET), "{shown}");
    }
}
