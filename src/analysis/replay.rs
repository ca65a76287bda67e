//! Recorded tracks replayed as a live feed (`watch --replay`): every timed
//! vertex becomes a position report, in time order, cut into batches of
//! recorded time that go through exactly the alerting a live feed does.

use super::assemble_convoys_with;
use super::fixes::SpeedLimit;
use super::live::{Live, Pace, Recorded, ReportSource, Step, batch_end, batch_of};
use super::watch::{
    Alert, AlertEvent, AlertType, ConvoyRules, Options, PositionReport, Watcher, report_interval_of,
};
use crate::model::Layer;
use crate::model::Role;
use geo::Coord;
use std::collections::HashMap;
use std::sync::Arc;

/// One convoy's timed vertices in time order, with what its reports carry.
struct Run {
    id: Arc<str>,
    corridor_ids: Option<Arc<Vec<String>>>,
    report_interval_s: Option<f64>,
    rules: Option<Arc<ConvoyRules>>,
    vertices: Vec<(f64, Coord)>,
    /// A track feature of the convoy says it arrived (`status: arrived`).
    arrived: bool,
    vessel: bool,
}

/// What a run takes from its convoy's track features besides their
/// vertices: each convoy's own report interval and rules, and the convoys a
/// track feature of which says it arrived (`status: arrived`).
struct Own {
    settings: HashMap<String, (Option<f64>, Option<Arc<ConvoyRules>>)>,
    arrived: std::collections::HashSet<String>,
}

fn own_of(layers: &[Layer]) -> Own {
    Own {
        settings: own_settings(layers),
        arrived: layers
            .iter()
            .flat_map(|l| &l.features)
            .filter(|f| f.role == Role::Track && super::watch::says_arrived(f))
            .filter_map(|f| f.prop_text("convoy_id"))
            .collect(),
    }
}

/// Every convoy of `layers` with a timed vertex, as runs (in convoy order),
/// and how many vertices have no time.
fn runs_of(layers: &[Layer]) -> (Vec<Run>, usize) {
    // Every fix, jumps too: the watcher drops them itself, and alerts them.
    runs_from(
        own_of(layers),
        assemble_convoys_with(layers, SpeedLimit::Off),
    )
}

/// As [`runs_of`], the tracks moved out of `layers` rather than copied
/// (a 14-M-report soak holds its tracks once, not twice).
fn runs_taking(layers: Vec<Layer>) -> (Vec<Run>, usize) {
    let own = own_of(&layers);
    let (convoys, ()) = super::convoys::assemble_convoys_taking(layers, SpeedLimit::Off, drop);
    runs_from(own, convoys)
}

/// The runs of `convoys`, each convoy's vertices let go as its run is made.
fn runs_from(own: Own, convoys: Vec<crate::model::Convoy>) -> (Vec<Run>, usize) {
    let mut runs = Vec::new();
    let mut untimed = 0;
    for c in convoys {
        let mut vertices = Vec::new();
        for part in &c.parts {
            for (at, t) in part.coords.iter().zip(&part.times) {
                match t {
                    Some(t) if t.is_finite() => vertices.push((*t, *at)),
                    _ => untimed += 1,
                }
            }
        }
        if !vertices.is_sorted_by(|a, b| a.0 <= b.0) {
            // Stable: equal times keep their recorded order.
            vertices.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        if vertices.is_empty() {
            continue;
        }
        let (report_interval_s, rules) =
            own.settings.get(&c.convoy_id).cloned().unwrap_or_default();
        let arrived = own.arrived.contains(c.convoy_id.as_str());
        runs.push(Run {
            id: c.convoy_id.as_str().into(),
            corridor_ids: c.corridor_ids.map(Arc::new),
            report_interval_s,
            rules,
            vertices,
            arrived,
            vessel: c.vessel,
        });
    }
    (runs, untimed)
}

/// Every timed vertex of every convoy of `layers` as a report, sorted by
/// time (stable: equal times keep convoy and vertex order).
pub fn recorded_reports(layers: &[Layer]) -> Recorded {
    let (runs, untimed) = runs_of(layers);
    let mut m = Merged::new(runs.into_iter().map(Arc::new).collect());
    let reports = m.take(m.total);
    Recorded {
        times: reports.iter().map(|r| r.time.unwrap_or(0.0)).collect(),
        reports,
        untimed,
        next: 0,
    }
}

/// The same reports as [`recorded_reports`], made as they are fed: only the
/// runs (each convoy's timed vertices) are held, never the reports ahead.
/// Returns the source and how many vertices have no time.
pub fn recorded_stream(layers: &[Layer]) -> (Merged, usize) {
    let (runs, untimed) = runs_of(layers);
    (
        Merged::new(runs.into_iter().map(Arc::new).collect()),
        untimed,
    )
}

/// Runs merged by time into reports as they are taken; equal times in run
/// order, then as recorded.
pub struct Merged {
    runs: Vec<Arc<Run>>,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(u64, usize, usize)>>,
    total: usize,
}

impl Merged {
    fn new(runs: Vec<Arc<Run>>) -> Merged {
        use std::cmp::Reverse;
        let total = runs.iter().map(|r| r.vertices.len()).sum();
        let heap = runs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some(Reverse((time_order(r.vertices.first()?.0), i, 0))))
            .collect();
        Merged { runs, heap, total }
    }
}

