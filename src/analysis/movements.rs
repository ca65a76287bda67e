//! A notified movement as its reader sees it (`docs/layers.md`, "Notified
//! movements"): its line (the notified route, else its longest approved
//! corridor), the planned times along it at its planned speed, and its state
//! as of a time: planned, under way, completed, late or violated, with the
//! reasons and, under way, the expected arrival against the window's end.

use super::notified::Movement;
use super::result::ConvoyCheck;
use super::scenario::Scenario;
use crate::model::{Convoy, Feature, Role};
use geo::{Coord, Geometry};

/// Planned speed when a movement gives none, km/h (the Route tab's default).
pub const DEFAULT_SPEED_KMH: f64 = 40.0;
/// How near the line's far end a last report counts as arrived, metres.
pub const ARRIVED_M: f64 = 2_000.0;
/// Waypoints listed at most in a package (a long line is sampled evenly).
pub const MAX_WAYPOINTS: usize = 16;

/// A movement's line and plan.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The line travelled: the notified route, else the longest approved corridor.
    pub line: Vec<Coord>,
    /// Whether `line` is the notified route (else a corridor's centreline).
    pub from_route: bool,
    /// The corridor or grain lane whose centreline `line` is.
    pub corridor: Option<String>,
    /// Geodesic length along `line` up to each vertex, metres.
    pub along_m: Vec<f64>,
    pub speed_kmh: f64,
    /// Whether `speed_kmh` was given (else `DEFAULT_SPEED_KMH`).
    pub speed_given: bool,
}

impl Plan {
    pub fn length_m(&self) -> f64 {
        self.along_m.last().copied().unwrap_or(0.0)
    }

    /// Seconds to cover `m` metres at the planned speed.
    pub fn seconds_for(&self, m: f64) -> f64 {
        m / (self.speed_kmh / 3.6)
    }

    /// Where `p` lies along the line (metres from its start) and how far off it.
    pub fn locate(&self, p: Coord) -> Option<(f64, f64)> {
        crate::geodesy::measured::locate(&self.line, &self.along_m, p)
    }

    /// Up to `MAX_WAYPOINTS` vertices: all of a short line, else evenly
    /// spaced ones (the ends always), with their distance along it.
    pub fn waypoints(&self) -> Vec<(Coord, f64)> {
        let n = self.line.len();
        if n <= MAX_WAYPOINTS {
            return self
                .line
                .iter()
                .copied()
                .zip(self.along_m.clone())
                .collect();
        }
        let total = self.length_m();
        let mut out: Vec<(Coord, f64)> = Vec::new();
        let mut i = 0;
        for k in 0..MAX_WAYPOINTS {
            let target = total * k as f64 / (MAX_WAYPOINTS - 1) as f64;
            while i + 1 < n && self.along_m[i + 1] <= target {
                i += 1;
            }
            let j = if i + 1 < n && self.along_m[i + 1] - target < target - self.along_m[i] {
                i + 1
            } else {
                i
            };
            if out.last().is_none_or(|l| l.1 < self.along_m[j]) || out.is_empty() {
                out.push((self.line[j], self.along_m[j]));
            }
        }
        out
    }
}

fn lines_of(g: &Geometry<f64>) -> Vec<&geo::LineString<f64>> {
    match g {
        Geometry::LineString(l) => vec![l],
        Geometry::MultiLineString(m) => m.0.iter().collect(),
        _ => Vec::new(),
    }
}

/// The movement's feature.
pub fn feature<'a>(scn: &'a Scenario, m: &Movement) -> Option<&'a Feature> {
    scn.layers
        .get(m.at.0 as usize)
        .and_then(|l| l.features.get(m.at.1 as usize))
}

