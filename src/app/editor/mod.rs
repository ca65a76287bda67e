//! The session's side of editing (like `route_editor`, plain state): the
//! layer in edit mode with its history, save state and journal, the
//! selection, a drag under way, a feature being drawn. `app::editing` changes
//! it; the map and the panels read it.

pub mod journal;

use crate::edit::save::{Edited, Stamp};
use crate::edit::{History, VertexAt};
use crate::model::{Layer, Role};
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
