//! `custom-sender`: Cognito hands its email or SMS to this function instead
//! of sending it. The code arrives base64-encoded and encrypted with the user
//! pool's KMS key (`KEY_ARN`) in the AWS Encryption SDK's message format.
//! [`EsdkDecrypter`] decrypts it with the AWS Encryption SDK for Rust and a
//! KMS keyring for that key (the exported template grants the function
//! `kms:Decrypt` on it). One place is yours to fill in:
//!
//! - [`Sender`]: deliver the message (SES, SNS, or any provider).
//!
//! [`compose`] turns each trigger source into a message. The tests below
//! decrypt a real Encryption SDK message (made with a local AES key instead
//! of KMS) and stand in for the sender.

use std::future::Future;
use std::pin::Pin;

use aws_config::BehaviorVersion;
use aws_esdk::client as esdk_client;
use aws_esdk::material_providers::client as mpl_client;
use aws_esdk::material_providers::types::EsdkCommitmentPolicy;
use aws_esdk::material_providers::types::keyring::KeyringRef;
use aws_esdk::material_providers::types::material_providers_config::MaterialProvidersConfig;
use aws_esdk::types::aws_encryption_sdk_config::AwsEncryptionSdkConfig;
use aws_smithy_types::Blob;
use lambda_runtime::{Error, tracing};

use crate::Event;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Turns the encrypted `code` of an event into the plain code.
pub trait Decrypter: Send + Sync {
    fn decrypt<'a>(&'a self, ciphertext: &'a str) -> BoxFuture<'a, Result<String, Error>>;
}

/// Delivers a composed message.
pub trait Sender: Send + Sync {
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), Error>>;
}

/// What to send, to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Email address or phone number.
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Decrypts codes with the AWS Encryption SDK and a keyring: a KMS keyring
/// for the pool's key in the function ([`EsdkDecrypter::for_kms_key`]), any
/// keyring in tests.
pub struct EsdkDecrypter {
    client: esdk_client::Client,
    keyring: KeyringRef,
}

impl EsdkDecrypter {
    /// Cognito's messages may use an algorithm suite without key commitment,
    /// which the SDK's default policy refuses to decrypt: this client allows
    /// decrypting them (and would only encrypt with commitment).
    pub fn new(keyring: KeyringRef) -> Result<Self, Error> {
        let config = AwsEncryptionSdkConfig::builder()
            .commitment_policy(EsdkCommitmentPolicy::RequireEncryptAllowDecrypt)
            .build()?;
        Ok(EsdkDecrypter {
            client: esdk_client::Client::from_conf(config)?,
            keyring,
        })
    }

    /// A KMS keyring for `key_arn`, with the function's credentials.
    pub async fn for_kms_key(key_arn: &str) -> Result<Self, Error> {
        let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
        let materials = mpl_client::Client::from_conf(MaterialProvidersConfig::builder().build()?)?;
        let keyring = materials
            .create_aws_kms_keyring()
            .kms_key_id(key_arn)
            .kms_client(aws_sdk_kms::Client::new(&config))
            .send()
            .await?;
        Self::new(keyring)
    }
}

impl Decrypter for EsdkDecrypter {
    fn decrypt<'a>(&'a self, ciphertext: &'a str) -> BoxFuture<'a, Result<String, Error>> {
        Box::pin(async move {
            let message = aws_smithy_types::base64::decode(ciphertext.trim())
                .map_err(|e| format!("the code is not base64: {e}"))?;
            let output = self
                .client
                .decrypt()
                .ciphertext(Blob::new(message))
                .keyring(self.keyring.clone())
                .send()
                .await
                .map_err(|e| format!("cannot decrypt the code: {e}"))?;
            let plain = output.plaintext.ok_or("the Encryption SDK returned no plaintext")?;
            String::from_utf8(plain.into_inner()).map_err(|_| "the decrypted code is not UTF-8".into())
        })
    }
}

/// Logs the message's recipient and subject (never the code).
pub struct LogSender;

