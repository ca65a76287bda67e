//! The check report, exactly as `docs/layers.md` ("Report") lays it out: the
//! analysis's numbers (`analysis::result`) rounded and written. Every rounding
//! and time text of the outputs is here.

use crate::analysis::incidents::IncidentInfo;
use crate::analysis::result::{Event, EventKind, Notification};
use crate::analysis::watch::{Alert, AlertEvent, AlertType};
use crate::analysis::{ConvoyCheck, Gap, Stretch};
use crate::utc::{format_rfc3339, format_rfc3339_ms};
use geo::Coord;
use serde::Serialize;

/// What a report or export made from the bundled (invented) scenario says of itself.
pub const ILLUSTRATIVE_NOTE: &str = "ILLUSTRATIVE DATA: made from corridor-watch's bundled scenario, whose corridors, tracks and incidents are invented";

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// *corridor-watch*: present only when the report is made from the bundled
    /// (invented) scenario, and says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub illustrative: Option<String>,
    /// *corridor-watch*: the figures a reader wants first (left out when not asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    pub convoys: Vec<ConvoyEntry>,
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
    /// Events of each type (`implausible_jump`, `loitering`; an encounter
    /// counts once, though both vessels list it).
    pub implausible_jumps: usize,
    pub loitering: usize,
    pub encounters: usize,
    /// Vessels that never came within a grain lane (not checked for deviations).
    pub not_in_lane: usize,
    /// With movements or closures in the layers: stretches under way off
    /// every window, convoys never notified, stretches in a closed corridor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off_window: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_notified: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_corridor: Option<usize>,
    /// Greatest deviation offset of any convoy, metres.
    pub worst_offset_m: Option<f64>,
    pub incidents: usize,
    pub incidents_inside: usize,
    /// Incidents inside the zone per sector (when the layers give a zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents_by_sector: Option<Vec<SectorCount>>,
}

/// Incidents inside the zone in one sector.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SectorCount {
    pub sector: String,
    pub incidents: usize,
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
    /// Its sector of the zone, when inside.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
}

impl IncidentRow {
    pub fn of(i: &IncidentInfo) -> IncidentRow {
        IncidentRow {
            id: i.id.clone(),
            category: i.category.clone(),
            time: incident_time(i, true),
            position: lon_lat(i.pos),
            inside: i.inside,
            depth_m: i.inside.then(|| round_m(i.depth_m)),
            distance_to_contact_m: i.contact_line_m.map(round_m),
            sector: i.sector.clone(),
        }
    }
}

impl Report {
    /// The report of convoys checked (without summary and incidents).
    pub fn new(checks: &[ConvoyCheck]) -> Report {
        Report {
            convoys: checks.iter().map(ConvoyEntry::of).collect(),
            ..Default::default()
        }
    }

    /// The report as `check` writes it: with the summary and the incidents
    /// (from `crate::analysis::incidents`).
    /// `sectors`: the zone's sectors in order (empty: no zone, no count).
    pub fn with_summary(
        checks: &[ConvoyCheck],
        incidents: &[IncidentInfo],
        sectors: &[String],
    ) -> Report {
        let rows: Vec<IncidentRow> = incidents.iter().map(IncidentRow::of).collect();
        let c = checks;
        Report {
            summary: Some(Summary {
                convoys: c.len(),
                flagged: c.iter().filter(|r| r.is_flagged()).count(),
                deviations: c.iter().map(|r| r.deviations.len()).sum(),
                buffer_zone_entries: c.iter().map(|r| r.buffer_zone_entries.len()).sum(),
                gaps: c.iter().map(|r| r.gaps.len()).sum(),
                implausible_jumps: count(c, "implausible_jump"),
                loitering: count(c, "loitering"),
                encounters: count(c, "encounter") / 2,
                not_in_lane: c.iter().filter(|r| r.not_in_lane).count(),
                off_window: notified(c, |n| n.off_window.len()),
                not_notified: notified(c, |n| usize::from(n.not_notified)),
                closed_corridor: notified(c, |n| n.closed_corridor.len()),
                worst_offset_m: c
                    .iter()
                    .filter_map(ConvoyCheck::worst_offset_m)
                    .reduce(f64::max)
                    .map(round_m),
                incidents: rows.len(),
                incidents_inside: rows.iter().filter(|i| i.inside).count(),
                incidents_by_sector: (!sectors.is_empty()).then(|| {
                    crate::analysis::sectors::count(
                        sectors,
                        rows.iter().filter_map(|i| i.sector.as_deref()),
                    )
                    .into_iter()
                    .map(|(sector, incidents)| SectorCount { sector, incidents })
                    .collect()
                }),
            }),
            incidents: Some(rows),
            ..Report::new(checks)
        }
    }
}

/// A figure of the convoys' notifications, summed (`None` when the layers
/// hold no movement and no closure).
fn notified(checks: &[ConvoyCheck], of: impl Fn(&Notification) -> usize) -> Option<usize> {
    let mut any = false;
    let mut n = 0;
    for c in checks {
        if let Some(x) = &c.notification {
            any = true;
            n += of(x);
        }
    }
    any.then_some(n)
}

