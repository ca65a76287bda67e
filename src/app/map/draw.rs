//! Map overlays (walkers plugins): layers by role, bands of true width, stretches,
//! incidents, highlights and tool shapes.

use super::plugin::Paint;
use super::projection::{ScreenMap, lines_of, points_of, project_line, to_screen, viewport_bbox};
use super::style::{CONTACT_LINE, DEVIATION, HIGHLIGHT, ZONE_ENTRY, category_colour, role_colour};
use crate::analysis::result::{Event, EventKind};
use crate::app::model::{Analysis, LoadedLayer};
pub use crate::app::session::{Highlight, ToolShape};
use crate::model::Role;
use eframe::egui::{self, Color32, Mesh, Pos2, Shape, Stroke};
use geo::Coord;
use std::collections::HashSet;
use walkers::Projector;

pub struct LayersPlugin<'a> {
    pub layers: &'a [LoadedLayer],
    pub analysis: Option<&'a Analysis>,
    pub highlight: &'a Highlight,
    pub tool: Option<ToolShape>,
    /// While replaying, tracks and their stretches are drawn by the replay.
    pub hide_tracks: bool,
    /// Incidents the Buffer zone tab's filter leaves out: (layer, feature).
    pub hidden: HashSet<(usize, usize)>,
}

/// The route being edited, the replay and flashing alerts, over the layers.
pub struct OverlayPlugin<'a> {
    pub route: Option<&'a crate::app::route_editor::RouteEditor>,
    /// The Route tool is in use (the route drawn in full, else quiet).
    pub route_active: bool,
    pub timeline: Option<&'a crate::app::timeline::Timeline>,
    /// Stretch paths of new alerts with their age in seconds.
    pub flashes: Vec<(Vec<Coord>, f32)>,
    /// The alert selected in the Live tab: its stretch, or its place for an
    /// alert of one position (silent, stuck, near an incident), ringed.
    pub selected_alert: Option<Vec<Coord>>,
}

impl Paint for OverlayPlugin<'_> {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        if let Some(r) = self.timeline {
            r.paint(projector, painter);
        }
        if let Some(r) = self.route {
            r.paint(projector, painter, self.route_active);
        }
        if let Some(path) = &self.selected_alert {
            painter.add(Shape::line(
                project_line(projector, path),
                Stroke::new(5.0, HIGHLIGHT),
            ));
            if let Some(c) = path.last() {
                let at = to_screen(projector, *c);
                painter.circle_stroke(at, 12.0, Stroke::new(3.0, HIGHLIGHT));
                painter.circle_stroke(at, 12.0, Stroke::new(1.0, Color32::BLACK));
            }
        }
        for (path, age_s) in &self.flashes {
            let pulse = (age_s * 6.0).sin().abs();
            painter.add(Shape::line(
                project_line(projector, path),
                Stroke::new(
                    6.0 + 4.0 * pulse,
                    DEVIATION.gamma_multiply(0.5 + 0.5 * pulse),
                ),
            ));
            if let Some(c) = path.first() {
                painter.circle_stroke(
                    to_screen(projector, *c),
                    10.0 + 14.0 * pulse,
                    Stroke::new(3.0, DEVIATION),
                );
            }
        }
    }
}

impl Paint for LayersPlugin<'_> {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        painter.extend(self.shapes(projector));
    }
}