impl Sender for LogSender {
    fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            tracing::info!(to = %message.to, subject = %message.subject, "message composed; connect a Sender to deliver it");
            Ok(())
        })
    }
}

pub struct Module {
    decrypter: Box<dyn Decrypter>,
    sender: Box<dyn Sender>,
}

impl Module {
    pub const SETTING: &'static str = "KEY_ARN";

    pub async fn from_env() -> Result<Self, Error> {
        let key_arn = std::env::var(Self::SETTING).unwrap_or_default();
        if key_arn.is_empty() {
            return Err(format!(
                "{} is not set: the ARN of the KMS key the user pool encrypts codes with (`cargo trigger export` sets it)",
                Self::SETTING
            )
            .into());
        }
        let decrypter = EsdkDecrypter::for_kms_key(&key_arn).await?;
        Ok(Self::new(Box::new(decrypter), Box::new(LogSender)))
    }

    pub fn new(decrypter: Box<dyn Decrypter>, sender: Box<dyn Sender>) -> Self {
        Module { decrypter, sender }
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let code = match &event.request.code {
            Some(ciphertext) => Some(self.decrypter.decrypt(ciphertext).await?),
            None => None,
        };
        let message = compose(event, code.as_deref())?;
        self.sender.send(&message).await
    }
}

