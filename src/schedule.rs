//! EventBridge Scheduler schedules: `rate(…)`, `cron(…)` and `at(…)`
//! expressions, the IANA time zone they run in, and the flexible time
//! window; validated as Scheduler documents them, with errors that point at
//! the bad field, and the next times a schedule fires.
//!
//! Rules, from Scheduler's and EventBridge's schedule pages:
//! - `rate(value unit)`: a positive whole number, one space, and `minute`,
//!   `hour` or `day`, singular for 1 and plural otherwise (`rate(1 hour)`,
//!   `rate(5 hours)`); nothing else inside the parentheses.
//! - `cron(minutes hours day-of-month month day-of-week year)`: six fields
//!   separated by spaces. Minutes 0-59, hours 0-23, day-of-month 1-31,
//!   month 1-12 or `JAN`-`DEC`, day-of-week 1-7 or `SUN`-`SAT` (1 is
//!   Sunday), year 1970-2199. `,` lists, `-` ranges (which may wrap, like
//!   `20-2` in hours), `*` every value, `/` steps (`0/15`, `*/10`,
//!   `1-31/30`). Exactly one of day-of-month and day-of-week is `?`.
//!   Day-of-month also takes `L` (last day), `LW` (last weekday) and `15W`
//!   (the weekday nearest the 15th); day-of-week takes `L` (Saturday), `6L`
//!   (the last Friday) and `3#2` (the second Tuesday), and a `#` must be the
//!   field's only expression.
//! - `at(yyyy-mm-ddThh:mm:ss)`: a real date and time, with no zone suffix
//!   (the schedule's time zone applies).
//!
//! Choices where AWS says nothing: month and day names are accepted in any
//! case; a year range may not wrap; `L`, `W` and `#` stand alone in their
//! field (`1,L` is refused); in time zones with daylight saving, a local
//! time that does not exist is skipped and one that occurs twice fires at
//! its first occurrence; a rate fires one period after `after`, then every
//! period.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// Most characters in a schedule expression.
pub const MAX_EXPRESSION_LENGTH: usize = 256;
/// Longest flexible time window, in minutes.
pub const MAX_FLEXIBLE_WINDOW_MINUTES: u32 = 1440;

/// A parsed schedule expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ScheduleExpression {
    Rate {
        value: u32,
        unit: RateUnit,
    },
    Cron(Cron),
    /// A one-time schedule, in the schedule's time zone.
    At(NaiveDateTime),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateUnit {
    Minute,
    Hour,
    Day,
}

impl RateUnit {
    fn minutes(self) -> i64 {
        match self {
            RateUnit::Minute => 1,
            RateUnit::Hour => 60,
            RateUnit::Day => 24 * 60,
        }
    }
}

/// A six-field cron expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Cron {
    minutes: Values,
    hours: Values,
    day_of_month: DayOfMonth,
    months: Values,
    day_of_week: DayOfWeek,
    years: Values,
}

/// Which values of a field are in: `bits[v - min]`.
#[derive(Clone, Debug, PartialEq)]
struct Values {
    min: u32,
    bits: Vec<bool>,
}

impl Values {
    fn contains(&self, v: u32) -> bool {
        v >= self.min && self.bits.get((v - self.min) as usize).copied().unwrap_or(false)
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits
            .iter()
            .enumerate()
            .filter(|(_, b)| **b)
            .map(move |(i, _)| self.min + i as u32)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum DayOfMonth {
    Any,
    Days(Values),
    Last,
    LastWeekday,
    NearestWeekday(u32),
}

#[derive(Clone, Debug, PartialEq)]
enum DayOfWeek {
    Any,
    /// 1 = Sunday … 7 = Saturday.
    Days(Values),
    /// The last such weekday of the month (`6L`).
    Last(u32),
    /// The nth such weekday of the month (`3#2`).
    Nth(u32, u32),
}

/// A schedule expression, time zone or window that Scheduler would reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleError {
    /// What was read: a schedule expression, a time zone, a window mode.
    pub what: &'static str,
    /// The text as given.
    pub input: String,
    /// What is wrong.
    pub message: String,
    /// The characters at fault (byte ranges into `input`), for carets.
    pub spans: Vec<std::ops::Range<usize>>,
    /// How to fix it.
    pub help: String,
}

impl ScheduleError {
    fn new(what: &'static str, input: &str, message: impl Into<String>, help: impl Into<String>) -> Self {
        ScheduleError {
            what,
            input: input.to_string(),
            message: message.into(),
            spans: Vec::new(),
            help: help.into(),
        }
    }

