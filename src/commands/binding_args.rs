//! Binding flags shared by `new` and `wire`.

use clap::Args;

use crate::ops::binding::{BindingRequest, ResourceRequest};

#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Binding")]
pub struct BindingArgs {
    /// Cognito: the user pool (a declared resource name)
    #[arg(long, value_name = "NAME")]
    pub user_pool: Option<String>,
    /// S3: the bucket (a declared resource name)
    #[arg(long, value_name = "NAME")]
    pub bucket: Option<String>,
    /// DynamoDB: the table whose stream to read (a declared resource name)
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// Kinesis: the stream (a declared resource name)
    #[arg(long, value_name = "NAME")]
    pub stream: Option<String>,
    /// An existing pool, bucket, table stream or Kinesis stream, by ARN
    #[arg(long, value_name = "ARN")]
    pub arn: Option<String>,
    /// S3: event types, comma-separated [default: s3:ObjectCreated:*,s3:ObjectRemoved:*]
    #[arg(long, value_name = "EVENTS", value_delimiter = ',')]
    pub events: Option<Vec<String>>,
    /// S3: only keys that start with this
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// S3: only keys that end with this
    #[arg(long, value_name = "SUFFIX")]
    pub suffix: Option<String>,
    /// Streams: LATEST or TRIM_HORIZON [default: LATEST]
    #[arg(long, value_name = "POSITION")]
    pub starting_position: Option<String>,
    /// Streams: records per batch, 1 to 10000 [default: 100]
    #[arg(long, value_name = "N")]
    pub batch_size: Option<u32>,
    /// Streams: seconds to gather a batch, 0 to 300 [default: 0]
    #[arg(long, value_name = "SECONDS")]
    pub batching_window_seconds: Option<u32>,
    /// Streams: report failed records to Lambda [default: true]
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub report_batch_item_failures: Option<bool>,
    /// New resource: its physical name (bucket, table, stream or pool name)
    #[arg(long, value_name = "NAME")]
    pub resource_name: Option<String>,
    /// New DynamoDB table: stream view type [default: NEW_AND_OLD_IMAGES]
    #[arg(long, value_name = "VIEW")]
    pub stream_view: Option<String>,
    /// New DynamoDB table: partition key attribute [default: id]
    #[arg(long, value_name = "ATTRIBUTE")]
    pub partition_key: Option<String>,
    /// New Kinesis stream: provisioned shards (on-demand when absent)
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u32>,
    /// New user pool: the KMS key its custom sender triggers decrypt with
    #[arg(long, value_name = "ARN")]
    pub kms_key_arn: Option<String>,
}

impl BindingArgs {
    pub fn to_request(&self) -> BindingRequest {
        BindingRequest {
            user_pool: self.user_pool.clone(),
            bucket: self.bucket.clone(),
            table: self.table.clone(),
            stream: self.stream.clone(),
            arn: self.arn.clone(),
            events: self.events.clone(),
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
            starting_position: self.starting_position.clone(),
            batch_size: self.batch_size,
            batching_window_seconds: self.batching_window_seconds,
            report_batch_item_failures: self.report_batch_item_failures,
            declare: ResourceRequest {
                name: self.resource_name.clone(),
                stream_view: self.stream_view.clone(),
                partition_key: self.partition_key.clone(),
                partition_key_type: None,
                kms_key_arn: self.kms_key_arn.clone(),
                shard_count: self.shard_count,
            },
        }
    }
}
