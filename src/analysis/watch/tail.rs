//! A convoy's tail checked after a batch: the common report (one clean edge
//! from a clean vertex) by that edge alone, a longer tail with `check`'s own
//! code (offsets only for stretches not yet alerted), then settled at its last
//! clean vertex.

use super::open::OpenAlert;
use super::{Alert, AlertEvent, AlertType, ConvoyState, Key, RECENT, Vertex};
use crate::analysis::result::same_place;
use crate::analysis::stretches::{TOUCH_M, TRACK_DENSIFY_M};
use crate::analysis::{
    CheckOptions, ConvoyResult, DensePart, Mode, Scenario, check_convoy_measuring,
    find_stretches_hinted,
};
use crate::analysis::{Stretch, StretchKey};
use crate::geodesy::wrap_dlon_deg;
use crate::model::{Convoy, TrackPart};
use geo::Coord;

impl ConvoyState {
    /// Checks the tail after a batch with `check`'s code: its new stretches,
    /// then settled.
    pub(super) fn check_tail(
        &mut self,
        scn: &Scenario,
        opts: &CheckOptions,
        min_s: f64,
        (events, updates): (bool, bool),
    ) -> Vec<Alert> {
        let st = self;
        st.changed = false;
        let mut out = Vec::new();
        if st.tail.is_empty() {
            return out;
        }
        if st.tail.len() == 2 && st.head_clean && edge_is_clean(scn, st) {
            // One new edge from a clean vertex, with no stretch on it: the common
            // report costs one edge's intervals (the same `find_stretches` as `check`).
            settle_at(st, 1);
            return out;
        }
        let id = st.id.to_string();
        // An open stretch already alerted: only the tail from the last vertex
        // read (outside) is read again. A stretch found there that starts at
        // that vertex is the open one going on; any other is new, found by the
        // same code on the same edges as a whole-tail check would.
        let from = st
            .open_at
            .filter(|&m| m > 0 && m + 1 < st.tail.len())
            .filter(|&m| {
                let frac = |v: &Vertex| v.time.is_some_and(|t| t.fract() != 0.0);
                st.open_fractional == st.tail[m..].iter().any(frac)
            });
        let start = from.unwrap_or(0);
        st.read += st.tail.len() - start;
        let convoy = Convoy {
            convoy_id: id.clone(),
            corridor_ids: st.corridor_ids.clone(),
            parts: vec![TrackPart {
                coords: st.tail[start..].iter().map(|v| v.at).collect(),
                times: st.tail[start..].iter().map(|v| v.time).collect(),
            }],
            warnings: Vec::new(),
            // A vessel outside every lane is not watched for deviations (its
            // tail is then clean and settled); a part read alone is of a
            // stretch already alerted, so in a lane.
            vessel: st.jumps.vessel && from.is_none(),
            ..Default::default()
        };
        // The open stretch going on is the first of its kind in the part read,
        // starting at its first vertex (outside: the tail was not settled there).
        let head = from.map(|m| {
            let at = st.tail[m].at;
            Coord {
                x: wrap_dlon_deg(at.x),
                y: at.y,
            }
        });
        let at_head = |c: Coord| head.is_some_and(|h| same_place(c, h));
        let going_on = |s: &Stretch, list: &[Stretch]| {
            at_head(s.start) && list.first().is_some_and(|f| at_head(f.start))
        };
        // A new stretch is measured for its alert; with stretch events an open
        // one too, for its figures so far (in the part read only, once it is
        // open). Without them what was alerted needs no offset again.
        let known = &st.known;
        let r = check_convoy_measuring(scn, &convoy, opts, &|mode, s| {
            updates || (!at_head(s.start) && !known.contains(&(alert_type_of(mode), s.key())))
        });
        let mut pending = false;
        let clean = r.report.deviations.is_empty() && r.report.buffer_zone_entries.is_empty();
        // A stretch that ends before the tail's last report has ended, even
        // though no clean vertex follows it yet (a zone entry left while still
        // off the corridors): its end is said now, with check's figures.
        // (By place: a convoy halted at its stretch's end is still in it.)
        let last = st.tail.last().map(|v| v.at);
        let over = |s: &Stretch| last.is_some_and(|at| !same_place(s.end, at));
        let mut closing: Vec<(AlertType, StretchKey)> = Vec::new();
        let lists = kinds(&r);
        for (t, stretches, paths) in lists {
            for (k, (s, p)) in stretches.iter().zip(paths).enumerate() {
                if k == 0 && going_on(s, stretches) {
                    // The open stretch grew by the part read: its figures so far.
                    if updates && let Some(open) = latest_open(&mut st.open_alerts, t) {
                        open.grow(s, p);
                        out.push(alert(&id, t, AlertEvent::Update, &open.stretch, &[]));
                    }
                    if events && over(s) {
                        let open = latest_open_key(&st.open_alerts, t);
                        closing.extend(open);
                    }
                    continue;
                }
                let key = (t, s.key());
                if events && st.open_alerts.contains_key(&key) && over(s) {
                    closing.push(key);
                    continue;
                }
                if st.known.contains(&key) {
                    // Alerted before: what it has become, when it changed.
                    if updates
                        && let Some(open) = st.open_alerts.get_mut(&key)
                        && !open.stretch.same_figures(s)
                    {
                        *open = OpenAlert::new(s);
                        out.push(alert(&id, t, AlertEvent::Update, s, &[]));
                    }
                    continue;
                }
                if lasted_s(s).is_some_and(|d| d < st.rules.min_duration_s.unwrap_or(min_s)) {
                    // Not yet (or never, if it has ended): asked again with the next reports.
                    pending = true;
                    continue;
                }
                st.known.insert(key);
                if events {
                    st.open_alerts.insert(key, OpenAlert::new(s));
                }
                out.push(alert(&id, t, AlertEvent::Start, s, p));
            }
        }
        if !closing.is_empty() {
            let upto = st.tail.len() - 1;
            out.extend(st.end_alerts(scn, opts, &id, upto, closing));
        }
        let before = st.tail.len();
        let settle_here = if clean {
            // No stretch anywhere in the tail: its last vertex is clean (no query needed).
            Some(st.tail.len() - 1)
        } else {
            // Before `from` no vertex is clean but the first (the tail was not settled there).
            clean_index(scn, st, from.map_or(0, |m| m + 1))
        };
        if let Some(k) = settle_here {
            out.extend(st.ended(scn, opts, &id, k));
            settle_at(st, k);
        }
        let last = st.tail.len() - 1;
        st.open_at = (!pending && last > 0).then_some(last);
        if st.open_at.is_some() {
            let frac = |v: &Vertex| v.time.is_some_and(|t| t.fract() != 0.0);
            // What was known plus the part read, while the tail kept its head;
            // the whole (short) tail after it was settled.
            st.open_fractional = match from {
                Some(m) if st.tail.len() == before => {
                    st.open_fractional || st.tail[m..].iter().any(frac)
                }
                _ => st.tail.iter().any(frac),
            };
        }
        out
    }

