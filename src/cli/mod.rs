//! The command line: one file per subcommand.

pub mod check;
pub mod db;
pub mod gen_large;
pub mod load;
pub mod notify;
pub mod query;
pub mod report;
pub mod route;
pub mod watch;
pub mod zone;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "corridor-watch",
    version,
    about = "Humanitarian corridors, convoy tracks and the 30-km buffer zone, checked in metres on WGS 84"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Layer files (or http(s) / postgresql:// URLs) to open in the desktop app (no subcommand).
    pub files: Vec<std::path::PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check convoy tracks against their corridors and the buffer zone.
    /// Exit status: 0 nothing flagged, 1 a deviation or zone entry found, 2 error.
    Check(check::CheckArgs),
    /// Find features at, near or inside a place; prints GeoJSON.
    Query(query::QueryArgs),
    /// Write the monitoring report (PDF or HTML): key figures, an overview map,
    /// charts and tables for a period, from the same analysis as `check`.
    Report(report::ReportArgs),
    /// Write a notified movement's notification package: a one-page PDF
    /// (route map, window, convoy, vehicles, contact, waypoints) and the
    /// route beside it as GPX, KML and GeoJSON.
    Notify(notify::NotifyArgs),
    /// Plan a route along the corridors (or check a saved one), leg by leg.
    /// Exit status: 0 all inside corridors and out of the zone, 1 not, 2 error.
    Route(route::RouteArgs),
    /// Poll a live feed of position reports; print each new deviation or
    /// buffer-zone entry as one JSON line.
    Watch(watch::WatchArgs),
    /// Write the buffer zone(s) built from contact lines as GeoJSON polygons.
    Zone(zone::ZoneArgs),
    /// Write the large synthetic timing case (for benchmarks).
    #[command(hide = true)]
    GenLarge(gen_large::GenArgs),
}

/// A first app argument that is no file, no URL and no path: a mistyped subcommand.
pub fn mistyped_subcommand(arg: &std::path::Path) -> Option<String> {
    let text = arg.to_str()?;
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (plain && !arg.exists()).then(|| text.to_string())
}

/// The visible subcommand nearest to `word` (edit distance at most 3).
pub fn closest_subcommand(cmd: &clap::Command, word: &str) -> Option<String> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| (edit_distance(s.get_name(), word), s.get_name().to_string()))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, name)| name)
}

/// Levenshtein distance between two short words.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
