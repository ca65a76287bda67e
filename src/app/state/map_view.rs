//! The map: tile sources, the camera, the map panel with its tools
//! (identify, measure, box and radius queries, route), and area queries.

#[allow(unused_imports)]
use super::*;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TileChoice {
    Offline,
    OpenStreetMap,
    Custom(String),
    PmTiles(PathBuf),
}

/// An XYZ tile server given by a URL template with `{z}`, `{x}` and `{y}`.
pub struct XyzSource {
    pub template: String,
}

impl TileSource for XyzSource {
    fn tile_url(&self, t: TileId) -> String {
        self.template
            .replace("{z}", &t.zoom.to_string())
            .replace("{x}", &t.x.to_string())
            .replace("{y}", &t.y.to_string())
    }
    fn attribution(&self) -> Attribution {
        Attribution {
            text: "Custom tiles: see the provider's terms",
            url: "",
            logo_light: None,
            logo_dark: None,
        }
    }
}

impl CorridorApp {
    pub fn set_tiles(&mut self, choice: TileChoice, ctx: &egui::Context) {
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir)
            .join("corridor-watch/tiles");
        let options = || HttpOptions {
            cache: Some(cache.clone()),
            user_agent: walkers::HeaderValue::from_str(concat!(
                "corridor-watch/",
                env!("CARGO_PKG_VERSION"),
                " (humanitarian GIS desktop app)"
            ))
            .ok(),
            ..Default::default()
        };
        self.tiles = match &choice {
            TileChoice::Offline => None,
            TileChoice::OpenStreetMap => Some(Box::new(HttpTiles::with_options(
                OpenStreetMap,
                options(),
                ctx.clone(),
            ))),
            TileChoice::Custom(t) => Some(Box::new(HttpTiles::with_options(
                XyzSource {
                    template: t.clone(),
                },
                options(),
                ctx.clone(),
            ))),
            TileChoice::PmTiles(p) => {
                if !p.is_file() {
                    self.warn(format!(
                        "cannot open the PMTiles file {}: no such file",
                        p.display()
                    ));
                    return;
                }
                Some(Box::new(walkers::PmTiles::new(p, ctx.clone())))
            }
        };
        self.tile_choice = choice;
    }

    /// Centres the map on a lon/lat point at a zoom level.
    pub fn centre_on(&mut self, lon: f64, lat: f64, zoom: f64) {
        self.pending_fit = false;
        self.pending_zoom = None;
        self.map_memory.center_at(lon_lat(lon, lat));
        let _ = self.map_memory.set_zoom(zoom);
    }

    /// Zooms the map to a lon/lat box on the next frame.
    pub fn zoom_to(&mut self, bbox: Option<[f64; 4]>) {
        if bbox.is_some() {
            self.pending_zoom = bbox;
        }
    }

    pub(super) fn apply_zoom(&mut self, b: [f64; 4]) {
        let (w, h) = (
            self.map_size.x.max(100.0) as f64,
            self.map_size.y.max(100.0) as f64,
        );
        let merc = |lat: f64| {
            (std::f64::consts::FRAC_PI_4 + lat.clamp(-85.0, 85.0).to_radians() / 2.0)
                .tan()
                .ln()
        };
        let dlon = (b[2] - b[0]).max(1e-4);
        let dy = (merc(b[3]) - merc(b[1])).abs().max(1e-6);
        let zx = (w * 360.0 / (256.0 * dlon)).log2();
        let zy = (h * std::f64::consts::TAU / (256.0 * dy)).log2();
        let zoom = (zx.min(zy) - 0.3).clamp(2.0, 17.0);
        let lat_c = {
            let y = 0.5 * (merc(b[1]) + merc(b[3]));
            (2.0 * y.exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees()
        };
        self.map_memory
            .center_at(lon_lat(0.5 * (b[0] + b[2]), lat_c));
        let _ = self.map_memory.set_zoom(zoom);
    }

    /// Features at a point, within a pick distance that follows the zoom.
    pub(super) fn identify_at(&self, c: Coord) -> Vec<(usize, usize, Option<f64>)> {
        let Some(a) = &self.analysis else {
            return Vec::new();
        };
        let pick_m = (8.0 * self.metres_per_pixel).max(1.0);
        a.all
            .at(c, pick_m)
            .into_iter()
            .map(|(s, d)| {
                let f = a.all.shapes[s as usize].feature;
                (f.layer as usize, f.feature as usize, Some(d))
            })
            .filter(|(l, _, _)| self.layers.get(*l).is_some_and(|l| l.style.visible))
            .collect()
    }

    pub(super) fn map_ui(&mut self, ui: &mut egui::Ui) {
        let tool_shape = match self.tool {
            Tool::Measure if !self.measure.is_empty() => {
                Some(ToolShape::Measure(self.measure.clone()))
            }
            Tool::BoxQuery | Tool::RadiusQuery => self.query_shape.clone(),
            _ => None,
        };
        let panning = matches!(self.tool, Tool::Identify | Tool::Measure);
        self.route.refresh(
            self.analysis.as_ref().map(|a| &a.scn),
            self.analysis_generation(),
        );
        if self.replay.enabled {
            self.replay.refresh(self.analysis.as_ref());
            if let Some(c) = self.replay.followed_position() {
                self.map_memory.center_at(lon_lat(c.x, c.y));
            }
        }
        // Alerts flash on the map for six seconds after they arrive.
        let flashes: Vec<(Vec<Coord>, f32)> = self
            .alerts
            .iter()
            .filter_map(|a| {
                let age = a.received.elapsed().as_secs_f32();
                (age < 6.0).then(|| (a.alert.path.clone(), age))
            })
            .collect();
        if !flashes.is_empty() {
            ui.ctx().request_repaint();
        }
        if self.tiles.is_some()
            && let Some(b) = &self.basemap
        {
            // Beneath the tiles: where a tile is missing or failed, the land still shows.
            let rect = ui.available_rect_before_wrap();
            let projector = walkers::Projector::new(
                rect,
                &walkers::MercatorProjection,
                &self.map_memory,
                lon_lat(33.5, 48.3),
            );
            crate::app::basemap::paint_land(&ui.painter().with_clip_rect(rect), &projector, b);
        }
        let fill = self.tiles.is_none();
        let attribution = match &self.tile_choice {
            TileChoice::Offline => "Basemap: Natural Earth (public domain)",
            TileChoice::OpenStreetMap => "© OpenStreetMap contributors; Natural Earth",
            TileChoice::Custom(_) => "Custom XYZ tiles (see the provider's terms); Natural Earth",
            TileChoice::PmTiles(_) => "Local PMTiles file (see its licence); Natural Earth",
        };
        let tiles: Option<&mut dyn Tiles> =
            self.tiles.as_mut().map(|t| t.as_mut() as &mut dyn Tiles);
        let map = Map::new(tiles, &mut self.map_memory, lon_lat(33.5, 48.3))
            .with_plugin(BasemapPlugin {
                basemap: self.basemap.as_ref(),
                fill,
            })
            .with_plugin(LayersPlugin {
                layers: &self.layers,
                analysis: self.analysis.as_ref(),
                highlight: &self.highlight,
                tool: tool_shape,
                hide_tracks: self.replay.enabled,
            })
            .with_plugin(OverlayPlugin {
                route: (self.tool == Tool::Route || !self.route.waypoints().is_empty())
                    .then_some(&self.route),
                replay: self.replay.enabled.then_some(&self.replay),
                flashes,
            })
            .drag_pan_buttons(if panning {
                egui::DragPanButtons::PRIMARY | egui::DragPanButtons::MIDDLE
            } else {
                egui::DragPanButtons::SECONDARY | egui::DragPanButtons::MIDDLE
            })
            .double_click_to_zoom(true);
        let out = map.show(ui, |ui, response, projector, _memory| {
            let to_coord = |p: egui::Pos2| {
                let pos = projector.unproject(p.to_vec2());
                Coord {
                    x: pos.x(),
                    y: pos.y(),
                }
            };
            let centre = projector.unproject(projector.clip_rect().center().to_vec2());
            let mpp = 1.0 / projector.scale_pixel_per_meter(centre).max(1e-9) as f64;
            let hover = response.hover_pos().map(to_coord);
            let clicked = if response.clicked() {
                response.interact_pointer_pos().map(to_coord)
            } else {
                None
            };
            let drag_start = if response.drag_started() {
                response.interact_pointer_pos().map(to_coord)
            } else {
                None
            };
            let dragging = if response.dragged() {
                response.interact_pointer_pos().map(to_coord)
            } else {
                None
            };
            let drag_stop = response.drag_stopped();
            let click_px = if response.clicked() {
                response.interact_pointer_pos()
            } else {
                None
            };
            // Where the button went down (the drag starts only after a few pixels of motion).
            let press_px = if response.drag_started() {
                ui.input(|i| i.pointer.press_origin())
                    .or(response.interact_pointer_pos())
            } else {
                None
            };
            // Attribution, as the sources require.
            let text = attribution;
            ui.painter().text(
                projector.clip_rect().right_bottom() - egui::vec2(6.0, 6.0),
                egui::Align2::RIGHT_BOTTOM,
                text,
                egui::FontId::proportional(11.0),
                Color32::from_gray(60),
            );
            (
                hover,
                clicked,
                drag_start,
                dragging,
                drag_stop,
                mpp,
                projector.clip_rect(),
                (click_px, press_px),
            )
        });
        let (hover, clicked, drag_start, dragging, drag_stop, mpp, rect, (click_px, press_px)) =
            out.inner;
        let size = rect.size();
        self.map_rect = rect;
        self.cursor = hover;
        self.metres_per_pixel = mpp;
        self.map_size = size;
        match self.tool {
            Tool::Identify => {
                if let Some(c) = clicked {
                    self.results = self.identify_at(c);
                    self.results_title = format!(
                        "Identify at {:.5}, {:.5}: {} feature(s)",
                        c.x,
                        c.y,
                        self.results.len()
                    );
                    self.highlight.features = self.results.iter().map(|r| (r.0, r.1)).collect();
                    self.tab = Tab::Results;
                } else if let Some(h) = hover
                    && ui.input(|i| i.pointer.delta() != egui::Vec2::ZERO)
                    && self.tab != Tab::Results
                {
                    self.highlight.features =
                        self.identify_at(h).iter().map(|r| (r.0, r.1)).collect();
                }
            }
            Tool::Measure => {
                if let Some(c) = clicked {
                    self.measure.push(c);
                    self.tab = Tab::Results;
                }
            }
            Tool::Route => {
                let projector = walkers::Projector::new(
                    rect,
                    &walkers::MercatorProjection,
                    &self.map_memory,
                    lon_lat(33.5, 48.3),
                );
                if let Some(p) = press_px
                    && let Some(i) = self.route.waypoint_at(&projector, p)
                {
                    self.route.begin_drag(i);
                }
                if let Some(c) = dragging {
                    self.route.drag_to(c);
                }
                if drag_stop {
                    self.route.end_drag();
                }
                if let (Some(p), Some(c)) = (click_px, clicked) {
                    self.route.click(&projector, p, c);
                    self.tab = Tab::Route;
                }
                // Shortcuts match the modifiers sent with the key (not the state at frame end).
                let (undo, redo, delete) = ui.input_mut(|i| {
                    use egui::{Key, KeyboardShortcut, Modifiers};
                    let redo = i.consume_shortcut(&KeyboardShortcut::new(
                        Modifiers::COMMAND | Modifiers::SHIFT,
                        Key::Z,
                    )) || i
                        .consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Y));
                    let undo =
                        i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Z));
                    (
                        undo,
                        redo,
                        i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace),
                    )
                });
                if undo {
                    self.route.undo();
                }
                if redo {
                    self.route.redo();
                }
                if delete
                    && !ui.ctx().egui_wants_keyboard_input()
                    && let Some(i) = self.route.selected
                {
                    self.route.delete(i);
                }
            }
            Tool::BoxQuery | Tool::RadiusQuery => {
                if let Some(s) = drag_start {
                    self.drag_start = Some(s);
                }
                if let (Some(s), Some(c)) = (self.drag_start, dragging) {
                    self.query_shape = Some(if self.tool == Tool::BoxQuery {
                        ToolShape::Box(s, c)
                    } else {
                        ToolShape::Circle(s, distance_m(s, c))
                    });
                }
                if drag_stop {
                    self.drag_start = None;
                    self.run_area_query();
                }
            }
        }
        ui.input(|i| {
            if i.key_pressed(egui::Key::Escape) {
                self.measure.clear();
                self.query_shape = None;
            }
        });
    }

    pub(super) fn run_area_query(&mut self) {
        let Some(a) = &self.analysis else { return };
        let visible = |l: usize| self.layers.get(l).is_some_and(|l| l.style.visible);
        match self.query_shape.clone() {
            Some(ToolShape::Box(p, q)) => {
                let (w, s, e, n) = (p.x.min(q.x), p.y.min(q.y), p.x.max(q.x), p.y.max(q.y));
                self.results = a
                    .all
                    .in_bbox(w, s, e, n)
                    .into_iter()
                    .map(|sh| a.all.shapes[sh as usize].feature)
                    .map(|f| (f.layer as usize, f.feature as usize, None))
                    .filter(|r| visible(r.0))
                    .collect();
                self.results_title = format!(
                    "Box {w:.4}, {s:.4} to {e:.4}, {n:.4}: {} feature(s)",
                    self.results.len()
                );
            }
            Some(ToolShape::Circle(c, r)) => {
                self.results = a
                    .all
                    .within_m(c, r)
                    .into_iter()
                    .map(|(sh, d)| {
                        let f = a.all.shapes[sh as usize].feature;
                        (f.layer as usize, f.feature as usize, Some(d))
                    })
                    .filter(|r| visible(r.0))
                    .collect();
                self.results_title = format!(
                    "Within {} of {:.5}, {:.5}: {} feature(s)",
                    crate::text::format_length_m(r),
                    c.x,
                    c.y,
                    self.results.len()
                );
            }
            _ => return,
        }
        self.highlight.features = self.results.iter().map(|r| (r.0, r.1)).collect();
        self.tab = Tab::Results;
    }

    /// Where a lon/lat point is on screen (as the map drew it last frame).
    pub fn screen_pos(&self, c: Coord) -> egui::Pos2 {
        let projector = walkers::Projector::new(
            self.map_rect,
            &walkers::MercatorProjection,
            &self.map_memory,
            lon_lat(33.5, 48.3),
        );
        crate::app::projection::to_screen(&projector, c)
    }
}
