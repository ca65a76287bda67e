//! File > Watch feed URL: a worker thread polls a feed of position reports,
//! the tracks grow as reports arrive, and each new deviation or buffer-zone
//! entry is an alert. Faults keep the last good data and retry with backoff.

pub use crate::analysis::live::AS_FAST;
use crate::analysis::live::{BATCH_S, Live, POLL_TIMEOUT_S, Pace, Progress, Step};
use crate::analysis::replay::recorded_stream;
use crate::analysis::watch::{Alert, Options, Watcher};
use crate::model::{Feature, Layer};
use eframe::egui;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// What the feed worker sends.
pub enum FeedMsg {
    Polled {
        new_reports: Vec<Feature>,
        duplicates: usize,
        alerts: Vec<Alert>,
        warnings: Vec<crate::model::Warning>,
        /// A replay's progress.
        progress: Option<Progress>,
    },
    /// A replay fed its last batch.
    Finished,
    Failed {
        error: String,
        attempt: u32,
        retry_in_s: f64,
    },
}

/// The feed's state as the panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum FeedState {
    Connecting,
    Live,
    Retrying {
        attempt: u32,
        error: String,
        retry_at: Instant,
    },
    Stopped,
}

/// An alert as the list shows it.
pub struct FeedAlert {
    pub alert: Alert,
    pub received: Instant,
    /// Wall-clock time it arrived, "HH:MM:SS" UTC.
    pub received_hms: String,
    /// Heard from another operator's table (LISTEN), not raised here.
    pub from: Option<String>,
    /// Its stretch has ended (the figures are final); until then it is ongoing
    /// and its figures grow with each batch.
    pub ended: bool,
}

/// Takes an alert into the list: a new one is added (and logged); an update
/// or the end of a stretch already listed changes that entry's figures.
pub fn take_alert(
    alerts: &mut Vec<FeedAlert>,
    a: Alert,
    received_hms: String,
    from: Option<String>,
) -> bool {
    use crate::analysis::watch::AlertEvent;
    let same = |f: &FeedAlert| {
        f.alert.convoy_id == a.convoy_id
            && f.alert.alert_type == a.alert_type
            && f.alert.stretch.key() == a.stretch.key()
            && crate::analysis::result::same_place(f.alert.stretch.start, a.stretch.start)
    };
    if a.event != AlertEvent::Start
        && let Some(f) = alerts.iter_mut().rev().find(|f| same(f))
    {
        f.ended |= a.event == AlertEvent::End;
        f.alert.stretch = a.stretch;
        // An update carries no path (the start's stays drawn); the end the whole.
        if !a.path.is_empty() {
            f.alert.path = a.path;
        }
        return false;
    }
    let ended = a.event == AlertEvent::End;
    alerts.push(FeedAlert {
        alert: a,
        received: Instant::now(),
        received_hms,
        from,
        ended,
    });
    true
}

pub struct FeedWatch {
    pub url: String,
    pub interval_s: f64,
    rx: Receiver<FeedMsg>,
    stop: Arc<AtomicBool>,
    pub state: FeedState,
    pub last_ok: Option<Instant>,
    pub polls: u64,
    pub reports: usize,
    pub duplicates: usize,
    /// Set when this is a replay of recorded tracks, not a polled URL.
    pub replay: Option<ReplayClock>,
}

/// A replay's clock: its speed (recorded seconds per second; infinite: as
/// fast as it goes; 0: paused), shared with the worker, and its progress.
pub struct ReplayClock {
    pace: Pace,
    pub recorded_t: Option<f64>,
    pub fed: usize,
    pub total: usize,
    /// Replaying tracks already on the map (no layer grows; the time slider follows).
    pub loaded: bool,
}

impl ReplayClock {
    pub fn speed(&self) -> f64 {
        self.pace.get()
    }

    pub fn set_speed(&self, s: f64) {
        self.pace.set(s);
    }
}

pub use crate::io::feed::backoff_s;

