//! ARN validation, per service, as AWS formats them.

use std::fmt;

const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// The kinds of ARN that bindings, resources and grants take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArnKind {
    UserPool,
    Bucket,
    /// A DynamoDB table's stream (`table/NAME/stream/LABEL`).
    TableStream,
    /// A DynamoDB table (`table/NAME`).
    Table,
    KinesisStream,
    KmsKey,
    /// Any well-formed ARN of any service.
    Any,
}

impl ArnKind {
    pub fn describe(self) -> &'static str {
        match self {
            ArnKind::UserPool => "a Cognito user pool ARN (`arn:aws:cognito-idp:REGION:ACCOUNT:userpool/REGION_ID`)",
            ArnKind::Bucket => "an S3 bucket ARN (`arn:aws:s3:::BUCKET`)",
            ArnKind::TableStream => {
                "a DynamoDB stream ARN (`arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL`)"
            }
            ArnKind::Table => "a DynamoDB table ARN (`arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE`)",
            ArnKind::KinesisStream => "a Kinesis stream ARN (`arn:aws:kinesis:REGION:ACCOUNT:stream/NAME`)",
            ArnKind::KmsKey => "a KMS key ARN (`arn:aws:kms:REGION:ACCOUNT:key/KEY_ID`)",
            ArnKind::Any => "an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`)",
        }
    }
}

/// A parsed ARN; the resource part is kept whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

#[derive(Debug, PartialEq, Eq)]
pub struct ArnError(pub String);

