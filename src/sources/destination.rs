//! Destinations of what failed (or succeeded): a stream mapping's
//! `on-failure`, an asynchronous function's `on-failure` and `on-success`.
//! Each names a declared queue, topic or bucket, or gives an ARN; export
//! resolves it and grants exactly what writing to it takes.

use super::export::{ExportCx, FunctionCx, Place};
use crate::model::arn::{ANY, Arn};
use crate::model::cfn::Expr;
use crate::model::names::is_resource_name;
use crate::model::{Source, Target};

/// A queue, topic or bucket (Lambda writes failed stream batches and failed
/// asynchronous events to a bucket).
pub fn check_any(v: &str) -> Result<(), String> {
    check(v, true)
}

/// A queue or topic (Lambda's on-success destinations take no bucket).
pub fn check_no_bucket(v: &str) -> Result<(), String> {
    check(v, false)
}

fn check(v: &str, bucket: bool) -> Result<(), String> {
    if v.starts_with("arn:") {
        // Each ARN as its source's resources check it.
        let kind = match v.split(':').nth(2) {
            Some("sns") => Source::Sns.spec().resource().arn,
            Some("sqs") => Source::Sqs.spec().resource().arn,
            Some("s3") if bucket => Source::S3.spec().resource().arn,
            other => {
                let what = if bucket {
                    "an SQS queue, SNS topic or S3 bucket"
                } else {
                    "an SQS queue or SNS topic"
                };
                return Err(format!(
                    "`{v}` is an ARN of `{}`, not of {what}",
                    other.unwrap_or_default()
                ));
            }
        };
        return Arn::parse(v, kind).map(|_| ()).map_err(|e| e.0);
    }
    if is_resource_name(v) {
        Ok(())
    } else {
        Err("a declared resource's name starts with a letter and uses letters, digits, `-` and `_`; an ARN starts with `arn:`".into())
    }
}

/// A destination, resolved.
pub struct Resolved {
    /// What it is: `Source::Sqs`, `Source::Sns` or `Source::S3`.
    pub kind: Source,
    pub arn: Expr,
}

impl Resolved {
    /// SAM's `DestinationConfig` type of an `EventInvokeConfig`.
    pub fn sam_type(&self) -> &'static str {
        match self.kind {
            Source::Sns => "SNS",
            Source::S3 => "S3Bucket",
            _ => "SQS",
        }
    }
}

/// Resolve `v` (a declared resource's name or an ARN) and grant `f` what
/// writing to it takes, on exactly it: `sqs:SendMessage`, `sns:Publish`, or
/// `s3:PutObject` on the bucket's objects and `s3:ListBucket` on the bucket
/// (Lambda lists it to check it may write). A declared queue or topic with
/// its own KMS key also gets what a `send`/`publish` grant gets on the key.
pub fn resolve(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, v: &str) -> Resolved {
    let target = match Arn::parse(v, ANY) {
        Ok(a) => Target::Arn(a),
        Err(_) => Target::Resource(v.to_string()),
    };
    let p = Place::of(cx.ws, &target);
    let (kind, arn) = match (p.resource, &target) {
        (Some(r), _) => (r.kind.source(), r.kind.source().spec().arn_expr(&p)),
        (None, Target::Arn(a)) if a.service() == "sns" => (Source::Sns, Expr::lit(a.as_str())),
        (None, Target::Arn(a)) if a.service() == "s3" => (Source::S3, Expr::lit(a.as_str())),
        _ => (Source::Sqs, Expr::lit(v)),
    };
    match kind {
        Source::Sns => f.allow(&["sns:Publish"], vec![arn.clone()]),
        Source::S3 => {
            let objects = arn.with_suffix("/*").unwrap_or_else(|| arn.clone());
            f.allow(&["s3:PutObject"], vec![objects]);
            f.allow(&["s3:ListBucket"], vec![arn.clone()]);
        }
        _ => f.allow(&["sqs:SendMessage"], vec![arn.clone()]),
    }
    if let Some(r) = p.resource
        && kind != Source::S3
    {
        let access = if kind == Source::Sns { "publish" } else { "send" };
        let extra = kind.spec().grant_statements(cx, r, access, f);
        f.statements.extend(extra);
    }
    Resolved { kind, arn }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arns_of_each_kind() {
        for ok in [
            "failed",
            "arn:aws:sqs:eu-west-1:123456789012:q",
            "arn:aws:sns:eu-west-1:123456789012:t",
            "arn:aws:s3:::acme-failures",
        ] {
            assert_eq!(check_any(ok), Ok(()), "{ok}");
        }
        assert!(
            check_no_bucket("arn:aws:s3:::acme")
                .unwrap_err()
                .contains("not of an SQS queue or SNS topic")
        );
        assert!(check_any("arn:aws:lambda:eu-west-1:123456789012:function:f").is_err());
        assert!(check_any("9lives").is_err());
    }
}
