//! The edits themselves: an op applied to the edited layer and recorded
//! (history, journal, the features a save rewrites), undo and redo, a drag
//! shown live and recorded once, new features drawn, attributes set; the
//! analysis follows each.

use crate::app::CorridorApp;
use crate::app::editor::{Draft, Dragged, LayerEdit, NEW_ROLES, Shape, shape_of};
use crate::edit::{Op, translate, vertex_position};
use crate::model::{Layer, Role};
use geo::{Coord, Geometry};

impl CorridorApp {
    /// A new incident at `at` in layer `i` (New incident…): the layer is put
    /// in edit mode first when it is not; the form then opens on it, with its
    /// id and the time now filled in.
    pub(super) fn new_incident(&mut self, i: usize, at: Coord) {
        let Some(l) = self.session.layers.get(i) else {
            return;
        };
        if self.session.editor.editing(l.seq) {
            self.session.editor.draft = Some(Draft {
                role: Role::Incident,
                points: vec![at],
            });
            self.finish_drawing();
            self.settings.tab = crate::app::settings::Tab::Layers;
        } else {
            self.start_editing(i, None);
            // Added once the layer is read (`read_for_edit`).
            if self.session.editor.busy {
                self.session.editor.pending_incident = Some(at);
            }
        }
    }

    /// Applies an op to the edited layer and records it; false when it was refused.
    pub(super) fn op(&mut self, op: Op) -> bool {
        let Some(i) = self.edited_index() else {
            return false;
        };
        let Some(edit) = self.session.editor.edit.as_mut() else {
            return false;
        };
        let layer = self.session.layers[i].layer_mut();
        let text = op.describe(layer);
        if let Err(e) = edit.history.apply(layer, op.clone()) {
            return {
                self.warn(format!("not done: {e}"));
                false
            };
        }
        mark_touched(edit, layer, &op);
        edit.journal.append(&op);
        let count_changed = matches!(op, Op::Add { .. } | Op::Delete { .. });
        self.info(text);
        self.edited(count_changed);
        true
    }

    /// After an edit: the tabs follow it (a fresh analysis; the last one stays
    /// shown meanwhile unless features came or went, which moves their places).
    pub(super) fn edited(&mut self, count_changed: bool) {
        // What the edit did not change is taken from the last analysis first.
        self.reanalyse_after(self.edited_index());
        if count_changed {
            self.session.clear_selection();
            self.session.analysis = None;
        }
    }

    pub(super) fn undo_edit(&mut self, undo: bool) {
        let Some(i) = self.edited_index() else {
            return;
        };
        let Some(edit) = self.session.editor.edit.as_mut() else {
            return;
        };
        let layer = self.session.layers[i].layer_mut();
        let done = if undo {
            edit.history.undo(layer)
        } else {
            edit.history.redo(layer)
        };
        match done {
            Ok(Some(op)) => {
                mark_touched(edit, layer, &op);
                edit.journal.append(&op);
                let text = op.describe(layer);
                let count_changed = matches!(op, Op::Add { .. } | Op::Delete { .. });
                let e = &mut self.session.editor;
                if count_changed {
                    e.selected = None;
                }
                e.vertex = None;
                self.info(format!(
                    "{}: {text}",
                    if undo { "undone" } else { "redone" }
                ));
                self.edited(count_changed);
            }
            Ok(None) => {}
            Err(e) => self.warn(format!(
                "could not {}: {e}",
                if undo { "undo" } else { "redo" }
            )),
        }
    }

    pub(super) fn drag_to(&mut self, c: Coord) {
        let Some(i) = self.edited_index() else {
            return;
        };
        let Some(d) = self.session.editor.drag.as_mut() else {
            return;
        };
        let layer = self.session.layers[i].layer_mut();
        let live = match &d.what {
            Dragged::Vertex(at) => Op::Move {
                feature: d.feature,
                at: *at,
                from: d.last,
                to: c,
            },
            Dragged::Feature(before) => Op::Reshape {
                feature: d.feature,
                before: Box::new(None),
                after: Box::new((**before).clone().map(|g| translate(g, c - d.start))),
            },
        };
        // Shown while dragging, recorded (once) when the drag ends.
        if crate::edit::apply(layer, &live).is_ok() {
            d.last = c;
        }
    }

    pub(super) fn end_drag(&mut self) {
        let Some(d) = self.session.editor.drag.take() else {
            return;
        };
        if d.last == d.start {
            return;
        }
        let (Some(i), Some(edit)) = (self.edited_index(), self.session.editor.edit.as_mut()) else {
            return;
        };
        let layer = &self.session.layers[i].layer;
        let op = match d.what {
            Dragged::Vertex(at) => Op::Move {
                feature: d.feature,
                at,
                from: d.start,
                to: d.last,
            },
            Dragged::Feature(before) => Op::Reshape {
                feature: d.feature,
                before: Box::new(*before),
                after: Box::new(
                    layer
                        .features
                        .get(d.feature)
                        .and_then(|f| f.geometry.clone()),
                ),
            },
        };
        let text = op.describe(layer);
        mark_touched(edit, layer, &op);
        edit.history.push(op.clone());
        edit.journal.append(&op);
        self.info(text);
        self.edited(false);
    }

