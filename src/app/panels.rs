//! The side panel's tabs (layers, convoys, buffer zone, results) and the legend.
//! The log and the windows are in `windows.rs`.

use super::model::bbox_of_features;
use super::state::{CorridorApp, Tab};
use super::style::{DEVIATION, ZONE_ENTRY, category_colour, role_colour};
use crate::geodesy::distance_m;
use crate::io::time::parse_rfc3339;
use crate::model::Role;
use eframe::egui::{self, Color32, RichText};
use serde_json::Value;

const ROLES: [Role; 8] = [
    Role::Unassigned,
    Role::Corridor,
    Role::GrainRoute,
    Role::ContactLine,
    Role::BufferZone,
    Role::Track,
    Role::Incident,
    Role::Route,
];

pub fn legend_ui(ui: &mut egui::Ui) {
    let swatch = |ui: &mut egui::Ui, c: Color32, text: &str| {
        let (r, _) = ui.allocate_exact_size(egui::vec2(14.0, 10.0), egui::Sense::hover());
        ui.painter().rect_filled(r, 2.0, c);
        ui.label(RichText::new(text).small());
    };
    ui.label(RichText::new("Legend:").small());
    swatch(
        ui,
        role_colour(Role::Corridor).gamma_multiply(0.6),
        "corridor (true width)",
    );
    swatch(
        ui,
        role_colour(Role::GrainRoute).gamma_multiply(0.6),
        "grain lane",
    );
    swatch(
        ui,
        role_colour(Role::BufferZone).gamma_multiply(0.6),
        "buffer zone",
    );
    swatch(ui, role_colour(Role::Track), "track");
    swatch(ui, DEVIATION, "deviation");
    swatch(ui, ZONE_ENTRY, "zone entry");
    swatch(
        ui,
        category_colour("shelling"),
        "incident (ringed: in zone)",
    );
}

pub fn side_ui(app: &mut CorridorApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        for (tab, label) in [
            (Tab::Layers, "Layers"),
            (Tab::Convoys, "Convoys"),
            (Tab::Zone, "Buffer zone"),
            (Tab::Results, "Results"),
            (Tab::Route, "Route"),
            (Tab::Live, "Live"),
        ] {
            if ui.selectable_label(app.tab == tab, label).clicked() {
                app.tab = tab;
            }
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| match app.tab {
            Tab::Layers => layers_ui(app, ui),
            Tab::Convoys => convoys_ui(app, ui),
            Tab::Zone => zone_ui(app, ui),
            Tab::Results => results_ui(app, ui),
            Tab::Route => super::ops_panels::route_ui(app, ui),
            Tab::Live => super::ops_panels::live_ui(app, ui),
        });
}

fn layers_ui(app: &mut CorridorApp, ui: &mut egui::Ui) {
    if app.layers.is_empty() {
        ui.label("No layers. File > Open, File > Open URL, or drop files on the window.");
    }
    let mut remove = None;
    let mut reanalyse = false;
    let mut zoom = None;
    let mut table = None;
    for (i, l) in app.layers.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.checkbox(&mut l.style.visible, &l.layer.name)
                .on_hover_text(l.origin.label());
            ui.label(format!("{} features", l.layer.features.len()));
        });
        ui.horizontal(|ui| {
            ui.color_edit_button_srgb(&mut l.style.rgb)
                .on_hover_text("Colour");
            ui.add(
                egui::DragValue::new(&mut l.style.width)
                    .range(0.5..=10.0)
                    .speed(0.1)
                    .suffix(" px"),
            )
            .on_hover_text(
                "Line width in pixels (corridor bands are drawn at their true width in metres)",
            );
            if ui.small_button("Zoom to").clicked() {
                zoom = l.bbox();
            }
            if ui.small_button("Table").clicked() {
                table = Some(i);
            }
            if ui.small_button("Remove").clicked() {
                remove = Some(i);
            }
        });
        let unassigned = l.unassigned();
        if unassigned > 0 {
            ui.horizontal(|ui| {
                ui.label(format!("{unassigned} without kind, read as:"));
                egui::ComboBox::from_id_salt(("role", i))
                    .selected_text(l.role_pick.as_kind())
                    .show_ui(ui, |ui| {
                        for r in ROLES {
                            if ui
                                .selectable_value(&mut l.role_pick, r, r.as_kind())
                                .changed()
                            {
                                reanalyse = true;
                            }
                        }
                    });
            });
        }
        ui.separator();
    }
    if let Some(i) = remove {
        app.remove_layer(i);
    } else if reanalyse {
        app.reanalyse();
    }
    if let Some(t) = table {
        app.table_layer = Some(t);
    }
    app.zoom_to(zoom);
}

