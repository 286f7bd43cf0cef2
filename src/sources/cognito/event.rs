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
                TokenVersion::V2 => "PreTokenGenerationConfig",
            },
            E::UserMigration => "UserMigration",
            E::CustomEmailSender => "CustomEmailSender",
            E::CustomSmsSender => "CustomSMSSender",
        }
    }

    /// Both pre-token-generation versions occupy the same slot of a pool.
    pub fn slot(self) -> &'static str {
        self.lambda_config_key(TokenVersion::V1)
    }

    /// The `triggerSource` values Cognito sends for this trigger.
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
        }
    }

    /// The trigger a `triggerSource` belongs to.
    pub fn of_trigger_source(source: &str) -> Option<CognitoEvent> {
        CognitoEvent::ALL
            .iter()
            .copied()
            .find(|e| e.trigger_sources().contains(&source))
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
            },
            E::UserMigration => "aws_lambda_events::event::cognito::CognitoEventUserPoolsMigrateUser",
            E::CustomEmailSender | E::CustomSmsSender => "crate::event::CustomSenderEvent",
        }
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
        self.is_custom_sender() || (self == E::PreTokenGeneration && version == TokenVersion::V2)
    }

    /// The `LambdaConfig` entry for a function (`LambdaVersion` where AWS
    /// wants one).
    pub fn lambda_version(self, version: TokenVersion) -> Option<&'static str> {
        match (self, version) {
            (E::PreTokenGeneration, TokenVersion::V2) => Some("V2_0"),
            (e, _) if e.is_custom_sender() => Some("V1_0"),
            _ => None,
        }
    }
}
