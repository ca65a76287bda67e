//! RFC 3339 times as Unix seconds.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The common case, "YYYY-MM-DDTHH:MM:SSZ" (optionally with a fraction), without
/// allocation; `None` sends anything else to the full parser.
fn fast_utc(s: &[u8]) -> Option<f64> {
    if s.len() < 20
        || s[4] != b'-'
        || s[7] != b'-'
        || s[10] != b'T'
        || s[13] != b':'
        || s[16] != b':'
        || s[s.len() - 1] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        s[r].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as i64)
        })
    };
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mdays = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo)
        || d < 1
        || d > mdays[(mo - 1) as usize]
        || h > 23
        || mi > 59
        || se > 59
    {
        return None;
    }
    let mut frac = 0.0;
    let rest = &s[19..s.len() - 1];
    if !rest.is_empty() {
        if rest[0] != b'.'
            || rest.len() < 2
            || rest.len() > 10
            || !rest[1..].iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let digits = &rest[1..];
        frac = num(20..20 + digits.len())? as f64 / 10f64.powi(digits.len() as i32);
    }
    Some((days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se) as f64 + frac)
}

/// Reads a run of times (a track's per-vertex times): the day of the last
/// date read is kept, since consecutive fixes nearly always share it, so a
/// time on the same day costs only its clock. Same answers as
/// [`parse_rfc3339`], which it falls back to for anything but the plain form.
#[derive(Default)]
pub struct TimeRun {
    /// The last "YYYY-MM-DD" read by `fast_utc` and its day (none yet:
    /// `known` false, so that no text, however hostile, matches the zeros).
    date: [u8; 10],
    day_s: i64,
    known: bool,
}

impl TimeRun {
    /// The Unix seconds of `s` (RFC 3339, any form `parse_rfc3339` takes).
    pub fn parse(&mut self, s: &[u8]) -> Option<f64> {
        if let Some(t) = self.same_day(s) {
            return Some(t);
        }
        let t = match fast_utc(s) {
            Some(t) => t,
            None => return parse_rfc3339(std::str::from_utf8(s).ok()?).ok(),
        };
        if s.len() == 20 {
            // The plain form: its date checked by `fast_utc`, its day kept.
            let clock = |i: usize| ((s[i] - b'0') as i64) * 10 + (s[i + 1] - b'0') as i64;
            self.date.copy_from_slice(&s[..10]);
            self.known = true;
            self.day_s = t as i64 - (clock(11) * 3600 + clock(14) * 60 + clock(17));
        }
        Some(t)
    }

    /// `s` when it is the plain form ("YYYY-MM-DDTHH:MM:SSZ") on the day of
    /// the last date read: every one of its 20 bytes is then checked (the
    /// date equal to one already checked, the clock digit by digit).
    #[inline]
    pub fn same_day(&self, s: &[u8]) -> Option<f64> {
        if !self.known || s.len() != 20 || s[..10] != self.date || s[10] != b'T' || s[19] != b'Z' {
            return None;
        }
        let two = |i: usize| -> Option<i64> {
            let (a, b) = (s[i].wrapping_sub(b'0'), s[i + 1].wrapping_sub(b'0'));
            (a < 10 && b < 10).then_some((a * 10 + b) as i64)
        };
        if s[13] == b':'
            && s[16] == b':'
            && let (Some(h), Some(mi), Some(se)) = (two(11), two(14), two(17))
            && h <= 23
            && mi <= 59
            && se <= 59
        {
            return Some((self.day_s + h * 3600 + mi * 60 + se) as f64);
        }
        None
    }
}

/// GDAL's text form of a date-time, as it writes them to KML, shapefiles and
/// CSV: `YYYY/MM/DD HH:MM:SS[.sss][+HH[MM]]` (no offset: UTC, as for GPX),
/// turned into RFC 3339; `None` when `s` is not in that form.
fn gdal_to_rfc3339(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'/' || b[7] != b'/' || b[10] != b' ' {
        return None;
    }
    let (date_time, zone) = match s[19..].find(['+', '-']) {
        Some(k) => s.split_at(19 + k),
        None => (s, ""),
    };
    let zone = match zone.len() {
        0 => "Z".to_string(),
        3 => format!("{zone}:00"),
        5 => format!("{}:{}", &zone[..3], &zone[3..]),
        6 if zone.as_bytes()[3] == b':' => zone.to_string(),
        _ => return None,
    };
    Some(format!(
        "{}T{}{zone}",
        date_time[..10].replace('/', "-"),
        &date_time[11..]
    ))
}