/// The message for an event's trigger source, with the decrypted code.
pub fn compose(event: &Event, code: Option<&str>) -> Result<Message, Error> {
    let attrs = &event.request.user_attributes;
    let sms = event.trigger_source.starts_with("CustomSMSSender_");
    let to = if sms { attrs.get("phone_number") } else { attrs.get("email") }
        .cloned()
        .ok_or_else(|| format!("`{}` has no {} to send to", event.user_name, if sms { "phone_number" } else { "email" }))?;
    let kind = event.trigger_source.split_once('_').map(|(_, k)| k).unwrap_or_default();
    let code = || code.ok_or_else(|| Error::from(format!("`{}` carries no code", event.trigger_source)));
    let (subject, body) = match kind {
        "SignUp" | "ResendCode" => ("Your verification code", format!("Your verification code is {}", code()?)),
        "ForgotPassword" => ("Reset your password", format!("Your password reset code is {}", code()?)),
        "UpdateUserAttribute" | "VerifyUserAttribute" => {
            ("Verify your new contact", format!("Your verification code is {}", code()?))
        }
        "AdminCreateUser" => (
            "Your new account",
            format!("Your username is {} and your temporary password is {}", event.user_name, code()?),
        ),
        "Authentication" => ("Your sign-in code", format!("Your authentication code is {}", code()?)),
        "AccountTakeOverNotification" => (
            "Unusual sign-in activity",
            "We noticed an unusual sign-in to your account.".to_string(),
        ),
        other => return Err(format!("unknown trigger source `{other}`").into()),
    };
    Ok(Message {
        to,
        subject: subject.to_string(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Stands in for the Encryption SDK: the "ciphertext" reversed.
    struct Reverse;

    impl Decrypter for Reverse {
        fn decrypt<'a>(&'a self, ciphertext: &'a str) -> BoxFuture<'a, Result<String, Error>> {
            Box::pin(async move { Ok(ciphertext.chars().rev().collect()) })
        }
    }

    #[derive(Clone, Default)]
    struct Outbox(Arc<Mutex<Vec<Message>>>);

    impl Sender for Outbox {
        fn send<'a>(&'a self, message: &'a Message) -> BoxFuture<'a, Result<(), Error>> {
            Box::pin(async move {
                self.0.lock().unwrap().push(message.clone());
                Ok(())
            })
        }
    }

    fn sample() -> Event {
        serde_json::from_str(include_str!("../../events/CustomEmailSender_SignUp.json")).unwrap()
    }

    #[tokio::test]
    async fn decrypts_then_sends_the_composed_message() {
        let outbox = Outbox::default();
        let module = Module::new(Box::new(Reverse), Box::new(outbox.clone()));
        let mut event = sample();
        event.request.code = Some("654321".to_string());
        event.request.user_attributes.insert("phone_number".into(), "+15555550100".into());
        module.run(&mut event).await.unwrap();
        let sent = outbox.0.lock().unwrap().clone();
        assert_eq!(sent.len(), 1);
        assert!(sent[0].body.ends_with("123456"), "{:?}", sent[0]);
    }

    /// A raw AES keyring: the Encryption SDK's message format without KMS.
    async fn aes_keyring(key: [u8; 32]) -> KeyringRef {
        use aws_esdk::material_providers::types::AesWrappingAlg;
        let materials = mpl_client::Client::from_conf(MaterialProvidersConfig::builder().build().unwrap()).unwrap();
        materials
            .create_raw_aes_keyring()
            .key_namespace("tests")
            .key_name("code-key")
            .wrapping_key(key.to_vec())
            .wrapping_alg(AesWrappingAlg::AlgAes256GcmIv12Tag16)
            .send()
            .await
            .unwrap()
    }

    /// `code` as Cognito sends it: an Encryption SDK message (here without
    /// key commitment, which the decrypter must accept), base64-encoded.
    async fn encrypt(code: &str, keyring: KeyringRef) -> String {
        let config = AwsEncryptionSdkConfig::builder()
            .commitment_policy(EsdkCommitmentPolicy::ForbidEncryptAllowDecrypt)
            .build()
            .unwrap();
        let client = esdk_client::Client::from_conf(config).unwrap();
        let out = client.encrypt().plaintext(code.as_bytes().to_vec()).keyring(keyring).send().await.unwrap();
        aws_smithy_types::base64::encode(out.ciphertext.unwrap().into_inner())
    }

    #[tokio::test]
    async fn decrypts_an_encryption_sdk_message() {
        let keyring = aes_keyring([7; 32]).await;
        let ciphertext = encrypt("123456", keyring.clone()).await;
        assert!(!ciphertext.contains("123456"));
        let decrypter = EsdkDecrypter::new(keyring).unwrap();
        assert_eq!(decrypter.decrypt(&ciphertext).await.unwrap(), "123456");

        // Through the module: the message carries the plain code.
        let outbox = Outbox::default();
        let module = Module::new(Box::new(decrypter), Box::new(outbox.clone()));
        let mut event = sample();
        event.request.code = Some(ciphertext);
        event.request.user_attributes.insert("phone_number".into(), "+15555550100".into());
        module.run(&mut event).await.unwrap();
        assert!(outbox.0.lock().unwrap()[0].body.contains("123456"));
    }

    #[tokio::test]
    async fn a_wrong_key_or_a_damaged_code_is_an_error() {
        let ciphertext = encrypt("123456", aes_keyring([7; 32]).await).await;
        let other_key = EsdkDecrypter::new(aes_keyring([8; 32]).await).unwrap();
        let err = other_key.decrypt(&ciphertext).await.unwrap_err().to_string();
        assert!(err.contains("cannot decrypt the code"), "{err}");
        let right_key = EsdkDecrypter::new(aes_keyring([7; 32]).await).unwrap();
        let mut bytes = aws_smithy_types::base64::decode(&ciphertext).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(right_key.decrypt(&aws_smithy_types::base64::encode(&bytes)).await.is_err());
        let err = right_key.decrypt("not base64!").await.unwrap_err().to_string();
        assert!(err.contains("not base64"), "{err}");
    }

    #[test]
    fn every_trigger_source_has_a_message() {
        let mut event = sample();
        event.request.user_attributes.insert("phone_number".into(), "+15555550100".into());
        let prefix = event.trigger_source.split_once('_').unwrap().0.to_string();
        for kind in ["SignUp", "ResendCode", "ForgotPassword", "UpdateUserAttribute", "VerifyUserAttribute", "AdminCreateUser"] {
            event.trigger_source = format!("{prefix}_{kind}");
            let m = compose(&event, Some("42")).unwrap();
            assert!(m.body.contains("42"), "{kind}: {m:?}");
        }
        event.trigger_source = format!("{prefix}_Nonsense");
        assert!(compose(&event, Some("42")).is_err());
    }
}