    fn at(mut self, span: std::ops::Range<usize>) -> Self {
        self.spans.push(span);
        self
    }

    /// The project's user error (message plus `help:` line).
    pub fn into_user_error(self) -> anyhow::Error {
        let help = self.help.clone();
        crate::errors::user_error(self.to_string(), help)
    }
}

impl fmt::Display for ScheduleError {
    /// ```text
    /// invalid schedule expression: day-of-month and day-of-week can't both be set
    ///   cron(0 12 * * * *)
    ///             ^   ^
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.spans.is_empty() {
            return write!(f, "invalid {} `{}`: {}", self.what, self.input, self.message);
        }
        write!(f, "invalid {}: {}\n  {}\n  ", self.what, self.message, self.input)?;
        let width = |s: &str| s.chars().count();
        let mut line = String::new();
        let mut spans = self.spans.clone();
        spans.sort_by_key(|s| s.start);
        for span in spans {
            let start = width(&self.input[..span.start.min(self.input.len())]);
            let len = width(&self.input[span.start.min(self.input.len())..span.end.min(self.input.len())]).max(1);
            while line.chars().count() < start {
                line.push(' ');
            }
            line.extend(std::iter::repeat_n('^', len));
        }
        f.write_str(&line)
    }
}

impl std::error::Error for ScheduleError {}

const WHAT: &str = "schedule expression";

const FORMS_HELP: &str = "write `rate(5 minutes)`, `cron(0 12 * * ? *)` or `at(2030-01-31T09:00:00)`";

impl FromStr for ScheduleExpression {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

/// Validates `text` as Scheduler's `ScheduleExpression`.
pub fn parse(text: &str) -> Result<ScheduleExpression, ScheduleError> {
    let err = |message: String, help: &str| ScheduleError::new(WHAT, text, message, help);
    if text.chars().count() > MAX_EXPRESSION_LENGTH {
        return Err(err(
            format!(
                "it is {} characters; Scheduler allows {MAX_EXPRESSION_LENGTH}",
                text.chars().count()
            ),
            "shorten the lists in the expression",
        ));
    }
    let trimmed = text.trim();
    if trimmed.len() != text.len() && !trimmed.is_empty() {
        let start = text.len() - text.trim_start().len();
        let mut e = err("spaces around the expression are not allowed".into(), "remove them");
        if start > 0 {
            e = e.at(0..start);
        }
        if trimmed.len() + start < text.len() {
            e = e.at(start + trimmed.len()..text.len());
        }
        return Err(e);
    }
    let Some(open) = text.find('(') else {
        return Err(err(
            "it is not a `rate(…)`, `cron(…)` or `at(…)` expression".into(),
            FORMS_HELP,
        ));
    };
    if !text.ends_with(')') {
        let last = text.char_indices().last().map_or(0, |(i, _)| i);
        return Err(err("the expression must end with `)`".into(), FORMS_HELP).at(last..text.len()));
    }
    let inner = &text[open + 1..text.len() - 1];
    let offset = open + 1;
    match &text[..open] {
        "rate" => parse_rate(text, inner, offset),
        "cron" => parse_cron(text, inner, offset).map(ScheduleExpression::Cron),
        "at" => parse_at(text, inner, offset),
        other => Err(err(format!("`{other}` is not a kind of schedule"), FORMS_HELP).at(0..open)),
    }
}

fn parse_rate(text: &str, inner: &str, offset: usize) -> Result<ScheduleExpression, ScheduleError> {
    let err = |message: String, help: &str| ScheduleError::new(WHAT, text, message, help);
    let help = "write a whole number and a unit, e.g. `rate(5 minutes)`, `rate(1 hour)` or `rate(2 days)`";
    let whole = offset..offset + inner.len();
    if inner.trim().is_empty() {
        return Err(err("a rate needs a value and a unit".into(), help).at(whole));
    }
    if inner.starts_with(' ') || inner.ends_with(' ') {
        return Err(err("no spaces are allowed just inside the parentheses".into(), help).at(whole));
    }
    let Some((value, unit)) = inner.split_once(' ') else {
        return Err(err("a rate needs a value and a unit, separated by one space".into(), help).at(whole));
    };
    let value_span = offset..offset + value.len();
    let unit_span = offset + value.len() + 1..offset + inner.len();
    if unit.starts_with(' ') {
        return Err(err("put exactly one space between the value and the unit".into(), help).at(unit_span));
    }
    let number: u32 = match value.parse() {
        Ok(n) if n > 0 && value.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => {
            return Err(err(format!("`{value}` is not a positive whole number"), help).at(value_span));
        }
    };
    let (unit_kind, plural) = match unit {
        "minute" => (RateUnit::Minute, false),
        "minutes" => (RateUnit::Minute, true),
        "hour" => (RateUnit::Hour, false),
        "hours" => (RateUnit::Hour, true),
        "day" => (RateUnit::Day, false),
        "days" => (RateUnit::Day, true),
        other => {
            let help = if other.starts_with("second") {
                "the shortest rate is `rate(1 minute)`".to_string()
            } else {
                "use `minute`, `minutes`, `hour`, `hours`, `day` or `days`; for weeks or months, use `cron(…)`"
                    .to_string()
            };
            return Err(err(format!("`{other}` is not a rate unit"), &help).at(unit_span));
        }
    };
    let singular = unit.trim_end_matches('s');
    if number == 1 && plural {
        return Err(err(
            format!("a rate of 1 takes the singular unit `{singular}`"),
            &format!("write `rate(1 {singular})`"),
        )
        .at(unit_span));
    }
    if number > 1 && !plural {
        return Err(err(
            format!("a rate of {number} takes the plural unit `{unit}s`"),
            &format!("write `rate({number} {unit}s)`"),
        )
        .at(unit_span));
    }
    Ok(ScheduleExpression::Rate {
        value: number,
        unit: unit_kind,
    })
}

fn parse_at(text: &str, inner: &str, offset: usize) -> Result<ScheduleExpression, ScheduleError> {
    let span = offset..offset + inner.len();
    let help = "write the local date and time as `at(yyyy-mm-ddThh:mm:ss)`, e.g. `at(2030-01-31T09:00:00)`; the schedule's time zone applies";
    let err = |message: String| ScheduleError::new(WHAT, text, message, help).at(span.clone());
    let shaped = inner.len() == 19
        && inner.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        if inner.ends_with('Z') || inner.contains('+') {
            return Err(err("`at` takes a local time without a zone suffix".into()));
        }
        return Err(err(format!("`{inner}` is not a date and time `yyyy-mm-ddThh:mm:ss`")));
    }
    NaiveDateTime::parse_from_str(inner, "%Y-%m-%dT%H:%M:%S")
        .map(ScheduleExpression::At)
        .map_err(|_| err(format!("`{inner}` is not a real date and time")))
}