impl LayersPlugin<'_> {
    /// Every shape of one frame for this viewport (what `run` paints).
    pub fn shapes(&self, projector: &Projector) -> Vec<Shape> {
        let mut painter = ShapeSink::default();
        let view = viewport_bbox(projector);
        if let Some(a) = self.analysis {
            self.areas(a, projector, view, &mut painter);
        }
        self.features(projector, view, &mut painter);
        if let Some(a) = self.analysis {
            self.stretches(a, projector, &mut painter);
        }
        self.highlights(projector, &mut painter);
        if let Some(t) = &self.tool {
            tool_shapes(t, projector, &mut painter);
        }
        painter.0
    }

    /// Corridor and lane bands of their true width, buffer zones.
    fn areas(&self, a: &Analysis, projector: &Projector, view: [f64; 4], painter: &mut ShapeSink) {
        for band in &a.bands {
            let Some(l) = self.layers.get(band.layer) else {
                continue;
            };
            if !l.style.visible
                || band.bbox[0] > view[2]
                || band.bbox[2] < view[0]
                || band.bbox[1] > view[3]
                || band.bbox[3] < view[1]
            {
                continue;
            }
            let base = if matches!(band.role, Role::ContactLine | Role::BufferZone) {
                role_colour(band.role)
            } else {
                l.style.colour()
            };
            let fill = Color32::from_rgba_unmultiplied(base.r(), base.g(), base.b(), 70);
            let mut mesh = Mesh::default();
            for t in &band.triangles {
                let i = mesh.vertices.len() as u32;
                for c in t {
                    mesh.colored_vertex(to_screen(projector, *c), fill);
                }
                mesh.add_triangle(i, i + 1, i + 2);
            }
            painter.add(Shape::mesh(mesh));
            for ring in &band.outline {
                painter.add(Shape::line(
                    project_line(projector, ring),
                    Stroke::new(1.0, base.gamma_multiply(0.8)),
                ));
            }
        }
    }

    /// Lines and points by role (only features the R-tree finds in view);
    /// points above every line, incidents coloured by category.
    fn features(&self, projector: &Projector, view: [f64; 4], painter: &mut ShapeSink) {
        let visible: Option<HashSet<(usize, usize)>> = self.analysis.map(|a| {
            a.all
                .in_bbox(view[0], view[1], view[2], view[3])
                .into_iter()
                .map(|s| {
                    let f = a.all.shapes[s as usize].feature;
                    (f.layer as usize, f.feature as usize)
                })
                .collect()
        });
        let mut points = Vec::new();
        let mut marks: Vec<(Coord, Role, Color32, usize, usize)> = Vec::new();
        let screen = ScreenMap::new(projector);
        for (li, l) in self.layers.iter().enumerate() {
            if !l.style.visible {
                continue;
            }
            for (fi, f) in l.layer.features.iter().enumerate() {
                if let Some(v) = &visible
                    && !v.contains(&(li, fi))
                {
                    continue;
                }
                let Some(g) = &f.geometry else { continue };
                let role = l.effective_role(f.role);
                if (self.hide_tracks && role == Role::Track) || self.hidden.contains(&(li, fi)) {
                    continue;
                }
                let (colour, width) = match role {
                    Role::ContactLine => (CONTACT_LINE, l.style.width.max(2.5)),
                    _ => (l.style.colour(), l.style.width),
                };
                let cleaned = self.analysis.and_then(|a| a.cleaned.get(&(li, fi)));
                if let Some(lines) = cleaned {
                    // A track with a dropped fix: drawn without it (rare: projected here).
                    for line in lines {
                        let line = project_line(projector, line);
                        painter.add(Shape::line(line, Stroke::new(width, colour)));
                    }
                    if matches!(g, geo::Geometry::Point(_)) {
                        continue;
                    }
                } else if let Some(merc) = l.mercator().get(fi) {
                    // Lines from the layer's cached Mercator coordinates: two multiply-adds a vertex.
                    for line in merc {
                        let pts = screen.line(line);
                        if role == Role::Movement {
                            // A notified route: dashed, like a plan on paper.
                            let stroke = Stroke::new(width.max(2.5), colour);
                            painter
                                .0
                                .extend(Shape::dashed_line(&pts, stroke, 10.0, 6.0));
                        } else {
                            painter.add(Shape::line(pts, Stroke::new(width, colour)));
                        }
                    }
                }
                points.clear();
                points_of(g, &mut points);
                marks.extend(points.drain(..).map(|p| (p, role, colour, li, fi)));
            }
        }
        // Points above every line; incidents coloured by category.
        for &(p, role, colour, li, fi) in &marks {
            let pos = to_screen(projector, p);
            if role == Role::Incident {
                let cat = self.layers[li].layer.features[fi]
                    .prop_text("category")
                    .unwrap_or_default();
                painter.circle(
                    pos,
                    5.0,
                    category_colour(&cat),
                    Stroke::new(1.0, Color32::WHITE),
                );
            } else {
                painter.circle_filled(pos, 3.0, colour);
            }
        }
    }

    /// Stretches over the tracks (AIS gaps dashed); incidents in the zone ringed.
    fn stretches(&self, a: &Analysis, projector: &Projector, painter: &mut ShapeSink) {
        for g in a
            .results
            .iter()
            .filter(|_| !self.hide_tracks)
            .flat_map(|r| &r.report.gaps)
        {
            let ends = [g.start, g.end];
            painter.0.extend(Shape::dashed_line(
                &project_line(projector, &ends),
                Stroke::new(3.0, super::style::GAP),
                8.0,
                6.0,
            ));
        }
        for r in a.results.iter().filter(|_| !self.hide_tracks) {
            // A parked convoy's stretch has no length: a ring where it stands
            // (zone entry inside, deviation outside).
            // Deviations under zone entries: a stretch that is both shows a
            // yellow core (on a dark casing) inside its vermillion edges.
            for (paths, strokes, ring) in [
                (
                    &r.deviation_paths,
                    [(6.0, DEVIATION), (0.0, DEVIATION)],
                    9.0,
                ),
                (
                    &r.zone_paths,
                    [(4.5, super::style::ZONE_ENTRY_CASING), (2.5, ZONE_ENTRY)],
                    6.0,
                ),
            ] {
                for path in paths {
                    if path.windows(2).all(|w| w[0] == w[1]) {
                        if let Some(&at) = path.first() {
                            let pos = to_screen(projector, at);
                            for (w, colour) in strokes.iter().filter(|s| s.0 > 0.0) {
                                painter.circle_stroke(pos, ring, Stroke::new(w - 1.5, *colour));
                            }
                        }
                    } else {
                        let line = project_line(projector, path);
                        for (w, colour) in strokes.iter().filter(|s| s.0 > 0.0) {
                            painter.add(Shape::line(line.clone(), Stroke::new(*w, *colour)));
                        }
                    }
                }
            }
        }
        for r in a.results.iter().filter(|_| !self.hide_tracks) {
            for e in &r.report.events {
                event_shapes(e, projector, painter);
            }
        }
        for inc in a
            .incidents
            .iter()
            .filter(|i| i.inside && !self.hidden.contains(&(i.layer, i.feature)))
        {
            if self.layers.get(inc.layer).is_some_and(|l| l.style.visible) {
                painter.circle_stroke(
                    to_screen(projector, inc.pos),
                    9.0,
                    Stroke::new(2.0, Color32::BLACK),
                );
            }
        }
    }

    /// Highlighted features and the selected stretch, on top.
    fn highlights(&self, projector: &Projector, painter: &mut ShapeSink) {
        let (mut lines, mut points) = (Vec::new(), Vec::new());
        for &(li, fi) in &self.highlight.features {
            let Some(f) = self.layers.get(li).and_then(|l| l.layer.features.get(fi)) else {
                continue;
            };
            let Some(g) = &f.geometry else { continue };
            lines.clear();
            lines_of(g, &mut lines);
            for line in &lines {
                painter.add(Shape::line(
                    project_line(projector, line),
                    Stroke::new(3.0, HIGHLIGHT),
                ));
            }
            points.clear();
            points_of(g, &mut points);
            for p in &points {
                painter.circle_stroke(to_screen(projector, *p), 11.0, Stroke::new(3.0, HIGHLIGHT));
            }
        }
        if let Some(path) = &self.highlight.path {
            painter.add(Shape::line(
                project_line(projector, path),
                Stroke::new(7.0, HIGHLIGHT.gamma_multiply(0.8)),
            ));
        }
    }
}

