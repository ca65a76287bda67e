//! The large synthetic timing case, generated in Rust so that `cargo bench`
//! needs no Python: the same recipe as the shared benchmark generator `make_large.py` (road-like
//! corridors over Ukraine, convoys following them at ~500 m spacing with lateral
//! noise, 15 % straying 3-15 km once, per-vertex times, a third with
//! `corridor_ids`), written one feature per line. Deterministic for a seed; the
//! numbers differ from numpy's generator, the shape and sizes do not.

use std::fmt::Write as _;

/// A small deterministic PRNG (SplitMix64) with uniform and normal draws.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
    }
    /// Normal (Box-Muller).
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let u1 = self.uniform(f64::MIN_POSITIVE, 1.0);
        let u2 = self.uniform(0.0, 1.0);
        mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Sizes of the case.
#[derive(Clone, Debug)]
pub struct LargeCase {
    pub corridors: usize,
    pub segments: usize,
    pub convoys: usize,
    pub points: usize,
    pub seed: u64,
    pub times: bool,
    /// Every convoy reports every this many seconds from one start (a day of
    /// live operations, the soak); `None`: at 45 km/h, convoys a minute apart.
    pub report_every_s: Option<f64>,
}

impl LargeCase {
    /// A small timed case (60 convoys, 6,000 points) for tests.
    pub fn small() -> Self {
        Self {
            corridors: 5,
            segments: 10,
            convoys: 60,
            points: 6_000,
            seed: 3,
            times: true,
            report_every_s: None,
        }
    }
}

impl Default for LargeCase {
    fn default() -> Self {
        Self {
            corridors: 100,
            segments: 20,
            convoys: 5000,
            points: 1_000_000,
            seed: 1,
            times: true,
            report_every_s: None,
        }
    }
}

const KY: f64 = 110_574.0;

/// (id, centreline lon/lat, tolerance_m)
type Corridor = (String, Vec<(f64, f64)>, f64);