    pub(super) fn remove_selected(&mut self) {
        let e = &self.session.editor;
        let (Some(i), Some(feature)) = (self.edited_index(), e.selected) else {
            return;
        };
        let Some(f) = self.session.layers[i].layer.features.get(feature) else {
            return;
        };
        let op = match e.vertex {
            Some(at) => match vertex_position(f.geometry.as_ref(), at) {
                Some(c) if !matches!(f.geometry, Some(Geometry::Point(_))) => {
                    Op::Remove { feature, at, c }
                }
                _ => Op::Delete {
                    at: feature,
                    feature: Box::new(f.clone()),
                },
            },
            None => Op::Delete {
                at: feature,
                feature: Box::new(f.clone()),
            },
        };
        let whole = matches!(op, Op::Delete { .. });
        if self.op(op) {
            let e = &mut self.session.editor;
            e.vertex = None;
            if whole {
                e.selected = None;
            }
        }
    }

    /// The selected line cut in two at the selected vertex (one feature, two parts).
    pub(super) fn split_selected(&mut self) {
        let e = &self.session.editor;
        let (Some(i), Some(feature), Some(at)) = (self.edited_index(), e.selected, e.vertex) else {
            return;
        };
        let Some(g) = self.session.layers[i]
            .layer
            .features
            .get(feature)
            .and_then(|f| f.geometry.clone())
        else {
            return;
        };
        match crate::edit::split_at(&g, at) {
            Ok(after) => {
                if self.op(Op::Reshape {
                    feature,
                    before: Box::new(Some(g)),
                    after: Box::new(Some(after)),
                }) {
                    self.session.editor.vertex = None;
                }
            }
            Err(e) => self.warn(format!("not split: {e}")),
        }
    }

    pub(super) fn draw_point(&mut self, c: Coord) {
        let Some(d) = self.session.editor.draft.as_mut() else {
            return;
        };
        d.points.push(c);
        if shape_of(d.role) == Shape::Point {
            self.finish_drawing();
        }
    }

    pub(super) fn finish_drawing(&mut self) {
        let Some(d) = self.session.editor.draft.take() else {
            return;
        };
        let (Some(i), Some(edit)) = (self.edited_index(), self.session.editor.edit.as_ref()) else {
            return;
        };
        if d.points.len() < d.needed() {
            self.session.editor.draft = Some(d.clone());
            return self.info(format!(
                "a new {} needs {} point(s): {} placed",
                d.role.as_kind().replace('_', " "),
                d.needed(),
                d.points.len()
            ));
        }
        let geometry = match shape_of(d.role) {
            Shape::Point => Geometry::Point(geo::Point(d.points[0])),
            Shape::Line => Geometry::LineString(geo::LineString(d.points.clone())),
            Shape::Area => Geometry::Polygon(geo::Polygon::new(
                geo::LineString(d.points.clone()),
                Vec::new(),
            )),
        };
        let layer = &self.session.layers[i].layer;
        let prefix = NEW_ROLES
            .iter()
            .find(|(r, _)| *r == d.role)
            .map_or("F", |(_, p)| p);
        let mut props = serde_json::Map::new();
        // Not where a table numbers the id itself, or has no column for it.
        if edit.not_asked("id").is_none() {
            props.insert(
                "id".into(),
                crate::edit::form::next_id(layer, d.role, prefix).into(),
            );
        }
        if d.role == Role::Incident && edit.not_asked("time").is_none() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |t| t.as_secs() as f64);
            if let Some(t) = crate::utc::format_rfc3339(now) {
                props.insert("time".into(), t.into());
            }
        }
        let index = edit.next_index;
        let at = layer.features.len();
        match crate::edit::new_feature(index, d.role, geometry, props) {
            Ok(f) => {
                if self.op(Op::Add {
                    at,
                    feature: Box::new(f),
                }) {
                    if let Some(e) = self.session.editor.edit.as_mut() {
                        e.next_index += 1;
                    }
                    self.session.editor.selected = Some(at);
                }
            }
            Err(e) => self.warn(format!("the new feature cannot be made: {e}")),
        }
    }

    pub(super) fn set_attributes(&mut self, feature: usize, typed: Vec<(&'static str, String)>) {
        let Some(i) = self.edited_index() else {
            return;
        };
        let l = &self.session.layers[i];
        let Some(f) = l.layer.features.get(feature) else {
            return;
        };
        let role = l.effective_role(f.role);
        let before = f.properties.clone();
        match crate::edit::form::fill(&l.layer, Some(feature), role, &before, &typed) {
            Ok(after) if after == before => self.settings.forms.edit_problems.clear(),
            Ok(after) => {
                self.settings.forms.edit_problems.clear();
                self.op(Op::Properties {
                    feature,
                    before: Box::new(before),
                    after: Box::new(after),
                });
            }
            Err(problems) => {
                self.settings.forms.edit_problems = problems
                    .into_iter()
                    .map(|(k, p)| (k, p.to_string()))
                    .collect();
            }
        }
    }
}

/// Records which of the file's features an op changed (rewritten on save).
pub(super) fn mark_touched(edit: &mut LayerEdit, layer: &Layer, op: &Op) {
    if matches!(op, Op::Add { .. } | Op::Delete { .. }) {
        return;
    }
    if let Some(f) = layer.features.get(op.feature())
        && f.index < edit.edited.first_new
    {
        edit.edited.touched.insert(f.index);
    }
}
