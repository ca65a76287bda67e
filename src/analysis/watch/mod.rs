//! Watching a live feed, incrementally: each convoy keeps only what the next
//! report needs, so a batch costs what it brings, whatever the history.
//!
//! Per convoy the watcher holds its *tail*: the reports from the last clean
//! vertex on (a vertex inside the convoy's allowed area and outside every
//! zone), in time order. No stretch spans a clean vertex, so the track before
//! it can never change an answer: it is dropped. A batch re-checks only the
//! tails it touched (`tail`), with `check`'s code (the edge's intervals for a
//! one-edge tail, `check_convoy_measuring` for a longer one), so the
//! stretches are `check`'s; a new one is alerted once, known by its
//! convoy, type and start (its start time, or its start position to ~1 m).
//!
//! Reports are de-duplicated (same convoy, time and position) against the tail
//! and the last `RECENT` reports dropped from it. A report older than the
//! tail's first is *late*: counted, not re-ordered (the track before the tail
//! is settled). Reports out of order within the tail are merged in place.
//! Memory is bounded by convoys x (open stretch + `RECENT`), not by history;
//! a convoy that never has a clean vertex (approved for nothing, parked
//! outside) keeps its whole track. Stretches already in the tracks the watch
//! starts with (from files) are known, not alerted.

use self::near::NearIncidents;
use super::{CheckOptions, Scenario, assemble_convoys};
use crate::analysis::{Stretch, StretchKey};
use crate::model::{Feature, Layer, Role};
use geo::Coord;
use std::collections::{HashMap, HashSet, VecDeque};

/// Reports remembered after they leave a tail, for de-duplication.
pub const RECENT: usize = 256;

/// Changed convoys from which a batch is checked on all cores.
const PARALLEL_FROM: usize = 64;

/// A new deviation, zone entry or rule alert (`output::report::AlertEntry`
/// writes it); an `End` event gives a stretch's final figures once it has ended.
#[derive(Clone, Debug)]
pub struct Alert {
    pub convoy_id: String,
    pub alert_type: AlertType,
    /// `Start` on a new alert; `Update` or `End` on what follows it.
    pub event: AlertEvent,
    pub stretch: Stretch,
    /// Lon/lat path of the stretch (for the map; not printed).
    pub path: Vec<Coord>,
    /// The incident a `near_incident` alert is about.
    pub incident_id: Option<String>,
    /// How far the convoy was from that incident (an implausible fix: from
    /// its last kept report), metres.
    pub distance_m: Option<f64>,
    /// The speed an implausible fix needed, a loitering's mean speed, km/h.
    pub speed_kmh: Option<f64>,
    /// The other vessel of an encounter.
    pub other: Option<String>,
}

/// How a batch of reports was taken in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ingested {
    pub new: usize,
    pub duplicates: usize,
    /// Features that are not track reports (ignored).
    pub ignored: usize,
    /// Reports older than their convoy's settled track (counted, not used).
    pub late: usize,
}

/// (time bits, lon bits, lat bits) of a report.
type Key = (u64, u64, u64);

/// A position report, compact (a replay holds a million of them).
#[derive(Clone, Debug)]
pub struct PositionReport {
    pub convoy_id: std::sync::Arc<str>,
    pub at: Coord,
    pub time: Option<f64>,
    /// The convoy's approved corridors, when the report names them.
    pub corridor_ids: Option<std::sync::Arc<Vec<String>>>,
    /// The convoy's `report_interval_s`, when the report gives it.
    pub report_interval_s: Option<f64>,
    /// The convoy's own rule settings, when the report gives any.
    pub rules: Option<std::sync::Arc<ConvoyRules>>,
    /// The report says the convoy has arrived (`status: arrived`).
    pub arrived: bool,
    /// A vessel's report (`mmsi`, `vessel: true`): judged at sea speeds.
    pub vessel: bool,
}

#[derive(Clone, Debug)]
struct Vertex {
    at: Coord,
    time: Option<f64>,
    key: Key,
}

