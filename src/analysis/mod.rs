//! Deviation and buffer-zone analysis: pure functions over the model and index.

mod convoys;
pub mod events;
pub mod exposure;
mod far;
pub mod fixes;
mod gaps;
pub mod incidents;
pub mod live;
pub mod movements;
pub mod notified;
pub mod replay;
pub mod result;
pub mod route;
pub mod routing;
mod scenario;
pub mod sectors;
mod stretches;
pub mod watch;
pub mod zone;

pub use convoys::{assemble_convoys, assemble_convoys_with};
pub use scenario::Scenario;
pub use stretches::{
    DensePart, Mode, Search, StretchSpan, find_stretches, find_stretches_hinted, max_offset_m,
    time_at_distance,
};

use crate::geodesy::wrap_dlon_deg;
use crate::model::Convoy;
use rayon::prelude::*;
pub use result::{ConvoyCheck, Gap, Stretch, StretchKey};

/// Options of a check.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Stretches shorter than this (metres) are not reported.
    pub min_length_m: f64,
    /// A silence longer than this (seconds) that starts inside a grain lane is a gap.
    pub gap_s: f64,
    /// The speed beyond which a fix is a jump (`fixes`); applied where tracks
    /// become convoys (`Overview::build`).
    pub max_speed: fixes::SpeedLimit,
    /// How implausible jumps, loitering and encounters are found (`events`);
    /// `None`: not looked for (a live watch's tails).
    pub events: Option<events::EventRules>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            min_length_m: 0.0,
            gap_s: gaps::DEFAULT_GAP_S,
            max_speed: fixes::SpeedLimit::ByKind,
            events: Some(events::EventRules::default()),
        }
    }
}

/// What a front end wants of a layer set besides the reports.
#[derive(Clone, Debug, Default)]
pub struct OverviewOptions {
    pub check: CheckOptions,
    /// The lon/lat path of every stretch (for drawing and GeoJSON export).
    pub paths: bool,
    /// Every incident with its zone depth and distance to the contact line.
    pub incidents: bool,
    /// The length of a zone sector along a contact line, km (`None`: 50);
    /// named `sector` features take its place.
    pub sector_km: Option<f64>,
    /// Move the tracks' vertices and times into the convoys instead of
    /// copying them: the overview's layers keep their track features without
    /// geometry. For a caller that never draws or reads the tracks from the
    /// layers again (the command line's `check`).
    pub take_tracks: bool,
}

/// A layer set checked: the pipeline `check`, the app and the exports share.
pub struct Overview {
    pub scn: Scenario,
    pub convoys: Vec<Convoy>,
    /// One per convoy, in input order (paths empty unless asked for).
    pub results: Vec<ConvoyResult>,
    /// Empty unless asked for.
    pub incidents: Vec<incidents::IncidentInfo>,
    /// The zone's sectors, in order (with the incidents).
    pub sectors: Vec<String>,
}

impl Overview {
    /// Tracks into convoys, the indexes, every convoy checked, the incidents.
    pub fn build(layers: Vec<crate::model::Layer>, opts: &OverviewOptions) -> Overview {
        let (convoys, scn) = if opts.take_tracks {
            convoys::assemble_convoys_taking(layers, opts.check.max_speed, Scenario::new)
        } else {
            let convoys = assemble_convoys_with(&layers, opts.check.max_speed);
            (convoys, Scenario::new(layers))
        };
        let results = if opts.paths {
            check_with_paths(&scn, &convoys, &opts.check)
        } else {
            check(&scn, &convoys, &opts.check)
                .into_iter()
                .map(|report| ConvoyResult {
                    report,
                    ..Default::default()
                })
                .collect()
        };
        let (incidents, sectors) = if opts.incidents {
            let s = sectors::Sectors::of(
                &scn.layers,
                opts.sector_km.unwrap_or(sectors::DEFAULT_SECTOR_KM),
            );
            (incidents::incidents_in(&scn, &s), s.names())
        } else {
            (Vec::new(), Vec::new())
        };
        Overview {
            scn,
            convoys,
            results,
            incidents,
            sectors,
        }
    }
}

