//! A convoy's tail checked after a batch: the common report (one clean edge
//! from a clean vertex) by that edge alone, a longer tail with `check`'s own
//! code (offsets only for stretches not yet alerted), then settled at its last
//! clean vertex.

use super::{Alert, AlertType, ConvoyState, Key, RECENT, Vertex, stretch_key};
use crate::analysis::stretches::{TOUCH_M, TRACK_DENSIFY_M};
use crate::analysis::{
    CheckOptions, DensePart, Mode, Scenario, check_convoy_measuring, find_stretches_hinted,
};
use crate::geodesy::wrap_dlon_deg;
use crate::model::{Convoy, TrackPart};
use crate::report::Stretch;
use crate::report::round_deg;

impl ConvoyState {
    /// Checks the tail after a batch with `check`'s code: its new stretches,
    /// then settled.
    pub(super) fn check_tail(
        &mut self,
        scn: &Scenario,
        opts: &CheckOptions,
        min_s: f64,
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
        let convoy = Convoy {
            convoy_id: id.clone(),
            corridor_ids: st.corridor_ids.clone(),
            parts: vec![TrackPart {
                coords: st.tail[start..].iter().map(|v| v.at).collect(),
                times: st.tail[start..].iter().map(|v| v.time).collect(),
            }],
            warnings: Vec::new(),
        };
        // The open stretch going on is the first of its kind in the part read,
        // starting at its first vertex (outside: the tail was not settled there).
        let head = from.map(|m| {
            let at = st.tail[m].at;
            [round_deg(wrap_dlon_deg(at.x)), round_deg(at.y)]
        });
        let first_starts = |list: &[Stretch]| list.first().map(|s| s.start);
        let going_on = |s: &Stretch, first: Option<[f64; 2]>| {
            head.is_some_and(|pos| s.start == pos && first == Some(pos))
        };
        // What was alerted already needs no offset again (the costly part of a
        // long open stretch, re-checked with each report).
        let known = &st.known;
        let r = check_convoy_measuring(scn, &convoy, opts, &|mode, s| {
            let t = match mode {
                Mode::Outside => AlertType::Deviation,
                Mode::Inside => AlertType::BufferZoneEntry,
            };
            // Stretches are measured as they are found, first first: one that
            // starts at the part's first vertex is the first of its kind.
            !(head == Some(s.start)) && !known.contains(&(t, stretch_key(s)))
        });
        let mut pending = false;
        let clean = r.report.deviations.is_empty() && r.report.buffer_zone_entries.is_empty();
        let lists = [
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
        ];
        for (t, stretches, paths) in lists {
            let first = first_starts(stretches);
            for (k, (s, p)) in stretches.iter().zip(paths).enumerate() {
                if k == 0 && going_on(s, first) {
                    continue;
                }
                if lasted_s(s).is_some_and(|d| d < st.rules.min_duration_s.unwrap_or(min_s)) {
                    // Not yet (or never, if it has ended): asked again with the next reports.
                    pending = true;
                    continue;
                }
                if st.known.insert((t, stretch_key(s))) {
                    out.push(Alert {
                        convoy_id: id.clone(),
                        alert_type: t,
                        stretch: s.clone(),
                        path: p.clone(),
                        incident_id: None,
                        distance_m: None,
                    });
                }
            }
        }
        let before = st.tail.len();
        if clean {
            // No stretch anywhere in the tail: its last vertex is clean (no query needed).
            settle_at(st, st.tail.len() - 1);
        } else {
            // Before `from` no vertex is clean but the first (the tail was not settled there).
            settle(scn, st, from.map_or(0, |m| m + 1));
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

    /// The allowed-area mask of its corridors, built once (taken out while
    /// the tail is read and changed; the caller puts it back).
    fn take_mask(&mut self, scn: &Scenario) -> Vec<bool> {
        self.mask
            .take()
            .unwrap_or_else(|| scn.allowed_mask(self.corridor_ids.as_deref(), &mut Vec::new()))
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

/// Drops the tail before its last clean vertex (looked for from `from` on),
/// and what is known of stretches that started before it.
fn settle(scn: &Scenario, st: &mut ConvoyState, from: usize) {
    let mask = st.take_mask(scn);
    if mask.iter().any(|&b| b) {
        let keep = |s: u32| mask[s as usize];
        let clean = |v: &Vertex| {
            scn.allowed.contains(v.at, &keep)
                && (scn.zone.is_empty() || !scn.zone.contains(v.at, &|_| true))
        };
        let from = from.min(st.tail.len());
        if let Some(k) = st.tail[from..].iter().rposition(clean) {
            settle_at(st, from + k);
        }
    }
    st.mask = Some(mask);
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
            .retain(|(_, key)| crate::io::time::parse_rfc3339(key).map_or(true, |t| t >= t0)),
        None if st.known.len() > 4 * RECENT => st.known.clear(),
        None => {}
    }
}