fn stretch_seconds(s: &crate::report::Stretch) -> Option<f64> {
    let a = parse_rfc3339(s.start_time.as_deref()?).ok()?;
    let b = parse_rfc3339(s.end_time.as_deref()?).ok()?;
    Some(b - a)
}

fn convoys_ui(app: &mut CorridorApp, ui: &mut egui::Ui) {
    let Some(a) = &app.analysis else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Analysing…");
        });
        return;
    };
    let flagged = a.results.iter().filter(|r| r.report.is_flagged()).count();
    ui.label(format!("{} convoys, {} flagged", a.results.len(), flagged));
    ui.checkbox(&mut app.flagged_only, "Flagged only");
    ui.separator();
    let mut select = None;
    egui::Grid::new("convoys")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            ui.strong("Convoy");
            ui.strong("Status");
            ui.strong("Stretches");
            ui.strong("Worst offset");
            ui.strong("Time off corridor");
            ui.end_row();
            for (i, r) in a.results.iter().enumerate() {
                let rep = &r.report;
                if app.flagged_only && !rep.is_flagged() {
                    continue;
                }
                use crate::text::ConvoyStatus;
                let st = ConvoyStatus::of(rep);
                let status = RichText::new(st.label()).color(match st {
                    ConvoyStatus::Clean => Color32::from_rgb(20, 130, 50),
                    ConvoyStatus::InZone => ZONE_ENTRY,
                    ConvoyStatus::Deviated | ConvoyStatus::DeviatedInZone => DEVIATION,
                });
                if ui
                    .selectable_label(app.selected_convoy == Some(i), &rep.convoy_id)
                    .clicked()
                {
                    select = Some(i);
                }
                ui.label(status);
                ui.label((rep.deviations.len() + rep.buffer_zone_entries.len()).to_string());
                ui.label(
                    rep.worst_offset_m()
                        .map(crate::text::format_length_m)
                        .unwrap_or_else(|| "-".into()),
                );
                let off: f64 = rep.deviations.iter().filter_map(stretch_seconds).sum();
                ui.label(if rep.deviations.is_empty() {
                    "-".into()
                } else {
                    crate::text::format_duration_s(off)
                });
                ui.end_row();
            }
        });
    let mut zoom = None;
    let mut stretch_sel = None;
    if let Some(ci) = app.selected_convoy.filter(|&i| i < a.results.len()) {
        let r = &a.results[ci];
        ui.separator();
        ui.heading(format!("Convoy {}", r.report.convoy_id));
        ui.label(format!(
            "Track length {}",
            crate::text::format_length_m(r.report.length_m)
        ));
        if let Some(ids) = &r.report.corridor_ids {
            ui.label(format!(
                "Approved corridors: {}",
                if ids.is_empty() {
                    "none".into()
                } else {
                    ids.join(", ")
                }
            ));
        } else {
            ui.label("Approved corridors: any corridor or grain route");
        }
        for w in &r.report.warnings {
            ui.colored_label(Color32::from_rgb(180, 90, 0), format!("⚠ {w}"));
        }
        for (zone, list) in [
            (false, &r.report.deviations),
            (true, &r.report.buffer_zone_entries),
        ] {
            for (k, s) in list.iter().enumerate() {
                let what = if zone { "Zone entry" } else { "Deviation" };
                let offset = match (zone, s.max_offset_m) {
                    (true, Some(m)) => format!("{} deep", crate::text::format_length_m(m)),
                    (false, Some(m)) => format!("{} off", crate::text::format_length_m(m)),
                    (_, None) => "no approved corridor".into(),
                };
                let times = match (&s.start_time, &s.end_time) {
                    (Some(a), Some(b)) => format!("{a} – {b}"),
                    _ => "no times".into(),
                };
                let text = format!(
                    "{what} {}: {} long, {offset}; {times}",
                    k + 1,
                    crate::text::format_length_m(s.length_m)
                );
                let selected = app.selected_stretch == Some((zone, k));
                let label = RichText::new(text).color(if zone { ZONE_ENTRY } else { DEVIATION });
                if ui.selectable_label(selected, label).clicked() {
                    stretch_sel = Some((zone, k));
                }
            }
        }
        if r.report.deviations.is_empty() && r.report.buffer_zone_entries.is_empty() {
            ui.label("No deviation and no buffer-zone entry.");
        }
    }
    if let Some(i) = select {
        app.selected_convoy = Some(i);
        app.selected_stretch = None;
        if let Some(a) = &app.analysis {
            let parts = &a.convoys[i].parts;
            let coords: Vec<geo::Coord> = parts
                .iter()
                .flat_map(|p| p.coords.iter().copied())
                .collect();
            zoom = bbox_of_features(std::iter::once(&geo::Geometry::MultiPoint(
                coords.into_iter().map(geo::Point).collect(),
            )));
            app.highlight.path = None;
            app.highlight.features.clear();
        }
    }
    if let (Some((zone, k)), Some(ci)) = (stretch_sel, app.selected_convoy) {
        app.selected_stretch = Some((zone, k));
        if let Some(a) = &app.analysis {
            let r = &a.results[ci];
            let path = if zone {
                r.zone_paths.get(k)
            } else {
                r.deviation_paths.get(k)
            };
            if let Some(p) = path {
                app.highlight.path = Some(p.clone());
                zoom = bbox_of_features(std::iter::once(&geo::Geometry::LineString(
                    geo::LineString(p.clone()),
                )));
            }
        }
    }
    if let Some(b) = zoom {
        // A little room around what is shown.
        let pad = ((b[2] - b[0]).max(b[3] - b[1]) * 0.15).max(0.02);
        app.zoom_to(Some([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]));
    }
}

