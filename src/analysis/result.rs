//! What a check finds, in numbers: positions lon/lat degrees (longitude in
//! [-180, 180]), metres unrounded, times as Unix seconds (milliseconds kept).
//! Rounding, RFC 3339 text and the JSON shape are `output::report`'s.

use geo::Coord;

/// A maximal stretch of a track outside its allowed area (a deviation) or
/// inside a buffer zone (a zone entry).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stretch {
    /// Where the stretch starts.
    pub start: Coord,
    /// Where it ends.
    pub end: Coord,
    /// Geodesic length, metres.
    pub length_m: f64,
    /// Greatest distance to the allowed area (deviation) or deepest penetration
    /// (zone entry), metres; `None` when there is no allowed area to measure
    /// to, or when the caller did not ask for it.
    pub max_offset_m: Option<f64>,
    /// When it started and ended (interpolated along the track), Unix seconds.
    pub start_s: Option<f64>,
    pub end_s: Option<f64>,
    /// The track's times carry fractions of a second: its times are written to
    /// the millisecond (else to the second).
    pub subsecond: bool,
}

/// What identifies a stretch as it grows (a live watch's alerts, the database
/// sink's rows): its start time as written (whole milliseconds), or, without
/// times, its start position to 1e-5 degrees (about 1 m).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StretchKey {
    StartMs(i64),
    Place(i64, i64),
}

impl Stretch {
    /// A stretch's start time as it is written: to the millisecond when the
    /// track's times carry fractions, else to the second; whole milliseconds.
    pub fn start_ms(&self) -> Option<i64> {
        let t = self.start_s.filter(|t| t.is_finite())?;
        Some(if self.subsecond {
            (t * 1000.0).round() as i64
        } else {
            t.round() as i64 * 1000
        })
    }

    pub fn key(&self) -> StretchKey {
        match self.start_ms() {
            Some(ms) => StretchKey::StartMs(ms),
            None => StretchKey::Place(
                (self.start.x * 1e5).round() as i64,
                (self.start.y * 1e5).round() as i64,
            ),
        }
    }
}

impl Stretch {
    /// The same figures as written (positions to 1e-7 degrees, metres to the
    /// decimetre, times to the millisecond): what tells a live watch that an
    /// alerted stretch has changed, or that a stretch starts at a vertex.
    pub fn same_figures(&self, o: &Stretch) -> bool {
        let r = |v: f64, k: f64| (v * k).round();
        let m = |v: Option<f64>, k: f64| v.map(|v| r(v, k));
        same_place(self.start, o.start)
            && same_place(self.end, o.end)
            && r(self.length_m, 10.0) == r(o.length_m, 10.0)
            && m(self.max_offset_m, 10.0) == m(o.max_offset_m, 10.0)
            && self.start_ms() == o.start_ms()
            && m(self.end_s, 1000.0) == m(o.end_s, 1000.0)
    }
}

/// Two positions that are written the same (to 1e-7 degrees, about 1 cm).
pub fn same_place(a: Coord, b: Coord) -> bool {
    let r = |v: f64| (v * 1e7).round();
    r(a.x) == r(b.x) && r(a.y) == r(b.y)
}

impl StretchKey {
    /// The start time the key names, Unix seconds (`None` for a place).
    pub fn start_s(self) -> Option<f64> {
        match self {
            StretchKey::StartMs(ms) => Some(ms as f64 / 1000.0),
            StretchKey::Place(..) => None,
        }
    }
}

/// A vessel that went silent inside a grain lane: its last report before the
/// silence and its first after.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gap {
    pub start: Coord,
    pub end: Coord,
    pub start_s: f64,
    pub end_s: f64,
}

impl Gap {
    /// How long it was silent, seconds.
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }

    /// The speed the silence implies (from its last report to its first
    /// after it, geodesic), knots; `None` for no time at all.
    pub fn implied_speed_kn(&self) -> Option<f64> {
        let dt = self.duration_s();
        (dt > 0.0).then(|| {
            crate::geodesy::fast_distance_m(self.start, self.end) / dt * 3.6
                / crate::analysis::fixes::KMH_PER_KN
        })
    }
}

