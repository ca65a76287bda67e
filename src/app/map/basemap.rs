//! The bundled offline basemap: Natural Earth land, coastline and borders,
//! drawn beneath everything with no network at all.
//!
//! The files are compiled into the binary (prepared by
//! `data/basemap/prepare_basemap.py`, which puts Crimea inside Ukraine per UN GA
//! resolution 68/262). Polygons are triangulated once (earcut) off the UI thread.

use super::plugin::Paint;
use super::projection::{project_line, viewport_bbox};
use crate::io::read_geojson;
use eframe::egui::{self, Color32, Mesh, Shape, Stroke};
use geo::{BoundingRect, Coord, Geometry, TriangulateEarcut};
use walkers::Projector;

const WORLD_50M: &[u8] = include_bytes!("../../../data/basemap/countries-50m.prepared.geojson");
const REGION_10M: &[u8] =
    include_bytes!("../../../data/basemap/countries-10m-ukraine-region.prepared.geojson");
const COAST_10M: &[u8] =
    include_bytes!("../../../data/basemap/coastline-10m-black-sea-region.geojson");
const BORDERS_10M: &[u8] =
    include_bytes!("../../../data/basemap/boundary-lines-land-10m.prepared.geojson");

pub const SEA: Color32 = Color32::from_rgb(170, 205, 222);
const LAND: Color32 = Color32::from_rgb(238, 235, 225);
const UKRAINE: Color32 = Color32::from_rgb(246, 240, 205);
const COAST: Color32 = Color32::from_rgb(120, 160, 185);
const BORDER: Color32 = Color32::from_rgb(150, 130, 150);

struct BasePoly {
    bbox: [f64; 4],
    triangles: Vec<[Coord; 3]>,
    colour: Color32,
}

pub struct Basemap {
    polys: Vec<BasePoly>,
    /// (bbox, line, is a border)
    lines: Vec<([f64; 4], Vec<Coord>, bool)>,
}

fn bbox_of(coords: &[Coord]) -> [f64; 4] {
    coords
        .iter()
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, c| {
            [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)]
        })
}

fn polygons(g: &Geometry<f64>) -> Vec<geo::Polygon<f64>> {
    match g {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(m) => m.0.clone(),
        _ => Vec::new(),
    }
}

impl Basemap {
    /// Parses and triangulates the bundled layers (about a tenth of a second).
    pub fn load_bundled() -> Result<Basemap, String> {
        let region =
            read_geojson("basemap/countries-10m", REGION_10M).map_err(|e| e.to_string())?;
        let world = read_geojson("basemap/countries-50m", WORLD_50M).map_err(|e| e.to_string())?;
        let coast = read_geojson("basemap/coastline-10m", COAST_10M).map_err(|e| e.to_string())?;
        let borders =
            read_geojson("basemap/borders-10m", BORDERS_10M).map_err(|e| e.to_string())?;
        let in_region: Vec<String> = region
            .features
            .iter()
            .filter_map(|f| f.prop_text("name"))
            .collect();
        let mut map = Basemap {
            polys: Vec::new(),
            lines: Vec::new(),
        };
        for (detailed, layer) in [(false, &world), (true, &region)] {
            for f in &layer.features {
                let name = f.prop_text("name").unwrap_or_default();
                if !detailed && in_region.contains(&name) {
                    continue;
                }
                let colour = if name == "Ukraine" { UKRAINE } else { LAND };
                for p in f.geometry.iter().flat_map(polygons) {
                    let Some(r) = p.bounding_rect() else { continue };
                    let triangles = p
                        .earcut_triangles()
                        .into_iter()
                        .map(|t| [t.v1(), t.v2(), t.v3()])
                        .collect();
                    map.polys.push(BasePoly {
                        bbox: [r.min().x, r.min().y, r.max().x, r.max().y],
                        triangles,
                        colour,
                    });
                    if !detailed {
                        // Outside the detailed region, the country outlines stand in for borders.
                        let ring = p.exterior().0.clone();
                        map.lines.push((bbox_of(&ring), ring, true));
                    }
                }
            }
        }
        for (layer, border) in [(&coast, false), (&borders, true)] {
            for f in &layer.features {
                let lines: Vec<Vec<Coord>> = match &f.geometry {
                    Some(Geometry::LineString(l)) => vec![l.0.clone()],
                    Some(Geometry::MultiLineString(m)) => m.0.iter().map(|l| l.0.clone()).collect(),
                    _ => Vec::new(),
                };
                for l in lines {
                    map.lines.push((bbox_of(&l), l, border));
                }
            }
        }
        Ok(map)
    }
}

fn overlaps(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// Draws the basemap; with `fill` false (raster tiles on), only coast and borders.
pub struct BasemapPlugin<'a> {
    pub basemap: Option<&'a Basemap>,
    pub fill: bool,
}

impl Paint for BasemapPlugin<'_> {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        let rect = projector.clip_rect();
        if self.fill {
            painter.rect_filled(rect, 0.0, SEA);
        }
        let Some(map) = self.basemap else { return };
        let view = viewport_bbox(projector);
        if self.fill {
            paint_land(painter, projector, map);
        }
        for (bbox, line, border) in &map.lines {
            if !overlaps(bbox, &view) {
                continue;
            }
            let pts = project_line(projector, line);
            let stroke = if *border {
                Stroke::new(1.0, BORDER)
            } else {
                Stroke::new(1.0, COAST)
            };
            painter.add(Shape::line(pts, stroke));
        }
    }
}

/// Fills sea and land for the visible part of the map (beneath raster tiles too,
/// so that a failed tile server never blanks the map).
pub fn paint_land(painter: &egui::Painter, projector: &Projector, map: &Basemap) {
    let view = viewport_bbox(projector);
    painter.rect_filled(projector.clip_rect(), 0.0, SEA);
    let mut mesh = Mesh::default();
    for p in map.polys.iter().filter(|p| overlaps(&p.bbox, &view)) {
        for t in &p.triangles {
            let base = mesh.vertices.len() as u32;
            for c in t {
                let v = projector.project(walkers::lon_lat(c.x, c.y.clamp(-85.0, 85.0)));
                mesh.colored_vertex(v.to_pos2(), p.colour);
            }
            mesh.add_triangle(base, base + 1, base + 2);
        }
        if mesh.vertices.len() > 60_000 {
            painter.add(Shape::mesh(std::mem::take(&mut mesh)));
        }
    }
    painter.add(Shape::mesh(mesh));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: at world zoom the map showed a band of land round the
    /// Arctic and a line across the southern hemisphere: Russia's, Fiji's and
    /// Antarctica's rings jumped from 180 to -180 degrees, which a flat map
    /// draws as an edge round the world. No edge or triangle may span half of it.
    #[test]
    fn nothing_in_the_basemap_spans_the_world() {
        let map = Basemap::load_bundled().expect("the bundled basemap loads");
        for (_, line, _) in &map.lines {
            for w in line.windows(2) {
                assert!((w[0].x - w[1].x).abs() < 180.0, "{:?} → {:?}", w[0], w[1]);
            }
        }
        let mut triangles = 0;
        for p in &map.polys {
            for t in &p.triangles {
                let (lo, hi) = t.iter().fold((f64::MAX, f64::MIN), |(lo, hi), c| {
                    (lo.min(c.x), hi.max(c.x))
                });
                assert!(hi - lo < 180.0, "{t:?}");
                triangles += 1;
            }
        }
        assert!(triangles > 10_000, "{triangles}");
    }
}
