//! The operators a pattern puts on one value, and how each judges a leaf.

use std::net::IpAddr;

use super::value::{Leaf, numbers_equal};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Matcher {
    /// A plain value: `"running"`, `42`, `true`, `null`.
    Exact(Leaf),
    Prefix {
        value: String,
        ignore_case: bool,
    },
    Suffix {
        value: String,
        ignore_case: bool,
    },
    EqualsIgnoreCase(String),
    Wildcard(Wildcard),
    AnythingBut(AnythingBut),
    Numeric(Range),
    Exists(bool),
    Cidr(Cidr),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum AnythingBut {
    /// All strings or all numbers.
    Values(Vec<Leaf>),
    Prefixes(Vec<String>),
    Suffixes(Vec<String>),
    IgnoreCase(Vec<String>),
    Wildcards(Vec<Wildcard>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Bound {
    Unbounded,
    Inclusive(f64),
    Exclusive(f64),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Range {
    pub(crate) lower: Bound,
    pub(crate) upper: Bound,
}

impl Range {
    fn contains(&self, x: f64) -> bool {
        let above = match self.lower {
            Bound::Unbounded => true,
            Bound::Inclusive(b) => x >= b,
            Bound::Exclusive(b) => x > b,
        };
        let below = match self.upper {
            Bound::Unbounded => true,
            Bound::Inclusive(b) => x <= b,
            Bound::Exclusive(b) => x < b,
        };
        above && below
    }

    fn describe(&self) -> String {
        let num = |b: f64| format_number(b);
        match (self.lower, self.upper) {
            (Bound::Inclusive(a), Bound::Inclusive(b)) if a == b => format!("a number = {}", num(a)),
            (lower, upper) => {
                let mut parts = Vec::new();
                match lower {
                    Bound::Inclusive(a) => parts.push(format!(">= {}", num(a))),
                    Bound::Exclusive(a) => parts.push(format!("> {}", num(a))),
                    Bound::Unbounded => {}
                }
                match upper {
                    Bound::Inclusive(b) => parts.push(format!("<= {}", num(b))),
                    Bound::Exclusive(b) => parts.push(format!("< {}", num(b))),
                    Bound::Unbounded => {}
                }
                format!("a number {}", parts.join(" and "))
            }
        }
    }
}

fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// A `wildcard` string: `*` matches any run of characters (none included);
/// `\*` is a literal star and `\\` a literal backslash.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Wildcard {
    source: String,
    tokens: Vec<Token>,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Star,
    Byte(u8),
}

/// Why a wildcard string is rejected, with the character offset.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum WildcardError {
    ConsecutiveStars(usize),
    BadEscape(usize),
}

impl Wildcard {
    pub(crate) fn parse(source: &str) -> Result<Wildcard, WildcardError> {
        let bytes = source.as_bytes();
        let char_at = |byte: usize| source[..byte].chars().count();
        let mut tokens = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'*' => {
                    if bytes.get(i + 1) == Some(&b'*') {
                        return Err(WildcardError::ConsecutiveStars(char_at(i)));
                    }
                    tokens.push(Token::Star);
                }
                b'\\' => match bytes.get(i + 1) {
                    Some(&next @ (b'*' | b'\\')) => {
                        tokens.push(Token::Byte(next));
                        i += 1;
                    }
                    _ => return Err(WildcardError::BadEscape(char_at(i))),
                },
                b => tokens.push(Token::Byte(b)),
            }
            i += 1;
        }
        Ok(Wildcard {
            source: source.to_string(),
            tokens,
        })
    }

    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    /// Glob matching with single-star backtracking (linear in practice).
    pub(crate) fn matches(&self, text: &str) -> bool {
        let t = text.as_bytes();
        let p = &self.tokens;
        let (mut ti, mut pi) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while ti < t.len() {
            match p.get(pi) {
                Some(Token::Byte(b)) if *b == t[ti] => {
                    ti += 1;
                    pi += 1;
                }
                Some(Token::Star) => {
                    star = Some((pi, ti));
                    pi += 1;
                }
                _ => match star {
                    Some((sp, st)) => {
                        pi = sp + 1;
                        ti = st + 1;
                        star = Some((sp, st + 1));
                    }
                    None => return false,
                },
            }
        }
        p[pi..].iter().all(|t| *t == Token::Star)
    }
}