/// Parses an RFC 3339 timestamp (any offset) into Unix seconds; GDAL's text
/// form (`2026/03/02 10:00:00+00`) is read too.
pub fn parse_rfc3339(s: &str) -> Result<f64, crate::error::Problem> {
    if let Some(t) = fast_utc(s.as_bytes()) {
        return Ok(t);
    }
    let text = s.trim();
    if let Some(rfc) = gdal_to_rfc3339(text) {
        return parse_rfc3339(&rfc).map_err(|_| crate::problem!("\"{s}\" is not a valid time"));
    }
    // RFC 3339 also allows a lowercase "t"/"z" and a space between date and time.
    let t = OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|e| {
            let mut alt = text.to_ascii_uppercase();
            if alt.as_bytes().get(10) == Some(&b' ') {
                alt.replace_range(10..11, "T");
            }
            OffsetDateTime::parse(&alt, &Rfc3339).map_err(|_| e)
        })
        .map_err(|e| crate::problem!("\"{s}\" is not an RFC 3339 time ({e})"))?;
    Ok(t.unix_timestamp_nanos() as f64 / 1e9)
}

/// The period a time names, as Unix seconds `[start, end)`: an instant for a
/// date-time (`end == start`), the whole UTC day for a date (`2026-03-02`),
/// the whole month for a year and month (`2026-03`) and the whole year for a
/// year (`2026`), as KML's `TimeStamp` (XML Schema's gYear, gYearMonth, date)
/// and dBASE date fields give them.
pub fn parse_time_span(s: &str) -> Result<(f64, f64), crate::error::Problem> {
    let t = s.trim();
    let num = |p: &str| -> Option<i64> {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let parts: Vec<&str> = t.split('-').collect();
    let day = |y: i64, m: i64, d: i64| (days_from_civil(y, m, d) * 86_400) as f64;
    let span = match parts.as_slice() {
        [y] if y.len() == 4 => num(y).map(|y| (day(y, 1, 1), day(y + 1, 1, 1))),
        [y, m] if y.len() == 4 && m.len() == 2 => match (num(y), num(m)) {
            (Some(y), Some(m)) if (1..=12).contains(&m) => {
                let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                Some((day(y, m, 1), day(ny, nm, 1)))
            }
            _ => None,
        },
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => {
            // Checked by the full parser (days per month, leap years).
            let start = parse_rfc3339(&format!("{t}T00:00:00Z")).ok();
            start
                .filter(|_| num(d).is_some())
                .map(|a| (a, a + 86_400.0))
        }
        _ => None,
    };
    match span {
        Some(span) => Ok(span),
        None => parse_rfc3339(s).map(|a| (a, a)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_run_reads_as_parse_rfc3339_does() {
        let texts = [
            "2026-03-02T08:00:00Z",
            "2026-03-02T08:00:59Z",
            "2026-03-02T23:59:60Z",
            "2026-03-02T24:00:00Z",
            "2026-03-02T08:60:00Z",
            "2026-03-02T0a:00:00Z",
            "2026-03-02T08:00:00.5Z",
            "2026-03-02t08:00:00z",
            "2026-03-02T08:00:00+02:00",
            "2026-03-03T00:00:01Z",
            "2026-03-02T08:00:01Z",
            "1969-12-31T23:59:59Z",
            "1969-12-31T00:00:00Z",
            "2024-02-29T12:00:00Z",
            "2023-02-29T12:00:00Z",
            "2026/03/02 08:00:00",
            "2026-03-02X08:00:00Z",
            "",
            "not a time at all!!!",
            "\0\0\0\0\0\0\0\0\0\0T08:00:00Z",
        ];
        let mut run = TimeRun::default();
        // Before any date is known, the zeros it starts with match nothing.
        assert_eq!(run.same_day(b"\0\0\0\0\0\0\0\0\0\0T08:00:00Z"), None);
        // Twice over, so that each text is read both with and without its day kept.
        for s in texts.iter().chain(&texts) {
            assert_eq!(run.parse(s.as_bytes()), parse_rfc3339(s).ok(), "{s}");
        }
    }
    use crate::utc::{format_rfc3339, format_rfc3339_ms};

    #[test]
    fn fast_path_agrees_with_the_time_crate() {
        for t in [
            "2026-03-02T08:14:00Z",
            "2024-02-29T23:59:59.25Z",
            "1970-01-01T00:00:00Z",
            "2000-03-01T12:00:00.123456789Z",
            "1969-12-31T23:59:59Z",
        ] {
            let fast = fast_utc(t.as_bytes()).unwrap();
            let slow = OffsetDateTime::parse(t, &Rfc3339)
                .unwrap()
                .unix_timestamp_nanos() as f64
                / 1e9;
            assert!((fast - slow).abs() < 1e-6, "{t}: {fast} vs {slow}");
        }
        for bad in [
            "2026-02-29T08:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-03-02T24:00:00Z",
            "2026-03-02T08:14:00+02:00",
            "2026-03-02T08:14:00.Z",
        ] {
            assert!(fast_utc(bad.as_bytes()).is_none(), "{bad}");
        }
        assert!(parse_rfc3339("2026-02-29T08:00:00Z").is_err());
    }

    #[test]
    fn fractions_to_the_millisecond() {
        let t = parse_rfc3339("2026-03-02T08:41:06.75Z").unwrap();
        assert_eq!(format_rfc3339_ms(t).unwrap(), "2026-03-02T08:41:06.75Z");
        assert_eq!(format_rfc3339(t).unwrap(), "2026-03-02T08:41:07Z");
        let w = parse_rfc3339("2026-03-02T08:41:06Z").unwrap();
        assert_eq!(format_rfc3339_ms(w).unwrap(), "2026-03-02T08:41:06Z");
        assert_eq!(
            format_rfc3339_ms(w - 0.001).unwrap(),
            "2026-03-02T08:41:05.999Z"
        );
    }

    #[test]
    fn gdal_text_times_are_times() {
        let t = parse_rfc3339("2026-03-02T10:00:00Z").unwrap();
        assert_eq!(parse_rfc3339("2026/03/02 10:00:00+00").unwrap(), t);
        assert_eq!(parse_rfc3339("2026/03/02 10:00:00").unwrap(), t);
        assert_eq!(parse_rfc3339("2026/03/02 12:30:00+0230").unwrap(), t);
        assert_eq!(parse_rfc3339("2026/03/02 08:00:00-02").unwrap(), t);
        assert_eq!(
            parse_rfc3339("2026/03/02 10:00:00.500+00").unwrap(),
            t + 0.5
        );
        assert!(parse_rfc3339("2026/02/30 10:00:00+00").is_err());
        assert!(parse_rfc3339("2026/03/02 10:00:00+1").is_err());
    }

    /// Whole days, months and years, as KML and dBASE give dates; the
    /// references are the UTC midnights (`date -u -d 2026-03-02 +%s`).
    #[test]
    fn dates_are_whole_days_and_months() {
        assert_eq!(
            parse_time_span("2026-03-02").unwrap(),
            (1_772_409_600.0, 1_772_496_000.0)
        );
        assert_eq!(
            parse_time_span("2026-03").unwrap(),
            (1_772_323_200.0, 1_775_001_600.0)
        );
        assert_eq!(
            parse_time_span("2026-12").unwrap().1,
            parse_time_span("2027").unwrap().0
        );
        let t = parse_rfc3339("2026-03-02T10:00:00Z").unwrap();
        assert_eq!(parse_time_span("2026-03-02T10:00:00Z").unwrap(), (t, t));
        assert!(parse_time_span("2026-02-30").is_err());
        assert!(parse_time_span("2026-13").is_err());
        assert!(parse_time_span("26-03-02").is_err());
    }

    #[test]
    fn round_trip_in_utc() {
        let t = parse_rfc3339("2026-03-02T10:14:00+02:00").unwrap();
        assert_eq!(format_rfc3339(t).unwrap(), "2026-03-02T08:14:00Z");
        assert!(parse_rfc3339("2026-13-02T10:14:00Z").is_err());
        let a = parse_rfc3339("2026-03-02T08:14:00.5Z").unwrap();
        assert_eq!(parse_rfc3339("2026-03-02 08:14:00.5z").unwrap(), a);
        assert_eq!(parse_rfc3339("2026-03-02t08:14:00.5Z").unwrap(), a);
    }
}