impl ReportSource for Merged {
    fn first_time(&self) -> Option<f64> {
        self.heap
            .peek()
            .map(|std::cmp::Reverse((_, i, k))| self.runs[*i].vertices[*k].0)
    }

    fn batch_counts(&self, t0: f64, step: f64) -> Vec<(u64, usize)> {
        let mut counts: HashMap<u64, usize> = HashMap::new();
        for r in &self.runs {
            for v in &r.vertices {
                *counts.entry(batch_of(v.0, t0, step)).or_default() += 1;
            }
        }
        let mut out: Vec<(u64, usize)> = counts.into_iter().collect();
        out.sort_unstable();
        out
    }

    fn take(&mut self, n: usize) -> Vec<PositionReport> {
        use std::cmp::Reverse;
        let mut out = Vec::with_capacity(n.min(self.total));
        while out.len() < n {
            let Some(Reverse((_, i, k))) = self.heap.pop() else {
                break;
            };
            let r = &self.runs[i];
            let (t, at) = r.vertices[k];
            out.push(PositionReport {
                convoy_id: r.id.clone(),
                at,
                time: Some(t),
                corridor_ids: r.corridor_ids.clone(),
                report_interval_s: r.report_interval_s,
                rules: r.rules.clone(),
                // A track that says it arrived: its last report says so.
                arrived: r.arrived && k + 1 == r.vertices.len(),
                vessel: r.vessel,
            });
            if let Some(&(next, _)) = r.vertices.get(k + 1) {
                self.heap.push(Reverse((time_order(next), i, k + 1)));
            }
        }
        out
    }

    fn total(&self) -> usize {
        self.total
    }
}

/// One batch of a replay: its recorded end time, the alerts it raised, and
/// how long it took (the slowest shard's milliseconds).
pub struct ReplayBatch {
    pub end_t: f64,
    pub alerts: Vec<Alert>,
    pub ms: f64,
}

/// What a replay did.
pub struct ReplayOutcome {
    pub batches: Vec<ReplayBatch>,
    pub reports: usize,
    pub late: usize,
    /// Reports held by the watchers at the end (what memory grew with).
    pub held: usize,
    pub untimed: usize,
    /// Watchers the convoys were shared out over.
    pub shards: usize,
    /// The near-incident rule's (timed, untimed) incidents, when it is on.
    pub near_incidents: Option<(usize, usize)>,
}

