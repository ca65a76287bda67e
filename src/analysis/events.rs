//! What vessels do at sea, by Global Fishing Watch's definitions, and the
//! fixes left out as jumps: a convoy's `events` (`docs/layers.md`, "Events").
//!
//! - *loitering*: a maximal run of a vessel's fixes whose implied speeds
//!   (consecutive fixes, geodesic) are all under the slow speed, lasting at
//!   least the loitering time;
//! - *encounter*: two vessels within the encounter distance (geodesic) of
//!   each other for at least the encounter time, both slow throughout.
//!   Positions are compared at every fix time of either vessel (the other's
//!   interpolated), and where the distance crosses the limit between two such
//!   times, at the interpolated crossing. Only runs of slow fixes at least the
//!   encounter time long can meet: they go in an R-tree by position and time,
//!   so the pairs compared are those that overlap, never every pair.

use super::result::{Event, EventKind};
use crate::geodesy::{fast_distance_m, reach_in_degrees, wrap_dlon_deg};
use crate::model::Convoy;
use geo::Coord;
use rstar::{AABB, RTree, RTreeObject};

/// The definitions events are found by (`check`'s `--slow-kn`,
/// `--loiter-min`, `--encounter-m`, `--encounter-min`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EventRules {
    /// A vessel under this speed (knots) between fixes is slow.
    pub slow_kn: f64,
    /// Slow for this long (seconds) is loitering (0: never).
    pub loiter_s: f64,
    /// Two slow vessels within this distance (metres) ...
    pub encounter_m: f64,
    /// ... for this long (seconds) meet (0: never).
    pub encounter_s: f64,
}

impl Default for EventRules {
    /// Global Fishing Watch's: 2 knots, 1 hour, 500 m for 2 hours.
    fn default() -> Self {
        EventRules {
            slow_kn: 2.0,
            loiter_s: 3600.0,
            encounter_m: 500.0,
            encounter_s: 7200.0,
        }
    }
}

/// Metres per second in a knot.
pub const MPS_PER_KN: f64 = 1852.0 / 3600.0;

/// The distance from one fix to the next (metres) when the move between
/// them is slow (under `slow_mps`; a fix repeated at its own time is slow);
/// `None` when it is not.
pub fn slow_step(a: (Coord, f64), b: (Coord, f64), slow_mps: f64) -> Option<f64> {
    let d = fast_distance_m(a.0, b.0);
    (d < slow_mps * (b.1 - a.1) || (b.1 == a.1 && d == 0.0)).then_some(d)
}

/// The timed fixes of one part of a track, in order.
fn timed(part: &crate::model::TrackPart) -> Vec<(Coord, f64)> {
    part.coords
        .iter()
        .zip(&part.times)
        .filter_map(|(c, t)| t.filter(|t| t.is_finite()).map(|t| (*c, t)))
        .collect()
}

/// Maximal runs (first, last fix) of at least two fixes whose consecutive
/// implied speeds are all under `slow_mps`; a fix repeated at its own time
/// is slow.
fn slow_runs(fixes: &[(Coord, f64)], slow_mps: f64) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut first = 0;
    for i in 1..=fixes.len() {
        let slow = fixes
            .get(i)
            .is_some_and(|&f| slow_step(fixes[i - 1], f, slow_mps).is_some());
        if !slow {
            if i - 1 > first {
                runs.push((first, i - 1));
            }
            first = i;
        }
    }
    runs
}

/// The jumps dropped from a convoy's track and, for a vessel, its loitering.
pub fn of_convoy(convoy: &Convoy, opts: &EventRules) -> Vec<Event> {
    let mut out: Vec<Event> = convoy
        .dropped
        .iter()
        .map(|d| Event {
            kind: EventKind::ImplausibleJump {
                from: d.from,
                speed_kmh: d.speed_kmh,
            },
            start_s: d.time_s,
            end_s: d.time_s,
            position: d.at,
        })
        .collect();
    let slow_mps = opts.slow_kn * MPS_PER_KN;
    if convoy.vessel && slow_mps > 0.0 && opts.loiter_s.is_finite() && opts.loiter_s > 0.0 {
        for part in &convoy.parts {
            let fixes = timed(part);
            for (a, b) in slow_runs(&fixes, slow_mps) {
                let run = &fixes[a..=b];
                let secs = run[run.len() - 1].1 - run[0].1;
                if secs < opts.loiter_s {
                    continue;
                }
                let metres: f64 = run
                    .windows(2)
                    .map(|w| fast_distance_m(w[0].0, w[1].0))
                    .sum();
                out.push(Event {
                    kind: EventKind::Loitering {
                        mean_speed_kn: metres / secs / MPS_PER_KN,
                    },
                    start_s: run[0].1,
                    end_s: run[run.len() - 1].1,
                    position: mean_position(run),
                });
            }
        }
    }
    out.sort_by(|x, y| x.start_s.total_cmp(&y.start_s));
    out
}

/// The mean of the fixes (longitudes taken about the first, across 180).
fn mean_position(run: &[(Coord, f64)]) -> Coord {
    let c0 = run[0].0;
    let n = run.len() as f64;
    let (mut dx, mut y) = (0.0, 0.0);
    for (c, _) in run {
        dx += wrap_dlon_deg(c.x - c0.x);
        y += c.y;
    }
    Coord {
        x: wrap_dlon_deg(c0.x + dx / n),
        y: y / n,
    }
}

/// A vessel's slow run long enough to hold an encounter.
struct Run {
    convoy: usize,
    fixes: Vec<(Coord, f64)>,
    envelope: AABB<[f64; 3]>,
}

