//! Editing a layer in the app: one layer at a time is in edit mode (Layers
//! tab > Edit). The core's ops (`crate::edit`) change it; each is journaled
//! (`journal`), can be undone, and starts a fresh analysis so that the tabs
//! follow the edit. Save writes the edits back to the GeoJSON file.

pub mod journal;

use super::CorridorApp;
use super::command::EditCommand;
use super::jobs::JobOut;
use super::session::Tool;
use super::settings::Tab;
use crate::edit::save::{Edited, Stamp};
use crate::edit::{History, Op, VertexAt};
use crate::model::{Layer, Role};
use eframe::egui;
use geo::{Coord, Geometry};
use std::path::PathBuf;

/// The layer in edit mode: its history, what its save needs, its journal.
pub struct LayerEdit {
    /// The layer's load sequence (`LoadedLayer::seq`): its place may change.
    pub seq: u64,
    pub path: PathBuf,
    pub history: History,
    pub edited: Edited,
    /// The number the next new feature takes (past the file's own).
    pub next_index: usize,
    pub journal: journal::Journal,
}

/// A press-and-drag on the map in edit mode.
#[derive(Clone, Debug)]
pub struct Drag {
    pub feature: usize,
    pub what: Dragged,
    /// Where the drag started and where it is now (lon/lat).
    pub start: Coord,
    pub last: Coord,
}

#[derive(Clone, Debug)]
pub enum Dragged {
    Vertex(VertexAt),
    /// The whole feature, with its geometry before the drag.
    Feature(Box<Option<Geometry<f64>>>),
}

/// A new feature being drawn, vertex by vertex.
#[derive(Clone, Debug)]
pub struct Draft {
    pub role: Role,
    pub points: Vec<Coord>,
}

impl Draft {
    /// Vertices needed before it can be finished: a point 1, a line 2, an area 3.
    pub fn needed(&self) -> usize {
        match shape_of(self.role) {
            Shape::Point => 1,
            Shape::Line => 2,
            Shape::Area => 3,
        }
    }
}

/// What a new feature of a role is drawn as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Point,
    Line,
    Area,
}

pub fn shape_of(role: Role) -> Shape {
    match role {
        Role::Incident => Shape::Point,
        Role::BufferZone | Role::Sector => Shape::Area,
        _ => Shape::Line,
    }
}

/// The roles a new feature may take, with the prefix of its new id.
pub const NEW_ROLES: [(Role, &str); 6] = [
    (Role::Corridor, "HC"),
    (Role::ContactLine, "CL"),
    (Role::BufferZone, "BZ"),
    (Role::Sector, "SEC"),
    (Role::Incident, "INC"),
    (Role::GrainRoute, "GR"),
];

/// The session's side of editing.
#[derive(Default)]
pub struct Editor {
    pub edit: Option<LayerEdit>,
    /// The selected feature (its position in the edited layer) and vertex.
    pub selected: Option<usize>,
    pub vertex: Option<VertexAt>,
    pub drag: Option<Drag>,
    pub draft: Option<Draft>,
    /// A save, or the layer read for editing, is under way: edits wait.
    pub busy: bool,
    /// Journals of edits never saved, found at start.
    pub found: Vec<journal::Found>,
    /// A journal to restore once its source, being opened, is in.
    pub pending_restore: Option<journal::Found>,
    /// The window may close although edits are unsaved (the user said so),
    /// or closes once the save under way is done.
    pub allow_quit: bool,
    pub quit_after_save: bool,
}

impl Editor {
    /// Whether the layer with load sequence `seq` is in edit mode.
    pub fn editing(&self, seq: u64) -> bool {
        self.edit.as_ref().is_some_and(|e| e.seq == seq)
    }

    /// Whether the edited layer has edits not yet saved.
    pub fn dirty(&self) -> bool {
        self.edit.as_ref().is_some_and(|e| e.history.is_dirty())
    }
}

/// The layer read for editing: its features, its stamp and how many features
/// the file holds (those the reader skipped too); a journal's lines to replay.
pub struct ReadForEdit {
    pub seq: u64,
    pub path: PathBuf,
    pub result: Result<(Layer, Stamp, usize), String>,
    /// A journal to restore: its path, its header's stamp and its op lines.
    pub restore: Option<(PathBuf, String, Vec<String>)>,
}

