//! The monitoring report (`corridor-watch report`, File > Monitoring
//! report…): a PDF (or HTML) a mission or logistics cluster can send as it
//! is. Built from the same `analysis::Overview` as `check`, filtered to a
//! period, never recomputed differently.
//!
//! `build` gathers the figures, rows and chart series (this file); `map`
//! draws the overview map and `charts` the charts on a `canvas::Canvas`;
//! `pdf` lays the pages out with krilla (A4 or Letter, embedded fonts,
//! selectable text, tables whose headers repeat), `html` writes the same as
//! one HTML page with inline SVG.

pub mod canvas;
mod charts;
pub mod html;
mod map;
pub mod pdf;

use crate::analysis::Overview;
use crate::analysis::incidents::IncidentInfo;
use crate::io::time::parse_rfc3339;
use crate::utc::format_rfc3339;
use crate::model::Role;
use crate::output::report::Stretch;
use geo::Coord;

/// Tables are cut to this many rows (the worst first); the full lists go to CSV.
pub const MAX_ROWS: usize = 500;

/// A file the report was made from.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub sha256: String,
}

/// What the caller asks for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub title: String,
    /// Unix seconds; `None`: open.
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub sources: Vec<Source>,
    /// The bundled scenario (illustrative data) is among the sources.
    pub illustrative: bool,
    /// The map's lon/lat box; `None`: fitted to what the report shows.
    pub view: Option<[f64; 4]>,
}

/// A deviation or zone entry in the period.
#[derive(Clone, Debug)]
pub struct StretchRow {
    pub convoy_id: String,
    /// `deviation` or `buffer_zone_entry`.
    pub kind: &'static str,
    pub stretch: Stretch,
    pub start_mgrs: String,
    pub end_mgrs: String,
    pub path: Vec<Coord>,
}

/// An incident inside the zone in the period.
#[derive(Clone, Debug)]
pub struct IncidentRow {
    pub id: String,
    pub time: String,
    pub time_s: Option<f64>,
    pub category: String,
    pub depth_m: f64,
    pub contact_line_m: Option<f64>,
    pub mgrs: String,
    pub pos: Coord,
}

/// The key figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    pub convoys_checked: usize,
    pub convoys_flagged: usize,
    pub deviations: usize,
    pub deviation_m: f64,
    pub worst_offset_m: Option<f64>,
    pub zone_entries: usize,
    pub incidents_inside: usize,
    /// Incidents inside the zone per category (most first).
    pub by_category: Vec<(String, usize)>,
    pub gaps: usize,
}

/// Lines and areas of the scenario, for the map.
#[derive(Clone, Debug, Default)]
pub struct Scene {
    pub corridors: Vec<Vec<Coord>>,
    pub corridor_areas: Vec<geo::Polygon<f64>>,
    pub grain_routes: Vec<Vec<Coord>>,
    pub contact_lines: Vec<Vec<Coord>>,
    pub zone: Vec<geo::Polygon<f64>>,
}

/// Everything the report shows.
#[derive(Clone, Debug)]
pub struct Monitoring {
    pub request: Request,
    pub version: String,
    pub generated_at: String,
    pub figures: Figures,
    /// Every one in the period, worst first (by offset or depth); the
    /// tables show the first `MAX_ROWS`.
    pub stretches: Vec<StretchRow>,
    /// Every incident inside the zone in the period, deepest first.
    pub incidents: Vec<IncidentRow>,
    /// Time off-corridor per convoy in the period, seconds (most first).
    pub off_corridor_s: Vec<(String, f64)>,
    pub scene: Scene,
    /// Corridor and grain-lane tolerances: (id, name, metres).
    pub tolerances: Vec<(String, String, f64)>,
    /// Zone widths from the contact lines, km.
    pub zone_widths_km: Vec<f64>,
}

/// MGRS to the metre, spaced (`36U UA 24182 91607`), or `-` off its range.
pub fn mgrs(c: [f64; 2]) -> String {
    crate::output::text::mgrs(Coord { x: c[0], y: c[1] })
}

/// A source's name and the sha256 of its bytes (URLs and tables: of the URL text, said so).
pub fn source_of(p: &std::path::Path) -> Source {
    let text = p.to_string_lossy();
    match std::fs::read(p) {
        Ok(bytes) => Source {
            name: p.display().to_string(),
            sha256: {
                use sha2::Digest;
                format!("{:x}", sha2::Sha256::digest(&bytes))
            },
        },
        Err(_) => Source {
            name: crate::io::postgis::url::mask(&text),
            sha256: "(not a file: read over the network; no checksum)".into(),
        },
    }
}

/// Whether `p` is one of the bundled (illustrative) scenario's files.
pub fn is_bundled(p: &std::path::Path) -> bool {
    let Ok(c) = std::fs::canonicalize(p) else {
        return false;
    };
    crate::io::bundled_files()
        .iter()
        .filter_map(|b| std::fs::canonicalize(b).ok())
        .any(|b| b == c)
}

