//! `override-token-claims`: adds, overrides and suppresses token claims
//! before Cognito issues the tokens.
//!
//! This trigger gets version 2 events: `CLAIMS_TO_ADD_OR_OVERRIDE` and
//! `CLAIMS_TO_SUPPRESS` change the ID token; `ACCESS_TOKEN_CLAIMS_TO_ADD_OR_OVERRIDE`,
//! `ACCESS_TOKEN_CLAIMS_TO_SUPPRESS`, `SCOPES_TO_ADD` and `SCOPES_TO_SUPPRESS`
//! change the access token. Claim values keep their JSON type.
//!
//! The changes are merged into whatever earlier modules put in the response:
//! a claim added here is no longer suppressed, a claim suppressed here is no
//! longer added. When this module creates the response, it keeps the user's
//! groups and roles from the request (Cognito replaces `cognito:groups` with
//! the response's `groupsToOverride`). Reserved claims that Cognito refuses
//! to change (`sub`, `iss`, `aud`, `exp`, `cognito:…`) are refused at start-up.

use std::collections::HashMap;

use aws_lambda_events::event::cognito::ClaimsAndScopeOverrideDetailsV2 as OverrideDetails;
use lambda_runtime::Error;
use serde_json::{Map, Value};

use crate::Event;

/// Claims Cognito does not let a trigger add, override or suppress (the
/// list in the Cognito developer guide's "Pre token generation Lambda
/// trigger", plus `c_hash`), besides every `cognito:` claim: groups and roles
/// change through `groupOverrideDetails`, and `cognito:username` is fixed.
pub const RESERVED_CLAIMS: &[&str] = &[
    "acr", "amr", "at_hash", "aud", "auth_time", "azp", "c_hash", "exp", "iat", "identities", "iss", "jti", "nbf",
    "nonce", "origin_jti", "sub", "token_use",
];

/// Also reserved in access tokens.
pub const RESERVED_ACCESS_TOKEN_CLAIMS: &[&str] = &["client_id", "device_key", "event_id", "scope", "username", "version"];

/// ID token claims that can't hold an array or an object.
pub const SIMPLE_ID_TOKEN_CLAIMS: &[&str] = &["address", "email_verified", "phone_number_verified", "updated_at"];

/// The settings as written in the environment; empty means none.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// A JSON object: ID token claims to add or override.
    pub claims_to_add_or_override: String,
    /// Comma-separated ID token claims to leave out.
    pub claims_to_suppress: String,
    /// Version 2: a JSON object of access token claims to add or override.
    pub access_token_claims_to_add_or_override: String,
    /// Version 2: comma-separated access token claims to leave out.
    pub access_token_claims_to_suppress: String,
    /// Version 2: comma-separated scopes to add to the access token.
    pub scopes_to_add: String,
    /// Version 2: comma-separated scopes to take out of the access token.
    pub scopes_to_suppress: String,
}

impl Settings {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).unwrap_or_default();
        Settings {
            claims_to_add_or_override: var("CLAIMS_TO_ADD_OR_OVERRIDE"),
            claims_to_suppress: var("CLAIMS_TO_SUPPRESS"),
            access_token_claims_to_add_or_override: var("ACCESS_TOKEN_CLAIMS_TO_ADD_OR_OVERRIDE"),
            access_token_claims_to_suppress: var("ACCESS_TOKEN_CLAIMS_TO_SUPPRESS"),
            scopes_to_add: var("SCOPES_TO_ADD"),
            scopes_to_suppress: var("SCOPES_TO_SUPPRESS"),
        }
    }
}

/// The changes to one token's claims.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimChanges {
    pub add_or_override: Map<String, Value>,
    pub suppress: Vec<String>,
}

