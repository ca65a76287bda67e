//! How figures are written and read, in one place for the command line and
//! the app: lengths and offsets (metres under a kilometre, kilometres above),
//! durations, a convoy's status, and `LON,LAT` positions; the command line's
//! text tables.

use crate::analysis::ConvoyCheck;
use geo::Coord;

/// A length or an offset: "840 m" under a kilometre, "27.52 km" from one.
///
/// ```
/// use corridor_watch::output::text::format_length_m;
/// assert_eq!(format_length_m(840.4), "840 m");
/// assert_eq!(format_length_m(27_519.0), "27.52 km");
/// ```
pub fn format_length_m(m: f64) -> String {
    if !m.is_finite() {
        "-".into()
    } else if m.abs() < 999.5 {
        format!("{:.0} m", no_negative_zero(m, 0.5))
    } else {
        format_km(m)
    }
}

/// Metres as kilometres to 10 m ("2.35 km"); never "-0.00 km".
pub fn format_km(m: f64) -> String {
    if !m.is_finite() {
        return "-".into();
    }
    format!("{:.2} km", no_negative_zero(m / 1000.0, 0.005))
}

/// 0 for a value that rounds to zero at the shown precision (`half_unit`):
/// a tiny negative would print as "-0".
fn no_negative_zero(v: f64, half_unit: f64) -> f64 {
    if v.abs() < half_unit { 0.0 } else { v }
}

/// A whole number with thousands separators: "2,967,360".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count with its noun, singular or plural: "1 zone entry", "3 zone entries".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A duration in seconds: "7 min", "5 h 07 min".
/// A period's length: whole days as days ("7 days"), else as a duration.
pub fn format_period_s(s: f64) -> String {
    let days = s / 86_400.0;
    if days >= 1.0 && days.fract() == 0.0 {
        count(days as usize, "day", "days")
    } else {
        format_duration_s(s)
    }
}

pub fn format_duration_s(s: f64) -> String {
    if !s.is_finite() || s < 0.0 {
        return "-".into();
    }
    let min = (s / 60.0).round() as u64;
    if min < 60 {
        format!("{min} min")
    } else {
        format!("{} h {:02} min", min / 60, min % 60)
    }
}

/// What a convoy's report says, in a word or three.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvoyStatus {
    pub deviated: bool,
    pub in_zone: bool,
    /// Went silent inside a grain lane (an AIS gap).
    pub silent: bool,
    /// A vessel that never came within a grain lane.
    pub not_in_lane: bool,
    /// Under way outside its movements' windows; never notified; in a closed corridor.
    pub off_window: bool,
    pub not_notified: bool,
    pub closed_corridor: bool,
}

impl ConvoyStatus {
    pub fn of(report: &ConvoyCheck) -> Self {
        let n = report.notification.as_ref();
        Self {
            deviated: !report.deviations.is_empty(),
            in_zone: !report.buffer_zone_entries.is_empty(),
            silent: !report.gaps.is_empty(),
            not_in_lane: report.not_in_lane,
            off_window: n.is_some_and(|n| !n.off_window.is_empty()),
            not_notified: n.is_some_and(|n| n.not_notified),
            closed_corridor: n.is_some_and(|n| !n.closed_corridor.is_empty()),
        }
    }

    /// "clean", "deviated", "in zone", "went silent", "not in a lane" (a
    /// vessel outside the scheme), or several of them joined.
    pub fn label(self) -> String {
        let parts: Vec<&str> = [
            (self.deviated, "deviated"),
            (self.in_zone, "in zone"),
            (self.silent, "went silent"),
            (self.off_window, "off window"),
            (self.not_notified, "not notified"),
            (self.closed_corridor, "in a closed corridor"),
            (self.not_in_lane, "not in a lane"),
        ]
        .into_iter()
        .filter_map(|(on, text)| on.then_some(text))
        .collect();
        if parts.is_empty() {
            "clean".into()
        } else {
            parts.join(", ")
        }
    }
}

/// `LON,LAT` in degrees (that order), checked to be on the globe; `what` names
/// the option or field in the message.
pub fn parse_lon_lat(text: &str, what: &str) -> Result<Coord, crate::error::Problem> {
    let bad = || crate::problem!("{what}: \"{text}\" is not LON,LAT (two numbers, degrees)");
    let (a, b) = text.split_once(',').ok_or_else(bad)?;
    let (x, y) = (
        a.trim().parse::<f64>().map_err(|_| bad())?,
        b.trim().parse::<f64>().map_err(|_| bad())?,
    );
    if !(x.is_finite() && y.is_finite()) {
        return Err(bad());
    }
    if x.abs() > 180.0 || y.abs() > 90.0 {
        return Err(crate::problem!(
            "{what}: {text} is outside longitude -180..180 / latitude -90..90 (the order is LON,LAT)"
        ));
    }
    Ok(Coord { x, y })
}

