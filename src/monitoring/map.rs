//! The overview map: Natural Earth countries, the buffer zone, corridors and
//! grain lanes, the period's deviations and zone entries, and the incidents
//! inside the zone; with a scale bar (geodesic, at the map's middle), a north
//! arrow and a legend. Web Mercator, fitted to the box.

use super::Monitoring;
use super::canvas::{Align, Canvas, Face, Rgb, rect};
use geo::Coord;

const SEA: Rgb = [205, 226, 240];
const LAND: Rgb = [246, 243, 233];
const BORDER: Rgb = [160, 160, 160];
pub(super) const CORRIDOR: Rgb = [46, 139, 87];
pub(super) const GRAIN: Rgb = [40, 90, 200];
pub(super) const CONTACT: Rgb = [150, 20, 20];
pub(super) const ZONE: Rgb = [200, 90, 60];
use crate::output::palette::{DEVIATION, ZONE_ENTRY, category_colour};
/// The dark edge of a zone entry and of incident markers.
const CASING: Rgb = [60, 50, 0];
pub(super) const INK: Rgb = [30, 30, 30];

const COUNTRIES: &[u8] =
    include_bytes!("../../data/basemap/countries-10m-ukraine-region.prepared.geojson");
const WORLD: &[u8] = include_bytes!("../../data/basemap/countries-50m.prepared.geojson");

fn merc_y(lat: f64) -> f64 {
    let lat = lat.clamp(-85.0, 85.0).to_radians();
    (std::f64::consts::FRAC_PI_4 + lat / 2.0)
        .tan()
        .ln()
        .to_degrees()
}

/// Lon/lat to the box, Web Mercator.
pub(super) struct Frame {
    x0: f32,
    y0: f32,
    w: f32,
    h: f32,
    west: f64,
    north_y: f64,
    scale: f64,
}

impl Frame {
    pub(super) fn fit(b: [f64; 4], x0: f32, y0: f32, w: f32, h: f32) -> Frame {
        let (west, east) = (b[0], b[2].max(b[0] + 1e-6));
        let (south_y, north_y) = (merc_y(b[1]), merc_y(b[3]).max(merc_y(b[1]) + 1e-6));
        let scale = (f64::from(w) / (east - west)).min(f64::from(h) / (north_y - south_y));
        // Centre the box in the frame.
        let west = (west + east) / 2.0 - f64::from(w) / scale / 2.0;
        let north_y = (north_y + south_y) / 2.0 + f64::from(h) / scale / 2.0;
        Frame {
            x0,
            y0,
            w,
            h,
            west,
            north_y,
            scale,
        }
    }

    pub(super) fn pt(&self, c: Coord) -> (f32, f32) {
        (
            self.x0 + ((c.x - self.west) * self.scale) as f32,
            self.y0 + ((self.north_y - merc_y(c.y)) * self.scale) as f32,
        )
    }

    pub(super) fn line(&self, cs: &[Coord]) -> Vec<(f32, f32)> {
        cs.iter().map(|c| self.pt(*c)).collect()
    }

    fn polygon(&self, p: &geo::Polygon<f64>) -> Vec<Vec<(f32, f32)>> {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|r| self.line(&r.0))
            .collect()
    }

    fn lon_lat(&self, x: f32, y: f32) -> Coord {
        let lon = self.west + f64::from(x - self.x0) / self.scale;
        let my = self.north_y - f64::from(y - self.y0) / self.scale;
        let lat = (2.0 * my.to_radians().exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees();
        Coord { x: lon, y: lat }
    }
}

pub(super) fn grow(b: &mut Option<[f64; 4]>, c: Coord) {
    let n = b.get_or_insert([c.x, c.y, c.x, c.y]);
    n[0] = n[0].min(c.x);
    n[1] = n[1].min(c.y);
    n[2] = n[2].max(c.x);
    n[3] = n[3].max(c.y);
}

/// What the map shows: the request's view, else everything drawn, padded.
fn extent(m: &Monitoring) -> [f64; 4] {
    if let Some(v) = m.request.view {
        return v;
    }
    let mut b = None;
    let s = &m.scene;
    for l in s
        .corridors
        .iter()
        .chain(&s.grain_routes)
        .chain(&s.contact_lines)
    {
        l.iter().for_each(|c| grow(&mut b, *c));
    }
    for p in s.zone.iter().chain(&s.corridor_areas) {
        p.exterior().0.iter().for_each(|c| grow(&mut b, *c));
    }
    for r in &m.stretches {
        r.path.iter().for_each(|c| grow(&mut b, *c));
    }
    for i in &m.incidents {
        grow(&mut b, i.pos);
    }
    let b = b.unwrap_or([22.0, 44.0, 41.0, 53.0]);
    let (dx, dy) = ((b[2] - b[0]) * 0.06 + 0.05, (b[3] - b[1]) * 0.06 + 0.05);
    [
        b[0] - dx,
        (b[1] - dy).max(-84.0),
        b[2] + dx,
        (b[3] + dy).min(84.0),
    ]
}

