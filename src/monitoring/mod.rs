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
pub mod movement_rows;
pub mod notice;
pub mod pdf;
mod route_map;
pub mod rows;

use crate::analysis::Overview;
use crate::analysis::Stretch;
use crate::analysis::incidents::IncidentInfo;
use crate::model::Role;
use crate::output::export::StretchCsvRow;
use crate::utc::format_rfc3339;
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
    /// Its number among the convoy's stretches of that kind (from 1).
    pub number: usize,
    pub corridor_ids: Option<Vec<String>>,
    pub stretch: Stretch,
    pub path: Vec<Coord>,
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
    /// Encounters between vessels (each pair once) and vessels' loitering.
    pub encounters: usize,
    pub loitering: usize,
    /// Incidents inside the zone per sector in the period (an open one: the
    /// last 7 days of the data) against the period of the same length before:
    /// the period, and each sector with any in either.
    pub by_sector: Option<((f64, f64), Vec<crate::analysis::incidents::SectorChange>)>,
    /// When the layers hold a movement or a closure: stretches off their
    /// window and in a closed corridor in the period, and convoys moving in
    /// it with no movement notified.
    pub notified: Option<NotifiedFigures>,
}

/// The period's figures against the notified movements and closures.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NotifiedFigures {
    pub off_window: usize,
    pub closed_corridor: usize,
    pub not_notified: usize,
}

/// A vessel's encounter, loitering or AIS gap in the period: the maritime
/// section's row.
#[derive(Clone, Debug, PartialEq)]
pub struct MaritimeRow {
    /// `encounter`, `loitering` or `gap`.
    pub kind: &'static str,
    pub convoy_id: String,
    /// The other vessel of an encounter.
    pub other: Option<String>,
    pub start_s: f64,
    pub end_s: f64,
    pub position: Coord,
    /// An encounter's two vessels when closest; a gap's last and first report.
    pub link: Option<[Coord; 2]>,
    /// An encounter's closest distance, metres.
    pub distance_m: Option<f64>,
    /// Loitering's mean speed, a gap's implied speed, knots.
    pub speed_kn: Option<f64>,
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
    pub incidents: Vec<IncidentInfo>,
    /// Time off-corridor per convoy in the period, seconds (most first).
    pub off_corridor_s: Vec<(String, f64)>,
    /// Encounters, loitering and AIS gaps in the lanes in the period, in time order.
    pub maritime: Vec<MaritimeRow>,
    /// The notified movements, as of the period's end (else the latest report).
    pub movements: Vec<movement_rows::MovementRow>,
    pub scene: Scene,
    /// Corridor and grain-lane tolerances: (id, name, metres).
    pub tolerances: Vec<(String, String, f64)>,
    /// Zone widths from the contact lines, km.
    pub zone_widths_km: Vec<f64>,
    /// The first and last time in the data (tracks and incidents), Unix
    /// seconds: what an open period covers.
    pub data_span: Option<(f64, f64)>,
}

/// The nearest named place ("3 km SW of Kramatorsk"), or "-" with none within 100 km.
pub fn near(c: Coord) -> String {
    crate::places::Gazetteer::shared()
        .and_then(|g| g.describe(c))
        .unwrap_or_else(|| "-".into())
}

/// MGRS to the metre, spaced (`36U UA 24182 91607`), or `-` off its range.
pub fn mgrs(c: Coord) -> String {
    crate::output::text::mgrs(c)
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
    static BUNDLED: std::sync::OnceLock<Vec<std::path::PathBuf>> = std::sync::OnceLock::new();
    let bundled = BUNDLED.get_or_init(|| {
        crate::io::bundled_files()
            .iter()
            .filter_map(|b| std::fs::canonicalize(b).ok())
            .collect()
    });
    std::fs::canonicalize(p).is_ok_and(|c| bundled.contains(&c))
}

fn overlaps(s: &Stretch, from: Option<f64>, to: Option<f64>) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    match (s.start_s, s.end_s) {
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
    match (s.start_s, s.end_s) {
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
    /// The zone's sectors, in order.
    pub sectors: &'a [String],
}

impl<'a> From<&'a Overview> for Checked<'a> {
    fn from(o: &'a Overview) -> Self {
        Checked {
            scn: &o.scn,
            convoys: &o.convoys,
            results: &o.results,
            incidents: &o.incidents,
            sectors: &o.sectors,
        }
    }
}