fn overlaps(s: &Stretch, from: Option<f64>, to: Option<f64>) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    let t = |x: &Option<String>| x.as_deref().and_then(|t| parse_rfc3339(t).ok());
    match (t(&s.start_time), t(&s.end_time)) {
        (Some(a), Some(b)) => from.is_none_or(|f| b >= f) && to.is_none_or(|e| a <= e),
        // Untimed: not placed in any period.
        _ => false,
    }
}

fn in_period(t: Option<f64>, from: Option<f64>, to: Option<f64>) -> bool {
    match t {
        Some(t) => from.is_none_or(|f| t >= f) && to.is_none_or(|e| t <= e),
        None => from.is_none() && to.is_none(),
    }
}

/// Seconds of `s` inside the period.
fn seconds_in(s: &Stretch, from: Option<f64>, to: Option<f64>) -> f64 {
    let t = |x: &Option<String>| x.as_deref().and_then(|t| parse_rfc3339(t).ok());
    match (t(&s.start_time), t(&s.end_time)) {
        (Some(a), Some(b)) => {
            let a = from.map_or(a, |f| a.max(f));
            let b = to.map_or(b, |e| b.min(e));
            (b - a).max(0.0)
        }
        _ => 0.0,
    }
}

/// A checked layer set, as `check` and the app both hold it.
pub struct Checked<'a> {
    pub scn: &'a crate::analysis::Scenario,
    pub convoys: &'a [crate::model::Convoy],
    /// With stretch paths (for the map).
    pub results: &'a [crate::analysis::ConvoyResult],
    pub incidents: &'a [IncidentInfo],
}

impl<'a> From<&'a Overview> for Checked<'a> {
    fn from(o: &'a Overview) -> Self {
        Checked {
            scn: &o.scn,
            convoys: &o.convoys,
            results: &o.results,
            incidents: &o.incidents,
        }
    }
}

/// The report of a checked set (with paths and incidents) for `req`.
pub fn build(overview: Checked, req: Request) -> Monitoring {
    let (from, to) = (req.from, req.to);
    let mut figures = Figures::default();
    let mut rows = Vec::new();
    let mut off = Vec::new();
    for (r, convoy) in overview.results.iter().zip(overview.convoys) {
        let rep = &r.report;
        let moved = convoy
            .parts
            .iter()
            .flat_map(|p| p.times.iter())
            .any(|t| in_period(*t, from, to))
            || (from.is_none() && to.is_none());
        if !moved {
            continue;
        }
        figures.convoys_checked += 1;
        let devs: Vec<(usize, &Stretch)> = rep
            .deviations
            .iter()
            .enumerate()
            .filter(|(_, s)| overlaps(s, from, to))
            .collect();
        let zone: Vec<(usize, &Stretch)> = rep
            .buffer_zone_entries
            .iter()
            .enumerate()
            .filter(|(_, s)| overlaps(s, from, to))
            .collect();
        let gaps = rep
            .gaps
            .iter()
            .filter(|g| {
                let a = parse_rfc3339(&g.start_time).ok();
                let b = parse_rfc3339(&g.end_time).ok();
                match (a, b) {
                    (Some(a), Some(b)) => from.is_none_or(|f| b >= f) && to.is_none_or(|e| a <= e),
                    _ => from.is_none() && to.is_none(),
                }
            })
            .count();
        if !devs.is_empty() || !zone.is_empty() || gaps > 0 {
            figures.convoys_flagged += 1;
        }
        figures.gaps += gaps;
        figures.deviations += devs.len();
        figures.zone_entries += zone.len();
        let mut off_s = 0.0;
        for (i, s) in &devs {
            figures.deviation_m += s.length_m;
            if let Some(o) = s.max_offset_m {
                figures.worst_offset_m = Some(figures.worst_offset_m.map_or(o, |w: f64| w.max(o)));
            }
            off_s += seconds_in(s, from, to);
            rows.push(row(
                &rep.convoy_id,
                "deviation",
                s,
                r.deviation_paths.get(*i),
            ));
        }
        for (i, s) in &zone {
            rows.push(row(
                &rep.convoy_id,
                "buffer_zone_entry",
                s,
                r.zone_paths.get(*i),
            ));
        }
        if off_s > 0.0 {
            off.push((rep.convoy_id.clone(), off_s));
        }
    }
    // Worst first: the greatest offset (a deviation with no corridor to measure to first), then length.
    rows.sort_by(|a, b| {
        let key = |r: &StretchRow| r.stretch.max_offset_m.unwrap_or(f64::INFINITY);
        key(b)
            .total_cmp(&key(a))
            .then(b.stretch.length_m.total_cmp(&a.stretch.length_m))
    });
    off.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut incidents: Vec<IncidentRow> = overview
        .incidents
        .iter()
        .filter(|i| i.inside && i.in_period(from, to))
        .map(incident_row)
        .collect();
    figures.incidents_inside = incidents.len();
    let mut cats: Vec<(String, usize)> = Vec::new();
    for i in &incidents {
        match cats.iter_mut().find(|(c, _)| *c == i.category) {
            Some(c) => c.1 += 1,
            None => cats.push((i.category.clone(), 1)),
        }
    }
    cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    figures.by_category = cats;
    incidents.sort_by(|a, b| b.depth_m.total_cmp(&a.depth_m));
    let (scene, tolerances, zone_widths_km) = scene(overview.scn);
    Monitoring {
        request: req,
        version: env!("CARGO_PKG_VERSION").to_string(),
        generated_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| format_rfc3339(d.as_secs() as f64))
            .unwrap_or_default(),
        figures,
        stretches: rows,
        incidents,
        off_corridor_s: off,
        scene,
        tolerances,
        zone_widths_km,
    }
}