#[derive(Default)]
struct ConvoyState {
    id: std::sync::Arc<str>,
    corridor_ids: Option<Vec<String>>,
    tail: Vec<Vertex>,
    /// The keys of `tail`, counted (a repeat is found without reading the tail).
    tail_keys: HashMap<Key, u32>,
    /// Keys of the last `RECENT` reports dropped from the tail (all at or
    /// before its first time: searched only for reports that old).
    recent: VecDeque<Key>,
    /// Stretches alerted (or known from the files) whose start is in the tail.
    known: HashSet<(AlertType, StretchKey)>,
    changed: bool,
    /// The last report moved from the one before it (under way).
    moving: bool,
    report_interval_s: Option<f64>,
    /// Its own rule settings (from its reports).
    rules: ConvoyRules,
    /// The time of the last report a silence was alerted after.
    silent_after: Option<f64>,
    /// Since when the convoy has reported one position, having arrived there under way.
    still_since: Option<f64>,
    /// The `still_since` a stuck alert was raised for.
    stuck_alerted: Option<f64>,
    /// The tail's first vertex is clean (the tail was settled there).
    head_clean: bool,
    /// Its newest report says it has arrived (`status: arrived`).
    arrived: bool,
    /// Stretches alerted and not yet ended, by (type, key): their figures so far.
    open_alerts: HashMap<(AlertType, StretchKey), open::OpenAlert>,
    /// While a stretch is open and every stretch of the tail is alerted: the
    /// tail's last vertex at that check. The next check reads only the tail
    /// from there (what the batch brought), so an excursion costs each batch
    /// what the batch brings, not its whole length again.
    open_at: Option<usize>,
    /// Some time in the tail up to `open_at` has a fraction of a second (the
    /// times' text is then to the millisecond; a part read alone must agree).
    open_fractional: bool,
    /// The allowed-area mask of `corridor_ids` (built on first need).
    mask: Option<Vec<bool>>,
    /// The corridor piece that held the last clean edge.
    hint: Option<u32>,
    /// Incidents this convoy has been alerted near.
    near_alerted: HashSet<String>,
    /// Tail vertices read by checks so far (what a batch costs, counted).
    read: usize,
    /// A report held back as a possible jump.
    jumps: jumps::JumpGuard<PositionReport>,
}

impl ConvoyState {
    /// Whether a report at `time` with `key` was seen: in the tail (from the
    /// newest back), or, when it is no newer than the tail's first, among the
    /// recent ones dropped from it.
    fn has(&self, key: &Key, time: Option<f64>) -> bool {
        if self.tail_keys.contains_key(key) {
            return true;
        }
        let head = self.tail.first().and_then(|v| v.time);
        let old = match (time, head) {
            (Some(t), Some(h)) => t <= h,
            _ => true,
        };
        old && self.recent.contains(key)
    }

    fn remember(&mut self, key: Key) {
        self.recent.push_back(key);
        if self.recent.len() > RECENT {
            self.recent.pop_front();
        }
    }
}