fn countries(bytes: &[u8]) -> Vec<geo::Polygon<f64>> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in v["features"].as_array().into_iter().flatten() {
        if let Ok(g) = serde_json::from_value::<geojson::Geometry>(f["geometry"].clone())
            && let Ok(g) = geo::Geometry::<f64>::try_from(g)
        {
            match g {
                geo::Geometry::Polygon(p) => out.push(p),
                geo::Geometry::MultiPolygon(m) => out.extend(m.0),
                _ => {}
            }
        }
    }
    out
}

fn intersects(p: &geo::Polygon<f64>, b: [f64; 4]) -> bool {
    use geo::BoundingRect;
    p.bounding_rect().is_some_and(|r| {
        r.min().x <= b[2] && r.max().x >= b[0] && r.min().y <= b[3] && r.max().y >= b[1]
    })
}

/// Height of the legend's strip under the map.
pub(super) const LEGEND_H: f32 = 14.0;

/// Draws the map into the box (x, y, w, h): the map, and its legend in a
/// strip beneath it (outside the data).
pub fn draw(c: &mut dyn Canvas, m: &Monitoring, x: f32, y: f32, w: f32, h: f32) {
    draw_in(c, m, extent(m), x, y, w, h);
}

/// The maritime section's inset: the map around the period's encounters,
/// loitering and gaps (at least 40 km across), each ringed (an encounter's
/// two vessels joined, a gap dashed from its last report to its first).
pub fn draw_maritime(c: &mut dyn Canvas, m: &Monitoring, x: f32, y: f32, w: f32, h: f32) {
    let mut b = None;
    for r in &m.maritime {
        grow(&mut b, r.position);
        r.link.iter().flatten().for_each(|c| grow(&mut b, *c));
    }
    let Some(b) = b else { return };
    let (cx, cy) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
    let half_y = ((b[3] - b[1]) * 0.6).max(0.2);
    let half_x = ((b[2] - b[0]) * 0.6).max(0.2 / cy.to_radians().cos().max(0.1));
    let view = [
        cx - half_x,
        (cy - half_y).max(-84.0),
        cx + half_x,
        (cy + half_y).min(84.0),
    ];
    draw_in(c, m, view, x, y, w, h);
}

const ENCOUNTER: Rgb = [204, 121, 167];
const LOITERING: Rgb = [0, 114, 178];
const GAP: Rgb = [120, 120, 135];

/// The period's maritime events on the map.
fn maritime_marks(c: &mut dyn Canvas, m: &Monitoring, f: &Frame) {
    for r in &m.maritime {
        let (px, py) = f.pt(r.position);
        let (colour, radius) = match r.kind {
            "encounter" => (ENCOUNTER, 5.0),
            "loitering" => (LOITERING, 4.0),
            _ => (GAP, 3.5),
        };
        if let Some(link) = r.link {
            let dash = (r.kind == "gap").then_some(2.5);
            c.stroke(&f.line(&link), colour, 1.6, dash, false);
        }
        c.stroke(&circle(px, py, radius), colour, 1.4, None, true);
    }
}

fn draw_in(c: &mut dyn Canvas, m: &Monitoring, b: [f64; 4], x: f32, y: f32, w: f32, h: f32) {
    let h = (h - LEGEND_H).max(10.0);
    legend(c, x, y + h + LEGEND_H - 3.0, w);
    let f = Frame::fit(b, x, y, w, h);
    c.clip(x, y, w, h);
    base(c, &f, b);
    scene_lines(c, &m.scene, &f);
    for r in &m.stretches {
        let colour = if r.kind == "deviation" {
            DEVIATION
        } else {
            ZONE_ENTRY
        };
        let path = if r.path.len() >= 2 {
            r.path.clone()
        } else {
            vec![
                Coord {
                    x: r.stretch.start.x,
                    y: r.stretch.start.y,
                },
                Coord {
                    x: r.stretch.end.x,
                    y: r.stretch.end.y,
                },
            ]
        };
        if colour == ZONE_ENTRY {
            c.stroke(&f.line(&path), CASING, 3.2, None, false);
            c.stroke(&f.line(&path), colour, 1.8, None, false);
        } else {
            c.stroke(&f.line(&path), colour, 2.6, None, false);
        }
    }
    for i in &m.incidents {
        let (px, py) = f.pt(i.pos);
        c.fill(&[circle(px, py, 3.2)], [255, 255, 255], 1.0);
        c.fill(&[circle(px, py, 2.6)], category_colour(&i.category), 1.0);
    }
    maritime_marks(c, m, &f);
    let mut taken = Labels::default();
    let mut named = std::collections::HashSet::new();
    for r in &m.stretches {
        if named.insert(r.convoy_id.as_str()) {
            let colour = if r.kind == "deviation" {
                DEVIATION
            } else {
                INK
            };
            taken.place(c, &f, f.pt(r.stretch.start), &r.convoy_id, 6.0, colour);
        }
    }
    place_names(c, &f, b, &mut taken);
    c.unclip();
    furniture(c, &f);
}

