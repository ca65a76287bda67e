//! `corridor-watch gen-large DIR`: writes the large synthetic timing case
//! (corridors.geojson, tracks.geojson) for the benchmarks.

use anyhow::{Context, Result};
use clap::Args;
use corridor_watch::synth::{LargeCase, make_large};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct GenArgs {
    pub dir: PathBuf,
    #[arg(long, default_value_t = 5000)]
    pub convoys: usize,
    #[arg(long, default_value_t = 1_000_000)]
    pub points: usize,
    #[arg(long, default_value_t = 100)]
    pub corridors: usize,
    #[arg(long, default_value_t = 20)]
    pub segments: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long)]
    pub no_times: bool,
    /// Every convoy reports every this many seconds, all from one start (the
    /// 24-hour soak: --points = convoys x 2,880 with 30).
    #[arg(long)]
    pub report_every_s: Option<f64>,
    /// Also write contact_line.geojson, a wiggly contact line of this many vertices (zone benchmark).
    #[arg(long)]
    pub contact_line_vertices: Option<usize>,
}

pub fn run(a: &GenArgs) -> Result<()> {
    let case = LargeCase {
        corridors: a.corridors.max(1),
        segments: a.segments.max(1),
        convoys: a.convoys.max(1),
        points: a.points,
        seed: a.seed,
        times: !a.no_times,
        report_every_s: a.report_every_s.filter(|s| s.is_finite() && *s > 0.0),
    };
    let (c, t) = make_large(&case);
    std::fs::create_dir_all(&a.dir)
        .with_context(|| format!("cannot create {}", a.dir.display()))?;
    std::fs::write(a.dir.join("corridors.geojson"), c).context("cannot write corridors.geojson")?;
    std::fs::write(a.dir.join("tracks.geojson"), &t).context("cannot write tracks.geojson")?;
    if let Some(n) = a.contact_line_vertices {
        let line = corridor_watch::synth::contact_line(n, a.seed);
        let coords: Vec<[f64; 2]> = line.iter().map(|c| [c.x, c.y]).collect();
        let fc = corridor_watch::output::write::feature_collection(vec![serde_json::json!({
            "type": "Feature",
            "properties": {"kind": "contact_line", "id": "CL-synthetic", "width_km": 30},
            "geometry": {"type": "LineString", "coordinates": coords},
        })]);
        std::fs::write(a.dir.join("contact_line.geojson"), fc.to_string())
            .context("cannot write contact_line.geojson")?;
    }
    eprintln!(
        "large case written to {}: {} corridors x {} segments, {} convoys, {:.1} MB of tracks",
        a.dir.display(),
        case.corridors,
        case.segments,
        case.convoys,
        t.len() as f64 / 1e6
    );
    Ok(())
}
