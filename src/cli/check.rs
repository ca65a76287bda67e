//! `corridor-watch check`: the deviation and buffer-zone report.

use super::load::load_all_in;
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use corridor_watch::analysis::ConvoyCheck;
use corridor_watch::analysis::events::EventRules;
use corridor_watch::analysis::fixes::SpeedLimit;
use corridor_watch::analysis::incidents::IncidentInfo;
use corridor_watch::analysis::{CheckOptions, Overview, OverviewOptions};
use corridor_watch::model::window::Window;
use corridor_watch::output::export;
use corridor_watch::output::report::{Report, StretchEntry};
use std::io::Write;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Json,
    Text,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Layer and track files or http(s) URLs (GeoJSON, GPX, CSV); roles come from each feature's `kind`.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// A file whose features lack `kind`, to be read as tracks.
    #[arg(long)]
    pub tracks: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Leave out stretches shorter than this, metres.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub min_length_m: f64,
    /// Report a vessel that stops reporting inside a grain lane for longer than this, minutes (0: never).
    #[arg(long, default_value_t = 30.0, allow_negative_numbers = true)]
    pub ais_gap_min: f64,
    /// Without `sector` features, cut the zone into sectors this long along each contact line, km.
    #[arg(long, default_value_t = corridor_watch::analysis::sectors::DEFAULT_SECTOR_KM)]
    pub sector_km: f64,
    /// Drop a fix that would need more than this speed, km/h, to reach and leave (a jump out and back);
    /// by default 150 km/h for land convoys and 50 knots for vessels.
    #[arg(long, allow_negative_numbers = true)]
    pub max_speed_kmh: Option<f64>,
    /// A vessel under this speed between fixes is slow (loitering, encounters), knots.
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true)]
    pub slow_kn: f64,
    /// A vessel slow for this long is loitering, minutes (0: never).
    #[arg(long, default_value_t = 60.0, allow_negative_numbers = true)]
    pub loiter_min: f64,
    /// Two slow vessels within this distance of each other (metres, geodesic) ...
    #[arg(long, default_value_t = 500.0, allow_negative_numbers = true)]
    pub encounter_m: f64,
    /// ... for this long meet (an encounter), minutes (0: never).
    #[arg(long, default_value_t = 120.0, allow_negative_numbers = true)]
    pub encounter_min: f64,
    /// Largest layer accepted from a URL, MB.
    #[arg(long, default_value_t = 512)]
    pub max_download_mb: u64,
    /// Give up on a URL that has not been fully read after this many seconds.
    #[arg(long, default_value_t = 300)]
    pub http_timeout_s: u64,
    /// Also write the report JSON to this file (atomically).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write every deviation and zone entry as CSV to this file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Write every deviation and zone entry as GeoJSON LineStrings to this file.
    #[arg(long)]
    pub geojson: Option<PathBuf>,
    /// Write the incidents inside the buffer zone as CSV to this file.
    #[arg(long)]
    pub incidents_csv: Option<PathBuf>,
    /// Write every deviation and zone entry as KML (styled, for Google Earth) to this file.
    #[arg(long)]
    pub kml: Option<PathBuf>,
    /// Write every deviation and zone entry as a GeoPackage (table `stretches`) to this file.
    #[arg(long)]
    pub gpkg: Option<PathBuf>,
    /// Write every deviation and zone entry as FlatGeobuf to this file.
    #[arg(long)]
    pub fgb: Option<PathBuf>,
    /// Upsert every deviation, zone entry and AIS gap into a PostGIS table
    /// (`postgresql://USER@HOST/DB?table=SCHEMA.TABLE`, created when missing),
    /// in one transaction.
    #[arg(long, value_name = "URL")]
    pub to_db: Option<String>,
    /// Check only the convoy reports at or after this time (RFC 3339, e.g. 2026-03-02T00:00:00Z);
    /// a PostGIS table is asked for those rows alone.
    #[arg(long)]
    pub from: Option<String>,
    /// Check only the convoy reports at or before this time (RFC 3339).
    #[arg(long)]
    pub to: Option<String>,
    /// Check only the convoy reports inside WEST,SOUTH,EAST,NORTH (degrees; west above east
    /// crosses 180); a PostGIS table is asked for those rows alone.
    #[arg(long, allow_hyphen_values = true)]
    pub bbox: Option<String>,
}

