//! Implausible fixes: a fix that no vehicle could have reached from the last
//! kept fix at its maximum speed, while the fix after it could be (a jump out
//! and back: a spoofed or wrong GNSS fix), is left out of the track before
//! any stretch is cut, and listed as an event. Two or more consecutive far
//! fixes consistent with each other are a real move and are kept; so is a
//! last fix (nothing after it says it was wrong). `docs/layers.md`
//! ("Implausible fixes").

use crate::geodesy::{distance_m, wrap_dlon_deg};
use crate::model::{DroppedFix, TrackPart};
use geo::Coord;

/// The fastest a land convoy plausibly moves, km/h.
pub const LAND_MAX_KMH: f64 = 150.0;
/// The fastest a vessel plausibly moves: 50 knots, in km/h.
pub const VESSEL_MAX_KMH: f64 = 50.0 * KMH_PER_KN;
/// Kilometres per hour in a knot.
pub const KMH_PER_KN: f64 = 1.852;
/// A move this short is never implausible, however soon it follows (the
/// noise of two fixes a second apart).
pub const JUMP_SLACK_M: f64 = 100.0;

/// The maximum speed a set of tracks is judged by.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum SpeedLimit {
    /// 150 km/h for a land convoy, 50 knots for a vessel.
    #[default]
    ByKind,
    /// One limit for every track (`--max-speed-kmh`).
    Kmh(f64),
    /// Nothing is dropped (a replay feeds every fix to the live watcher,
    /// which drops them itself).
    Off,
}

impl SpeedLimit {
    /// The limit for one track, metres per second (`None`: nothing is dropped).
    pub fn max_mps(self, vessel: bool) -> Option<f64> {
        let kmh = match self {
            SpeedLimit::ByKind if vessel => VESSEL_MAX_KMH,
            SpeedLimit::ByKind => LAND_MAX_KMH,
            SpeedLimit::Kmh(k) => k,
            SpeedLimit::Off => return None,
        };
        (kmh.is_finite() && kmh > 0.0).then_some(kmh / 3.6)
    }
}

/// The geodesic distance from `a` to `b`, metres, when covering it in `dt`
/// seconds needs more than `max_mps` (beyond [`JUMP_SLACK_M`]); else `None`.
pub fn too_far(a: Coord, b: Coord, dt: f64, max_mps: f64) -> Option<f64> {
    let allowed = max_mps * dt.max(0.0) + JUMP_SLACK_M;
    // No degree of latitude or longitude is longer than this: a cheap upper
    // bound that clears almost every move without geodesy.
    const M_PER_DEG_MAX: f64 = 111_700.0;
    let cheap = M_PER_DEG_MAX * (wrap_dlon_deg(b.x - a.x).abs() + (b.y - a.y).abs());
    if cheap <= allowed || cheap.is_nan() {
        return None;
    }
    let d = distance_m(a, b);
    (d > allowed).then_some(d)
}

/// The event a fix dropped after a jump from `from` at `t0` gives.
pub fn dropped_fix(from: (Coord, f64), at: Coord, t: f64, d: f64) -> DroppedFix {
    let dt = t - from.1;
    DroppedFix {
        at,
        time_s: t,
        from: from.0,
        speed_kmh: (dt > 0.0).then(|| d / dt * 3.6),
    }
}

/// Leaves out of `part` every fix that is a jump out and back at `max_mps`;
/// returns them in track order. Untimed vertices are kept and judged by none.
pub fn drop_jumps(part: &mut TrackPart, max_mps: f64) -> Vec<DroppedFix> {
    let n = part.coords.len().min(part.times.len());
    let time = |i: usize| part.times[i].filter(|t| t.is_finite());
    let mut dropped = Vec::new();
    // Made at the first drop: most tracks have none.
    let mut keep: Vec<bool> = Vec::new();
    let mut last: Option<(Coord, f64)> = None;
    for i in 0..n {
        let Some(t) = time(i) else { continue };
        let c = part.coords[i];
        if let Some(from) = last
            && let Some(d) = too_far(from.0, c, t - from.1, max_mps)
            && let Some((j, tj)) = (i + 1..n).find_map(|j| time(j).map(|tj| (j, tj)))
            && too_far(from.0, part.coords[j], tj - from.1, max_mps).is_none()
        {
            if keep.is_empty() {
                keep = vec![true; part.coords.len()];
            }
            keep[i] = false;
            dropped.push(dropped_fix(from, c, t, d));
            continue;
        }
        last = Some((c, t));
    }
    if !dropped.is_empty() {
        let mut k = keep.iter();
        part.coords.retain(|_| *k.next().unwrap_or(&true));
        let mut k = keep.iter();
        part.times.retain(|_| *k.next().unwrap_or(&true));
    }
    dropped
}

