//! Labels: the names of corridors, grain lanes and the planned route along
//! their lines, then place names (GeoNames, offline): more places as the map
//! zooms in, larger places first, never two labels on top of each other.

use super::plugin::Paint;
use super::projection::{to_screen, viewport_bbox};
use crate::places::Gazetteer;
use eframe::egui::{self, Align2, Color32, FontId, Rect, Stroke};
use walkers::Projector;

/// Most labels drawn at once.
const MAX_LABELS: usize = 160;

pub struct PlaceLabels<'a> {
    pub places: Option<&'a Gazetteer>,
    pub zoom: f64,
    /// The illustrative-data banner is at the top of the map: no name under it.
    pub banner: bool,
    /// Lines named on the map: (name, lon/lat vertices, colour).
    pub lines: Vec<(String, &'a [geo::Coord], Color32)>,
}

/// Where a line's name goes: the middle of its vertices inside `clip`
/// (screen positions), if any are.
pub fn line_label_at(points: &[egui::Pos2], clip: Rect) -> Option<egui::Pos2> {
    let inside: Vec<egui::Pos2> = points
        .iter()
        .copied()
        .filter(|p| clip.contains(*p))
        .collect();
    inside.get(inside.len() / 2).copied()
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
        // Line names first, on their line's colour; places keep clear of them.
        for (name, line, colour) in &self.lines {
            let pts: Vec<egui::Pos2> = line.iter().map(|c| to_screen(projector, *c)).collect();
            let Some(at) = line_label_at(&pts, clip.shrink(30.0)) else {
                continue;
            };
            let font = FontId::proportional(11.0);
            let galley = painter.layout_no_wrap(name.clone(), font.clone(), Color32::WHITE);
            let rect = Rect::from_center_size(at, galley.size()).expand2(egui::vec2(4.0, 1.5));
            if taken.iter().any(|r| r.intersects(rect)) {
                continue;
            }
            taken.push(rect);
            painter.rect_filled(rect, 3.0, *colour);
            painter.text(at, Align2::CENTER_CENTER, name, font, Color32::WHITE);
        }
        let Some(places) = self.places else { return };
        let reserved = taken.len();
        for p in places.in_box(view, min_population(self.zoom)) {
            if taken.len() - reserved >= MAX_LABELS {
                break;
            }
            let big = p.population >= 500_000;
            let font = FontId::proportional(if big { 14.0 } else { 12.0 });
            let at = to_screen(projector, p.at);
            let galley = painter.layout_no_wrap(p.name.clone(), font.clone(), Color32::BLACK);
            let rect =
                Rect::from_min_size(at + egui::vec2(5.0, -galley.size().y / 2.0), galley.size())
                    .expand(2.0);
            if !clip.contains_rect(rect) || taken.iter().any(|r| r.intersects(rect)) {
                continue;
            }
            taken.push(rect);
            painter.circle(
                at,
                if big { 3.5 } else { 2.5 },
                Color32::from_gray(40),
                Stroke::new(1.0, Color32::WHITE),
            );
            let pos = at + egui::vec2(6.0, 0.0);
            // A light halo keeps names readable over lines and fills.
            for d in [
                egui::vec2(-1.0, 0.0),
                egui::vec2(1.0, 0.0),
                egui::vec2(0.0, -1.0),
                egui::vec2(0.0, 1.0),
            ] {
                painter.text(
                    pos + d,
                    Align2::LEFT_CENTER,
                    &p.name,
                    font.clone(),
                    Color32::from_white_alpha(220),
                );
            }
            painter.text(
                pos,
                Align2::LEFT_CENTER,
                &p.name,
                font,
                Color32::from_gray(25),
            );
        }
    }
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
        // Inside: x = 0, 20, 40, 60, 80, 100: the middle one is x = 60.
        assert_eq!(line_label_at(&pts, clip), Some(egui::pos2(60.0, 50.0)));
        let away: Vec<egui::Pos2> = pts.iter().map(|p| *p + egui::vec2(0.0, 500.0)).collect();
        assert_eq!(line_label_at(&away, clip), None);
    }
}
