//! The map: the camera and tiles (`MapView`, a runtime handle), the walkers
//! map with its plugins, and the tools that turn clicks and drags into
//! commands (`tools`). Palette, projection helpers, the layers and overlay
//! plugins and the bundled basemap live beside it.

pub mod basemap;
mod camera;
pub mod draw;
mod edit_tool;
mod labels;
mod plugin;
pub mod projection;
pub mod style;
mod tile_failures;
mod tiles;
mod tools;

pub use tile_failures::install as install_tile_logger;
pub use tiles::XyzSource;

use super::command::Command;
use super::session::ToolShape;
use super::session::{Session, Tool};
use super::settings::Settings;
use basemap::{Basemap, BasemapPlugin};
use draw::{LayersPlugin, OverlayPlugin};
use eframe::egui::{self, Color32};
use geo::Coord;
use plugin::Painted;
use walkers::{Map, MapMemory, Tiles, lon_lat};

/// The map's reference point for walkers (any point works; this is the region's middle).
pub const MAP_ORIGIN: (f64, f64) = (33.5, 48.3);

/// The map's runtime side: camera, tiles, the bundled basemap, and what the
/// last frame learnt about the map on screen.
pub struct MapView {
    pub memory: MapMemory,
    tiles: Option<Box<dyn Tiles>>,
    pub basemap: Option<Basemap>,
    /// Place names for labels and search (loaded on a worker at start).
    pub places: Option<crate::places::Gazetteer>,
    /// Where the map was drawn last frame (screen points).
    pub rect: egui::Rect,
    size: egui::Vec2,
    /// The lon/lat under the pointer.
    pub cursor: Option<Coord>,
    /// Metres per screen point at the map's centre (0 before the first frame).
    pub metres_per_pixel: f64,
    pending_zoom: Option<[f64; 4]>,
    /// Fit the map to the layers once the first analysis arrives.
    pub pending_fit: bool,
    /// Where a query drag started.
    drag_start: Option<Coord>,
    /// The online tiles that did not load since they were chosen.
    pub tile_failures: tile_failures::TileFailures,
    /// Where the map was last right-clicked (its context menu's point).
    context_at: Option<Coord>,
}

impl Default for MapView {
    fn default() -> Self {
        let mut memory = MapMemory::default();
        memory.center_at(lon_lat(MAP_ORIGIN.0, MAP_ORIGIN.1));
        let _ = memory.set_zoom(6.0);
        Self {
            memory,
            tiles: None,
            basemap: None,
            places: None,
            rect: egui::Rect::NOTHING,
            size: egui::vec2(800.0, 600.0),
            cursor: None,
            metres_per_pixel: 0.0,
            pending_zoom: None,
            pending_fit: true,
            drag_start: None,
            tile_failures: Default::default(),
            context_at: None,
        }
    }
}

/// What the pointer did on the map this frame, in lon/lat and screen points.
pub(super) struct Interaction {
    hover: Option<Coord>,
    clicked: Option<Coord>,
    click_px: Option<egui::Pos2>,
    /// Where the button went down, on the frame a drag starts.
    press_px: Option<egui::Pos2>,
    drag_start: Option<Coord>,
    dragging: Option<Coord>,
    drag_stop: bool,
    double_clicked: bool,
    /// The pointer while a button is down (screen points).
    pointer_px: Option<egui::Pos2>,
    /// Where a right click (not a drag) was, for the context menu.
    secondary_clicked: Option<Coord>,
}

impl MapView {
    /// Swaps the tile source (the offline basemap stays beneath); `url`: where
    /// online tiles come from, whose failures the map then counts.
    pub fn set_tiles(&mut self, tiles: Option<Box<dyn Tiles>>, url: Option<&str>) {
        self.tiles = tiles;
        self.tile_failures = tile_failures::TileFailures::start(url);
    }