fn save(path: &std::path::Path, text: &str) -> Result<()> {
    corridor_watch::output::write::write_atomic(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Runs the check; returns whether anything was flagged.
pub fn run(args: &CheckArgs) -> Result<bool> {
    let limits = corridor_watch::io::http::FetchLimits {
        max_bytes: args.max_download_mb.saturating_mul(1024 * 1024),
        total_timeout: std::time::Duration::from_secs(args.http_timeout_s.max(1)),
        ..Default::default()
    };
    if !args.min_length_m.is_finite() || args.min_length_m < 0.0 {
        bail!(
            "--min-length-m must be a length in metres, 0 or more (got {})",
            args.min_length_m
        );
    }
    if !args.ais_gap_min.is_finite() || args.ais_gap_min < 0.0 {
        bail!(
            "--ais-gap-min must be a duration in minutes, 0 or more (got {})",
            args.ais_gap_min
        );
    }
    for (name, v) in [
        ("--slow-kn", args.slow_kn),
        ("--loiter-min", args.loiter_min),
        ("--encounter-m", args.encounter_m),
        ("--encounter-min", args.encounter_min),
    ] {
        if !v.is_finite() || v < 0.0 {
            bail!("{name} must be a number, 0 or more (got {v})");
        }
    }
    let max_speed = match args.max_speed_kmh {
        None => SpeedLimit::ByKind,
        Some(v) if v.is_finite() && v > 0.0 => SpeedLimit::Kmh(v),
        Some(v) => bail!("--max-speed-kmh must be a speed above 0, km/h (got {v})"),
    };
    // The database first: a bad URL, a dead server or a wrong password is
    // said before the check runs, not after.
    let mut sink = args
        .to_db
        .as_deref()
        .map(super::db::open_sink)
        .transpose()?;
    let window = Window {
        from_s: super::report::time_arg("from", &args.from)?,
        to_s: super::report::time_arg("to", &args.to)?,
        bbox: args.bbox.as_deref().map(super::query::bbox).transpose()?,
    };
    if let (Some(a), Some(b)) = (window.from_s, window.to_s)
        && a > b
    {
        bail!("--from is after --to: the period is empty the wrong way round");
    }
    let layers = load_all_in(&args.files, &args.tracks, &limits, &window)?;
    // Made from the bundled (invented) scenario: every export says so.
    let illustrative = args
        .files
        .iter()
        .chain(&args.tracks)
        .any(|f| corridor_watch::monitoring::is_bundled(f));
    if let Some(layer) = layers.iter().find(|l| l.lost_every_report()) {
        // "Nothing flagged" about tracks that were never read would pass as clean.
        bail!(
            "every track or position report in this file was skipped ({} of them; the warnings above say why), so there is nothing to check (in {})",
            layer.skipped_reports,
            layer.source
        );
    }
    let mut overview = Overview::build(
        layers,
        &OverviewOptions {
            check: CheckOptions {
                min_length_m: args.min_length_m,
                gap_s: args.ais_gap_min * 60.0,
                max_speed,
                events: Some(EventRules {
                    slow_kn: args.slow_kn,
                    loiter_s: args.loiter_min * 60.0,
                    encounter_m: args.encounter_m,
                    encounter_s: args.encounter_min * 60.0,
                }),
            },
            paths: args.geojson.is_some()
                || sink.is_some()
                || args.kml.is_some()
                || args.gpkg.is_some()
                || args.fgb.is_some(),
            // The report's summary counts the incidents inside the zone.
            incidents: true,
            sector_km: Some(args.sector_km),
            // Nothing below reads the tracks from the layers again.
            take_tracks: true,
        },
    );
    if overview.convoys.is_empty() {
        // Checking incidents against the zone alone is a use of its own (the
        // peacekeepers' list): then it is a note, not a warning.
        if overview.incidents.is_empty() {
            eprintln!(
                "warning: no tracks in the input (no feature of kind \"track\", no GPX or CSV reports, no --tracks file): no convoy was checked"
            );
        } else {
            eprintln!(
                "note: no tracks in the input: only the incidents were checked against the buffer zone"
            );
        }
    }
    if let Some(path) = &args.geojson {
        save(
            path,
            &export::stretches_geojson(&overview.results, illustrative),
        )?;
    }
    if let Some(path) = &args.kml {
        save(
            path,
            &export::stretches_kml(&overview.results, illustrative),
        )?;
    }
    if let Some(path) = &args.fgb {
        let bytes =
            export::stretches_fgb(&overview.results, illustrative).map_err(anyhow::Error::msg)?;
        corridor_watch::output::write::write_atomic(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &args.gpkg {
        let results = &overview.results;
        corridor_watch::output::write::write_atomic_file(path, |tmp| {
            export::stretches_gpkg(results, tmp, illustrative).map_err(std::io::Error::other)
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(session) = &mut sink {
        let rows = corridor_watch::output::postgis_sink::rows_from_results(&overview.results);
        let n = corridor_watch::output::postgis_sink::write_rows(session, &rows, false)
            .map_err(|e| anyhow::anyhow!("{e} (in {})", session.url.masked))?;
        eprintln!("wrote {n} row(s) to {}", session.url.masked);
    }
    let checks: Vec<ConvoyCheck> = std::mem::take(&mut overview.results)
        .into_iter()
        .map(|r| r.report)
        .collect();
    let mut report = Report::with_summary(&checks, &overview.incidents, &overview.sectors);
    report.illustrative =
        illustrative.then(|| corridor_watch::output::report::ILLUSTRATIVE_NOTE.to_string());
    if let Some(path) = &args.csv {
        save(
            path,
            &export::stretches_csv(export::stretch_rows(checks.iter()), illustrative),
        )?;
    }
    if let Some(path) = &args.incidents_csv {
        let inside = overview.incidents.iter().filter(|i| i.inside);
        save(path, &export::incidents_csv(inside, illustrative))?;
    }
    if let Some(path) = &args.output {
        save(path, &export::report_json(&report))?;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Text => {
            write_text(&mut out, &report, &checks)?;
            write_incidents(&mut out, &overview.incidents)?;
        }
    }
    out.flush()?;
    let flagged = checks.iter().any(ConvoyCheck::is_flagged);
    // The process ends with this command: its memory goes back to the system
    // whole, so the million vertices are not freed one buffer at a time
    // (2-4 ms of the large case).
    std::mem::forget((overview, checks, report));
    Ok(flagged)
}

use corridor_watch::output::text::{ConvoyStatus, format_length_m as km};

fn time_range(s: &StretchEntry) -> String {
    match (&s.start_time, &s.end_time) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("from {a}"),
        (None, Some(b)) => format!("until {b}"),
        (None, None) => "no times".into(),
    }
}

fn write_text(out: &mut impl Write, report: &Report, checks: &[ConvoyCheck]) -> Result<()> {
    if report.convoys.is_empty() {
        writeln!(out, "No convoys checked (no tracks in the input).")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = report
        .convoys
        .iter()
        .zip(checks)
        .map(|(c, check)| {
            let worst = check
                .worst_offset_m()
                .map(|m| km(corridor_watch::output::report::round_m(m)))
                .unwrap_or_else(|| "-".into());
            vec![
                c.convoy_id.clone(),
                ConvoyStatus::of(check).label(),
                km(c.length_m),
                c.deviations.len().to_string(),
                c.buffer_zone_entries.len().to_string(),
                worst,
            ]
        })
        .collect();
    writeln!(
        out,
        "{}",
        corridor_watch::output::text::table(
            &[
                "convoy",
                "status",
                "length",
                "deviations",
                "zone entries",
                "worst offset"
            ],
            &rows,
            &[2, 3, 4, 5],
        )
    )?;
    // Each convoy's stretches, gaps, events and warnings, under its id.
    for c in &report.convoys {
        let told = c.deviations.len()
            + c.buffer_zone_entries.len()
            + c.gaps.len()
            + c.events.len()
            + c.warnings.len();
        if told == 0 {
            continue;
        }
        writeln!(out, "\n{}:", c.convoy_id)?;
        let deviations = c.deviations.iter().map(|s| {
            let off = s
                .max_offset_m
                .map(|m| format!("{} from its corridor", km(m)))
                .unwrap_or_else(|| "no approved corridor".into());
            (s, off)
        });
        let entries = c.buffer_zone_entries.iter().map(|s| {
            let deep = format!("up to {} deep", km(s.max_offset_m.unwrap_or(0.0)));
            (s, deep)
        });
        for (what, list) in [
            ("deviation", deviations.collect::<Vec<_>>()),
            ("zone entry", entries.collect()),
        ] {
            for (i, (s, how)) in list.iter().enumerate() {
                writeln!(
                    out,
                    "    {what} {}: {} long, {how}; {}; ({:.5}, {:.5}) to ({:.5}, {:.5})",
                    i + 1,
                    km(s.length_m),
                    time_range(s),
                    s.start[0],
                    s.start[1],
                    s.end[0],
                    s.end[1]
                )?;
            }
        }
        for (i, g) in c.gaps.iter().enumerate() {
            writeln!(
                out,
                "    gap {}: silent for {} in a grain lane; {} to {}; ({:.5}, {:.5}) to ({:.5}, {:.5})",
                i + 1,
                corridor_watch::output::text::format_duration_s(g.duration_s),
                g.start_time,
                g.end_time,
                g.start[0],
                g.start[1],
                g.end[0],
                g.end[1]
            )?;
        }
        for e in &c.events {
            writeln!(out, "    {}", event_line(e))?;
        }
        for w in &c.warnings {
            writeln!(out, "    warning: {w}")?;
        }
    }
    let flagged = checks.iter().filter(|c| c.is_flagged()).count();
    writeln!(
        out,
        "\n{} convoys, {} flagged (lon/lat in degrees, WGS 84; distances geodesic)",
        report.convoys.len(),
        flagged
    )?;
    Ok(())
}

/// One event as the text report writes it.
fn event_line(e: &corridor_watch::output::report::EventEntry) -> String {
    let at = format!("({:.5}, {:.5})", e.position[0], e.position[1]);
    let dur = |d: Option<f64>| corridor_watch::output::text::format_duration_s(d.unwrap_or(0.0));
    match e.event_type {
        "implausible_jump" => format!(
            "implausible fix dropped: {at} at {}, {} from the last kept fix",
            e.start_time,
            e.speed_kmh
                .map(|v| format!("{v:.0} km/h"))
                .unwrap_or_else(|| "no time at all".into())
        ),
        "loitering" => format!(
            "loitering for {} at {:.2} kn on average; {} to {}; around {at}",
            dur(e.duration_s),
            e.mean_speed_kn.unwrap_or(0.0),
            e.start_time,
            e.end_time
        ),
        _ => format!(
            "encounter with {} for {}, closest {}; {} to {}; at {at}",
            e.other.as_deref().unwrap_or("?"),
            dur(e.duration_s),
            km(e.min_distance_m.unwrap_or(0.0)),
            e.start_time,
            e.end_time
        ),
    }
}

/// Incidents inside a buffer zone, with their depth: the peacekeepers' list.
fn write_incidents(out: &mut impl Write, all: &[IncidentInfo]) -> Result<()> {
    if all.is_empty() {
        return Ok(());
    }
    let inside: Vec<_> = all.iter().filter(|i| i.inside).collect();
    writeln!(
        out,
        "\n{} of {} incidents inside the buffer zone",
        inside.len(),
        all.len()
    )?;
    if inside.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = inside
        .iter()
        .map(|i| {
            vec![
                i.id.clone(),
                i.category.clone(),
                i.time.clone(),
                km(i.depth_m),
            ]
        })
        .collect();
    writeln!(
        out,
        "{}",
        corridor_watch::output::text::table(&["id", "category", "time", "inside by"], &rows, &[3])
    )?;
    Ok(())
}
