//! Applying commands, after the frame is drawn. Each arm does one thing or
//! hands over to the method that owns it.

use super::CorridorApp;
use super::command::{Command, RouteEdit, TimelineControl};
use super::model::{bbox_of_coords, bbox_of_features};
use super::session::Tool;
use super::session::{QueryResults, StretchRef};
use super::settings::Tab;

impl CorridorApp {
    pub fn apply(&mut self, c: Command) {
        match c {
            Command::PickFiles => self.pick_files(),
            Command::OpenPath(p) => self.open_path(p, None),
            Command::OpenUrl(u) => self.open_url(u, None),
            Command::ListCollections(u) => self.list_collections(u),
            Command::OpenCollection {
                items_url,
                view_only,
            } => self.open_collection(items_url, view_only),
            Command::RefreshLayer(i) => self.refresh_layer(i),
            Command::ListenAlerts(u) => self.listen_alerts(u),
            Command::StopListening => self.stop_listening(),
            Command::OpenBundled => {
                for f in super::bundled_files() {
                    self.open_path(f, None);
                }
            }
            Command::RemoveLayer(i) => self.remove_layer(i),
            Command::SetLayerStyle(i, style) => {
                if let Some(l) = self.session.layers.get_mut(i) {
                    l.style = style;
                }
            }
            Command::SetLayerRole(i, role) => {
                if let Some(l) = self.session.layers.get_mut(i) {
                    l.role_pick = role;
                    self.reanalyse();
                }
            }
            Command::ShowTable(t) => self.session.selection.table_layer = t,
            Command::ZoomTo(b) => self.runtime.map.zoom_to(b),
            Command::ZoomToAll => self.zoom_to_all(),
            Command::GoTo { at, zoom, what } => {
                self.runtime.map.centre_on(at.x, at.y, zoom);
                self.info(format!("centred on {what}"));
                self.session.last_go_to = Some((at, what));
            }
            Command::ShowTab(t) => self.settings.tab = t,
            Command::OpenNotify => self.open_notify(),
            Command::AddMovement(m) => self.add_movement(m),
            Command::UseTool(t) => self.use_tool(t),
            Command::SetTiles(t) => self.set_tiles(t),
            Command::PickPmTiles => self.pick_pmtiles(),
            Command::SelectConvoy(i) => self.select_convoy(i),
            Command::SelectStretch(s) => self.select_stretch(s),
            Command::SelectAlert(i) => self.select_alert(i),
            Command::ShowFeature { layer, feature } => self.show_feature(layer, feature),
            Command::Highlight(f) => self.session.highlight.features = f,
            Command::Hover(f) => {
                // The Results tab keeps its own highlight while the pointer moves.
                if self.settings.tab != Tab::Results {
                    self.session.highlight.features = f;
                }
            }
            Command::Identify { at, pick_m } => {
                let hits = self.session.features_at(at, pick_m);
                let title = format!(
                    "Identify at {:.5}, {:.5}: {} feature(s)",
                    at.x,
                    at.y,
                    hits.len()
                );
                self.show_results(QueryResults { title, hits });
            }
            Command::DragQuery(shape) => self.session.query_shape = Some(shape),
            Command::AreaQuery(shape) => {
                if let Some(r) = self.session.features_in(&shape) {
                    self.show_results(r);
                }
            }
            Command::Measure(c) => {
                if self.session.measure.is_empty() {
                    self.session.results = QueryResults::default();
                }
                self.session.measure.push(c);
                self.settings.tab = Tab::Results;
            }
            Command::ClearMeasure => self.session.measure.clear(),
            Command::ClearToolShapes => {
                self.session.measure.clear();
                self.session.query_shape = None;
            }
            Command::Route(e) => self.edit_route(e),
            Command::PlanRoute => self.plan_along_corridors(),
            Command::PickRouteFile => self.pick_route_file(),
            Command::ShowFeedWindow => self.settings.windows.feed = true,
            Command::StartFeed { url, interval_s } => self.start_feed(url, interval_s),
            Command::StopFeed => self.stop_feed(),
            Command::ReplayLoadedAsLive => self.start_replay_live(None),
            Command::PickReplayFiles => self.pick_replay_files(),
            Command::SetReplaySpeed(s) => self.set_replay_speed(s),
            Command::Timeline(r) => self.control_timeline(r),
            Command::PickExport(kind) => self.pick_export(kind),
            Command::CancelJob(id) => self.runtime.jobs.cancel(id),
            Command::ClearLog => self.session.log.clear(),
            Command::Warn(text) => self.warn(text),
            Command::Edit(c) => self.edit_command(c),
            Command::OpenNewIncident(at) => {
                if let Some(at) = at {
                    self.settings.forms.incident_at = crate::output::text::mgrs(at);
                }
                self.settings.windows.new_incident = true;
            }
        }
    }