impl RTreeObject for Run {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// Hours on the R-tree's time axis (any scale works; this keeps the boxes square-ish).
const TIME_SCALE: f64 = 1.0 / 3600.0;

/// Every encounter between the vessels of `convoys`: (convoy index, its event),
/// one for each of the two vessels.
pub fn encounters(convoys: &[Convoy], opts: &EventRules) -> Vec<(usize, Event)> {
    let slow_mps = opts.slow_kn * MPS_PER_KN;
    let (reach, min_s) = (opts.encounter_m, opts.encounter_s);
    if !(slow_mps > 0.0 && reach > 0.0 && reach.is_finite() && min_s.is_finite() && min_s > 0.0) {
        return Vec::new();
    }
    let mut runs = Vec::new();
    for (ci, c) in convoys.iter().enumerate().filter(|(_, c)| c.vessel) {
        for part in &c.parts {
            let fixes = timed(part);
            for (a, b) in slow_runs(&fixes, slow_mps) {
                if fixes[b].1 - fixes[a].1 < min_s {
                    continue;
                }
                let run = fixes[a..=b].to_vec();
                let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
                // Longitudes about the run's first (a run is slow: it never spans half the world).
                let x0 = run[0].0.x;
                for (p, _) in &run {
                    let x = x0 + wrap_dlon_deg(p.x - x0);
                    lo = [lo[0].min(x), lo[1].min(p.y)];
                    hi = [hi[0].max(x), hi[1].max(p.y)];
                }
                let (dx, dy) = reach_in_degrees(reach, lo[1].abs().max(hi[1].abs()));
                let envelope = AABB::from_corners(
                    [lo[0] - dx, lo[1] - dy, run[0].1 * TIME_SCALE],
                    [hi[0] + dx, hi[1] + dy, run[run.len() - 1].1 * TIME_SCALE],
                );
                runs.push(Run {
                    convoy: ci,
                    fixes: run,
                    envelope,
                });
            }
        }
    }
    let tree = RTree::bulk_load(runs);
    let mut out = Vec::new();
    for a in tree.iter() {
        for b in tree.locate_in_envelope_intersecting(&a.envelope) {
            // Each pair once (by address: the tree owns both), never a vessel with itself.
            if a.convoy == b.convoy || std::ptr::from_ref(a) >= std::ptr::from_ref(b) {
                continue;
            }
            for (start_s, end_s, min_d, [pa, pb]) in close_spells(&a.fixes, &b.fixes, reach) {
                if end_s - start_s < min_s {
                    continue;
                }
                let at = Coord {
                    x: wrap_dlon_deg(pa.x + 0.5 * wrap_dlon_deg(pb.x - pa.x)),
                    y: 0.5 * (pa.y + pb.y),
                };
                for (me, other, link) in [
                    (a.convoy, b.convoy, [pa, pb]),
                    (b.convoy, a.convoy, [pb, pa]),
                ] {
                    out.push((
                        me,
                        Event {
                            kind: EventKind::Encounter {
                                other: convoys[other].convoy_id.clone(),
                                min_distance_m: min_d,
                                link,
                            },
                            start_s,
                            end_s,
                            position: at,
                        },
                    ));
                }
            }
        }
    }
    out
}

/// Where a run is at `t` (within it), interpolated between its fixes; `k`
/// is a cursor that only moves forward.
fn at_time(fixes: &[(Coord, f64)], t: f64, k: &mut usize) -> Coord {
    while *k + 1 < fixes.len() && fixes[*k + 1].1 < t {
        *k += 1;
    }
    let (a, ta) = fixes[*k];
    let Some(&(b, tb)) = fixes.get(*k + 1) else {
        return a;
    };
    let f = if tb > ta {
        ((t - ta) / (tb - ta)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    Coord {
        x: wrap_dlon_deg(a.x + f * wrap_dlon_deg(b.x - a.x)),
        y: a.y + f * (b.y - a.y),
    }
}

/// The spells during which two runs are within `reach` metres: (start, end,
/// closest distance, where each was when closest), over the times both cover.
fn close_spells(
    a: &[(Coord, f64)],
    b: &[(Coord, f64)],
    reach: f64,
) -> Vec<(f64, f64, f64, [Coord; 2])> {
    let lo = a[0].1.max(b[0].1);
    let hi = a[a.len() - 1].1.min(b[b.len() - 1].1);
    if hi <= lo {
        return Vec::new();
    }
    let mut times: Vec<f64> = a
        .iter()
        .chain(b)
        .map(|f| f.1)
        .filter(|&t| t > lo && t < hi)
        .collect();
    times.push(lo);
    times.push(hi);
    times.sort_by(f64::total_cmp);
    times.dedup();
    let (mut ka, mut kb) = (0, 0);
    let mut out = Vec::new();
    // (start, closest distance, where) of the spell under way.
    let mut open: Option<(f64, f64, [Coord; 2])> = None;
    let mut prev: Option<(f64, f64)> = None;
    for &t in &times {
        let (pa, pb) = (at_time(a, t, &mut ka), at_time(b, t, &mut kb));
        let d = fast_distance_m(pa, pb);
        // Where the distance crosses the limit between the last time and this one.
        let cross =
            |(t0, d0): (f64, f64)| t0 + (t - t0) * ((reach - d0) / (d - d0)).clamp(0.0, 1.0);
        let mid = [pa, pb];
        match (&mut open, d <= reach) {
            (None, true) => open = Some((prev.map_or(t, cross), d, mid)),
            (Some(o), true) => {
                if d < o.1 {
                    (o.1, o.2) = (d, mid);
                }
            }
            (Some(o), false) => {
                let end = prev.map_or(t, cross);
                out.push((o.0, end, o.1, o.2));
                open = None;
            }
            (None, false) => {}
        }
        prev = Some((t, d));
    }
    if let Some(o) = open {
        out.push((o.0, hi, o.1, o.2));
    }
    out
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
