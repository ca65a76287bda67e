//! The check report, exactly as `docs/layers.md` ("Report") lays it out.

use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub convoys: Vec<ConvoyReport>,
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

/// Rounds metres to the decimetre for reports.
pub fn round_m(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Rounds degrees to 1e-7 (about 1 cm) for reports.
pub fn round_deg(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}
