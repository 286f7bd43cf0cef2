use clap::Args;

use crate::cli::Context;
use crate::commands::wire::{parse_source, parse_token_version};
use crate::errors::{CargoResult, CliResult, user_error};
use crate::ops::event::{EventOptions, generate};
use crate::shell::Shell;
use crate::workspace::{self, Located};

/// Print a sample event (Cognito trigger sources, S3 put/delete, DynamoDB insert/modify/remove, Kinesis records) as JSON
#[derive(Args, Debug)]
pub struct EventArgs {
    /// cognito, s3, dynamodb or kinesis [default: from `--for`]
    #[arg(value_name = "SOURCE")]
    pub source: Option<String>,
    /// put/delete (s3), insert/modify/remove (dynamodb), records (kinesis), or a Cognito event or trigger source (e.g. `PreSignUp_SignUp`)
    #[arg(value_name = "KIND")]
    pub kind: Option<String>,
    /// Take the source, event and resource names from this trigger crate
    #[arg(long = "for", value_name = "CRATE")]
    pub for_crate: Option<String>,
    /// Region in ARNs and ids
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Records in the event (s3, dynamodb, kinesis)
    #[arg(long, value_name = "N")]
    pub records: Option<usize>,
    /// Cognito: the user's email
    #[arg(long, help_heading = "Cognito")]
    pub email: Option<String>,
    /// Cognito: the user name
    #[arg(long, help_heading = "Cognito")]
    pub username: Option<String>,
    /// Cognito: the user pool id (REGION_ID)
    #[arg(long, help_heading = "Cognito")]
    pub user_pool_id: Option<String>,
    /// Cognito: the app client id
    #[arg(long, help_heading = "Cognito")]
    pub client_id: Option<String>,
    /// Cognito: a user attribute, NAME=VALUE (repeat for several)
    #[arg(long = "attribute", value_name = "NAME=VALUE", help_heading = "Cognito")]
    pub attributes: Vec<String>,
    /// Cognito pre-token-generation: v1 or v2
    #[arg(long, value_name = "VERSION", help_heading = "Cognito")]
    pub token_version: Option<String>,
    /// S3: the bucket name
    #[arg(long, help_heading = "S3")]
    pub bucket: Option<String>,
    /// S3: the object key (URL-encoded in the event as S3 does)
    #[arg(long, help_heading = "S3")]
    pub key: Option<String>,
    /// S3: the object size in bytes
    #[arg(long, help_heading = "S3")]
    pub size: Option<u64>,
    /// DynamoDB: the table name
    #[arg(long, help_heading = "DynamoDB")]
    pub table: Option<String>,
    /// DynamoDB: the stream view type
    #[arg(long, value_name = "VIEW", help_heading = "DynamoDB")]
    pub stream_view: Option<String>,
    /// DynamoDB: the item's keys as plain JSON
    #[arg(long, value_name = "JSON", help_heading = "DynamoDB")]
    pub keys: Option<String>,
    /// DynamoDB: the new image as plain JSON
    #[arg(long, value_name = "JSON", help_heading = "DynamoDB")]
    pub new_image: Option<String>,
    /// DynamoDB: the old image as plain JSON
    #[arg(long, value_name = "JSON", help_heading = "DynamoDB")]
    pub old_image: Option<String>,
    /// Kinesis: the stream name
    #[arg(long, help_heading = "Kinesis")]
    pub stream: Option<String>,
    /// Kinesis: a record's data (base64-encoded for you; repeat for several records)
    #[arg(long, value_name = "DATA", help_heading = "Kinesis")]
    pub data: Vec<String>,
}

impl EventArgs {
    pub fn to_options(&self) -> CargoResult<EventOptions> {
        let attributes = self
            .attributes
            .iter()
            .map(|a| {
                a.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .ok_or_else(|| {
                        user_error(
                            format!("`--attribute {a}` is not NAME=VALUE"),
                            "e.g. `--attribute custom:plan=pro`",
                        )
                    })
            })
            .collect::<CargoResult<Vec<_>>>()?;
        Ok(EventOptions {
            source: parse_source(self.source.as_deref())?,
            kind: self.kind.clone(),
            for_crate: self.for_crate.clone(),
            region: self.region.clone(),
            email: self.email.clone(),
            username: self.username.clone(),
            user_pool_id: self.user_pool_id.clone(),
            client_id: self.client_id.clone(),
            attributes,
            token_version: parse_token_version(self.token_version.as_deref())?,
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            size: self.size,
            table: self.table.clone(),
            stream_view: self.stream_view.clone(),
            keys: self.keys.clone(),
            new_image: self.new_image.clone(),
            old_image: self.old_image.clone(),
            stream: self.stream.clone(),
            data: self.data.clone(),
            records: self.records,
        })
    }
}

pub fn exec(args: EventArgs, ctx: &Context, shell: &mut Shell) -> CliResult {
    let opts = args.to_options()?;
    let ws = if opts.for_crate.is_some() {
        match workspace::locate(&ctx.load_options(), &ctx.cwd, false)? {
            Located::Workspace(ws) => Some(*ws),
            Located::Empty { .. } => None,
        }
    } else {
        None
    };
    let event = generate(ws.as_ref(), &opts)?;
    let mut text = serde_json::to_string_pretty(&event).map_err(anyhow::Error::from)?;
    text.push('\n');
    shell.out(&text);
    Ok(())
}
