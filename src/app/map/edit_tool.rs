//! The map in edit mode: what a click, a drag or a key asks of the edited
//! layer (select, drag a vertex or the whole feature, insert on an edge,
//! delete, draw a new feature), snapping to the vertices and lines of the
//! visible layers (Shift turns it off), and the edit's shapes on the map.

use super::projection::{closest_on_segment, segment_distance, to_screen};
use super::{Interaction, MapView};
use crate::app::command::{Command, EditCommand};
use crate::app::editor::{Drag, Dragged, Editor};
use crate::app::model::LoadedLayer;
use crate::app::session::Session;
use crate::edit::VertexAt;
use crate::edit::{edges, vertices};
use crate::model::Role;
use eframe::egui::{self, Color32, Pos2, Shape, Stroke};
use geo::{Coord, Geometry};
use walkers::Projector;

/// Screen points within which a press or click hits a vertex or an edge, or snaps.
pub const HIT_PX: f32 = 9.0;
const VERTEX: Color32 = Color32::from_rgb(255, 255, 255);
const VERTEX_SELECTED: Color32 = Color32::from_rgb(230, 120, 0);
const EDIT_LINE: Color32 = Color32::from_rgb(230, 120, 0);

fn unproject(projector: &Projector, p: Pos2) -> Coord {
    let pos = projector.unproject(p.to_vec2());
    Coord {
        x: pos.x(),
        y: pos.y(),
    }
}

/// The vertices of a feature shown as handles: a vertex within `SPACING_PX`
/// of the last one shown is not (a dense line zoomed out would be a band of
/// handles, leaving no edge to grab); `keep` always is. Zoomed in, every vertex shows.
fn handles(
    g: &Geometry<f64>,
    projector: &Projector,
    keep: Option<VertexAt>,
) -> Vec<(VertexAt, Coord, Pos2)> {
    const SPACING_PX: f32 = 24.0;
    let mut last: Option<Pos2> = None;
    let mut out = Vec::new();
    for (v, c) in vertices(g) {
        let at = to_screen(projector, c);
        if Some(v) != keep && last.is_some_and(|p| p.distance(at) < SPACING_PX) {
            continue;
        }
        last = Some(at);
        out.push((v, c, at));
    }
    out
}

/// The handle of a feature under a screen position (the vertices shown as handles).
fn vertex_at(
    g: &Geometry<f64>,
    projector: &Projector,
    p: Pos2,
    keep: Option<VertexAt>,
) -> Option<(VertexAt, Coord)> {
    handles(g, projector, keep)
        .into_iter()
        .map(|(v, c, at)| (v, c, at.distance(p)))
        .filter(|x| x.2 <= HIT_PX)
        .min_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(v, c, _)| (v, c))
}

/// The edge of a feature under a screen position: where a vertex inserted
/// there goes, and the point on the edge.
fn edge_at(g: &Geometry<f64>, projector: &Projector, p: Pos2) -> Option<(VertexAt, Coord)> {
    edges(g)
        .into_iter()
        .map(|(v, a, b)| {
            let (a, b) = (to_screen(projector, a), to_screen(projector, b));
            let q = closest_on_segment(p, a, b);
            (v, q, q.distance(p))
        })
        .filter(|x| x.2 <= HIT_PX)
        .min_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(v, q, _)| (v, unproject(projector, q)))
}

/// Whether a screen position is on a feature: near a point or a line, or inside an area.
fn on_feature(g: &Geometry<f64>, projector: &Projector, p: Pos2, at: Coord) -> bool {
    use geo::Contains;
    match g {
        Geometry::Polygon(_) | Geometry::MultiPolygon(_)
            if g.contains(&geo::Point(at)) || edge_at(g, projector, p).is_some() =>
        {
            true
        }
        _ => vertex_at(g, projector, p, None).is_some() || edge_at(g, projector, p).is_some(),
    }
}

/// The feature of the edited layer under a screen position (the selected one
/// first, then points, lines and areas: the smallest target wins).
fn feature_at(layer: &LoadedLayer, projector: &Projector, p: Pos2, at: Coord) -> Option<usize> {
    let rank = |g: &Geometry<f64>| match g {
        Geometry::Point(_) | Geometry::MultiPoint(_) => 0,
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) => 2,
        _ => 1,
    };
    layer
        .layer
        .features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((i, f.geometry.as_ref()?)))
        .filter(|(_, g)| on_feature(g, projector, p, at))
        .min_by_key(|(_, g)| rank(g))
        .map(|(i, _)| i)
}

