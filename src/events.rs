//! What every source's sample events share: the region and account they
//! come from, fixed times and stable ids derived from the inputs, so output
//! is deterministic and can be committed and diffed. The events themselves
//! are built by each source (`crate::sources`).

use serde_json::{Map, Value};

use crate::errors::{CargoResult, user_error};

pub const DEFAULT_REGION: &str = "us-east-1";
pub const DEFAULT_ACCOUNT: &str = "123456789012";
/// 2024-01-01T12:00:00Z
pub const EPOCH: i64 = 1_704_110_400;

/// Where an event comes from, for ARNs and ids.
#[derive(Clone, Debug)]
pub struct Origin {
    pub region: String,
    pub account: String,
}

impl Default for Origin {
    fn default() -> Self {
        Origin {
            region: DEFAULT_REGION.into(),
            account: DEFAULT_ACCOUNT.into(),
        }
    }
}

/// A stable pseudo-random hex string from a seed (FNV-1a), for ids that
/// should look real but not change between runs.
pub fn hex_id(seed: &str, len: usize) -> String {
    let mut out = String::new();
    let mut round = 0u64;
    while out.len() < len {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ round;
        for b in seed.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
        round += 1;
    }
    out.truncate(len);
    out
}

/// 32 hex digits in a UUID's `8-4-4-4-12` groups.
pub fn hyphenated(h: &str) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A UUID-shaped id, stable for its seed.
pub fn uuid(seed: &str) -> String {
    hyphenated(&hex_id(seed, 32))
}

/// A UUID-shaped id with a version-4 UUID's fixed digits (`4` and `a`), as
/// Cognito `sub`s and SQS message ids have, stable for its seed.
pub fn uuid_v4(seed: &str) -> String {
    let h = hex_id(seed, 32);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// Decimal digits, stable for a seed.
pub fn digits(seed: &str, len: usize) -> String {
    hex_id(seed, len).bytes().map(|b| char::from(b'0' + (b % 10))).collect()
}

/// `{"a": 1}` → a JSON object, or a clear error naming the flag.
pub fn json_object(flag: &str, text: &str) -> CargoResult<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(user_error(
            format!("`{flag}` must be a JSON object, found `{other}`"),
            format!("e.g. `{flag} '{{\"id\": \"1\"}}'`"),
        )),
        Err(e) => Err(user_error(
            format!("`{flag}` is not valid JSON: {e}"),
            format!("e.g. `{flag} '{{\"id\": \"1\"}}'`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable() {
        assert_eq!(hex_id("a", 40), hex_id("a", 40));
        assert_ne!(hex_id("a", 16), hex_id("b", 16));
        assert_eq!(hex_id("a", 40).len(), 40);
        assert!(digits("x", 12).bytes().all(|b| b.is_ascii_digit()));
    }
}