/// Writes (corridors.geojson, tracks.geojson) as strings.
pub fn make_large(case: &LargeCase) -> (String, String) {
    let mut rng = Rng::new(case.seed);
    let mut corr: Vec<Corridor> = Vec::new();
    for i in 0..case.corridors {
        let (mut lon, mut lat) = (rng.uniform(24.0, 39.0), rng.uniform(46.3, 51.3));
        let mut hd = rng.uniform(0.0, std::f64::consts::TAU);
        let mut pts = vec![(lon, lat)];
        for _ in 0..case.segments {
            hd += rng.normal(0.0, 0.35);
            let d = rng.uniform(3000.0, 8000.0);
            lon += d * hd.sin() / (111_320.0 * lat.to_radians().cos());
            lat += d * hd.cos() / KY;
            pts.push((lon, lat));
        }
        let tol = [1000.0, 1500.0, 2000.0, 3000.0][rng.below(4)];
        corr.push((format!("LC-{i:03}"), pts, tol));
    }
    let mut c = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, (cid, pts, tol)) in corr.iter().enumerate() {
        if i > 0 {
            c.push_str(",\n");
        }
        let _ = write!(
            c,
            "{{\"type\":\"Feature\",\"properties\":{{\"kind\":\"corridor\",\"id\":\"{cid}\",\"name\":\"Large corridor {i}\",\"tolerance_m\":{tol:.0}}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":["
        );
        for (k, (x, y)) in pts.iter().enumerate() {
            let _ = write!(c, "{}[{x:.6},{y:.6}]", if k > 0 { "," } else { "" });
        }
        c.push_str("]}}");
    }
    c.push_str("\n]}\n");

    let per = case.points / case.convoys.max(1);
    let t0: i64 = 1_772_431_200; // 2026-03-02T06:00:00Z
    let mut t = String::with_capacity(case.points * 48);
    t.push_str("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for k in 0..case.convoys {
        let (cid, pts, tol) = &corr[rng.below(case.corridors)];
        let mean_lat = pts.iter().map(|p| p.1).sum::<f64>() / pts.len() as f64;
        let kx = 111_320.0 * mean_lat.to_radians().cos();
        let xy: Vec<(f64, f64)> = pts.iter().map(|p| (p.0 * kx, p.1 * KY)).collect();
        let seg: Vec<f64> = xy
            .windows(2)
            .map(|w| (w[1].0 - w[0].0).hypot(w[1].1 - w[0].1))
            .collect();
        let mut cum = vec![0.0];
        for s in &seg {
            cum.push(cum.last().copied().unwrap_or(0.0) + s);
        }
        let total = *cum.last().unwrap_or(&0.0);
        let step = 500f64.min(total / (per + 1) as f64);
        let start = rng.uniform(0.0, (total - step * per as f64).max(1.0));
        let mut off: Vec<f64> = (0..per)
            .map(|_| rng.normal(0.0, 0.15 * tol).clamp(-0.5 * tol, 0.5 * tol))
            .collect();
        if rng.uniform(0.0, 1.0) < 0.15 && per > 40 {
            let a = rng.below(per - 40);
            let w = 10 + rng.below(30);
            let sign = if rng.uniform(0.0, 1.0) < 0.5 {
                -1.0
            } else {
                1.0
            };
            let amp = rng.uniform(3000.0, 15000.0);
            for (j, o) in off[a..a + w].iter_mut().enumerate() {
                *o += sign * amp * (std::f64::consts::PI * j as f64 / (w - 1) as f64).sin();
            }
        }
        let mut coords = Vec::with_capacity(per);
        for (j, o) in off.iter().enumerate() {
            let s = start + step * j as f64;
            let i = cum
                .partition_point(|&c| c < s)
                .saturating_sub(1)
                .min(seg.len().saturating_sub(1));
            let f = if seg[i] > 0.0 {
                ((s - cum[i]) / seg[i]).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let (x0, y0) = xy[i];
            let (x1, y1) = xy[i + 1];
            let (x, y) = (x0 + f * (x1 - x0), y0 + f * (y1 - y0));
            let (tx, ty) = if seg[i] > 0.0 {
                ((x1 - x0) / seg[i], (y1 - y0) / seg[i])
            } else {
                (1.0, 0.0)
            };
            coords.push((x - ty * o, y + tx * o));
        }
        if k > 0 {
            t.push_str(",\n");
        }
        let _ = write!(
            t,
            "{{\"type\":\"Feature\",\"properties\":{{\"kind\":\"track\",\"convoy_id\":\"LV-{k:05}\""
        );
        if k % 3 == 0 {
            let _ = write!(t, ",\"corridor_ids\":[\"{cid}\"]");
        }
        if case.times {
            t.push_str(",\"times\":[");
            let mut secs = 0.0;
            for (j, p) in coords.iter().enumerate() {
                if j > 0 {
                    secs += (p.0 - coords[j - 1].0).hypot(p.1 - coords[j - 1].1) / (45.0 / 3.6);
                }
                let ts = match case.report_every_s {
                    Some(every) => t0 + (every * j as f64) as i64,
                    None => t0 + k as i64 * 60 + secs as i64,
                };
                let dt = time::OffsetDateTime::from_unix_timestamp(ts)
                    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
                let _ = write!(
                    t,
                    "{}\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z\"",
                    if j > 0 { "," } else { "" },
                    dt.year(),
                    dt.month() as u8,
                    dt.day(),
                    dt.hour(),
                    dt.minute(),
                    dt.second()
                );
            }
            t.push(']');
        }
        t.push_str("},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[");
        for (j, (x, y)) in coords.iter().enumerate() {
            let _ = write!(
                t,
                "{}[{:.6},{:.6}]",
                if j > 0 { "," } else { "" },
                x / kx,
                y / KY
            );
        }
        t.push_str("]}}");
    }
    t.push_str("\n]}\n");
    (c, t)
}

/// A long, wiggly contact line of `vertices` vertices (lon/lat), for the zone
/// benchmark: from near Kherson to near Kharkiv (~800 km), a vertex every
/// ~16 m on 50,000, meandering a few kilometres either side with the odd sharp
/// zigzag. Deterministic for a seed.
/// Position reports of one convoy, (lon, lat, RFC 3339 time), as a GeoJSON
/// FeatureCollection of track Points; `extra` goes after the features (for
/// example an OGC API `"links"` member, with its leading comma).
pub fn position_reports(convoy_id: &str, points: &[(f64, f64, &str)], extra: &str) -> String {
    let feats: Vec<String> = points
        .iter()
        .map(|(x, y, t)| {
            format!(
                r#"{{"type":"Feature","properties":{{"kind":"track","convoy_id":"{convoy_id}","time":"{t}"}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]{extra}}}"#,
        feats.join(",")
    )
}

pub fn contact_line(vertices: usize, seed: u64) -> Vec<geo::Coord> {
    let mut rng = Rng::new(seed);
    let n = vertices.max(2);
    let (start, end) = ((32.6, 46.6), (37.0, 50.0));
    let mut lateral = 0.0f64;
    let mut drift = 0.0f64;
    (0..n)
        .map(|i| {
            let t = i as f64 / (n - 1) as f64;
            drift = 0.995 * drift + rng.normal(0.0, 2e-4);
            lateral = (lateral + drift).clamp(-0.08, 0.08);
            let zig = if rng.below(2000) == 0 {
                rng.normal(0.0, 0.02)
            } else {
                0.0
            };
            // Across the line's direction (south-east / north-west).
            let off = lateral + zig;
            geo::Coord {
                x: start.0 + t * (end.0 - start.0) + off * 0.6,
                y: start.1 + t * (end.1 - start.1) - off * 0.8,
            }
        })
        .collect()
}

/// `n` vessels over `hours` in the Black Sea (28-41 E, 41-46.5 N), one fix
/// every 10 minutes (AIS-like, with an `mmsi`): four in five sail straight
/// courses at 8-14 knots; one in five waits at one of 40 anchorages, drifting
/// under 1 knot, for 3 to 12 hours before sailing (anchorages hold many slow
/// vessels near each other: encounters, and many candidate pairs). The
/// vessel-events benchmark's case; deterministic for a seed.
pub fn vessels(n: usize, hours: f64, seed: u64) -> Vec<crate::model::Convoy> {
    use crate::model::{Convoy, TrackPart};
    let mut rng = Rng::new(seed);
    let anchorages: Vec<(f64, f64)> = (0..40)
        .map(|_| (rng.uniform(29.0, 40.0), rng.uniform(41.5, 46.0)))
        .collect();
    let fixes = (hours * 6.0) as usize;
    let deg = |m: f64, lat: f64| (m / 111_320.0 / lat.to_radians().cos(), m / 111_132.0);
    (0..n)
        .map(|k| {
            let waits = k % 5 == 0;
            let (mut x, mut y) = if waits {
                let a = anchorages[rng.below(anchorages.len())];
                (a.0 + rng.normal(0.0, 0.01), a.1 + rng.normal(0.0, 0.01))
            } else {
                (rng.uniform(28.0, 41.0), rng.uniform(41.0, 46.5))
            };
            let wait = if waits {
                rng.uniform(3.0, 12.0) * 6.0
            } else {
                0.0
            };
            let (kn, course) = (
                rng.uniform(8.0, 14.0),
                rng.uniform(0.0, std::f64::consts::TAU),
            );
            let mut part = TrackPart::default();
            for i in 0..fixes {
                let step_m = if (i as f64) < wait {
                    rng.uniform(0.0, 0.9) * 1852.0 / 6.0
                } else {
                    kn * 1852.0 / 6.0
                };
                let c = if (i as f64) < wait {
                    rng.uniform(0.0, std::f64::consts::TAU)
                } else {
                    course
                };
                let (dx, dy) = deg(step_m, y);
                x += dx * c.sin();
                y = (y + dy * c.cos()).clamp(40.0, 47.0);
                part.coords.push(geo::Coord { x, y });
                part.times.push(Some(1_772_409_600.0 + i as f64 * 600.0));
            }
            Convoy {
                convoy_id: format!("{}", 271_000_000 + k),
                parts: vec![part],
                vessel: true,
                ..Default::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_case_loads_and_flags_some_convoys() {
        let (c, t) = make_large(&LargeCase::small());
        let a = make_large(&LargeCase::small());
        assert_eq!((c.clone(), t.clone()), a, "deterministic");
        let cl = crate::io::read_geojson("c", c.as_bytes()).unwrap();
        let tl = crate::io::read_geojson("t", t.as_bytes()).unwrap();
        assert_eq!((cl.features.len(), tl.features.len()), (5, 60));
        let convoys = crate::analysis::assemble_convoys(&[cl.clone(), tl]);
        let scn = crate::analysis::Scenario::new(vec![cl]);
        let r = crate::analysis::check(&scn, &convoys, &Default::default());
        let flagged = r.iter().filter(|c| c.is_flagged()).count();
        assert!((1..30).contains(&flagged), "{flagged} of 60 flagged");
    }

    /// The vessel case has slow vessels meeting at anchorages, not everyone.
    #[test]
    fn vessels_meet_at_anchorages() {
        let v = vessels(400, 24.0, 7);
        assert_eq!(v[0].parts[0].coords.len(), 144);
        let found = crate::analysis::events::encounters(&v, &Default::default());
        let met: std::collections::HashSet<usize> = found.iter().map(|e| e.0).collect();
        assert!((2..80).contains(&met.len()), "{} of 400 met", met.len());
    }
}