/// Where a point being placed snaps to: the nearest vertex of a visible layer
/// within `HIT_PX`, else the nearest point on one of their lines; tracks and
/// the vertex being dragged are left out.
fn snap(
    session: &Session,
    projector: &Projector,
    p: Pos2,
    skip: Option<(usize, VertexAt)>,
) -> Option<Coord> {
    let edited = session.editor.edit.as_ref().map(|e| e.seq);
    let mut best_vertex: Option<(f32, Coord)> = None;
    let mut best_edge: Option<(f32, Pos2)> = None;
    let view = projector.clip_rect().expand(HIT_PX);
    for l in session.layers.iter().filter(|l| l.style.visible) {
        let this = edited == Some(l.seq);
        for (fi, f) in l.layer.features.iter().enumerate() {
            if l.effective_role(f.role) == Role::Track {
                continue;
            }
            let Some(g) = &f.geometry else { continue };
            for (v, c) in vertices(g) {
                if this && skip == Some((fi, v)) {
                    continue;
                }
                let s = to_screen(projector, c);
                let d = s.distance(p);
                if view.contains(s) && d <= HIT_PX && best_vertex.is_none_or(|b| d < b.0) {
                    best_vertex = Some((d, c));
                }
            }
            for (v, a, b) in edges(g) {
                // The dragged vertex's own two edges move with it.
                if this
                    && let Some((sf, sv)) = skip
                    && sf == fi
                    && sv.part == v.part
                    && sv.ring == v.ring
                    && (v.index == sv.index || v.index == sv.index + 1)
                {
                    continue;
                }
                let (a, b) = (to_screen(projector, a), to_screen(projector, b));
                let d = segment_distance(p, a, b);
                if d <= HIT_PX && best_edge.is_none_or(|e| d < e.0) {
                    best_edge = Some((d, closest_on_segment(p, a, b)));
                }
            }
        }
    }
    best_vertex
        .map(|(_, c)| c)
        .or_else(|| best_edge.map(|(_, q)| unproject(projector, q)))
}

impl MapView {
    /// Edit mode: draw a new feature, or select, drag, insert and delete.
    pub(super) fn edit_commands(
        &self,
        ui: &egui::Ui,
        session: &Session,
        input: &Interaction,
        out: &mut Vec<Command>,
    ) {
        let editor = &session.editor;
        let Some(edit) = &editor.edit else { return };
        let Some(layer) = session.layers.iter().find(|l| l.seq == edit.seq) else {
            return;
        };
        let projector = self.projector();
        let snapping = !ui.input(|i| i.modifiers.shift);
        let place = |px: Option<Pos2>, at: Coord, skip| {
            px.filter(|_| snapping)
                .and_then(|p| snap(session, &projector, p, skip))
                .unwrap_or(at)
        };
        let typing = ui.ctx().egui_wants_keyboard_input();
        let (undo, redo) = super::tools::undo_redo_keys(ui.ctx());
        let (delete, enter, escape) = ui.input(|i| {
            use egui::Key;
            (
                !typing && (i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace)),
                !typing && i.key_pressed(Key::Enter),
                i.key_pressed(Key::Escape),
            )
        });
        if undo {
            out.push(Command::Edit(EditCommand::Undo));
        }
        if redo {
            out.push(Command::Edit(EditCommand::Redo));
        }
        if editor.draft.is_some() {
            if input.double_clicked {
                out.push(Command::Edit(EditCommand::FinishDrawing));
            } else if let Some(at) = input.clicked {
                out.push(Command::Edit(EditCommand::DrawPoint(place(
                    input.click_px,
                    at,
                    None,
                ))));
            }
            if enter {
                out.push(Command::Edit(EditCommand::FinishDrawing));
            }
            if escape {
                out.push(Command::Edit(EditCommand::CancelDrawing));
            }
            return;
        }
        let selected = editor
            .selected
            .and_then(|i| Some((i, layer.layer.features.get(i)?.geometry.as_ref()?)));
        if let (Some(p), Some(start)) = (input.press_px, input.drag_start)
            && let Some((fi, g)) = selected
        {
            let press = unproject(&projector, p);
            if let Some((v, c)) = vertex_at(g, &projector, p, editor.vertex) {
                out.push(Command::Edit(EditCommand::SelectVertex(Some(v))));
                out.push(Command::Edit(EditCommand::BeginDrag(Drag {
                    feature: fi,
                    what: Dragged::Vertex(v),
                    start: c,
                    last: c,
                })));
            } else if on_feature(g, &projector, p, press) {
                out.push(Command::Edit(EditCommand::BeginDrag(Drag {
                    feature: fi,
                    what: Dragged::Feature(Box::new(Some(g.clone()))),
                    start,
                    last: start,
                })));
            }
        }
        if let (Some(c), Some(d)) = (input.dragging, &editor.drag) {
            let to = match d.what {
                Dragged::Vertex(v) => place(input.pointer_px, c, Some((d.feature, v))),
                Dragged::Feature(_) => c,
            };
            out.push(Command::Edit(EditCommand::DragTo(to)));
        }
        if input.drag_stop && editor.drag.is_some() {
            out.push(Command::Edit(EditCommand::EndDrag));
        }
        if let (Some(p), Some(at)) = (input.click_px, input.clicked) {
            let cmd = match selected {
                Some((_, g)) if vertex_at(g, &projector, p, editor.vertex).is_some() => {
                    EditCommand::SelectVertex(
                        vertex_at(g, &projector, p, editor.vertex).map(|v| v.0),
                    )
                }
                Some((fi, g)) if edge_at(g, &projector, p).is_some() => {
                    let (v, c) = edge_at(g, &projector, p).unwrap_or((VertexAt::new(0, 0, 0), at));
                    EditCommand::Insert {
                        feature: fi,
                        at: v,
                        c,
                    }
                }
                _ => EditCommand::Select(feature_at(layer, &projector, p, at)),
            };
            out.push(Command::Edit(cmd));
        }
        if delete && editor.selected.is_some() {
            out.push(Command::Edit(EditCommand::RemoveVertex));
        }
        if escape {
            out.push(Command::Edit(EditCommand::Select(None)));
        }
    }
}

