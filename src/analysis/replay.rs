//! Recorded tracks replayed as a live feed (`watch --replay`): every timed
//! vertex becomes a position report, in time order, cut into batches of
//! recorded time that go through exactly the alerting a live feed does.

use super::assemble_convoys;
use super::watch::{ConvoyRules, Report};
use crate::model::Layer;
use crate::model::Role;
use geo::Coord;
use std::collections::HashMap;
use std::sync::Arc;

/// The reports of recorded tracks, in time order.
pub struct Recorded {
    pub reports: Vec<Report>,
    /// Each report's time (Unix seconds), ascending.
    pub times: Vec<f64>,
    /// Vertices without a time (they cannot be replayed).
    pub untimed: usize,
}

/// One convoy's timed vertices: its id, approved corridors, (time, position)s.
type Run = (Arc<str>, Option<Arc<Vec<String>>>, Vec<(f64, Coord)>);

/// Every timed vertex of every convoy of `layers` as a report, sorted by
/// time (stable: equal times keep convoy and vertex order).
pub fn recorded_reports(layers: &[Layer]) -> Recorded {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    // One run per convoy, in time order (stable: most tracks already are).
    let mut runs: Vec<Run> = Vec::new();
    let mut untimed = 0;
    for c in assemble_convoys(layers) {
        let mut run = Vec::new();
        for part in &c.parts {
            for (at, t) in part.coords.iter().zip(&part.times) {
                match t {
                    Some(t) if t.is_finite() => run.push((*t, *at)),
                    _ => untimed += 1,
                }
            }
        }
        if !run.is_sorted_by(|a, b| a.0 <= b.0) {
            run.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        if !run.is_empty() {
            let ids = c.corridor_ids.map(Arc::new);
            runs.push((c.convoy_id.as_str().into(), ids, run));
        }
    }
    // Each convoy's own report interval and rules, from its track features.
    let by_id = own_settings(layers);
    let own: Vec<_> = runs
        .iter()
        .map(|r| by_id.get(r.0.as_ref()).cloned().unwrap_or_default())
        .collect();
    // Merged by time; equal times in convoy order, then as recorded.
    let total: usize = runs.iter().map(|r| r.2.len()).sum();
    let mut reports = Vec::with_capacity(total);
    let mut times = Vec::with_capacity(total);
    let mut heap: BinaryHeap<Reverse<(u64, usize, usize)>> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| Reverse((time_order(r.2[0].0), i, 0)))
        .collect();
    while let Some(Reverse((_, i, k))) = heap.pop() {
        let (id, ids, run) = &runs[i];
        let (t, at) = run[k];
        times.push(t);
        reports.push(Report {
            convoy_id: id.clone(),
            at,
            time: Some(t),
            corridor_ids: ids.clone(),
            report_interval_s: own[i].0,
            rules: own[i].1.clone(),
        });
        if let Some(&(next, _)) = run.get(k + 1) {
            heap.push(Reverse((time_order(next), i, k + 1)));
        }
    }
    Recorded {
        reports,
        times,
        untimed,
    }
}

/// Per convoy: the `report_interval_s` and rule properties of its track features.
fn own_settings(layers: &[Layer]) -> HashMap<String, (Option<f64>, Option<Arc<ConvoyRules>>)> {
    let mut out: HashMap<String, (Option<f64>, Option<Arc<ConvoyRules>>)> = HashMap::new();
    for f in layers.iter().flat_map(|l| &l.features) {
        if f.role != Role::Track {
            continue;
        }
        let interval = f
            .properties
            .get("report_interval_s")
            .and_then(serde_json::Value::as_f64)
            .filter(|s| s.is_finite() && *s > 0.0);
        let rules = ConvoyRules::of(f);
        if interval.is_none() && rules.is_none() {
            continue;
        }
        let Some(id) = f.prop_text("convoy_id") else {
            continue;
        };
        let e = out.entry(id).or_default();
        e.0 = interval.or(e.0);
        if let Some(r) = rules {
            e.1 = Some(Arc::new(r));
        }
    }
    out
}

/// A key that orders finite times as numbers.
fn time_order(t: f64) -> u64 {
    let b = t.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Batches of `batch_s` seconds of recorded time: (the batch's end time, the
/// range of reports in it). Empty stretches of time give no batch.
pub fn batches(times: &[f64], batch_s: f64) -> Vec<(f64, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let Some(&t0) = times.first() else { return out };
    let step = if batch_s.is_finite() && batch_s > 0.0 {
        batch_s
    } else {
        30.0
    };
    let mut i = 0;
    while i < times.len() {
        let k = ((times[i] - t0) / step).floor();
        let end_t = t0 + (k + 1.0) * step;
        let j = i + times[i..].partition_point(|t| *t < end_t);
        out.push((end_t, i..j));
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_cover_every_report_once_in_order() {
        let times = [0.0, 1.0, 29.9, 30.0, 95.0, 95.5];
        let b = batches(&times, 30.0);
        assert_eq!(
            b,
            vec![(30.0, 0..3), (60.0, 3..4), (120.0, 4..6)],
            "the empty 60-90 s batch is skipped"
        );
        assert!(batches(&[], 30.0).is_empty());
    }
}
