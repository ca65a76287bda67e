//! `corridor-watch notify`: the notification package of one notified
//! movement: a one-page PDF and the route beside it as GPX, KML and GeoJSON.

use super::load::load_all;
use super::report::PaperArg;
use anyhow::Result;
use clap::Args;
use corridor_watch::analysis::Scenario;
use corridor_watch::monitoring::{self, notice, pdf::Paper};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct NotifyArgs {
    /// Layer files, URLs or PostGIS tables holding the movement and its corridors.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The movement's id (its feature's `id`).
    #[arg(long)]
    pub movement: String,
    /// The PDF to write; the route goes beside it as .gpx, .kml and .geojson.
    #[arg(short, long)]
    pub output: PathBuf,
    #[arg(long, value_enum, default_value_t = PaperArg::A4)]
    pub paper: PaperArg,
}

pub fn run(args: &NotifyArgs) -> Result<()> {
    let layers = load_all(&args.files, &[], &Default::default())?;
    let scn = Scenario::new(layers);
    let illustrative = args.files.iter().any(|p| monitoring::is_bundled(p));
    let n = notice::build(&scn, &args.movement, illustrative).map_err(anyhow::Error::msg)?;
    let paper = match args.paper {
        PaperArg::A4 => Paper::A4,
        PaperArg::Letter => Paper::Letter,
    };
    let written = notice::write(&n, &args.output, paper).map_err(anyhow::Error::msg)?;
    eprintln!(
        "notify: movement {} (convoy {}), {}, {} along its route at {:.0} km/h; {} waypoints listed",
        n.id,
        n.convoy_id,
        notice::window_text(n.window),
        corridor_watch::output::text::format_length_m(n.plan.length_m()),
        n.plan.speed_kmh,
        n.waypoints.len()
    );
    for p in written {
        eprintln!("notify: wrote {}", p.display());
    }
    Ok(())
}
