//! Layers in and out: files and URLs loaded on workers, the analysis
//! started when they are in, layers removed, and the basemap's tiles.

use super::CorridorApp;
use super::jobs::{Job, JobOut};
use super::model::{LayerStyle, LoadedLayer, Origin, analyse_reusing, bbox_of_features};
use super::settings::TileChoice;
use crate::model::{Layer, Role};
use std::path::PathBuf;

/// A GeoJSON file refused for one bad feature is read again skipping the
/// features that cannot be read, each with a warning (as GDAL and QGIS do):
/// the app loses no good feature for one bad one. Any other error stands.
fn skipping_bad_features(
    path: &std::path::Path,
    e: crate::error::LoadError,
) -> Result<Layer, crate::error::LoadError> {
    if !matches!(&e, crate::error::LoadError::Feature { .. }) {
        return Err(e);
    }
    let Ok(bytes) = std::fs::read(path) else {
        return Err(e);
    };
    let source = path.display().to_string();
    match crate::io::read_geojson_skipping(&source, &bytes) {
        Ok(layer) => Ok(crate::io::named(layer, &source)),
        Err(_) => Err(e),
    }
}

impl CorridorApp {
    pub fn open_path(&mut self, path: PathBuf, saved: Option<(LayerStyle, Role)>) {
        // Remembered between runs: keep it valid from any working directory.
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        let seq = self.next_load();
        let origin = Origin::Path(path.clone());
        let o2 = origin.clone();
        let s2 = saved.clone();
        self.runtime.jobs.spawn(
            Job::cancellable(format!("loading {}", path.display())),
            move |p| JobOut::Loaded {
                seq,
                origin,
                saved,
                result: crate::io::read_path_with(
                    &path,
                    Some(&p.done_bytes),
                    Some(&p.total_bytes),
                    Some(&p.cancel),
                )
                .or_else(|e| skipping_bad_features(&path, e)),
            },
            move |msg| JobOut::Loaded {
                seq,
                origin: o2.clone(),
                saved: s2,
                result: Err(crate::error::LoadError::invalid(&o2.label(), msg)),
            },
        );
    }

    pub fn open_url(&mut self, url: String, saved: Option<(LayerStyle, Role)>) {
        let seq = self.next_load();
        let origin = Origin::Url(url.clone());
        let (o2, s2) = (origin.clone(), saved.clone());
        self.runtime.jobs.spawn(
            Job::cancellable(if crate::io::postgis::is_db_url(&url) {
                format!("reading {}", crate::io::postgis::url::mask(&url))
            } else {
                format!("downloading {url}")
            }),
            move |p| {
                let limits = crate::io::http::FetchLimits::default();
                let result = if crate::io::postgis::is_db_url(&url) {
                    p.rows.store(true, std::sync::atomic::Ordering::Relaxed);
                    crate::io::read_database(
                        &url,
                        &crate::io::postgis::ReadProgress {
                            done_rows: Some(&p.done_bytes),
                            total_rows: Some(&p.total_bytes),
                            cancel: Some(&p.cancel),
                        },
                    )
                } else {
                    crate::io::read_url(&url, &limits, Some(&p.done_bytes), Some(&p.cancel))
                };
                JobOut::Loaded {
                    seq,
                    origin,
                    saved,
                    result,
                }
            },
            move |msg| JobOut::Loaded {
                seq,
                origin: o2.clone(),
                saved: s2,
                result: Err(crate::error::LoadError::invalid(&o2.label(), msg)),
            },
        );
    }

    /// A sequence number for a new load (layers are listed in the order asked for).
    fn next_load(&mut self) -> u64 {
        self.runtime.pending_loads += 1;
        self.runtime.open_seq += 1;
        self.runtime.open_seq
    }

    /// Starts a fresh analysis of the current layers (older results are dropped).
    pub fn reanalyse(&mut self) {
        self.session.analysis = None;
        self.reanalyse_keeping();
    }

    /// Starts a fresh analysis; the last one stays shown until it is in (an
    /// edit that moved a vertex: every feature keeps its place).
    pub fn reanalyse_keeping(&mut self) {
        self.reanalyse_after(None);
    }

    /// Starts a fresh analysis after layer `edited` was edited (the last one
    /// stays shown until it is in): what the edit did not change (the bands
    /// of other shapes, the incidents when the layer holds none of what they
    /// are made from) is taken from the last analysis.
    pub fn reanalyse_after(&mut self, edited: Option<usize>) {
        self.runtime.generation += 1;
        let generation = self.runtime.generation;
        let layers = self.session.layers_for_analysis(true);
        let reuse = match (edited, &self.session.analysis) {
            (Some(i), Some(a)) => a.reuse(&layers, i),
            _ => Default::default(),
        };
        self.runtime.jobs.spawn(
            "analysing",
            move |_| JobOut::Analysed(Box::new(analyse_reusing(generation, layers, reuse))),
            JobOut::Error,
        );
    }