    fn zoom_to_all(&mut self) {
        if let Some(b) = self.session.bbox_of_all() {
            self.runtime.map.zoom_to(b);
        }
    }

    fn use_tool(&mut self, tool: Tool) {
        self.session.tool = tool;
        self.session.query_shape = None;
        // What the last tool highlighted does not carry over to the next.
        self.session.highlight = Default::default();
        if tool == Tool::Route {
            self.settings.tab = Tab::Route;
        }
    }

    fn show_results(&mut self, r: QueryResults) {
        // A new query's results replace the last ones and any measurement.
        self.session.measure.clear();
        self.session.highlight.features = r.hits.iter().map(|h| (h.layer, h.feature)).collect();
        self.session.results = r;
        self.settings.tab = Tab::Results;
    }

    /// Selects a convoy and zooms to all its parts.
    fn select_convoy(&mut self, i: usize) {
        let s = &mut self.session;
        let Some(convoy) = s.analysis.as_ref().and_then(|a| a.convoys.get(i)) else {
            return;
        };
        let coords: Vec<geo::Coord> = convoy
            .parts
            .iter()
            .flat_map(|p| p.coords.iter().copied())
            .collect();
        let b = bbox_of_coords(&coords);
        s.selection.convoy = Some(i);
        s.selection.stretch = None;
        s.highlight.path = None;
        s.highlight.features.clear();
        if let Some(b) = b {
            self.runtime.map.zoom_to_padded(b, 0.15);
        }
    }

    /// Selects a stretch of the selected convoy: highlighted and zoomed to.
    fn select_stretch(&mut self, st: StretchRef) {
        let s = &mut self.session;
        let Some(ci) = s.selection.convoy else { return };
        s.selection.stretch = Some(st);
        if let Some(p) = s.stretch_path(ci, st).cloned() {
            let b = bbox_of_coords(&p);
            s.highlight.path = Some(p);
            if let Some(b) = b {
                self.runtime.map.zoom_to_padded(b, 0.15);
            }
        }
    }

    /// A feature picked in a table or a list: highlighted and zoomed to.
    fn show_feature(&mut self, layer: usize, feature: usize) {
        let s = &mut self.session;
        let Some(f) = s
            .layers
            .get(layer)
            .and_then(|l| l.layer.features.get(feature))
        else {
            return;
        };
        let b = f
            .geometry
            .as_ref()
            .and_then(|g| bbox_of_features(std::iter::once(g)));
        s.highlight.features = vec![(layer, feature)];
        if let Some(b) = b {
            self.runtime.map.zoom_to_padded(b, 0.2);
        }
    }

    fn edit_route(&mut self, e: RouteEdit) {
        let r = &mut self.session.route;
        match e {
            RouteEdit::Rename(name) => r.route.name = name,
            RouteEdit::SetSpeed(v) => r.speed_kmh = v,
            RouteEdit::SetExposure { reach_m, days } => {
                r.exposure.reach_m = reach_m;
                r.exposure.days = days;
            }
            RouteEdit::SetDepart(t) => r.depart = t,
            RouteEdit::Select(i) => r.selected = Some(i),
            RouteEdit::Append(at) => {
                r.edit(|w| w.push(at));
                r.selected = Some(r.waypoints().len() - 1);
            }
            RouteEdit::Insert { leg, at } => {
                if leg < r.waypoints().len() {
                    r.edit(|w| w.insert(leg + 1, at));
                    r.selected = Some(leg + 1);
                }
            }
            RouteEdit::BeginDrag(i) => r.begin_drag(i),
            RouteEdit::DragTo(c) => r.drag_to(c),
            RouteEdit::EndDrag => r.end_drag(),
            RouteEdit::Delete(i) => r.delete(i),
            RouteEdit::Undo => r.undo(),
            RouteEdit::Redo => r.redo(),
            RouteEdit::Clear => {
                r.edit(Vec::clear);
                r.message = None;
            }
            RouteEdit::Reverse => r.edit(|w| w.reverse()),
        }
    }

    fn control_timeline(&mut self, c: TimelineControl) {
        let r = &mut self.session.timeline;
        match c {
            TimelineControl::Show(on) => {
                r.enabled = on;
                r.playing &= on;
            }
            TimelineControl::PlayPause => r.play_pause(),
            TimelineControl::SetSpeed(s) => r.speed = s,
            TimelineControl::SetTime(t) => r.t = t,
            TimelineControl::Follow(id) => r.follow = id,
        }
    }
}