fn zone_ui(app: &mut CorridorApp, ui: &mut egui::Ui) {
    let Some(a) = &app.analysis else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Analysing…");
        });
        return;
    };
    let mut categories: Vec<String> = a.incidents.iter().map(|i| i.category.clone()).collect();
    categories.sort();
    categories.dedup();
    let f = &mut app.zone_filter;
    ui.horizontal(|ui| {
        ui.label("Category");
        egui::ComboBox::from_id_salt("category")
            .selected_text(f.category.clone())
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut f.category, "All".to_string(), "All");
                for c in &categories {
                    ui.selectable_value(&mut f.category, c.clone(), c);
                }
            });
        ui.checkbox(&mut f.inside_only, "Inside the zone only");
    });
    ui.horizontal(|ui| {
        ui.label("From");
        ui.add(
            egui::TextEdit::singleline(&mut f.from)
                .hint_text("2026-03-01T00:00:00Z")
                .desired_width(150.0),
        );
        ui.label("to");
        ui.add(
            egui::TextEdit::singleline(&mut f.to)
                .hint_text("RFC 3339, UTC")
                .desired_width(150.0),
        );
    });
    let from = parse_rfc3339(&f.from).ok();
    let to = parse_rfc3339(&f.to).ok();
    if (!f.from.trim().is_empty() && from.is_none()) || (!f.to.trim().is_empty() && to.is_none()) {
        ui.colored_label(
            DEVIATION,
            "Times must be RFC 3339, e.g. 2026-03-02T08:00:00Z",
        );
    }
    let shown: Vec<&super::model::IncidentInfo> = a
        .incidents
        .iter()
        .filter(|i| f.category == "All" || i.category == f.category)
        .filter(|i| !f.inside_only || i.inside)
        .filter(|i| from.is_none_or(|t| i.time_s.is_some_and(|s| s >= t)))
        .filter(|i| to.is_none_or(|t| i.time_s.is_some_and(|s| s <= t)))
        .collect();
    let inside = shown.iter().filter(|i| i.inside).count();
    ui.label(format!(
        "{} incidents shown, {} inside the zone ({} loaded)",
        shown.len(),
        inside,
        a.incidents.len()
    ));
    ui.separator();
    let mut pick = None;
    egui::Grid::new("incidents")
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            for h in [
                "Incident",
                "Category",
                "Time (UTC)",
                "Zone",
                "Depth",
                "To contact line",
            ] {
                ui.strong(h);
            }
            ui.end_row();
            for i in &shown {
                if ui.selectable_label(false, &i.id).clicked() {
                    pick = Some((i.layer, i.feature, i.pos));
                }
                ui.label(&i.category);
                ui.label(&i.time);
                ui.label(if i.inside {
                    RichText::new("inside").color(ZONE_ENTRY)
                } else {
                    RichText::new("outside")
                });
                ui.label(if i.inside {
                    crate::text::format_length_m(i.depth_m)
                } else {
                    "-".into()
                });
                ui.label(
                    i.contact_line_m
                        .map(crate::text::format_length_m)
                        .unwrap_or_else(|| "-".into()),
                );
                ui.end_row();
            }
        });
    if let Some((l, fi, p)) = pick {
        app.highlight.features = vec![(l, fi)];
        app.zoom_to(Some([p.x - 0.15, p.y - 0.1, p.x + 0.15, p.y + 0.1]));
    }
}