impl MapView {
    /// The edit's shapes for the map (see `EditPlugin`).
    pub(super) fn edit_shapes(session: &Session, cursor: Option<Coord>) -> EditPlugin<'_> {
        EditPlugin {
            editor: &session.editor,
            layer: session
                .editor
                .edit
                .as_ref()
                .and_then(|e| session.layers.iter().find(|l| l.seq == e.seq)),
            cursor,
        }
    }
}

/// The edit's shapes over the layers: the selected feature's vertices (the
/// selected one filled), and the new feature being drawn with the pointer's
/// next leg.
pub struct EditPlugin<'a> {
    pub editor: &'a Editor,
    pub layer: Option<&'a LoadedLayer>,
    pub cursor: Option<Coord>,
}

impl super::plugin::Paint for EditPlugin<'_> {
    fn paint(&self, painter: &egui::Painter, projector: &Projector) {
        let e = self.editor;
        if let (Some(l), Some(i)) = (self.layer, e.selected)
            && let Some(g) = l.layer.features.get(i).and_then(|f| f.geometry.as_ref())
        {
            for (_, a, b) in edges(g) {
                painter.line_segment(
                    [to_screen(projector, a), to_screen(projector, b)],
                    Stroke::new(2.0, EDIT_LINE),
                );
            }
            for (v, _, at) in handles(g, projector, e.vertex) {
                let chosen = e.vertex == Some(v);
                let fill = if chosen { VERTEX_SELECTED } else { VERTEX };
                let r = egui::Rect::from_center_size(at, egui::vec2(8.0, 8.0));
                painter.rect_filled(r, 1.0, fill);
                painter.rect_stroke(
                    r,
                    1.0,
                    Stroke::new(1.5, Color32::BLACK),
                    egui::StrokeKind::Middle,
                );
            }
        }
        if let Some(d) = &e.draft {
            let mut pts: Vec<Pos2> = d.points.iter().map(|c| to_screen(projector, *c)).collect();
            if let Some(c) = self.cursor {
                pts.push(to_screen(projector, c));
            }
            if crate::app::editor::shape_of(d.role) == crate::app::editor::Shape::Area
                && pts.len() > 2
            {
                pts.push(pts[0]);
            }
            painter.extend(Shape::dashed_line(
                &pts,
                Stroke::new(2.5, EDIT_LINE),
                8.0,
                5.0,
            ));
            for c in &d.points {
                painter.circle(
                    to_screen(projector, *c),
                    4.5,
                    VERTEX,
                    Stroke::new(1.5, EDIT_LINE),
                );
            }
        }
    }
}
