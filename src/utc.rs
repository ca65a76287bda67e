//! Unix seconds written as RFC 3339 in UTC: the one way every output, message
//! and warning writes a time. (Reading times is input: `io::time`.)

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Formats Unix seconds as RFC 3339 in UTC, to the whole second ("2026-03-02T08:14:00Z").
pub fn format_rfc3339(unix_s: f64) -> Option<String> {
    if !unix_s.is_finite() {
        return None;
    }
    let t = OffsetDateTime::from_unix_timestamp(unix_s.round() as i64).ok()?;
    t.format(&Rfc3339).ok()
}

/// Formats Unix seconds as RFC 3339 in UTC to the millisecond, without
/// trailing zeros ("2026-03-02T08:41:06.75Z"; a whole second has no fraction).
pub fn format_rfc3339_ms(unix_s: f64) -> Option<String> {
    if !unix_s.is_finite() {
        return None;
    }
    let ms = (unix_s * 1000.0).round() as i128;
    let (secs, frac_ms) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let whole = format_rfc3339(secs as f64)?;
    if frac_ms == 0 {
        return Some(whole);
    }
    let frac = format!("{frac_ms:03}");
    Some(format!(
        "{}.{}Z",
        whole.trim_end_matches('Z'),
        frac.trim_end_matches('0')
    ))
}
