//! Track features into convoys.
//!
//! Every `track` feature sharing a `convoy_id` is one convoy, in order of first
//! appearance. Each LineString (and each line of a MultiLineString) is a part of
//! its own: no edge is drawn between two features. Point reports of a convoy form
//! one part, ordered by `time` (equal times keep input order).

use super::fixes::{SpeedLimit, drop_jumps, too_fast};
use crate::model::{Convoy, Feature, Layer, Role, TrackPart};
use geo::Geometry;
use serde_json::Value;
use std::collections::HashMap;

/// Where a line of a convoy comes from: line `k` of the feature at
/// `feature` in layer `layer` (numbered `index` in its file), and where in
/// the convoy's warnings one about its times goes (they are judged later,
/// in parallel, but warned of in file order).
#[derive(Clone, Copy)]
struct LineAt {
    layer: usize,
    feature: usize,
    index: usize,
    k: usize,
    warn_at: usize,
}

/// A part of a convoy as the serial pass finds it: named by its place in the
/// layers, copied (or moved) and judged for times running backwards and for
/// jumps afterwards, convoy by convoy in parallel.
enum Slot {
    Line(LineAt),
    /// The same, moved out of its layer (times too, when it has them).
    Taken(LineAt, TrackPart),
    Reports,
}

struct Building {
    convoy: Convoy,
    slots: Vec<Slot>,
    reports: Vec<(Option<f64>, geo::Coord)>,
    /// A vessel (an `mmsi` property or `vessel: true`): judged at sea speeds.
    vessel: bool,
}

/// Whether a track feature is a vessel's: it has an `mmsi` (AIS readers
/// give one) or says `vessel: true`.
pub(crate) fn is_vessel(f: &Feature) -> bool {
    f.properties.contains_key("mmsi")
        || matches!(f.properties.get("vessel"), Some(Value::Bool(true)))
}

/// Groups the `track` features of `layers` into convoys.
/// Where per-vertex times run backwards, a description of the first place.
fn backwards(times: &[Option<f64>]) -> Option<String> {
    // The common case (in order) in one tight pass; the message only when needed.
    let mut prev = f64::NEG_INFINITY;
    if times.iter().all(|t| match *t {
        Some(t) if t < prev => false,
        Some(t) => {
            prev = t;
            true
        }
        None => true,
    }) {
        return None;
    }
    let fmt = |t: f64| crate::utc::format_rfc3339(t).unwrap_or_else(|| t.to_string());
    let mut last: Option<(usize, f64)> = None;
    for (i, t) in times.iter().enumerate() {
        let Some(t) = *t else { continue };
        if let Some((j, prev)) = last
            && t < prev
        {
            return Some(format!(
                "per-vertex times run backwards: vertex {i} is at {} but vertex {j} at {}",
                fmt(t),
                fmt(prev)
            ));
        }
        last = Some((i, t));
    }
    None
}

pub fn assemble_convoys(layers: &[Layer]) -> Vec<Convoy> {
    assemble_convoys_with(layers, SpeedLimit::ByKind)
}

/// [`assemble_convoys`], leaving out the fixes that are implausible jumps at
/// `limit` (`analysis::fixes`; they go to each convoy's `dropped`).
pub fn assemble_convoys_with(layers: &[Layer], limit: SpeedLimit) -> Vec<Convoy> {
    finish(gather(layers), Some(layers), &names_of(layers), limit)
}

/// The track features of `layers`, gathered into convoys whose lines are
/// moved out of the layers (left without geometry or times), not copied: for
/// a caller that never reads the layers' tracks again (`Overview::build` for
/// the command line). Then [`finish`] makes the convoys.
fn take_tracks(layers: &mut [Layer]) -> Vec<Building> {
    let mut building = gather(layers);
    for slot in building.iter_mut().flat_map(|b| &mut b.slots) {
        let Slot::Line(at) = *slot else {
            continue;
        };
        let f = &mut layers[at.layer].features[at.feature];
        let coords = match &mut f.geometry {
            Some(Geometry::LineString(l)) => std::mem::take(&mut l.0),
            Some(Geometry::MultiLineString(m)) => std::mem::take(&mut m.0[at.k].0),
            _ => Vec::new(),
        };
        let times = match f.times.as_mut().and_then(|t| t.get_mut(at.k)) {
            Some(t) => std::mem::take(t),
            None => vec![None; coords.len()],
        };
        *slot = Slot::Taken(at, TrackPart { coords, times });
    }
    for f in layers
        .iter_mut()
        .flat_map(|l| &mut l.features)
        .filter(|f| f.role == Role::Track)
    {
        if matches!(
            f.geometry,
            Some(Geometry::LineString(_) | Geometry::MultiLineString(_))
        ) {
            f.geometry = None;
            f.times = None;
        }
    }
    building
}