/// Where a track needs more than `max_mps` between consecutive timed
/// vertices (a wrong fix no later fix shows as one, or two vehicles sharing
/// one id): how many times, and the worst (metres, seconds, start time).
pub fn too_fast(parts: &[TrackPart], max_mps: f64) -> Option<(usize, f64, f64, f64)> {
    let mut count = 0;
    let mut worst: Option<(f64, f64, f64)> = None;
    let speed = |w: (f64, f64, f64)| w.0 / w.1.max(1e-9);
    for p in parts {
        let mut last: Option<(f64, Coord)> = None;
        for (c, t) in p.coords.iter().zip(&p.times) {
            let Some(t) = *t else { continue };
            if let Some((t0, c0)) = last
                && let Some(d) = too_far(c0, *c, t - t0, max_mps)
            {
                count += 1;
                if worst.is_none_or(|w| speed((d, t - t0, t0)) > speed(w)) {
                    worst = Some((d, t - t0, t0));
                }
            }
            last = Some((t, *c));
        }
    }
    worst.map(|(d, dt, t0)| (count, d, dt, t0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geographiclib_rs::{DirectGeodesic, Geodesic};

    fn part(fixes: &[(f64, f64, f64)]) -> TrackPart {
        TrackPart {
            coords: fixes.iter().map(|&(x, y, _)| Coord { x, y }).collect(),
            times: fixes.iter().map(|&(_, _, t)| Some(t)).collect(),
        }
    }

    /// A vessel sailing north at 10 knots, one fix a minute apart from 40 km
    /// east: that fix is dropped (reaching it needs 2,400 km/h) and no other.
    #[test]
    fn one_fix_forty_km_off_is_dropped() {
        let g = Geodesic::wgs84();
        let step = 10.0 * 1852.0 / 60.0; // metres a minute at 10 kn
        let mut fixes = Vec::new();
        for k in 0..10 {
            let (lat, lon, _): (f64, f64, f64) = g.direct(46.0, 31.0, 0.0, step * k as f64);
            fixes.push((lon, lat, 60.0 * k as f64));
        }
        let (lat, lon, _): (f64, f64, f64) = g.direct(fixes[4].1, fixes[4].0, 90.0, 40_000.0);
        fixes[5] = (lon, lat, 300.0);
        let mut p = part(&fixes);
        let max = SpeedLimit::ByKind.max_mps(true).unwrap();
        let dropped = drop_jumps(&mut p, max);
        assert_eq!(dropped.len(), 1, "{dropped:?}");
        assert_eq!(dropped[0].time_s, 300.0);
        assert_eq!(
            dropped[0].from,
            Coord {
                x: fixes[4].0,
                y: fixes[4].1
            }
        );
        // 40,000 m (to 0.1 %) in 60 s: 2,400 km/h.
        let v = dropped[0].speed_kmh.unwrap();
        assert!((v - 2400.0).abs() < 3.0, "{v}");
        assert_eq!(p.coords.len(), 9);
        assert!(p.times.iter().all(|t| *t != Some(300.0)));
        assert!(too_fast(&[p], max).is_none());
    }

    /// Two consecutive far fixes that agree with each other are a detour, not
    /// a wrong fix: both are kept (and the move is still warned of).
    #[test]
    fn two_consistent_far_fixes_are_kept() {
        let fixes = [
            (31.0, 46.0, 0.0),
            (31.0, 46.01, 60.0),
            (31.5, 46.01, 120.0),
            (31.5, 46.02, 180.0),
            (31.0, 46.03, 240.0),
        ];
        let mut p = part(&fixes);
        let max = SpeedLimit::Kmh(150.0).max_mps(false).unwrap();
        assert!(drop_jumps(&mut p, max).is_empty());
        assert_eq!(p.coords.len(), 5);
        assert_eq!(too_fast(&[p], max).map(|w| w.0), Some(2));
    }

    /// A jump of under 100 m is noise, and the last fix is never dropped.
    #[test]
    fn noise_and_a_last_fix_are_kept() {
        let mut p = part(&[
            (31.0, 46.0, 0.0),
            (31.0005, 46.0, 1.0),
            (31.0, 46.0, 2.0),
            (32.0, 46.0, 3.0),
        ]);
        assert!(drop_jumps(&mut p, 150.0 / 3.6).is_empty());
        assert_eq!(p.coords.len(), 4);
        assert_eq!(SpeedLimit::Off.max_mps(false), None);
        assert_eq!(SpeedLimit::Kmh(f64::NAN).max_mps(false), None);
    }
}
