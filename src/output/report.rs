//! The check report, exactly as `docs/layers.md` ("Report") lays it out.

use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// *corridor-watch*: the figures a reader wants first (left out when not asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    pub convoys: Vec<ConvoyReport>,
    /// *corridor-watch*: every incident, inside a buffer zone or not (left out when not asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents: Option<Vec<IncidentRow>>,
}

/// The report in figures.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Summary {
    pub convoys: usize,
    pub flagged: usize,
    pub deviations: usize,
    pub buffer_zone_entries: usize,
    pub gaps: usize,
    /// Greatest deviation offset of any convoy, metres.
    pub worst_offset_m: Option<f64>,
    pub incidents: usize,
    pub incidents_inside: usize,
}

/// An incident as the report lists it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct IncidentRow {
    pub id: String,
    pub category: String,
    pub time: String,
    /// [lon, lat].
    pub position: [f64; 2],
    pub inside: bool,
    /// Distance to the boundary of the union of the zones, metres (`null` outside).
    pub depth_m: Option<f64>,
    /// Distance to the nearest contact line, metres.
    pub distance_to_contact_m: Option<f64>,
}

impl Report {
    /// Adds the summary and the incidents (from `crate::analysis::incidents`).
    pub fn with_summary(
        mut self,
        incidents: &[crate::analysis::incidents::IncidentInfo],
    ) -> Report {
        let rows: Vec<IncidentRow> = incidents
            .iter()
            .map(|i| IncidentRow {
                id: i.id.clone(),
                category: i.category.clone(),
                time: incident_time(i, true),
                position: [round_deg(i.pos.x), round_deg(i.pos.y)],
                inside: i.inside,
                depth_m: i.inside.then(|| round_m(i.depth_m)),
                distance_to_contact_m: i.contact_line_m.map(round_m),
            })
            .collect();
        let c = &self.convoys;
        self.summary = Some(Summary {
            convoys: c.len(),
            flagged: c.iter().filter(|r| r.is_flagged()).count(),
            deviations: c.iter().map(|r| r.deviations.len()).sum(),
            buffer_zone_entries: c.iter().map(|r| r.buffer_zone_entries.len()).sum(),
            gaps: c.iter().map(|r| r.gaps.len()).sum(),
            worst_offset_m: c
                .iter()
                .filter_map(ConvoyReport::worst_offset_m)
                .reduce(f64::max),
            incidents: rows.len(),
            incidents_inside: rows.iter().filter(|i| i.inside).count(),
        });
        self.incidents = Some(rows);
        self
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ConvoyReport {
    pub convoy_id: String,
    /// Geodesic length of the whole track, metres.
    pub length_m: f64,
    pub deviations: Vec<Stretch>,
    pub buffer_zone_entries: Vec<Stretch>,
    /// The approved corridor ids as given; `null` approves every corridor and grain route.
    pub corridor_ids: Option<Vec<String>>,
    /// Silences that began inside a grain lane (AIS gaps); left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<Gap>,
    pub warnings: Vec<String>,
}

/// A vessel that went silent inside a grain lane: its last report before the
/// silence and its first after.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Gap {
    /// [lon, lat] of the last report before the silence.
    pub start: [f64; 2],
    /// [lon, lat] of the first report after it.
    pub end: [f64; 2],
    pub start_time: String,
    pub end_time: String,
    /// How long it was silent, seconds.
    pub duration_s: f64,
}

/// A maximal stretch of a track outside its allowed area (or inside a buffer zone).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Stretch {
    /// [lon, lat] where the stretch starts.
    pub start: [f64; 2],
    /// [lon, lat] where it ends.
    pub end: [f64; 2],
    /// Geodesic length, metres.
    pub length_m: f64,
    /// Greatest distance to the allowed area (deviation) or deepest penetration
    /// (zone entry), metres; `null` when there is no allowed area to measure to.
    pub max_offset_m: Option<f64>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    /// The start and end times unrounded (Unix seconds), for the rules that
    /// judge durations: the texts above are rounded to the second.
    #[serde(skip)]
    pub start_s: Option<f64>,
    #[serde(skip)]
    pub end_s: Option<f64>,
}

impl ConvoyReport {
    /// A deviation, a zone entry or a gap in a lane.
    pub fn is_flagged(&self) -> bool {
        !self.deviations.is_empty() || !self.buffer_zone_entries.is_empty() || !self.gaps.is_empty()
    }

    /// Greatest `max_offset_m` among the deviations.
    pub fn worst_offset_m(&self) -> Option<f64> {
        self.deviations
            .iter()
            .filter_map(|s| s.max_offset_m)
            .reduce(f64::max)
    }
}

impl Report {
    pub fn flagged(&self) -> bool {
        self.convoys.iter().any(ConvoyReport::is_flagged)
    }
}

/// An incident's time as RFC 3339 UTC (to the millisecond when `ms`), whatever
/// form the source wrote it in; a date or a month stays as written (it is the
/// whole day or month, not its first instant).
pub fn incident_time(i: &crate::analysis::incidents::IncidentInfo, ms: bool) -> String {
    let format = if ms {
        crate::utc::format_rfc3339_ms
    } else {
        crate::utc::format_rfc3339
    };
    match (i.time_s, i.time_end_s) {
        (Some(a), Some(b)) if b > a => i.time.clone(),
        (t, _) => t.and_then(format).unwrap_or_else(|| i.time.clone()),
    }
}

/// Rounds metres to the decimetre for reports.
pub fn round_m(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Rounds degrees to 1e-7 (about 1 cm) for reports.
pub fn round_deg(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}
