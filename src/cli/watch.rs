//! `corridor-watch watch`: poll a feed of position reports and print one JSON
//! object per line for each new deviation or buffer-zone entry.
//!
//! Feed faults are normal: a failed poll keeps the data so far, is reported on
//! standard error, and the next poll waits twice as long (up to 16 intervals).

use super::load::load_all;
use anyhow::Result;
use clap::Args;
use corridor_watch::analysis::watch::Watcher;
use corridor_watch::io::feed::{backoff_s, fetch_feed};
use corridor_watch::io::http::FetchLimits;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Layer files or URLs: corridors, contact line / buffer zone, and any tracks so far.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Feed URL: GeoJSON `track` Points, or an OGC API Features items URL.
    #[arg(long)]
    pub feed: String,
    /// Seconds between polls.
    #[arg(long, default_value_t = 30.0)]
    pub interval_s: f64,
    /// Poll once, print the alerts and exit (0 none, 1 alerts, 2 feed error).
    #[arg(long)]
    pub once: bool,
    /// Stop after this many polls (for scripts and tests).
    #[arg(long, hide = true)]
    pub max_polls: Option<u64>,
    /// Give up on one poll after this many seconds.
    #[arg(long, default_value_t = 60)]
    pub http_timeout_s: u64,
}

fn now_rfc3339() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| corridor_watch::io::time::format_rfc3339(d.as_secs() as f64))
        .unwrap_or_default()
}

/// Runs the watch; returns whether any alert was printed.
pub fn run(args: &WatchArgs) -> Result<bool> {
    let layers = load_all(&args.files, &[], &FetchLimits::default())?;
    let mut watcher = Watcher::new(layers);
    let limits = FetchLimits {
        total_timeout: Duration::from_secs(args.http_timeout_s.max(1)),
        max_bytes: 256 * 1024 * 1024,
        ..Default::default()
    };
    let interval_s = corridor_watch::io::feed::poll_interval_s(args.interval_s);
    let mut failures: u32 = 0;
    let mut any = false;
    let mut polls: u64 = 0;
    let mut last_good: Option<std::time::Instant> = None;
    loop {
        polls += 1;
        match fetch_feed(&args.feed, &limits) {
            Ok(page) => {
                failures = 0;
                last_good = Some(std::time::Instant::now());
                for w in &page.warnings {
                    eprintln!("feed warning: {w} (in {})", args.feed);
                }
                let n = watcher.ingest(&page);
                let alerts = watcher.check();
                eprintln!(
                    "feed live: {} new report(s), {} duplicate(s), {} alert(s)",
                    n.new,
                    n.duplicates,
                    alerts.len()
                );
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                for a in &alerts {
                    let mut v = serde_json::to_value(a)?;
                    if let Some(m) = v.as_object_mut() {
                        m.insert("detected_at".into(), now_rfc3339().into());
                    }
                    writeln!(out, "{v}")?;
                    any = true;
                }
                out.flush()?;
            }
            Err(e) => {
                if args.once {
                    return Err(e.into());
                }
                failures += 1;
                let stale = last_good
                    .map(|t| format!("; data stale for {} s", t.elapsed().as_secs()))
                    .unwrap_or_default();
                eprintln!(
                    "feed retrying: {e}; attempt {failures} failed{stale}; next try in {:.1} s",
                    backoff_s(interval_s, failures)
                );
            }
        }
        if args.once || args.max_polls.is_some_and(|m| polls >= m) {
            return Ok(any);
        }
        std::thread::sleep(Duration::from_secs_f64(backoff_s(interval_s, failures)));
    }
}