/// An event on the map: a dropped fix as a hollow grey mark joined to the
/// last kept fix by a thin line; an encounter as a link between the two
/// vessels when closest, ringed; loitering as a ring at its mean position.
fn event_shapes(e: &Event, projector: &Projector, painter: &mut ShapeSink) {
    use super::style::{DROPPED_FIX, ENCOUNTER, LOITERING};
    let at = to_screen(projector, e.position);
    match &e.kind {
        EventKind::ImplausibleJump { from, .. } => {
            let from = to_screen(projector, *from);
            painter.add(Shape::line_segment(
                [from, at],
                Stroke::new(1.0, DROPPED_FIX),
            ));
            painter.circle(at, 5.0, Color32::WHITE, Stroke::new(2.0, DROPPED_FIX));
        }
        EventKind::Encounter { link, .. } => {
            let ends = [to_screen(projector, link[0]), to_screen(projector, link[1])];
            painter.add(Shape::line_segment(ends, Stroke::new(3.0, ENCOUNTER)));
            painter.circle_stroke(at, 11.0, Stroke::new(3.0, ENCOUNTER));
            painter.circle_stroke(at, 11.0, Stroke::new(1.0, Color32::BLACK));
        }
        EventKind::Loitering { .. } => {
            painter.circle_stroke(at, 8.0, Stroke::new(2.5, LOITERING));
        }
    }
}

