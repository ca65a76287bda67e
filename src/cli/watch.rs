//! `corridor-watch watch`: poll a feed of position reports and print one JSON
//! object per line for each new deviation or buffer-zone entry.
//!
//! Feed faults are normal: a failed poll keeps the data so far, is reported on
//! standard error, and the next poll waits twice as long (up to 16 intervals).

use super::load::load_all;
use anyhow::Result;
use clap::Args;
use corridor_watch::analysis::live::{Live, POLL_TIMEOUT_S, Step};
use corridor_watch::analysis::watch::{Options, Watcher};
use corridor_watch::io::feed::Feed;
use corridor_watch::io::http::FetchLimits;
use corridor_watch::output::postgis_sink::{rows_from_alerts, write_rows};
use std::io::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Layer files or URLs: corridors, contact line / buffer zone, and any tracks so far.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Feed: a URL of GeoJSON `track` Points, an OGC API Features items URL,
    /// or a PostGIS table of reports (`postgresql://…?table=T[&since=COLUMN]`,
    /// read incrementally).
    #[arg(long, required_unless_present = "replay", conflicts_with = "replay")]
    pub feed: Option<String>,
    /// Recorded tracks (any readable format) replayed as a live feed through
    /// the same alerting, as fast as it goes; `detected_at` is the batch's
    /// recorded time. Exit 0 no alert, 1 alerts.
    #[arg(long, num_args = 1.., value_name = "TRACKS")]
    pub replay: Vec<PathBuf>,
    /// Alert a deviation or zone entry only once it has lasted this long
    /// (seconds; cuts false alerts from a track that grazes a boundary).
    #[arg(long, default_value_t = 0.0)]
    pub min_duration_s: f64,
    /// Alert `silent` when a convoy under way sends no report for this long
    /// (seconds; 0: never); a convoy's own `report_interval_s` x 3 comes first.
    #[arg(long, default_value_t = 0.0)]
    pub silent_after_s: f64,
    /// Alert `stuck` when a convoy that was under way reports one position
    /// with advancing time for longer than this (seconds; 0: never).
    #[arg(long, default_value_t = 0.0)]
    pub stuck_after_s: f64,
    /// Alert `near_incident` when a convoy comes within this many metres of
    /// an incident (of the layers given) reported in the last
    /// `--incident-window-h` hours before the report (0: never, unless a
    /// convoy's own `near_incident_m` says).
    #[arg(long, default_value_t = 0.0)]
    pub near_incident_m: f64,
    /// Hours an incident counts as recent for `near_incident`.
    #[arg(long, default_value_t = 24.0)]
    pub incident_window_h: f64,
    /// Drop and alert (`implausible_jump`) a report that would need more than
    /// this speed to reach and leave, km/h (0: 150 km/h on land, 50 knots for
    /// a vessel).
    #[arg(long, default_value_t = 0.0)]
    pub max_speed_kmh: f64,
    /// A vessel under this speed between fixes is slow (loitering, encounters), knots.
    #[arg(long, default_value_t = 2.0)]
    pub slow_kn: f64,
    /// Alert `loitering` when a vessel has been slow this long, minutes (0: never).
    #[arg(long, default_value_t = 60.0)]
    pub loiter_min: f64,
    /// Alert `encounter` when two slow vessels are within this distance (metres, geodesic) ...
    #[arg(long, default_value_t = 500.0)]
    pub encounter_m: f64,
    /// ... for this long, minutes (0: never).
    #[arg(long, default_value_t = 120.0)]
    pub encounter_min: f64,
    /// Seconds of recorded time per replay batch.
    #[arg(long, default_value_t = 30.0)]
    pub batch_s: f64,
    /// Also upsert each alert into this PostGIS table as it is raised, and
    /// NOTIFY a channel named after the table (`postgresql://…?table=T`).
    #[arg(long, value_name = "URL")]
    pub to_db: Option<String>,
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
    #[arg(long, default_value_t = POLL_TIMEOUT_S)]
    pub http_timeout_s: u64,
}

