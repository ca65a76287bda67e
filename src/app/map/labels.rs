//! Labels: the replayed convoys' ids beside their markers, city names, the names of
//! corridors, grain lanes and the planned route along their lines, then place
//! names (GeoNames, offline): more places as the map zooms in, larger places
//! first, never two labels on top of each other.

use super::plugin::Paint;
use super::projection::{to_screen, viewport_bbox};
use crate::places::Gazetteer;
use eframe::egui::{self, Align2, Color32, FontId, Rect, Stroke};
use walkers::Projector;

/// A place this size or larger is a city: named before the lines' names, in a larger font.
const CITY: u64 = 500_000;

/// Most place labels drawn at once.
const MAX_LABELS: usize = 160;

pub struct PlaceLabels<'a> {
    pub places: Option<&'a Gazetteer>,
    pub zoom: f64,
    /// The illustrative-data banner is at the top of the map: no name under it.
    pub banner: bool,
    /// Lines named on the map: (name, lon/lat vertices, colour).
    pub lines: Vec<(String, &'a [geo::Coord], Color32)>,
    /// Replayed convoys (id, lon/lat): their ids are placed first, and nothing
    /// else is written over them or their markers.
    pub convoys: Vec<(String, geo::Coord)>,
    /// Markers no label may cover: incidents shown and the route's waypoints.
    pub marks: Vec<geo::Coord>,
}

/// Most markers kept clear of labels (those in view; beyond, a frame would
/// spend its time on them).
const MAX_MARKS: usize = 5000;

/// The four places beside a marker a label may take, in order of preference:
/// above right, below right, above left, below left (anchor offset, alignment).
const BESIDE: [(egui::Vec2, Align2); 4] = [
    (egui::vec2(9.0, -7.0), Align2::LEFT_BOTTOM),
    (egui::vec2(9.0, 7.0), Align2::LEFT_TOP),
    (egui::vec2(-9.0, -7.0), Align2::RIGHT_BOTTOM),
    (egui::vec2(-9.0, 7.0), Align2::RIGHT_TOP),
];

/// Where a label of `size` beside a marker at `at` goes: the first of
/// [`BESIDE`] inside `clip` and clear of `taken`, else the first inside `clip`
/// (a convoy's id is never left out), else the first. Returns the anchor,
/// alignment and the label's rectangle.
pub fn beside(
    at: egui::Pos2,
    size: egui::Vec2,
    taken: &[Rect],
    clip: Rect,
) -> (egui::Pos2, Align2, Rect) {
    let options: Vec<(egui::Pos2, Align2, Rect)> = BESIDE
        .iter()
        .map(|(d, align)| {
            let anchor = at + *d;
            (anchor, *align, align.anchor_size(anchor, size).expand(1.0))
        })
        .collect();
    let fits = |r: &Rect| clip.contains_rect(*r);
    options
        .iter()
        .find(|(_, _, r)| fits(r) && !taken.iter().any(|t| t.intersects(*r)))
        .or_else(|| options.iter().find(|(_, _, r)| fits(r)))
        .copied()
        .unwrap_or(options[0])
}

/// Where a line's name may go, in order: its vertices inside `clip` (screen
/// positions) from the middle outwards, so that a name crowded out of the
/// middle (by a convoy or another name) moves along its line.
pub fn line_label_at(points: &[egui::Pos2], clip: Rect) -> Vec<egui::Pos2> {
    let inside: Vec<egui::Pos2> = points
        .iter()
        .copied()
        .filter(|p| clip.contains(*p))
        .collect();
    let mid = inside.len() / 2;
    let mut order = Vec::with_capacity(inside.len());
    for k in 0..inside.len() {
        // mid, mid+1, mid-1, mid+2, mid-2, …
        let i = if k % 2 == 0 {
            mid.checked_sub(k / 2)
        } else {
            Some(mid + k / 2 + 1)
        };
        if let Some(p) = i.and_then(|i| inside.get(i)) {
            order.push(*p);
        }
    }
    // The far end when the walk above ran off one side first.
    for p in &inside {
        if !order.contains(p) {
            order.push(*p);
        }
    }
    order
}

