//! The route tool: waypoints placed, dragged, inserted and deleted on the map,
//! undo/redo, every leg checked at once against the corridors and the zone,
//! "route along corridors", and routes saved and loaded as GeoJSON.

use super::map::projection::{segment_distance, to_screen};
use super::map::style::{DEVIATION, ZONE_ENTRY};
use crate::analysis::Scenario;
use crate::analysis::exposure::{Exposure, NearIncident, near_route};
use crate::analysis::route::{RouteCheck, check_route};
use crate::io::route::Route;
use eframe::egui::{self, Color32, Pos2, Shape, Stroke};
use geo::Coord;
use walkers::Projector;

pub const LEG_INSIDE: Color32 = super::map::style::ROUTE_INSIDE;
pub const ROUTE_LINE: Color32 = Color32::from_rgb(0, 120, 140);
/// Screen distance (points) within which a click or press hits a waypoint or leg.
pub const HIT_PX: f32 = 9.0;

/// Most undo steps kept.
const UNDO_DEPTH: usize = 200;

pub struct RouteEditor {
    pub route: Route,
    undo: Vec<Vec<Coord>>,
    redo: Vec<Vec<Coord>>,
    pub selected: Option<usize>,
    pub dragging: Option<usize>,
    /// The check of the current waypoints (`None` until corridors are loaded).
    pub check: Option<RouteCheck>,
    checked: Option<(Vec<Coord>, u64, Exposure)>,
    /// How far and how far back to look for incidents along the route.
    pub exposure: Exposure,
    /// The incidents near the route, nearest first.
    pub near: Vec<NearIncident>,
    /// The departure typed in; `None`: now (to the minute, at each check).
    pub depart: Option<f64>,
    /// The last planning or file message: (is an error, text).
    pub message: Option<(bool, String)>,
    pub speed_kmh: f64,
    /// Leg paths along their geodesics (for drawing and hit tests), per leg.
    pub leg_paths: Vec<Vec<Coord>>,
}

impl Default for RouteEditor {
    fn default() -> Self {
        Self {
            route: Route {
                name: "New route".into(),
                ..Default::default()
            },
            undo: Vec::new(),
            redo: Vec::new(),
            selected: None,
            dragging: None,
            check: None,
            checked: None,
            message: None,
            speed_kmh: 40.0,
            leg_paths: Vec::new(),
            exposure: Exposure {
                reach_m: Exposure::DEFAULT_REACH_M,
                days: Exposure::DEFAULT_DAYS,
                depart_s: 0.0,
            },
            near: Vec::new(),
            depart: None,
        }
    }
}

impl RouteEditor {
    pub fn waypoints(&self) -> &[Coord] {
        &self.route.waypoints
    }

    /// Changes the waypoints as one undoable step.
    pub fn edit(&mut self, f: impl FnOnce(&mut Vec<Coord>)) {
        let before = self.route.waypoints.clone();
        f(&mut self.route.waypoints);
        if self.route.waypoints != before {
            self.undo.push(before);
            if self.undo.len() > UNDO_DEPTH {
                self.undo.remove(0);
            }
            self.redo.clear();
            self.route.corridor_ids.clear();
        }
    }

    /// Starts a drag of waypoint `i` (one undo step for the whole drag).
    pub fn begin_drag(&mut self, i: usize) {
        self.undo.push(self.route.waypoints.clone());
        self.redo.clear();
        self.dragging = Some(i);
        self.selected = Some(i);
    }

    pub fn drag_to(&mut self, c: Coord) {
        if let Some(w) = self.dragging.and_then(|i| self.route.waypoints.get_mut(i)) {
            *w = c;
        }
    }