/// Sea, land and borders: the detailed region where it covers the view, the world elsewhere.
pub(super) fn base(c: &mut dyn Canvas, f: &Frame, b: [f64; 4]) {
    rect(c, f.x0, f.y0, f.w, f.h, SEA);
    let region = countries(COUNTRIES);
    let world = countries(WORLD);
    for p in world.iter().chain(&region).filter(|p| intersects(p, b)) {
        c.fill(&f.polygon(p), LAND, 1.0);
    }
    for p in world.iter().chain(&region).filter(|p| intersects(p, b)) {
        c.stroke(&f.line(&p.exterior().0), BORDER, 0.4, None, true);
    }
}

/// The zone, corridor areas, corridors, grain lanes and contact lines.
pub(super) fn scene_lines(c: &mut dyn Canvas, s: &super::Scene, f: &Frame) {
    for p in &s.zone {
        c.fill(&f.polygon(p), ZONE, 0.28);
        c.stroke(&f.line(&p.exterior().0), ZONE, 0.6, None, true);
    }
    for p in &s.corridor_areas {
        c.fill(&f.polygon(p), CORRIDOR, 0.3);
    }
    for l in &s.corridors {
        c.stroke(&f.line(l), CORRIDOR, 1.8, None, false);
    }
    for l in &s.grain_routes {
        c.stroke(&f.line(l), GRAIN, 1.4, Some(3.0), false);
    }
    for l in &s.contact_lines {
        c.stroke(&f.line(l), CONTACT, 1.0, None, false);
    }
}

