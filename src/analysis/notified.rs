//! Notified movements and corridor closures (`docs/layers.md`, "Notified
//! movements"): a convoy approved for a route or corridors *and* a window;
//! corridors closed for periods. Read once with the scenario; a convoy's
//! `off_window` stretches (under way outside every window of its movements)
//! are found on its dense track.

use super::stretches::{DensePart, Mode, StretchSpan, find_stretches};
use crate::index::SpatialIndex;
use crate::model::{Layer, Role};
use serde_json::Value;
use std::collections::HashMap;

/// One `movement` feature.
#[derive(Clone, Debug, Default)]
pub struct Movement {
    pub id: String,
    pub convoy_id: String,
    /// The approved period, Unix seconds (`None`: unreadable, warned of).
    pub window: Option<(f64, f64)>,
    /// Corridors approved for it.
    pub corridor_ids: Vec<String>,
    /// Its notified route's shapes in the allowed index, then those of its
    /// corridors (resolved once, with the scenario's ids).
    pub shapes: Vec<u32>,
    /// What could not be read (given to its convoy's warnings).
    pub problems: Vec<String>,
    /// Its feature: (layer, feature) in the scenario's layers.
    pub at: (u32, u32),
}

/// Every movement and closure of a layer set.
#[derive(Clone, Debug, Default)]
pub struct Notifications {
    pub movements: Vec<Movement>,
    /// Movements by convoy id.
    pub by_convoy: HashMap<String, Vec<usize>>,
    /// Closed periods of allowed shapes (from their feature's `closures`).
    pub closures: HashMap<u32, Vec<(f64, f64)>>,
    /// Unreadable closures, by shape (told to every convoy approved for it).
    pub closure_problems: Vec<(u32, String)>,
}

impl Notifications {
    /// Whether the layers hold a movement or a closure (the report then
    /// carries the notification members).
    pub fn any(&self) -> bool {
        !self.movements.is_empty() || !self.closures.is_empty()
    }

    /// Whether shape `s` is an approved area other than `closed`, open over
    /// the whole `period` (no closure of its own overlaps it).
    pub fn open_over(&self, mask: &[bool], closed: u32, s: u32, (c0, c1): (f64, f64)) -> bool {
        s != closed
            && mask.get(s as usize).copied().unwrap_or(false)
            && self
                .closures
                .get(&s)
                .is_none_or(|ps| ps.iter().all(|&(a, b)| b < c0 || a > c1))
    }
}

/// A time property as a period's start (`end`: its end), as the readers take times.
fn time_of(v: Option<&Value>, end: bool) -> Result<f64, String> {
    let text = match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        None | Some(Value::Null) => return Err("missing".into()),
        Some(other) => other.to_string(),
    };
    let (a, b) = crate::io::time::parse_time_span(&text).map_err(|e| format!("\"{text}\": {e}"))?;
    Ok(if end { b } else { a })
}

/// One of a corridor's `closures`, a `[start, end]` pair of times, as the
/// period it closes (Unix seconds, the end's whole period included), or what
/// is wrong with it ("closure …", "a closure ends before it starts").
pub fn closure(pair: &Value) -> Result<(f64, f64), String> {
    let period = match pair {
        Value::Array(p) if p.len() == 2 => {
            time_of(p.first(), false).and_then(|a| Ok((a, time_of(p.get(1), true)?)))
        }
        _ => Err(format!("{pair} is not a [start, end] pair")),
    };
    match period {
        Ok((a, b)) if b >= a => Ok((a, b)),
        Ok(_) => Err("a closure ends before it starts".into()),
        Err(e) => Err(format!("closure {e}")),
    }
}