/// One cron field: its name, the values it takes, and its place in the text.
struct FieldSpec {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    wraps: bool,
}

const MINUTES: FieldSpec = FieldSpec {
    name: "minutes",
    min: 0,
    max: 59,
    names: &[],
    wraps: true,
};
const HOURS: FieldSpec = FieldSpec {
    name: "hours",
    min: 0,
    max: 23,
    names: &[],
    wraps: true,
};
const DAY_OF_MONTH: FieldSpec = FieldSpec {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
    wraps: true,
};
const MONTH: FieldSpec = FieldSpec {
    name: "month",
    min: 1,
    max: 12,
    names: &[
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ],
    wraps: true,
};
const DAY_OF_WEEK: FieldSpec = FieldSpec {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    wraps: true,
};
const YEAR: FieldSpec = FieldSpec {
    name: "year",
    min: 1970,
    max: 2199,
    names: &[],
    wraps: false,
};

struct Field<'a> {
    text: &'a str,
    start: usize,
}

impl Field<'_> {
    fn span(&self) -> std::ops::Range<usize> {
        self.start..self.start + self.text.len()
    }
}

fn parse_cron(text: &str, inner: &str, offset: usize) -> Result<Cron, ScheduleError> {
    let mut fields = Vec::new();
    let mut pos = 0;
    for part in inner.split(' ') {
        if !part.is_empty() {
            fields.push(Field {
                text: part,
                start: offset + pos,
            });
        }
        pos += part.len() + 1;
    }
    let order = "minutes hours day-of-month month day-of-week year";
    if fields.len() != 6 {
        let mut e = ScheduleError::new(
            WHAT,
            text,
            format!(
                "a cron expression has six fields ({order}), this one has {}",
                fields.len()
            ),
            "e.g. `cron(0 12 * * ? *)` runs at 12:00 every day; the sixth field is the year (`*` for every year)",
        );
        e = e.at(offset..offset + inner.len().max(1));
        return Err(e);
    }
    let ctx = CronCtx { text };
    let minutes = ctx.values(&fields[0], &MINUTES)?;
    let hours = ctx.values(&fields[1], &HOURS)?;
    let months = ctx.values(&fields[3], &MONTH)?;
    let years = ctx.values(&fields[5], &YEAR)?;
    let (dom, dow) = (&fields[2], &fields[4]);
    match (dom.text == "?", dow.text == "?") {
        (false, false) => {
            return Err(ScheduleError::new(
                WHAT,
                text,
                "day-of-month and day-of-week can't both be set: one of them must be `?`",
                format!(
                    "keep the one you mean and put `?` in the other, e.g. `cron({} {} {} {} ? {})` or `cron({} {} ? {} {} {})`",
                    fields[0].text, fields[1].text, dom.text, fields[3].text, fields[5].text,
                    fields[0].text, fields[1].text, fields[3].text, dow.text, fields[5].text
                ),
            )
            .at(dom.span())
            .at(dow.span()));
        }
        (true, true) => {
            return Err(ScheduleError::new(
                WHAT,
                text,
                "day-of-month and day-of-week are both `?`: exactly one of them must be",
                "put `*` in one of them to run every day",
            )
            .at(dom.span())
            .at(dow.span()));
        }
        _ => {}
    }
    let day_of_month = if dom.text == "?" {
        DayOfMonth::Any
    } else {
        ctx.day_of_month(dom)?
    };
    let day_of_week = if dow.text == "?" {
        DayOfWeek::Any
    } else {
        ctx.day_of_week(dow)?
    };
    Ok(Cron {
        minutes,
        hours,
        day_of_month,
        months,
        day_of_week,
        years,
    })
}