/// What a track did besides its stretches (`docs/layers.md`, "Events").
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A fix left out of the track (`analysis::fixes`): `from` is the last
    /// kept fix; the speed reaching it would need, km/h.
    ImplausibleJump { from: Coord, speed_kmh: Option<f64> },
    /// A vessel slower than the slow speed between every pair of its fixes
    /// for at least the loitering time: its mean speed, knots.
    Loitering { mean_speed_kn: f64 },
    /// Two vessels near each other, both slow, for at least the encounter
    /// time: the other's convoy id, their closest distance, metres, and
    /// where each was then (this vessel, the other).
    Encounter {
        other: String,
        min_distance_m: f64,
        link: [Coord; 2],
    },
}

/// One event of a convoy: when, and where (the dropped fix, the loitering's
/// mean position, the midpoint of the two vessels when closest).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    pub start_s: f64,
    pub end_s: f64,
    pub position: Coord,
}

impl Event {
    /// As the report's `type` writes it.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            EventKind::ImplausibleJump { .. } => "implausible_jump",
            EventKind::Loitering { .. } => "loitering",
            EventKind::Encounter { .. } => "encounter",
        }
    }

    /// How long it lasted, seconds.
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// One convoy checked.
#[derive(Clone, Debug, Default)]
pub struct ConvoyCheck {
    pub convoy_id: String,
    /// Geodesic length of the whole track, metres.
    pub length_m: f64,
    pub deviations: Vec<Stretch>,
    pub buffer_zone_entries: Vec<Stretch>,
    /// The approved corridor ids as given; `None` approves every corridor and grain route.
    pub corridor_ids: Option<Vec<String>>,
    /// Silences that began inside a grain lane (AIS gaps).
    pub gaps: Vec<Gap>,
    pub warnings: Vec<String>,
    /// A vessel (`mmsi`, `vessel: true`, an AIS reader's track).
    pub vessel: bool,
    /// A vessel that never came within a grain lane (and names no corridors):
    /// not checked for deviations.
    pub not_in_lane: bool,
    /// Implausible jumps, loitering and encounters, in time order.
    pub events: Vec<Event>,
    /// Against its notified movements and the corridors' closures; `None`
    /// when the layers hold no movement and no closure.
    pub notification: Option<Notification>,
}

/// A convoy checked against its notifications (`docs/layers.md`, "Notified movements").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notification {
    /// The movements that name it.
    pub movement_ids: Vec<String>,
    /// The layers hold movements and none names this convoy (a timed track).
    pub not_notified: bool,
    /// Under way outside every window of its movements (`max_offset_m: None`).
    pub off_window: Vec<Stretch>,
    /// Inside an approved corridor while it was closed: the stretch and the corridor's id.
    pub closed_corridor: Vec<(Stretch, String)>,
}

impl Notification {
    /// Anything to flag: off its window, never notified, in a closed corridor.
    pub fn is_flagged(&self) -> bool {
        self.not_notified || !self.off_window.is_empty() || !self.closed_corridor.is_empty()
    }
}

impl ConvoyCheck {
    /// A deviation, a zone entry or a gap in a lane.
    pub fn is_flagged(&self) -> bool {
        !self.deviations.is_empty()
            || !self.buffer_zone_entries.is_empty()
            || !self.gaps.is_empty()
            || self
                .notification
                .as_ref()
                .is_some_and(Notification::is_flagged)
    }

    /// Every stretch told of the convoy: its deviations and zone entries,
    /// and against its notified movements its stretches off window and in
    /// closed corridors (what the app's convoy details list).
    pub fn stretch_count(&self) -> usize {
        let notified = self
            .notification
            .as_ref()
            .map_or(0, |n| n.off_window.len() + n.closed_corridor.len());
        self.deviations.len() + self.buffer_zone_entries.len() + notified
    }

    /// Greatest `max_offset_m` among the deviations.
    pub fn worst_offset_m(&self) -> Option<f64> {
        self.deviations
            .iter()
            .filter_map(|s| s.max_offset_m)
            .reduce(f64::max)
    }
}
