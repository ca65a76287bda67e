//! The session: what is open and what is selected. Layers, the analysis of
//! them, the selection, the tools' results, the route being edited, alerts,
//! the replay and the log. Panels read it; only commands change it.

use super::live::feed::FeedAlert;
use super::model::{Analysis, LoadedLayer};
use super::route_editor::RouteEditor;
use super::timeline::Timeline;
use geo::Coord;

/// What is highlighted on the map.
#[derive(Default, Clone)]
pub struct Highlight {
    /// (layer, feature) pairs (identify results, hover, selected rows).
    pub features: Vec<(usize, usize)>,
    /// A selected stretch path.
    pub path: Option<Vec<Coord>>,
}

/// A tool's shape on the map.
#[derive(Clone, Debug)]
pub enum ToolShape {
    Measure(Vec<Coord>),
    Box(Coord, Coord),
    Circle(Coord, f64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Identify,
    Measure,
    BoxQuery,
    RadiusQuery,
    Route,
    /// Edit mode: select, drag and insert vertices of the edited layer, draw new features.
    Edit,
}

pub struct LogEntry {
    pub error: bool,
    /// A live alert (a convoy flagged): neither info nor a problem of the app.
    pub alert: bool,
    pub text: String,
    /// Wall-clock time, "HH:MM:SS" UTC.
    pub at: String,
}

/// Which kind of stretch of a convoy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StretchKind {
    Deviation,
    ZoneEntry,
}

/// One stretch of the selected convoy: its kind and its place in that list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StretchRef {
    pub kind: StretchKind,
    pub index: usize,
}

/// What is selected in the panels.
#[derive(Default)]
pub struct Selection {
    pub convoy: Option<usize>,
    pub stretch: Option<StretchRef>,
    pub alert: Option<usize>,
    /// The layer whose attribute table is open.
    pub table_layer: Option<usize>,
}

/// A feature found by a query, with its distance from the query point when it has one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub layer: usize,
    pub feature: usize,
    pub distance_m: Option<f64>,
}

/// The last identify or area query.
#[derive(Default)]
pub struct QueryResults {
    pub title: String,
    pub hits: Vec<Hit>,
}

pub struct Session {
    pub layers: Vec<LoadedLayer>,
    pub analysis: Option<Analysis>,
    pub log: Vec<LogEntry>,
    pub tool: Tool,
    pub highlight: Highlight,
    pub results: QueryResults,
    pub measure: Vec<Coord>,
    /// A box or circle being dragged with a query tool.
    pub query_shape: Option<ToolShape>,
    pub selection: Selection,
    pub route: RouteEditor,
    /// A route is being planned along the corridors (on a worker).
    pub planning: bool,
    pub alerts: Vec<FeedAlert>,
    pub timeline: Timeline,
    /// File > Open OGC API…: the server's collections once listed.
    pub ogc_collections: Option<Result<Vec<crate::io::ogc::Collection>, String>>,
    /// Movements made with Notify movement… (GeoJSON features), the layer
    /// `NEW_MOVEMENTS` holds until saved.
    pub new_movements: Vec<serde_json::Value>,
    /// The layer in edit mode, its selection and history (Layers tab > Edit).
    pub editor: super::editor::Editor,
    /// The last place found with Go to (New incident… offers it).
    pub last_go_to: Option<(Coord, String)>,
}

impl Default for Session {
    fn default() -> Self {
        Self {
            layers: Vec::new(),
            analysis: None,
            log: Vec::new(),
            tool: Tool::Identify,
            highlight: Highlight::default(),
            results: QueryResults::default(),
            measure: Vec::new(),
            query_shape: None,
            selection: Selection::default(),
            route: RouteEditor::default(),
            planning: false,
            alerts: Vec::new(),
            timeline: Timeline::default(),
            ogc_collections: None,
            new_movements: Vec::new(),
            editor: Default::default(),
            last_go_to: None,
        }
    }
}

fn now_hms() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}

impl Session {
    pub fn info(&mut self, text: impl Into<String>) {
        self.log_line(false, false, text.into());
    }

    /// An error or warning line (the frame opens the log panel for it).
    pub fn warn(&mut self, text: impl Into<String>) {
        self.log_line(true, false, text.into());
    }

