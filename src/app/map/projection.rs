//! From lon/lat to the screen: walkers' projector, Web Mercator units cached
//! per layer, and this frame's affine map to screen points.

use eframe::egui::Pos2;
use geo::{Coord, Geometry};
use walkers::{Projector, lon_lat};

/// The map's visible lon/lat box: [west, south, east, north].
pub fn viewport_bbox(projector: &Projector) -> [f64; 4] {
    let r = projector.clip_rect();
    let a = projector.unproject(r.left_top().to_vec2());
    let b = projector.unproject(r.right_bottom().to_vec2());
    [
        a.x().min(b.x()),
        a.y().min(b.y()),
        a.x().max(b.x()),
        a.y().max(b.y()),
    ]
}

pub fn to_screen(projector: &Projector, c: Coord) -> Pos2 {
    projector
        .project(lon_lat(c.x, c.y.clamp(-85.0, 85.0)))
        .to_pos2()
}

/// Projects a line, dropping vertices within a pixel of the last kept one
/// (level of detail by zoom: a dense track costs what its screen length needs).
pub fn project_line(projector: &Projector, coords: &[Coord]) -> Vec<Pos2> {
    let mut out: Vec<Pos2> = Vec::with_capacity(coords.len().min(4096));
    for (i, c) in coords.iter().enumerate() {
        let p = to_screen(projector, *c);
        match out.last() {
            Some(last) if last.distance_sq(p) < 1.0 && i + 1 != coords.len() => {}
            _ => out.push(p),
        }
    }
    out
}

pub(super) fn lines_of(g: &Geometry<f64>, out: &mut Vec<Vec<Coord>>) {
    match g {
        Geometry::LineString(l) => out.push(l.0.clone()),
        Geometry::MultiLineString(m) => out.extend(m.0.iter().map(|l| l.0.clone())),
        Geometry::Polygon(p) => {
            out.push(p.exterior().0.clone());
            out.extend(p.interiors().iter().map(|r| r.0.clone()));
        }
        Geometry::MultiPolygon(m) => {
            for p in &m.0 {
                out.push(p.exterior().0.clone());
                out.extend(p.interiors().iter().map(|r| r.0.clone()));
            }
        }
        Geometry::GeometryCollection(c) => c.0.iter().for_each(|g| lines_of(g, out)),
        _ => {}
    }
}

pub(super) fn points_of(g: &Geometry<f64>, out: &mut Vec<Coord>) {
    match g {
        Geometry::Point(p) => out.push(p.0),
        Geometry::MultiPoint(m) => out.extend(m.0.iter().map(|p| p.0)),
        Geometry::GeometryCollection(c) => c.0.iter().for_each(|g| points_of(g, out)),
        _ => {}
    }
}

/// Web Mercator in [0, 1] x [0, 1] (x east from -180, y south from 85.05 N).
pub fn mercator(c: Coord) -> [f64; 2] {
    let lat = c.y.clamp(-85.0, 85.0).to_radians();
    [
        (c.x + 180.0) / 360.0,
        0.5 - (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln() / std::f64::consts::TAU,
    ]
}

/// Every line of every feature in Mercator units (for `ScreenMap`).
pub fn mercator_lines(layer: &crate::model::Layer) -> Vec<Vec<Vec<[f64; 2]>>> {
    let mut lines = Vec::new();
    layer
        .features
        .iter()
        .map(|f| {
            lines.clear();
            if let Some(g) = &f.geometry {
                lines_of(g, &mut lines);
            }
            lines
                .iter()
                .map(|l| l.iter().map(|c| mercator(*c)).collect())
                .collect()
        })
        .collect()
}

/// This frame's affine map from Mercator units to screen points, read off the
/// projector once (walkers draws in Web Mercator).
pub struct ScreenMap {
    scale: f64,
    offset: [f64; 2],
}

impl ScreenMap {
    pub fn new(projector: &Projector) -> Self {
        let p0 = projector.project(lon_lat(0.0, 0.0));
        let p1 = projector.project(lon_lat(90.0, 0.0));
        let scale = (p1.x as f64 - p0.x as f64) / 0.25;
        Self {
            scale,
            offset: [p0.x as f64 - 0.5 * scale, p0.y as f64 - 0.5 * scale],
        }
    }

    #[inline]
    pub fn point(&self, m: [f64; 2]) -> Pos2 {
        Pos2::new(
            (m[0] * self.scale + self.offset[0]) as f32,
            (m[1] * self.scale + self.offset[1]) as f32,
        )
    }

    /// A line on screen, dropping vertices within a pixel of the last kept one.
    pub fn line(&self, merc: &[[f64; 2]]) -> Vec<Pos2> {
        let mut out: Vec<Pos2> = Vec::with_capacity(merc.len().min(4096));
        let n = merc.len();
        for (i, m) in merc.iter().enumerate() {
            let p = self.point(*m);
            match out.last() {
                Some(last) if last.distance_sq(p) < 1.0 && i + 1 != n => {}
                _ => out.push(p),
            }
        }
        out
    }
}

/// The point of segment `a`-`b` nearest `p` (screen points).
pub fn closest_on_segment(p: Pos2, a: Pos2, b: Pos2) -> Pos2 {
    let ab = b - a;
    let len2 = ab.length_sq();
    let t = if len2 > 0.0 {
        ((p - a).dot(ab) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    a + ab * t
}

/// How far `p` is from segment `a`-`b` (screen points).
pub fn segment_distance(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    closest_on_segment(p, a, b).distance(p)
}