/// As [`assemble_convoys_with`], moving the tracks' lines out of `layers`
/// instead of copying them (see [`take_tracks`]); `beside` runs meanwhile (on
/// the other core) with the layers thus left, and its answer comes back too.
pub fn assemble_convoys_taking<T: Send>(
    mut layers: Vec<Layer>,
    limit: SpeedLimit,
    beside: impl FnOnce(Vec<Layer>) -> T + Send,
) -> (Vec<Convoy>, T) {
    let names = names_of(&layers);
    let building = take_tracks(&mut layers);
    rayon::join(|| finish(building, None, &names, limit), || beside(layers))
}

/// The layers' names, as warnings give them.
fn names_of(layers: &[Layer]) -> Vec<String> {
    layers.iter().map(|l| l.name.clone()).collect()
}

/// The serial pass: every track feature into its convoy, in order of first
/// appearance, with the warnings of each feature in input order.
fn gather(layers: &[Layer]) -> Vec<Building> {
    let mut order: Vec<String> = Vec::new();
    let mut map: HashMap<String, Building> = HashMap::new();
    for (li, layer) in layers.iter().enumerate() {
        for (fi, f) in layer
            .features
            .iter()
            .enumerate()
            .filter(|(_, f)| f.role == Role::Track)
        {
            let Some(g) = &f.geometry else { continue };
            let id = f
                .prop_text("convoy_id")
                .unwrap_or_else(|| format!("{}#{}", layer.name, f.index));
            let b = map.entry(id.clone()).or_insert_with(|| {
                order.push(id.clone());
                Building {
                    convoy: Convoy {
                        convoy_id: id.clone(),
                        ..Default::default()
                    },
                    slots: Vec::new(),
                    reports: Vec::new(),
                    vessel: false,
                }
            });
            b.vessel |= is_vessel(f);
            if f.prop_text("convoy_id").is_none() {
                b.convoy.warnings.push(format!(
                    "{} feature {}: no convoy_id; named \"{id}\"",
                    layer.name, f.index
                ));
            }
            if let Some(ids) = f.id_list("corridor_ids") {
                match &b.convoy.corridor_ids {
                    None => b.convoy.corridor_ids = Some(ids),
                    Some(old) if *old != ids => b.convoy.warnings.push(format!(
                        "{} feature {}: corridor_ids {:?} differ from the convoy's first {:?}; the first are used",
                        layer.name, f.index, ids, old
                    )),
                    _ => {}
                }
            }
            let times = f.times.as_ref();
            let add_line = |b: &mut Building, k: usize| {
                b.slots.push(Slot::Line(LineAt {
                    layer: li,
                    feature: fi,
                    index: f.index,
                    k,
                    warn_at: b.convoy.warnings.len(),
                }));
            };
            match g {
                Geometry::LineString(_) => add_line(b, 0),
                Geometry::MultiLineString(m) => {
                    for k in 0..m.0.len() {
                        add_line(b, k);
                    }
                }
                Geometry::Point(p) => {
                    if b.reports.is_empty() {
                        b.slots.push(Slot::Reports);
                    }
                    let t = times.and_then(|t| t.first()).and_then(|t| t.first()).copied().flatten();
                    b.reports.push((t, p.0));
                }
                Geometry::MultiPoint(mp) => {
                    if b.reports.is_empty() {
                        b.slots.push(Slot::Reports);
                    }
                    b.reports.extend(mp.0.iter().map(|p| (None, p.0)));
                }
                _ => b.convoy.warnings.push(format!(
                    "{} feature {}: a track must be a LineString or Point; this geometry is skipped",
                    layer.name, f.index
                )),
            }
        }
    }
    order.into_iter().filter_map(|id| map.remove(&id)).collect()
}