/// The movements and closures of `layers`, their routes found in `allowed`.
pub fn read(layers: &[Layer], allowed: &SpatialIndex) -> Notifications {
    let mut out = Notifications::default();
    let mut route_shapes: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
    for (si, shape) in allowed.shapes.iter().enumerate() {
        let key = (shape.feature.layer, shape.feature.feature);
        if shape.role == Role::Movement {
            route_shapes.entry(key).or_default().push(si as u32);
            continue;
        }
        let f = &layers[key.0 as usize].features[key.1 as usize];
        let name = f.id.clone().unwrap_or_else(|| format!("feature {}", key.1));
        // A list, or the list as JSON text (GDAL writes lists so to a
        // GeoPackage, a shapefile or a FlatGeobuf: it must not be lost).
        let parsed;
        let list = match f.properties.get("closures") {
            None | Some(Value::Null) => continue,
            Some(Value::Array(list)) => list,
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(list)) => {
                    parsed = list;
                    &parsed
                }
                _ if text.trim().is_empty() => continue,
                _ => {
                    out.closure_problems.push((
                        si as u32,
                        format!(
                            "corridor {name}: closures \"{text}\" is not a list of [start, end] pairs; ignored"
                        ),
                    ));
                    continue;
                }
            },
            Some(other) => {
                out.closure_problems.push((
                    si as u32,
                    format!(
                        "corridor {name}: closures {other} is not a list of [start, end] pairs; ignored"
                    ),
                ));
                continue;
            }
        };
        for pair in list {
            match closure(pair) {
                Ok(period) => out.closures.entry(si as u32).or_default().push(period),
                Err(e) => out
                    .closure_problems
                    .push((si as u32, format!("corridor {name}: {e}; ignored"))),
            }
        }
    }
    for (li, l) in layers.iter().enumerate() {
        for (fi, f) in l.features.iter().enumerate() {
            if f.role != Role::Movement {
                continue;
            }
            let id = f.id.clone().unwrap_or_else(|| format!("{}#{fi}", l.name));
            let mut problems = Vec::new();
            let Some(convoy_id) = f.prop_text("convoy_id") else {
                // Not any convoy's: said once, on no convoy (the layer's warnings hold it).
                continue;
            };
            let start = time_of(f.properties.get("window_start"), false);
            let end = time_of(f.properties.get("window_end"), true);
            let window = match (start, end) {
                (Ok(a), Ok(b)) if b >= a => Some((a, b)),
                (Ok(_), Ok(_)) => {
                    problems.push(format!(
                        "movement {id}: its window ends before it starts; it approves no time"
                    ));
                    None
                }
                (a, b) => {
                    for (k, r) in [("window_start", a), ("window_end", b)] {
                        if let Err(e) = r {
                            problems.push(format!("movement {id}: {k} {e}; it approves no time"));
                        }
                    }
                    None
                }
            };
            let k = out.movements.len();
            out.by_convoy.entry(convoy_id.clone()).or_default().push(k);
            out.movements.push(Movement {
                id,
                convoy_id,
                window,
                corridor_ids: f.id_list("corridor_ids").unwrap_or_default(),
                shapes: route_shapes
                    .remove(&(li as u32, fi as u32))
                    .unwrap_or_default(),
                problems,
                at: (li as u32, fi as u32),
            });
        }
    }
    out
}

/// `[a, b]` less the union of `windows` (sorted, merged).
#[cfg(test)]
fn outside(a: f64, b: f64, windows: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    outside_into(a, b, windows, &mut out);
    out
}

/// [`outside`] into `out` (cleared first).
#[cfg(test)]
fn outside_into(a: f64, b: f64, windows: &[(f64, f64)], out: &mut Vec<(f64, f64)>) {
    out.clear();
    let mut from = a;
    for &(ws, we) in windows {
        if we < from {
            continue;
        }
        if ws > b {
            break;
        }
        if ws > from {
            out.push((from, ws.min(b)));
        }
        from = from.max(we);
        if from >= b {
            return;
        }
    }
    if from < b {
        out.push((from, b));
    }
}

/// The windows sorted and merged.
pub fn merged(mut windows: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    windows.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut out: Vec<(f64, f64)> = Vec::new();
    for w in windows {
        match out.last_mut() {
            Some(last) if w.0 <= last.1 => last.1 = last.1.max(w.1),
            _ => out.push(w),
        }
    }
    out
}

