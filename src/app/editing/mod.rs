//! Editing a layer in the app: one layer at a time is in edit mode (Layers
//! tab > Edit). The core's ops (`crate::edit`) change it; each is journaled
//! (`journal`), can be undone, and starts a fresh analysis so that the tabs
//! follow the edit. Save writes the edits back to the GeoJSON file.

mod files;
pub mod journal;
mod ops;

use ops::mark_touched;

use super::CorridorApp;
use super::command::EditCommand;
use super::session::Tool;
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
    /// A new incident to add once its layer is read for editing.
    pub pending_incident: Option<Coord>,
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
    pub(super) fn edited_index(&self) -> Option<usize> {
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
            EditCommand::NewIncident { layer, at } => self.new_incident(layer, at),
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
}