    /// Draws the map with the session's layers and tools; clicks and drags become commands.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        settings: &Settings,
        out: &mut Vec<Command>,
    ) {
        self.apply_pending_zoom();
        if session.timeline.enabled
            && let Some(c) = session.timeline.followed_position()
        {
            self.memory.center_at(lon_lat(c.x, c.y));
        }
        let tool_shape = match session.tool {
            Tool::Measure if !session.measure.is_empty() => {
                Some(ToolShape::Measure(session.measure.clone()))
            }
            Tool::BoxQuery | Tool::RadiusQuery => session.query_shape.clone(),
            _ => None,
        };
        let flashes = flashes(session);
        if !flashes.is_empty() {
            ui.ctx().request_repaint();
        }
        self.paint_land_beneath_tiles(ui);
        self.tile_failures.update();
        let failures = &self.tile_failures;
        let illustrative = session
            .layers
            .iter()
            .any(|l| l.illustrative && l.style.visible);
        let panning = matches!(session.tool, Tool::Identify | Tool::Measure);
        let fill = self.tiles.is_none();
        let attribution = settings.tile_choice.attribution();
        let zoom = self.memory.zoom();
        let hidden = hidden_incidents(session, settings);
        let marks = label_obstacles(session, &hidden);
        let convoys = if session.timeline.enabled {
            session
                .timeline
                .markers()
                .into_iter()
                .map(|(id, c, _)| (id, c))
                .collect()
        } else {
            Vec::new()
        };
        let cursor = self.cursor;
        let tiles: Option<&mut dyn Tiles> =
            self.tiles.as_mut().map(|t| t.as_mut() as &mut dyn Tiles);
        let map = Map::new(tiles, &mut self.memory, lon_lat(MAP_ORIGIN.0, MAP_ORIGIN.1))
            .with_plugin(Painted(BasemapPlugin {
                basemap: self.basemap.as_ref(),
                fill,
            }))
            .with_plugin(Painted(LayersPlugin {
                layers: &session.layers,
                analysis: session.analysis.as_ref(),
                highlight: &session.highlight,
                tool: tool_shape,
                hide_tracks: session.timeline.enabled,
                hidden,
            }))
            .with_plugin(Painted(OverlayPlugin {
                route: (session.tool == Tool::Route || !session.route.waypoints().is_empty())
                    .then_some(&session.route),
                route_active: session.tool == Tool::Route,
                timeline: session.timeline.enabled.then_some(&session.timeline),
                flashes,
                selected_alert: session
                    .selection
                    .alert
                    .and_then(|i| session.alerts.get(i))
                    .map(|a| a.alert.path.clone()),
            }))
            // Names last, over the layers, the route and the replay.
            .with_plugin(Painted(labels::PlaceLabels {
                places: self.places.as_ref(),
                zoom,
                banner: illustrative,
                lines: line_names(session),
                convoys,
                marks,
            }))
            // The edit's handles over everything: they are what is dragged.
            .with_plugin(Painted(Self::edit_shapes(session, cursor)))
            .drag_pan_buttons(if panning {
                egui::DragPanButtons::PRIMARY | egui::DragPanButtons::MIDDLE
            } else {
                egui::DragPanButtons::SECONDARY | egui::DragPanButtons::MIDDLE
            })
            // A double click ends a new feature being drawn.
            .double_click_to_zoom(session.editor.draft.is_none())
            // The wheel zooms, as in every other map; dragging pans.
            .zoom_with_ctrl(false);
        let context_at = self.context_at;
        let shown = map.show(ui, |ui, response, projector, _memory| {
            // The map's context menu (right click), at the point clicked.
            let mut asked = false;
            response.context_menu(|ui| {
                if ui.button("New incident here…").clicked() {
                    asked = true;
                    ui.close();
                }
                if let Some(c) = context_at {
                    ui.label(egui::RichText::new(crate::output::text::mgrs(c)).small());
                }
            });
            if illustrative {
                illustrative_banner(ui, projector.clip_rect());
            }
            if failures.count > 0 {
                tile_failure_badge(ui, projector.clip_rect(), failures);
            }
            // Attribution, as the sources require.
            ui.painter().text(
                projector.clip_rect().right_bottom() - egui::vec2(6.0, 6.0),
                egui::Align2::RIGHT_BOTTOM,
                attribution,
                egui::FontId::proportional(11.0),
                Color32::from_gray(60),
            );
            let centre = projector.unproject(projector.clip_rect().center().to_vec2());
            let mpp = 1.0 / projector.scale_pixel_per_meter(centre).max(1e-9) as f64;
            (
                interaction(ui, response, projector),
                mpp,
                projector.clip_rect(),
                asked,
            )
        });
        let (input, mpp, rect, asked) = shown.inner;
        if input.secondary_clicked.is_some() {
            self.context_at = input.secondary_clicked;
        }
        if asked {
            out.push(Command::OpenNewIncident(self.context_at));
        }
        self.rect = rect;
        self.size = rect.size();
        self.cursor = input.hover;
        self.metres_per_pixel = mpp;
        self.tool_commands(ui, session, &input, out);
        self.keys(ui, out);
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            out.push(Command::ClearToolShapes);
        }
    }
}

/// What the map says while the bundled scenario is shown, so that no
/// screenshot of it passes for real data.
pub const ILLUSTRATIVE: &str =
    "ILLUSTRATIVE DATA: invented corridors, convoys and incidents (the bundled scenario)";