/// The smallest place labelled at a zoom level.
fn min_population(zoom: f64) -> u64 {
    match zoom {
        z if z < 5.5 => 1_000_000,
        z if z < 6.5 => 250_000,
        z if z < 7.5 => 80_000,
        z if z < 8.5 => 25_000,
        z if z < 9.5 => 8_000,
        z if z < 10.5 => 3_000,
        _ => 0,
    }
}

impl Paint for PlaceLabels<'_> {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        let view = viewport_bbox(projector);
        let clip = projector.clip_rect();
        // The basemap credit (bottom right) and the banner (top centre) keep
        // their place: no name is written over them.
        let mut taken: Vec<Rect> = vec![Rect::from_min_max(
            clip.right_bottom() - egui::vec2(330.0, 22.0),
            clip.right_bottom(),
        )];
        if self.banner {
            taken.push(Rect::from_center_size(
                egui::pos2(clip.center().x, clip.top() + 20.0),
                egui::vec2(720.0, 36.0),
            ));
        }
        // Incidents and waypoints keep their place: no label covers them.
        taken.extend(
            self.marks
                .iter()
                .map(|c| to_screen(projector, *c))
                .filter(|p| clip.contains(*p))
                .take(MAX_MARKS)
                .map(|p| Rect::from_center_size(p, egui::vec2(14.0, 14.0))),
        );
        // Replayed convoys first: their markers, then their ids beside them.
        let marks: Vec<egui::Pos2> = self
            .convoys
            .iter()
            .map(|(_, c)| to_screen(projector, *c))
            .collect();
        taken.extend(
            marks
                .iter()
                .map(|p| Rect::from_center_size(*p, egui::vec2(18.0, 18.0))),
        );
        for ((id, _), at) in self.convoys.iter().zip(&marks) {
            let font = FontId::proportional(12.0);
            let size = painter
                .layout_no_wrap(id.clone(), font.clone(), Color32::BLACK)
                .size();
            let (anchor, align, rect) = beside(*at, size, &taken, clip);
            taken.push(rect);
            haloed(painter, anchor, align, id, font);
        }
        // Then the cities (half a million people and more), the line names on
        // their line's colour, and the other places, each clear of the labels before it.
        let found: Vec<&crate::places::Place> = self
            .places
            .map(|g| g.in_box(view, min_population(self.zoom)).collect())
            .unwrap_or_default();
        let is_city = |p: &&&crate::places::Place| p.population >= CITY;
        let (mut shown, mut dots) = (0, Vec::new());
        for p in found.iter().filter(is_city) {
            if shown < MAX_LABELS && place_label(painter, projector, p, clip, &mut taken, &mut dots)
            {
                shown += 1;
            }
        }
        // Line names next, on their line's colour; places keep clear of them.
        for (name, line, colour) in &self.lines {
            let pts: Vec<egui::Pos2> = line.iter().map(|c| to_screen(projector, *c)).collect();
            let font = FontId::proportional(11.0);
            let galley = painter.layout_no_wrap(name.clone(), font.clone(), Color32::WHITE);
            let free = line_label_at(&pts, clip.shrink(30.0))
                .into_iter()
                .take(60)
                .map(|at| {
                    let r = Rect::from_center_size(at, galley.size()).expand2(egui::vec2(4.0, 1.5));
                    (at, r)
                })
                .find(|(_, r)| !taken.iter().any(|t| t.intersects(*r)));
            let Some((at, rect)) = free else {
                continue;
            };
            taken.push(rect);
            painter.rect_filled(rect, 3.0, *colour);
            painter.text(at, Align2::CENTER_CENTER, name, font, Color32::WHITE);
        }
        for p in found.iter().filter(|p| !is_city(p)) {
            if shown >= MAX_LABELS {
                break;
            }
            if place_label(painter, projector, p, clip, &mut taken, &mut dots) {
                shown += 1;
            }
        }
    }
}

/// Dark text with a light halo, readable over lines and fills.
fn haloed(painter: &egui::Painter, at: egui::Pos2, align: Align2, text: &str, font: FontId) {
    for d in [
        egui::vec2(-1.0, 0.0),
        egui::vec2(1.0, 0.0),
        egui::vec2(0.0, -1.0),
        egui::vec2(0.0, 1.0),
    ] {
        painter.text(
            at + d,
            align,
            text,
            font.clone(),
            Color32::from_white_alpha(220),
        );
    }
    painter.text(at, align, text, font, Color32::from_gray(25));
}