/// Checks every convoy against its corridors and the buffer zones (in parallel).
pub fn check(scn: &Scenario, convoys: &[Convoy], opts: &CheckOptions) -> Vec<ConvoyCheck> {
    let mut out: Vec<ConvoyCheck> = convoys
        .par_iter()
        .map(|c| check_convoy(scn, c, opts))
        .collect();
    add_encounters(convoys, opts, &mut out, |r| r);
    out
}

/// The encounters between the convoys' vessels, added to their reports'
/// events (kept in time order).
fn add_encounters<T>(
    convoys: &[Convoy],
    opts: &CheckOptions,
    out: &mut [T],
    report: fn(&mut T) -> &mut ConvoyCheck,
) {
    let Some(rules) = &opts.events else {
        return;
    };
    let found = events::encounters(convoys, rules);
    let mut touched = Vec::new();
    for (i, e) in found {
        report(&mut out[i]).events.push(e);
        touched.push(i);
    }
    touched.sort_unstable();
    touched.dedup();
    for i in touched {
        report(&mut out[i])
            .events
            .sort_by(|x, y| x.start_s.total_cmp(&y.start_s));
    }
}

/// Checks one convoy.
pub fn check_convoy(scn: &Scenario, convoy: &Convoy, opts: &CheckOptions) -> ConvoyCheck {
    check_convoy_with_paths(scn, convoy, opts).report
}

/// A convoy's report with the path of each reported stretch, for drawing.
#[derive(Clone, Debug, Default)]
pub struct ConvoyResult {
    pub report: ConvoyCheck,
    /// One lon/lat path per entry of `report.deviations`.
    pub deviation_paths: Vec<Vec<geo::Coord>>,
    /// One lon/lat path per entry of `report.buffer_zone_entries`.
    pub zone_paths: Vec<Vec<geo::Coord>>,
}

/// Every convoy's report with stretch paths (in parallel).
pub fn check_with_paths(
    scn: &Scenario,
    convoys: &[Convoy],
    opts: &CheckOptions,
) -> Vec<ConvoyResult> {
    let mut out: Vec<ConvoyResult> = convoys
        .par_iter()
        .map(|c| check_convoy_with_paths(scn, c, opts))
        .collect();
    add_encounters(convoys, opts, &mut out, |r| &mut r.report);
    out
}

fn span_path(dense: &DensePart, span: &StretchSpan) -> Vec<geo::Coord> {
    let mut out = vec![dense.coord_at(span.start)];
    let first = span.start.floor() as usize + 1;
    let last = span.end.ceil() as usize;
    for i in first..last {
        if let Some(c) = dense.coords.get(i) {
            out.push(*c);
        }
    }
    out.push(dense.coord_at(span.end));
    out
}

/// Checks one convoy, keeping the stretch paths.
pub fn check_convoy_with_paths(
    scn: &Scenario,
    convoy: &Convoy,
    opts: &CheckOptions,
) -> ConvoyResult {
    check_convoy_measuring(scn, convoy, opts, &|_, _| true)
}

