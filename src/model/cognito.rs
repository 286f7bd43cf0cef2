//! Cognito's user-pool triggers and token versions, named: the closed sets
//! a Cognito trigger crate is configured with. What AWS calls each, and
//! what it carries, is Cognito's knowledge (`sources::cognito::event`).

use std::fmt;

use serde::Serialize;

/// A Cognito user-pool trigger.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum CognitoEvent {
    PreSignUp,
    PreAuthentication,
    PostAuthentication,
    PostConfirmation,
    DefineAuthChallenge,
    CreateAuthChallenge,
    VerifyAuthChallengeResponse,
    CustomMessage,
    PreTokenGeneration,
    UserMigration,
    CustomEmailSender,
    CustomSmsSender,
    InboundFederation,
}

/// Pre-token-generation event version (`V1_0`, `V2_0` or `V3_0`).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum TokenVersion {
    #[default]
    V1,
    V2,
    V3,
}

impl TokenVersion {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<TokenVersion> {
        s.parse().ok()
    }
}

impl CognitoEvent {
    pub const ALL: &'static [CognitoEvent] = <CognitoEvent as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<CognitoEvent> {
        s.parse().ok()
    }

    pub fn names() -> String {
        let names: Vec<&str> = CognitoEvent::ALL.iter().map(|e| e.as_str()).collect();
        crate::model::quoted(&names)
    }
}

impl fmt::Display for CognitoEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