/// The convoys from the gathered ones: lines copied from `layers` (or
/// already taken), reports sorted, jumps dropped and judged, convoy by convoy
/// in parallel (order kept).
fn finish(
    building: Vec<Building>,
    layers: Option<&[Layer]>,
    names: &[String],
    limit: SpeedLimit,
) -> Vec<Convoy> {
    use rayon::prelude::*;
    building
        .into_par_iter()
        .map(|mut b| {
            let mut reports = std::mem::take(&mut b.reports);
            if reports.iter().all(|(t, _)| t.is_some()) {
                reports.sort_by(|x, y| x.0.unwrap_or(0.0).total_cmp(&y.0.unwrap_or(0.0)));
            } else if reports.len() > 1 {
                b.convoy.warnings.push(format!(
                    "{} position reports have no time; reports are taken in file order",
                    reports.iter().filter(|r| r.0.is_none()).count()
                ));
            }
            let mut reports = Some(TrackPart {
                coords: reports.iter().map(|r| r.1).collect(),
                times: reports.iter().map(|r| r.0).collect(),
            });
            // Times that run backwards are ignored, with a warning where the
            // serial pass would have put it (file order).
            let mut late: Vec<(usize, String)> = Vec::new();
            let mut judged_times = |at: &LineAt, times: &[Option<f64>]| -> bool {
                let w = backwards(times);
                if let Some(w) = &w {
                    late.push((
                        at.warn_at,
                        format!(
                            "{} feature {}: {w}; this part's times are ignored",
                            names[at.layer], at.index
                        ),
                    ));
                }
                w.is_none()
            };
            for slot in b.slots {
                match slot {
                    Slot::Line(at) => {
                        let Some(f) = layers.map(|l| &l[at.layer].features[at.feature]) else {
                            continue;
                        };
                        let coords = match &f.geometry {
                            Some(Geometry::LineString(l)) => l.0.clone(),
                            Some(Geometry::MultiLineString(m)) => m.0[at.k].0.clone(),
                            _ => Vec::new(),
                        };
                        let times = match f.times.as_ref().and_then(|t| t.get(at.k)) {
                            Some(t) if judged_times(&at, t) => t.clone(),
                            _ => vec![None; coords.len()],
                        };
                        b.convoy.parts.push(TrackPart { coords, times });
                    }
                    Slot::Taken(at, mut p) => {
                        if !judged_times(&at, &p.times) {
                            p.times = vec![None; p.coords.len()];
                        }
                        b.convoy.parts.push(p);
                    }
                    Slot::Reports => b.convoy.parts.extend(reports.take()),
                }
            }
            for (i, (at, w)) in late.into_iter().enumerate() {
                b.convoy.warnings.insert(at + i, w);
            }
            b.convoy.vessel = b.vessel;
            if let Some(max_mps) = limit.max_mps(b.vessel) {
                for part in &mut b.convoy.parts {
                    let dropped = drop_jumps(part, max_mps);
                    b.convoy.dropped.extend(dropped);
                }
            }
            let judged = limit.max_mps(b.vessel).or(SpeedLimit::ByKind.max_mps(b.vessel));
            if let Some(max_mps) = judged
                && let Some((n, d, dt, t0)) = too_fast(&b.convoy.parts, max_mps)
            {
                let what = match limit {
                    SpeedLimit::Kmh(k) if k.is_finite() && k > 0.0 => format!("{k} km/h"),
                    _ if b.vessel => "a vessel (50 knots)".into(),
                    _ => "a land convoy (150 km/h)".into(),
                };
                let when = crate::utc::format_rfc3339(t0).unwrap_or_default();
                let speed = if dt > 0.0 {
                    format!("{:.0} km/h", d / dt * 3.6)
                } else {
                    "no time at all".into()
                };
                let took = if dt >= 3600.0 {
                    format!("{:.1} h", dt / 3600.0)
                } else {
                    format!("{:.0} s", dt.max(0.0))
                };
                b.convoy.warnings.push(format!(
                    "implausible track: {n} move(s) faster than {what} can go; the worst covers {:.2} km in {took} from {when} ({speed}): a wrong fix, or two vehicles sharing one id",
                    d / 1000.0
                ));
            }
            b.convoy
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::read_geojson;

    #[test]
    fn reports_sort_by_time_and_equal_times_keep_input_order() {
        let l = read_geojson(
            "r.geojson",
            br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"kind":"track","convoy_id":"A","time":"2026-03-02T09:00:00Z"},"geometry":{"type":"Point","coordinates":[30,46.2]}},
            {"type":"Feature","properties":{"kind":"track","convoy_id":"B","time":"2026-03-02T08:00:00Z"},"geometry":{"type":"Point","coordinates":[31,46]}},
            {"type":"Feature","properties":{"kind":"track","convoy_id":"A","time":"2026-03-02T08:00:00Z"},"geometry":{"type":"Point","coordinates":[30,46.0]}},
            {"type":"Feature","properties":{"kind":"track","convoy_id":"A","time":"2026-03-02T09:00:00Z"},"geometry":{"type":"Point","coordinates":[30,46.3]}}
            ]}"#,
        )
        .unwrap();
        let c = assemble_convoys(&[l]);
        assert_eq!(
            c.iter().map(|c| c.convoy_id.as_str()).collect::<Vec<_>>(),
            ["A", "B"]
        );
        let ys: Vec<f64> = c[0].parts[0].coords.iter().map(|c| c.y).collect();
        assert_eq!(ys, [46.0, 46.2, 46.3]);
    }

    #[test]
    fn tracks_moved_make_the_same_convoys_as_tracks_copied() {
        let l = read_geojson(
            "m.geojson",
            br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"kind":"track","convoy_id":"A","times":["2026-03-02T08:00:00Z","2026-03-02T07:00:00Z","2026-03-02T09:00:00Z"]},"geometry":{"type":"LineString","coordinates":[[30,46],[30.01,46],[30.02,46]]}},
            {"type":"Feature","properties":{"kind":"track"},"geometry":{"type":"MultiLineString","coordinates":[[[31,46],[31.01,46]],[[31.1,46],[31.11,46]]]}},
            {"type":"Feature","properties":{"kind":"track","convoy_id":"A","corridor_ids":["X"],"times":["2026-03-02T10:00:00Z","2026-03-02T10:01:00Z","2026-03-02T10:02:00Z"]},"geometry":{"type":"LineString","coordinates":[[30,46],[32,46],[30.03,46]]}},
            {"type":"Feature","properties":{"kind":"track","convoy_id":"B","time":"2026-03-02T08:00:00Z"},"geometry":{"type":"Point","coordinates":[31,46.2]}},
            {"type":"Feature","properties":{"kind":"track","convoy_id":"A","corridor_ids":["Y"],"times":["2026-03-02T11:00:00Z","2026-03-02T10:00:00Z"]},"geometry":{"type":"LineString","coordinates":[[30,46],[30.01,46]]}}
            ]}"#,
        )
        .unwrap();
        let copied = assemble_convoys(std::slice::from_ref(&l));
        let (moved, left) = assemble_convoys_taking(vec![l], SpeedLimit::ByKind, |l| l);
        assert_eq!(format!("{copied:?}"), format!("{moved:?}"));
        // Two runs of times backwards, a jump dropped, warnings in file order.
        let a = &moved[0];
        assert_eq!(a.dropped.len(), 1, "{a:?}");
        assert!(
            a.warnings[0].contains("feature 0: per-vertex times run backwards"),
            "{:?}",
            a.warnings
        );
        assert!(a.warnings[1].contains("corridor_ids"), "{:?}", a.warnings);
        assert!(
            a.warnings[2].contains("feature 4: per-vertex times run backwards"),
            "{:?}",
            a.warnings
        );
        // The layers keep their tracks' features, without the lines.
        assert_eq!(left[0].features.len(), 5);
        assert!(left[0].features[0].geometry.is_none() && left[0].features[0].times.is_none());
        assert!(left[0].features[3].geometry.is_some());
    }
}