    pub fn end_drag(&mut self) {
        if self.dragging.take().is_some() && self.undo.last() == Some(&self.route.waypoints) {
            self.undo.pop(); // a press without a move changes nothing
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo(&mut self) {
        if let Some(prev) = self.undo.pop() {
            self.redo
                .push(std::mem::replace(&mut self.route.waypoints, prev));
            self.selected = None;
        }
    }

    pub fn redo(&mut self) {
        if let Some(next) = self.redo.pop() {
            self.undo
                .push(std::mem::replace(&mut self.route.waypoints, next));
            self.selected = None;
        }
    }

    pub fn delete(&mut self, i: usize) {
        if i < self.route.waypoints.len() {
            self.edit(|w| {
                w.remove(i);
            });
            self.selected = None;
        }
    }

    /// Replaces the whole route (planned or loaded) as one undoable step.
    pub fn replace(&mut self, route: Route) {
        let ids = route.corridor_ids.clone();
        let speed = route.speed_kmh;
        self.edit(|w| *w = route.waypoints.clone());
        self.route.name = route.name;
        self.route.corridor_ids = ids;
        if let Some(s) = speed {
            self.speed_kmh = s;
        }
        self.selected = None;
    }

    /// Re-checks the legs when the waypoints or the analysis changed.
    pub fn refresh(&mut self, scn: Option<&Scenario>, generation: u64) {
        let Some(scn) = scn else {
            self.check = None;
            self.checked = None;
            return;
        };
        self.exposure.depart_s = self.depart.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| (d.as_secs_f64() / 60.0).floor() * 60.0)
        });
        if self.checked.as_ref().is_some_and(|(w, g, e)| {
            *g == generation && *w == self.route.waypoints && *e == self.exposure
        }) {
            return;
        }
        let key = (self.route.waypoints.clone(), generation, self.exposure);
        self.check = Some(check_route(scn, &self.route.waypoints, None));
        self.near = near_route(&scn.layers, &self.route.waypoints, &self.exposure);
        self.leg_paths = self
            .route
            .waypoints
            .windows(2)
            .map(|w| {
                let mut out = Vec::new();
                crate::geodesy::densify_edge(w[0], w[1], 5_000.0, &mut out);
                out.push(w[1]);
                out
            })
            .collect();
        self.checked = Some(key);
    }

    /// The waypoint under a screen position.
    pub fn waypoint_at(&self, projector: &Projector, p: Pos2) -> Option<usize> {
        self.route
            .waypoints
            .iter()
            .enumerate()
            .map(|(i, c)| (i, to_screen(projector, *c).distance(p)))
            .filter(|(_, d)| *d <= HIT_PX)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// The leg under a screen position (index of its first waypoint).
    pub fn leg_at(&self, projector: &Projector, p: Pos2) -> Option<usize> {
        let mut best: Option<(usize, f32)> = None;
        for (i, path) in self.leg_paths.iter().enumerate() {
            let pts: Vec<Pos2> = path.iter().map(|c| to_screen(projector, *c)).collect();
            for w in pts.windows(2) {
                let d = segment_distance(p, w[0], w[1]);
                if d <= HIT_PX && best.is_none_or(|b| d < b.1) {
                    best = Some((i, d));
                }
            }
        }
        best.map(|b| b.0)
    }

    /// A click with the route tool: select a waypoint, insert on a leg, or append.
    pub fn click(&mut self, projector: &Projector, p: Pos2, at: Coord) {
        if let Some(i) = self.waypoint_at(projector, p) {
            self.selected = Some(i);
        } else if let Some(leg) = self.leg_at(projector, p) {
            self.edit(|w| w.insert(leg + 1, at));
            self.selected = Some(leg + 1);
        } else {
            self.edit(|w| w.push(at));
            self.selected = Some(self.route.waypoints.len() - 1);
        }
    }

    /// The route's shapes: legs green inside, red outside, orange in the zone; waypoints numbered.
    /// Draws the route: in full while its tool is in use (`active`), else
    /// quiet: thin and dashed, small unnumbered waypoints, no stretch overlays.
    pub fn paint(&self, projector: &Projector, painter: &egui::Painter, active: bool) {
        let look = RouteLook::of(active);
        let mut out: Vec<Shape> = Vec::new();
        for (i, path) in self.leg_paths.iter().enumerate() {
            let leg = self.check.as_ref().and_then(|c| c.legs.get(i));
            let colour = match leg {
                Some(l) if l.in_corridor() => LEG_INSIDE,
                Some(_) => DEVIATION,
                None => ROUTE_LINE,
            };
            let pts: Vec<Pos2> = path.iter().map(|c| to_screen(projector, *c)).collect();
            let stroke = Stroke::new(look.width, colour);
            match look.dash {
                Some((on, off)) => out.extend(Shape::dashed_line(&pts, stroke, on, off)),
                None => out.push(Shape::line(pts, stroke)),
            }
            if let Some(l) = leg.filter(|_| look.overlays) {
                for z in &l.zone_paths {
                    let pts: Vec<Pos2> = z.iter().map(|c| to_screen(projector, *c)).collect();
                    out.extend(Shape::dashed_line(
                        &pts,
                        Stroke::new(6.0, ZONE_ENTRY),
                        8.0,
                        6.0,
                    ));
                }
                for d in &l.deviation_paths {
                    let pts: Vec<Pos2> = d.iter().map(|c| to_screen(projector, *c)).collect();
                    out.push(Shape::line(pts, Stroke::new(5.0, DEVIATION)));
                }
            }
        }
        for (i, c) in self.route.waypoints.iter().enumerate() {
            let p = to_screen(projector, *c);
            let selected = self.selected == Some(i);
            out.push(Shape::circle_filled(
                p,
                look.radius,
                if selected {
                    super::map::style::HIGHLIGHT
                } else {
                    Color32::WHITE
                },
            ));
            out.push(Shape::circle_stroke(
                p,
                look.radius,
                Stroke::new(2.0, ROUTE_LINE),
            ));
        }
        // Incidents near the route: ringed twice in the route's colour.
        for n in &self.near {
            let p = to_screen(projector, n.position);
            out.push(Shape::circle_stroke(
                p,
                9.0,
                Stroke::new(2.0, Color32::WHITE),
            ));
            out.push(Shape::circle_stroke(p, 11.0, Stroke::new(2.0, ROUTE_LINE)));
        }
        painter.extend(out);
        if !look.numbers {
            return;
        }
        // A number only where it does not sit on an earlier one (close waypoints at low zoom).
        let mut numbered: Vec<Pos2> = Vec::new();
        for (i, c) in self.route.waypoints.iter().enumerate() {
            let p = to_screen(projector, *c);
            if numbered.iter().any(|q| q.distance(p) < 14.0) {
                continue;
            }
            numbered.push(p);
            painter.text(
                p,
                egui::Align2::CENTER_CENTER,
                (i + 1).to_string(),
                egui::FontId::proportional(9.0),
                Color32::BLACK,
            );
        }
    }
}