    /// The alerted stretches that end before the clean vertex `k` the tail is
    /// about to be settled at, with their final figures: `check` on the tail
    /// up to `k` (once per stretch). Timed tracks only (an untimed stretch's
    /// key says nothing of when it started).
    fn ended(&mut self, scn: &Scenario, opts: &CheckOptions, id: &str, k: usize) -> Vec<Alert> {
        let Some(t0) = self.tail[k].time else {
            // Untimed: what started before `k` has ended, without a figure to give.
            if k > 0 {
                self.open_alerts.clear();
            }
            return Vec::new();
        };
        let before_t0 = |key: &StretchKey| key.start_s().is_some_and(|t| t < t0);
        let ending: Vec<(AlertType, StretchKey)> = self
            .open_alerts
            .keys()
            .filter(|(_, key)| before_t0(key))
            .cloned()
            .collect();
        self.end_alerts(scn, opts, id, k, ending)
    }

    /// The alerted stretches `ending` ended with their final figures: `check`
    /// on the tail up to vertex `upto`, which holds them whole.
    fn end_alerts(
        &mut self,
        scn: &Scenario,
        opts: &CheckOptions,
        id: &str,
        upto: usize,
        ending: Vec<(AlertType, StretchKey)>,
    ) -> Vec<Alert> {
        if ending.is_empty() {
            return Vec::new();
        }
        let k = upto.min(self.tail.len().saturating_sub(1));
        let convoy = Convoy {
            convoy_id: id.to_string(),
            corridor_ids: self.corridor_ids.clone(),
            parts: vec![TrackPart {
                coords: self.tail[..=k].iter().map(|v| v.at).collect(),
                times: self.tail[..=k].iter().map(|v| v.time).collect(),
            }],
            warnings: Vec::new(),
            vessel: self.jumps.vessel,
            ..Default::default()
        };
        let keys = &ending;
        let r = check_convoy_measuring(scn, &convoy, opts, &|mode, s| {
            keys.contains(&(alert_type_of(mode), s.key()))
        });
        let mut out = Vec::new();
        let lists = kinds(&r);
        for (t, stretches, paths) in lists {
            for (s, p) in stretches.iter().zip(paths) {
                // Only those ending: another open one found here goes on.
                let key = (t, s.key());
                if keys.contains(&key) && self.open_alerts.remove(&key).is_some() {
                    out.push(alert(id, t, AlertEvent::End, s, p));
                }
            }
        }
        // One not found again (it cannot be: the tail holds it whole) ends as last known.
        for key in ending {
            if let Some(open) = self.open_alerts.remove(&key) {
                out.push(alert(id, key.0, AlertEvent::End, &open.stretch, &[]));
            }
        }
        out
    }

