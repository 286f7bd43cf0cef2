//! The user-pool triggers, with what AWS calls them: the `LambdaConfig`
//! key, the `triggerSource`s Cognito sends and the event type a crate
//! receives. The enums themselves are the model's (`model::cognito`).

pub use crate::model::{CognitoEvent, TokenVersion};

/// What `new --source cognito` is asked for besides the pool.
#[derive(Clone, Debug, Default)]
pub struct CognitoOptions {
    pub events: Vec<CognitoEvent>,
    pub token_version: Option<TokenVersion>,
    pub modules: Vec<String>,
    pub capabilities: Vec<String>,
}

use CognitoEvent as E;

/// The trigger source of machine-to-machine (client credentials) tokens.
pub const CLIENT_CREDENTIALS: &str = "TokenGeneration_ClientCredentials";

impl CognitoEvent {
    /// The user pool's `LambdaConfig` key (what AWS rejects twice per pool).
    pub fn lambda_config_key(self, version: TokenVersion) -> &'static str {
        match self {
            E::PreSignUp => "PreSignUp",
            E::PreAuthentication => "PreAuthentication",
            E::PostAuthentication => "PostAuthentication",
            E::PostConfirmation => "PostConfirmation",
            E::DefineAuthChallenge => "DefineAuthChallenge",
            E::CreateAuthChallenge => "CreateAuthChallenge",
            E::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            E::CustomMessage => "CustomMessage",
            E::PreTokenGeneration => match version {
                TokenVersion::V1 => "PreTokenGeneration",
                TokenVersion::V2 | TokenVersion::V3 => "PreTokenGenerationConfig",
            },
            E::UserMigration => "UserMigration",
            E::CustomEmailSender => "CustomEmailSender",
            E::CustomSmsSender => "CustomSMSSender",
            E::InboundFederation => "InboundFederation",
        }
    }

    /// Every pre-token-generation version occupies the same slot of a pool.
    pub fn slot(self) -> &'static str {
        self.lambda_config_key(TokenVersion::V1)
    }

    /// The `triggerSource` values Cognito sends for this trigger (with
    /// event version 1 or 2: see [`CognitoEvent::trigger_sources_for`]).
    pub fn trigger_sources(self) -> &'static [&'static str] {
        match self {
            E::PreSignUp => &[
                "PreSignUp_SignUp",
                "PreSignUp_AdminCreateUser",
                "PreSignUp_ExternalProvider",
            ],
            E::PreAuthentication => &["PreAuthentication_Authentication"],
            E::PostAuthentication => &["PostAuthentication_Authentication"],
            E::PostConfirmation => &[
                "PostConfirmation_ConfirmSignUp",
                "PostConfirmation_ConfirmForgotPassword",
            ],
            E::DefineAuthChallenge => &["DefineAuthChallenge_Authentication"],
            E::CreateAuthChallenge => &["CreateAuthChallenge_Authentication"],
            E::VerifyAuthChallengeResponse => &["VerifyAuthChallengeResponse_Authentication"],
            E::CustomMessage => &[
                "CustomMessage_SignUp",
                "CustomMessage_AdminCreateUser",
                "CustomMessage_ResendCode",
                "CustomMessage_ForgotPassword",
                "CustomMessage_UpdateUserAttribute",
                "CustomMessage_VerifyUserAttribute",
                "CustomMessage_Authentication",
            ],
            E::PreTokenGeneration => &[
                "TokenGeneration_HostedAuth",
                "TokenGeneration_Authentication",
                "TokenGeneration_NewPasswordChallenge",
                "TokenGeneration_AuthenticateDevice",
                "TokenGeneration_RefreshTokens",
            ],
            E::UserMigration => &["UserMigration_Authentication", "UserMigration_ForgotPassword"],
            E::CustomEmailSender => &[
                "CustomEmailSender_SignUp",
                "CustomEmailSender_ResendCode",
                "CustomEmailSender_ForgotPassword",
                "CustomEmailSender_UpdateUserAttribute",
                "CustomEmailSender_VerifyUserAttribute",
                "CustomEmailSender_AdminCreateUser",
                "CustomEmailSender_AccountTakeOverNotification",
            ],
            E::CustomSmsSender => &[
                "CustomSMSSender_SignUp",
                "CustomSMSSender_ResendCode",
                "CustomSMSSender_ForgotPassword",
                "CustomSMSSender_UpdateUserAttribute",
                "CustomSMSSender_VerifyUserAttribute",
                "CustomSMSSender_Authentication",
                "CustomSMSSender_AdminCreateUser",
            ],
            E::InboundFederation => &["InboundFederation_ExternalProvider"],
        }
    }

    /// The `triggerSource` values of this trigger with event `version`:
    /// version 3 token generation adds machine-to-machine tokens.
    pub fn trigger_sources_for(self, version: TokenVersion) -> &'static [&'static str] {
        match (self, version) {
            (E::PreTokenGeneration, TokenVersion::V3) => &[
                "TokenGeneration_HostedAuth",
                "TokenGeneration_Authentication",
                "TokenGeneration_NewPasswordChallenge",
                "TokenGeneration_AuthenticateDevice",
                "TokenGeneration_RefreshTokens",
                CLIENT_CREDENTIALS,
            ],
            (e, _) => e.trigger_sources(),
        }
    }

    /// Every `triggerSource` of this trigger, whatever the version.
    pub fn all_trigger_sources(self) -> &'static [&'static str] {
        self.trigger_sources_for(TokenVersion::V3)
    }

    /// The trigger a `triggerSource` belongs to.
    pub fn of_trigger_source(source: &str) -> Option<CognitoEvent> {
        CognitoEvent::ALL
            .iter()
            .copied()
            .find(|e| e.all_trigger_sources().contains(&source))
    }

    /// The lowest event version that sends `source` (machine-to-machine
    /// tokens need version 3).
    pub fn min_version_for(source: &str) -> TokenVersion {
        if source == CLIENT_CREDENTIALS {
            TokenVersion::V3
        } else {
            TokenVersion::V1
        }
    }

    /// Federated sign-in does not invoke these triggers.
    pub fn skipped_by_federation(self) -> bool {
        matches!(
            self,
            E::DefineAuthChallenge
                | E::CreateAuthChallenge
                | E::VerifyAuthChallengeResponse
                | E::UserMigration
                | E::CustomMessage
                | E::CustomEmailSender
                | E::CustomSmsSender
        )
    }

    /// Only federated sign-in (SAML, OIDC, social providers) invokes these.
    pub fn only_for_federation(self) -> bool {
        self == E::InboundFederation
    }

    /// Custom senders receive a KMS-encrypted code and need the pool's key.
    pub fn is_custom_sender(self) -> bool {
        matches!(self, E::CustomEmailSender | E::CustomSmsSender)
    }

    /// The Rust path of the event type a crate for this trigger receives.
    pub fn event_type(self, version: TokenVersion) -> &'static str {
        match self {
            E::PreSignUp => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPreSignup",
            E::PreAuthentication => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPreAuthentication",
            E::PostAuthentication => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPostAuthentication",
            E::PostConfirmation => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPostConfirmation",
            E::DefineAuthChallenge => "aws_lambda_events::event::cognito::CognitoEventUserPoolsDefineAuthChallenge",
            E::CreateAuthChallenge => "aws_lambda_events::event::cognito::CognitoEventUserPoolsCreateAuthChallenge",
            E::VerifyAuthChallengeResponse => {
                "aws_lambda_events::event::cognito::CognitoEventUserPoolsVerifyAuthChallenge"
            }
            E::CustomMessage => "aws_lambda_events::event::cognito::CognitoEventUserPoolsCustomMessage",
            E::PreTokenGeneration => match version {
                TokenVersion::V1 => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPreTokenGen",
                TokenVersion::V2 => "aws_lambda_events::event::cognito::CognitoEventUserPoolsPreTokenGenV2",
                TokenVersion::V3 => "crate::event::PreTokenGenerationV3Event",
            },
            E::UserMigration => "aws_lambda_events::event::cognito::CognitoEventUserPoolsMigrateUser",
            E::CustomEmailSender | E::CustomSmsSender => "crate::event::CustomSenderEvent",
            E::InboundFederation => "crate::event::InboundFederationEvent",
        }
    }

    /// aws_lambda_events has no type for this event: the crate defines its
    /// own (`src/event.rs`).
    pub fn has_own_types(self, version: TokenVersion) -> bool {
        self.event_type(version).starts_with("crate::")
    }

    /// The event version needs the user pool on the Essentials or Plus
    /// feature plan (access-token customization).
    pub fn needs_essentials(self, version: TokenVersion) -> bool {
        self == E::PreTokenGeneration && version != TokenVersion::V1
    }

    /// The module a crate gets when none is asked for.
    pub fn default_module(self) -> &'static str {
        if self.is_custom_sender() {
            "custom-sender"
        } else {
            "custom"
        }
    }

    /// Triggers configured in the pool's `LambdaConfig` directly (SAM's
    /// `Cognito` event cannot set them), which makes all of that pool's
    /// triggers direct.
    pub fn needs_direct_config(self, version: TokenVersion) -> bool {
        self.lambda_version(version).is_some()
    }

    /// The `LambdaConfig` entry for a function (`LambdaVersion` where AWS
    /// wants one).
    pub fn lambda_version(self, version: TokenVersion) -> Option<&'static str> {
        match (self, version) {
            (E::PreTokenGeneration, TokenVersion::V2) => Some("V2_0"),
            (E::PreTokenGeneration, TokenVersion::V3) => Some("V3_0"),
            (e, _) if e.is_custom_sender() || e == E::InboundFederation => Some("V1_0"),
            _ => None,
        }
    }
}
