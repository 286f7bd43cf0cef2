//! ARNs, parsed once into their parts and carried as [`Arn`]. What an ARN
//! of one kind must look like is data ([`ArnKind`]), declared by the source
//! that owns the resource (`sources/s3.rs` declares bucket ARNs).

use std::fmt;

use serde::{Serialize, Serializer};

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

/// The longest ARN AWS's APIs take (IAM policies and the services'
/// `ResourceArn` parameters: 2048 characters).
pub const MAX_LEN: usize = 2048;

/// What an ARN must name: its service, how it is written (for messages),
/// and a check of the rest.
#[derive(Clone, Copy)]
pub struct ArnKind {
    /// The service part (`s3`); `None` for any service.
    pub service: Option<&'static str>,
    /// How such an ARN is written, e.g. "an S3 bucket ARN (`arn:aws:s3:::BUCKET`)".
    pub describe: &'static str,
    /// Region, account and resource, checked once the service matches; the
    /// error says what is wrong.
    pub check: fn(&Arn) -> Result<(), String>,
}

impl ArnKind {
    pub fn describe(&self) -> &'static str {
        self.describe
    }

    /// The ARN's shape, from its description (`arn:aws:s3:::BUCKET`).
    pub fn example(&self) -> &'static str {
        self.describe.split('`').nth(1).unwrap_or(self.describe)
    }
}

impl PartialEq for ArnKind {
    fn eq(&self, other: &Self) -> bool {
        self.describe == other.describe
    }
}

impl Eq for ArnKind {}

impl fmt::Debug for ArnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe)
    }
}

/// Any well-formed ARN of any service (grants name them).
pub const ANY: ArnKind = ArnKind {
    service: None,
    describe: "an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`)",
    check: |arn| {
        if !arn.region.is_empty() && !is_region(&arn.region) {
            return Err(format!("`{}` is not a region", arn.region));
        }
        if !arn.account.is_empty() && !is_account(&arn.account) && arn.account != "aws" {
            return Err(format!("`{}` is not a 12-digit account id", arn.account));
        }
        Ok(())
    },
};

/// A KMS key (custom senders decrypt with it; queues and topics encrypt with it).
pub const KMS_KEY: ArnKind = ArnKind {
    service: Some("kms"),
    describe: "a KMS key ARN (`arn:aws:kms:REGION:ACCOUNT:key/KEY_ID`)",
    check: |arn| {
        arn.regional()?;
        let r = arn.resource();
        if !(r.starts_with("key/") || r.starts_with("alias/")) || r.len() < 5 {
            return Err("the resource must be `key/KEY_ID` or `alias/NAME`".into());
        }
        Ok(())
    },
};

/// A parsed ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, the
/// resource part kept whole.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    text: String,
    partition: String,
    service: String,
    region: String,
    account: String,
    resource: String,
}

#[derive(Debug, PartialEq, Eq)]
pub struct ArnError(pub String);

impl fmt::Display for ArnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArnError {}

pub fn is_region(s: &str) -> bool {
    // e.g. eu-west-1, us-gov-west-1, cn-north-1, us-iso-east-1
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

pub fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

impl Arn {
    /// Parse and check `text` as an ARN of `kind`.
    pub fn parse(text: &str, kind: ArnKind) -> Result<Arn, ArnError> {
        if text.chars().count() > MAX_LEN {
            return Err(ArnError(format!(
                "an ARN of {} characters is not {}: ARNs have at most {MAX_LEN}",
                text.chars().count(),
                kind.describe
            )));
        }
        let bad = |why: &str| ArnError(format!("`{text}` is not {}: {why}", kind.describe));
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("it contains white space"));
        }
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let [prefix, partition, service, region, account, resource] = parts[..] else {
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
        if let Some(want) = kind.service
            && service != want
        {
            return Err(bad(&format!("the service is `{service}`, expected `{want}`")));
        }
        let arn = Arn {
            text: text.to_string(),
            partition: partition.to_string(),
            service: service.to_string(),
            region: region.to_string(),
            account: account.to_string(),
            resource: resource.to_string(),
        };
        (kind.check)(&arn).map_err(|why| bad(&why))?;
        Ok(arn)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn partition(&self) -> &str {
        &self.partition
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    /// The resource part, whole (`table/todos/stream/2024-…`).
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The resource's own name: the segment after its type
    /// (`table/todos/stream/…` → `todos`, `stream/clicks` → `clicks`,
    /// `userpool/eu-west-1_x` → `eu-west-1_x`), or the whole resource where
    /// it has no type (`acme-photos`, an SQS queue's name).
    pub fn resource_name(&self) -> &str {
        match self.resource.split_once(['/', ':']) {
            Some((_, rest)) => rest.split(['/', ':']).next().unwrap_or(rest),
            None => &self.resource,
        }
    }

    /// The last `/`- or `:`-separated segment of the resource, a short label
    /// (`role/service/deployer` → `deployer`).
    pub fn last_segment(&self) -> &str {
        self.resource.rsplit(['/', ':']).next().unwrap_or(&self.resource)
    }

    /// For kinds' checks: a region and a 12-digit account are required.
    pub fn regional(&self) -> Result<(), String> {
        if !is_region(&self.region) {
            return Err(format!("`{}` is not a region", self.region));
        }
        if !is_account(&self.account) {
            return Err(format!("`{}` is not a 12-digit account id", self.account));
        }
        Ok(())
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Arn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_names() {
        let a = Arn::parse(
            "arn:aws:dynamodb:us-east-1:123456789012:table/todos/stream/2024-01-01T00:00:00.000",
            ANY,
        )
        .unwrap();
        assert_eq!(a.service(), "dynamodb");
        assert_eq!(a.region(), "us-east-1");
        assert_eq!(a.resource_name(), "todos");
        let b = Arn::parse("arn:aws:s3:::acme-photos", ANY).unwrap();
        assert_eq!(b.resource_name(), "acme-photos");
        let q = Arn::parse("arn:aws:sqs:eu-west-1:123456789012:jobs.fifo", ANY).unwrap();
        assert_eq!(q.resource_name(), "jobs.fifo");
        assert_eq!(b.to_string(), "arn:aws:s3:::acme-photos");
    }

    #[test]
    fn rejects_malformed_arns() {
        for text in [
            "not an arn",
            "arn:aws:s3",
            "arn:awz:kinesis:eu-west-1:123456789012:stream/x",
            "arn:aws:kinesis:eu-west-1:123:stream/x",
            "arn:aws::eu-west-1:123456789012:x",
            "arn:aws:s3:::a b",
        ] {
            assert!(Arn::parse(text, ANY).is_err(), "{text} accepted");
        }
        let e = Arn::parse("arn:aws:s3:::acme", KMS_KEY).unwrap_err();
        assert!(e.0.contains("the service is `s3`, expected `kms`"), "{e}");
    }
}