/// Events of one type over every convoy.
fn count(checks: &[ConvoyCheck], type_name: &str) -> usize {
    let of = |c: &ConvoyCheck| {
        c.events
            .iter()
            .filter(|e| e.type_name() == type_name)
            .count()
    };
    checks.iter().map(of).sum()
}

/// A convoy as the report lists it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ConvoyEntry {
    pub convoy_id: String,
    /// Geodesic length of the whole track, metres.
    pub length_m: f64,
    pub deviations: Vec<StretchEntry>,
    pub buffer_zone_entries: Vec<StretchEntry>,
    /// The approved corridor ids as given; `null` approves every corridor and grain route.
    pub corridor_ids: Option<Vec<String>>,
    /// Silences that began inside a grain lane (AIS gaps); left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<GapEntry>,
    /// A vessel that never came within a grain lane: not checked for
    /// deviations (left out when false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_in_lane: bool,
    /// Implausible jumps, loitering and encounters (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventEntry>,
    /// Against its movements and the closures (left out when the layers
    /// hold no movement and no closure).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub notification: Option<NotificationEntry>,
    pub warnings: Vec<String>,
}

/// A convoy against its notified movements and the corridors' closures.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct NotificationEntry {
    pub movement_ids: Vec<String>,
    pub not_notified: bool,
    pub off_window: Vec<StretchEntry>,
    pub closed_corridor: Vec<ClosedEntry>,
}

/// A stretch in a closed corridor: a deviation's members and the corridor.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ClosedEntry {
    #[serde(flatten)]
    pub stretch: StretchEntry,
    pub corridor_id: String,
}

impl NotificationEntry {
    pub fn of(n: &Notification) -> NotificationEntry {
        NotificationEntry {
            movement_ids: n.movement_ids.clone(),
            not_notified: n.not_notified,
            off_window: n.off_window.iter().map(StretchEntry::of).collect(),
            closed_corridor: n
                .closed_corridor
                .iter()
                .map(|(s, id)| ClosedEntry {
                    stretch: StretchEntry::of(s),
                    corridor_id: id.clone(),
                })
                .collect(),
        }
    }
}

impl ConvoyEntry {
    pub fn of(c: &ConvoyCheck) -> ConvoyEntry {
        ConvoyEntry {
            convoy_id: c.convoy_id.clone(),
            length_m: round_m(c.length_m),
            deviations: c.deviations.iter().map(StretchEntry::of).collect(),
            buffer_zone_entries: c.buffer_zone_entries.iter().map(StretchEntry::of).collect(),
            corridor_ids: c.corridor_ids.clone(),
            gaps: c.gaps.iter().map(GapEntry::of).collect(),
            not_in_lane: c.not_in_lane,
            events: c.events.iter().map(EventEntry::of).collect(),
            notification: c.notification.as_ref().map(NotificationEntry::of),
            warnings: c.warnings.clone(),
        }
    }
}

/// A vessel that went silent inside a grain lane, as the report writes it.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct GapEntry {
    /// [lon, lat] of the last report before the silence.
    pub start: [f64; 2],
    /// [lon, lat] of the first report after it.
    pub end: [f64; 2],
    pub start_time: String,
    pub end_time: String,
    /// How long it was silent, seconds.
    pub duration_s: f64,
    /// The speed from the last report to the first after it, knots (to 0.1).
    pub implied_speed_kn: Option<f64>,
}

impl GapEntry {
    pub fn of(g: &Gap) -> GapEntry {
        GapEntry {
            start: lon_lat(g.start),
            end: lon_lat(g.end),
            start_time: format_rfc3339_ms(g.start_s).unwrap_or_default(),
            end_time: format_rfc3339_ms(g.end_s).unwrap_or_default(),
            duration_s: g.duration_s().round(),
            implied_speed_kn: g.implied_speed_kn().map(|v| (v * 10.0).round() / 10.0),
        }
    }
}

/// An event as the report writes it: `type`, `start_time`, `end_time`,
/// `position` [lon, lat], and the members of its type.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct EventEntry {
    #[serde(rename = "type")]
    pub event_type: &'static str,
    pub start_time: String,
    pub end_time: String,
    pub position: [f64; 2],
    /// `implausible_jump`: the dropped fix's time, the last kept fix before
    /// it, and the speed reaching it would need (km/h, to 0.1; left out at
    /// the same time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed_kmh: Option<f64>,
    /// `loitering`, `encounter`: seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<f64>,
    /// `loitering`: knots, to 0.01.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_speed_kn: Option<f64>,
    /// `encounter`: the other vessel's convoy id and their closest distance, metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_distance_m: Option<f64>,
}