/// "35TPL4563318317" as peacekeepers write it: "35T PL 45633 18317".
/// A position as MGRS to the metre, spaced (`36U UA 24182 91607`); `-` where
/// MGRS is not defined (beyond 84 N / 80 S).
pub fn mgrs(c: geo::Coord) -> String {
    geoconvert::LatLon::create(c.y, c.x)
        .map(|ll| spaced_mgrs(&ll.to_mgrs(5).to_string()))
        .unwrap_or_else(|_| "-".into())
}

pub fn spaced_mgrs(m: &str) -> String {
    let Some(band) = m.find(|c: char| c.is_ascii_alphabetic()) else {
        return m.to_string();
    };
    let (zone, rest) = m.split_at(band + 1);
    if rest.len() < 2 || !rest.is_char_boundary(2) {
        return m.to_string();
    }
    let (square, digits) = rest.split_at(2);
    let half = digits.len() / 2;
    if digits.is_char_boundary(half) {
        format!("{zone} {square} {} {}", &digits[..half], &digits[half..])
    } else {
        m.to_string()
    }
}

/// A plain-text table for the command line: each column as wide as its
/// widest cell (a long status or id no longer pushes the columns after it out
/// of line), two spaces between columns, the header underlined with dashes;
/// the columns in `right` right-aligned (figures).
pub fn table(header: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, presets};
    let mut t = Table::new();
    t.load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    for r in rows {
        t.add_row(r.clone());
    }
    for (i, c) in t.column_iter_mut().enumerate() {
        c.set_padding((0, 2));
        c.set_constraint(ColumnConstraint::ContentWidth);
        if right.contains(&i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let underline: String = t
        .column_max_content_widths()
        .iter()
        .map(|w| "-".repeat(usize::from(*w)) + "  ")
        .collect();
    let mut lines: Vec<String> = t.lines().map(|l| l.trim_end().to_string()).collect();
    lines.insert(1.min(lines.len()), underline.trim_end().to_string());
    lines.join("\n")
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_table_sizes_its_columns_to_their_widest_cell() {
        let rows = vec![
            vec![
                "UN-01".to_string(),
                "clean".to_string(),
                "440.58 km".to_string(),
            ],
            vec![
                "UN-07".to_string(),
                "deviated, in zone, in a closed corridor".to_string(),
                "99.81 km".to_string(),
            ],
        ];
        let t = table(&["convoy", "status", "length"], &rows, &[2]);
        let lines: Vec<&str> = t.lines().collect();
        println!("{t}");
        assert_eq!(lines.len(), 4, "{t}");
        assert!(lines[0].starts_with("convoy  status"), "{t}");
        assert!(lines[1].starts_with("------  ------"), "{t}");
        // The length column ends at one place on every row, however long the status.
        let ends: Vec<usize> = lines.iter().map(|l| l.len()).collect();
        assert!(ends.iter().all(|e| *e == ends[0]), "{t}");
        assert!(
            lines[2].ends_with(" 440.58 km") && lines[3].ends_with("  99.81 km"),
            "{t}"
        );
    }

    use super::*;

    #[test]
    fn thousands_and_counts() {
        assert_eq!(thousands(710_052), "710,052");
        assert_eq!(thousands(2_967_360), "2,967,360");
        assert_eq!(thousands(999), "999");
        assert_eq!(count(1, "zone entry", "zone entries"), "1 zone entry");
        assert_eq!(count(0, "zone entry", "zone entries"), "0 zone entries");
    }

    #[test]
    fn no_negative_zero_lengths() {
        assert_eq!(format_km(-0.0), "0.00 km");
        assert_eq!(format_km(-3.0), "0.00 km");
        assert_eq!(format_length_m(-0.2), "0 m");
        assert_eq!(format_km(2_345.0), "2.35 km");
    }

    #[test]
    fn lengths_durations_and_positions() {
        assert_eq!(format_length_m(0.0), "0 m");
        assert_eq!(format_length_m(999.4), "999 m");
        assert_eq!(format_length_m(999.6), "1.00 km");
        assert_eq!(format_length_m(126_250.0), "126.25 km");
        assert_eq!(format_duration_s(10_800.0), "3 h 00 min");
        assert_eq!(format_duration_s(420.0), "7 min");
        assert_eq!(format_duration_s(3_900.0), "1 h 05 min");
        assert_eq!(
            parse_lon_lat(" 36.2, 49.9", "--at").unwrap(),
            Coord { x: 36.2, y: 49.9 }
        );
        assert!(parse_lon_lat("49.9", "--at").is_err());
        assert!(parse_lon_lat("inf,3", "--at").is_err());
        assert!(
            parse_lon_lat("49.9,136.2", "--at")
                .unwrap_err()
                .contains("LON,LAT")
        );
    }
}

/// A position typed (Go to, New incident…), as the places it can be: one for
/// an MGRS reference ("37U DP 10659 28111"), for numbers with hemisphere
/// letters ("37.8E 48.0N", either order) or whose first is past 90 (a
/// longitude); two where both "lat, lon" and "lon, lat" are positions
/// ("48.0, 37.8"): the status bar, the waypoint list and the CLI write
/// "lon, lat", other tools "lat, lon", so neither is assumed. Each is
/// labelled "lon …, lat …".
pub fn parse_position(text: &str) -> Vec<(geo::Coord, String)> {
    let t = text.trim();
    let label = |lon: f64, lat: f64| format!("lon {lon:.5}, lat {lat:.5}");
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() >= 5
        && compact.chars().next().is_some_and(|c| c.is_ascii_digit())
        && compact.chars().any(|c| c.is_ascii_alphabetic())
        && !compact.contains(['.', ','])
        && let Ok(m) = geoconvert::Mgrs::parse_str(&compact)
    {
        let ll = m.to_latlon();
        let at = geo::Coord {
            x: ll.longitude(),
            y: ll.latitude(),
        };
        return vec![(at, format!("MGRS {t}: {}", label(at.x, at.y)))];
    }
    // Tokens; a hemisphere letter standing alone belongs to the number before it.
    let mut parts: Vec<String> = Vec::new();
    for p in t.split([',', ';', ' ']).filter(|p| !p.is_empty()) {
        match parts.last_mut() {
            Some(last) if p.len() == 1 && "NSEWnsew".contains(p) => last.push_str(p),
            _ => parts.push(p.to_string()),
        }
    }
    if parts.len() != 2 {
        return Vec::new();
    }
    // Each number with its hemisphere letter, if any: +1 north/east, -1 south/west.
    let read = |p: &str| -> Option<(f64, Option<char>)> {
        let up = p.to_ascii_uppercase();
        let letter = up.chars().find(|c| "NSEW".contains(*c));
        let num: f64 = up
            .trim_matches(|c: char| "NSEW°".contains(c))
            .parse()
            .ok()?;
        let signed = if matches!(letter, Some('S' | 'W')) {
            -num
        } else {
            num
        };
        signed.is_finite().then_some((signed, letter))
    };
    let (Some(a), Some(b)) = (read(&parts[0]), read(&parts[1])) else {
        return Vec::new();
    };
    let valid = |lat: f64, lon: f64| lat.abs() <= 90.0 && lon.abs() <= 180.0;
    let one = |lat: f64, lon: f64| {
        if valid(lat, lon) {
            vec![(geo::Coord { x: lon, y: lat }, label(lon, lat))]
        } else {
            Vec::new()
        }
    };
    match (a.1, b.1) {
        (Some('E' | 'W'), _) | (_, Some('N' | 'S')) => one(b.0, a.0),
        (Some('N' | 'S'), _) | (_, Some('E' | 'W')) => one(a.0, b.0),
        _ => {
            // No letters: every order that is a position.
            let mut out = one(a.0, b.0);
            if a.0 != b.0 {
                out.extend(one(b.0, a.0));
            }
            out
        }
    }
}

#[cfg(test)]
mod position_tests {
    use super::parse_position;

    #[test]
    fn positions_in_either_order_and_mgrs() {
        let near = |t: &str, lon: f64, lat: f64| {
            let found = parse_position(t);
            assert_eq!(found.len(), 1, "{t}: {found:?}");
            let c = found[0].0;
            assert!(
                (c.x - lon).abs() < 1e-3 && (c.y - lat).abs() < 1e-3,
                "{t}: {c:?}"
            );
            assert!(found[0].1.contains("lon ") && found[0].1.contains("lat "));
        };
        near("37.8E 48.0N", 37.8, 48.0);
        near("48.0N, 37.8E", 37.8, 48.0);
        near("46.5 S, 30.75 W", -30.75, -46.5);
        // The first number past 90 can only be a longitude.
        near("137.8, 48.0", 137.8, 48.0);
        // An MGRS reference (from the Python mgrs package: 48.1 N, 37.8 E).
        near("37U DP 10659 28111", 37.8, 48.1);
        assert!(parse_position("Zaporizhzhia").is_empty());
        assert!(parse_position("95, 200").is_empty());
    }

    /// Issue 24, item 2: "37.83, 48.0" as the status bar writes it (lon,
    /// lat) was read as lat, lon: a place in Iran. Both orders are offered.
    #[test]
    fn an_unlabelled_pair_offers_both_orders() {
        let found = parse_position("37.83, 48.0");
        let at: Vec<(f64, f64)> = found.iter().map(|(c, _)| (c.x, c.y)).collect();
        assert_eq!(at, [(48.0, 37.83), (37.83, 48.0)]);
    }
}
