//! The report's tables (stretches, incidents, the maritime events), their columns and rows as text, shared by the
//! PDF and the HTML: each stretch and incident with its times, figures, MGRS
//! reference and nearest named place.

use super::Monitoring;

/// "2026-03-02 08:14" (UTC, to the minute), or "-".
fn short_text(t: Option<String>) -> String {
    t.map(|s| {
        s.replace('T', " ")
            .trim_end_matches('Z')
            .chars()
            .take(16)
            .collect()
    })
    .unwrap_or_else(|| "-".into())
}

fn short_time(t: Option<f64>) -> String {
    short_text(t.and_then(crate::utc::format_rfc3339))
}

/// An incident's time as written (a whole day stays a date), short.
fn incident_short_time(i: &crate::analysis::incidents::IncidentInfo) -> String {
    short_text(Some(crate::output::report::incident_time(i, false)))
}

fn km(m: f64) -> String {
    crate::output::text::format_km(m)
}

/// The stretches table's columns.
pub const STRETCH_HEADER: [&str; 10] = [
    "convoy",
    "type",
    "start (UTC)",
    "end (UTC)",
    "length",
    "max offset",
    "start MGRS",
    "start near",
    "end MGRS",
    "end near",
];

/// The incidents table's columns.
pub const INCIDENT_HEADER: [&str; 7] = [
    "id",
    "time (UTC)",
    "category",
    "depth",
    "to contact line",
    "MGRS",
    "near",
];

/// The maritime table's columns.
pub const MARITIME_HEADER: [&str; 8] = [
    "vessel",
    "what",
    "start (UTC)",
    "end (UTC)",
    "for",
    "figure",
    "MGRS",
    "near",
];

/// The maritime table's rows (encounters, loitering, AIS gaps in the lanes).
pub fn maritime_rows(m: &Monitoring) -> Vec<Vec<String>> {
    m.maritime
        .iter()
        .take(super::MAX_ROWS)
        .map(|r| {
            let (vessel, what, figure) = match r.kind {
                "encounter" => (
                    format!("{} and {}", r.convoy_id, r.other.as_deref().unwrap_or("?")),
                    "encounter",
                    format!("closest {}", km(r.distance_m.unwrap_or(0.0))),
                ),
                "loitering" => (
                    r.convoy_id.clone(),
                    "loitering",
                    format!("{:.1} kn mean", r.speed_kn.unwrap_or(0.0)),
                ),
                _ => (
                    r.convoy_id.clone(),
                    "AIS gap in a lane",
                    r.speed_kn
                        .map(|v| format!("{v:.1} kn implied"))
                        .unwrap_or_else(|| "-".into()),
                ),
            };
            vec![
                vessel,
                what.into(),
                short_time(Some(r.start_s)),
                short_time(Some(r.end_s)),
                crate::output::text::format_duration_s(r.end_s - r.start_s),
                figure,
                super::mgrs(r.position),
                super::near(r.position),
            ]
        })
        .collect()
}

/// The stretches table's rows.
pub fn stretch_rows(m: &Monitoring) -> Vec<Vec<String>> {
    m.stretches
        .iter()
        .take(super::MAX_ROWS)
        .map(|r| {
            vec![
                r.convoy_id.clone(),
                if r.kind == "deviation" {
                    "deviation".into()
                } else {
                    "zone entry".into()
                },
                short_time(r.stretch.start_s),
                short_time(r.stretch.end_s),
                km(r.stretch.length_m),
                r.stretch.max_offset_m.map(km).unwrap_or_else(|| "-".into()),
                super::mgrs(r.stretch.start),
                super::near(r.stretch.start),
                super::mgrs(r.stretch.end),
                super::near(r.stretch.end),
            ]
        })
        .collect()
}

/// The incidents table's rows.
pub fn incident_rows(m: &Monitoring) -> Vec<Vec<String>> {
    m.incidents
        .iter()
        .take(super::MAX_ROWS)
        .map(|i| {
            vec![
                i.id.clone(),
                incident_short_time(i),
                i.category.clone(),
                km(i.depth_m),
                i.contact_line_m.map(km).unwrap_or_else(|| "-".into()),
                super::mgrs(i.pos),
                super::near(i.pos),
            ]
        })
        .collect()
}

/// The note under a cut table.
pub fn cut_note(shown: usize, total: usize, what: &str, csv: Option<&str>) -> Option<String> {
    (total > shown).then(|| {
        format!(
            "The worst {shown} of {total} {what} are listed{}.",
            csv.map(|c| format!("; every one is in {c}"))
                .unwrap_or_default()
        )
    })
}