/// Maximal stretches of the part under way (moving between timed vertices)
/// whose times lie outside every window: a halt (timed vertices at one
/// place) is not under way and ends a stretch. Untimed parts have none.
pub fn off_window(dense: &DensePart, windows: &[(f64, f64)]) -> Vec<StretchSpan> {
    let timed = dense.timed();
    let mut out: Vec<StretchSpan> = Vec::new();
    if timed.len() < 2 {
        return out;
    }
    // Only the edges that reach into a time outside every window are read:
    // those around each gap between windows (and before the first, after the last).
    let mut gaps = Vec::with_capacity(windows.len() + 1);
    let mut from = f64::NEG_INFINITY;
    for w in windows {
        gaps.push((from, w.0));
        from = w.1;
    }
    gaps.push((from, f64::INFINITY));
    let mut cursor = 0;
    for (ga, gb) in gaps {
        // Edges (k, k + 1) with a time after `ga` and before `gb`; within the
        // gap each edge's piece is its time range clipped to it. A run of
        // pieces that meet is one stretch: the parameters are found only at
        // its ends (a halt or time running back ends a run).
        let first = timed.partition_point(|x| x.1 <= ga).saturating_sub(1);
        let last = timed.partition_point(|x| x.1 < gb).min(timed.len() - 1);
        let mut run: Option<(f64, f64)> = None;
        for k in first..last {
            let ((s0, t0), (s1, t1)) = (timed[k], timed[k + 1]);
            if s1 - s0 <= super::stretches::TOUCH_M || t1 < t0 {
                flush(dense, run.take(), &mut cursor, &mut out);
                continue;
            }
            let (a, b) = (t0.max(ga), t1.min(gb));
            if b <= a {
                continue;
            }
            let at = |t: f64| s0 + (t - t0) / (t1 - t0) * (s1 - s0);
            let (sa, sb) = (at(a), at(b));
            match &mut run {
                Some(r) if (r.1 - sa).abs() < 1e-6 => r.1 = sb,
                _ => {
                    flush(dense, run.take(), &mut cursor, &mut out);
                    run = Some((sa, sb));
                }
            }
        }
        flush(dense, run, &mut cursor, &mut out);
    }
    out
}

/// A run of distances `(from, to)` along the part as a stretch, added to
/// `out` (merged with the stretch before when they meet).
fn flush(
    dense: &DensePart,
    run: Option<(f64, f64)>,
    cursor: &mut usize,
    out: &mut Vec<StretchSpan>,
) {
    let Some((sa, sb)) = run else { return };
    let ga = g_at_s_from(dense, sa, cursor);
    let gb = g_at_s_from(dense, sb, cursor);
    if gb <= ga {
        return;
    }
    match out.last_mut() {
        // Continues the last stretch: the same place, no halt between.
        Some(last) if (dense.s_at(last.end) - sa).abs() < 1e-6 => last.end = gb,
        _ => out.push(StretchSpan { start: ga, end: gb }),
    }
}

/// The parameter at distance `s_m` along the part (the inverse of
/// `DensePart::s_at`), searching forward from the vertex `*from` (a cursor for
/// distances that only grow), left at the vertex found.
fn g_at_s_from(dense: &DensePart, s_m: f64, from: &mut usize) -> f64 {
    let (n, cum) = (dense.edges(), &dense.cum_m);
    if n == 0 {
        return 0.0;
    }
    let mut i = (*from).min(n - 1);
    if cum[i] > s_m {
        i = cum.partition_point(|&c| c <= s_m).clamp(1, n) - 1;
    }
    while i + 1 < n && cum[i + 1] <= s_m {
        i += 1;
    }
    *from = i;
    let len = cum[i + 1] - cum[i];
    let f = if len > 0.0 { (s_m - cum[i]) / len } else { 0.0 };
    i as f64 + f.clamp(0.0, 1.0)
}

