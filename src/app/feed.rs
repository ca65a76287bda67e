//! File > Watch feed URL: a worker thread polls a feed of position reports,
//! the tracks grow as reports arrive, and each new deviation or buffer-zone
//! entry is an alert. Faults keep the last good data and retry with backoff.

use crate::analysis::watch::{Alert, Watcher};
use crate::io::feed::Feed;
use crate::io::http::FetchLimits;
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
        warnings: Vec<String>,
    },
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
}

pub use crate::io::feed::backoff_s;

impl FeedWatch {
    /// Starts polling `url` every `interval_s` seconds against `layers`.
    pub fn start(url: String, interval_s: f64, layers: Vec<Layer>, ctx: egui::Context) -> Self {
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let url2 = url.clone();
        let interval_s = crate::io::feed::poll_interval_s(interval_s);
        let spawned = std::thread::Builder::new()
            .name("feed".into())
            .spawn(move || {
                let mut watcher = Watcher::new(layers);
                let limits = FetchLimits {
                    total_timeout: Duration::from_secs(60),
                    max_bytes: 256 * 1024 * 1024,
                    ..Default::default()
                };
                let mut failures = 0u32;
                let mut feed = Feed::open(&url2);
                while !stop2.load(Ordering::Relaxed) {
                    let polled = catch_unwind(AssertUnwindSafe(|| {
                        let feed = feed.as_mut().map_err(|e| e.to_string())?;
                        let page = feed.poll(&limits).map_err(|e| e.to_string())?;
                        let n = watcher.ingest(&page);
                        let alerts = watcher.check();
                        Ok::<_, String>(FeedMsg::Polled {
                            new_reports: watcher.take_new_reports(),
                            duplicates: n.duplicates,
                            alerts,
                            warnings: page.warnings,
                        })
                    }))
                    .unwrap_or_else(|_| {
                        Err("the feed worker failed on this poll (internal error)".into())
                    });
                    let msg = match polled {
                        Ok(m) => {
                            failures = 0;
                            m
                        }
                        Err(error) => {
                            failures += 1;
                            FeedMsg::Failed {
                                error,
                                attempt: failures,
                                retry_in_s: backoff_s(interval_s, failures),
                            }
                        }
                    };
                    if tx.send(msg).is_err() {
                        return;
                    }
                    ctx.request_repaint();
                    let until =
                        Instant::now() + Duration::from_secs_f64(backoff_s(interval_s, failures));
                    while Instant::now() < until && !stop2.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
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
                    ..
                } => {
                    self.state = FeedState::Live;
                    self.last_ok = Some(Instant::now());
                    self.reports += new_reports.len();
                    self.duplicates += duplicates;
                }
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

    /// "live", "retrying (attempt 2) in 20 s: ...", "stale for 3 min", as one line.
    pub fn status_text(&self) -> String {
        let stale = self
            .last_ok
            .map(|t| t.elapsed().as_secs_f64())
            .filter(|s| *s > 2.0 * self.interval_s.max(1.0));
        let stale_text = stale
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

impl Drop for FeedWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