/// The frame's edge, scale bar, north arrow and credit.
pub(super) fn furniture(c: &mut dyn Canvas, f: &Frame) {
    let (x, y, w, h) = (f.x0, f.y0, f.w, f.h);
    c.stroke(
        &[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
        INK,
        0.6,
        None,
        true,
    );
    scale_bar(c, f);
    north_arrow(c, x + w - 22.0, y + 14.0);
    c.text(
        (x + w - 4.0, y + h - 4.0),
        5.5,
        "Basemap: Natural Earth (public domain). Web Mercator.",
        Face::Prose,
        INK,
        Align::Right,
    );
}

pub(super) fn circle(x: f32, y: f32, r: f32) -> Vec<(f32, f32)> {
    (0..16)
        .map(|k| {
            let a = k as f32 / 16.0 * std::f32::consts::TAU;
            (x + r * a.cos(), y + r * a.sin())
        })
        .collect()
}

/// A bar of a round number of km, measured geodesically along the map's middle.
fn scale_bar(c: &mut dyn Canvas, f: &Frame) {
    let y = f.y0 + f.h / 2.0;
    let a = f.lon_lat(f.x0 + f.w * 0.25, y);
    let b = f.lon_lat(f.x0 + f.w * 0.75, y);
    let m_per_pt = crate::geodesy::distance_m(a, b) / f64::from(f.w * 0.5);
    if !(m_per_pt.is_finite() && m_per_pt > 0.0) {
        return;
    }
    let target = m_per_pt * f64::from(f.w) * 0.22;
    let step = [1.0, 2.0, 5.0]
        .iter()
        .flat_map(|k| (0..7).map(move |e| k * 10f64.powi(e)))
        .filter(|v| *v <= target)
        .fold(1.0, f64::max);
    let len = (step / m_per_pt) as f32;
    let (x0, y0) = (f.x0 + 10.0, f.y0 + 16.0);
    rect(c, x0 - 4.0, y0 - 11.0, len + 8.0, 17.0, [255, 255, 255]);
    c.fill(
        &[vec![
            (x0, y0),
            (x0 + len, y0),
            (x0 + len, y0 + 3.0),
            (x0, y0 + 3.0),
        ]],
        INK,
        1.0,
    );
    let label = if step >= 1000.0 {
        format!("{} km", step / 1000.0)
    } else {
        format!("{step} m")
    };
    c.text((x0, y0 - 3.0), 6.5, &label, Face::Prose, INK, Align::Left);
}

fn north_arrow(c: &mut dyn Canvas, x: f32, y: f32) {
    c.fill(
        &[vec![
            (x, y),
            (x + 6.0, y + 16.0),
            (x, y + 12.0),
            (x - 6.0, y + 16.0),
        ]],
        INK,
        1.0,
    );
    c.text((x, y + 25.0), 7.0, "N", Face::Prose, INK, Align::Centre);
}

/// Label boxes already drawn: none goes over another.
#[derive(Default)]
pub(super) struct Labels {
    pub(super) taken: Vec<[f32; 4]>,
}

impl Labels {
    /// Draws `text` right of `(px, py)` on a white ground if it fits inside
    /// the frame and over no other label; says whether it did.
    pub(super) fn place(
        &mut self,
        c: &mut dyn Canvas,
        f: &Frame,
        (px, py): (f32, f32),
        text: &str,
        size: f32,
        colour: Rgb,
    ) -> bool {
        let w = super::canvas::text_width(text, Face::Prose, size);
        // Right of the point, else left, above or below it.
        let candidates = [
            (px + 3.0, py),
            (px - 3.0 - w, py),
            (px - w / 2.0, py - 7.0),
            (px - w / 2.0, py + size + 6.0),
        ];
        for (x0, py) in candidates {
            let r = [x0, py - size, x0 + w, py + 1.0];
            let inside = r[0] >= f.x0 && r[2] <= f.x0 + f.w && r[1] >= f.y0 && r[3] <= f.y0 + f.h;
            let free = self
                .taken
                .iter()
                .all(|t| r[2] < t[0] || r[0] > t[2] || r[3] < t[1] || r[1] > t[3]);
            if inside && free {
                self.taken.push(r);
                rect(c, r[0] - 0.5, r[1], w + 1.0, size + 1.0, [255, 255, 255]);
                c.text((x0, py), size, text, Face::Prose, colour, Align::Left);
                return true;
            }
        }
        false
    }
}

/// The largest places in view (up to 30), each where no label is yet.
pub(super) fn place_names(c: &mut dyn Canvas, f: &Frame, b: [f64; 4], taken: &mut Labels) {
    let Some(g) = crate::places::Gazetteer::shared() else {
        return;
    };
    let mut shown = 0;
    for p in g.in_box(b, 50_000) {
        if shown >= 30 {
            break;
        }
        let at = f.pt(p.at);
        if taken.place(c, f, at, &p.name, 6.0, INK) {
            c.fill(&[circle(at.0, at.1, 1.2)], INK, 1.0);
            shown += 1;
        }
    }
}

/// The legend, one row under the map from `x`, its baseline at `y`.
fn legend(c: &mut dyn Canvas, x: f32, y: f32, w: f32) {
    let items: [(&str, Rgb, u8); 7] = [
        ("corridor", CORRIDOR, 0),
        ("grain lane", GRAIN, 3),
        ("contact line", CONTACT, 0),
        ("buffer zone", ZONE, 1),
        ("deviation", DEVIATION, 0),
        ("zone entry", ZONE_ENTRY, 4),
        (
            "incident inside the zone, by category",
            category_colour("checkpoint"),
            2,
        ),
    ];
    let mut xx = x;
    for (label, colour, kind) in items {
        match kind {
            1 => c.fill(
                &[vec![
                    (xx, y - 6.0),
                    (xx + 14.0, y - 6.0),
                    (xx + 14.0, y),
                    (xx, y),
                ]],
                colour,
                0.5,
            ),
            2 => {
                for (k, (_, rgb)) in crate::output::palette::CATEGORIES.iter().enumerate() {
                    c.fill(
                        &[circle(xx + 2.5 + 3.0 * k as f32, y - 3.0, 1.8)],
                        *rgb,
                        1.0,
                    );
                }
            }
            3 => c.stroke(
                &[(xx, y - 3.0), (xx + 14.0, y - 3.0)],
                colour,
                1.4,
                Some(3.0),
                false,
            ),
            4 => {
                c.stroke(
                    &[(xx, y - 3.0), (xx + 14.0, y - 3.0)],
                    CASING,
                    3.2,
                    None,
                    false,
                );
                c.stroke(
                    &[(xx, y - 3.0), (xx + 14.0, y - 3.0)],
                    colour,
                    1.8,
                    None,
                    false,
                );
            }
            _ => c.stroke(
                &[(xx, y - 3.0), (xx + 14.0, y - 3.0)],
                colour,
                2.0,
                None,
                false,
            ),
        }
        let lw = super::canvas::text_width(label, Face::Prose, 6.5);
        c.text((xx + 24.0, y), 6.5, label, Face::Prose, INK, Align::Left);
        xx += 24.0 + lw + 10.0;
        if xx > x + w {
            break;
        }
    }
}