impl ClaimChanges {
    /// Parse one token's pair of settings (`(name, value)` each), refusing
    /// the claims of `reserved` and every `cognito:` claim.
    fn parse(add: (&str, &str), suppress: (&str, &str), reserved: &[&[&str]]) -> Result<Self, Error> {
        let check = |setting: &str, claim: &str| -> Result<(), Error> {
            if claim.starts_with("cognito:") || reserved.iter().any(|list| list.contains(&claim)) {
                return Err(format!("{setting}: `{claim}` is a reserved claim that Cognito does not let a trigger change").into());
            }
            Ok(())
        };
        let add_or_override = match add.1.trim() {
            "" => Map::new(),
            json => match serde_json::from_str::<Value>(json) {
                Ok(Value::Object(map)) => map,
                Ok(_) => return Err(format!("{}: expected a JSON object, e.g. {}", add.0, r#"{"plan": "pro"}"#).into()),
                Err(e) => return Err(format!("{}: not valid JSON: {e}", add.0).into()),
            },
        };
        for (claim, value) in &add_or_override {
            check(add.0, claim)?;
            if claim.is_empty() {
                return Err(format!("{}: a claim needs a name", add.0).into());
            }
            if value.is_null() {
                return Err(format!("{}: `{claim}` is null; to remove a claim, suppress it", add.0).into());
            }
        }
        let suppress_names = names(suppress)?;
        for claim in &suppress_names {
            check(suppress.0, claim)?;
            if add_or_override.contains_key(claim) {
                return Err(format!("`{claim}` is both in {} and in {}", add.0, suppress.0).into());
            }
        }
        Ok(ClaimChanges {
            add_or_override,
            suppress: suppress_names,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.add_or_override.is_empty() && self.suppress.is_empty()
    }

    /// Merge into a response's claims: `value` turns a setting's JSON value
    /// into the response's claim type.
    fn apply<V>(&self, claims: &mut HashMap<String, V>, suppressed: &mut Vec<String>, value: impl Fn(&Value) -> V) {
        for (claim, v) in &self.add_or_override {
            suppressed.retain(|s| s != claim);
            claims.insert(claim.clone(), value(v));
        }
        for claim in &self.suppress {
            claims.remove(claim);
            if !suppressed.contains(claim) {
                suppressed.push(claim.clone());
            }
        }
    }
}

/// A comma-separated list (`(name, value)` of its setting): trimmed,
/// without empty entries or repeats.
fn names(setting: (&str, &str)) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for name in setting.1.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("{}: `{name}` contains white space", setting.0).into());
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

/// A response with no override details yet gets the request's groups and
/// roles, so that creating it does not take the user's groups away.
fn details_for<'a>(details: &'a mut Option<OverrideDetails>, request_groups: &aws_lambda_events::event::cognito::GroupConfiguration) -> &'a mut OverrideDetails {
    details.get_or_insert_with(|| {
        let mut fresh = OverrideDetails::default();
        fresh.group_override_details = request_groups.clone();
        fresh
    })
}

pub struct Module {
    id_token: ClaimChanges,
    access_token: ClaimChanges,
    scopes_to_add: Vec<String>,
    scopes_to_suppress: Vec<String>,
}

impl Module {
    pub async fn from_env() -> Result<Self, Error> {
        Self::new(&Settings::from_env())
    }