/// Reads `path` as a GeoJSON layer to edit (a feature that cannot be read is
/// skipped with a warning, as when it was opened).
fn read_for_edit(path: &std::path::Path) -> Result<(Layer, Stamp, usize), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let source = path.display().to_string();
    if crate::io::Format::detect(&source, &bytes) != crate::io::Format::GeoJson {
        return Err(format!(
            "{source}: only GeoJSON files can be edited here for now; open a GeoJSON copy (File > Export) to edit it"
        ));
    }
    let layer = crate::io::read_bytes(&source, &bytes)
        .or_else(|e| match e {
            crate::error::LoadError::Feature { .. } => {
                crate::io::read_geojson_skipping(&source, &bytes)
            }
            e => Err(e),
        })
        .map_err(|e| e.to_string())?;
    let count = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("features").and_then(|f| f.as_array()).map(Vec::len))
        .ok_or_else(|| format!("{source} is not a GeoJSON FeatureCollection"))?;
    Ok((crate::io::named(layer, &source), Stamp::of(&bytes), count))
}

impl CorridorApp {
    /// Asked to close with unsaved edits: the window stays and asks first.
    pub(super) fn hold_close_for_edits(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.session.editor.dirty()
            && !self.session.editor.allow_quit
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.settings.windows.quit_ask = true;
        }
    }

    /// The edited layer's place in the layer list.
    fn edited_index(&self) -> Option<usize> {
        let seq = self.session.editor.edit.as_ref()?.seq;
        self.session.layers.iter().position(|l| l.seq == seq)
    }

    pub(super) fn edit_command(&mut self, c: EditCommand) {
        if self.session.editor.busy && !matches!(c, EditCommand::Select(_)) {
            self.info("the layer is being read or saved: try again in a moment");
            return;
        }
        match c {
            EditCommand::Start(i) => self.start_editing(i, None),
            EditCommand::Restore(k) => self.restore_journal(k),
            EditCommand::Forget(k) => {
                if k < self.session.editor.found.len() {
                    let f = self.session.editor.found.remove(k);
                    journal::remove(&f.journal);
                    self.info(format!(
                        "discarded the unsaved edits to {}",
                        f.source.display()
                    ));
                }
            }
            EditCommand::Stop => self.stop_editing(false),
            EditCommand::Discard => self.stop_editing(true),
            EditCommand::Save => self.save_edits(),
            EditCommand::Undo => self.undo_edit(true),
            EditCommand::Redo => self.undo_edit(false),
            EditCommand::Select(f) => {
                let e = &mut self.session.editor;
                e.selected = f;
                e.vertex = None;
            }
            EditCommand::SelectVertex(v) => self.session.editor.vertex = v,
            EditCommand::BeginDrag(d) => self.session.editor.drag = Some(d),
            EditCommand::DragTo(c) => self.drag_to(c),
            EditCommand::EndDrag => self.end_drag(),
            EditCommand::Insert { feature, at, c } => {
                if self.op(Op::Insert { feature, at, c }) {
                    self.session.editor.vertex = Some(at);
                }
            }
            EditCommand::RemoveVertex => self.remove_selected(),
            EditCommand::StartDrawing(role) => {
                let e = &mut self.session.editor;
                e.draft = Some(Draft {
                    role,
                    points: Vec::new(),
                });
                e.selected = None;
                e.vertex = None;
                self.session.tool = Tool::Edit;
            }
            EditCommand::DrawPoint(c) => self.draw_point(c),
            EditCommand::FinishDrawing => self.finish_drawing(),
            EditCommand::CancelDrawing => self.session.editor.draft = None,
            EditCommand::Attributes { feature, typed } => self.set_attributes(feature, typed),
            EditCommand::Quit { save: true } => {
                self.session.editor.quit_after_save = true;
                self.save_edits();
            }
            EditCommand::Quit { save: false } => {
                if let Some(e) = &self.session.editor.edit {
                    e.journal.clear();
                    self.runtime.journal.flush();
                }
                self.session.editor.allow_quit = true;
                self.runtime
                    .ctx
                    .send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Puts layer `i` in edit mode: it is read again from its file (so that
    /// what is edited is what the file holds, with its stamp).
    pub(super) fn start_editing(&mut self, i: usize, restore: Option<(PathBuf, String)>) {
        let Some(l) = self.session.layers.get(i) else {
            return;
        };
        let super::model::Origin::Path(path) = l.origin.clone() else {
            return self.warn(format!(
                "{}: only layers read from a GeoJSON file can be edited for now",
                l.layer.name
            ));
        };
        if let Some(e) = &self.session.editor.edit
            && e.seq != l.seq
            && e.history.is_dirty()
        {
            return self.warn(format!(
                "save or discard the edits to {} before editing another layer",
                e.path.display()
            ));
        }
        let seq = l.seq;
        self.session.editor.busy = true;
        let p2 = path.clone();
        self.runtime.jobs.spawn(
            format!("reading {} to edit", path.display()),
            move |_| {
                let restore = restore.and_then(|(journal, stamp)| {
                    let text = std::fs::read_to_string(&journal).ok()?;
                    let lines = text.lines().skip(1).map(str::to_string).collect();
                    Some((journal, stamp, lines))
                });
                JobOut::ReadForEdit(Box::new(ReadForEdit {
                    seq,
                    result: read_for_edit(&path),
                    path,
                    restore,
                }))
            },
            move |msg| {
                JobOut::ReadForEdit(Box::new(ReadForEdit {
                    seq,
                    path: p2.clone(),
                    result: Err(msg),
                    restore: None,
                }))
            },
        );
    }

    /// The layer read for editing: it replaces the layer's data, and edit mode starts.
    pub(super) fn read_for_edit(&mut self, r: ReadForEdit) {
        self.session.editor.busy = false;
        let Some(i) = self.session.layers.iter().position(|l| l.seq == r.seq) else {
            return;
        };
        let (layer, stamp, count) = match r.result {
            Ok(x) => x,
            Err(e) => return self.warn(format!("cannot edit: {e}")),
        };
        let read = layer.features.iter().map(|f| f.index).collect();
        let n = layer.features.len();
        *self.session.layers[i].layer_mut() = layer;
        let journal = journal::Journal::new(
            self.runtime.state_dir.as_deref(),
            &r.path,
            &stamp,
            self.runtime.journal.clone(),
        );
        let mut edit = LayerEdit {
            seq: r.seq,
            path: r.path.clone(),
            history: History::default(),
            edited: Edited {
                read,
                touched: Default::default(),
                first_new: count,
                stamp,
            },
            next_index: count,
            journal: journal.clone(),
        };
        let mut restored = None;
        if let Some((jpath, header_stamp, lines)) = r.restore {
            if header_stamp != edit.edited.stamp.hex() {
                self.warn(format!(
                    "{} changed since the unsaved edits were journaled: they are not restored (the journal stays at {})",
                    r.path.display(),
                    jpath.display()
                ));
            } else {
                let layer = self.session.layers[i].layer_mut();
                let replay = crate::edit::journal::replay(layer, lines.iter().map(String::as_str));
                for op in &replay.ops {
                    mark_touched(&mut edit, layer, op);
                    edit.history.push(op.clone());
                    journal.append(op);
                }
                edit.next_index = edit.next_index.max(
                    layer
                        .features
                        .iter()
                        .map(|f| f.index + 1)
                        .max()
                        .unwrap_or(0),
                );
                if let Some((line, e)) = replay.stopped {
                    self.warn(format!(
                        "journal {} line {line}: {e}; the edits before it are restored",
                        jpath.display()
                    ));
                }
                journal::remove(&jpath);
                restored = Some(replay.ops.len());
            }
        }
        edit.journal = journal;
        let name = self.session.layers[i].layer.name.clone();
        self.session.editor = super::editing::Editor {
            edit: Some(edit),
            found: std::mem::take(&mut self.session.editor.found),
            ..Default::default()
        };
        self.session.tool = Tool::Edit;
        self.settings.tab = Tab::Layers;
        match restored {
            Some(k) => self.info(format!("editing {name}: {k} unsaved edit(s) restored")),
            None => self.info(format!("editing {name} ({n} features)")),
        }
        self.reanalyse();
    }

    /// Applies an op to the edited layer and records it; false when it was refused.
    fn op(&mut self, op: Op) -> bool {
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
    fn edited(&mut self, count_changed: bool) {
        if count_changed {
            self.session.clear_selection();
            self.reanalyse();
        } else {
            self.reanalyse_keeping();
        }
    }

    fn undo_edit(&mut self, undo: bool) {
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

    fn drag_to(&mut self, c: Coord) {
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

    fn end_drag(&mut self) {
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

    fn remove_selected(&mut self) {
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

    fn draw_point(&mut self, c: Coord) {
        let Some(d) = self.session.editor.draft.as_mut() else {
            return;
        };
        d.points.push(c);
        if shape_of(d.role) == Shape::Point {
            self.finish_drawing();
        }
    }

    fn finish_drawing(&mut self) {
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
        props.insert(
            "id".into(),
            crate::edit::form::next_id(layer, d.role, prefix).into(),
        );
        if d.role == Role::Incident {
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

    fn set_attributes(&mut self, feature: usize, typed: Vec<(&'static str, String)>) {
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

    fn save_edits(&mut self) {
        let (Some(i), Some(edit)) = (self.edited_index(), self.session.editor.edit.as_ref()) else {
            return;
        };
        let layer = self.session.layers[i].layer.clone();
        let (path, edited, seq) = (edit.path.clone(), edit.edited.clone(), edit.seq);
        self.session.editor.busy = true;
        self.runtime.jobs.spawn(
            format!("saving {}", path.display()),
            move |_| JobOut::EditsSaved {
                seq,
                result: crate::edit::save::save_geojson(&path, &layer, &edited)
                    .map(|_| path)
                    .map_err(|e| e.to_string()),
            },
            move |msg| JobOut::EditsSaved {
                seq,
                result: Err(msg),
            },
        );
    }

    /// A save done: the file is read again (so that what is shown is what it
    /// holds), and the journal goes.
    pub(super) fn edits_saved(&mut self, seq: u64, result: Result<PathBuf, String>) {
        self.session.editor.busy = false;
        match result {
            Ok(path) => {
                if let Some(e) = &self.session.editor.edit {
                    e.journal.clear();
                }
                self.info(format!("saved {}; reading it back", path.display()));
                if self.session.editor.quit_after_save {
                    self.runtime.journal.flush();
                    self.session.editor.allow_quit = true;
                    self.runtime
                        .ctx
                        .send_viewport_cmd(egui::ViewportCommand::Close);
                    return;
                }
                if let Some(i) = self.session.layers.iter().position(|l| l.seq == seq) {
                    self.start_editing(i, None);
                }
            }
            Err(e) => {
                self.session.editor.quit_after_save = false;
                self.warn(format!("not saved: {e}"));
            }
        }
    }

    /// Leaves edit mode; `discard`: the unsaved edits go and the file is read again.
    fn stop_editing(&mut self, discard: bool) {
        let Some(edit) = self.session.editor.edit.take() else {
            return;
        };
        if edit.history.is_dirty() && !discard {
            self.session.editor.edit = Some(edit);
            return self.warn("the layer has unsaved edits: Save them, or Discard edits");
        }
        edit.journal.clear();
        let found = std::mem::take(&mut self.session.editor.found);
        self.session.editor = Editor {
            found,
            ..Default::default()
        };
        if self.session.tool == Tool::Edit {
            self.session.tool = Tool::Identify;
        }
        if discard && edit.history.is_dirty() {
            self.info(format!("discarded the edits to {}", edit.path.display()));
            self.open_path(edit.path, None);
        } else {
            self.info(format!("stopped editing {}", edit.path.display()));
        }
    }

    fn restore_journal(&mut self, k: usize) {
        let Some(f) = self.session.editor.found.get(k).cloned() else {
            return;
        };
        let at = self
            .session
            .layers
            .iter()
            .position(|l| l.origin == super::model::Origin::Path(f.source.clone()));
        match at {
            Some(i) => {
                self.session.editor.found.remove(k);
                self.start_editing(i, Some((f.journal, f.stamp)));
            }
            None => {
                // Opened first; the edits follow once it is in (`restore_pending`).
                self.session.editor.found.remove(k);
                self.open_path(f.source.clone(), None);
                self.session.editor.pending_restore = Some(f);
            }
        }
    }

    /// A layer just loaded: if a journal waits for it, its edits are restored.
    pub(super) fn restore_pending(&mut self) {
        let Some(f) = self.session.editor.pending_restore.take() else {
            return;
        };
        let origin = super::model::Origin::Path(f.source.clone());
        match self.session.layers.iter().position(|l| l.origin == origin) {
            Some(i) => self.start_editing(i, Some((f.journal, f.stamp))),
            None => self.session.editor.pending_restore = Some(f),
        }
    }
}

/// Records which of the file's features an op changed (rewritten on save).
fn mark_touched(edit: &mut LayerEdit, layer: &Layer, op: &Op) {
    if matches!(op, Op::Add { .. } | Op::Delete { .. }) {
        return;
    }
    if let Some(f) = layer.features.get(op.feature())
        && f.index < edit.edited.first_new
    {
        edit.edited.touched.insert(f.index);
    }
}

/// Where vertex `at` of a geometry is.
pub fn vertex_position(g: Option<&Geometry<f64>>, at: VertexAt) -> Option<Coord> {
    vertices(g?)
        .into_iter()
        .find(|(v, _)| *v == at)
        .map(|(_, c)| c)
}

/// Every vertex of a geometry with its address (a ring's closing vertex left out).
pub fn vertices(g: &Geometry<f64>) -> Vec<(VertexAt, Coord)> {
    let mut out = Vec::new();
    let mut path = |part: usize, ring: usize, v: &[Coord], closed: bool| {
        let n = if closed {
            v.len().saturating_sub(1)
        } else {
            v.len()
        };
        out.extend(
            v[..n]
                .iter()
                .enumerate()
                .map(|(i, c)| (VertexAt::new(part, ring, i), *c)),
        );
    };
    match g {
        Geometry::Point(p) => path(0, 0, &[p.0], false),
        Geometry::MultiPoint(m) => {
            for (k, p) in m.0.iter().enumerate() {
                path(k, 0, &[p.0], false)
            }
        }
        Geometry::LineString(l) => path(0, 0, &l.0, false),
        Geometry::MultiLineString(m) => {
            for (k, l) in m.0.iter().enumerate() {
                path(k, 0, &l.0, false)
            }
        }
        Geometry::Polygon(p) => {
            path(0, 0, &p.exterior().0, true);
            for (r, ring) in p.interiors().iter().enumerate() {
                path(0, r + 1, &ring.0, true)
            }
        }
        Geometry::MultiPolygon(m) => {
            for (k, p) in m.0.iter().enumerate() {
                path(k, 0, &p.exterior().0, true);
                for (r, ring) in p.interiors().iter().enumerate() {
                    path(k, r + 1, &ring.0, true)
                }
            }
        }
        _ => {}
    }
    out
}

/// Every edge of a geometry: the address a vertex inserted on it takes, and its ends.
pub fn edges(g: &Geometry<f64>) -> Vec<(VertexAt, Coord, Coord)> {
    let mut out = Vec::new();
    let mut path = |part: usize, ring: usize, v: &[Coord]| {
        for (i, w) in v.windows(2).enumerate() {
            out.push((VertexAt::new(part, ring, i + 1), w[0], w[1]));
        }
    };
    match g {
        Geometry::LineString(l) => path(0, 0, &l.0),
        Geometry::MultiLineString(m) => {
            for (k, l) in m.0.iter().enumerate() {
                path(k, 0, &l.0)
            }
        }
        Geometry::Polygon(p) => {
            path(0, 0, &p.exterior().0);
            for (r, ring) in p.interiors().iter().enumerate() {
                path(0, r + 1, &ring.0)
            }
        }
        Geometry::MultiPolygon(m) => {
            for (k, p) in m.0.iter().enumerate() {
                path(k, 0, &p.exterior().0);
                for (r, ring) in p.interiors().iter().enumerate() {
                    path(k, r + 1, &ring.0)
                }
            }
        }
        _ => {}
    }
    out
}

/// A geometry moved by `d` degrees (a feature dragged as a whole).
fn translate(mut g: Geometry<f64>, d: Coord) -> Geometry<f64> {
    use geo::MapCoordsInPlace;
    g.map_coords_in_place(|c| Coord {
        x: c.x + d.x,
        y: c.y + d.y,
    });
    g
}