/// The state of a watch.
pub struct Watcher {
    scn: Scenario,
    /// In the order first seen (alerts come in this order).
    convoys: Vec<ConvoyState>,
    index: HashMap<std::sync::Arc<str>, usize>,
    /// Convoys with new reports since the last check (a batch costs what it brings).
    changed: Vec<usize>,
    new_reports: Vec<Feature>,
    opts: CheckOptions,
    /// A stretch alerts once it has lasted this long (seconds; 0: at once).
    min_duration_s: f64,
    /// A stretch's end is alerted too (`AlertEvent::End`), and its growth
    /// (`Update`) when `stretch_updates`.
    stretch_events: bool,
    stretch_updates: bool,
    /// Silence (seconds) after which a convoy under way alerts `silent`.
    silent_after_s: Option<f64>,
    /// Seconds at one position, after moving there, that alert `stuck`.
    stuck_after_s: Option<f64>,
    /// Some convoy has a silence limit of its own (`report_interval_s`, `silent_after_s`).
    any_own_silence: bool,
    /// Some convoy has a stuck limit of its own.
    any_own_stuck: bool,
    /// The near-incident radius (metres) and window (hours) of the watch.
    near_radius_m: Option<f64>,
    near_window_h: f64,
    /// The near-incident rule, when set.
    near: Option<NearIncidents>,
    /// Changed convoys from which a batch is checked on all cores.
    parallel_from: usize,
    /// Where a trip ends: both ends of every corridor, grain lane and planned
    /// route (a convoy stopped there has arrived, not fallen silent).
    destinations: Vec<arrival::Destination>,
    /// Reports (convoy, position, time) not yet checked against incidents.
    near_pending: Vec<(usize, Coord, f64)>,
    /// The speed beyond which a report is a jump (`jumps`), and the jumps
    /// found since the last check.
    max_speed: crate::analysis::fixes::SpeedLimit,
    jump_alerts: Vec<Alert>,
    /// Loitering and encounters (off unless asked for).
    sea: sea_state::SeaState,
    /// Off-window, closed-corridor and not-notified alerts.
    notice: notice_state::NoticeState,
}

fn key_of(at: Coord, time: Option<f64>) -> Key {
    (
        time.unwrap_or(f64::NAN).to_bits(),
        at.x.to_bits(),
        at.y.to_bits(),
    )
}

impl Watcher {
    /// A watcher over the corridor, zone and track layers of `layers`.
    pub fn new(layers: Vec<Layer>) -> Watcher {
        let initial = assemble_convoys(&layers);
        let mut w = Watcher {
            scn: Scenario::new(layers),
            convoys: Vec::new(),
            index: HashMap::new(),
            changed: Vec::new(),
            new_reports: Vec::new(),
            // AIS gaps are `check`'s, not alerts: not looked for here.
            opts: CheckOptions {
                gap_s: 0.0,
                events: None,
                ..CheckOptions::default()
            },
            min_duration_s: 0.0,
            stretch_events: false,
            stretch_updates: false,
            silent_after_s: None,
            stuck_after_s: None,
            any_own_silence: false,
            any_own_stuck: false,
            near_radius_m: None,
            near_window_h: 24.0,
            near: None,
            near_pending: Vec::new(),
            parallel_from: PARALLEL_FROM,
            destinations: Vec::new(),
            max_speed: Default::default(),
            jump_alerts: Vec::new(),
            sea: Default::default(),
            notice: Default::default(),
        };
        w.destinations = arrival::destinations(&w.scn.layers);
        // What the files already show is known, not news.
        for c in initial {
            let Some(last) = c.parts.last() else { continue };
            let i = w.state(&c.convoy_id);
            w.mark(i);
            let st = &mut w.convoys[i];
            st.corridor_ids = c.corridor_ids.clone();
            st.jumps.vessel = c.vessel;
            st.tail = last
                .coords
                .iter()
                .zip(&last.times)
                .map(|(at, t)| Vertex {
                    at: *at,
                    time: *t,
                    key: key_of(*at, *t),
                })
                .collect();
            st.tail_keys.clear();
            for v in &st.tail {
                *st.tail_keys.entry(v.key).or_default() += 1;
            }
        }
        let _ = w.check();
        w
    }

    /// Alerts a deviation or zone entry only once it has lasted `s` seconds
    /// (a track that grazes a boundary for less raises nothing). A stretch
    /// without times alerts at once: its duration is not known.
    /// Alerts a stretch's final figures (`end`) besides its start, and with
    /// `updates` its figures so far after each batch (`update`).
    pub fn with_stretch_events(mut self, ends: bool, updates: bool) -> Watcher {
        self.stretch_events = ends || updates;
        self.stretch_updates = updates;
        self
    }

    /// Judges reports by this speed for jumps (`jumps`).
    pub fn with_max_speed(mut self, limit: crate::analysis::fixes::SpeedLimit) -> Watcher {
        self.max_speed = limit;
        self
    }

