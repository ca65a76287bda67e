//! `corridor-watch query`: features at, near or inside a place, as GeoJSON.

use super::load::load_all;
use anyhow::{Context, Result, bail};
use clap::Args;
use corridor_watch::index::{QueryArea, SpatialIndex};
use corridor_watch::model::{FeatureRef, Layer};
use geo::Coord;
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["at", "near", "bbox", "nearest"])))]
pub struct QueryArgs {
    /// Layer files (GeoJSON, GPX, CSV).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Features at LON,LAT: inside a polygon, within a corridor's tolerance or
    /// a contact line's half-width, or within --pick-m of other geometry.
    #[arg(long, value_name = "LON,LAT", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Features within --within-m metres of LON,LAT.
    #[arg(
        long,
        value_name = "LON,LAT",
        requires = "within_m",
        allow_hyphen_values = true
    )]
    pub near: Option<String>,
    #[arg(long, value_name = "METRES")]
    pub within_m: Option<f64>,
    /// Features with any part inside the box WEST,SOUTH,EAST,NORTH (degrees).
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// The -k features nearest to LON,LAT.
    #[arg(long, value_name = "LON,LAT", allow_hyphen_values = true)]
    pub nearest: Option<String>,
    #[arg(short = 'k', default_value_t = 1)]
    pub k: usize,
    /// Pick tolerance for --at around points and lines without a tolerance, metres.
    #[arg(long, default_value_t = 50.0)]
    pub pick_m: f64,
}

fn numbers(text: &str, n: usize, what: &str) -> Result<Vec<f64>> {
    let v: Vec<f64> = text
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("{what}: \"{text}\" is not {n} comma-separated numbers"))?;
    if v.len() != n || v.iter().any(|x| !x.is_finite()) {
        bail!("{what}: \"{text}\" is not {n} comma-separated numbers");
    }
    Ok(v)
}

fn lon_lat(text: &str, what: &str) -> Result<Coord> {
    corridor_watch::output::text::parse_lon_lat(text, what).map_err(anyhow::Error::msg)
}

/// WEST,SOUTH,EAST,NORTH in degrees. West above east means across 180 (RFC
/// 7946's way); an east past 180 (`179,-1,181,1`) is read the same way.
pub(super) fn bbox(text: &str) -> Result<[f64; 4]> {
    let v = numbers(text, 4, "--bbox")?;
    let (mut west, south, mut east, north) = (v[0], v[1], v[2], v[3]);
    if east > 180.0 && east - 360.0 >= -180.0 && west <= 180.0 {
        east -= 360.0;
    }
    if west < -180.0 && west + 360.0 <= 180.0 && east >= -180.0 {
        west += 360.0;
    }
    if [west, east].iter().any(|x| x.abs() > 180.0) || [south, north].iter().any(|y| y.abs() > 90.0)
    {
        bail!(
            "--bbox: {text} is outside longitude -180..180 / latitude -90..90 (the order is WEST,SOUTH,EAST,NORTH)"
        );
    }
    if south > north {
        bail!("--bbox: south must not exceed north (got {text})");
    }
    Ok([west, south, east, north])
}

pub fn run(args: &QueryArgs) -> Result<()> {
    let layers = load_all(&args.files, &[], &Default::default())?;
    // A box or a radius indexes only the features whose boxes meet it (one
    // query: no R-tree over every segment of every track); the k nearest
    // have no bound, so they get the whole index.
    let (idx, hits): (SpatialIndex, Vec<(u32, Option<f64>)>) = if let Some(at) = &args.at {
        let p = lon_lat(at, "--at")?;
        let reach = args.pick_m.max(SpatialIndex::widest_reach_m(&layers));
        let idx = SpatialIndex::for_query(&layers, QueryArea::Around(p, reach));
        let hits = idx
            .at(p, args.pick_m)
            .into_iter()
            .map(|(s, d)| (s, Some(d)))
            .collect();
        (idx, hits)
    } else if let Some(near) = &args.near {
        let r = args.within_m.unwrap_or(0.0);
        if !r.is_finite() || r < 0.0 {
            bail!("--within-m must be a distance in metres, 0 or more");
        }
        let p = lon_lat(near, "--near")?;
        let idx = SpatialIndex::for_query(&layers, QueryArea::Around(p, r));
        let hits = idx
            .within_m(p, r)
            .into_iter()
            .map(|(s, d)| (s, Some(d)))
            .collect();
        (idx, hits)
    } else if let Some(b) = &args.bbox {
        let area = bbox(b)?;
        let idx = SpatialIndex::for_query(&layers, QueryArea::Box(area));
        let [west, south, east, north] = area;
        let hits = idx
            .in_bbox(west, south, east, north)
            .into_iter()
            .map(|s| (s, None))
            .collect();
        (idx, hits)
    } else if let Some(n) = &args.nearest {
        let idx = SpatialIndex::of_layers(&layers);
        let hits = idx
            .nearest(lon_lat(n, "--nearest")?, args.k)
            .into_iter()
            .map(|(s, d)| (s, Some(d)))
            .collect();
        (idx, hits)
    } else {
        bail!("give one of --at, --near, --bbox, --nearest");
    };
    let features: Vec<Value> = hits
        .iter()
        .map(|&(s, d)| feature_json(&layers, idx.shapes[s as usize].feature, d))
        .collect();
    let fc = corridor_watch::output::write::feature_collection(features);
    println!("{}", serde_json::to_string_pretty(&fc)?);
    Ok(())
}

fn feature_json(layers: &[Layer], r: FeatureRef, distance_m: Option<f64>) -> Value {
    let layer = &layers[r.layer as usize];
    let f = &layer.features[r.feature as usize];
    let mut props = f.properties.clone();
    if let Some(d) = distance_m {
        props.insert(
            "distance_m".into(),
            json!(corridor_watch::output::report::round_m(d)),
        );
    }
    props.insert("source".into(), json!(layer.source));
    props.insert("feature_index".into(), json!(f.index));
    let geometry = f
        .geometry
        .as_ref()
        .map(|g| serde_json::to_value(geojson::Geometry::from(g)).unwrap_or(Value::Null));
    let mut out = json!({"type": "Feature", "properties": props, "geometry": geometry});
    if let Some(id) = &f.id {
        out["id"] = json!(id);
    }
    out
}