fn illustrative_banner(ui: &mut egui::Ui, clip: egui::Rect) {
    let red = Color32::from_rgb(150, 20, 20);
    let text = egui::RichText::new(ILLUSTRATIVE).size(13.0).color(red);
    let galley =
        ui.painter()
            .layout_no_wrap(ILLUSTRATIVE.into(), egui::FontId::proportional(13.0), red);
    let at = egui::pos2(clip.center().x - galley.size().x / 2.0, clip.top() + 8.0);
    let rect = egui::Rect::from_min_size(at, galley.size());
    let white = Color32::from_rgba_unmultiplied(255, 255, 255, 225);
    boxed(
        ui,
        clip,
        rect.expand2(egui::vec2(8.0, 4.0)),
        white,
        egui::Stroke::new(1.5, red),
    );
    // A label (not paint), so that it is read by accessibility as any text is.
    ui.put(rect, egui::Label::new(text).selectable(false));
}

/// The rounded box behind a notice on the map (inside the map's `clip`).
fn boxed(ui: &egui::Ui, clip: egui::Rect, bg: egui::Rect, fill: Color32, edge: egui::Stroke) {
    let painter = ui.painter().with_clip_rect(clip);
    painter.rect_filled(bg, 4.0, fill);
    painter.rect_stroke(bg, 4.0, edge, egui::StrokeKind::Inside);
}

/// Online tiles that did not load: how many, why, and that the basemap shows
/// beneath (bottom left, clear of the credit line at the bottom right).
fn tile_failure_badge(ui: &mut egui::Ui, clip: egui::Rect, f: &tile_failures::TileFailures) {
    let ink = Color32::from_rgb(120, 60, 0);
    let tiles = if f.count == 1 { "tile" } else { "tiles" };
    let text = format!(
        "{} {tiles} did not load: {}. The bundled basemap shows beneath.",
        f.count, f.reason
    );
    let font = egui::FontId::proportional(12.0);
    let wrap = (clip.width() - 24.0).max(80.0);
    let galley = ui
        .painter()
        .layout(text.clone(), font.clone(), ink, wrap.min(520.0));
    let at = egui::pos2(clip.left() + 10.0, clip.bottom() - 26.0 - galley.size().y);
    let rect = egui::Rect::from_min_size(at, galley.size());
    let cream = Color32::from_rgba_unmultiplied(255, 248, 225, 235);
    boxed(
        ui,
        clip,
        rect.expand2(egui::vec2(6.0, 4.0)),
        cream,
        egui::Stroke::new(1.0, ink),
    );
    let left = egui::UiBuilder::new()
        .max_rect(rect)
        .layout(egui::Layout::top_down(egui::Align::Min));
    ui.scope_builder(left, |ui| {
        ui.add(
            egui::Label::new(egui::RichText::new(text).font(font).color(ink))
                .wrap()
                .selectable(false),
        )
    })
    .inner
    .on_hover_text(format!(
        "The last failure, as the tile fetcher wrote it:\n{}",
        f.line
    ));
}

/// The incidents the Buffer zone tab's filter leaves out, so the map shows what the table shows.
/// With the timeline shown, the incidents that have not happened yet at its
/// time are hidden too (the map shows that moment).
pub fn hidden_incidents(
    session: &Session,
    settings: &Settings,
) -> std::collections::HashSet<(usize, usize)> {
    let f = &settings.zone_filter;
    let t = session.timeline.t;
    let at_time = session.timeline.enabled && t.is_finite();
    match &session.analysis {
        Some(a) if !f.is_open() || at_time => a
            .incidents
            .iter()
            .filter(|i| !f.accepts(i) || (at_time && i.time_s.is_some_and(|s| s > t)))
            .map(|i| (i.layer, i.feature))
            .collect(),
        _ => Default::default(),
    }
}

impl MapView {
    /// +/- zoom in and out, Home shows every layer (when no text field has the keyboard).
    fn keys(&mut self, ui: &egui::Ui, out: &mut Vec<Command>) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        // Ctrl+I: New incident… at the pointer (when it is over the map).
        if ui.ctx().input_mut(|i| {
            i.consume_shortcut(&egui::KeyboardShortcut::new(
                egui::Modifiers::COMMAND,
                egui::Key::I,
            ))
        }) {
            out.push(Command::OpenNewIncident(self.cursor));
        }
        let (plus, minus, home) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals),
                i.key_pressed(egui::Key::Minus),
                i.key_pressed(egui::Key::Home),
            )
        });
        let zoom = self.memory.zoom();
        if plus {
            let _ = self.memory.set_zoom((zoom + 1.0).min(19.0));
        }
        if minus {
            let _ = self.memory.set_zoom((zoom - 1.0).max(2.0));
        }
        if home {
            out.push(Command::ZoomToAll);
        }
    }
}