/// Every stretch of the period as CSV (the full list beside a cut table).
pub fn stretches_csv(m: &Monitoring) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "convoy_id",
        "type",
        "start_time",
        "end_time",
        "length_m",
        "max_offset_m",
        "start_lon",
        "start_lat",
        "end_lon",
        "end_lat",
        "start_mgrs",
        "end_mgrs",
    ]);
    for r in &m.stretches {
        let s = &r.stretch;
        let _ = w.write_record([
            r.convoy_id.clone(),
            r.kind.to_string(),
            s.start_time.clone().unwrap_or_default(),
            s.end_time.clone().unwrap_or_default(),
            s.length_m.to_string(),
            s.max_offset_m.map(|x| x.to_string()).unwrap_or_default(),
            s.start[0].to_string(),
            s.start[1].to_string(),
            s.end[0].to_string(),
            s.end[1].to_string(),
            r.start_mgrs.clone(),
            r.end_mgrs.clone(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Every incident inside the zone in the period as CSV.
pub fn incidents_csv(m: &Monitoring) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "id",
        "time",
        "category",
        "depth_m",
        "distance_to_contact_m",
        "lon",
        "lat",
        "mgrs",
    ]);
    for i in &m.incidents {
        let _ = w.write_record([
            i.id.clone(),
            i.time.clone(),
            i.category.clone(),
            i.depth_m.to_string(),
            i.contact_line_m.map(|x| x.to_string()).unwrap_or_default(),
            i.pos.x.to_string(),
            i.pos.y.to_string(),
            i.mgrs.clone(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn row(convoy: &str, kind: &'static str, s: &Stretch, path: Option<&Vec<Coord>>) -> StretchRow {
    StretchRow {
        convoy_id: convoy.to_string(),
        kind,
        stretch: s.clone(),
        start_mgrs: mgrs(s.start),
        end_mgrs: mgrs(s.end),
        path: path.cloned().unwrap_or_default(),
    }
}

fn incident_row(i: &IncidentInfo) -> IncidentRow {
    IncidentRow {
        id: i.id.clone(),
        time: crate::output::report::incident_time(i, false),
        time_s: i.time_s,
        category: i.category.clone(),
        depth_m: i.depth_m,
        contact_line_m: i.contact_line_m,
        mgrs: mgrs([i.pos.x, i.pos.y]),
        pos: i.pos,
    }
}

type SceneParts = (Scene, Vec<(String, String, f64)>, Vec<f64>);

fn scene(scn: &crate::analysis::Scenario) -> SceneParts {
    use geo::Geometry;
    let mut scene = Scene::default();
    let mut tolerances = Vec::new();
    let mut widths = Vec::new();
    let lines = |g: &Geometry<f64>| -> Vec<Vec<Coord>> {
        match g {
            Geometry::LineString(l) => vec![l.0.clone()],
            Geometry::MultiLineString(m) => m.0.iter().map(|l| l.0.clone()).collect(),
            _ => Vec::new(),
        }
    };
    for layer in &scn.layers {
        for f in &layer.features {
            let Some(g) = &f.geometry else { continue };
            let num = |k: &str| f.properties.get(k).and_then(serde_json::Value::as_f64);
            let name = f
                .properties
                .get("name")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            match f.role {
                Role::Corridor => {
                    let ls = lines(g);
                    if !ls.is_empty() {
                        tolerances.push((
                            f.id.clone().unwrap_or_default(),
                            name,
                            num("tolerance_m").unwrap_or(1000.0),
                        ));
                    }
                    scene.corridors.extend(ls);
                    match g {
                        Geometry::Polygon(p) => scene.corridor_areas.push(p.clone()),
                        Geometry::MultiPolygon(m) => {
                            scene.corridor_areas.extend(m.0.iter().cloned())
                        }
                        _ => {}
                    }
                }
                Role::GrainRoute => {
                    tolerances.push((
                        f.id.clone().unwrap_or_default(),
                        name,
                        num("tolerance_m").unwrap_or(5556.0),
                    ));
                    scene.grain_routes.extend(lines(g));
                }
                Role::ContactLine => {
                    widths.push(num("width_km").unwrap_or(30.0));
                    scene.contact_lines.extend(lines(g));
                }
                _ => {}
            }
        }
    }
    for si in 0..scn.zone.shapes.len() {
        let outline = crate::analysis::zone::zone_outline(&scn.zone, si as u32);
        scene.zone.extend(outline.0);
    }
    (scene, tolerances, widths)
}
