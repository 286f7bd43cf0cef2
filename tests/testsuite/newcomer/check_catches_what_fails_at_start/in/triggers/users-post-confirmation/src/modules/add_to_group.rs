//! `add-to-group`: adds every confirmed user to the user-pool group `GROUP`.
//!
//! 1. `GetGroup`: does the group exist?
//! 2. Only if Cognito answers `ResourceNotFoundException`: `CreateGroup`. A
//!    `GroupExistsException` means another invocation created it meanwhile,
//!    which is fine.
//! 3. `AdminAddUserToGroup` (adding a member again is not an error).
//!
//! Any other error (missing permission, throttling, …) fails the module with
//! Cognito's message: the group is never created on a guess. The function
//! needs `cognito-idp:GetGroup`, `cognito-idp:CreateGroup` and
//! `cognito-idp:AdminAddUserToGroup` on the user pool (the exported template
//! grants exactly these).
//!
//! The three calls go through [`Groups`], implemented by [`SdkGroups`] (the
//! AWS SDK) and, in the tests below, by a fake.

use std::future::Future;

use aws_config::BehaviorVersion;
use aws_sdk_cognitoidentityprovider::error::DisplayErrorContext;
use lambda_runtime::{Error, tracing};

use crate::Event;

/// How a group call failed, as far as this module cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupError {
    /// `GetGroup`: `ResourceNotFoundException`.
    NotFound,
    /// `CreateGroup`: `GroupExistsException`.
    AlreadyExists,
    /// Anything else, with the service's message.
    Other(String),
}

impl std::fmt::Display for GroupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GroupError::NotFound => f.write_str("the group does not exist"),
            GroupError::AlreadyExists => f.write_str("the group exists already"),
            GroupError::Other(message) => f.write_str(message),
        }
    }
}

/// The user-pool group calls this module makes.
pub trait Groups: Send + Sync {
    fn get_group(&self, user_pool_id: &str, group: &str) -> impl Future<Output = Result<(), GroupError>> + Send;
    fn create_group(&self, user_pool_id: &str, group: &str) -> impl Future<Output = Result<(), GroupError>> + Send;
    fn add_user_to_group(
        &self,
        user_pool_id: &str,
        user_name: &str,
        group: &str,
    ) -> impl Future<Output = Result<(), GroupError>> + Send;
}

/// [`Groups`] through the AWS SDK.
pub struct SdkGroups {
    client: aws_sdk_cognitoidentityprovider::Client,
}

impl SdkGroups {
    pub fn new(client: aws_sdk_cognitoidentityprovider::Client) -> Self {
        SdkGroups { client }
    }
}

fn other<E: std::error::Error>(error: E) -> GroupError {
    GroupError::Other(DisplayErrorContext(error).to_string())
}

impl Groups for SdkGroups {
    async fn get_group(&self, user_pool_id: &str, group: &str) -> Result<(), GroupError> {
        match self.client.get_group().user_pool_id(user_pool_id).group_name(group).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => {
                Err(GroupError::NotFound)
            }
            Err(e) => Err(other(e)),
        }
    }

    async fn create_group(&self, user_pool_id: &str, group: &str) -> Result<(), GroupError> {
        match self.client.create_group().user_pool_id(user_pool_id).group_name(group).send().await {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_group_exists_exception()) => {
                Err(GroupError::AlreadyExists)
            }
            Err(e) => Err(other(e)),
        }
    }

    async fn add_user_to_group(&self, user_pool_id: &str, user_name: &str, group: &str) -> Result<(), GroupError> {
        self.client
            .admin_add_user_to_group()
            .user_pool_id(user_pool_id)
            .username(user_name)
            .group_name(group)
            .send()
            .await
            .map(|_| ())
            .map_err(other)
    }
}

pub struct Module<G = SdkGroups> {
    groups: G,
    group: String,
}

impl Module {
    /// Reads `GROUP` and builds the SDK client from the Lambda environment
    /// (region and credentials).
    pub async fn from_env() -> Result<Self, Error> {
        let group = std::env::var(Self::SETTING).map_err(|_| format!("{} is not set", Self::SETTING))?;
        let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
        Self::new(SdkGroups::new(aws_sdk_cognitoidentityprovider::Client::new(&config)), &group)
    }
}

impl<G: Groups> Module<G> {
    pub const SETTING: &'static str = "GROUP";