fn now_rfc3339() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| corridor_watch::utc::format_rfc3339(d.as_secs() as f64))
        .unwrap_or_default()
}

/// The rule options of the command line, checked.
fn options_of(args: &WatchArgs) -> Result<Options> {
    let opts = Options {
        min_duration_s: args.min_duration_s,
        silent_after_s: args.silent_after_s,
        stuck_after_s: args.stuck_after_s,
        near_incident_m: args.near_incident_m,
        incident_window_h: args.incident_window_h,
        max_speed_kmh: args.max_speed_kmh,
        slow_kn: args.slow_kn,
        loiter_min: args.loiter_min,
        encounter_m: args.encounter_m,
        encounter_min: args.encounter_min,
        // An end line with each stretch's final figures (updates are not printed).
        stretch_events: true,
        stretch_updates: false,
    };
    match opts.problem() {
        Some(p) => anyhow::bail!("{p}"),
        None => Ok(opts),
    }
}

/// The watcher with the rules the options ask for.
fn watcher_for(args: &WatchArgs, layers: Vec<corridor_watch::model::Layer>) -> Result<Watcher> {
    let w = Watcher::new(layers).with_options(&options_of(args)?);
    say_near_incidents(w.near_incident_counts());
    Ok(w)
}

/// How many incidents the near-incident rule watches (on stderr).
fn say_near_incidents(counts: Option<(usize, usize)>) {
    if let Some((timed, untimed)) = counts {
        eprintln!("near_incident: {timed} incident(s) with a time watched");
        if untimed > 0 {
            eprintln!("near_incident: {untimed} incident(s) without a time left out");
        }
    }
}

/// Runs the watch; returns whether any alert was printed.
pub fn run(args: &WatchArgs) -> Result<bool> {
    let layers = load_all(&args.files, &[], &FetchLimits::default())?;
    let mut sink = args
        .to_db
        .as_deref()
        .map(super::db::open_sink)
        .transpose()?;
    if !args.replay.is_empty() {
        return replay(args, layers, sink.as_mut());
    }
    let feed_text = args.feed.as_deref().unwrap_or_default();
    // An address that is not one is an error now, not a retry.
    Feed::open(feed_text)?;
    let watcher = watcher_for(args, layers)?;
    let mut live = Live::poll(watcher, feed_text, args.interval_s, args.http_timeout_s);
    let label = live.label().unwrap_or(feed_text).to_string();
    let mut any = false;
    let mut polls: u64 = 0;
    let mut unwritten = Vec::new();
    loop {
        polls += 1;
        match live.next_step() {
            Step::Batch(b) => {
                for w in &b.warnings {
                    eprintln!("feed warning: {w} (in {label})");
                }
                let n = b.ingested;
                eprintln!(
                    "feed live: {} new report(s), {} duplicate(s), {} late, {} alert(s)",
                    n.new,
                    n.duplicates,
                    n.late,
                    b.alerts.iter().filter(|a| a.event.is_start()).count()
                );
                let detected_at = now_rfc3339();
                let rows = rows_from_alerts(&b.alerts, &detected_at);
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                for r in &rows {
                    if let Some(v) = &r.payload {
                        writeln!(out, "{v}")?;
                    }
                    any = true;
                }
                out.flush()?;
                drop(out);
                unwritten.extend(rows);
                if let Some(session) = &mut sink
                    && !unwritten.is_empty()
                {
                    // A failed write is said and tried again with the next poll's
                    // (the upsert makes a repeat harmless); the watch goes on.
                    match write_rows(session, &unwritten, true) {
                        Ok(_) => unwritten.clear(),
                        Err(e) => {
                            eprintln!(
                                "database write failed: {e} (in {}); {} alert(s) kept for the next try",
                                session.url.masked,
                                unwritten.len()
                            );
                            if session.client.is_closed()
                                && let Ok(s) = corridor_watch::io::postgis::connect(&session.url)
                            {
                                *session = s;
                            }
                        }
                    }
                }
            }
            Step::Failed {
                error,
                attempt,
                retry_in_s,
                stale_s,
            } => {
                if args.once {
                    return Err(error.into());
                }
                let stale = stale_s
                    .map(|s| format!("; data stale for {} s", s as u64))
                    .unwrap_or_default();
                eprintln!(
                    "feed retrying: {error}; attempt {attempt} failed{stale}; next try in {retry_in_s:.1} s"
                );
            }
            Step::Finished | Step::Stopped => return Ok(any),
        }
        if args.once || args.max_polls.is_some_and(|m| polls >= m) {
            return Ok(any);
        }
    }
}