    pub fn remove_layer(&mut self, i: usize) {
        if let Some(l) = self.session.layers.get(i)
            && self.session.editor.editing(l.seq)
        {
            if self.session.editor.dirty() {
                return self.warn(format!(
                    "{} has unsaved edits: Save them, or Discard edits, before removing it",
                    l.layer.name
                ));
            }
            self.session.editor = Default::default();
            self.session.tool = super::session::Tool::Identify;
        }
        if i < self.session.layers.len() {
            let l = self.session.layers.remove(i);
            self.info(format!("removed {}", l.layer.name));
            self.session.clear_selection();
            self.reanalyse();
        }
    }

    /// Switches the basemap's tiles (a bad choice is a warning; the old tiles stay).
    pub fn set_tiles(&mut self, choice: TileChoice) {
        match choice.tiles(&self.runtime.ctx) {
            Ok(tiles) => {
                if matches!(choice, TileChoice::OpenStreetMap | TileChoice::Custom(_)) {
                    self.info(
                        "online tiles need the network; where a tile does not come, the bundled Natural Earth basemap shows beneath",
                    );
                }
                self.runtime.map.set_tiles(tiles, choice.url().as_deref());
                self.settings.tile_choice = choice;
            }
            Err(e) => self.warn(e),
        }
    }

    /// A worker's result.
    pub(super) fn apply_job(&mut self, out: JobOut) {
        match out {
            JobOut::Loaded {
                seq,
                origin,
                saved,
                result,
            } => self.loaded(seq, origin, saved, result),
            JobOut::Analysed(a) => self.analysed(*a),
            JobOut::Basemap(Ok(b)) => self.runtime.map.basemap = Some(b),
            JobOut::Places(Ok(p)) => self.runtime.map.places = Some(p),
            JobOut::Places(Err(e)) => {
                self.warn(format!("the bundled place names could not be read: {e}"))
            }
            JobOut::Basemap(Err(e)) => {
                self.warn(format!("the bundled basemap could not be read: {e}"))
            }
            JobOut::Picked(paths) => {
                for p in paths {
                    self.open_path(p, None);
                }
            }
            JobOut::ReplayPicked(paths) if !paths.is_empty() => self.read_replay_files(paths),
            JobOut::ReplayPicked(_) => {}
            JobOut::ReplayRead(Ok(recorded)) => self.start_replay_live(Some(recorded)),
            JobOut::ReplayRead(Err(e)) => self.warn(e),
            JobOut::PickedPmTiles(Some(p)) => self.set_tiles(TileChoice::PmTiles(p)),
            JobOut::Planned(result) => self.planned(result),
            JobOut::RoutePicked(Some(p)) => self.load_route(p),
            JobOut::RouteLoaded(result) => self.route_loaded(result),
            JobOut::SavePicked(kind, Some(p)) => self.export_to(kind, p),
            JobOut::Screenshot(path, img, px) => self.write_screenshot(path, img, px),
            JobOut::PickedPmTiles(None)
            | JobOut::RoutePicked(None)
            | JobOut::SavePicked(_, None) => {}
            JobOut::Collections(result) => self.collections_listed(result),
            JobOut::Wrote(Ok(text)) => self.info(text),
            JobOut::MovementsSaved(Ok((path, n))) => self.movements_saved(path, n),
            JobOut::MovementsSaved(Err(e)) => self.warn(e),
            JobOut::Wrote(Err(e)) | JobOut::Error(e) => self.warn(e),
            JobOut::ReadForEdit(r) => self.read_for_edit(*r),
            JobOut::EditsSaved { seq, result } => self.edits_saved(seq, result),
        }
    }

