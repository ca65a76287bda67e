//! `corridor-watch route`: plan the shortest path through the corridor network,
//! or check a saved route leg by leg.

use super::load::load_all;
use anyhow::{Context, Result, bail};
use clap::Args;
use corridor_watch::analysis::Scenario;
use corridor_watch::analysis::exposure::{Exposure, near_route};
use corridor_watch::analysis::route::{check_route, corridors_used};
use corridor_watch::analysis::routing::plan_route;
use corridor_watch::io::route::{Route, route_from_layer};
use corridor_watch::model::Role;
use corridor_watch::output::route::route_geojson_with;
use corridor_watch::output::text::{format_duration_s, parse_lon_lat};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct RouteArgs {
    /// Layer files or http(s) URLs with the corridors (and buffer zone).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Start, "LON,LAT" in degrees.
    #[arg(long, allow_hyphen_values = true, required_unless_present = "check")]
    pub from: Option<String>,
    /// End, "LON,LAT" in degrees.
    #[arg(long, allow_hyphen_values = true, required_unless_present = "check")]
    pub to: Option<String>,
    /// Use only these corridors (comma-separated ids); all by default.
    #[arg(long, value_delimiter = ',')]
    pub corridor_ids: Vec<String>,
    /// Check this saved route (GeoJSON, `kind: route`) instead of planning one.
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub check: Option<PathBuf>,
    /// Planning speed for the ETA, km/h.
    #[arg(long, default_value_t = 40.0)]
    pub speed_kmh: f64,
    /// Write the route here (atomically) instead of standard output: GeoJSON, or GPX / KML by the extension.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Incidents within this many metres of the route (geodesic) are listed.
    #[arg(long, default_value_t = Exposure::DEFAULT_REACH_M)]
    pub exposure_m: f64,
    /// ... and in this many days before departure.
    #[arg(long, default_value_t = Exposure::DEFAULT_DAYS)]
    pub exposure_days: f64,
    /// Departure (RFC 3339, e.g. 2026-03-10T06:00:00Z); now when left out.
    #[arg(long)]
    pub depart: Option<String>,
}