/// [`check_convoy_with_paths`], measuring the greatest offset (or depth) only
/// of the stretches `measure` asks for (by mode: `Outside` deviations,
/// `Inside` zone entries); the others have `max_offset_m: None`. A live watch
/// skips what it has already alerted; the stretches are the same.
pub fn check_convoy_measuring(
    scn: &Scenario,
    convoy: &Convoy,
    opts: &CheckOptions,
    measure: &dyn Fn(Mode, &Stretch) -> bool,
) -> ConvoyResult {
    let mut deviation_paths = Vec::new();
    let mut zone_paths = Vec::new();
    let mut warnings = convoy.warnings.clone();
    let allowed_mask = scn.convoy_mask(convoy, &mut warnings);
    let any_allowed = allowed_mask.iter().any(|&b| b);
    let keep_allowed = |s: u32| allowed_mask[s as usize];
    let keep_all = |_: u32| true;
    let mut report = ConvoyCheck {
        convoy_id: convoy.convoy_id.clone(),
        corridor_ids: convoy.corridor_ids.clone(),
        vessel: convoy.vessel,
        // A vessel outside the scheme is none of the lanes' business.
        not_in_lane: convoy.vessel
            && convoy.corridor_ids.is_none()
            && !gaps::uses_a_lane(scn, convoy),
        ..Default::default()
    };
    let mut notification = scn
        .notified
        .any()
        .then(|| notification_of(scn, convoy, &mut warnings));
    for (shape, problem) in &scn.notified.closure_problems {
        if allowed_mask.get(*shape as usize).copied().unwrap_or(false) {
            warnings.push(problem.clone());
        }
    }
    let windows: Option<Vec<(f64, f64)>> =
        scn.notified.by_convoy.get(&convoy.convoy_id).map(|list| {
            notified::merged(
                list.iter()
                    .filter_map(|&k| scn.notified.movements[k].window)
                    .collect(),
            )
        });
    for part in &convoy.parts {
        let dense = DensePart::new(part);
        if let Some(n) = &mut notification {
            let subsecond = dense.subsecond();
            if let Some(w) = &windows {
                n.off_window.extend(
                    notified::off_window(&dense, w)
                        .iter()
                        .filter_map(|span| span_stretch(&dense, span, opts, subsecond)),
                );
            }
            for (span, shape) in
                notified::closed_corridor(&dense, &scn.allowed, &scn.notified, &allowed_mask)
            {
                let f = scn.allowed.shapes[shape as usize].feature;
                let id = scn.layers[f.layer as usize].features[f.feature as usize]
                    .id
                    .clone()
                    .unwrap_or_default();
                if let Some(s) = span_stretch(&dense, &span, opts, subsecond) {
                    n.closed_corridor.push((s, id));
                }
            }
        }
        // Times written to the millisecond when the part's carry fractions (once per part).
        let subsecond = dense.subsecond();
        report.length_m += dense.length_m();
        if dense.length_m() <= stretches::TOUCH_M {
            // A convoy that does not move (one report, or a halt with no travel).
            if let Some(&at) = dense.coords.first() {
                let parked = Parked {
                    at,
                    secs: (dense.time_at(0.0, false), dense.time_at(0.0, true)),
                    subsecond,
                    opts,
                };
                if !report.not_in_lane && (!any_allowed || !scn.allowed.contains(at, &keep_allowed))
                {
                    let offset = any_allowed
                        .then(|| scn.allowed.distance_to_area_m(at, &keep_allowed))
                        .flatten();
                    let on_boundary = offset.is_some_and(|o| o < stretches::TOUCH_M);
                    if !on_boundary && parked.push(&mut report.deviations, offset) {
                        deviation_paths.push(vec![at, at]);
                    }
                }
                if !scn.zone.is_empty()
                    && scn.zone.contains(at, &keep_all)
                    && parked.push(&mut report.buffer_zone_entries, Some(scn.zone.depth_m(at)))
                {
                    zone_paths.push(vec![at, at]);
                }
            }
            continue;
        }
        let devs = if report.not_in_lane {
            Vec::new()
        } else if any_allowed {
            find_stretches(&dense, &scn.allowed, &keep_allowed, Mode::Outside)
        } else {
            // Nothing approved (or no corridors at all): the whole track deviates.
            dense.whole()
        };
        for span in devs {
            let Some(mut stretch) = span_stretch(&dense, &span, opts, subsecond) else {
                continue;
            };
            if any_allowed && measure(Mode::Outside, &stretch) {
                // The distance to the area is 1-Lipschitz: the last probe bounds the next
                // one, so each search starts at the right radius.
                let last: std::cell::Cell<Option<(geo::Coord, f64)>> = std::cell::Cell::new(None);
                let probe = |p: geo::Coord, estimate: bool| {
                    // (An estimate may be a few metres short: 10 m, not 1 m, of slack.)
                    let start = last.get().map_or(5_000.0, |(q, d)| {
                        // The mid-latitude formula near, Lambert's far (not Karney's).
                        let step = if (p.x - q.x).abs() < 0.25 && (p.y - q.y).abs() < 0.25 {
                            crate::geodesy::fast_distance_m(q, p)
                        } else {
                            crate::geodesy::lambert_distance_m(q, p)
                        };
                        d + step * 1.001 + 10.0
                    });
                    let r = if estimate {
                        scn.allowed
                            .distance_to_area_estimate_from(p, &keep_allowed, start)
                    } else {
                        scn.allowed.distance_to_area_from(p, &keep_allowed, start)
                    };
                    let r = r.unwrap_or((0.0, None));
                    last.set(Some((p, r.0)));
                    r
                };
                let offset = far::max_offset_m(
                    &Search {
                        dense: &dense,
                        span: &span,
                        offset_m: &|p| probe(p, false),
                        piece_m: Some(&|id, p| scn.allowed.piece_area_distance_m(id, p)),
                        rel_tol: stretches::DEVIATION_REL_TOL,
                    },
                    &|p| probe(p, true),
                );
                if offset < stretches::TOUCH_M {
                    // Along the boundary, never beyond it by more than the
                    // touch tolerance: on the boundary is inside.
                    continue;
                }
                stretch.max_offset_m = Some(offset);
            }
            report.deviations.push(stretch);
            deviation_paths.push(span_path(&dense, &span));
        }
        if !scn.zone.is_empty() {
            for span in find_stretches(&dense, &scn.zone, &keep_all, Mode::Inside) {
                let Some(mut stretch) = span_stretch(&dense, &span, opts, subsecond) else {
                    continue;
                };
                if measure(Mode::Inside, &stretch) {
                    let depth = max_offset_m(&Search {
                        dense: &dense,
                        span: &span,
                        offset_m: &|p| (scn.zone.depth_m(p), None),
                        piece_m: None,
                        rel_tol: stretches::DEPTH_REL_TOL,
                    });
                    if depth < stretches::TOUCH_M {
                        continue;
                    }
                    stretch.max_offset_m = Some(depth);
                }
                report.buffer_zone_entries.push(stretch);
                zone_paths.push(span_path(&dense, &span));
            }
        }
    }
    report.gaps = gaps::silences_in_lanes(scn, convoy, opts.gap_s);
    if let Some(rules) = &opts.events {
        report.events = events::of_convoy(convoy, rules);
    }
    report.notification = notification;
    report.warnings = warnings;
    ConvoyResult {
        report,
        deviation_paths,
        zone_paths,
    }
}