/// A place's dot and name, right of it (else left of it), where nothing is yet (and inside
/// the map); whether it was drawn.
fn place_label(
    painter: &egui::Painter,
    projector: &Projector,
    p: &crate::places::Place,
    clip: Rect,
    taken: &mut Vec<Rect>,
    dots: &mut Vec<egui::Pos2>,
) -> bool {
    let big = p.population >= CITY;
    let font = FontId::proportional(if big { 14.0 } else { 12.0 });
    let at = to_screen(projector, p.at);
    // A place on top of one already named (a city's district) is left out.
    if dots.iter().any(|d| d.distance(at) < 12.0) {
        return false;
    }
    let size = painter
        .layout_no_wrap(p.name.clone(), font.clone(), Color32::BLACK)
        .size();
    // Right of the dot, else left of it.
    let right = Rect::from_min_size(at + egui::vec2(5.0, -size.y / 2.0), size).expand(2.0);
    let left = Rect::from_min_size(at + egui::vec2(-5.0 - size.x, -size.y / 2.0), size).expand(2.0);
    let free = |r: &Rect| clip.contains_rect(*r) && !taken.iter().any(|t| t.intersects(*r));
    let (rect, anchor, align) = if free(&right) {
        (right, at + egui::vec2(6.0, 0.0), Align2::LEFT_CENTER)
    } else if free(&left) {
        (left, at - egui::vec2(6.0, 0.0), Align2::RIGHT_CENTER)
    } else {
        return false;
    };
    taken.push(rect);
    dots.push(at);
    painter.circle(
        at,
        if big { 3.5 } else { 2.5 },
        Color32::from_gray(40),
        Stroke::new(1.0, Color32::WHITE),
    );
    haloed(painter, anchor, align, &p.name, font);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_named_in_the_middle_of_its_visible_part() {
        let clip = Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(100.0, 100.0));
        let pts: Vec<egui::Pos2> = (0..10)
            .map(|k| egui::pos2(-40.0 + 20.0 * k as f32, 50.0))
            .collect();
        // Inside: x = 0, 20, 40, 60, 80, 100: the middle one is x = 60, then
        // outwards along the line.
        let xs: Vec<f32> = line_label_at(&pts, clip).iter().map(|p| p.x).collect();
        assert_eq!(xs, [60.0, 80.0, 40.0, 100.0, 20.0, 0.0]);
        let away: Vec<egui::Pos2> = pts.iter().map(|p| *p + egui::vec2(0.0, 500.0)).collect();
        assert!(line_label_at(&away, clip).is_empty());
    }

    #[test]
    fn a_convoy_label_moves_round_its_marker_to_a_free_place() {
        let clip = Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(400.0, 300.0));
        let at = egui::pos2(200.0, 150.0);
        let size = egui::vec2(40.0, 14.0);
        // Free: above right.
        let (_, align, r) = beside(at, size, &[], clip);
        assert_eq!(align, Align2::LEFT_BOTTOM);
        assert!(r.left() > at.x && r.bottom() < at.y);
        // A town name above right: below right.
        let town = Rect::from_min_size(egui::pos2(205.0, 125.0), egui::vec2(60.0, 16.0));
        let (_, align, r) = beside(at, size, &[town], clip);
        assert_eq!(align, Align2::LEFT_TOP);
        assert!(!r.intersects(town));
        // Both right-hand places taken: above left.
        let below = Rect::from_min_size(egui::pos2(205.0, 155.0), egui::vec2(60.0, 16.0));
        let (_, align, _) = beside(at, size, &[town, below], clip);
        assert_eq!(align, Align2::RIGHT_BOTTOM);
        // At the right edge the label goes left, even where nothing is taken.
        let (_, align, r) = beside(egui::pos2(390.0, 150.0), size, &[], clip);
        assert_eq!(align, Align2::RIGHT_BOTTOM);
        assert!(clip.contains_rect(r));
        // Everything taken: still written, inside the map.
        let all = [clip];
        let (_, _, r) = beside(at, size, &all, clip);
        assert!(clip.contains_rect(r));
    }
}
