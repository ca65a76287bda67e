//! The menu bar, the toolbar and the status bar.

#[allow(unused_imports)]
use super::*;

impl CorridorApp {
    pub(super) fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            match self.cursor {
                Some(c) => {
                    ui.label(format!("lon {:.5}°, lat {:.5}°", c.x, c.y));
                    let mgrs = geoconvert::LatLon::create(c.y, c.x)
                        .map(|ll| spaced_mgrs(&ll.to_mgrs(5).to_string()))
                        .unwrap_or_else(|_| "-".into());
                    ui.separator();
                    ui.label(format!("MGRS {mgrs}"));
                }
                None => {
                    ui.label("lon -, lat - (move the pointer over the map)");
                }
            }
            ui.separator();
            ui.label(format!("zoom {:.1}", self.map_memory.zoom()));
            ui.separator();
            // Scale bar: a round length in metres that fits in 120 pixels.
            if self.metres_per_pixel > 0.0 {
                let max_m = 120.0 * self.metres_per_pixel;
                let p = 10f64.powf(max_m.log10().floor());
                let len_m = [5.0, 2.0, 1.0]
                    .iter()
                    .map(|k| k * p)
                    .find(|l| *l <= max_m)
                    .unwrap_or(p);
                let px = (len_m / self.metres_per_pixel) as f32;
                let (rect, _) = ui.allocate_exact_size(egui::vec2(px, 12.0), egui::Sense::hover());
                let stroke = egui::Stroke::new(2.0, ui.visuals().text_color());
                ui.painter()
                    .line_segment([rect.left_bottom(), rect.right_bottom()], stroke);
                ui.painter()
                    .line_segment([rect.left_top(), rect.left_bottom()], stroke);
                ui.painter()
                    .line_segment([rect.right_top(), rect.right_bottom()], stroke);
                ui.label(if len_m >= 1000.0 {
                    format!("{} km", len_m / 1000.0)
                } else {
                    format!("{len_m} m")
                });
            }
            let running = self.jobs.running();
            if !running.is_empty() {
                ui.separator();
                ui.spinner();
                for (_, name, progress) in running {
                    let done = progress
                        .done_bytes
                        .load(std::sync::atomic::Ordering::Relaxed);
                    let total = progress
                        .total_bytes
                        .load(std::sync::atomic::Ordering::Relaxed);
                    let text = if done > 0 && total > 0 {
                        format!(
                            "{name} ({:.1} of {:.1} MB, {:.0} %)",
                            done as f64 / 1e6,
                            total as f64 / 1e6,
                            100.0 * done as f64 / total as f64
                        )
                    } else if done > 0 {
                        format!("{name} ({:.1} MB)", done as f64 / 1e6)
                    } else {
                        name.clone()
                    };
                    ui.label(text);
                    if (name.starts_with("downloading") || name.starts_with("loading"))
                        && ui.small_button("Cancel").clicked()
                    {
                        progress
                            .cancel
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            }
        });
    }

    pub(super) fn menu_ui(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open…").clicked() {
                    self.pick_files();
                    ui.close();
                }
                if ui.button("Open URL…").clicked() {
                    self.show_url = true;
                    ui.close();
                }
                if ui.button("Open bundled scenario").clicked() {
                    for f in bundled_files() {
                        self.open_path(f, None);
                    }
                    ui.close();
                }
                ui.separator();
                if ui.button("Watch feed URL…").clicked() {
                    self.show_feed = true;
                    ui.close();
                }
                if self.feed.as_ref().is_some_and(FeedWatch::is_running)
                    && ui.button("Stop watching the feed").clicked()
                {
                    self.stop_feed();
                    ui.close();
                }
                ui.separator();
                if ui.button("Open route…").clicked() {
                    self.pick_route_file();
                    ui.close();
                }
                if ui.button("Save route…").clicked() {
                    self.pick_export(ExportKind::Route);
                    ui.close();
                }
                ui.menu_button("Export", |ui| {
                    for kind in ExportKind::MENU {
                        if ui.button(kind.menu_label()).clicked() {
                            self.pick_export(kind);
                            ui.close();
                        }
                    }
                });
                ui.separator();
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("Basemap", |ui| {
                let ctx = ui.ctx().clone();
                if ui
                    .radio(
                        self.tile_choice == TileChoice::Offline,
                        "Bundled Natural Earth (offline)",
                    )
                    .clicked()
                {
                    self.set_tiles(TileChoice::Offline, &ctx);
                    ui.close();
                }
                if ui
                    .radio(
                        self.tile_choice == TileChoice::OpenStreetMap,
                        "OpenStreetMap tiles (online)",
                    )
                    .clicked()
                {
                    self.set_tiles(TileChoice::OpenStreetMap, &ctx);
                    ui.close();
                }
                ui.horizontal(|ui| {
                    ui.label("XYZ URL:");
                    ui.text_edit_singleline(&mut self.custom_url);
                });
                if ui.button("Local PMTiles file…").clicked() {
                    self.pick_pmtiles();
                    ui.close();
                }
                if ui.button("Use custom XYZ tiles").clicked() {
                    if self.custom_url.contains("{z}")
                        && self.custom_url.contains("{x}")
                        && self.custom_url.contains("{y}")
                    {
                        let t = TileChoice::Custom(self.custom_url.clone());
                        self.set_tiles(t, &ctx);
                    } else {
                        self.warn(format!(
                            "a tile URL needs {{z}}, {{x}} and {{y}}: {}",
                            self.custom_url
                        ));
                    }
                    ui.close();
                }
            });
            ui.menu_button("View", |ui| {
                if ui.button("Zoom to all layers").clicked() {
                    let b =
                        bbox_of_features(self.layers.iter().flat_map(|l| {
                            l.layer.features.iter().filter_map(|f| f.geometry.as_ref())
                        }));
                    self.zoom_to(b);
                    ui.close();
                }
                ui.checkbox(&mut self.show_log, "Log panel");
                ui.checkbox(&mut self.replay.enabled, "Replay (time slider)");
            });
            ui.menu_button("Help", |ui| {
                if ui.button("About corridor-watch").clicked() {
                    self.show_about = true;
                    ui.close();
                }
            });
        });
    }

    pub(super) fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.label("Tool:");
            for (tool, label, tip) in [
                (
                    Tool::Identify,
                    "Identify",
                    "Click a feature to see its properties; drag to pan",
                ),
                (
                    Tool::Measure,
                    "Measure",
                    "Click points: geodesic length of each leg and in all (Esc clears)",
                ),
                (
                    Tool::BoxQuery,
                    "Box query",
                    "Drag a box: list what is inside",
                ),
                (
                    Tool::RadiusQuery,
                    "Radius query",
                    "Drag from a centre: list what is within that distance",
                ),
                (
                    Tool::Route,
                    "Route",
                    "Click to add waypoints, click a leg to insert one, drag a waypoint to move it; select one and press Delete; Ctrl+Z / Ctrl+Y undo and redo; right-drag pans",
                ),
            ] {
                if ui
                    .selectable_label(self.tool == tool, label)
                    .on_hover_text(tip)
                    .clicked()
                {
                    self.tool = tool;
                    self.query_shape = None;
                    if tool == Tool::Route {
                        self.tab = Tab::Route;
                    }
                }
            }
            ui.separator();
            crate::app::panels::legend_ui(ui);
        });
    }
}
