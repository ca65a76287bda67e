//! The session's side of editing (like `route_editor`, plain state): the
//! layer in edit mode with its history, save state and journal, the
//! selection, a drag under way, a feature being drawn. `app::editing` changes
//! it; the map and the panels read it.

pub mod journal;

use crate::app::model::Origin;
use crate::edit::postgis::TableRows;
use crate::edit::save::{Edited, Stamp};
use crate::edit::{History, VertexAt};
use crate::model::{Layer, Role};
use geo::{Coord, Geometry};
use std::path::PathBuf;
use std::sync::Arc;

/// Where an edited layer was read from and is saved back to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditSource {
    File(PathBuf),
    /// A PostGIS table, by its URL (with its password: kept in memory only).
    Table(String),
}

impl EditSource {
    /// The source of a layer with this origin, if it is one edits can go back to.
    pub fn of(origin: &Origin) -> Option<EditSource> {
        match origin {
            Origin::Path(p) => Some(EditSource::File(p.clone())),
            Origin::Url(u) if crate::io::postgis::is_db_url(u) => {
                Some(EditSource::Table(u.clone()))
            }
            _ => None,
        }
    }

    /// As a message names it (a URL's password masked).
    pub fn label(&self) -> String {
        match self {
            EditSource::File(p) => p.display().to_string(),
            EditSource::Table(u) => crate::io::postgis::url::mask(u),
        }
    }

    /// What its journal names it by (a URL without its password).
    pub fn key(&self) -> String {
        match self {
            EditSource::File(p) => p.to_string_lossy().into_owned(),
            EditSource::Table(u) => crate::io::postgis::url::without_password(u),
        }
    }

    /// The source a journal's key names.
    pub fn from_key(key: &str) -> EditSource {
        if crate::io::postgis::is_db_url(key) {
            EditSource::Table(key.to_string())
        } else {
            EditSource::File(PathBuf::from(key))
        }
    }

    /// Whether a layer with this origin is read from this source.
    pub fn is_origin(&self, origin: &Origin) -> bool {
        EditSource::of(origin).is_some_and(|s| s.key() == self.key())
    }
}

/// The layer in edit mode: its history, what its save needs, its journal.
pub struct LayerEdit {
    /// The layer's load sequence (`LoadedLayer::seq`): its place may change.
    pub seq: u64,
    pub source: EditSource,
    pub history: History,
    pub edited: Edited,
    /// A table's rows as read: keys and hashes (the conflict check's).
    pub rows: Option<Arc<TableRows>>,
    /// The number the next new feature takes (past the file's own).
    pub next_index: usize,
    pub journal: journal::Journal,
}

impl LayerEdit {
    /// Why the form does not ask for `property` here (a table without a
    /// column for it, or one that numbers or computes it), or `None`.
    pub fn not_asked(&self, property: &str) -> Option<String> {
        self.rows.as_ref().and_then(|r| r.not_asked(property))
    }
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

/// A layer read to edit: its features, its stamp, how many features the
/// source holds (those the reader skipped too) and, for a table, its rows.
pub struct Read {
    pub layer: Layer,
    pub stamp: Stamp,
    pub count: usize,
    pub rows: Option<Arc<TableRows>>,
}

/// The layer read for editing, or why not; a journal's lines to replay.
pub struct ReadForEdit {
    pub seq: u64,
    pub source: EditSource,
    pub result: Result<Read, String>,
    /// A journal to restore: its path, its header's stamp and its op lines.
    pub restore: Option<(PathBuf, String, Vec<String>)>,
}
