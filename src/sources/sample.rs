//! What a source's sample-event hooks work with: the request of `cargo
//! trigger event` (its kind, the source's field flags, `--records`, and the
//! crate of `--for`), and the flags as data. The shared helpers (fixed
//! times, stable ids) are in `crate::events`.

use crate::errors::{CargoResult, user_error};
use crate::events::Origin;
use crate::model::arn::Arn;
use crate::model::{Binding, Resource, Target};
use crate::workspace::TriggerMeta;

/// The most records `--records` asks for: 10000, the largest batch an event
/// source mapping hands a function (Kinesis and DynamoDB streams). A count
/// is checked before anything is built, so a typo cannot ask for gigabytes.
pub const MAX_RECORDS: usize = 10_000;

/// Refuse a `--records` count outside 1 to [`MAX_RECORDS`].
pub fn check_records(n: usize) -> CargoResult<()> {
    if (1..=MAX_RECORDS).contains(&n) {
        return Ok(());
    }
    Err(user_error(
        format!("`--records {n}` is out of range"),
        format!("a sample event has 1 to {MAX_RECORDS} records, the largest batch a stream delivers"),
    ))
}

/// A field flag of `cargo trigger event` (`--bucket NAME`).
#[derive(Clone, Copy, Debug)]
pub struct EventFlag {
    /// `bucket` → `--bucket`
    pub name: &'static str,
    pub value_name: &'static str,
    pub help: &'static str,
    /// Repeatable (`--data A --data B`).
    pub repeat: bool,
}

impl EventFlag {
    pub const fn new(name: &'static str, value_name: &'static str, help: &'static str) -> Self {
        EventFlag {
            name,
            value_name,
            help,
            repeat: false,
        }
    }

    pub const fn repeat(mut self) -> Self {
        self.repeat = true;
        self
    }
}

/// The field flags given, by name.
#[derive(Clone, Debug, Default)]
pub struct EventFlags(pub Vec<(String, Vec<String>)>);

impl EventFlags {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.all(name).last().map(String::as_str)
    }

    pub fn all(&self, name: &str) -> &[String] {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    pub fn push(&mut self, name: &str, value: String) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => v.push(value),
            None => self.0.push((name.to_string(), vec![value])),
        }
    }
}

/// The crate of `--for`: its metadata, first binding and that binding's
/// declared resource.
#[derive(Clone, Copy)]
pub struct CrateSample<'a> {
    pub name: &'a str,
    pub trigger: &'a TriggerMeta,
    pub binding: Option<&'a Binding>,
    pub resource: Option<&'a Resource>,
}

/// What `cargo trigger event` (and `invoke`) asks a source for.
pub struct EventRequest<'a> {
    /// `put`, `insert`, `PreSignUp_SignUp`, … (`None`: the default kind).
    pub kind: Option<&'a str>,
    pub flags: &'a EventFlags,
    pub records: Option<usize>,
    pub origin: &'a Origin,
    pub from_crate: Option<CrateSample<'a>>,
}

impl<'a> EventRequest<'a> {
    /// The name the crate's binding points at: the ARN's resource name, the
    /// resource's physical name, else `fallback(declared name)`.
    pub fn crate_target_name(&self, fallback: impl FnOnce(&str) -> String) -> Option<String> {
        let c = self.from_crate.as_ref()?;
        let b = c.binding?;
        match &b.target {
            Target::Arn(a) => return Some(a.resource_name().to_string()),
            Target::Default => return None,
            Target::Resource(_) => {}
        }
        let name = b.target.label();
        Some(match c.resource {
            Some(r) => match &r.arn {
                Some(a) => a.resource_name().to_string(),
                None => r.physical_name.clone().unwrap_or_else(|| fallback(name)),
            },
            None => name.to_string(),
        })
    }

    /// The crate's binding's ARN (the binding's own, or its resource's).
    pub fn crate_arn(&self) -> Option<&'a Arn> {
        let c = self.from_crate?;
        let b = c.binding?;
        match &b.target {
            Target::Arn(a) => Some(a),
            _ => c.resource.and_then(|r| r.arn.as_ref()),
        }
    }

    /// How many records: `--records` (checked by [`check_records`]), else
    /// `default` (at least one).
    pub fn count(&self, default: usize) -> usize {
        self.records.unwrap_or(default).max(1)
    }
}