pub fn run(args: &RouteArgs) -> Result<bool> {
    if !(args.exposure_m.is_finite() && args.exposure_m >= 0.0) {
        bail!(
            "--exposure-m: {} is not a distance in metres (0 or more)",
            args.exposure_m
        );
    }
    if !(args.exposure_days.is_finite() && args.exposure_days >= 0.0) {
        bail!(
            "--exposure-days: {} is not a number of days (0 or more)",
            args.exposure_days
        );
    }
    let depart_s = match &args.depart {
        Some(t) => corridor_watch::io::time::parse_rfc3339(t)
            .map_err(|e| anyhow::anyhow!("--depart: {e} (write it as 2026-03-10T06:00:00Z)"))?,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64().floor()),
    };
    let exposure = Exposure {
        reach_m: args.exposure_m,
        days: args.exposure_days,
        depart_s,
    };
    let limits = Default::default();
    let layers = load_all(&args.files, &[], &limits)?;
    let scn = Scenario::new(layers);
    let known: Vec<&str> = scn
        .layers
        .iter()
        .flat_map(|l| &l.features)
        .filter(|f| matches!(f.role, Role::Corridor | Role::GrainRoute))
        .filter_map(|f| f.id.as_deref())
        .collect();
    if let Some(unknown) = args
        .corridor_ids
        .iter()
        .find(|id| !known.contains(&id.as_str()))
    {
        let mut shown: Vec<&str> = known.clone();
        shown.sort_unstable();
        shown.dedup();
        let list = if shown.is_empty() {
            "none: no corridor or grain route is loaded".to_string()
        } else {
            shown.join(", ")
        };
        bail!(
            "--corridor-ids: no corridor or grain route has the id \"{unknown}\" (the ids loaded: {list})"
        );
    }
    let ids = (!args.corridor_ids.is_empty()).then_some(args.corridor_ids.as_slice());
    let speed = (args.speed_kmh.is_finite() && args.speed_kmh > 0.0).then_some(args.speed_kmh);
    let route = match &args.check {
        Some(path) => route_from_layer(&corridor_watch::io::read_path(path)?)?,
        None => {
            let (Some(from), Some(to)) = (&args.from, &args.to) else {
                bail!("give --from and --to, or --check ROUTE");
            };
            let planned = plan_route(
                &scn,
                parse_lon_lat(from, "--from").map_err(anyhow::Error::msg)?,
                parse_lon_lat(to, "--to").map_err(anyhow::Error::msg)?,
                ids,
            )?;
            Route {
                name: "planned route".into(),
                waypoints: planned.waypoints,
                corridor_ids: planned.corridor_ids,
                speed_kmh: speed,
            }
        }
    };
    let ids_for_check = if route.corridor_ids.is_empty() {
        ids.map(<[String]>::to_vec)
    } else {
        Some(route.corridor_ids.clone())
    };
    let legs = check_route(&scn, &route.waypoints, ids_for_check.as_deref());
    let near = near_route(&scn.layers, &route.waypoints, &exposure);
    let within = format!(
        "within {} in the {} days before {}",
        corridor_watch::output::text::format_length_m(exposure.reach_m),
        exposure.days,
        corridor_watch::utc::format_rfc3339(depart_s).unwrap_or_default()
    );
    for (i, leg) in legs.legs.iter().enumerate() {
        let state = if leg.in_corridor() {
            "inside".to_string()
        } else {
            format!(
                "OUTSIDE for {}, up to {}",
                corridor_watch::output::text::format_km(leg.outside_m()),
                leg.max_offset_m()
                    .map(|m| format!(
                        "{} from a corridor",
                        corridor_watch::output::text::format_length_m(m)
                    ))
                    .unwrap_or_else(|| "- (no corridor)".into())
            )
        };
        let zone = if leg.zone_entries.is_empty() {
            String::new()
        } else {
            format!(
                "; in the buffer zone for {}",
                corridor_watch::output::text::format_km(leg.zone_m())
            )
        };
        let n = near.iter().filter(|x| x.leg == i).count();
        let danger = if n > 0 {
            format!(
                "; {}",
                corridor_watch::output::text::count(n, "incident", "incidents")
            )
        } else {
            String::new()
        };
        eprintln!(
            "leg {:>3}: {:>9.2} km, {state}{zone}{danger}",
            i + 1,
            leg.length_m / 1000.0
        );
    }
    eprintln!(
        "route: {}, {} in corridors, ETA {} at {} km/h; corridors: {}",
        corridor_watch::output::text::format_km(legs.length_m()),
        if legs.all_in_corridor() {
            "all"
        } else {
            "not all"
        },
        speed
            .and_then(|v| legs.eta_s(v))
            .map(format_duration_s)
            .unwrap_or_else(|| "-".into()),
        args.speed_kmh,
        corridors_used(&scn, &route.waypoints).join(", ")
    );
    eprintln!(
        "route: {} {within}{}",
        corridor_watch::output::text::count(near.len(), "incident", "incidents"),
        if near.is_empty() {
            ""
        } else {
            " (nearest first in incidents_near)"
        }
    );
    // The format follows the output's extension: GPX for GPS units, KML for Google Earth, else GeoJSON.
    let ext = args
        .output
        .as_ref()
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let text = match ext.as_deref() {
        Some("gpx") => corridor_watch::output::export::route_gpx(&route),
        Some("kml") => corridor_watch::output::export::route_kml(&route),
        _ => route_geojson_with(&route, Some(&near)),
    };
    match &args.output {
        None => println!("{text}"),
        Some(path) => corridor_watch::output::write::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?,
    }
    Ok(!legs.all_in_corridor() || legs.zone_m() > 0.0)
}
