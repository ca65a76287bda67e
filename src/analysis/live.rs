//! The one live driver: it feeds a [`Watcher`] from a source (a polled feed:
//! a URL, an OGC API collection or a PostGIS table; or recorded tracks
//! replayed as live) on a clock (wall time between polls, a replay paced at a
//! chosen speed, or as fast as it goes), and hands out typed steps: a batch
//! (alerts, the reports it brought, figures), a failed poll, the end.
//! `watch`, `watch --replay`, the Live tab's feed and the app's
//! replay-as-live all run it; what they do with a step is theirs.

use super::watch::{Alert, Ingested, PositionReport, Watcher};
use crate::io::feed::{Feed, backoff_s, poll_interval_s};
use crate::io::http::FetchLimits;
use crate::model::Feature;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Seconds one poll of a feed may take, whole (`watch --http-timeout-s`'s default).
pub const POLL_TIMEOUT_S: u64 = 60;

/// The largest poll a feed may send.
pub const POLL_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Seconds of recorded time per replay batch (`watch --batch-s`'s default).
pub const BATCH_S: f64 = 30.0;

/// The replay speed that does not wait (kept finite: settings are JSON).
pub const AS_FAST: f64 = 1e12;

/// How a replay's clock runs: as fast as it goes, or at a speed (recorded
/// seconds per second; 0: paused) that may change while it runs.
#[derive(Clone, Debug)]
pub enum Pace {
    AsFast,
    Speed(Arc<AtomicU64>),
}

impl Pace {
    /// A pace at `speed` (recorded seconds per second) the caller can change.
    pub fn speed(speed: f64) -> Pace {
        Pace::Speed(Arc::new(AtomicU64::new(speed.max(0.0).to_bits())))
    }

    /// The speed now (`AS_FAST` or more: no waiting).
    pub fn get(&self) -> f64 {
        match self {
            Pace::AsFast => f64::INFINITY,
            Pace::Speed(s) => f64::from_bits(s.load(Ordering::Relaxed)),
        }
    }

    pub fn set(&self, speed: f64) {
        if let Pace::Speed(s) = self {
            s.store(speed.max(0.0).to_bits(), Ordering::Relaxed);
        }
    }
}

/// Why a poll brought nothing.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The feed could not be read (the source is named in the message).
    #[error("{0}")]
    Feed(#[from] crate::error::LoadError),
    /// The feed's address is not one (said again at each try).
    #[error("{0}")]
    Open(crate::error::Problem),
    /// The watch itself failed on this poll (a bug, not the data).
    #[error("the feed worker failed on this poll (internal error)")]
    Internal,
}

/// A replay's progress: the recorded time reached, reports fed, of how many.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub recorded_t: f64,
    pub fed: usize,
    pub total: usize,
}

/// What one batch brought.
#[derive(Debug, Default)]
pub struct Batch {
    /// A replay batch's number (from its first report's time, in steps).
    pub number: u64,
    /// The watch's time at the batch: wall time for a feed, the batch's
    /// recorded end for a replay (Unix seconds).
    pub at_s: f64,
    pub alerts: Vec<Alert>,
    pub ingested: Ingested,
    /// The reports it brought, as track points (for a growing layer).
    pub new_reports: Vec<Feature>,
    /// What the feed's reader said of its page.
    pub warnings: Vec<crate::model::Warning>,
    /// A replay's progress (`None` for a feed).
    pub progress: Option<Progress>,
    /// A replay batch that held reports (an empty one is handed out only
    /// when a time rule raised an alert in it).
    pub reported: bool,
    /// How long the watch took over it, milliseconds.
    pub ms: f64,
}

/// One step of the driver.
#[derive(Debug)]
pub enum Step {
    Batch(Batch),
    /// A poll failed: its attempt number and the wait before the next.
    Failed {
        error: LiveError,
        attempt: u32,
        retry_in_s: f64,
        /// Seconds since the last good poll (`None`: none yet).
        stale_s: Option<f64>,
    },
    /// A replay fed its last batch.
    Finished,
    /// The stop flag was raised.
    Stopped,
}

/// Replay batches: `step` seconds of recorded time counted from `t0`; every
/// batch in `visit` is stepped through (and, while a time rule watches for
/// silence, every batch between), so that watchers fed apart run one clock.
struct ReplaySteps {
    src: Box<dyn ReportSource>,
    t0: f64,
    step: f64,
    /// The batches holding reports, with how many each holds.
    own: std::iter::Peekable<std::vec::IntoIter<(u64, usize)>>,
    /// Reports fed so far, of `total`.
    fed: usize,
    total: usize,
    visit: std::iter::Peekable<std::vec::IntoIter<u64>>,
    k: u64,
    last: u64,
    /// Feed the reports as track points in each batch.
    features: bool,
}

struct PollState {
    feed: Result<Feed, crate::error::Problem>,
    limits: FetchLimits,
    interval_s: f64,
    failures: u32,
    polled: bool,
    last_good: Option<Instant>,
}

enum Source {
    Poll(PollState),
    Replay(ReplaySteps),
}

/// The driver: a watcher, its source, its clock.
pub struct Live {
    pub watcher: Watcher,
    source: Source,
    pace: Pace,
    stop: Arc<AtomicBool>,
    /// The replay clock's recorded time and the wall time it was read.
    clock: Option<(f64, Instant)>,
}

impl Live {
    /// Polls the feed `text` (a URL or a `postgresql://` table) every
    /// `interval_s` seconds (backing off after failures), each poll given at
    /// most `timeout_s` seconds. An address that does not open fails each poll.
    pub fn poll(watcher: Watcher, text: &str, interval_s: f64, timeout_s: u64) -> Live {
        let feed = Feed::open(text).map_err(|e| crate::error::Problem(e.to_string()));
        Live {
            watcher,
            source: Source::Poll(PollState {
                feed,
                limits: FetchLimits {
                    total_timeout: Duration::from_secs(timeout_s.max(1)),
                    max_bytes: POLL_MAX_BYTES,
                    ..Default::default()
                },
                interval_s: poll_interval_s(interval_s),
                failures: 0,
                polled: false,
                last_good: None,
            }),
            pace: Pace::AsFast,
            stop: Arc::new(AtomicBool::new(false)),
            clock: None,
        }
    }

    /// Replays `rec` (reports in time order) in batches of `batch_s` seconds
    /// of recorded time, on the clock `pace`. `features`: each batch carries
    /// its reports as track points.
    pub fn replay(
        watcher: Watcher,
        rec: impl ReportSource + 'static,
        batch_s: f64,
        pace: Pace,
        features: bool,
    ) -> Live {
        let t0 = rec.first_time().unwrap_or(0.0);
        let step = if batch_s.is_finite() && batch_s > 0.0 {
            batch_s
        } else {
            BATCH_S
        };
        let visit: Vec<u64> = rec.batch_counts(t0, step).iter().map(|b| b.0).collect();
        Live::replay_from(watcher, Box::new(rec), t0, step, visit, pace, features)
    }

    /// [`Live::replay`] with batches counted from `t0` and every batch in
    /// `visit` (sorted) stepped through: one of several watchers sharing out
    /// a replay's convoys on one clock.
    pub fn replay_from(
        watcher: Watcher,
        src: Box<dyn ReportSource>,
        t0: f64,
        step: f64,
        visit: Vec<u64>,
        pace: Pace,
        features: bool,
    ) -> Live {
        let own = src.batch_counts(t0, step);
        let total = src.total();
        let last = visit.last().copied().unwrap_or(0);
        let empty = visit.is_empty();
        Live {
            watcher,
            source: Source::Replay(ReplaySteps {
                src,
                t0,
                step,
                own: own.into_iter().peekable(),
                fed: 0,
                total,
                visit: visit.into_iter().peekable(),
                k: if empty { 1 } else { 0 },
                last: if empty { 0 } else { last },
                features,
            }),
            pace,
            stop: Arc::new(AtomicBool::new(false)),
            clock: None,
        }
    }

    pub fn with_stop(mut self, stop: Arc<AtomicBool>) -> Live {
        self.stop = stop;
        self
    }

    /// The feed as messages name it (`None` for a replay).
    pub fn label(&self) -> Option<&str> {
        match &self.source {
            Source::Poll(p) => Some(p.feed.as_ref().map_or("feed", Feed::label)),
            Source::Replay(_) => None,
        }
    }

    /// The next step: waits as the clock says (between polls, or until a
    /// replay batch's recorded end), then feeds the watcher.
    pub fn next_step(&mut self) -> Step {
        if self.stop.load(Ordering::Relaxed) {
            return Step::Stopped;
        }
        match &mut self.source {
            Source::Poll(_) => self.next_poll(),
            Source::Replay(_) => self.next_replay(),
        }
    }

    fn next_poll(&mut self) -> Step {
        let Source::Poll(p) = &mut self.source else {
            return Step::Finished;
        };
        if p.polled {
            let until =
                Instant::now() + Duration::from_secs_f64(backoff_s(p.interval_s, p.failures));
            while Instant::now() < until {
                if self.stop.load(Ordering::Relaxed) {
                    return Step::Stopped;
                }
                let left = until.saturating_duration_since(Instant::now());
                std::thread::sleep(left.min(Duration::from_millis(50)));
            }
        }
        p.polled = true;
        let watcher = &mut self.watcher;
        let clock = Instant::now();
        let polled = catch_unwind(AssertUnwindSafe(|| {
            let feed = p.feed.as_mut().map_err(|e| LiveError::Open(e.clone()))?;
            let page = feed.poll(&p.limits)?;
            let ingested = watcher.ingest(&page);
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            let alerts = watcher.check_all(now);
            Ok::<_, LiveError>(Batch {
                number: 0,
                at_s: now,
                alerts,
                ingested,
                new_reports: watcher.take_new_reports(),
                warnings: page.warnings,
                progress: None,
                reported: true,
                ms: 0.0,
            })
        }))
        .unwrap_or(Err(LiveError::Internal));
        match polled {
            Ok(mut b) => {
                p.failures = 0;
                p.last_good = Some(Instant::now());
                b.ms = clock.elapsed().as_secs_f64() * 1000.0;
                Step::Batch(b)
            }
            Err(error) => {
                p.failures += 1;
                Step::Failed {
                    error,
                    attempt: p.failures,
                    retry_in_s: backoff_s(p.interval_s, p.failures),
                    stale_s: p.last_good.map(|t| t.elapsed().as_secs_f64()),
                }
            }
        }
    }

    fn next_replay(&mut self) -> Step {
        loop {
            let Source::Replay(r) = &mut self.source else {
                return Step::Finished;
            };
            if r.k > r.last {
                return Step::Finished;
            }
            let k = r.k;
            let reported = r.visit.next_if_eq(&k).is_some();
            if !reported && !self.watcher.watches_silence() {
                // Nothing can happen in an empty batch: on to the next with reports.
                r.k = r.visit.peek().copied().unwrap_or(r.last + 1);
                continue;
            }
            r.k += 1;
            let end_t = batch_end(r.t0, k, r.step);
            let n = r.own.next_if(|b| b.0 == k).map_or(0, |b| b.1);
            if !self.wait_until(end_t) {
                return Step::Stopped;
            }
            let Source::Replay(r) = &mut self.source else {
                return Step::Finished;
            };
            let clock = Instant::now();
            // Taken as fed: a streamed source makes them only now.
            let reports = r.src.take(n);
            r.fed += reports.len();
            let (fed, total) = (r.fed, r.total);
            let reports = &reports[..];
            let ingested = self.watcher.ingest_reports(reports);
            if k == r.last {
                // The recording ends: a report held as a possible jump is its track's last.
                self.watcher.release_held();
            }
            let alerts = self.watcher.check_all(end_t);
            let ms = clock.elapsed().as_secs_f64() * 1000.0;
            if !reported && alerts.is_empty() {
                continue;
            }
            let new_reports = if r.features {
                reports.iter().map(PositionReport::feature).collect()
            } else {
                Vec::new()
            };
            return Step::Batch(Batch {
                number: k,
                at_s: end_t,
                alerts,
                ingested,
                new_reports,
                warnings: Vec::new(),
                progress: Some(Progress {
                    recorded_t: end_t,
                    fed,
                    total,
                }),
                reported,
                ms,
            });
        }
    }

    /// Runs the replay clock at the pace's speed until it reaches `end_t`;
    /// false when stopped.
    fn wait_until(&mut self, end_t: f64) -> bool {
        let (mut clock, mut wall) = self.clock.unwrap_or((f64::NEG_INFINITY, Instant::now()));
        if clock == f64::NEG_INFINITY {
            // The clock starts one batch before the first batch's end.
            if let Source::Replay(r) = &self.source {
                clock = r.t0;
            }
        }
        loop {
            if self.stop.load(Ordering::Relaxed) {
                self.clock = Some((clock, wall));
                return false;
            }
            let s = self.pace.get();
            let now = Instant::now();
            if !s.is_finite() || s >= AS_FAST {
                clock = end_t;
            } else {
                clock += now.duration_since(wall).as_secs_f64() * s;
            }
            wall = now;
            if clock >= end_t {
                self.clock = Some((clock, wall));
                return true;
            }
            let wait = if s > 0.0 { (end_t - clock) / s } else { 0.05 };
            std::thread::sleep(Duration::from_secs_f64(wait.clamp(0.001, 0.05)));
        }
    }
}

impl PositionReport {
    /// The report as a feed's track point (for a growing layer).
    pub fn feature(&self) -> Feature {
        let mut properties = serde_json::Map::new();
        properties.insert("convoy_id".into(), self.convoy_id.to_string().into());
        if let Some(t) = self.time.and_then(crate::utc::format_rfc3339) {
            properties.insert("time".into(), t.into());
        }
        Feature {
            role: crate::model::Role::Track,
            geometry: Some(geo::Geometry::Point(geo::Point(self.at))),
            properties,
            index: 0,
            id: None,
            times: None,
            time_span: None,
        }
    }
}

/// A replay's reports in time order, handed out batch by batch: recorded
/// reports held whole ([`Recorded`]), or made from the tracks as they are fed
/// (`replay::Merged`, which holds no report it has not yet given out).
pub trait ReportSource: Send {
    /// The first report's time.
    fn first_time(&self) -> Option<f64>;
    /// The batches (counted from `t0` by `step`) holding reports, in order,
    /// with how many each holds.
    fn batch_counts(&self, t0: f64, step: f64) -> Vec<(u64, usize)>;
    /// The next `n` reports, in time order.
    fn take(&mut self, n: usize) -> Vec<PositionReport>;
    /// How many reports there are in all.
    fn total(&self) -> usize;
}

impl ReportSource for Recorded {
    fn first_time(&self) -> Option<f64> {
        self.times.get(self.next).copied()
    }

    fn batch_counts(&self, t0: f64, step: f64) -> Vec<(u64, usize)> {
        batches_from(&self.times[self.next..], t0, step)
            .into_iter()
            .map(|(k, _, r)| (k, r.len()))
            .collect()
    }

    fn take(&mut self, n: usize) -> Vec<PositionReport> {
        let end = (self.next + n).min(self.reports.len());
        let out = self.reports[self.next..end].to_vec();
        self.next = end;
        out
    }

    fn total(&self) -> usize {
        self.reports.len()
    }
}

/// The reports of recorded tracks, in time order.
pub struct Recorded {
    pub reports: Vec<PositionReport>,
    /// Each report's time (Unix seconds), ascending.
    pub times: Vec<f64>,
    /// Vertices without a time (they cannot be replayed).
    pub untimed: usize,
    /// The next report a replay hands out.
    pub next: usize,
}

/// Batches of `step` seconds counted from `t0` (so that watchers fed apart
/// cut time alike): (the batch's number, its end time, its reports).
pub fn batches_from(times: &[f64], t0: f64, step: f64) -> Vec<(u64, f64, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < times.len() {
        let k = batch_of(times[i], t0, step);
        let end_t = batch_end(t0, k, step);
        let j = i + times[i..].partition_point(|t| batch_of(*t, t0, step) == k);
        // A time that rounds onto the boundary still moves on.
        let j = j.max(i + 1);
        out.push((k, end_t, i..j));
        i = j;
    }
    out
}

/// The number of the batch a report at `t` falls in.
pub fn batch_of(t: f64, t0: f64, step: f64) -> u64 {
    ((t - t0) / step).floor().max(0.0) as u64
}

/// The end (recorded time) of batch `k`.
pub fn batch_end(t0: f64, k: u64, step: f64) -> f64 {
    t0 + (k as f64 + 1.0) * step
}