impl EventEntry {
    pub fn of(e: &Event) -> EventEntry {
        let t = |s: f64| format_rfc3339_ms(s).unwrap_or_default();
        let mut out = EventEntry {
            event_type: e.type_name(),
            start_time: t(e.start_s),
            end_time: t(e.end_s),
            position: lon_lat(e.position),
            time: None,
            from: None,
            speed_kmh: None,
            duration_s: None,
            mean_speed_kn: None,
            other: None,
            min_distance_m: None,
        };
        match &e.kind {
            EventKind::ImplausibleJump { from, speed_kmh } => {
                out.time = Some(t(e.start_s));
                out.from = Some(lon_lat(*from));
                out.speed_kmh = speed_kmh.map(|v| (v * 10.0).round() / 10.0);
            }
            EventKind::Loitering { mean_speed_kn } => {
                out.duration_s = Some(e.duration_s().round());
                out.mean_speed_kn = Some((mean_speed_kn * 100.0).round() / 100.0);
            }
            EventKind::Encounter {
                other,
                min_distance_m,
                ..
            } => {
                out.duration_s = Some(e.duration_s().round());
                out.other = Some(other.clone());
                out.min_distance_m = Some(round_m(*min_distance_m));
            }
        }
        out
    }
}

/// A stretch as the report writes it: [lon, lat] to 1e-7 degrees, metres to
/// the decimetre, times as RFC 3339 (to the millisecond when the track's are).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct StretchEntry {
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

impl StretchEntry {
    pub fn of(s: &Stretch) -> StretchEntry {
        StretchEntry {
            start: lon_lat(s.start),
            end: lon_lat(s.end),
            length_m: round_m(s.length_m),
            max_offset_m: s.max_offset_m.map(round_m),
            start_time: s.start_s.and_then(|t| time_text(t, s.subsecond)),
            end_time: s.end_s.and_then(|t| time_text(t, s.subsecond)),
        }
    }
}

/// A live alert as `watch` prints it (one JSON line) and the database sink
/// stores it; an `end` line gives a stretch's final figures once it has ended.
#[derive(Clone, Debug, Serialize)]
pub struct AlertEntry {
    pub convoy_id: String,
    #[serde(rename = "type")]
    pub alert_type: AlertType,
    /// Left out on a new alert; `"update"` or `"end"` on what follows it.
    #[serde(skip_serializing_if = "AlertEvent::is_start")]
    pub event: AlertEvent,
    #[serde(flatten)]
    pub stretch: StretchEntry,
    /// The incident a `near_incident` alert is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_id: Option<String>,
    /// How far the convoy was from that incident (an `implausible_jump`: the
    /// dropped fix from the last kept one), metres.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
    /// The speed an `implausible_jump` needed, km/h (to 0.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speed_kmh: Option<f64>,
    /// A `loitering`'s mean speed, knots (to 0.01).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_speed_kn: Option<f64>,
    /// The other vessel of an `encounter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other: Option<String>,
    /// The closed corridor of a `closed_corridor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corridor_id: Option<String>,
}

impl AlertEntry {
    pub fn of(a: &Alert) -> AlertEntry {
        AlertEntry {
            convoy_id: a.convoy_id.clone(),
            alert_type: a.alert_type,
            event: a.event,
            stretch: StretchEntry::of(&a.stretch),
            incident_id: a.incident_id.clone(),
            distance_m: a.distance_m.map(round_m),
            speed_kmh: (a.alert_type != AlertType::Loitering)
                .then_some(a.speed_kmh)
                .flatten()
                .map(|v| (v * 10.0).round() / 10.0),
            mean_speed_kn: (a.alert_type == AlertType::Loitering)
                .then_some(a.speed_kmh)
                .flatten()
                .map(|v| (v / 1.852 * 100.0).round() / 100.0),
            other: a
                .other
                .clone()
                .filter(|_| a.alert_type != AlertType::ClosedCorridor),
            corridor_id: a
                .other
                .clone()
                .filter(|_| a.alert_type == AlertType::ClosedCorridor),
        }
    }
}

/// What identifies a stretch as the database sink's rows write it: its start
/// time as written, or its start position to 1e-5 degrees.
pub fn stretch_key_text(s: &Stretch) -> String {
    let e = StretchEntry::of(s);
    e.start_time
        .unwrap_or_else(|| format!("{:.5},{:.5}", e.start[0], e.start[1]))
}

/// Unix seconds as RFC 3339: to the millisecond when `subsecond`, else to the second.
pub fn time_text(t: f64, subsecond: bool) -> Option<String> {
    if subsecond {
        format_rfc3339_ms(t)
    } else {
        format_rfc3339(t)
    }
}

/// [lon, lat] rounded to 1e-7 degrees.
pub fn lon_lat(c: Coord) -> [f64; 2] {
    [round_deg(c.x), round_deg(c.y)]
}

/// An incident's time as RFC 3339 UTC (to the millisecond when `ms`), whatever
/// form the source wrote it in; a date or a month stays as written (it is the
/// whole day or month, not its first instant).
pub fn incident_time(i: &IncidentInfo, ms: bool) -> String {
    let format = if ms {
        format_rfc3339_ms
    } else {
        format_rfc3339
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
