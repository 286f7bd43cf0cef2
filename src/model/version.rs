//! Versions as cargo writes them: the partial version of a package spec
//! (`-p NAME@1.2`), and the lowest version a requirement allows (its floor,
//! what a workspace without a newer lock entry is sure to build with).

use std::fmt;

use semver::{Op, Prerelease};
pub use semver::{Version, VersionReq};

/// `1`, `1.2` or `1.2.3` (with a pre-release, `1.2.3-rc.1`), as a package
/// spec `NAME@VERSION` names one: the parts given must match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialVersion {
    major: u64,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: Option<Prerelease>,
}

impl PartialVersion {
    pub fn parse(text: &str) -> Result<PartialVersion, String> {
        if let Ok(v) = Version::parse(text) {
            return Ok(PartialVersion {
                major: v.major,
                minor: Some(v.minor),
                patch: Some(v.patch),
                pre: (!v.pre.is_empty()).then_some(v.pre),
            });
        }
        let bad = || format!("`{text}` is not a version such as `1`, `1.2` or `1.2.3`");
        let number = |s: &str| {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                Err(bad())
            } else {
                s.parse::<u64>().map_err(|_| bad())
            }
        };
        let parts: Vec<&str> = text.split('.').collect();
        match parts[..] {
            [major] => Ok(PartialVersion {
                major: number(major)?,
                minor: None,
                patch: None,
                pre: None,
            }),
            [major, minor] => Ok(PartialVersion {
                major: number(major)?,
                minor: Some(number(minor)?),
                patch: None,
                pre: None,
            }),
            _ => Err(bad()),
        }
    }

    /// Does `v` have the parts given (as cargo matches a spec's version)?
    pub fn matches(&self, v: &Version) -> bool {
        self.major == v.major
            && self.minor.is_none_or(|m| m == v.minor)
            && self.patch.is_none_or(|p| p == v.patch)
            && self.pre.as_ref().is_none_or(|p| *p == v.pre)
    }
}

impl fmt::Display for PartialVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.major)?;
        if let Some(m) = self.minor {
            write!(f, ".{m}")?;
        }
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        Ok(())
    }
}

/// The lowest version `req` allows: `0.11.3` for `"0.11.3"` (caret),
/// `1.5.0` for `">=1.5, <2"` or `"~1.5"`, `1.6.0` for `">1.5"`, `0.0.0` for
/// `"*"` or an upper bound alone.
pub fn floor(req: &VersionReq) -> Version {
    let mut out = Version::new(0, 0, 0);
    for c in &req.comparators {
        let named = Version {
            major: c.major,
            minor: c.minor.unwrap_or(0),
            patch: c.patch.unwrap_or(0),
            pre: c.pre.clone(),
            build: semver::BuildMetadata::EMPTY,
        };
        let low = match c.op {
            Op::Greater => match (c.minor, c.patch) {
                (None, _) => Version::new(c.major + 1, 0, 0),
                (Some(m), None) => Version::new(c.major, m + 1, 0),
                (Some(m), Some(p)) => Version::new(c.major, m, p + 1),
            },
            Op::Less | Op::LessEq => continue,
            // Exact, `>=`, `~`, `^` and wildcards start at the version named.
            _ => named,
        };
        if low > out {
            out = low;
        }
    }
    out
}

/// `1.5` for 1.5.0, `0.11.3` otherwise: a version as short as it reads.
pub fn short(v: &Version) -> String {
    if v.patch == 0 && v.pre.is_empty() {
        format!("{}.{}", v.major, v.minor)
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn partial_versions_match_the_parts_given() {
        let p = |s: &str| PartialVersion::parse(s).unwrap();
        assert!(p("0").matches(&v("0.1.0")));
        assert!(p("0.1").matches(&v("0.1.7")));
        assert!(p("0.1.0").matches(&v("0.1.0")));
        assert!(!p("0.1.1").matches(&v("0.1.0")));
        assert!(!p("9.9.9").matches(&v("0.1.0")));
        assert!(p("1.0.0-rc.1").matches(&v("1.0.0-rc.1")));
        assert!(!p("1.0.0-rc.1").matches(&v("1.0.0")));
        for bad in ["", "^1", "1.x", "1.2.3.4", "v1", "1..2", "-1"] {
            assert!(PartialVersion::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(p("1.2").to_string(), "1.2");
    }

    #[test]
    fn floors() {
        let f = |s: &str| floor(&VersionReq::parse(s).unwrap());
        assert_eq!(f("0.11.3"), v("0.11.3"));
        assert_eq!(f("1.5"), v("1.5.0"));
        assert_eq!(f("=0.15.1"), v("0.15.1"));
        assert_eq!(f(">=1.2, <2"), v("1.2.0"));
        assert_eq!(f("~1.5"), v("1.5.0"));
        assert_eq!(f(">1.5"), v("1.6.0"));
        assert_eq!(f(">1.5.2"), v("1.5.3"));
        assert_eq!(f("*"), v("0.0.0"));
        assert_eq!(f("<2"), v("0.0.0"));
        assert_eq!(short(&v("1.5.0")), "1.5");
        assert_eq!(short(&v("0.11.3")), "0.11.3");
    }
}