/// Replays `recorded` tracks against `layers` (`watch --replay`): their
/// reports in batches of `batch_s` seconds of recorded time through the
/// watch's alerting with `opts`. Convoys are independent, so they are shared
/// out over `shards` watchers, each on its own thread and fed the same
/// batches (by the same clock); a batch's alerts are the union, ordered by
/// rule (stretches, near incidents, stuck, silent), then by convoy as first
/// reported. When `layers` hold tracks (known to every watcher) one watcher
/// does it all.
pub fn replay(
    layers: &[Layer],
    recorded: Vec<Layer>,
    opts: &Options,
    batch_s: f64,
    shards: usize,
) -> ReplayOutcome {
    let step = if batch_s.is_finite() && batch_s > 0.0 {
        batch_s
    } else {
        30.0
    };
    // The tracks as read go into the runs: they hold what the replay needs.
    let (runs, untimed) = runs_taking(recorded);
    let runs: Vec<Arc<Run>> = runs.into_iter().map(Arc::new).collect();
    let has_tracks = layers
        .iter()
        .any(|l| l.features.iter().any(|f| f.role == Role::Track));
    let shards = if has_tracks { 1 } else { shards.clamp(1, 64) };
    let t0 = runs
        .iter()
        .filter_map(|r| r.vertices.first().map(|v| v.0))
        .fold(f64::INFINITY, f64::min);
    // Convoys by first report time: the order a single watcher meets them.
    let mut first: Vec<(u64, usize)> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| (time_order(r.vertices[0].0), i))
        .collect();
    first.sort_unstable();
    let rank: HashMap<&str, usize> = first
        .iter()
        .enumerate()
        .map(|(k, &(_, i))| (runs[i].id.as_ref(), k))
        .collect();
    // The replay's batches that hold reports of some convoy (a set: not a
    // number per report, which would hold as much as the reports).
    let mut seen = std::collections::HashSet::new();
    for r in &runs {
        let mut last = None;
        for v in &r.vertices {
            let b = batch_of(v.0, t0, step);
            if last != Some(b) {
                seen.insert(b);
                last = Some(b);
            }
        }
    }
    let mut all_batches: Vec<u64> = seen.into_iter().collect();
    all_batches.sort_unstable();
    let all_batches = &all_batches;
    // Vessels that may meet are watched together (one watcher compares
    // them); every other convoy goes round the watchers.
    let together = opts.sea_rules().is_some_and(|r| r.encounter_s > 0.0);
    let mut k = 0;
    let shard_of: Vec<usize> = runs
        .iter()
        .map(|r| {
            if together && r.vessel {
                return 0;
            }
            k += 1;
            (k - 1) % shards
        })
        .collect();
    let one = |s: usize| {
        let mine: Vec<Arc<Run>> = runs
            .iter()
            .zip(&shard_of)
            .filter(|&(_, &sh)| sh == s)
            .map(|(r, _)| r.clone())
            .collect();
        // Reports made as they are fed: none is held ahead of its batch.
        let rec = Merged::new(mine);
        let n = rec.total();
        let w = Watcher::new(layers.to_vec()).with_options(opts).serial();
        // The clock moves by the batch step whether or not a batch holds
        // reports (a lone convoy falls silent between two of them), and
        // every watcher sees every batch: the time-driven rules (silent,
        // stuck) see the clock as a single watcher would.
        let mut live = Live::replay_from(
            w,
            Box::new(rec),
            t0,
            step,
            all_batches.clone(),
            Pace::AsFast,
            false,
        );
        let mut out = Vec::new();
        let mut late = 0;
        while let Step::Batch(mut b) = live.next_step() {
            late += b.ingested.late;
            // A replay prints starts and ends; the updates between are for displays.
            b.alerts.retain(|a| a.event != AlertEvent::Update);
            if b.reported || !b.alerts.is_empty() {
                out.push((b.number, b.alerts, b.ms));
            }
        }
        (
            out,
            late,
            live.watcher.held(),
            n,
            live.watcher.near_incident_counts(),
        )
    };
    let per: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..shards).map(|s| scope.spawn(move || one(s))).collect();
        let mut per = vec![one(0)];
        // A watcher that failed must not pass for one that found nothing.
        per.extend(
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        per
    });
    // Every watcher ran the same clock; a batch is kept when it held reports
    // or raised an alert, and merged across watchers by its number.
    let mut by_k: std::collections::BTreeMap<u64, ReplayBatch> = all_batches
        .iter()
        .map(|&k| {
            let b = ReplayBatch {
                end_t: batch_end(t0, k, step),
                alerts: Vec::new(),
                ms: 0.0,
            };
            (k, b)
        })
        .collect();
    let (mut late, mut held, mut reports) = (0, 0, 0);
    let near_incidents = per.first().and_then(|p| p.4);
    for (out, l, h, n, _) in per {
        (late, held, reports) = (late + l, held + h, reports + n);
        for (k, alerts, ms) in out {
            let b = by_k.entry(k).or_insert_with(|| ReplayBatch {
                end_t: batch_end(t0, k, step),
                alerts: Vec::new(),
                ms: 0.0,
            });
            b.alerts.extend(alerts);
            b.ms = b.ms.max(ms);
        }
    }
    let mut batches: Vec<ReplayBatch> = by_k.into_values().collect();
    let group = |t: AlertType| match t {
        AlertType::Deviation | AlertType::BufferZoneEntry => 0,
        AlertType::NearIncident => 1,
        AlertType::Stuck => 2,
        AlertType::Silent => 3,
        AlertType::ImplausibleJump => 4,
        AlertType::Loitering => 5,
        AlertType::Encounter => 6,
        AlertType::NotNotified => 7,
        AlertType::OffWindow => 8,
        AlertType::ClosedCorridor => 9,
    };
    for b in &mut batches {
        b.alerts.sort_by_key(|a| {
            (
                group(a.alert_type),
                rank.get(a.convoy_id.as_str())
                    .copied()
                    .unwrap_or(usize::MAX),
            )
        });
    }
    ReplayOutcome {
        batches,
        reports,
        late,
        held,
        untimed,
        shards,
        near_incidents,
    }
}

/// Per convoy: the `report_interval_s` and rule properties of its track features.
fn own_settings(layers: &[Layer]) -> HashMap<String, (Option<f64>, Option<Arc<ConvoyRules>>)> {
    let mut out: HashMap<String, (Option<f64>, Option<Arc<ConvoyRules>>)> = HashMap::new();
    for f in layers.iter().flat_map(|l| &l.features) {
        if f.role != Role::Track {
            continue;
        }
        let interval = report_interval_of(f);
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

#[cfg(test)]
#[path = "replay_tests.rs"]
pub(crate) mod tests;