    /// The allowed-area mask of its corridors, built once (taken out while
    /// the tail is read and changed; the caller puts it back).
    fn take_mask(&mut self, scn: &Scenario) -> Vec<bool> {
        self.mask.take().unwrap_or_else(|| {
            scn.mask_for(&self.id, self.corridor_ids.as_deref(), &mut Vec::new())
        })
    }
}

/// Whether the tail's one edge has no stretch outside the convoy's allowed
/// area and none inside a zone, by `check`'s own `find_stretches`.
fn edge_is_clean(scn: &Scenario, st: &mut ConvoyState) -> bool {
    let mask = st.take_mask(scn);
    let clean = edge_is_clean_with(scn, st, &mask);
    st.mask = Some(mask);
    clean
}

fn edge_is_clean_with(scn: &Scenario, st: &mut ConvoyState, mask: &[bool]) -> bool {
    if !mask.iter().any(|&b| b) {
        return false;
    }
    let keep = |s: u32| mask[s as usize];
    let (a, b) = (st.tail[0].at, st.tail[1].at);
    let len = crate::geodesy::fast_distance_m(a, b);
    if len > TOUCH_M && len < 0.99 * TRACK_DENSIFY_M {
        // One piece, not densified: `find_stretches` would ask these same
        // intervals; whole inside the allowed area and nowhere in a zone is
        // clean. Anything else takes the whole path below.
        let mut inside = Vec::with_capacity(2);
        scn.allowed
            .edge_inside_intervals(a, b, &keep, &mut st.hint, &mut inside);
        if inside == [(0.0, 1.0)] {
            if scn.zone.is_empty() {
                return true;
            }
            scn.zone
                .edge_inside_intervals(a, b, &|_| true, &mut None, &mut inside);
            if inside.is_empty() {
                return true;
            }
        }
    }
    let part = TrackPart {
        coords: vec![a, b],
        times: vec![st.tail[0].time, st.tail[1].time],
    };
    let dense = DensePart::new(&part);
    find_stretches_hinted(&dense, &scn.allowed, &keep, Mode::Outside, &mut st.hint).is_empty()
        && (scn.zone.is_empty()
            || find_stretches_hinted(&dense, &scn.zone, &|_| true, Mode::Inside, &mut None)
                .is_empty())
}

/// How long a stretch has lasted, seconds (`None` without times).
fn lasted_s(s: &Stretch) -> Option<f64> {
    // The unrounded times: a 62.7 s stretch has not lasted 63 s at 62.5.
    Some(s.end_s? - s.start_s?)
}