    pub fn new(groups: G, group: &str) -> Result<Self, Error> {
        let valid = !group.is_empty()
            && group.chars().count() <= 128
            && !group.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err(format!(
                "{}: `{group}` is not a group name (1 to 128 characters, no spaces)",
                Self::SETTING
            )
            .into());
        }
        Ok(Module {
            groups,
            group: group.to_string(),
        })
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let header = &event.cognito_event_user_pools_header;
        let pool = header.user_pool_id.as_deref().ok_or("the event has no userPoolId")?;
        let user = header.user_name.as_deref().ok_or("the event has no userName")?;
        let group = self.group.as_str();
        match self.groups.get_group(pool, group).await {
            Ok(()) => {}
            Err(GroupError::NotFound) => match self.groups.create_group(pool, group).await {
                Ok(()) => tracing::info!(group, "created group"),
                Err(GroupError::AlreadyExists) => {}
                Err(e) => return Err(format!("could not create group `{group}`: {e}").into()),
            },
            Err(e) => return Err(format!("could not look up group `{group}`: {e}").into()),
        }
        self.groups
            .add_user_to_group(pool, user, group)
            .await
            .map_err(|e| format!("could not add `{user}` to group `{group}`: {e}"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Records the calls; answers as told.
    #[derive(Clone)]
    struct Fake {
        calls: Arc<Mutex<Vec<String>>>,
        get: Result<(), GroupError>,
        create: Result<(), GroupError>,
        add: Result<(), GroupError>,
    }

    impl Fake {
        fn new() -> Self {
            Fake {
                calls: Arc::default(),
                get: Ok(()),
                create: Ok(()),
                add: Ok(()),
            }
        }

        fn calls(&self) -> Vec<String> {
            self.calls.lock().unwrap().clone()
        }

        fn record(&self, call: String, answer: &Result<(), GroupError>) -> Result<(), GroupError> {
            self.calls.lock().unwrap().push(call);
            answer.clone()
        }
    }

    impl Groups for Fake {
        async fn get_group(&self, user_pool_id: &str, group: &str) -> Result<(), GroupError> {
            self.record(format!("get {user_pool_id} {group}"), &self.get)
        }

        async fn create_group(&self, user_pool_id: &str, group: &str) -> Result<(), GroupError> {
            self.record(format!("create {user_pool_id} {group}"), &self.create)
        }

        async fn add_user_to_group(&self, user_pool_id: &str, user_name: &str, group: &str) -> Result<(), GroupError> {
            self.record(format!("add {user_pool_id} {user_name} {group}"), &self.add)
        }
    }

    fn sample() -> Event {
        serde_json::from_str(include_str!("../../events/PostConfirmation_ConfirmSignUp.json")).unwrap()
    }

    /// What the fake should have seen for the sample event.
    fn expected(calls: &[&str]) -> Vec<String> {
        let event = sample();
        let pool = event.cognito_event_user_pools_header.user_pool_id.unwrap();
        let user = event.cognito_event_user_pools_header.user_name.unwrap();
        calls
            .iter()
            .map(|c| match *c {
                "get" => format!("get {pool} admins"),
                "create" => format!("create {pool} admins"),
                "add" => format!("add {pool} {user} admins"),
                other => panic!("{other}"),
            })
            .collect()
    }

    async fn run(fake: &Fake) -> Result<(), String> {
        let module = Module::new(fake.clone(), "admins").unwrap();
        let mut event = sample();
        let before = event.clone();
        let result = module.run(&mut event).await.map_err(|e| e.to_string());
        assert_eq!(event, before, "the event is left as it came");
        result
    }

    #[tokio::test]
    async fn an_existing_group_is_not_created_again() {
        let fake = Fake::new();
        assert_eq!(run(&fake).await, Ok(()));
        assert_eq!(fake.calls(), expected(&["get", "add"]));
    }

    #[tokio::test]
    async fn a_missing_group_is_created_then_the_user_added() {
        let fake = Fake { get: Err(GroupError::NotFound), ..Fake::new() };
        assert_eq!(run(&fake).await, Ok(()));
        assert_eq!(fake.calls(), expected(&["get", "create", "add"]));
    }

    #[tokio::test]
    async fn a_group_created_concurrently_is_fine() {
        let fake = Fake {
            get: Err(GroupError::NotFound),
            create: Err(GroupError::AlreadyExists),
            ..Fake::new()
        };
        assert_eq!(run(&fake).await, Ok(()));
        assert_eq!(fake.calls(), expected(&["get", "create", "add"]));
    }

    #[tokio::test]
    async fn any_other_lookup_error_fails_without_creating_or_adding() {
        let fake = Fake {
            get: Err(GroupError::Other("AccessDeniedException: not authorized to perform cognito-idp:GetGroup".into())),
            ..Fake::new()
        };
        let err = run(&fake).await.unwrap_err();
        assert_eq!(
            err,
            "could not look up group `admins`: AccessDeniedException: not authorized to perform cognito-idp:GetGroup"
        );
        assert_eq!(fake.calls(), expected(&["get"]));
    }

    #[tokio::test]
    async fn a_failed_create_fails_without_adding() {
        let fake = Fake {
            get: Err(GroupError::NotFound),
            create: Err(GroupError::Other("LimitExceededException: too many groups".into())),
            ..Fake::new()
        };
        let err = run(&fake).await.unwrap_err();
        assert_eq!(err, "could not create group `admins`: LimitExceededException: too many groups");
        assert_eq!(fake.calls(), expected(&["get", "create"]));
    }

    #[tokio::test]
    async fn a_failed_add_is_an_error() {
        let fake = Fake {
            add: Err(GroupError::Other("UserNotFoundException: User does not exist.".into())),
            ..Fake::new()
        };
        let err = run(&fake).await.unwrap_err();
        let user = sample().cognito_event_user_pools_header.user_name.unwrap();
        assert_eq!(
            err,
            format!("could not add `{user}` to group `admins`: UserNotFoundException: User does not exist.")
        );
        assert_eq!(fake.calls(), expected(&["get", "add"]));
    }

    #[tokio::test]
    async fn an_event_without_a_pool_or_user_is_an_error() {
        let fake = Fake::new();
        let module = Module::new(fake.clone(), "admins").unwrap();
        let mut event = sample();
        event.cognito_event_user_pools_header.user_name = None;
        assert_eq!(module.run(&mut event).await.unwrap_err().to_string(), "the event has no userName");
        let mut event = sample();
        event.cognito_event_user_pools_header.user_pool_id = None;
        assert_eq!(module.run(&mut event).await.unwrap_err().to_string(), "the event has no userPoolId");
        assert!(fake.calls().is_empty());
    }

    #[test]
    fn a_bad_group_name_is_refused() {
        let long = "g".repeat(129);
        for bad in ["", "two words", "tab\there", long.as_str()] {
            assert!(Module::new(Fake::new(), bad).is_err(), "{bad:?}");
        }
        assert!(Module::new(Fake::new(), &"g".repeat(128)).is_ok());
        assert!(Module::new(Fake::new(), "Admins_2+x@y").is_ok());
    }
}