    pub fn new(settings: &Settings) -> Result<Self, Error> {
        let id_token = ClaimChanges::parse(
            ("CLAIMS_TO_ADD_OR_OVERRIDE", &settings.claims_to_add_or_override),
            ("CLAIMS_TO_SUPPRESS", &settings.claims_to_suppress),
            &[RESERVED_CLAIMS],
        )?;
        for (claim, value) in &id_token.add_or_override {
            if SIMPLE_ID_TOKEN_CLAIMS.contains(&claim.as_str()) && (value.is_array() || value.is_object()) {
                return Err(format!("CLAIMS_TO_ADD_OR_OVERRIDE: `{claim}` can't hold an array or an object in the ID token").into());
            }
        }
        let access_token = ClaimChanges::parse(
            ("ACCESS_TOKEN_CLAIMS_TO_ADD_OR_OVERRIDE", &settings.access_token_claims_to_add_or_override),
            ("ACCESS_TOKEN_CLAIMS_TO_SUPPRESS", &settings.access_token_claims_to_suppress),
            &[RESERVED_CLAIMS, RESERVED_ACCESS_TOKEN_CLAIMS],
        )?;
        let scopes_to_add = names(("SCOPES_TO_ADD", &settings.scopes_to_add))?;
        let scopes_to_suppress = names(("SCOPES_TO_SUPPRESS", &settings.scopes_to_suppress))?;
        if let Some(scope) = scopes_to_add.iter().find(|s| scopes_to_suppress.contains(s)) {
            return Err(format!("`{scope}` is both in SCOPES_TO_ADD and in SCOPES_TO_SUPPRESS").into());
        }
        Ok(Module {
            id_token,
            access_token,
            scopes_to_add,
            scopes_to_suppress,
        })
    }

