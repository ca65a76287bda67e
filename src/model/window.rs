//! A period and an area the convoy reports are checked in (`check --from
//! --to --bbox`): a track keeps the positions inside both, in order; the
//! other layers stay whole. A PostGIS reader sends the same window to the
//! server (only the rows that may fall in it come over the wire); this trim
//! is then exact per position, whatever the source.

use super::{Layer, Role};
use geo::{Coord, Geometry, LineString, Point};

/// The reports to check: a period (Unix seconds, both ends included) and a
/// lon/lat box `[west, south, east, north]` (west above east: across 180).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Window {
    pub from_s: Option<f64>,
    pub to_s: Option<f64>,
    pub bbox: Option<[f64; 4]>,
}

impl Window {
    pub fn is_open(&self) -> bool {
        self.from_s.is_none() && self.to_s.is_none() && self.bbox.is_none()
    }

    fn has_period(&self) -> bool {
        self.from_s.is_some() || self.to_s.is_some()
    }

    /// Whether a time is in the period (an unknown time is not, when there is one).
    pub fn holds_time(&self, t: Option<f64>) -> bool {
        if !self.has_period() {
            return true;
        }
        t.is_some_and(|t| self.from_s.is_none_or(|f| t >= f) && self.to_s.is_none_or(|e| t <= e))
    }

    /// Whether a position is in the box.
    pub fn holds_position(&self, c: Coord) -> bool {
        let Some([w, s, e, n]) = self.bbox else {
            return true;
        };
        let lon = if w <= e {
            (w..=e).contains(&c.x)
        } else {
            c.x >= w || c.x <= e
        };
        lon && (s..=n).contains(&c.y)
    }
}

/// A track's positions with their times, part by part.
fn positions(g: &Geometry<f64>) -> Option<Vec<&[Coord]>> {
    Some(match g {
        Geometry::Point(p) => vec![std::slice::from_ref(&p.0)],
        Geometry::LineString(l) => vec![&l.0[..]],
        Geometry::MultiLineString(m) => m.0.iter().map(|l| &l.0[..]).collect(),
        Geometry::MultiPoint(m) => m.0.iter().map(|p| std::slice::from_ref(&p.0)).collect(),
        _ => return None,
    })
}

impl Layer {
    /// Keeps the track positions inside `window`, in order (a track left with
    /// one position is a point report; with none, it goes). Returns how many
    /// track features went, and how many of those had no times at all (a
    /// period cannot hold them).
    pub fn keep_reports_in(&mut self, window: &Window) -> (usize, usize) {
        if window.is_open() {
            return (0, 0);
        }
        let before = self.features.len();
        let mut untimed = 0;
        self.features.retain_mut(|f| {
            if f.role != Role::Track {
                return true;
            }
            let Some(parts) = f.geometry.as_ref().and_then(positions) else {
                return true;
            };
            if f.times.is_none() && window.has_period() {
                untimed += 1;
                return false;
            }
            let mut kept = Vec::new();
            let mut kept_times = Vec::new();
            for (k, part) in parts.iter().enumerate() {
                for (i, c) in part.iter().enumerate() {
                    let t = f
                        .times
                        .as_ref()
                        .and_then(|t| t.get(k))
                        .and_then(|t| t.get(i))
                        .copied()
                        .flatten();
                    if window.holds_time(t) && window.holds_position(*c) {
                        kept.push(*c);
                        kept_times.push(t);
                    }
                }
            }
            let all = parts.iter().map(|p| p.len()).sum::<usize>();
            if kept.len() == all {
                return true;
            }
            match kept.len() {
                0 => return false,
                1 => f.geometry = Some(Geometry::Point(Point(kept[0]))),
                _ => f.geometry = Some(Geometry::LineString(LineString(kept))),
            }
            if f.times.is_some() {
                f.times = Some(vec![kept_times]);
            }
            true
        });
        (before - self.features.len(), untimed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Feature;

    fn feature(role: Role, coords: &[(f64, f64)], times: Option<&[f64]>) -> Feature {
        Feature {
            index: 0,
            role,
            geometry: Some(Geometry::LineString(LineString::from(coords.to_vec()))),
            properties: Default::default(),
            id: None,
            times: times.map(|t| vec![t.iter().map(|t| Some(*t)).collect()]),
            time_span: None,
        }
    }

    fn track(coords: &[(f64, f64)], times: &[f64]) -> Feature {
        feature(Role::Track, coords, Some(times))
    }

    #[test]
    fn a_track_keeps_its_positions_in_the_period_and_the_box() {
        let mut l = Layer {
            features: vec![
                track(
                    &[(30.0, 50.0), (31.0, 50.0), (32.0, 50.0), (33.0, 50.0)],
                    &[0.0, 10.0, 20.0, 30.0],
                ),
                track(&[(30.0, 50.0), (31.0, 50.0)], &[100.0, 110.0]),
                feature(Role::Corridor, &[(0.0, 0.0), (1.0, 1.0)], None),
                feature(Role::Track, &[(0.0, 0.0), (1.0, 1.0)], None),
            ],
            ..Default::default()
        };
        let w = Window {
            from_s: Some(10.0),
            to_s: Some(30.0),
            bbox: Some([29.5, 49.0, 32.5, 51.0]),
        };
        assert_eq!(l.keep_reports_in(&w), (2, 1));
        assert_eq!(l.features.len(), 2);
        assert_eq!(
            l.features[0].geometry,
            Some(Geometry::LineString(LineString::from(vec![
                (31.0, 50.0),
                (32.0, 50.0)
            ])))
        );
        assert_eq!(
            l.features[0].times,
            Some(vec![vec![Some(10.0), Some(20.0)]])
        );
        assert_eq!(l.features[1].role, Role::Corridor);
        // One position left: a point report. Across 180: west above east.
        let mut l = Layer {
            features: vec![track(
                &[(179.5, 0.0), (-179.5, 0.0), (0.0, 0.0)],
                &[0.0, 1.0, 2.0],
            )],
            ..Default::default()
        };
        let w = Window {
            bbox: Some([179.0, -1.0, -179.8, 1.0]),
            ..Default::default()
        };
        assert_eq!(l.keep_reports_in(&w), (0, 0));
        assert_eq!(
            l.features[0].geometry,
            Some(Geometry::Point(Point::new(179.5, 0.0)))
        );
        assert_eq!(l.features[0].times, Some(vec![vec![Some(0.0)]]));
    }
}