impl fmt::Display for ArnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_region(s: &str) -> bool {
    // e.g. eu-west-1, us-gov-west-1, cn-north-1, us-iso-east-1
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A bucket name as S3 accepts it for new buckets.
pub fn is_bucket_name(s: &str) -> bool {
    (3..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()
        && !s.contains("..")
        && !s.starts_with("xn--")
        && s.parse::<std::net::Ipv4Addr>().is_err()
}

/// A DynamoDB table or Kinesis stream name: `[A-Za-z0-9_.-]`, 3 (1 for
/// Kinesis) to 255 (128) characters.
pub fn is_table_name(s: &str) -> bool {
    (3..=255).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

pub fn is_stream_name(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

/// Parse and check `text` as an ARN of `kind`.
pub fn parse(text: &str, kind: ArnKind) -> Result<Arn<'_>, ArnError> {
    let bad = |why: &str| ArnError(format!("`{text}` is not {}: {why}", kind.describe()));
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains white space"));
    }
    let mut parts = text.splitn(6, ':');
    let (Some(prefix), Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(bad("an ARN has six `:`-separated parts"));
    };
    if prefix != "arn" {
        return Err(bad("it must start with `arn:`"));
    }
    if !PARTITIONS.contains(&partition) {
        return Err(bad(&format!(
            "unknown partition `{partition}` (expected one of {})",
            PARTITIONS.join(", ")
        )));
    }
    if service.is_empty() || resource.is_empty() {
        return Err(bad("the service and resource parts must not be empty"));
    }
    let arn = Arn {
        partition,
        service,
        region,
        account,
        resource,
    };
    let expect_service = |want: &str| {
        if service != want {
            Err(bad(&format!("the service is `{service}`, expected `{want}`")))
        } else {
            Ok(())
        }
    };
    let regional = || {
        if !is_region(region) {
            return Err(bad(&format!("`{region}` is not a region")));
        }
        if !is_account(account) {
            return Err(bad(&format!("`{account}` is not a 12-digit account id")));
        }
        Ok(())
    };
    match kind {
        ArnKind::Any => {
            if !region.is_empty() && !is_region(region) {
                return Err(bad(&format!("`{region}` is not a region")));
            }
            if !account.is_empty() && !is_account(account) && account != "aws" {
                return Err(bad(&format!("`{account}` is not a 12-digit account id")));
            }
        }
        ArnKind::UserPool => {
            expect_service("cognito-idp")?;
            regional()?;
            let id = resource
                .strip_prefix("userpool/")
                .ok_or_else(|| bad("the resource must be `userpool/POOL_ID`"))?;
            let (id_region, suffix) = id
                .split_once('_')
                .ok_or_else(|| bad("a pool id is `REGION_ID`, e.g. `eu-west-1_AbC123`"))?;
            if id_region != region || suffix.is_empty() || !suffix.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad(
                    "a pool id is `REGION_ID` with the ARN's region, e.g. `eu-west-1_AbC123`",
                ));
            }
        }
        ArnKind::Bucket => {
            expect_service("s3")?;
            if !region.is_empty() || !account.is_empty() {
                return Err(bad("bucket ARNs have empty region and account (`arn:aws:s3:::BUCKET`)"));
            }
            if !is_bucket_name(resource) {
                return Err(bad(&format!("`{resource}` is not a valid bucket name")));
            }
        }
        ArnKind::Table | ArnKind::TableStream => {
            expect_service("dynamodb")?;
            regional()?;
            let rest = resource
                .strip_prefix("table/")
                .ok_or_else(|| bad("the resource must start with `table/`"))?;
            match (kind, rest.split_once("/stream/")) {
                (ArnKind::TableStream, Some((table, label))) if is_table_name(table) && !label.is_empty() => {}
                (ArnKind::TableStream, _) => {
                    return Err(bad(
                        "a stream ARN ends in `table/TABLE/stream/LABEL` (a table ARN alone does not name its stream)",
                    ));
                }
                (_, None) if is_table_name(rest) => {}
                _ => return Err(bad("the resource must be `table/TABLE`")),
            }
        }
        ArnKind::KinesisStream => {
            expect_service("kinesis")?;
            regional()?;
            let name = resource
                .strip_prefix("stream/")
                .ok_or_else(|| bad("the resource must be `stream/NAME`"))?;
            if !is_stream_name(name) {
                return Err(bad(&format!("`{name}` is not a valid stream name")));
            }
        }
        ArnKind::KmsKey => {
            expect_service("kms")?;
            regional()?;
            if !(resource.starts_with("key/") || resource.starts_with("alias/")) || resource.len() < 5 {
                return Err(bad("the resource must be `key/KEY_ID` or `alias/NAME`"));
            }
        }
    }
    Ok(arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_arns() {
        parse(
            "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123",
            ArnKind::UserPool,
        )
        .unwrap();
        parse("arn:aws:s3:::acme-photos", ArnKind::Bucket).unwrap();
        parse(
            "arn:aws:dynamodb:us-east-1:123456789012:table/todos/stream/2024-01-01T00:00:00.000",
            ArnKind::TableStream,
        )
        .unwrap();
        parse(
            "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/clicks",
            ArnKind::KinesisStream,
        )
        .unwrap();
        parse(
            "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab",
            ArnKind::KmsKey,
        )
        .unwrap();
    }

    #[test]
    fn rejects_malformed_arns() {
        for (text, kind) in [
            ("arn:aws:s3:::acme", ArnKind::KinesisStream),
            ("arn:aws:kinesis:eu-west-1:123:stream/x", ArnKind::KinesisStream),
            ("arn:aws:kinesis:eu-west-1:123456789012:stream/", ArnKind::KinesisStream),
            (
                "arn:awz:kinesis:eu-west-1:123456789012:stream/x",
                ArnKind::KinesisStream,
            ),
            (
                "arn:aws:dynamodb:eu-west-1:123456789012:table/todos",
                ArnKind::TableStream,
            ),
            (
                "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/us-east-1_abc",
                ArnKind::UserPool,
            ),
            ("arn:aws:s3:eu-west-1::acme", ArnKind::Bucket),
            ("arn:aws:s3:::Acme_Bucket", ArnKind::Bucket),
            ("not an arn", ArnKind::Any),
            ("arn:aws:s3", ArnKind::Any),
        ] {
            assert!(parse(text, kind).is_err(), "{text} accepted as {kind:?}");
        }
    }

    #[test]
    fn bucket_names() {
        assert!(is_bucket_name("acme-photos.eu"));
        assert!(!is_bucket_name("ab"));
        assert!(!is_bucket_name("192.168.1.1"));
        assert!(!is_bucket_name("a..b"));
        assert!(!is_bucket_name("-ab"));
    }
}
