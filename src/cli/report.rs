//! `corridor-watch report`: the monitoring report as a PDF (or HTML) built
//! from the same analysis as `check`, for a period.

use super::load::load_all;
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use corridor_watch::analysis::{CheckOptions, Overview, OverviewOptions};
use corridor_watch::monitoring::{self, MAX_ROWS, Request, pdf::Paper};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReportFormat {
    Pdf,
    Html,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Layer and track files, URLs or PostGIS tables (as for `check`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// A file whose features lack `kind`, to be read as tracks.
    #[arg(long)]
    pub tracks: Vec<PathBuf>,
    /// Start of the period (RFC 3339, e.g. 2026-03-02T00:00:00Z); open when left out.
    #[arg(long)]
    pub from: Option<String>,
    /// End of the period (RFC 3339); open when left out.
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long, default_value = "Corridor and buffer-zone monitoring report")]
    pub title: String,
    /// Where to write the report (atomically).
    #[arg(short, long)]
    pub output: PathBuf,
    #[arg(long, value_enum, default_value_t = ReportFormat::Pdf)]
    pub format: ReportFormat,
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    pub paper: PaperArg,
    /// Without `sector` features, cut the zone into sectors this long along each contact line, km.
    #[arg(long, default_value_t = corridor_watch::analysis::sectors::DEFAULT_SECTOR_KM)]
    pub sector_km: f64,
}

pub(super) fn time_arg(name: &str, v: &Option<String>) -> Result<Option<f64>> {
    v.as_deref()
        .map(|t| {
            corridor_watch::io::time::parse_rfc3339(t)
                .map_err(|e| anyhow::anyhow!("--{name}: {e} (write it as 2026-03-02T00:00:00Z)"))
        })
        .transpose()
}

fn beside(out: &Path, suffix: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    out.with_file_name(format!("{stem}-{suffix}.csv"))
}

pub fn run(args: &ReportArgs) -> Result<()> {
    let t0 = Instant::now();
    let from = time_arg("from", &args.from)?;
    let to = time_arg("to", &args.to)?;
    if let (Some(a), Some(b)) = (from, to)
        && a > b
    {
        bail!("--from is after --to: the period is empty the wrong way round");
    }
    let all: Vec<&PathBuf> = args.files.iter().chain(&args.tracks).collect();
    eprintln!("report: reading {} source(s)", all.len());
    let layers = load_all(&args.files, &args.tracks, &Default::default())?;
    eprintln!("report: checking ({:.1} s)", t0.elapsed().as_secs_f64());
    let overview = Overview::build(
        layers,
        &OverviewOptions {
            check: CheckOptions::default(),
            paths: true,
            incidents: true,
            sector_km: Some(args.sector_km),
            // The report's map draws the tracks from the layers.
            take_tracks: false,
        },
    );
    let req = Request {
        title: args.title.clone(),
        from,
        to,
        sources: all.iter().map(|p| monitoring::source_of(p)).collect(),
        illustrative: all.iter().any(|p| monitoring::is_bundled(p)),
        view: None,
    };
    let m = monitoring::build((&overview).into(), req);
    eprintln!(
        "report: drawing {} convoys, {} stretches, {} incidents inside the zone ({:.1} s)",
        m.figures.convoys_checked,
        m.stretches.len(),
        m.incidents.len(),
        t0.elapsed().as_secs_f64()
    );
    let csvs = (
        beside(&args.output, "stretches"),
        beside(&args.output, "incidents"),
    );
    let names = (
        csvs.0
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        csvs.1
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    let bytes = match args.format {
        ReportFormat::Pdf => {
            let paper = match args.paper {
                PaperArg::A4 => Paper::A4,
                PaperArg::Letter => Paper::Letter,
            };
            monitoring::pdf::render(&m, paper, (&names.0, &names.1)).map_err(anyhow::Error::msg)?
        }
        ReportFormat::Html => monitoring::html::render(&m, (&names.0, &names.1)).into_bytes(),
    };
    let write = |p: &Path, b: &[u8]| {
        corridor_watch::output::write::write_atomic(p, b)
            .with_context(|| format!("cannot write {}", p.display()))
    };
    write(&args.output, &bytes)?;
    // Cut tables: the full lists beside the report.
    if m.stretches.len() > MAX_ROWS {
        write(&csvs.0, monitoring::stretches_csv(&m).as_bytes())?;
        eprintln!("report: every stretch in {}", csvs.0.display());
    }
    if m.incidents.len() > MAX_ROWS {
        write(&csvs.1, monitoring::incidents_csv(&m).as_bytes())?;
        eprintln!("report: every incident in {}", csvs.1.display());
    }
    eprintln!(
        "report: wrote {} ({} KB) in {:.1} s",
        args.output.display(),
        bytes.len() / 1024,
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