impl FeedWatch {
    /// Starts polling `url` every `interval_s` seconds against `layers`.
    pub fn start(
        url: String,
        interval_s: f64,
        layers: Vec<Layer>,
        opts: Options,
        ctx: egui::Context,
    ) -> Self {
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let url2 = url.clone();
        let interval_s = crate::io::feed::poll_interval_s(interval_s);
        let spawned = std::thread::Builder::new()
            .name("feed".into())
            .spawn(move || {
                let opts = Options {
                    stretch_events: true,
                    stretch_updates: true,
                    ..opts
                };
                let watcher = Watcher::new(layers).with_options(&opts);
                let live = Live::poll(watcher, &url2, interval_s, POLL_TIMEOUT_S).with_stop(stop2);
                drive(live, &tx, &ctx);
            });
        let state = if spawned.is_ok() {
            FeedState::Connecting
        } else {
            FeedState::Stopped
        };
        Self {
            url: crate::io::postgis::url::mask(&url),
            interval_s,
            rx,
            stop,
            state,
            last_ok: None,
            polls: 0,
            reports: 0,
            duplicates: 0,
            replay: None,
        }
    }

    /// Replays `recorded` tracks as a live feed against `layers`: batches of
    /// 30 s of recorded time through the same alerting as a feed, paced by
    /// the clock's speed (`watch --replay`, with a clock).
    pub fn start_replay(
        name: String,
        recorded: Vec<Layer>,
        layers: Vec<Layer>,
        opts: Options,
        speed: f64,
        loaded: bool,
        ctx: egui::Context,
    ) -> Self {
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let pace = Pace::speed(speed);
        let (stop2, pace2) = (stop.clone(), pace.clone());
        let spawned = std::thread::Builder::new()
            .name("replay".into())
            .spawn(move || {
                let run = catch_unwind(AssertUnwindSafe(|| {
                    replay_worker(recorded, layers, &opts, pace2, stop2, &tx, &ctx)
                }));
                if run.is_err() {
                    let _ = tx.send(FeedMsg::Failed {
                        error: "the replay stopped (internal error)".into(),
                        attempt: 1,
                        retry_in_s: 0.0,
                    });
                }
                ctx.request_repaint();
            });
        Self {
            url: name,
            interval_s: 30.0,
            rx,
            stop,
            state: if spawned.is_ok() {
                FeedState::Connecting
            } else {
                FeedState::Stopped
            },
            last_ok: None,
            polls: 0,
            reports: 0,
            duplicates: 0,
            replay: Some(ReplayClock {
                pace,
                recorded_t: None,
                fed: 0,
                total: 0,
                loaded,
            }),
        }
    }

    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.state = FeedState::Stopped;
    }

    pub fn is_running(&self) -> bool {
        self.state != FeedState::Stopped
    }

    /// Messages that arrived since the last frame.
    pub fn poll(&mut self) -> Vec<FeedMsg> {
        let msgs: Vec<FeedMsg> = self.rx.try_iter().collect();
        if self.state == FeedState::Stopped {
            return Vec::new();
        }
        for m in &msgs {
            self.polls += 1;
            match m {
                FeedMsg::Polled {
                    new_reports,
                    duplicates,
                    progress,
                    ..
                } => {
                    self.state = FeedState::Live;
                    self.last_ok = Some(Instant::now());
                    self.reports += new_reports.len();
                    self.duplicates += duplicates;
                    if let (Some(r), Some(p)) = (&mut self.replay, progress) {
                        (r.recorded_t, r.fed, r.total) = (Some(p.recorded_t), p.fed, p.total);
                    }
                }
                FeedMsg::Finished => self.state = FeedState::Stopped,
                FeedMsg::Failed {
                    error,
                    attempt,
                    retry_in_s,
                } => {
                    self.state = FeedState::Retrying {
                        attempt: *attempt,
                        error: error.clone(),
                        retry_at: Instant::now() + Duration::from_secs_f64(*retry_in_s),
                    };
                }
            }
        }
        msgs
    }

    /// Seconds since the last good poll, once that is over two intervals (the
    /// data on screen is stale); `None` while it is fresh.
    pub fn stale_s(&self) -> Option<f64> {
        self.last_ok
            .map(|t| t.elapsed().as_secs_f64())
            .filter(|s| *s > 2.0 * self.interval_s.max(1.0))
    }

    /// "live", "retrying (attempt 2) in 20 s: ...", "stale for 3 min", as one line.
    pub fn status_text(&self) -> String {
        if let Some(r) = &self.replay {
            let when = r
                .recorded_t
                .and_then(crate::utc::format_rfc3339)
                .map_or_else(|| "starting".into(), |t| format!("recorded time {t}"));
            let state = match &self.state {
                FeedState::Stopped if r.total > 0 && r.fed == r.total => "finished",
                FeedState::Stopped => "stopped",
                FeedState::Retrying { error, .. } => error.as_str(),
                _ if r.speed() == 0.0 => "paused",
                _ => "playing",
            };
            return format!("Replay {state}: {when}, {} of {} reports", r.fed, r.total);
        }
        let stale_text = self
            .stale_s()
            .map(|s| {
                if s >= 120.0 {
                    format!("; data stale for {:.0} min", s / 60.0)
                } else {
                    format!("; data stale for {s:.0} s")
                }
            })
            .unwrap_or_default();
        match &self.state {
            FeedState::Connecting => "Feed: connecting…".into(),
            FeedState::Live => format!(
                "Feed: live ({} reports, {} polls){stale_text}",
                self.reports, self.polls
            ),
            FeedState::Retrying {
                attempt,
                error,
                retry_at,
            } => format!(
                "Feed: retrying (attempt {attempt} failed; next in {:.0} s){stale_text}: {error}",
                retry_at
                    .saturating_duration_since(Instant::now())
                    .as_secs_f64()
            ),
            FeedState::Stopped => format!("Feed: stopped ({} reports kept)", self.reports),
        }
    }
}

