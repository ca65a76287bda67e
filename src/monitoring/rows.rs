//! The report's key figures and tables (stretches, incidents, the maritime
//! events), their columns and rows as text, shared by the PDF and the HTML:
//! each stretch and incident with its times, figures, MGRS reference and
//! nearest named place.

use super::Monitoring;
use crate::output::text::format_length_m;

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

pub const MOVEMENT_HEADER: [&str; 6] = [
    "movement",
    "convoy",
    "window (UTC)",
    "state",
    "why",
    "incidents near (5 km, 7 d)",
];

/// The notified movements' table rows.
pub fn movement_rows(m: &Monitoring) -> Vec<Vec<String>> {
    m.movements
        .iter()
        .take(super::MAX_ROWS)
        .map(|r| {
            vec![
                r.id.clone(),
                r.convoy_id.clone(),
                r.window.map_or("unreadable".into(), |(a, b)| {
                    let (a, b) = (short_time(Some(a)), short_time(Some(b)));
                    // The end's date only when it differs.
                    match (a.split_once(' '), b.split_once(' ')) {
                        (Some((da, _)), Some((db, tb))) if da == db => format!("{a}-{tb}"),
                        _ => format!("{a} - {}", b.get(5..).unwrap_or(&b)),
                    }
                }),
                r.state.to_string(),
                if r.reasons.is_empty() {
                    "-".into()
                } else {
                    r.reasons.join("; ")
                },
                match &r.nearest {
                    None => "none".into(),
                    Some((id, d)) => format!("{}, nearest {id} at {}", r.near, km(*d)),
                },
            ]
        })
        .collect()
}

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

/// The key figures as (label, value) lines, in the order the page shows them.
pub fn figure_lines(m: &Monitoring) -> Vec<(String, String)> {
    let f = &m.figures;
    let mut out = vec![
        ("Convoys checked".to_string(), f.convoys_checked.to_string()),
        ("Convoys flagged".to_string(), f.convoys_flagged.to_string()),
        ("Deviations".to_string(), f.deviations.to_string()),
        (
            "Deviations, total length".to_string(),
            format_length_m(f.deviation_m),
        ),
        (
            "Worst offset from a corridor".to_string(),
            f.worst_offset_m
                .map(format_length_m)
                .unwrap_or_else(|| "-".into()),
        ),
        (
            "Buffer-zone entries".to_string(),
            f.zone_entries.to_string(),
        ),
        (
            "Incidents inside the buffer zone".to_string(),
            f.incidents_inside.to_string(),
        ),
    ];
    for (cat, n) in &f.by_category {
        out.push((format!("    {cat}"), n.to_string()));
    }
    if let Some(((a, b), rows)) = &f.by_sector {
        let day = |t: f64| {
            crate::utc::format_rfc3339(t)
                .and_then(|s| s.get(..10).map(String::from))
                .unwrap_or_default()
        };
        out.push((
            format!("Inside the zone by sector, {} to {}", day(*a), day(*b)),
            if rows.is_empty() {
                "none".into()
            } else {
                String::new()
            },
        ));
        for c in rows {
            out.push((
                format!("    {}", c.sector),
                format!("{} ({:+})", c.now, c.now as i64 - c.before as i64),
            ));
        }
        if !rows.is_empty() {
            out.push((
                format!(
                    "    (+n): the change on the {} before",
                    crate::output::text::format_period_s(b - a)
                ),
                String::new(),
            ));
        }
    }
    if f.gaps > 0 {
        out.push(("AIS gaps in grain lanes".to_string(), f.gaps.to_string()));
    }
    if f.encounters > 0 {
        out.push((
            "Encounters between vessels".to_string(),
            f.encounters.to_string(),
        ));
    }
    if f.loitering > 0 {
        out.push(("Vessels loitering".to_string(), f.loitering.to_string()));
    }
    if let Some(n) = f.notified {
        for (k, v) in [
            ("Stretches outside their movement's window", n.off_window),
            ("Stretches in a closed corridor", n.closed_corridor),
            ("Convoys moving with no movement notified", n.not_notified),
        ] {
            out.push((k.to_string(), v.to_string()));
        }
    }
    out
}