struct CronCtx<'a> {
    text: &'a str,
}

impl CronCtx<'_> {
    fn error(&self, span: std::ops::Range<usize>, message: String, help: impl Into<String>) -> ScheduleError {
        ScheduleError::new(WHAT, self.text, message, help).at(span)
    }

    fn range_help(spec: &FieldSpec) -> String {
        let names = if spec.names.is_empty() {
            String::new()
        } else {
            format!(" or `{}`-`{}`", spec.names[0], spec.names[spec.names.len() - 1])
        };
        format!(
            "{} takes {}-{}{names}, with `,` lists, `-` ranges, `*` and `/` steps",
            spec.name, spec.min, spec.max
        )
    }

    /// A single value: a number or a name.
    fn value(&self, spec: &FieldSpec, text: &str, span: std::ops::Range<usize>) -> Result<u32, ScheduleError> {
        let v = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<u32>().unwrap_or(u32::MAX)
        } else if let Some(i) = spec.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
            spec.min + i as u32
        } else {
            let message = match text {
                "?" => format!("`?` must be the whole {} field", spec.name),
                "L" | "W" | "#" => format!("`{text}` can't be used in {}", spec.name),
                _ if text.contains('L') || text.contains('W') || text.contains('#') => {
                    format!("`{text}` can't be used in {}", spec.name)
                }
                _ => format!("`{text}` is not a value of {}", spec.name),
            };
            return Err(self.error(span, message, Self::range_help(spec)));
        };
        if v < spec.min || v > spec.max {
            return Err(self.error(
                span,
                format!("{v} is out of range for {} ({}-{})", spec.name, spec.min, spec.max),
                Self::range_help(spec),
            ));
        }
        Ok(v)
    }

    fn values(&self, field: &Field<'_>, spec: &FieldSpec) -> Result<Values, ScheduleError> {
        let mut bits = vec![false; (spec.max - spec.min + 1) as usize];
        let mut pos = field.start;
        for item in field.text.split(',') {
            let span = pos..pos + item.len();
            pos += item.len() + 1;
            if item.is_empty() {
                return Err(self.error(
                    span.start.saturating_sub(1)..span.start + 1,
                    format!("an empty item in {}", spec.name),
                    Self::range_help(spec),
                ));
            }
            let (base, step) = match item.split_once('/') {
                Some((base, step)) => {
                    let step_span = span.start + base.len() + 1..span.end;
                    let n: u32 = step
                        .parse()
                        .ok()
                        .filter(|n| *n > 0 && step.bytes().all(|b| b.is_ascii_digit()))
                        .ok_or_else(|| {
                            self.error(
                                step_span,
                                format!("the step `{step}` is not a positive whole number"),
                                "write e.g. `0/15` (every 15 from 0) or `*/10`",
                            )
                        })?;
                    (base, Some(n))
                }
                None => (item, None),
            };
            let base_span = span.start..span.start + base.len();
            let (from, to) = if base == "*" {
                (spec.min, spec.max)
            } else if let Some((a, b)) = base.split_once('-') {
                let a_span = base_span.start..base_span.start + a.len();
                let b_span = a_span.end + 1..base_span.end;
                (self.value(spec, a, a_span)?, self.value(spec, b, b_span)?)
            } else {
                let v = self.value(spec, base, base_span.clone())?;
                (v, if step.is_some() { spec.max } else { v })
            };
            if from > to && !spec.wraps {
                return Err(self.error(
                    base_span,
                    format!("the range {base} runs backwards"),
                    format!("write the smaller {} first", spec.name),
                ));
            }
            // Walk from `from` to `to`, wrapping past the maximum if needed.
            let size = spec.max - spec.min + 1;
            let count = if from <= to {
                to - from + 1
            } else {
                size - (from - to) + 1
            };
            let step = step.unwrap_or(1);
            let mut k = 0;
            while k < count {
                let v = spec.min + (from - spec.min + k) % size;
                bits[(v - spec.min) as usize] = true;
                k += step;
            }
        }
        Ok(Values { min: spec.min, bits })
    }

    fn day_of_month(&self, field: &Field<'_>) -> Result<DayOfMonth, ScheduleError> {
        let t = field.text;
        if t == "L" {
            return Ok(DayOfMonth::Last);
        }
        if t == "LW" {
            return Ok(DayOfMonth::LastWeekday);
        }
        if let Some(day) = t.strip_suffix('W') {
            let day = self.value(&DAY_OF_MONTH, day, field.start..field.start + day.len())?;
            return Ok(DayOfMonth::NearestWeekday(day));
        }
        if t.split(',')
            .any(|item| item == "L" || item == "LW" || (item.ends_with('W') && item.len() > 1))
        {
            return Err(self.error(
                field.span(),
                format!("`L` and `W` must stand alone in day-of-month, not in the list `{t}`"),
                "use one expression, e.g. `L` or `15W`",
            ));
        }
        self.values(field, &DAY_OF_MONTH).map(DayOfMonth::Days)
    }

    fn day_of_week(&self, field: &Field<'_>) -> Result<DayOfWeek, ScheduleError> {
        let t = field.text;
        if t.contains('#') {
            if t.contains(',') {
                return Err(self.error(
                    field.span(),
                    format!("with `#`, day-of-week holds one expression only, not the list `{t}`"),
                    "use one schedule per expression, e.g. `3#1`",
                ));
            }
            let (day, nth) = t.split_once('#').expect("has #");
            let day = self.value(&DAY_OF_WEEK, day, field.start..field.start + day.len())?;
            let nth_span = field.start + t.find('#').expect("has #") + 1..field.start + t.len();
            let n: u32 = nth.parse().ok().filter(|n| (1..=5).contains(n)).ok_or_else(|| {
                self.error(
                    nth_span,
                    format!("`{nth}` is not a week of the month (1-5)"),
                    "e.g. `3#2` is the second Tuesday",
                )
            })?;
            return Ok(DayOfWeek::Nth(day, n));
        }
        if t == "L" {
            let mut bits = vec![false; 7];
            bits[6] = true;
            return Ok(DayOfWeek::Days(Values { min: 1, bits }));
        }
        if let Some(day) = t.strip_suffix('L')
            && !t.contains(',')
        {
            let day = self.value(&DAY_OF_WEEK, day, field.start..field.start + day.len())?;
            return Ok(DayOfWeek::Last(day));
        }
        self.values(field, &DAY_OF_WEEK).map(DayOfWeek::Days)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Cron {
    /// Whether the cron runs on this local date.
    fn runs_on(&self, date: NaiveDate) -> bool {
        let (y, m, d) = (date.year(), date.month(), date.day());
        let last = days_in_month(y, m);
        let dom_ok = match &self.day_of_month {
            DayOfMonth::Any => true,
            DayOfMonth::Days(v) => v.contains(d),
            DayOfMonth::Last => d == last,
            DayOfMonth::LastWeekday => {
                let mut day = last;
                while !is_weekday(NaiveDate::from_ymd_opt(y, m, day).expect("valid")) {
                    day -= 1;
                }
                d == day
            }
            DayOfMonth::NearestWeekday(n) => {
                if *n > last {
                    false
                } else {
                    let target = NaiveDate::from_ymd_opt(y, m, *n).expect("valid");
                    let nearest = match target.weekday() {
                        Weekday::Sat if *n == 1 => *n + 2,
                        Weekday::Sat => *n - 1,
                        Weekday::Sun if *n == last => *n - 2,
                        Weekday::Sun => *n + 1,
                        _ => *n,
                    };
                    d == nearest
                }
            }
        };
        let weekday = date.weekday().num_days_from_sunday() + 1;
        let dow_ok = match &self.day_of_week {
            DayOfWeek::Any => true,
            DayOfWeek::Days(v) => v.contains(weekday),
            DayOfWeek::Last(w) => weekday == *w && d + 7 > last,
            DayOfWeek::Nth(w, n) => weekday == *w && (d - 1) / 7 + 1 == *n,
        };
        dom_ok && dow_ok
    }

    fn next_fires(&self, tz: Tz, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let mut out = Vec::with_capacity(n);
        if n == 0 {
            return out;
        }
        let start = after.with_timezone(&tz).date_naive();
        for year in self.years.iter().filter(|y| *y as i32 >= start.year() - 1) {
            for month in self.months.iter() {
                for day in 1..=days_in_month(year as i32, month) {
                    let Some(date) = NaiveDate::from_ymd_opt(year as i32, month, day) else {
                        continue;
                    };
                    if date < start.pred_opt().unwrap_or(start) || !self.runs_on(date) {
                        continue;
                    }
                    for hour in self.hours.iter() {
                        for minute in self.minutes.iter() {
                            let local = date.and_hms_opt(hour, minute, 0).expect("valid time");
                            let instant = match tz.from_local_datetime(&local) {
                                LocalResult::Single(t) => t,
                                LocalResult::Ambiguous(first, _) => first,
                                LocalResult::None => continue,
                            };
                            let utc = instant.with_timezone(&Utc);
                            if utc > after {
                                out.push(utc);
                                if out.len() == n {
                                    return out;
                                }
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

impl ScheduleExpression {
    /// The next `n` times (at most) the schedule fires after `after`, when
    /// it runs in `timezone`. Cron and `at` schedules follow local time in
    /// the zone; a rate fires every period from `after`.
    pub fn next_fires(&self, timezone: Tz, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        match self {
            ScheduleExpression::Rate { value, unit } => {
                let period = Duration::minutes(i64::from(*value) * unit.minutes());
                (1..=n as i32).map(|k| after + period * k).collect()
            }
            ScheduleExpression::At(local) => {
                let instant = match timezone.from_local_datetime(local) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                    LocalResult::None => return Vec::new(),
                };
                if instant > after && n > 0 {
                    vec![instant]
                } else {
                    Vec::new()
                }
            }
            ScheduleExpression::Cron(cron) => cron.next_fires(timezone, after, n),
        }
    }
}

/// Validates a `ScheduleExpressionTimezone`: an IANA time zone name
/// (`Europe/Berlin`, `America/New_York`, `UTC`).
pub fn parse_timezone(name: &str) -> Result<Tz, ScheduleError> {
    if let Ok(tz) = name.parse::<Tz>() {
        return Ok(tz);
    }
    let near = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(name));
    let help = match near {
        Some(tz) => format!("time zone names are case-sensitive: write `{}`", tz.name()),
        None => "use an IANA time zone name such as `UTC`, `Europe/Berlin` or `America/New_York`".to_string(),
    };
    Err(ScheduleError::new(
        "time zone",
        name,
        "it is not an IANA time zone name",
        help,
    ))
}

/// How much later than scheduled Scheduler may invoke the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlexibleTimeWindow {
    Off,
    /// Within this many minutes after the scheduled time (1-1440).
    Flexible {
        maximum_window_minutes: u32,
    },
}

impl FlexibleTimeWindow {
    /// From the API's `Mode` (`OFF` or `FLEXIBLE`) and
    /// `MaximumWindowInMinutes`, which `FLEXIBLE` requires and `OFF` refuses.
    pub fn new(mode: &str, maximum_window_minutes: Option<u32>) -> Result<FlexibleTimeWindow, ScheduleError> {
        let err = |message: String, help: &str| ScheduleError::new("flexible time window", mode, message, help);
        match (mode, maximum_window_minutes) {
            ("OFF", None) => Ok(FlexibleTimeWindow::Off),
            ("OFF", Some(m)) => Err(err(
                format!("a maximum window ({m} minutes) can't be set when the window is `OFF`"),
                "drop the maximum window, or use the mode `FLEXIBLE`",
            )),
            ("FLEXIBLE", Some(m)) if (1..=MAX_FLEXIBLE_WINDOW_MINUTES).contains(&m) => {
                Ok(FlexibleTimeWindow::Flexible {
                    maximum_window_minutes: m,
                })
            }
            ("FLEXIBLE", Some(m)) => Err(err(
                format!("the maximum window must be 1 to {MAX_FLEXIBLE_WINDOW_MINUTES} minutes, not {m}"),
                "pick a window of at most a day (1440 minutes)",
            )),
            ("FLEXIBLE", None) => Err(err(
                "`FLEXIBLE` needs a maximum window in minutes".into(),
                "give a maximum window of 1 to 1440 minutes",
            )),
            _ => Err(err(
                "the mode must be `OFF` or `FLEXIBLE`".into(),
                "use `OFF` to run at the exact time, or `FLEXIBLE` with a maximum window",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ScheduleError {
        parse(text).expect_err(text)
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn fires(expr: &str, tz: &str, after: &str, n: usize) -> Vec<String> {
        parse(expr)
            .unwrap()
            .next_fires(parse_timezone(tz).unwrap(), utc(after), n)
            .iter()
            .map(|t| t.to_rfc3339())
            .collect()
    }

    #[test]
    fn rates() {
        assert_eq!(
            parse("rate(1 minute)").unwrap(),
            ScheduleExpression::Rate {
                value: 1,
                unit: RateUnit::Minute
            }
        );
        assert!(parse("rate(5 hours)").is_ok());
        assert!(parse("rate(2 days)").is_ok());
        assert_eq!(
            err("rate(1 hours)").message,
            "a rate of 1 takes the singular unit `hour`"
        );
        assert_eq!(err("rate(5 hour)").message, "a rate of 5 takes the plural unit `hours`");
        assert_eq!(err("rate(10 seconds)").help, "the shortest rate is `rate(1 minute)`");
        for bad in [
            "rate()",
            "rate(10)",
            "rate(10 minutess)",
            "rate(foo minutes)",
            "rate(-10 minutes)",
            "rate( 10 minutes )",
            " rate(10 minutes)",
            "rate(0 minutes)",
            "rate(10  minutes)",
        ] {
            err(bad);
        }
    }

    #[test]
    fn carets_point_at_the_field() {
        assert_eq!(
            err("cron(0 12 * * * *)").to_string(),
            "invalid schedule expression: day-of-month and day-of-week can't both be set: one of them must be `?`\n  cron(0 12 * * * *)\n            ^   ^"
        );
        assert_eq!(
            err("cron(71 8 1 * ? *)").to_string(),
            "invalid schedule expression: 71 is out of range for minutes (0-59)\n  cron(71 8 1 * ? *)\n       ^^"
        );
        assert_eq!(
            err("rate(5 hour)").to_string(),
            "invalid schedule expression: a rate of 5 takes the plural unit `hours`\n  rate(5 hour)\n         ^^^^"
        );
    }

    #[test]
    fn cron_fields() {
        for ok in [
            "cron(0 10 * * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(0/30 20-2 ? * MON-FRI *)",
            "cron(15 10 ? * 6L 2019-2022)",
            "cron(0 8 L * ? *)",
            "cron(0 8 LW * ? *)",
            "cron(0 8 15W * ? *)",
            "cron(0 8 ? * 3#2 *)",
            "cron(0 8 ? * L *)",
            "cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)",
            "cron(1-31/30 1-1 ? * 1,7 *)",
            "cron(*/15 * * * ? *)",
            "cron(0 0 1 jan,Jul ? *)",
        ] {
            parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        assert!(err("cron(7 20 * * NOT *)").message.contains("both be set"));
        assert_eq!(
            err("cron(7 20 ? * NOT *)").message,
            "`NOT` is not a value of day-of-week"
        );
        assert_eq!(
            err("cron(0 dummy ? * MON-FRI *)").message,
            "`dummy` is not a value of hours"
        );
        assert!(err("cron()").message.contains("six fields"));
        assert!(err("cron(0 12 * *)").message.contains("this one has 4"));
        assert!(err("cron(0 12 ? * ? *)").message.contains("both `?`"));
        assert!(err("cron(0 8 ? * 3#1,6#3 *)").message.contains("one expression only"));
        assert!(err("cron(0 8 ? * 3#6 *)").message.contains("week of the month"));
        assert!(err("cron(0 8 1,L * ? *)").message.contains("stand alone"));
        assert!(err("cron(0 8 ? * MON 2200)").message.contains("out of range for year"));
        assert!(err("cron(0 8 ? * MON 2020-2019)").message.contains("backwards"));
        assert!(err("cron(0/0 * * * ? *)").message.contains("step"));
        assert!(err("cron(0 8 ? L * *)").message.contains("can't be used in month"));
        assert!(err("cron(0 8 * * L *)").message.contains("both be set"));
    }

    #[test]
    fn at_times() {
        assert_eq!(
            parse("at(2022-12-31T23:59:59)").unwrap(),
            ScheduleExpression::At(NaiveDateTime::parse_from_str("2022-12-31T23:59:59", "%Y-%m-%dT%H:%M:%S").unwrap())
        );
        assert!(err("at(2021-12-31T23:59:59Z)").message.contains("zone suffix"));
        assert!(err("at(2021-12-31)").message.contains("not a date and time"));
        assert!(err("at(2021-02-30T10:00:00)").message.contains("real date"));
    }

    #[test]
    fn next_fires_follow_local_time() {
        assert_eq!(
            fires("cron(0/15 * * * ? *)", "UTC", "2026-01-01T00:07:00Z", 3),
            [
                "2026-01-01T00:15:00+00:00",
                "2026-01-01T00:30:00+00:00",
                "2026-01-01T00:45:00+00:00"
            ]
        );
        // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
        assert_eq!(
            fires("cron(0 9 ? * MON *)", "Europe/Berlin", "2026-03-20T00:00:00Z", 3),
            [
                "2026-03-23T08:00:00+00:00",
                "2026-03-30T07:00:00+00:00",
                "2026-04-06T07:00:00+00:00"
            ]
        );
        // The last Friday of the month, and the second Tuesday.
        assert_eq!(
            fires("cron(15 10 ? * 6L 2019-2022)", "UTC", "2022-10-01T00:00:00Z", 5),
            [
                "2022-10-28T10:15:00+00:00",
                "2022-11-25T10:15:00+00:00",
                "2022-12-30T10:15:00+00:00"
            ]
        );
        assert_eq!(
            fires("cron(0 8 ? * 3#2 *)", "UTC", "2026-06-01T00:00:00Z", 1),
            ["2026-06-09T08:00:00+00:00"]
        );
        // The weekday nearest the 1st when the 1st is a Saturday is Monday the 3rd.
        assert_eq!(
            fires("cron(0 8 1W * ? *)", "UTC", "2026-08-01T00:00:00Z", 1),
            ["2026-08-03T08:00:00+00:00"]
        );
        assert_eq!(
            fires("cron(0 8 LW * ? *)", "UTC", "2026-05-01T00:00:00Z", 1),
            ["2026-05-29T08:00:00+00:00"]
        );
        // Wrapping hours: 22:00 to 02:00.
        assert_eq!(fires("cron(0 22-2 * * ? *)", "UTC", "2026-01-01T21:00:00Z", 5).len(), 5);
        // 02:30 does not exist in Berlin on 2026-03-29: skipped.
        assert_eq!(
            fires("cron(30 2 * * ? *)", "Europe/Berlin", "2026-03-28T12:00:00Z", 2),
            ["2026-03-30T00:30:00+00:00", "2026-03-31T00:30:00+00:00"]
        );
        assert_eq!(
            fires("rate(1 hour)", "UTC", "2026-01-01T00:00:00Z", 2),
            ["2026-01-01T01:00:00+00:00", "2026-01-01T02:00:00+00:00"]
        );
        assert_eq!(
            fires("at(2030-01-31T09:00:00)", "America/New_York", "2026-01-01T00:00:00Z", 3),
            ["2030-01-31T14:00:00+00:00"]
        );
        assert!(fires("at(2020-01-31T09:00:00)", "UTC", "2026-01-01T00:00:00Z", 3).is_empty());
        assert!(fires("cron(0 0 30 2 ? *)", "UTC", "2026-01-01T00:00:00Z", 1).is_empty());
    }

    #[test]
    fn time_zones_and_windows() {
        assert!(parse_timezone("Europe/Berlin").is_ok());
        assert!(parse_timezone("UTC").is_ok());
        assert_eq!(
            parse_timezone("europe/berlin").unwrap_err().help,
            "time zone names are case-sensitive: write `Europe/Berlin`"
        );
        assert!(parse_timezone("Mars/Olympus").is_err());
        assert_eq!(FlexibleTimeWindow::new("OFF", None).unwrap(), FlexibleTimeWindow::Off);
        assert!(FlexibleTimeWindow::new("FLEXIBLE", Some(1)).is_ok());
        assert!(FlexibleTimeWindow::new("FLEXIBLE", Some(1440)).is_ok());
        assert!(FlexibleTimeWindow::new("FLEXIBLE", Some(0)).is_err());
        assert!(FlexibleTimeWindow::new("FLEXIBLE", Some(1441)).is_err());
        assert!(FlexibleTimeWindow::new("FLEXIBLE", None).is_err());
        assert!(FlexibleTimeWindow::new("OFF", Some(5)).is_err());
        assert!(FlexibleTimeWindow::new("off", None).is_err());
    }
}