/// The movement's line and planned speed.
pub fn plan(scn: &Scenario, m: &Movement) -> Plan {
    let f = feature(scn, m);
    let speed = f
        .and_then(|f| f.prop_f64("speed_kmh"))
        .filter(|v| v.is_finite() && *v > 0.0);
    let route = f
        .and_then(|f| f.geometry.as_ref())
        .and_then(|g| lines_of(g).into_iter().max_by_key(|l| l.0.len()))
        .filter(|l| l.0.len() >= 2)
        .map(|l| l.0.clone());
    let from_route = route.is_some();
    let mut corridor = None;
    let line = route.unwrap_or_else(|| {
        let mut best: Option<(f64, Vec<Coord>, Option<String>)> = None;
        for f in scn.layers.iter().flat_map(|l| &l.features) {
            if !matches!(f.role, Role::Corridor | Role::GrainRoute)
                || !f.id.as_ref().is_some_and(|id| m.corridor_ids.contains(id))
            {
                continue;
            }
            for l in f.geometry.iter().flat_map(lines_of) {
                let len = crate::geodesy::measured::along_m(&l.0)
                    .last()
                    .copied()
                    .unwrap_or(0.0);
                if best.as_ref().is_none_or(|(b, _, _)| len > *b) {
                    best = Some((len, l.0.clone(), f.id.clone()));
                }
            }
        }
        best.map(|b| {
            corridor = b.2;
            b.1
        })
        .unwrap_or_default()
    });
    Plan {
        along_m: crate::geodesy::measured::along_m(&line),
        line,
        from_route,
        corridor,
        speed_kmh: speed.unwrap_or(DEFAULT_SPEED_KMH),
        speed_given: speed.is_some(),
    }
}

/// A movement's state as of a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// No report yet, the window not over, the trip fitting in it.
    Planned,
    /// Reports, not arrived, nothing wrong, expected within the window.
    UnderWay,
    /// Arrived (or its window over after reports) with nothing wrong.
    Completed,
    /// The window closed before it arrived (or started), or it is expected
    /// after it closes (under way, or planned with a window shorter than the trip).
    Late,
    /// Off its window, off its approved area, in the zone or a closed corridor.
    Violated,
}

impl State {
    pub fn word(self) -> &'static str {
        match self {
            State::Planned => "planned",
            State::UnderWay => "under way",
            State::Completed => "completed",
            State::Late => "late",
            State::Violated => "violated",
        }
    }
}

/// A movement's state with what it rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub state: State,
    /// Why (violations by kind, or what makes it late), plain words.
    pub reasons: Vec<String>,
    /// The last report by the time asked: its time and place.
    pub last: Option<(f64, Coord)>,
    /// Expected arrival at the planned speed (from the last report, or from
    /// the window's start when none), Unix seconds.
    pub eta: Option<f64>,
}

fn started_by(s: &super::Stretch, now: f64) -> bool {
    s.start_s.is_none_or(|t| t <= now)
}

