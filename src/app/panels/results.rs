//! The Results tab: the measure tool's legs, and the features an identify or
//! area query found, with their properties.

use crate::app::command::Command;
use crate::app::session::Session;
use crate::geodesy::distance_m;
use crate::output::text::format_length_m;
use eframe::egui;
use serde_json::Value;

pub fn results_ui(ui: &mut egui::Ui, session: &Session, out: &mut Vec<Command>) {
    if !session.measure.is_empty() {
        measure_ui(ui, &session.measure, out);
    }
    let results = &session.results;
    if results.title.is_empty() {
        ui.label("Click the map with Identify, or drag a box or radius, to list features here.");
        return;
    }
    ui.strong(&results.title);
    let mut hover = None;
    for h in &results.hits {
        let Some(l) = session.layers.get(h.layer) else {
            continue;
        };
        let Some(f) = l.layer.features.get(h.feature) else {
            continue;
        };
        let role = l.effective_role(f.role).as_kind();
        let dist = h
            .distance_m
            .map(|d| format!(", {} away", format_length_m(d)))
            .unwrap_or_default();
        let head =
            egui::CollapsingHeader::new(format!("{} ({role}, {}{dist})", f.label(), l.layer.name))
                .id_salt((h.layer, h.feature))
                .show(ui, |ui| {
                    if let Some(text) = summary(session, h.layer, h.feature) {
                        ui.strong(text);
                    }
                    props_ui(ui, &f.properties);
                    if ui.small_button("Zoom to").clicked() {
                        out.push(Command::ShowFeature {
                            layer: h.layer,
                            feature: h.feature,
                        });
                    }
                });
        if head.header_response.hovered() {
            hover = Some((h.layer, h.feature));
        }
    }
    if let Some(h) = hover {
        out.push(Command::Highlight(vec![h]));
    }
}

/// What the analysis says of a feature: an incident's place in the zone, a
/// track's convoy status.
fn summary(session: &Session, layer: usize, feature: usize) -> Option<String> {
    let a = session.analysis.as_ref()?;
    if let Some(i) = a
        .incidents
        .iter()
        .find(|i| i.layer == layer && i.feature == feature)
    {
        let line = i
            .contact_line_m
            .map(|m| format!(", {} from the contact line", format_length_m(m)))
            .unwrap_or_default();
        return Some(if i.inside {
            format!(
                "inside the buffer zone, {} deep{line}",
                format_length_m(i.depth_m)
            )
        } else {
            format!("outside the buffer zone{line}")
        });
    }
    let f = session.layers.get(layer)?.layer.features.get(feature)?;
    let id = f.prop_text("convoy_id")?;
    let r = a.results.iter().find(|r| r.report.convoy_id == id)?;
    let st = crate::output::text::ConvoyStatus::of(&r.report);
    Some(format!(
        "convoy {id}: {}, {} tracked",
        st.label(),
        format_length_m(r.report.length_m)
    ))
}

fn measure_ui(ui: &mut egui::Ui, points: &[geo::Coord], out: &mut Vec<Command>) {
    ui.heading("Measure (geodesic, WGS 84)");
    let mut total = 0.0;
    for (k, w) in points.windows(2).enumerate() {
        let d = distance_m(w[0], w[1]);
        total += d;
        ui.label(format!("Leg {}: {}", k + 1, format_length_m(d)));
    }
    ui.strong(format!(
        "Total: {} over {} points",
        format_length_m(total),
        points.len()
    ));
    if ui.button("Clear measurement").clicked() {
        out.push(Command::ClearMeasure);
    }
    ui.separator();
}

fn props_ui(ui: &mut egui::Ui, props: &serde_json::Map<String, Value>) {
    egui::Grid::new(ui.next_auto_id())
        .striped(true)
        .show(ui, |ui| {
            for (k, v) in props {
                ui.label(k);
                ui.label(super::windows::value_text(v, 200));
                ui.end_row();
            }
        });
}