/// Runs the driver, sending each step to the panel, until it finishes or is stopped.
fn drive(mut live: Live, tx: &std::sync::mpsc::Sender<FeedMsg>, ctx: &egui::Context) {
    loop {
        let msg = match live.next_step() {
            Step::Batch(b) => FeedMsg::Polled {
                new_reports: b.new_reports,
                duplicates: b.ingested.duplicates,
                alerts: b.alerts,
                warnings: b.warnings,
                progress: b.progress,
            },
            Step::Failed {
                error,
                attempt,
                retry_in_s,
                ..
            } => FeedMsg::Failed {
                error: error.to_string(),
                attempt,
                retry_in_s,
            },
            Step::Finished => FeedMsg::Finished,
            Step::Stopped => return,
        };
        let finished = matches!(msg, FeedMsg::Finished);
        if tx.send(msg).is_err() || finished {
            return;
        }
        ctx.request_repaint();
    }
}

/// The replay worker: the driver on the clock the Live tab sets.
fn replay_worker(
    recorded: Vec<Layer>,
    layers: Vec<Layer>,
    opts: &Options,
    pace: Pace,
    stop: Arc<AtomicBool>,
    tx: &std::sync::mpsc::Sender<FeedMsg>,
    ctx: &egui::Context,
) {
    let opts = Options {
        stretch_events: true,
        stretch_updates: true,
        ..*opts
    };
    let watcher = Watcher::new(layers).with_options(&opts);
    // Reports made as they are fed, none held ahead (the tracks as read go).
    let (rec, _) = recorded_stream(&recorded);
    drop(recorded);
    drive(
        Live::replay(watcher, rec, BATCH_S, pace, true).with_stop(stop),
        tx,
        ctx,
    );
}

impl Drop for FeedWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A replay speed as the Live tab offers it ("60x", "as fast as it goes").
pub fn speed_text(speed: f64) -> String {
    if speed < AS_FAST {
        format!("{speed}x")
    } else {
        "as fast as it goes".into()
    }
}