/// The tail's last clean vertex (looked for from `from` on), where it is
/// settled: what comes before it is done with.
fn clean_index(scn: &Scenario, st: &mut ConvoyState, from: usize) -> Option<usize> {
    let mask = st.take_mask(scn);
    let mut found = None;
    if mask.iter().any(|&b| b) {
        let keep = |s: u32| mask[s as usize];
        let clean = |v: &Vertex| {
            scn.allowed.contains(v.at, &keep)
                && (scn.zone.is_empty() || !scn.zone.contains(v.at, &|_| true))
        };
        let from = from.min(st.tail.len());
        found = st.tail[from..].iter().rposition(clean).map(|k| from + k);
    }
    st.mask = Some(mask);
    found
}

/// Stretches of one kind with their paths, and the alert type they raise.
type Kind<'a> = (AlertType, &'a Vec<Stretch>, &'a Vec<Vec<Coord>>);

/// A check's stretches and their paths, by the alert type they raise.
fn kinds(r: &ConvoyResult) -> [Kind<'_>; 2] {
    [
        (
            AlertType::Deviation,
            &r.report.deviations,
            &r.deviation_paths,
        ),
        (
            AlertType::BufferZoneEntry,
            &r.report.buffer_zone_entries,
            &r.zone_paths,
        ),
    ]
}

fn alert_type_of(mode: Mode) -> AlertType {
    match mode {
        Mode::Outside => AlertType::Deviation,
        Mode::Inside => AlertType::BufferZoneEntry,
    }
}

/// A stretch alert.
fn alert(id: &str, t: AlertType, event: AlertEvent, s: &Stretch, path: &[Coord]) -> Alert {
    Alert {
        convoy_id: id.to_string(),
        alert_type: t,
        event,
        stretch: *s,
        path: path.to_vec(),
        incident_id: None,
        distance_m: None,
        speed_kmh: None,
        other: None,
    }
}

/// The open alert of type `t` that started last (the one a stretch going on
/// at the tail's end continues).
/// The key of [`latest_open`].
fn latest_open_key(
    open: &std::collections::HashMap<(AlertType, StretchKey), OpenAlert>,
    t: AlertType,
) -> Option<(AlertType, StretchKey)> {
    open.iter()
        .filter(|((kind, _), _)| *kind == t)
        .max_by(|a, b| {
            let s = |x: &OpenAlert| x.stretch.start_s.unwrap_or(f64::NEG_INFINITY);
            s(a.1).total_cmp(&s(b.1))
        })
        .map(|(k, _)| *k)
}

fn latest_open(
    open: &mut std::collections::HashMap<(AlertType, StretchKey), OpenAlert>,
    t: AlertType,
) -> Option<&mut OpenAlert> {
    let key = latest_open_key(open, t)?;
    open.get_mut(&key)
}

impl OpenAlert {
    fn new(s: &Stretch) -> OpenAlert {
        OpenAlert {
            stretch: *s,
            length_m: s.length_m,
        }
    }

    /// The stretch going on by `s` (its part in what was read since).
    fn grow(&mut self, s: &Stretch, path: &[Coord]) {
        let added: f64 = path
            .windows(2)
            .map(|w| crate::geodesy::fast_distance_m(w[0], w[1]))
            .sum();
        self.length_m += added;
        let g = &mut self.stretch;
        g.length_m = self.length_m;
        g.end = s.end;
        g.end_s = s.end_s;
        g.max_offset_m = match (g.max_offset_m, s.max_offset_m) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Drops the tail before vertex `k` (a clean one).
fn settle_at(st: &mut ConvoyState, k: usize) {
    st.head_clean = true;
    if k == 0 {
        return;
    }
    let dropped: Vec<Key> = st.tail.drain(..k).map(|v| v.key).collect();
    for key in dropped {
        if let Some(n) = st.tail_keys.get_mut(&key) {
            *n -= 1;
            if *n == 0 {
                st.tail_keys.remove(&key);
            }
        }
        st.remember(key);
    }
    // A stretch that started before the clean vertex has ended: it cannot come back.
    match st.tail[0].time {
        Some(t0) => st
            .known
            .retain(|(_, key)| key.start_s().is_none_or(|t| t >= t0)),
        None if st.known.len() > 4 * RECENT => st.known.clear(),
        None => {}
    }
}