/// How the route is drawn: in full while edited, quiet otherwise.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RouteLook {
    width: f32,
    /// Dash and gap lengths (points), or a solid line.
    dash: Option<(f32, f32)>,
    radius: f32,
    numbers: bool,
    /// Deviation and zone stretches drawn over the legs.
    overlays: bool,
}

impl RouteLook {
    fn of(active: bool) -> RouteLook {
        if active {
            RouteLook {
                width: 3.0,
                dash: None,
                radius: 7.0,
                numbers: true,
                overlays: true,
            }
        } else {
            RouteLook {
                width: 2.0,
                dash: Some((8.0, 6.0)),
                radius: 3.5,
                numbers: false,
                overlays: false,
            }
        }
    }
}

/// The corridor and zone layers of a layer set (what planning needs), for a worker.
pub fn planning_layers(layers: &[crate::model::Layer]) -> Vec<crate::model::Layer> {
    use crate::model::Role;
    layers
        .iter()
        .map(|l| crate::model::Layer {
            name: l.name.clone(),
            source: l.source.clone(),
            features: l
                .features
                .iter()
                .filter(|f| {
                    matches!(
                        f.role,
                        Role::Corridor | Role::GrainRoute | Role::ContactLine | Role::BufferZone
                    )
                })
                .cloned()
                .collect(),
            ..Default::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_and_redo_walk_the_edits() {
        let mut r = RouteEditor::default();
        let a = Coord { x: 30.0, y: 50.0 };
        let b = Coord { x: 31.0, y: 50.0 };
        r.edit(|w| w.push(a));
        r.edit(|w| w.push(b));
        r.delete(0);
        assert_eq!(r.waypoints(), &[b]);
        r.undo();
        assert_eq!(r.waypoints(), &[a, b]);
        r.undo();
        assert_eq!(r.waypoints(), &[a]);
        r.redo();
        assert_eq!(r.waypoints(), &[a, b]);
        // A drag is one step; a press without a move is none.
        r.begin_drag(1);
        r.drag_to(Coord { x: 31.0, y: 50.5 });
        r.drag_to(Coord { x: 31.0, y: 51.0 });
        r.end_drag();
        r.undo();
        assert_eq!(r.waypoints(), &[a, b]);
        let depth = r.undo.len();
        r.begin_drag(0);
        r.end_drag();
        assert_eq!(r.undo.len(), depth);
    }

    #[test]
    fn the_route_is_quiet_when_its_tool_is_off() {
        let (on, off) = (RouteLook::of(true), RouteLook::of(false));
        assert!(on.dash.is_none() && on.numbers && on.overlays);
        assert!(off.dash.is_some() && !off.numbers && !off.overlays);
        assert!(off.width < on.width && off.radius < on.radius);
    }
}