    /// A live alert's line: counted and coloured as an alert, not as an error.
    pub fn alert(&mut self, text: impl Into<String>) {
        self.log_line(false, true, text.into());
    }

    fn log_line(&mut self, error: bool, alert: bool, text: String) {
        self.log.push(LogEntry {
            error,
            alert,
            text,
            at: now_hms(),
        });
    }

    /// The generation of the analysis shown (0 before the first).
    pub fn analysis_generation(&self) -> u64 {
        self.analysis.as_ref().map(|a| a.generation).unwrap_or(0)
    }

    fn visible(&self, layer: usize) -> bool {
        self.layers.get(layer).is_some_and(|l| l.style.visible)
    }

    /// Visible features within `pick_m` metres of a point, nearest first.
    pub fn features_at(&self, c: Coord, pick_m: f64) -> Vec<Hit> {
        let Some(a) = &self.analysis else {
            return Vec::new();
        };
        a.all
            .at(c, pick_m)
            .into_iter()
            .map(|(s, d)| {
                let f = a.all.shapes[s as usize].feature;
                Hit {
                    layer: f.layer as usize,
                    feature: f.feature as usize,
                    distance_m: Some(d),
                }
            })
            .filter(|h| self.visible(h.layer))
            .collect()
    }

    /// Visible features inside a box or circle, titled for the Results tab.
    pub fn features_in(&self, shape: &ToolShape) -> Option<QueryResults> {
        let a = self.analysis.as_ref()?;
        let hit = |s: u32, distance_m| {
            let f = a.all.shapes[s as usize].feature;
            Hit {
                layer: f.layer as usize,
                feature: f.feature as usize,
                distance_m,
            }
        };
        let (hits, place): (Vec<Hit>, String) = match shape {
            ToolShape::Box(p, q) => {
                let (w, s, e, n) = (p.x.min(q.x), p.y.min(q.y), p.x.max(q.x), p.y.max(q.y));
                let hits = a
                    .all
                    .in_bbox(w, s, e, n)
                    .into_iter()
                    .map(|sh| hit(sh, None));
                (
                    hits.collect(),
                    format!("Box {w:.4}, {s:.4} to {e:.4}, {n:.4}"),
                )
            }
            ToolShape::Circle(c, r) => {
                let hits = a.all.within_m(*c, *r).into_iter();
                (
                    hits.map(|(sh, d)| hit(sh, Some(d))).collect(),
                    format!(
                        "Within {} of {:.5}, {:.5}",
                        crate::output::text::format_length_m(*r),
                        c.x,
                        c.y
                    ),
                )
            }
            ToolShape::Measure(_) => return None,
        };
        let hits: Vec<Hit> = hits.into_iter().filter(|h| self.visible(h.layer)).collect();
        Some(QueryResults {
            title: format!("{place}: {} feature(s)", hits.len()),
            hits,
        })
    }

    /// The selected convoy's stretch path (deviation or zone entry), if any.
    pub fn stretch_path(&self, convoy: usize, s: StretchRef) -> Option<&Vec<Coord>> {
        let r = self.analysis.as_ref()?.results.get(convoy)?;
        match s.kind {
            StretchKind::Deviation => r.deviation_paths.get(s.index),
            StretchKind::ZoneEntry => r.zone_paths.get(s.index),
        }
    }

    /// The layers as the analysis reads them (picked roles applied), live feeds too or not.
    pub fn layers_for_analysis(&self, with_feeds: bool) -> Vec<crate::model::Layer> {
        self.layers
            .iter()
            .filter(|l| with_feeds || !matches!(l.origin, super::model::Origin::Feed(_)))
            .map(LoadedLayer::for_analysis)
            .collect()
    }

    /// The lon/lat box of every feature of every layer.
    pub fn bbox_of_all(&self) -> Option<[f64; 4]> {
        super::model::bbox_of_features(
            self.layers
                .iter()
                .flat_map(|l| l.layer.features.iter().filter_map(|f| f.geometry.as_ref())),
        )
    }

    /// Forgets what points into the layer list (after a layer is removed).
    pub fn clear_selection(&mut self) {
        self.highlight = Highlight::default();
        self.results = QueryResults::default();
        self.selection = Selection::default();
    }
}