    fn loaded(
        &mut self,
        seq: u64,
        origin: Origin,
        saved: Option<(LayerStyle, Role)>,
        result: Result<Layer, crate::error::LoadError>,
    ) {
        self.runtime.pending_loads = self.runtime.pending_loads.saturating_sub(1);
        if let Some(old) = self.runtime.refreshing.remove(&seq) {
            return self.refreshed(old, origin, result);
        }
        match result {
            Ok(layer) => {
                for w in &layer.warnings {
                    // A skipped feature is a warning the user should see; the rest are notes.
                    if w.severity == crate::model::Severity::Skipped {
                        self.warn(format!("{w} (in {})", layer.source));
                    } else {
                        self.info(format!("{w} (in {})", layer.source));
                    }
                }
                self.info(format!(
                    "loaded {} ({})",
                    layer.name,
                    crate::output::text::count(layer.features.len(), "feature", "features")
                ));
                let mut l = LoadedLayer::new(layer, origin);
                if let Some((style, role)) = saved {
                    l.style = style;
                    l.role_pick = role;
                }
                if l.unassigned() > 0 && l.role_pick == Role::Unassigned {
                    self.warn(format!(
                        "{}: {} feature(s) have no \"kind\"; pick a role for the layer in the Layers panel",
                        l.layer.name,
                        l.unassigned()
                    ));
                }
                l.seq = seq;
                if let Some(old) = self.session.layers.iter().find(|x| x.origin == l.origin)
                    && self.session.editor.editing(old.seq)
                {
                    if self.session.editor.dirty() {
                        self.warn(format!(
                            "{} is being edited with unsaved edits: it was not read again (Save or Discard edits first)",
                            l.layer.name
                        ));
                        if self.runtime.pending_loads == 0 {
                            self.reanalyse();
                        }
                        return;
                    }
                    self.session.editor.edit = None;
                    self.session.tool = super::session::Tool::Identify;
                }
                let layers = &mut self.session.layers;
                if let Some(old) = layers.iter_mut().find(|x| x.origin == l.origin) {
                    // The same source opened again: its current contents replace the
                    // layer (in place, with its style), never a second copy counted twice.
                    l.style = old.style.clone();
                    l.role_pick = old.role_pick;
                    l.seq = old.seq;
                    let name = l.layer.name.clone();
                    *old = l;
                    self.info(format!(
                        "{name} was already open: replaced with what the source holds now"
                    ));
                } else {
                    let at = layers.partition_point(|x| x.seq < seq);
                    layers.insert(at, l);
                }
                self.warn_shared_ids();
                self.restore_pending();
            }
            Err(e) if e.is_cancelled() => {
                self.info(format!("stopped loading {} (cancelled)", origin.label()))
            }
            Err(e) => self.warn(format!("could not open {}: {e}", origin.label())),
        }
        if self.runtime.pending_loads == 0 {
            self.reanalyse();
        }
    }

    /// Warns when two layers hold features of one role with the same id (two
    /// copies of one file under different names, an export loaded beside its
    /// source): they would be counted twice.
    fn warn_shared_ids(&mut self) {
        use std::collections::HashMap;
        let mut first: HashMap<(Role, &str), usize> = HashMap::new();
        let mut pairs: Vec<(usize, usize, Vec<String>)> = Vec::new();
        for (li, l) in self.session.layers.iter().enumerate() {
            for f in &l.layer.features {
                let (Some(id), role) = (f.id.as_deref(), f.role) else {
                    continue;
                };
                if matches!(role, Role::Unassigned | Role::Other | Role::Track) {
                    continue;
                }
                match first.get(&(role, id)) {
                    Some(&lj) if lj != li => {
                        match pairs.iter_mut().find(|p| p.0 == lj && p.1 == li) {
                            Some(p) => p.2.push(id.to_string()),
                            None => pairs.push((lj, li, vec![id.to_string()])),
                        }
                    }
                    Some(_) => {}
                    None => {
                        first.insert((role, id), li);
                    }
                }
            }
        }
        for (a, b, ids) in pairs {
            let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
            let more = ids.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            self.warn(format!(
                "{} and {} hold {} feature(s) with the same ids ({}{more}): they are counted twice; remove one of the layers if they are the same data",
                self.session.layers[a].layer.name,
                self.session.layers[b].layer.name,
                ids.len(),
                shown.join(", ")
            ));
        }
    }

    /// A layer read again replaces its data in place; a failure keeps the old data.
    fn refreshed(
        &mut self,
        old_seq: u64,
        origin: Origin,
        result: Result<Layer, crate::error::LoadError>,
    ) {
        match result {
            Ok(layer) => {
                if let Some(l) = self.session.layers.iter_mut().find(|l| l.seq == old_seq) {
                    let n = layer.features.len();
                    let mut fresh = LoadedLayer::new(layer, origin);
                    fresh.style = l.style.clone();
                    fresh.role_pick = l.role_pick;
                    fresh.seq = l.seq;
                    *l = fresh;
                    let name = l.layer.name.clone();
                    let n = crate::output::text::count(n, "feature", "features");
                    self.info(format!("refreshed {name} ({n})"));
                }
            }
            Err(e) => self.warn(format!(
                "could not refresh {}: {e}; the layer keeps the data it had",
                origin.label()
            )),
        }
        if self.runtime.pending_loads == 0 {
            self.reanalyse();
        }
    }

    fn analysed(&mut self, a: super::model::Analysis) {
        if a.generation != self.runtime.generation {
            return;
        }
        let flagged = a.results.iter().filter(|r| r.report.is_flagged()).count();
        self.info(format!(
            "analysis: {} convoys, {} flagged; {} incidents",
            a.results.len(),
            flagged,
            a.incidents.len()
        ));
        for r in &a.results {
            for w in &r.report.warnings {
                self.info(format!("{}: {w}", r.report.convoy_id));
            }
        }
        self.session.analysis = Some(a);
        let map = &mut self.runtime.map;
        if map.pending_fit {
            map.pending_fit = false;
            let b = bbox_of_features(
                self.session
                    .layers
                    .iter()
                    .flat_map(|l| l.layer.features.iter().filter_map(|f| f.geometry.as_ref())),
            );
            if let Some(b) = b {
                map.zoom_to(b);
            }
        }
    }
}