    pub fn with_min_duration_s(mut self, s: f64) -> Watcher {
        self.min_duration_s = if s.is_finite() { s.max(0.0) } else { 0.0 };
        self
    }

    /// The convoy's index, added when first seen.
    fn state(&mut self, id: &str) -> usize {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let id: std::sync::Arc<str> = id.into();
        self.convoys.push(ConvoyState {
            id: id.clone(),
            ..Default::default()
        });
        self.index.insert(id, self.convoys.len() - 1);
        self.convoys.len() - 1
    }

    fn mark(&mut self, i: usize) {
        if !std::mem::replace(&mut self.convoys[i].changed, true) {
            self.changed.push(i);
        }
    }

    /// Checks every batch on the calling thread (a replay runs one watcher per core).
    pub fn serial(mut self) -> Watcher {
        self.parallel_from = usize::MAX;
        self
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scn
    }

    /// The reports taken in since the last call (for drawing them).
    pub fn take_new_reports(&mut self) -> Vec<Feature> {
        std::mem::take(&mut self.new_reports)
    }

    /// Reports held in all tails (what memory grows with).
    pub fn held(&self) -> usize {
        self.convoys.iter().map(|c| c.tail.len()).sum()
    }

    /// Tail vertices the checks have read so far: grows with the reports
    /// taken in, not with their square while a stretch is open.
    pub fn vertices_read(&self) -> usize {
        self.convoys.iter().map(|c| c.read).sum()
    }

    /// Takes in a batch of position reports (a feed page set).
    pub fn ingest(&mut self, feed: &Layer) -> Ingested {
        let mut n = Ingested::default();
        for f in &feed.features {
            let Some((convoy, at, time)) = report_of(f) else {
                n.ignored += 1;
                continue;
            };
            let report = PositionReport {
                convoy_id: convoy.into(),
                at,
                time,
                corridor_ids: f.id_list("corridor_ids").map(std::sync::Arc::new),
                report_interval_s: report_interval_of(f),
                rules: ConvoyRules::of(f).map(std::sync::Arc::new),
                arrived: says_arrived(f),
                vessel: super::convoys::is_vessel(f),
            };
            if self.take(&report, &mut n) {
                self.new_reports.push(f.clone());
            }
        }
        n
    }

    /// Takes in a batch of compact reports (a replay's).
    pub fn ingest_reports(&mut self, reports: &[PositionReport]) -> Ingested {
        let mut n = Ingested::default();
        for r in reports {
            self.take(r, &mut n);
        }
        n
    }

    /// One report into its convoy's tail, as it is; whether it was new.
    fn take_now(&mut self, r: &PositionReport, n: &mut Ingested) -> bool {
        let key = key_of(r.at, r.time);
        if let Some(rules) = &r.rules {
            self.any_own_silence |= rules.silent_after_s.is_some();
            self.any_own_stuck |= rules.stuck_after_s.is_some();
            if rules.near_incident_m.is_some() && self.near.is_none() {
                self.near = Some(NearIncidents::new(&self.scn.layers, self.near_window_h));
            }
        }
        self.any_own_silence |= r.report_interval_s.is_some();
        let i = self.state(&r.convoy_id);
        let st = &mut self.convoys[i];
        if st.has(&key, r.time) {
            n.duplicates += 1;
            return false;
        }
        let first = st.tail.first().and_then(|v| v.time);
        if let (Some(t), Some(f0)) = (r.time, first)
            && t < f0
        {
            n.late += 1;
            st.remember(key);
            return false;
        }
        if st.corridor_ids.is_none() && r.corridor_ids.is_some() {
            st.corridor_ids = r.corridor_ids.as_ref().map(|ids| ids.to_vec());
            st.mask = None;
            st.open_at = None;
        }
        if r.report_interval_s.is_some() {
            st.report_interval_s = r.report_interval_s;
        }
        if let Some(rules) = &r.rules {
            st.rules.update(rules);
        }
        // In time order; equal times keep their arrival order.
        let at_index = match r.time {
            Some(t) => st.tail.partition_point(|v| v.time.is_none_or(|x| x <= t)),
            None => st.tail.len(),
        };
        if at_index == st.tail.len() {
            // The newest report: under way if it moved from the one before;
            // still since the one before if it did not, having been under way.
            let prev = st.tail.last().map(|v| (v.at, v.time));
            match prev {
                Some((at, t)) if at == r.at => {
                    if st.still_since.is_none() && st.moving {
                        st.still_since = t;
                    }
                }
                _ => st.still_since = None,
            }
            st.moving = prev.is_some_and(|(at, _)| at != r.at);
            st.arrived = r.arrived;
        }
        if st.open_at.is_some_and(|m| at_index <= m) || r.time.is_none() {
            // Before the part already read, or untimed: the next check reads it all.
            st.open_at = None;
        }
        *st.tail_keys.entry(key).or_default() += 1;
        st.tail.insert(
            at_index,
            Vertex {
                at: r.at,
                time: r.time,
                key,
            },
        );
        self.mark(i);
        let radius = self.convoys[i].rules.near_incident_m.or(self.near_radius_m);
        if let (Some(_), Some(_), Some(t)) = (&self.near, radius, r.time) {
            self.near_pending.push((i, r.at, t));
        }
        n.new += 1;
        true
    }

