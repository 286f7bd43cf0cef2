//! `custom`: your own module. It gets the event as the modules
//! before it left it. Change the event to answer Cognito, or return an error
//! to reject the operation (Cognito shows the error's message to the user).

use lambda_runtime::Error;

use crate::Event;

#[derive(Debug, Default)]
pub struct Module;

impl Module {
    /// Read settings from the environment here (once per cold start).
    pub async fn from_env() -> Result<Self, Error> {
        Ok(Module)
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let _ = event;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn leaves_the_event_unchanged() {
        let sample: Event = serde_json::from_str(include_str!("../../events/DefineAuthChallenge_Authentication.json")).unwrap();
        let mut event = sample.clone();
        Module::from_env().await.unwrap().run(&mut event).await.unwrap();
        assert_eq!(event, sample);
    }
}