/// Alerts flash on the map for six seconds after they arrive: (path, age in seconds).
fn flashes(session: &Session) -> Vec<(Vec<Coord>, f32)> {
    session
        .alerts
        .iter()
        .filter_map(|a| {
            let age = a.received.elapsed().as_secs_f32();
            (age < 6.0).then(|| (a.alert.path.clone(), age))
        })
        .collect()
}

impl MapView {
    /// Beneath the tiles: where a tile is missing or failed, the land still shows.
    fn paint_land_beneath_tiles(&self, ui: &egui::Ui) {
        let (Some(_), Some(b)) = (&self.tiles, &self.basemap) else {
            return;
        };
        let rect = ui.available_rect_before_wrap();
        let projector = walkers::Projector::new(
            rect,
            &walkers::MercatorProjection,
            &self.memory,
            lon_lat(MAP_ORIGIN.0, MAP_ORIGIN.1),
        );
        basemap::paint_land(&ui.painter().with_clip_rect(rect), &projector, b);
    }
}

fn interaction(
    ui: &egui::Ui,
    response: &egui::Response,
    projector: &walkers::Projector,
) -> Interaction {
    let to_coord = |p: egui::Pos2| {
        let pos = projector.unproject(p.to_vec2());
        Coord {
            x: pos.x(),
            y: pos.y(),
        }
    };
    let pointer = response.interact_pointer_pos();
    let clicked = response.clicked();
    let started = response.drag_started();
    Interaction {
        hover: response.hover_pos().map(to_coord),
        clicked: pointer.filter(|_| clicked).map(to_coord),
        click_px: pointer.filter(|_| clicked),
        // The drag starts only after a few pixels of motion: take the press origin.
        press_px: if started {
            ui.input(|i| i.pointer.press_origin()).or(pointer)
        } else {
            None
        },
        drag_start: pointer.filter(|_| started).map(to_coord),
        dragging: pointer.filter(|_| response.dragged()).map(to_coord),
        drag_stop: response.drag_stopped(),
        double_clicked: response.double_clicked(),
        pointer_px: pointer,
        secondary_clicked: pointer
            .filter(|_| response.secondary_clicked())
            .map(to_coord),
    }
}

/// The corridors', grain lanes' and planned route's names, with their lines
/// and colours, for the labels (visible layers only).
/// What labels keep clear of: the incidents drawn (visible layers, not
/// filtered out) and the planned route's waypoints.
fn label_obstacles(
    session: &Session,
    hidden: &std::collections::HashSet<(usize, usize)>,
) -> Vec<geo::Coord> {
    let shown = |layer: usize| session.layers.get(layer).is_some_and(|l| l.style.visible);
    let mut out: Vec<geo::Coord> = session.route.waypoints().to_vec();
    if let Some(a) = &session.analysis {
        out.extend(
            a.incidents
                .iter()
                .filter(|i| shown(i.layer) && !hidden.contains(&(i.layer, i.feature)))
                .map(|i| i.pos),
        );
    }
    out
}

fn line_names(session: &Session) -> Vec<(String, &[geo::Coord], eframe::egui::Color32)> {
    use crate::model::Role;
    let mut out = Vec::new();
    for l in session.layers.iter().filter(|l| l.style.visible) {
        for f in &l.layer.features {
            let role = l.effective_role(f.role);
            if !matches!(role, Role::Corridor | Role::GrainRoute) {
                continue;
            }
            let Some(name) = f.id.clone().or_else(|| f.prop_text("name")) else {
                continue;
            };
            let colour = style::role_colour(role);
            match &f.geometry {
                Some(geo::Geometry::LineString(line)) => out.push((name, &line.0[..], colour)),
                Some(geo::Geometry::MultiLineString(m)) => {
                    if let Some(line) = m.0.iter().max_by_key(|l| l.0.len()) {
                        out.push((name, &line.0[..], colour));
                    }
                }
                _ => {}
            }
        }
    }
    // The route's name on its longest leg (densified: its middle is on the line).
    if let Some(leg) = session.route.leg_paths.iter().max_by_key(|l| l.len()) {
        out.push((
            session.route.route.name.clone(),
            &leg[..],
            crate::app::route_editor::ROUTE_LINE,
        ));
    }
    out
}
