//! Replay: a time slider over all track times. Each convoy is drawn at its
//! position at time t with its trail; stretches appear as they happen.
//! Positions are interpolated in time between timed vertices; vertices without
//! a time get one in proportion to the distance along the track.

use super::map::projection::{project_line, to_screen};
use super::map::style::{DEVIATION, ZONE_ENTRY};
use super::model::Analysis;
use crate::analysis::time_at_distance;
use crate::geodesy::fast_distance_m;
use eframe::egui::{self, Color32, Stroke};
use geo::Coord;
use walkers::Projector;

/// One convoy's timed path: per part, (Unix seconds, position) in time order.
pub struct TimelineTrack {
    pub convoy_id: String,
    pub parts: Vec<Vec<(f64, Coord)>>,
}

/// A stretch with its times, for drawing as it happens.
pub struct TimelineStretch {
    pub path: Vec<Coord>,
    /// Distance along `path` at each vertex, metres.
    cum_m: Vec<f64>,
    pub start_s: f64,
    pub end_s: f64,
    pub deviation: bool,
}

pub struct TimelineData {
    pub generation: u64,
    pub tracks: Vec<TimelineTrack>,
    pub stretches: Vec<TimelineStretch>,
    pub t_min: f64,
    pub t_max: f64,
}

/// Each vertex with its time, by the core's rule for times along a track
/// (interpolated by distance between timed vertices; none outside them).
fn timed_part(coords: &[Coord], times: &[Option<f64>]) -> Vec<(f64, Coord)> {
    let mut cum = vec![0.0; coords.len()];
    for i in 1..coords.len() {
        cum[i] = cum[i - 1] + fast_distance_m(coords[i - 1], coords[i]);
    }
    let timed: Vec<(f64, f64)> = (0..coords.len())
        .filter_map(|i| {
            let t = times.get(i).copied().flatten()?;
            t.is_finite().then_some((cum[i], t))
        })
        .collect();
    // A timed vertex keeps its own time (a halt has two); the others take the
    // rule's time between their timed neighbours.
    (0..coords.len())
        .filter_map(|i| {
            let own = times.get(i).copied().flatten().filter(|t| t.is_finite());
            Some((
                own.or_else(|| time_at_distance(&timed, cum[i], true))?,
                coords[i],
            ))
        })
        .collect()
}

impl TimelineData {
    pub fn new(a: &Analysis) -> TimelineData {
        let mut tracks = Vec::new();
        let (mut t_min, mut t_max) = (f64::INFINITY, f64::NEG_INFINITY);
        for c in &a.convoys {
            let parts: Vec<Vec<(f64, Coord)>> = c
                .parts
                .iter()
                .map(|p| timed_part(&p.coords, &p.times))
                .filter(|p| !p.is_empty())
                .collect();
            for p in &parts {
                t_min = t_min.min(p[0].0);
                t_max = t_max.max(p[p.len() - 1].0);
            }
            if !parts.is_empty() {
                tracks.push(TimelineTrack {
                    convoy_id: c.convoy_id.clone(),
                    parts,
                });
            }
        }
        let mut stretches = Vec::new();
        for r in &a.results {
            let lists = [
                (true, &r.report.deviations, &r.deviation_paths),
                (false, &r.report.buffer_zone_entries, &r.zone_paths),
            ];
            for (deviation, list, paths) in lists {
                for (s, path) in list.iter().zip(paths) {
                    let (Some(start_s), Some(end_s)) = (s.start_s, s.end_s) else {
                        continue;
                    };
                    let mut cum_m = vec![0.0; path.len()];
                    for i in 1..path.len() {
                        cum_m[i] = cum_m[i - 1] + fast_distance_m(path[i - 1], path[i]);
                    }
                    stretches.push(TimelineStretch {
                        path: path.clone(),
                        cum_m,
                        start_s,
                        end_s,
                        deviation,
                    });
                }
            }
        }
        if !t_min.is_finite() {
            (t_min, t_max) = (0.0, 0.0);
        }
        TimelineData {
            generation: a.generation,
            tracks,
            stretches,
            t_min,
            t_max,
        }
    }
}

