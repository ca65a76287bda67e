//! The Results tab: the measure tool's legs, and the features an identify or
//! area query found, with their properties.

use crate::app::command::Command;
use crate::app::session::Session;
use crate::geodesy::distance_m;
use crate::output::text::format_length_m;
use eframe::egui;

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
                    props_ui(ui, f);
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

/// A feature's properties; a track's per-vertex times (read into the track,
/// not kept as text) as their span and count, and no empty leftovers such as
/// GeoJSON's `coordinateProperties: {}`.
fn props_ui(ui: &mut egui::Ui, f: &crate::model::Feature) {
    egui::Grid::new(ui.next_auto_id())
        .striped(true)
        .show(ui, |ui| {
            for (k, v) in &f.properties {
                if v.as_object().is_some_and(|o| o.is_empty()) {
                    continue;
                }
                ui.label(k);
                ui.label(super::windows::value_text(v, 200));
                ui.end_row();
            }
            if let Some(text) = times_text(f) {
                ui.label("times");
                ui.label(text);
                ui.end_row();
            }
        });
}

/// "150 times, 2026-03-02T08:00:00Z to 2026-03-02T12:30:00Z (4 h 30 min)".
pub fn times_text(f: &crate::model::Feature) -> Option<String> {
    if matches!(f.geometry, Some(geo::Geometry::Point(_))) {
        return None;
    }
    let times: Vec<f64> = f
        .times
        .as_ref()?
        .iter()
        .flatten()
        .flatten()
        .copied()
        .collect();
    let (lo, hi) = times
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| {
            (a.min(*t), b.max(*t))
        });
    let (a, b) = (
        crate::utc::format_rfc3339(lo)?,
        crate::utc::format_rfc3339(hi)?,
    );
    Some(format!(
        "{} times, {a} to {b} ({})",
        times.len(),
        crate::output::text::format_duration_s(hi - lo)
    ))
}

#[cfg(test)]
mod tests {
    /// Issue 24: Identify showed `coordinateProperties {}` for a track with
    /// 150 times; it shows their count and span.
    #[test]
    fn a_tracks_times_read_as_their_span() {
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
          "properties":{"kind":"track","convoy_id":"A","coordinateProperties":{"times":
          ["2026-03-02T08:00:00Z","2026-03-02T09:00:00Z","2026-03-02T12:30:00Z"]}},
          "geometry":{"type":"LineString","coordinates":[[30,50],[30.1,50],[30.2,50]]}}]}"#;
        let l = crate::io::read_bytes("t.geojson", text.as_bytes()).unwrap();
        let f = &l.features[0];
        assert_eq!(
            super::times_text(f).as_deref(),
            Some("3 times, 2026-03-02T08:00:00Z to 2026-03-02T12:30:00Z (4 h 30 min)")
        );
        assert!(
            f.properties["coordinateProperties"]
                .as_object()
                .unwrap()
                .is_empty()
        );
    }
}