/// The report of a checked set (with paths and incidents) for `req`.
pub fn build(overview: Checked, req: Request) -> Monitoring {
    let (from, to) = (req.from, req.to);
    let mut figures = Figures::default();
    let mut rows = Vec::new();
    let mut off = Vec::new();
    let mut maritime = Vec::new();
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
            .filter(|g| from.is_none_or(|f| g.end_s >= f) && to.is_none_or(|e| g.start_s <= e))
            .count();
        let mut notice_flag = false;
        if let Some(n) = &rep.notification {
            let nf = figures
                .notified
                .get_or_insert_with(NotifiedFigures::default);
            let off_window = n
                .off_window
                .iter()
                .filter(|s| overlaps(s, from, to))
                .count();
            let closed = n
                .closed_corridor
                .iter()
                .filter(|(s, _)| overlaps(s, from, to))
                .count();
            nf.off_window += off_window;
            nf.closed_corridor += closed;
            nf.not_notified += usize::from(n.not_notified);
            notice_flag = n.not_notified || off_window + closed > 0;
        }
        if !devs.is_empty() || !zone.is_empty() || gaps > 0 || notice_flag {
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
            rows.push(row(rep, "deviation", *i, s, r.deviation_paths.get(*i)));
        }
        for (i, s) in &zone {
            rows.push(row(rep, "buffer_zone_entry", *i, s, r.zone_paths.get(*i)));
        }
        if off_s > 0.0 {
            off.push((rep.convoy_id.clone(), off_s));
        }
        maritime_rows(rep, from, to, &mut maritime);
    }
    maritime.sort_by(|a, b| {
        a.start_s
            .total_cmp(&b.start_s)
            .then(a.convoy_id.cmp(&b.convoy_id))
    });
    figures.encounters = maritime.iter().filter(|r| r.kind == "encounter").count();
    figures.loitering = maritime.iter().filter(|r| r.kind == "loitering").count();
    // Worst first: the greatest offset (a deviation with no corridor to measure to first), then length.
    rows.sort_by(|a, b| {
        let key = |r: &StretchRow| r.stretch.max_offset_m.unwrap_or(f64::INFINITY);
        key(b)
            .total_cmp(&key(a))
            .then(b.stretch.length_m.total_cmp(&a.stretch.length_m))
    });
    off.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut incidents: Vec<IncidentInfo> = overview
        .incidents
        .iter()
        .filter(|i| i.inside && i.in_period(from, to))
        .cloned()
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
    if !overview.sectors.is_empty()
        && let Some(p) = crate::analysis::incidents::period_of(overview.incidents, from, to)
    {
        let rows = crate::analysis::incidents::changes(overview.incidents, overview.sectors, p);
        figures.by_sector = Some((
            p,
            rows.into_iter().filter(|c| c.now + c.before > 0).collect(),
        ));
    }
    incidents.sort_by(|a, b| b.depth_m.total_cmp(&a.depth_m));
    let (scene, tolerances, zone_widths_km) = scene(overview.scn);
    let data_span = overview
        .convoys
        .iter()
        .flat_map(|c| {
            c.parts
                .iter()
                .flat_map(|p| p.times.iter().flatten().copied())
        })
        .chain(overview.incidents.iter().filter_map(|i| i.time_s))
        .filter(|t| t.is_finite())
        .fold(None, |s: Option<(f64, f64)>, t| {
            Some(s.map_or((t, t), |(a, b)| (a.min(t), b.max(t))))
        });
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
        maritime,
        movements: to
            .or_else(|| crate::analysis::movements::latest_report(overview.convoys))
            .map_or_else(Vec::new, |now| {
                movement_rows::movement_rows(overview.scn, overview.convoys, overview.results, now)
            }),
        scene,
        tolerances,
        zone_widths_km,
        data_span,
    }
}

/// A convoy's encounters (once per pair: on the vessel whose id sorts first),
/// loitering and AIS gaps that overlap the period.
fn maritime_rows(
    rep: &crate::analysis::ConvoyCheck,
    from: Option<f64>,
    to: Option<f64>,
    out: &mut Vec<MaritimeRow>,
) {
    use crate::analysis::result::EventKind;
    let within = |a: f64, b: f64| from.is_none_or(|f| b >= f) && to.is_none_or(|e| a <= e);
    let row = |kind, start_s, end_s, position| MaritimeRow {
        kind,
        convoy_id: rep.convoy_id.clone(),
        other: None,
        start_s,
        end_s,
        position,
        link: None,
        distance_m: None,
        speed_kn: None,
    };
    for e in rep.events.iter().filter(|e| within(e.start_s, e.end_s)) {
        match &e.kind {
            EventKind::Encounter {
                other,
                min_distance_m,
                link,
            } if rep.convoy_id < *other => out.push(MaritimeRow {
                other: Some(other.clone()),
                link: Some(*link),
                distance_m: Some(*min_distance_m),
                ..row("encounter", e.start_s, e.end_s, e.position)
            }),
            EventKind::Loitering { mean_speed_kn } => out.push(MaritimeRow {
                speed_kn: Some(*mean_speed_kn),
                ..row("loitering", e.start_s, e.end_s, e.position)
            }),
            _ => {}
        }
    }
    for g in rep.gaps.iter().filter(|g| within(g.start_s, g.end_s)) {
        out.push(MaritimeRow {
            link: Some([g.start, g.end]),
            speed_kn: g.implied_speed_kn(),
            ..row("gap", g.start_s, g.end_s, g.start)
        });
    }
}

/// Every stretch of the period as CSV (the full list beside a cut table):
/// the one stretches CSV (`output::export::stretches_csv`).
pub fn stretches_csv(m: &Monitoring) -> String {
    crate::output::export::stretches_csv(
        m.stretches.iter().map(|r| StretchCsvRow {
            convoy_id: &r.convoy_id,
            kind: r.kind,
            number: r.number,
            stretch: &r.stretch,
            corridor_ids: r.corridor_ids.as_deref(),
        }),
        m.request.illustrative,
    )
}

/// Every incident inside the zone in the period: the one incidents CSV
/// (`output::export::incidents_csv`).
pub fn incidents_csv(m: &Monitoring) -> String {
    crate::output::export::incidents_csv(m.incidents.iter(), m.request.illustrative)
}

fn row(
    c: &crate::analysis::ConvoyCheck,
    kind: &'static str,
    i: usize,
    s: &Stretch,
    path: Option<&Vec<Coord>>,
) -> StretchRow {
    StretchRow {
        convoy_id: c.convoy_id.clone(),
        kind,
        number: i + 1,
        corridor_ids: c.corridor_ids.clone(),
        stretch: *s,
        path: path.cloned().unwrap_or_default(),
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