/// `--replay`: recorded tracks fed in batches of recorded time, as fast as
/// they go; one JSON line per alert (`detected_at`: the batch's end), and the
/// run's figures on stderr (reports, batches, late, batch latency p50/p99).
fn replay(
    args: &WatchArgs,
    layers: Vec<corridor_watch::model::Layer>,
    mut sink: Option<&mut corridor_watch::io::postgis::Session>,
) -> Result<bool> {
    use corridor_watch::model::Role;
    if !(args.batch_s.is_finite() && args.batch_s > 0.0) {
        anyhow::bail!(
            "--batch-s must be a number of seconds above 0 (got {})",
            args.batch_s
        );
    }
    let t_start = std::time::Instant::now();
    let mut recorded_layers = load_all(&[], &args.replay, &FetchLimits::default())?;
    for l in &mut recorded_layers {
        l.assign_role(Role::Track);
    }
    // The rules checked (and their counts said) once, before the run.
    let opts = options_of(args)?;
    let shards = std::thread::available_parallelism().map_or(1, usize::from);
    let run = corridor_watch::analysis::replay::replay(
        &layers,
        recorded_layers,
        &opts,
        args.batch_s,
        shards,
    );
    say_near_incidents(run.near_incidents);
    if run.untimed > 0 {
        eprintln!(
            "replay: {} vertices without a time cannot be replayed; left out",
            run.untimed
        );
    }
    eprintln!(
        "replay: {} reports in {} batches of {} s, convoys over {} watcher(s)",
        run.reports,
        run.batches.len(),
        args.batch_s,
        run.shards
    );
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut alerts_n = 0usize;
    let late = run.late;
    let latencies: Vec<f64> = run.batches.iter().map(|b| b.ms).collect();
    for b in &run.batches {
        if b.alerts.is_empty() {
            continue;
        }
        let detected_at = corridor_watch::utc::format_rfc3339(b.end_t).unwrap_or_default();
        let rows = rows_from_alerts(&b.alerts, &detected_at);
        for r in &rows {
            if let Some(v) = &r.payload {
                writeln!(out, "{v}")?;
            }
        }
        alerts_n += b.alerts.iter().filter(|a| a.event.is_start()).count();
        if let Some(s) = sink.as_deref_mut() {
            write_rows(s, &rows, true).map_err(|e| anyhow::anyhow!("{e} (in {})", s.url.masked))?;
        }
    }
    out.flush()?;
    let mut sorted = latencies.clone();
    sorted.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        sorted
            .get(((sorted.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let tenth = (latencies.len() / 10).max(1);
    let median = |xs: &[f64]| {
        let mut v = xs.to_vec();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    eprintln!(
        "replay: {alerts_n} alert(s), {late} late report(s), {} report(s) held at the end; batch ms p50 {:.3} p99 {:.3} max {:.3}; median of the first 10 % {:.3}, of the last 10 % {:.3}; {:.2} s",
        run.held,
        pct(0.5),
        pct(0.99),
        sorted.last().copied().unwrap_or(0.0),
        median(&latencies[..tenth.min(latencies.len())]),
        median(&latencies[latencies.len().saturating_sub(tenth)..]),
        t_start.elapsed().as_secs_f64()
    );
    Ok(alerts_n > 0)
}