    fn changes_access_token(&self) -> bool {
        !self.access_token.is_empty() || !self.scopes_to_add.is_empty() || !self.scopes_to_suppress.is_empty()
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        if self.id_token.is_empty() && !self.changes_access_token() {
            return Ok(());
        }
        let details = details_for(
            &mut event.response.claims_and_scope_override_details,
            &event.request.group_configuration,
        );
        if !self.id_token.is_empty() {
            let id = details.id_token_generation.get_or_insert_with(Default::default);
            self.id_token
                .apply(&mut id.claims_to_add_or_override, &mut id.claims_to_suppress, Value::clone);
        }
        if self.changes_access_token() {
            let access = details.access_token_generation.get_or_insert_with(Default::default);
            self.access_token
                .apply(&mut access.claims_to_add_or_override, &mut access.claims_to_suppress, Value::clone);
            for scope in &self.scopes_to_add {
                access.scopes_to_suppress.retain(|s| s != scope);
                if !access.scopes_to_add.contains(scope) {
                    access.scopes_to_add.push(scope.clone());
                }
            }
            for scope in &self.scopes_to_suppress {
                access.scopes_to_add.retain(|s| s != scope);
                if !access.scopes_to_suppress.contains(scope) {
                    access.scopes_to_suppress.push(scope.clone());
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sample() -> Event {
        serde_json::from_str(include_str!("../../events/TokenGeneration_HostedAuth.json")).unwrap()
    }

    /// The sample event, for a user in groups `admins` and `staff`.
    fn event() -> Event {
        let mut event = sample();
        event.request.group_configuration.groups_to_override = vec!["admins".into(), "staff".into()];
        event
    }

    fn response(event: &Event) -> Value {
        serde_json::to_value(&event.response).unwrap()
    }

    fn error(settings: Settings) -> String {
        match Module::new(&settings) {
            Ok(_) => panic!("accepted {settings:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[tokio::test]
    async fn nothing_configured_leaves_the_response_alone() {
        let module = Module::new(&Settings::default()).unwrap();
        let mut event = event();
        let before = event.clone();
        module.run(&mut event).await.unwrap();
        assert_eq!(event, before);
    }

    #[test]
    fn reserved_claims_are_refused() {
        for claim in ["sub", "iss", "aud", "token_use", "cognito:username", "cognito:groups", "exp", "iat", "auth_time", "jti", "origin_jti", "identities"] {
            let err = error(Settings {
                claims_to_add_or_override: json!({ claim: "x" }).to_string(),
                ..Settings::default()
            });
            assert_eq!(
                err,
                format!("CLAIMS_TO_ADD_OR_OVERRIDE: `{claim}` is a reserved claim that Cognito does not let a trigger change")
            );
            let err = error(Settings {
                claims_to_suppress: format!("email, {claim}"),
                ..Settings::default()
            });
            assert_eq!(
                err,
                format!("CLAIMS_TO_SUPPRESS: `{claim}` is a reserved claim that Cognito does not let a trigger change")
            );
        }
    }

    #[test]
    fn bad_settings_are_refused() {
        let add = |json: &str| {
            error(Settings {
                claims_to_add_or_override: json.into(),
                ..Settings::default()
            })
        };
        assert!(add("[1, 2]").contains("expected a JSON object"));
        assert!(add("{plan: pro}").contains("not valid JSON"));
        assert!(add(r#"{"plan": null}"#).contains("`plan` is null"));
        assert!(add(r#"{"": "x"}"#).contains("a claim needs a name"));
        let err = error(Settings {
            claims_to_add_or_override: r#"{"plan": "pro"}"#.into(),
            claims_to_suppress: "plan".into(),
            ..Settings::default()
        });
        assert_eq!(err, "`plan` is both in CLAIMS_TO_ADD_OR_OVERRIDE and in CLAIMS_TO_SUPPRESS");
    }

    #[tokio::test]
    async fn both_tokens_and_the_scopes_are_changed() {
        let module = Module::new(&Settings {
            claims_to_add_or_override: r#"{"plan": "pro", "seats": 5, "beta": true, "tags": ["a", "b"], "org": {"id": 7}}"#.into(),
            claims_to_suppress: "phone_number, email,email".into(),
            access_token_claims_to_add_or_override: r#"{"tenant": "acme", "roles": ["reader"]}"#.into(),
            access_token_claims_to_suppress: "auth_time_hint".into(),
            scopes_to_add: "orders/read, orders/write".into(),
            scopes_to_suppress: "aws.cognito.signin.user.admin".into(),
        })
        .unwrap();
        let mut event = event();
        module.run(&mut event).await.unwrap();
        assert_eq!(
            response(&event),
            json!({
                "claimsAndScopeOverrideDetails": {
                    "groupOverrideDetails": {
                        "groupsToOverride": ["admins", "staff"],
                        "iamRolesToOverride": [],
                        "preferredRole": null
                    },
                    "idTokenGeneration": {
                        "claimsToAddOrOverride": {"plan": "pro", "seats": 5, "beta": true, "tags": ["a", "b"], "org": {"id": 7}},
                        "claimsToSuppress": ["phone_number", "email"]
                    },
                    "accessTokenGeneration": {
                        "claimsToAddOrOverride": {"tenant": "acme", "roles": ["reader"]},
                        "claimsToSuppress": ["auth_time_hint"],
                        "scopesToAdd": ["orders/read", "orders/write"],
                        "scopesToSuppress": ["aws.cognito.signin.user.admin"]
                    }
                }
            })
        );
    }

    #[tokio::test]
    async fn only_the_access_token_leaves_the_id_token_alone() {
        let module = Module::new(&Settings {
            scopes_to_add: "orders/read".into(),
            ..Settings::default()
        })
        .unwrap();
        let mut event = event();
        module.run(&mut event).await.unwrap();
        assert_eq!(
            response(&event),
            json!({
                "claimsAndScopeOverrideDetails": {
                    "groupOverrideDetails": {
                        "groupsToOverride": ["admins", "staff"],
                        "iamRolesToOverride": [],
                        "preferredRole": null
                    },
                    "idTokenGeneration": null,
                    "accessTokenGeneration": {
                        "claimsToAddOrOverride": {},
                        "claimsToSuppress": [],
                        "scopesToAdd": ["orders/read"],
                        "scopesToSuppress": []
                    }
                }
            })
        );
    }

    #[tokio::test]
    async fn an_earlier_module_s_response_is_merged_not_replaced() {
        let mut event = event();
        event.response = serde_json::from_value(json!({
            "claimsAndScopeOverrideDetails": {
                "groupOverrideDetails": {
                    "groupsToOverride": ["editors"],
                    "iamRolesToOverride": ["arn:aws:iam::123456789012:role/editor"],
                    "preferredRole": "arn:aws:iam::123456789012:role/editor"
                },
                "idTokenGeneration": {
                    "claimsToAddOrOverride": {"tenant": "acme", "plan": "free", "email": "hidden@example.com"},
                    "claimsToSuppress": ["locale", "plan_b"]
                },
                "accessTokenGeneration": {
                    "claimsToAddOrOverride": {"tier": 1},
                    "claimsToSuppress": [],
                    "scopesToAdd": ["orders/read"],
                    "scopesToSuppress": ["orders/write"]
                }
            }
        }))
        .unwrap();
        let module = Module::new(&Settings {
            claims_to_add_or_override: r#"{"plan": "pro", "locale": "fr"}"#.into(),
            claims_to_suppress: "email,zoneinfo".into(),
            access_token_claims_to_add_or_override: r#"{"tier": 2}"#.into(),
            scopes_to_add: "orders/write".into(),
            scopes_to_suppress: "orders/read,profile".into(),
            ..Settings::default()
        })
        .unwrap();
        module.run(&mut event).await.unwrap();
        assert_eq!(
            response(&event),
            json!({
                "claimsAndScopeOverrideDetails": {
                    "groupOverrideDetails": {
                        "groupsToOverride": ["editors"],
                        "iamRolesToOverride": ["arn:aws:iam::123456789012:role/editor"],
                        "preferredRole": "arn:aws:iam::123456789012:role/editor"
                    },
                    "idTokenGeneration": {
                        "claimsToAddOrOverride": {"tenant": "acme", "plan": "pro", "locale": "fr"},
                        "claimsToSuppress": ["plan_b", "email", "zoneinfo"]
                    },
                    "accessTokenGeneration": {
                        "claimsToAddOrOverride": {"tier": 2},
                        "claimsToSuppress": [],
                        "scopesToAdd": ["orders/write"],
                        "scopesToSuppress": ["orders/read", "profile"]
                    }
                }
            })
        );
    }

    #[test]
    fn access_token_reserved_claims_and_simple_id_claims_are_refused() {
        for claim in ["scope", "client_id", "username", "event_id", "device_key", "sub", "cognito:groups"] {
            let err = error(Settings {
                access_token_claims_to_add_or_override: json!({ claim: "x" }).to_string(),
                ..Settings::default()
            });
            assert!(err.starts_with(&format!("ACCESS_TOKEN_CLAIMS_TO_ADD_OR_OVERRIDE: `{claim}` is a reserved claim")), "{err}");
            let err = error(Settings {
                access_token_claims_to_suppress: claim.into(),
                ..Settings::default()
            });
            assert!(err.starts_with(&format!("ACCESS_TOKEN_CLAIMS_TO_SUPPRESS: `{claim}` is a reserved claim")), "{err}");
        }
        // `username` is the access token's; the ID token has `cognito:username`.
        assert!(Module::new(&Settings { claims_to_add_or_override: r#"{"username": "x"}"#.into(), ..Settings::default() }).is_ok());
        let err = error(Settings {
            claims_to_add_or_override: r#"{"email_verified": ["yes"]}"#.into(),
            ..Settings::default()
        });
        assert_eq!(err, "CLAIMS_TO_ADD_OR_OVERRIDE: `email_verified` can't hold an array or an object in the ID token");
        assert!(Module::new(&Settings { claims_to_add_or_override: r#"{"email_verified": true}"#.into(), ..Settings::default() }).is_ok());
        let err = error(Settings {
            scopes_to_add: "a,b".into(),
            scopes_to_suppress: "b".into(),
            ..Settings::default()
        });
        assert_eq!(err, "`b` is both in SCOPES_TO_ADD and in SCOPES_TO_SUPPRESS");
        assert!(error(Settings { scopes_to_add: "a b".into(), ..Settings::default() }).contains("white space"));
    }
}