/// The state of movement `m` as of `now` (Unix seconds), from its convoy's
/// track (`None`: no track) and check.
pub fn status(
    m: &Movement,
    plan: &Plan,
    convoy: Option<&Convoy>,
    check: Option<&ConvoyCheck>,
    now: f64,
) -> Status {
    let mut reasons = Vec::new();
    if let Some(c) = check {
        let mut say = |n: usize, one: &str, many: &str| {
            if n > 0 {
                reasons.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        };
        let nf = c.notification.as_ref();
        say(
            nf.map_or(0, |n| {
                n.off_window.iter().filter(|s| started_by(s, now)).count()
            }),
            "stretch off its window",
            "stretches off its window",
        );
        say(
            nf.map_or(0, |n| {
                n.closed_corridor
                    .iter()
                    .filter(|(s, _)| started_by(s, now))
                    .count()
            }),
            "stretch in a closed corridor",
            "stretches in a closed corridor",
        );
        say(
            c.deviations.iter().filter(|s| started_by(s, now)).count(),
            "deviation from its approved area",
            "deviations from its approved area",
        );
        say(
            c.buffer_zone_entries
                .iter()
                .filter(|s| started_by(s, now))
                .count(),
            "buffer-zone entry",
            "buffer-zone entries",
        );
    }
    let last = convoy.and_then(|c| {
        c.parts
            .iter()
            .flat_map(|p| p.coords.iter().zip(&p.times))
            .filter_map(|(c, t)| t.filter(|t| *t <= now).map(|t| (t, *c)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
    });
    let first = convoy.and_then(|c| {
        c.parts
            .iter()
            .flat_map(|p| p.coords.iter().zip(&p.times))
            .filter_map(|(c, t)| t.map(|t| (t, *c)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    });
    let window = m.window;
    let closes = window.map(|w| w.1);
    // "2026-03-02 17:40 UTC", as the Movements tab writes times.
    let hm = |t: f64| {
        crate::utc::format_rfc3339((t / 60.0).round() * 60.0)
            .and_then(|s| s.get(..16).map(|s| format!("{} UTC", s.replace('T', " "))))
            .unwrap_or_else(|| format!("{t}"))
    };
    if !reasons.is_empty() {
        return Status {
            state: State::Violated,
            reasons,
            last,
            eta: None,
        };
    }
    let Some((t_last, at)) = last else {
        let eta = window.map(|w| w.0 + plan.seconds_for(plan.length_m()));
        return match closes {
            Some(end) if now > end => Status {
                state: State::Late,
                reasons: vec![format!("its window closed at {} with no report", hm(end))],
                last,
                eta: None,
            },
            // A window shorter than the trip at the planned speed.
            Some(end) if eta.is_some_and(|e| e > end) => Status {
                state: State::Late,
                reasons: vec![format!(
                    "its route takes longer than its window at {:.0} km/h: expected at {}, the window closes at {}",
                    plan.speed_kmh,
                    eta.map(hm).unwrap_or_default(),
                    hm(end)
                )],
                last,
                eta,
            },
            _ => Status {
                state: State::Planned,
                reasons,
                last,
                eta,
            },
        };
    };
    // Which way it travels the line: from where its first report lies.
    let here = plan.locate(at);
    let start = first.and_then(|(_, c)| plan.locate(c));
    let remaining = here.map(|(s, _)| match start {
        Some((s0, _)) if s0 > s => s,
        _ => plan.length_m() - s,
    });
    let arrived = remaining.is_some_and(|r| r <= ARRIVED_M);
    if arrived || (remaining.is_none() && closes.is_some_and(|e| now > e)) {
        return Status {
            state: State::Completed,
            reasons,
            last,
            eta: None,
        };
    }
    let eta = remaining.map(|r| t_last + plan.seconds_for(r));
    match (closes, eta) {
        (Some(end), _) if now > end => Status {
            state: State::Late,
            reasons: vec![format!(
                "its window closed at {} before it arrived",
                hm(end)
            )],
            last,
            eta,
        },
        (Some(end), Some(e)) if e > end => Status {
            state: State::Late,
            reasons: vec![format!(
                "expected at {} at {:.0} km/h, after its window closes at {}",
                hm(e),
                plan.speed_kmh,
                hm(end)
            )],
            last,
            eta,
        },
        _ => Status {
            state: State::UnderWay,
            reasons,
            last,
            eta,
        },
    }
}

/// The latest report time among the scenario's convoys (what "now" is for
/// recorded data), if any.
pub fn latest_report(convoys: &[Convoy]) -> Option<f64> {
    convoys
        .iter()
        .flat_map(|c| &c.parts)
        .flat_map(|p| p.times.iter().flatten())
        .copied()
        .reduce(f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Stretch;
    use crate::model::TrackPart;

    const H: f64 = 3600.0;

    /// Lon 30 to 31 along lat 50, a vertex every quarter degree.
    fn plan() -> Plan {
        let line: Vec<Coord> = (0..5)
            .map(|k| Coord {
                x: 30.0 + 0.25 * f64::from(k),
                y: 50.0,
            })
            .collect();
        Plan {
            along_m: crate::geodesy::measured::along_m(&line),
            line,
            from_route: true,
            corridor: None,
            speed_kmh: 40.0,
            speed_given: true,
        }
    }

    fn movement(w: (f64, f64)) -> Movement {
        Movement {
            id: "M".into(),
            convoy_id: "C".into(),
            window: Some(w),
            ..Default::default()
        }
    }

    /// A convoy at the plan's vertices `ks`, at the times `ts`.
    fn convoy(p: &Plan, ks: &[usize], ts: &[f64]) -> Convoy {
        Convoy {
            convoy_id: "C".into(),
            parts: vec![TrackPart {
                coords: ks.iter().map(|&k| p.line[k]).collect(),
                times: ts.iter().map(|&t| Some(t)).collect(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn before_any_report_a_movement_is_planned_then_late() {
        let p = plan();
        let m = movement((10.0 * H, 14.0 * H));
        let s = status(&m, &p, None, None, 9.0 * H);
        assert_eq!(s.state, State::Planned);
        // From the window's start, the whole line at 40 km/h.
        let eta = s.eta.unwrap();
        assert!((eta - (10.0 * H + p.length_m() / (40.0 / 3.6))).abs() < 1e-6);
        let s = status(&m, &p, None, None, 15.0 * H);
        assert_eq!(s.state, State::Late);
        assert!(s.reasons[0].contains("closed at") && s.reasons[0].contains("no report"));
        // A one-hour window for a trip of 1 h 48 min at 40 km/h: late before it starts.
        let s = status(&movement((10.0 * H, 11.0 * H)), &p, None, None, 9.0 * H);
        assert_eq!(s.state, State::Late);
        assert!(
            s.reasons[0].starts_with("its route takes longer than its window"),
            "{:?}",
            s.reasons
        );
    }

    #[test]
    fn under_way_its_arrival_is_the_rest_of_the_line_at_the_planned_speed() {
        let p = plan();
        let c = convoy(&p, &[0, 1], &[10.0 * H, 10.5 * H]);
        let rest = p.length_m() - p.along_m[1];
        // About 53.7 km left at 40 km/h: 1 h 20 min after 10:30.
        let eta = 10.5 * H + rest / (40.0 / 3.6);
        assert!((eta - 11.84 * H).abs() < 0.05 * H, "{}", eta / H);
        let s = status(
            &movement((10.0 * H, 14.0 * H)),
            &p,
            Some(&c),
            None,
            10.6 * H,
        );
        assert_eq!(s.state, State::UnderWay);
        assert!((s.eta.unwrap() - eta).abs() < 1e-3);
        // A window closing at 11:30 is too short: late, and it says when it arrives.
        let s = status(
            &movement((10.0 * H, 11.5 * H)),
            &p,
            Some(&c),
            None,
            10.6 * H,
        );
        assert_eq!(s.state, State::Late);
        assert!(s.reasons[0].starts_with("expected at"), "{:?}", s.reasons);
        // As of 10:15 only the first report counts.
        let s = status(
            &movement((10.0 * H, 14.0 * H)),
            &p,
            Some(&c),
            None,
            10.25 * H,
        );
        assert_eq!(s.last.map(|l| l.0), Some(10.0 * H));
    }

    #[test]
    fn a_convoy_travelling_the_line_backwards_arrives_at_its_start() {
        let p = plan();
        let c = convoy(&p, &[4, 3], &[10.0 * H, 10.5 * H]);
        let s = status(
            &movement((10.0 * H, 14.0 * H)),
            &p,
            Some(&c),
            None,
            10.6 * H,
        );
        let eta = 10.5 * H + p.along_m[3] / (40.0 / 3.6);
        assert!((s.eta.unwrap() - eta).abs() < 1e-3);
        let c = convoy(&p, &[4, 2, 0], &[10.0 * H, 11.0 * H, 12.0 * H]);
        let s = status(
            &movement((10.0 * H, 14.0 * H)),
            &p,
            Some(&c),
            None,
            13.0 * H,
        );
        assert_eq!(s.state, State::Completed);
    }

    #[test]
    fn a_stretch_makes_it_violated_once_it_has_begun() {
        let p = plan();
        let c = convoy(&p, &[0, 2, 4], &[10.0 * H, 11.0 * H, 12.0 * H]);
        let check = ConvoyCheck {
            deviations: vec![Stretch {
                start_s: Some(11.5 * H),
                end_s: Some(11.6 * H),
                ..Default::default()
            }],
            ..Default::default()
        };
        let m = movement((10.0 * H, 14.0 * H));
        assert_eq!(
            status(&m, &p, Some(&c), Some(&check), 11.2 * H).state,
            State::UnderWay
        );
        let s = status(&m, &p, Some(&c), Some(&check), 12.5 * H);
        assert_eq!(s.state, State::Violated);
        assert_eq!(
            s.reasons,
            vec!["1 deviation from its approved area".to_string()]
        );
    }

    #[test]
    fn a_long_line_lists_sixteen_waypoints_ends_included() {
        let line: Vec<Coord> = (0..100)
            .map(|k| Coord {
                x: 30.0 + 0.01 * f64::from(k),
                y: 50.0,
            })
            .collect();
        let p = Plan {
            along_m: crate::geodesy::measured::along_m(&line),
            line,
            ..Default::default()
        };
        let w = p.waypoints();
        assert_eq!(w.len(), MAX_WAYPOINTS);
        assert_eq!(w[0].1, 0.0);
        assert_eq!(w.last().unwrap().1, p.length_m());
        assert!(w.windows(2).all(|a| a[1].1 > a[0].1));
    }
}