fn props_ui(ui: &mut egui::Ui, props: &serde_json::Map<String, Value>) {
    egui::Grid::new(ui.next_auto_id())
        .striped(true)
        .show(ui, |ui| {
            for (k, v) in props {
                ui.label(k);
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => {
                        let t = other.to_string();
                        if t.len() > 200 {
                            format!("{}…", &t[..t.floor_char_boundary(200)])
                        } else {
                            t
                        }
                    }
                };
                ui.label(text);
                ui.end_row();
            }
        });
}

fn results_ui(app: &mut CorridorApp, ui: &mut egui::Ui) {
    if !app.measure.is_empty() {
        ui.heading("Measure (geodesic, WGS 84)");
        let mut total = 0.0;
        for (k, w) in app.measure.windows(2).enumerate() {
            let d = distance_m(w[0], w[1]);
            total += d;
            ui.label(format!(
                "Leg {}: {}",
                k + 1,
                crate::text::format_length_m(d)
            ));
        }
        ui.strong(format!(
            "Total: {} over {} points",
            crate::text::format_length_m(total),
            app.measure.len()
        ));
        if ui.button("Clear measurement").clicked() {
            app.measure.clear();
        }
        ui.separator();
    }
    if app.results_title.is_empty() {
        ui.label("Click the map with Identify, or drag a box or radius, to list features here.");
        return;
    }
    ui.strong(&app.results_title);
    let mut hover = None;
    let mut zoom = None;
    for &(li, fi, d) in &app.results {
        let Some(l) = app.layers.get(li) else {
            continue;
        };
        let Some(f) = l.layer.features.get(fi) else {
            continue;
        };
        let role = l.effective_role(f.role).as_kind();
        let dist = d
            .map(|d| {
                if d < 1000.0 {
                    format!(", {d:.0} m away")
                } else {
                    format!(", {} away", crate::text::format_length_m(d))
                }
            })
            .unwrap_or_default();
        let head =
            egui::CollapsingHeader::new(format!("{} ({role}, {}{dist})", f.label(), l.layer.name))
                .id_salt((li, fi))
                .show(ui, |ui| {
                    props_ui(ui, &f.properties);
                    if ui.small_button("Zoom to").clicked() {
                        zoom = f
                            .geometry
                            .as_ref()
                            .and_then(|g| bbox_of_features(std::iter::once(g)));
                    }
                });
        if head.header_response.hovered() {
            hover = Some((li, fi));
        }
    }
    if let Some(h) = hover {
        app.highlight.features = vec![h];
    }
    if let Some(b) = zoom {
        let pad = ((b[2] - b[0]).max(b[3] - b[1]) * 0.2).max(0.02);
        app.zoom_to(Some([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]));
    }
}
