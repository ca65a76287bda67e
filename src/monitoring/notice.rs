//! The notification package (`corridor-watch notify`, the Movements tab's
//! Export notification package…): what a logistics officer sends to the
//! parties for one notified movement. A one-page PDF (the route on a map
//! with place names; the convoy, window, vehicles and contact; a waypoint
//! table with lat/lon, MGRS, the planned time at the planned speed from the
//! window's start and the nearest named place), and beside it the route as
//! GPX, KML and GeoJSON.

use super::Scene;
use super::canvas::{Align, Canvas, Face, Rgb, rect};
use super::pdf::Paper;
use crate::analysis::Scenario;
use crate::analysis::exposure::{Exposure, NearIncident, near_route};
use crate::analysis::movements::{self, Plan};
use crate::error::Problem;
use crate::io::route::Route;
use crate::output::text::{format_duration_s, format_length_m};
use geo::Coord;
use std::path::{Path, PathBuf};

const INK: Rgb = [30, 30, 30];
const MUTED: Rgb = [100, 100, 100];
const MARGIN: f32 = 48.0;

/// One row of the waypoint table.
#[derive(Clone, Debug)]
pub struct Waypoint {
    pub at: Coord,
    /// Metres along the route from its start.
    pub along_m: f64,
    /// Planned time at the planned speed from the window's start, Unix seconds.
    pub planned_s: Option<f64>,
    pub mgrs: String,
    pub near: String,
}

/// Everything the package says.
#[derive(Clone, Debug)]
pub struct Notice {
    pub id: String,
    pub convoy_id: String,
    pub window: Option<(f64, f64)>,
    pub corridor_ids: Vec<String>,
    pub vehicles: Option<String>,
    pub contact: Option<String>,
    pub notes: Option<String>,
    pub plan: Plan,
    pub waypoints: Vec<Waypoint>,
    /// Incidents within 5 km of the route in the 7 days before the window opens.
    pub near: Vec<NearIncident>,
    /// Metres of the line outside every corridor and grain lane, and inside the zone.
    pub outside_m: f64,
    pub zone_m: f64,
    pub exposure: Exposure,
    pub scene: Scene,
    /// Made from the bundled (invented) scenario: every file says so.
    pub illustrative: bool,
    pub generated_at: String,
    pub version: String,
}

