//! `corridor-watch zone`: buffer-zone polygons from contact lines.

use super::load::load_all;
use anyhow::{Context, Result};
use clap::Args;
use corridor_watch::analysis::{Scenario, zone::zone_outline};
use corridor_watch::model::Role;
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ZoneArgs {
    /// Files holding `contact_line` features.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Write here instead of standard output (written to a temporary file, then renamed).
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

pub fn run(args: &ZoneArgs) -> Result<()> {
    let scn = Scenario::new(load_all(&args.files, &[], &Default::default())?);
    let mut features = Vec::new();
    for (si, shape) in scn.zone.shapes.iter().enumerate() {
        if shape.role != Role::ContactLine {
            continue;
        }
        let f = &scn.layers[shape.feature.layer as usize].features[shape.feature.feature as usize];
        let outline = zone_outline(&scn.zone, si as u32);
        let geom = geo::Geometry::MultiPolygon(outline);
        features.push(json!({
            "type": "Feature",
            "properties": {
                "kind": "buffer_zone",
                "id": format!("zone-{}", f.id.clone().unwrap_or_else(|| f.index.to_string())),
                "name": format!("Buffer zone of {}", f.label()),
                "width_km": shape.reach_m * 2.0 / 1000.0,
                "contact_line": f.id,
            },
            "geometry": serde_json::to_value(geojson::Geometry::from(&geom)).unwrap_or(Value::Null),
        }));
    }
    if features.is_empty() {
        eprintln!("warning: no contact_line feature in the input; the zone is empty");
    }
    let text = serde_json::to_string(&corridor_watch::output::write::feature_collection(features))?;
    match &args.output {
        None => println!("{text}"),
        Some(path) => corridor_watch::output::write::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?,
    }
    Ok(())
}