/// Where a part is at `t`: the trail so far (ending at the position), or `None` before it starts.
pub fn trail_at(part: &[(f64, Coord)], t: f64) -> Option<Vec<Coord>> {
    let first = part.first()?;
    if t < first.0 {
        return None;
    }
    let k = part.partition_point(|(ts, _)| *ts <= t);
    let mut trail: Vec<Coord> = part[..k].iter().map(|p| p.1).collect();
    if let (Some(a), Some(b)) = (part.get(k.wrapping_sub(1)), part.get(k))
        && b.0 > a.0
    {
        let f = (t - a.0) / (b.0 - a.0);
        trail.push(Coord {
            x: a.1.x + f * (b.1.x - a.1.x),
            y: a.1.y + f * (b.1.y - a.1.y),
        });
    }
    Some(trail)
}

/// The convoy's position at `t` (its last known one after it ends).
pub fn position_at(track: &TimelineTrack, t: f64) -> Option<Coord> {
    track
        .parts
        .iter()
        .filter_map(|p| {
            trail_at(p, t)
                .and_then(|tr| tr.last().copied())
                .map(|c| (p[0].0, c))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|x| x.1)
}

pub struct Timeline {
    pub enabled: bool,
    pub playing: bool,
    /// The time shown (Unix seconds); NaN until something sets it (the data's
    /// start, or a replay's clock).
    pub t: f64,
    /// Track seconds per real second.
    pub speed: f64,
    pub follow: Option<String>,
    pub data: Option<TimelineData>,
    last_frame: Option<std::time::Instant>,
}

impl Default for Timeline {
    fn default() -> Self {
        Self {
            enabled: false,
            playing: false,
            t: f64::NAN,
            speed: 600.0,
            follow: None,
            data: None,
            last_frame: None,
        }
    }
}

pub fn format_time(t: f64) -> String {
    crate::utc::format_rfc3339(t)
        .map(|s| s.replace('T', " ").replace('Z', " UTC"))
        .unwrap_or_else(|| "-".into())
}

impl Timeline {
    /// Rebuilds the timeline when the analysis changed; keeps t inside it.
    pub fn refresh(&mut self, a: Option<&Analysis>) {
        let Some(a) = a else { return };
        if self
            .data
            .as_ref()
            .is_none_or(|d| d.generation != a.generation)
        {
            let d = TimelineData::new(a);
            // A time already set (a replay-as-live's clock that ran ahead of
            // the first build) stays; else the data's start.
            if !self.t.is_finite() {
                self.t = d.t_min;
            }
            self.t = self.t.clamp(d.t_min, d.t_max.max(d.t_min));
            self.data = Some(d);
        }
    }

    /// Play or pause; playing from the end starts again from the beginning.
    pub fn play_pause(&mut self) {
        if let Some(d) = &self.data
            && !self.playing
            && self.t >= d.t_max
        {
            self.t = d.t_min;
        }
        self.playing = !self.playing;
    }

    /// Advances t while playing.
    pub fn tick(&mut self, ctx: &egui::Context) {
        let now = std::time::Instant::now();
        if self.playing
            && let Some(d) = &self.data
        {
            if let Some(prev) = self.last_frame {
                self.t += (now - prev).as_secs_f64() * self.speed;
            }
            if self.t >= d.t_max {
                self.t = d.t_max;
                self.playing = false;
            }
            ctx.request_repaint();
        }
        self.last_frame = Some(now);
    }

    /// Where the followed convoy is now.
    pub fn followed_position(&self) -> Option<Coord> {
        let id = self.follow.as_ref()?;
        let d = self.data.as_ref()?;
        d.tracks
            .iter()
            .find(|tr| &tr.convoy_id == id)
            .and_then(|tr| position_at(tr, self.t))
    }

    /// Draws the trails, the stretches so far and the convoys (their ids are
    /// the map's labels', placed with the other names).
    pub fn paint(&self, projector: &Projector, painter: &egui::Painter) {
        let Some(d) = &self.data else { return };
        let trail_colour = crate::app::map::style::TRACK;
        for tr in &d.tracks {
            for p in &tr.parts {
                if let Some(trail) = trail_at(p, self.t) {
                    painter.add(egui::Shape::line(
                        project_line(projector, &trail),
                        Stroke::new(2.5, trail_colour),
                    ));
                }
            }
        }
        for s in &d.stretches {
            if self.t < s.start_s {
                continue;
            }
            let f = if s.end_s > s.start_s {
                ((self.t - s.start_s) / (s.end_s - s.start_s)).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let total = s.cum_m.last().copied().unwrap_or(0.0);
            let upto = f * total;
            let k = s.cum_m.partition_point(|c| *c <= upto);
            let mut path: Vec<Coord> = s.path[..k].to_vec();
            if let (Some(a), Some(b)) =
                (k.checked_sub(1).and_then(|i| s.path.get(i)), s.path.get(k))
            {
                let (ca, cb) = (s.cum_m[k - 1], s.cum_m[k]);
                let g = if cb > ca {
                    (upto - ca) / (cb - ca)
                } else {
                    0.0
                };
                path.push(Coord {
                    x: a.x + g * (b.x - a.x),
                    y: a.y + g * (b.y - a.y),
                });
            }
            let colour = if s.deviation { DEVIATION } else { ZONE_ENTRY };
            painter.add(egui::Shape::line(
                project_line(projector, &path),
                Stroke::new(4.0, colour),
            ));
        }
        for (_, c, followed) in self.markers() {
            let p = to_screen(projector, c);
            painter.circle(
                p,
                if followed { 8.0 } else { 6.0 },
                Color32::WHITE,
                Stroke::new(
                    2.5,
                    if followed {
                        super::map::style::HIGHLIGHT
                    } else {
                        trail_colour
                    },
                ),
            );
        }
    }

    /// Each replayed convoy where it is at the slider's time: (id, lon/lat, followed).
    pub fn markers(&self) -> Vec<(String, Coord, bool)> {
        let Some(d) = &self.data else {
            return Vec::new();
        };
        d.tracks
            .iter()
            .filter_map(|tr| {
                let c = position_at(tr, self.t)?;
                let followed = self.follow.as_deref() == Some(tr.convoy_id.as_str());
                Some((tr.convoy_id.clone(), c, followed))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_interpolated_in_time() {
        let coords = [
            Coord { x: 30.0, y: 50.0 },
            Coord { x: 30.1, y: 50.0 },
            Coord { x: 30.2, y: 50.0 },
        ];
        // The middle vertex has no time: it gets one by distance (half-way).
        let part = timed_part(&coords, &[Some(0.0), None, Some(100.0)]);
        assert_eq!(part.len(), 3);
        assert!((part[1].0 - 50.0).abs() < 0.1);
        let trail = trail_at(&part, 75.0).expect("started");
        let at = trail.last().copied().expect("a position");
        assert!((at.x - 30.15).abs() < 1e-3, "{at:?}");
        assert!(trail_at(&part, -1.0).is_none());
        let end = trail_at(&part, 500.0).expect("finished").last().copied();
        assert_eq!(end, Some(coords[2]));
        // A halt: two timed vertices at one place keep their own times.
        let halt = [coords[0], coords[1], coords[1], coords[2]];
        let part = timed_part(
            &halt,
            &[Some(0.0), Some(100.0), Some(7_300.0), Some(7_400.0)],
        );
        let times: Vec<f64> = part.iter().map(|p| p.0).collect();
        assert_eq!(times, [0.0, 100.0, 7_300.0, 7_400.0]);
    }
}