/// The parameter at distance `s_m` along the part.
fn g_at_s(dense: &DensePart, s_m: f64) -> f64 {
    let mut from = dense.cum_m.partition_point(|&c| c <= s_m).saturating_sub(1);
    g_at_s_from(dense, s_m, &mut from)
}

/// Where the part is at time `t` (distance along it), interpolated between
/// its timed vertices; `None` outside them.
fn s_at_time(timed: &[(f64, f64)], t: f64) -> Option<f64> {
    let k = timed.partition_point(|&(_, tk)| tk < t);
    if k == 0 {
        return timed.first().filter(|f| f.1 == t).map(|f| f.0);
    }
    let (s1, t1) = *timed.get(k)?;
    let (s0, t0) = timed[k - 1];
    Some(if t1 > t0 {
        s0 + (t - t0) / (t1 - t0) * (s1 - s0)
    } else {
        s0
    })
}

/// The part's stretches inside an approved corridor while it is closed and
/// not inside another approved area open then: (span, the closed shape).
pub fn closed_corridor(
    dense: &DensePart,
    allowed: &SpatialIndex,
    notes: &Notifications,
    mask: &[bool],
) -> Vec<(StretchSpan, u32)> {
    let mut out = Vec::new();
    if dense.timed().len() < 2 {
        return out;
    }
    for (&shape, periods) in &notes.closures {
        if !mask.get(shape as usize).copied().unwrap_or(false) {
            continue;
        }
        let inside = find_stretches(dense, allowed, &|s| s == shape, Mode::Inside);
        for &(c0, c1) in periods {
            let open = |s: u32| notes.open_over(mask, shape, s, (c0, c1));
            let mut elsewhere: Option<Vec<StretchSpan>> = None;
            for span in &inside {
                let (Some(ta), Some(tb)) = (
                    dense.time_at(span.start, true),
                    dense.time_at(span.end, false),
                ) else {
                    continue;
                };
                let (a, b) = (ta.max(c0), tb.min(c1));
                if b <= a {
                    continue;
                }
                let g = |t: f64| s_at_time(dense.timed(), t).map(|s| g_at_s(dense, s));
                let (Some(ga), Some(gb)) = (g(a), g(b)) else {
                    continue;
                };
                let (ga, gb) = (ga.max(span.start), gb.min(span.end));
                if dense.s_at(gb) - dense.s_at(ga) <= super::stretches::TOUCH_M {
                    continue;
                }
                let other = elsewhere
                    .get_or_insert_with(|| find_stretches(dense, allowed, &open, Mode::Inside));
                for piece in subtract(StretchSpan { start: ga, end: gb }, other) {
                    if dense.s_at(piece.end) - dense.s_at(piece.start) > super::stretches::TOUCH_M {
                        out.push((piece, shape));
                    }
                }
            }
        }
    }
    out.sort_by(|x, y| x.0.start.total_cmp(&y.0.start));
    out
}

/// `span` less the spans `cut` (in track order).
fn subtract(span: StretchSpan, cut: &[StretchSpan]) -> Vec<StretchSpan> {
    let mut out = Vec::new();
    let mut from = span.start;
    for c in cut
        .iter()
        .filter(|c| c.end > span.start && c.start < span.end)
    {
        if c.start > from {
            out.push(StretchSpan {
                start: from,
                end: c.start,
            });
        }
        from = from.max(c.end);
    }
    if from < span.end {
        out.push(StretchSpan {
            start: from,
            end: span.end,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_the_windows() {
        let w = merged(vec![(10.0, 20.0), (15.0, 30.0), (40.0, 50.0)]);
        assert_eq!(w, [(10.0, 30.0), (40.0, 50.0)]);
        assert_eq!(
            outside(0.0, 60.0, &w),
            [(0.0, 10.0), (30.0, 40.0), (50.0, 60.0)]
        );
        assert_eq!(outside(12.0, 28.0, &w), []);
        assert_eq!(outside(25.0, 45.0, &w), [(30.0, 40.0)]);
        assert_eq!(outside(0.0, 5.0, &[]), [(0.0, 5.0)]);
    }
}