/// The package of movement `id` of the checked layer set.
pub fn build(scn: &Scenario, id: &str, illustrative: bool) -> Result<Notice, Problem> {
    let m = scn
        .notified
        .movements
        .iter()
        .find(|m| m.id == id)
        .ok_or_else(|| {
            let known: Vec<&str> = scn
                .notified
                .movements
                .iter()
                .map(|m| m.id.as_str())
                .collect();
            if known.is_empty() {
                crate::problem!("no movement {id}: the layers hold no movement")
            } else {
                crate::problem!("no movement {id}; the layers hold {}", known.join(", "))
            }
        })?;
    let plan = movements::plan(scn, m);
    if plan.line.len() < 2 {
        return Err(crate::problem!(
            "movement {id} has no route: give it a LineString or corridor_ids naming a corridor or grain lane in the layers"
        ));
    }
    let f = movements::feature(scn, m);
    let text = |k: &str| {
        f.and_then(|f| f.prop_text(k))
            .filter(|t| !t.trim().is_empty())
    };
    let waypoints = plan
        .waypoints()
        .into_iter()
        .map(|(at, along_m)| Waypoint {
            at,
            along_m,
            planned_s: m.window.map(|w| w.0 + plan.seconds_for(along_m)),
            mgrs: super::mgrs(at),
            near: super::near(at),
        })
        .collect();
    let exposure = Exposure {
        reach_m: Exposure::DEFAULT_REACH_M,
        days: Exposure::DEFAULT_DAYS,
        depart_s: m.window.map_or_else(now_s, |w| w.0),
    };
    let legs = crate::analysis::route::check_route(scn, &plan.line, None);
    Ok(Notice {
        near: near_route(&scn.layers, &plan.line, &exposure),
        outside_m: legs.outside_m(),
        zone_m: legs.zone_m(),
        exposure,
        id: m.id.clone(),
        convoy_id: m.convoy_id.clone(),
        window: m.window,
        corridor_ids: m.corridor_ids.clone(),
        vehicles: text("vehicles"),
        contact: text("contact"),
        notes: text("notes"),
        plan,
        waypoints,
        scene: super::scene(scn).0,
        illustrative,
        generated_at: crate::utc::format_rfc3339(now_s()).unwrap_or_default(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

fn now_s() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64().floor())
}

fn time(t: f64) -> String {
    crate::utc::format_rfc3339(t).unwrap_or_else(|| "-".into())
}

/// The window as words.
pub fn window_text(w: Option<(f64, f64)>) -> String {
    match w {
        Some((a, b)) => format!("{} to {} ({})", time(a), time(b), format_duration_s(b - a)),
        None => "unreadable (see the warnings)".into(),
    }
}

/// The route as the Route tab and the route writers take it.
pub fn route(n: &Notice) -> Route {
    Route {
        name: format!("Movement {} (convoy {})", n.id, n.convoy_id),
        waypoints: n.plan.line.clone(),
        corridor_ids: n.corridor_ids.clone(),
        speed_kmh: Some(n.plan.speed_kmh),
    }
}

/// The facts block: label and value.
fn facts(n: &Notice) -> Vec<(&'static str, String)> {
    let along = if n.plan.from_route {
        "the notified route".to_string()
    } else {
        let of = n.plan.corridor.as_deref().unwrap_or("-");
        if n.corridor_ids.len() > 1 {
            format!("the centreline of {of} (the longest approved)")
        } else {
            format!("the centreline of {of}")
        }
    };
    let mut out = vec![
        ("Convoy", n.convoy_id.clone()),
        ("Window", window_text(n.window)),
        (
            "Approved",
            if n.corridor_ids.is_empty() {
                "the notified route".into()
            } else if n.plan.from_route {
                format!("the notified route and {}", n.corridor_ids.join(", "))
            } else {
                n.corridor_ids.join(", ")
            },
        ),
        (
            "Route",
            format!("{} along {along}", format_length_m(n.plan.length_m())),
        ),
        (
            "Planned speed",
            format!(
                "{:.0} km/h{}: {}",
                n.plan.speed_kmh,
                if n.plan.speed_given {
                    ""
                } else {
                    " (none given; the default)"
                },
                format_duration_s(n.plan.seconds_for(n.plan.length_m()))
            ),
        ),
    ];
    if n.outside_m > 0.0 || n.zone_m > 0.0 {
        let mut v = Vec::new();
        if n.outside_m > 0.0 {
            v.push(format!(
                "{} of its {} outside every corridor and grain lane",
                format_length_m(n.outside_m),
                format_length_m(n.plan.length_m())
            ));
        }
        if n.zone_m > 0.0 {
            v.push(format!(
                "{} inside the buffer zone",
                format_length_m(n.zone_m)
            ));
        }
        out.push(("Caution", format!("the route runs {}", v.join("; "))));
    }
    let within = format!(
        "within {} of the route in the {} days before {}",
        format_length_m(n.exposure.reach_m),
        n.exposure.days,
        if n.window.is_some() {
            "the window opens"
        } else {
            "today"
        }
    );
    let listed: Vec<String> = n
        .near
        .iter()
        .take(3)
        .map(|i| {
            format!(
                "{} ({}, {} from leg {})",
                i.id.as_deref().unwrap_or("-"),
                i.category.as_deref().unwrap_or("-"),
                format_length_m(i.distance_m),
                i.leg + 1
            )
        })
        .collect();
    out.push((
        "Incidents",
        if n.near.is_empty() {
            format!("none {within}")
        } else {
            format!(
                "{} {within}: {}{}",
                n.near.len(),
                listed.join(", "),
                if n.near.len() > 3 { ", …" } else { "" }
            )
        },
    ));
    for (k, v) in [
        ("Vehicles", &n.vehicles),
        ("Contact", &n.contact),
        ("Notes", &n.notes),
    ] {
        out.push((k, v.clone().unwrap_or_else(|| "-".into())));
    }
    out
}

const HEADER: [&str; 6] = [
    "#",
    "Lat, lon (WGS 84)",
    "MGRS",
    "km",
    "Planned (UTC)",
    "Nearest place",
];

/// The waypoint table's rows.
pub fn rows(n: &Notice) -> Vec<[String; 6]> {
    n.waypoints
        .iter()
        .enumerate()
        .map(|(k, w)| {
            [
                (k + 1).to_string(),
                format!("{:.5}, {:.5}", w.at.y, w.at.x),
                w.mgrs.clone(),
                format!("{:.1}", w.along_m / 1000.0),
                w.planned_s.map_or("-".into(), time),
                w.near.clone(),
            ]
        })
        .collect()
}

/// The one-page PDF.
pub fn render(n: &Notice, paper: Paper) -> Result<Vec<u8>, Problem> {
    let footer = format!(
        "Notification {} (convoy {}) - corridor-watch {} - generated {}",
        n.id, n.convoy_id, n.version, n.generated_at
    );
    super::pdf::single_page(paper, n.illustrative, &footer, |c, w, h| page(c, n, w, h))
}

fn page(c: &mut dyn Canvas, n: &Notice, w: f32, h: f32) {
    let cw = w - 2.0 * MARGIN;
    let mut y = MARGIN + 10.0;
    c.text(
        (MARGIN, y),
        14.0,
        &format!("Humanitarian notification: movement {}", n.id),
        Face::Prose,
        INK,
        Align::Left,
    );
    y += 20.0;
    for (k, v) in facts(n) {
        c.text((MARGIN, y), 8.5, k, Face::Prose, MUTED, Align::Left);
        let lines = super::canvas::wrap(&v, Face::Prose, 8.5, cw - 80.0);
        for line in lines.iter().take(2) {
            c.text((MARGIN + 80.0, y), 8.5, line, Face::Prose, INK, Align::Left);
            y += 12.0;
        }
    }
    y += 4.0;
    let rows = rows(n);
    let lh = 11.0;
    let table_h = lh * (rows.len() as f32 + 1.0) + 40.0;
    let map_h = (h - MARGIN - 30.0 - y - table_h).max(160.0);
    let marks: Vec<Coord> = n.waypoints.iter().map(|w| w.at).collect();
    super::route_map::draw(c, &n.scene, &n.plan.line, &marks, (MARGIN, y, cw, map_h));
    y += map_h + 18.0;
    let widths = [0.05, 0.2, 0.21, 0.08, 0.2, 0.26];
    let xs: Vec<f32> = widths
        .iter()
        .scan(MARGIN, |x, f| {
            let at = *x;
            *x += f * cw;
            Some(at)
        })
        .collect();
    rect(c, MARGIN, y - 8.5, cw, lh, [235, 235, 240]);
    for (k, head) in HEADER.iter().enumerate() {
        c.text((xs[k] + 2.0, y), 7.5, head, Face::Prose, INK, Align::Left);
    }
    for r in &rows {
        y += lh;
        for (k, cell) in r.iter().enumerate() {
            let face = if k == 2 { Face::Mono } else { Face::Prose };
            let text = super::canvas::fit(cell, face, 7.5, widths[k] * cw - 4.0);
            c.text((xs[k] + 2.0, y), 7.5, &text, face, INK, Align::Left);
        }
    }
    y += lh + 4.0;
    let note = format!(
        "Planned times: from the window's start at the planned speed, without halts. Distances geodesic on WGS 84. {} of the route's {} vertices listed. The route is in the GPX, KML and GeoJSON files beside this PDF.",
        n.waypoints.len(),
        n.plan.line.len()
    );
    super::pdf::prose(c, &note, MARGIN, y + 4.0, cw, 7.5);
}

/// Writes the PDF at `pdf` and the route beside it (`.gpx`, `.kml`,
/// `.geojson` of the same stem), each atomically; returns the paths written.
pub fn write(n: &Notice, pdf: &Path, paper: Paper) -> Result<Vec<PathBuf>, Problem> {
    let bytes = render(n, paper)?;
    let r = route(n);
    let files = [
        (pdf.to_path_buf(), bytes),
        (
            pdf.with_extension("gpx"),
            crate::output::export::route_gpx(&r).into_bytes(),
        ),
        (
            pdf.with_extension("kml"),
            crate::output::export::route_kml(&r).into_bytes(),
        ),
        (
            pdf.with_extension("geojson"),
            crate::output::route::route_geojson_with(&r, Some(&n.near)).into_bytes(),
        ),
    ];
    let mut out = Vec::new();
    for (path, bytes) in files {
        crate::output::write::write_atomic(&path, &bytes)
            .map_err(|e| crate::problem!("{}: {e}", path.display()))?;
        out.push(path);
    }
    Ok(out)
}