/// A `cidr` block.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cidr {
    source: String,
    network: IpAddr,
    bits: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/24` or `2001:db8::/64`; the error is the message.
    /// AWS's matcher takes at most 31 mask bits for IPv4 and 127 for IPv6
    /// (a single address is written as a plain value instead).
    pub(crate) fn parse(source: &str) -> Result<Cidr, String> {
        let Some((ip, bits)) = source.split_once('/').filter(|(_, b)| !b.contains('/')) else {
            return Err(format!("`{source}` is not a CIDR block: it needs exactly one `/`"));
        };
        let bits: u8 = bits
            .parse()
            .map_err(|_| format!("the mask of `{source}` must be a whole number of bits"))?;
        let network: IpAddr = ip
            .parse()
            .map_err(|_| format!("`{ip}` is not an IPv4 or IPv6 address"))?;
        match network {
            IpAddr::V4(_) if bits > 31 => Err(format!("an IPv4 mask must be at most 31 bits, not {bits}")),
            IpAddr::V6(_) if bits > 127 => Err(format!("an IPv6 mask must be at most 127 bits, not {bits}")),
            _ => Ok(Cidr {
                source: source.to_string(),
                network,
                bits,
            }),
        }
    }

    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    fn contains(&self, ip: &IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.bits == 0 {
                    0
                } else {
                    u32::MAX << (32 - self.bits)
                };
                (u32::from(net) & mask) == (u32::from(*ip) & mask)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.bits == 0 {
                    0
                } else {
                    u128::MAX << (128 - self.bits)
                };
                (u128::from(net) & mask) == (u128::from(*ip) & mask)
            }
            _ => false,
        }
    }
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// Strings equal, or both IP addresses and the same address (AWS's matcher
/// compares IP-looking strings as addresses: `2001:db8::1` equals
/// `2001:0db8:0:0:0:0:0:1`).
fn strings_equal(pattern: &str, value: &str) -> bool {
    pattern == value
        || matches!(
            (pattern.parse::<IpAddr>(), value.parse::<IpAddr>()),
            (Ok(a), Ok(b)) if a == b
        )
}

fn exact(pattern: &Leaf, leaf: &Leaf) -> bool {
    match (pattern, leaf) {
        (Leaf::Str(p), Leaf::Str(v)) => strings_equal(p, v),
        (Leaf::Num(p), Leaf::Num(v)) => numbers_equal(p, v),
        (Leaf::Bool(p), Leaf::Bool(v)) => p == v,
        (Leaf::Null, Leaf::Null) => true,
        _ => false,
    }
}

impl Matcher {
    /// Whether this operator accepts the leaf. `exists` accepts any leaf
    /// when true and none when false (absence is judged by the caller).
    pub(crate) fn matches(&self, leaf: &Leaf) -> bool {
        let text = match leaf {
            Leaf::Str(s) => Some(s.as_str()),
            _ => None,
        };
        match self {
            Matcher::Exact(p) => exact(p, leaf),
            Matcher::Prefix { value, ignore_case } => text.is_some_and(|t| {
                if *ignore_case {
                    lower(t).starts_with(&lower(value))
                } else {
                    t.starts_with(value.as_str())
                }
            }),
            Matcher::Suffix { value, ignore_case } => text.is_some_and(|t| {
                if *ignore_case {
                    lower(t).ends_with(&lower(value))
                } else {
                    t.ends_with(value.as_str())
                }
            }),
            Matcher::EqualsIgnoreCase(p) => text.is_some_and(|t| lower(t) == lower(p)),
            Matcher::Wildcard(w) => text.is_some_and(|t| w.matches(t)),
            Matcher::AnythingBut(but) => !match but {
                AnythingBut::Values(values) => values.iter().any(|v| exact(v, leaf)),
                AnythingBut::Prefixes(ps) => text.is_some_and(|t| ps.iter().any(|p| t.starts_with(p.as_str()))),
                AnythingBut::Suffixes(ss) => text.is_some_and(|t| ss.iter().any(|s| t.ends_with(s.as_str()))),
                AnythingBut::IgnoreCase(vs) => text.is_some_and(|t| vs.iter().any(|v| lower(v) == lower(t))),
                AnythingBut::Wildcards(ws) => text.is_some_and(|t| ws.iter().any(|w| w.matches(t))),
            },
            Matcher::Numeric(range) => match leaf {
                Leaf::Num(n) => n.as_f64().is_some_and(|x| range.contains(x)),
                _ => false,
            },
            Matcher::Exists(present) => *present,
            Matcher::Cidr(cidr) => text
                .and_then(|t| t.parse::<IpAddr>().ok())
                .is_some_and(|ip| cidr.contains(&ip)),
        }
    }
}

fn quoted(s: &str) -> String {
    format!("`{}`", Leaf::Str(s.to_string()).render())
}

fn list(items: &[String]) -> String {
    items.join(", ")
}

/// What a list of operators asks for, in words: ``one of `"create"` or a
/// string starting with `"up"` ``.
pub(crate) fn describe(matchers: &[Matcher]) -> String {
    let exact: Vec<String> = matchers
        .iter()
        .filter_map(|m| match m {
            Matcher::Exact(leaf) => Some(format!("`{}`", leaf.render())),
            _ => None,
        })
        .collect();
    let mut parts = Vec::new();
    if !exact.is_empty() {
        parts.push(format!("one of {}", list(&exact)));
    }
    for m in matchers {
        let case = |ignore: bool| if ignore { " in any case" } else { "" };
        parts.push(match m {
            Matcher::Exact(_) => continue,
            Matcher::Prefix { value, ignore_case } => {
                format!("a string starting with {}{}", quoted(value), case(*ignore_case))
            }
            Matcher::Suffix { value, ignore_case } => {
                format!("a string ending with {}{}", quoted(value), case(*ignore_case))
            }
            Matcher::EqualsIgnoreCase(v) => format!("{} in any case", quoted(v)),
            Matcher::Wildcard(w) => format!("a string matching {}", quoted(w.source())),
            Matcher::AnythingBut(but) => match but {
                AnythingBut::Values(vs) => {
                    let vs: Vec<String> = vs.iter().map(|v| format!("`{}`", v.render())).collect();
                    format!("anything but {}", list(&vs))
                }
                AnythingBut::Prefixes(ps) => format!(
                    "anything but a string starting with {}",
                    list(&ps.iter().map(|p| quoted(p)).collect::<Vec<_>>())
                ),
                AnythingBut::Suffixes(ss) => format!(
                    "anything but a string ending with {}",
                    list(&ss.iter().map(|s| quoted(s)).collect::<Vec<_>>())
                ),
                AnythingBut::IgnoreCase(vs) => format!(
                    "anything but {} in any case",
                    list(&vs.iter().map(|v| quoted(v)).collect::<Vec<_>>())
                ),
                AnythingBut::Wildcards(ws) => format!(
                    "anything but a string matching {}",
                    list(&ws.iter().map(|w| quoted(w.source())).collect::<Vec<_>>())
                ),
            },
            Matcher::Numeric(range) => range.describe(),
            Matcher::Exists(true) => "the key to be present".to_string(),
            Matcher::Exists(false) => "the key to be absent".to_string(),
            Matcher::Cidr(c) => format!("an IP address in `{}`", c.source()),
        });
    }
    parts.join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Leaf {
        Leaf::Str(v.to_string())
    }
    fn n(v: &str) -> Leaf {
        Leaf::Num(serde_json::from_str(v).unwrap())
    }

    #[test]
    fn wildcards_match_like_globs() {
        let w = |p: &str| Wildcard::parse(p).unwrap();
        assert!(w("*.png").matches("a/b.png"));
        assert!(w("*.png").matches(".png"));
        assert!(!w("*.png").matches("a.PNG"));
        assert!(w("/Users/*/doc.txt").matches("/Users/ls_user/dir/dir/doc.txt"));
        assert!(!w("/Users/*/doc.txt").matches("/Users/ls_user/dir/notmatchingdoc.txt.bak"));
        assert!(w("a*b*c").matches("abc"));
        assert!(w("a*b*c").matches("aXbYbZc"));
        assert!(!w("a*b*c").matches("aXbYbZ"));
        assert!(w("").matches(""));
        assert!(!w("").matches("x"));
        assert!(w(r"a\*b").matches("a*b"));
        assert!(!w(r"a\*b").matches("axb"));
        assert!(w(r"a\\b").matches(r"a\b"));
        assert_eq!(Wildcard::parse("ab**"), Err(WildcardError::ConsecutiveStars(2)));
        assert_eq!(Wildcard::parse(r"a\b"), Err(WildcardError::BadEscape(1)));
        assert_eq!(Wildcard::parse("é\\"), Err(WildcardError::BadEscape(1)));
    }

    #[test]
    fn cidr_blocks() {
        let c = Cidr::parse("10.0.0.0/24").unwrap();
        assert!(Matcher::Cidr(c.clone()).matches(&s("10.0.0.255")));
        assert!(!Matcher::Cidr(c.clone()).matches(&s("10.0.1.0")));
        assert!(!Matcher::Cidr(c.clone()).matches(&s("10.0.0.256")));
        assert!(!Matcher::Cidr(c).matches(&n("10")));
        let v6 = Cidr::parse("2001:db8:1234:1a00::/64").unwrap();
        assert!(Matcher::Cidr(v6.clone()).matches(&s("2001:0db8:1234:1a00:0000:0000:0000:0000")));
        assert!(!Matcher::Cidr(v6).matches(&s("2001:0db8:123f:1a01::")));
        assert!(Cidr::parse("bad-filter").unwrap_err().contains("exactly one `/`"));
        assert!(Cidr::parse("bad-/64filter").unwrap_err().contains("whole number"));
        assert!(Cidr::parse("xx.11.xx/8").unwrap_err().contains("not an IPv4 or IPv6"));
        assert!(Cidr::parse("10.0.0.1/32").unwrap_err().contains("at most 31"));
        assert!(Cidr::parse("10.0.0.0/31").is_ok());
        assert!(Cidr::parse("::/127").is_ok());
        assert!(Cidr::parse("::/128").is_err());
    }

    #[test]
    fn value_types_matter() {
        let prefix = Matcher::Prefix {
            value: "12".into(),
            ignore_case: false,
        };
        assert!(prefix.matches(&s("123")));
        assert!(!prefix.matches(&n("123")));
        let but = Matcher::AnythingBut(AnythingBut::Prefixes(vec!["init".into()]));
        assert!(but.matches(&n("12")));
        assert!(but.matches(&Leaf::Null));
        assert!(!but.matches(&s("init-x")));
        let but_num = Matcher::AnythingBut(AnythingBut::Values(vec![n("123")]));
        assert!(!but_num.matches(&n("123.0")));
        assert!(but_num.matches(&s("123")));
        assert!(Matcher::Exact(n("300")).matches(&n("300.0")));
        assert!(!Matcher::Exact(s("300")).matches(&n("300")));
        assert!(Matcher::Exact(s("2001:db8::1")).matches(&s("2001:0db8:0:0:0:0:0:1")));
        assert!(Matcher::EqualsIgnoreCase("alice".into()).matches(&s("ALICE")));
        let range = Matcher::Numeric(Range {
            lower: Bound::Exclusive(0.0),
            upper: Bound::Inclusive(5.0),
        });
        assert!(range.matches(&n("5")));
        assert!(!range.matches(&n("0")));
        assert!(!range.matches(&s("3")));
    }

    #[test]
    fn descriptions_read_as_words() {
        assert_eq!(
            describe(&[Matcher::Exact(s("create")), Matcher::Exact(s("update"))]),
            r#"one of `"create"`, `"update"`"#
        );
        assert_eq!(
            describe(&[
                Matcher::Prefix {
                    value: "us-".into(),
                    ignore_case: false
                },
                Matcher::Numeric(Range {
                    lower: Bound::Exclusive(0.0),
                    upper: Bound::Inclusive(5.5)
                }),
                Matcher::Exists(false)
            ]),
            r#"a string starting with `"us-"` or a number > 0 and <= 5.5 or the key to be absent"#
        );
        assert_eq!(
            describe(&[Matcher::Numeric(Range {
                lower: Bound::Inclusive(100.0),
                upper: Bound::Inclusive(100.0)
            })]),
            "a number = 100"
        );
    }
}
