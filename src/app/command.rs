//! What panels, menus and map tools ask for. They read the session and push
//! commands; the frame applies them after drawing (`CorridorApp::apply`).

use super::export::ExportKind;
use super::model::LayerStyle;
use super::session::{StretchRef, Tool, ToolShape};
use super::settings::{Tab, TileChoice};
use crate::model::Role;
use geo::Coord;
use std::path::PathBuf;

pub enum Command {
    // Layers.
    PickFiles,
    OpenPath(PathBuf),
    OpenUrl(String),
    /// File > Open OGC API…: list a server's collections.
    ListCollections(String),
    /// Open a collection's items (all pages), within the view when asked.
    OpenCollection {
        items_url: String,
        view_only: bool,
    },
    /// Read a URL or database layer again, in place.
    RefreshLayer(usize),
    /// Live tab: hear other operators' alerts from a PostGIS table.
    ListenAlerts(String),
    StopListening,
    OpenBundled,
    RemoveLayer(usize),
    SetLayerStyle(usize, LayerStyle),
    /// The role read for a layer's features without `kind` (re-analyses).
    SetLayerRole(usize, Role),
    ShowTable(Option<usize>),
    // The map.
    ZoomTo([f64; 4]),
    ZoomToAll,
    ShowTab(Tab),
    UseTool(Tool),
    SetTiles(TileChoice),
    PickPmTiles,
    /// Centre the map on a place found by name.
    GoTo {
        at: Coord,
        zoom: f64,
        what: String,
    },
    // Selection and queries.
    SelectConvoy(usize),
    SelectStretch(StretchRef),
    SelectAlert(usize),
    /// A feature picked in a table: highlight it and zoom to it.
    ShowFeature {
        layer: usize,
        feature: usize,
    },
    /// Features highlighted (a row picked).
    Highlight(Vec<(usize, usize)>),
    /// Features highlighted while the pointer is over them on the map.
    Hover(Vec<(usize, usize)>),
    Identify {
        at: Coord,
        pick_m: f64,
    },
    /// A query box or circle being dragged.
    DragQuery(ToolShape),
    AreaQuery(ToolShape),
    Measure(Coord),
    ClearMeasure,
    /// Esc: the measure and the query shape go.
    ClearToolShapes,
    // The route.
    Route(RouteEdit),
    PlanRoute,
    PickRouteFile,
    // Live feed and replay.
    ShowFeedWindow,
    StartFeed {
        url: String,
        interval_s: f64,
    },
    StopFeed,
    /// Replay the loaded tracks as a live feed.
    ReplayLoadedAsLive,
    /// File > Replay recorded tracks as live…: pick the files.
    PickReplayFiles,
    /// The replay-as-live speed (recorded seconds per second).
    SetReplaySpeed(f64),
    Timeline(TimelineControl),
    /// Route tab > Notify movement…: the form, filled in from the route.
    OpenNotify,
    /// The form's movement for the route being planned, into the layer of new movements.
    AddMovement(crate::output::route::MovementText),
    /// Editing a layer (Layers tab > Edit, the map in edit mode).
    Edit(EditCommand),
    /// The New incident… window, at a map position when given (Ctrl+I, the context menu).
    OpenNewIncident(Option<Coord>),
    // Files out, jobs, the log.
    PickExport(ExportKind),
    CancelJob(u64),
    ClearLog,
    Warn(String),
}

/// An edit of the route being planned.
pub enum RouteEdit {
    Rename(String),
    SetSpeed(f64),
    /// How far (metres) and how many days back the route looks for incidents.
    SetExposure {
        reach_m: f64,
        days: f64,
    },
    /// The departure (Unix seconds); `None`: now.
    SetDepart(Option<f64>),
    Select(usize),
    Append(Coord),
    /// A waypoint inserted on leg `leg` (after waypoint `leg`).
    Insert {
        leg: usize,
        at: Coord,
    },
    BeginDrag(usize),
    DragTo(Coord),
    EndDrag,
    Delete(usize),
    Undo,
    Redo,
    Clear,
    Reverse,
}

/// The replay bar's controls.
pub enum TimelineControl {
    Show(bool),
    PlayPause,
    SetSpeed(f64),
    SetTime(f64),
    Follow(Option<String>),
}

/// An edit of the layer in edit mode (see `app::editing`).
pub enum EditCommand {
    /// Put layer `i` in edit mode.
    Start(usize),
    /// Restore the journal found at start (its place in `Editor::found`).
    Restore(usize),
    /// Forget a journal found at start (its edits are lost).
    Forget(usize),
    /// Leave edit mode (refused with unsaved edits).
    Stop,
    /// Leave edit mode, losing the unsaved edits (the file is read again).
    Discard,
    Save,
    Undo,
    Redo,
    /// Select a feature of the edited layer (its position), or none.
    Select(Option<usize>),
    SelectVertex(Option<crate::edit::VertexAt>),
    BeginDrag(super::editor::Drag),
    DragTo(Coord),
    EndDrag,
    /// A vertex inserted on an edge.
    Insert {
        feature: usize,
        at: crate::edit::VertexAt,
        c: Coord,
    },
    /// Delete the selected vertex, or the selected feature when no vertex is.
    RemoveVertex,
    /// Split the selected line at the selected vertex (two parts of one feature).
    Split,
    /// Draw a new feature of a role, click by click.
    StartDrawing(Role),
    DrawPoint(Coord),
    FinishDrawing,
    CancelDrawing,
    /// A new incident at a position in layer `layer` (put in edit mode if it is not).
    NewIncident {
        layer: usize,
        at: Coord,
    },
    /// Quit although the edited layer has unsaved edits: saving them first, or losing them.
    Quit {
        save: bool,
    },
    /// The attribute form's text by field, for the feature at a position.
    Attributes {
        feature: usize,
        typed: Vec<(&'static str, String)>,
    },
}
