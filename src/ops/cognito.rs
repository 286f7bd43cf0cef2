//! Cognito user-pool triggers: one crate per event per pool, modules run in
//! order.

use serde_json::Value;

use crate::errors::{CargoResult, user_error};
use crate::ops::Planned;
use crate::ops::new::NewOptions;
use crate::scaffold::SampleSpec;
use crate::schema::{CognitoEvent, TokenVersion};
use crate::workspace::Workspace;

#[derive(Clone, Debug, Default)]
pub struct CognitoOptions {
    pub events: Vec<CognitoEvent>,
    pub token_version: Option<TokenVersion>,
    pub modules: Vec<String>,
    pub capabilities: Vec<String>,
}

pub fn plan_new(_ws: &Workspace, _opts: &NewOptions) -> CargoResult<Planned> {
    Err(user_error(
        "cognito triggers are not wired up yet",
        "use s3, dynamodb or kinesis",
    ))
}

pub fn sample(
    _spec: &SampleSpec,
    path: &str,
    _ctx: &mut serde_json::Map<String, Value>,
) -> CargoResult<(Value, Value)> {
    Err(anyhow::anyhow!("no cognito sample for `{path}` yet"))
}