    /// Re-checks the convoys that changed (their tails only) and returns the
    /// stretches not seen before.
    pub fn check(&mut self) -> Vec<Alert> {
        use rayon::prelude::*;
        let changed = std::mem::take(&mut self.changed);
        let (scn, opts, min_s) = (&self.scn, &self.opts, self.min_duration_s);
        let events = (self.stretch_events, self.stretch_updates);
        // The changed convoys are independent: checked in parallel when there
        // are enough of them to pay for it, alerts kept in first-seen order.
        let mut states: Vec<&mut ConvoyState> = if changed.len() * 8 < self.convoys.len() {
            let mut c = changed;
            c.sort_unstable();
            let mut out = Vec::with_capacity(c.len());
            let mut rest: &mut [ConvoyState] = &mut self.convoys;
            let mut base = 0;
            for i in c {
                let (_, tail) = rest.split_at_mut(i - base);
                let (one, after) = tail.split_at_mut(1);
                out.push(&mut one[0]);
                rest = after;
                base = i + 1;
            }
            out
        } else {
            self.convoys.iter_mut().filter(|s| s.changed).collect()
        };
        let per: Vec<Vec<Alert>> = if states.len() >= self.parallel_from {
            states
                .par_iter_mut()
                .map(|st| st.check_tail(scn, opts, min_s, events))
                .collect()
        } else {
            states
                .iter_mut()
                .map(|st| st.check_tail(scn, opts, min_s, events))
                .collect()
        };
        let mut out = std::mem::take(&mut self.jump_alerts);
        out.extend(per.into_iter().flatten());
        out.extend(self.check_near());
        out
    }
}

/// (convoy, position, time) of a point report; `None` for anything else.
fn report_of(f: &Feature) -> Option<(String, Coord, Option<f64>)> {
    if f.role != Role::Track {
        return None;
    }
    let Some(geo::Geometry::Point(p)) = &f.geometry else {
        return None;
    };
    let convoy = f.prop_text("convoy_id")?;
    // The report's time, read where it was loaded.
    let t = f
        .times
        .as_ref()
        .and_then(|t| t.first()?.first().copied().flatten());
    Some((convoy, p.0, t))
}

mod alert_type;
mod arrival;
mod jumps;
mod near;
mod notice;
mod notice_state;
mod open;
mod options;
mod rules;
mod sea;
mod sea_state;
mod tail;
mod take;
pub use self::alert_type::AlertType;
pub use self::arrival::says_arrived;
pub use self::open::AlertEvent;
pub use self::options::{ConvoyRules, Options, report_interval_of};
#[cfg(test)]
mod tests;