/// The measure line, the query box or circle.
fn tool_shapes(tool: &ToolShape, projector: &Projector, painter: &mut ShapeSink) {
    match tool {
        ToolShape::Measure(pts) => {
            let screen: Vec<Pos2> = pts.iter().map(|c| to_screen(projector, *c)).collect();
            painter.add(Shape::line(
                screen.clone(),
                Stroke::new(2.0, Color32::BLACK),
            ));
            for p in screen {
                painter.circle(p, 4.0, Color32::WHITE, Stroke::new(1.5, Color32::BLACK));
            }
        }
        ToolShape::Box(a, b) => {
            let r = egui::Rect::from_two_pos(to_screen(projector, *a), to_screen(projector, *b));
            painter.rect_stroke(
                r,
                0.0,
                Stroke::new(2.0, Color32::BLACK),
                egui::StrokeKind::Middle,
            );
        }
        ToolShape::Circle(c, radius_m) => {
            let ring: Vec<Coord> = (0..=72)
                .map(|k| crate::geodesy::destination(*c, k as f64 * 5.0, *radius_m))
                .collect();
            painter.add(Shape::line(
                project_line(projector, &ring),
                Stroke::new(2.0, Color32::BLACK),
            ));
        }
    }
}

/// Collects shapes the way `egui::Painter` would paint them.
#[derive(Default)]
struct ShapeSink(Vec<Shape>);

impl ShapeSink {
    fn add(&mut self, s: Shape) {
        self.0.push(s);
    }
    fn circle(&mut self, c: Pos2, r: f32, fill: Color32, stroke: Stroke) {
        self.0.push(Shape::Circle(egui::epaint::CircleShape {
            center: c,
            radius: r,
            fill,
            stroke,
        }));
    }
    fn circle_filled(&mut self, c: Pos2, r: f32, fill: Color32) {
        self.0.push(Shape::circle_filled(c, r, fill));
    }
    fn circle_stroke(&mut self, c: Pos2, r: f32, stroke: Stroke) {
        self.0.push(Shape::circle_stroke(c, r, stroke));
    }
    fn rect_stroke(
        &mut self,
        r: egui::Rect,
        rounding: f32,
        stroke: Stroke,
        kind: egui::StrokeKind,
    ) {
        self.0.push(Shape::rect_stroke(r, rounding, stroke, kind));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::map::projection::mercator;
    use geo::coord;
    use walkers::lon_lat;

    #[test]
    fn screen_map_matches_the_walkers_projector() {
        let mut memory = walkers::MapMemory::default();
        memory.center_at(lon_lat(33.3, 48.7));
        let _ = memory.set_zoom(8.3);
        let rect = egui::Rect::from_min_size(egui::pos2(380.0, 48.0), egui::vec2(1020.0, 680.0));
        let projector = Projector::new(
            rect,
            &walkers::MercatorProjection,
            &memory,
            lon_lat(33.3, 48.7),
        );
        let map = ScreenMap::new(&projector);
        for c in [
            coord! { x: 33.3, y: 48.7 },
            coord! { x: 30.5, y: 50.45 },
            coord! { x: 36.2, y: 46.0 },
        ] {
            let a = map.point(mercator(c));
            let b = to_screen(&projector, c);
            assert!(a.distance(b) < 0.01, "{c:?}: {a:?} vs {b:?}");
        }
    }
}
