//! RFC 3339 times as Unix seconds.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Parses an RFC 3339 timestamp (any offset) into Unix seconds.
pub fn parse_rfc3339(s: &str) -> Result<f64, String> {
    let text = s.trim();
    // RFC 3339 also allows a lowercase "t"/"z" and a space between date and time.
    let t = OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|e| {
            let mut alt = text.to_ascii_uppercase();
            if alt.as_bytes().get(10) == Some(&b' ') {
                alt.replace_range(10..11, "T");
            }
            OffsetDateTime::parse(&alt, &Rfc3339).map_err(|_| e)
        })
        .map_err(|e| format!("\"{s}\" is not an RFC 3339 time ({e})"))?;
    Ok(t.unix_timestamp_nanos() as f64 / 1e9)
}

/// Formats Unix seconds as RFC 3339 in UTC, to the whole second ("2026-03-02T08:14:00Z").
pub fn format_rfc3339(unix_s: f64) -> Option<String> {
    if !unix_s.is_finite() {
        return None;
    }
    let t = OffsetDateTime::from_unix_timestamp(unix_s.round() as i64).ok()?;
    t.format(&Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

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