/// What a convoy's notifications say before its track is read: its
/// movements, whether it was notified at all; their problems to `warnings`.
fn notification_of(
    scn: &Scenario,
    convoy: &Convoy,
    warnings: &mut Vec<String>,
) -> result::Notification {
    let notes = &scn.notified;
    let list = notes.by_convoy.get(&convoy.convoy_id);
    let movements: Vec<&notified::Movement> = list
        .into_iter()
        .flatten()
        .map(|&k| &notes.movements[k])
        .collect();
    for m in &movements {
        warnings.extend(m.problems.iter().cloned());
    }
    let timed = convoy
        .parts
        .iter()
        .any(|p| p.times.iter().any(Option::is_some));
    result::Notification {
        movement_ids: movements.iter().map(|m| m.id.clone()).collect(),
        not_notified: !notes.movements.is_empty() && movements.is_empty() && timed,
        ..Default::default()
    }
}

/// A convoy parked at one place (from its first to its last time there): a
/// zero-length stretch.
struct Parked<'a> {
    at: geo::Coord,
    secs: (Option<f64>, Option<f64>),
    subsecond: bool,
    opts: &'a CheckOptions,
}

impl Parked<'_> {
    fn push(&self, out: &mut Vec<Stretch>, offset: Option<f64>) -> bool {
        if self.opts.min_length_m > 0.0 {
            return false;
        }
        let pos = geo::Coord {
            x: wrap_dlon_deg(self.at.x),
            y: self.at.y,
        };
        out.push(Stretch {
            start: pos,
            end: pos,
            length_m: 0.0,
            max_offset_m: offset,
            start_s: self.secs.0,
            end_s: self.secs.1,
            subsecond: self.subsecond,
        });
        true
    }
}

/// A span as a stretch without its offset (`None` if shorter than
/// `opts.min_length_m`).
fn span_stretch(
    dense: &DensePart,
    span: &StretchSpan,
    opts: &CheckOptions,
    subsecond: bool,
) -> Option<Stretch> {
    let length_m = span.length_m(dense);
    if length_m < opts.min_length_m {
        return None;
    }
    let (s, e) = (dense.coord_at(span.start), dense.coord_at(span.end));
    let wrap = |c: geo::Coord| geo::Coord {
        x: wrap_dlon_deg(c.x),
        y: c.y,
    };
    Some(Stretch {
        start: wrap(s),
        end: wrap(e),
        length_m,
        max_offset_m: None,
        start_s: dense.time_at(span.start, true),
        end_s: dense.time_at(span.end, false),
        subsecond,
    })
}
