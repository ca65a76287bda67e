//! The Buffer zone tab: incidents by category and time, inside or outside the
//! zone, with their depth and distance to the contact line.

use crate::app::command::Command;
use crate::app::map::style::{DEVIATION, ZONE_ENTRY, category_colour};
use crate::app::model::{Analysis, IncidentInfo};
use crate::app::settings::ZoneFilter;
use crate::output::text::format_length_m;
use eframe::egui::{self, RichText};

pub fn zone_ui(ui: &mut egui::Ui, a: &Analysis, f: &mut ZoneFilter, out: &mut Vec<Command>) {
    let mut categories: Vec<String> = a.incidents.iter().map(|i| i.category.clone()).collect();
    categories.sort();
    categories.dedup();
    filter_ui(ui, f, &categories);
    presets_ui(ui, f, a);
    if f.window().is_err() {
        ui.colored_label(
            DEVIATION,
            "Times are a date (2026-03-02) or RFC 3339 (2026-03-02T08:00:00Z), UTC",
        );
    }
    // One filter for this table, the map and File > Export > Incidents.
    let mut shown: Vec<&IncidentInfo> = a.incidents.iter().filter(|i| f.accepts(i)).collect();
    sort_incidents(&mut shown, f.sort);
    let inside = shown.iter().filter(|i| i.inside).count();
    ui.label(format!(
        "{} incidents shown, {} inside the zone ({} loaded)",
        shown.len(),
        inside,
        a.incidents.len()
    ));
    sectors_ui(ui, a, f);
    ui.separator();
    let headers = [
        "Incident",
        "Category",
        "Time (UTC)",
        "Zone",
        "Depth",
        "To contact line",
    ];
    category_legend_ui(ui, &categories);
    let sort = &mut f.sort;
    egui::Grid::new("incidents")
        .striped(true)
        .num_columns(headers.len())
        .show(ui, |ui| {
            super::widgets::sort_headers_ui(ui, &headers, sort);
            for i in &shown {
                if ui.selectable_label(false, &i.id).clicked() {
                    let p = i.pos;
                    out.push(Command::Highlight(vec![(i.layer, i.feature)]));
                    out.push(Command::ZoomTo([
                        p.x - 0.15,
                        p.y - 0.1,
                        p.x + 0.15,
                        p.y + 0.1,
                    ]));
                }
                incident_row_ui(ui, i);
                ui.end_row();
            }
        });
}

fn filter_ui(ui: &mut egui::Ui, f: &mut ZoneFilter, categories: &[String]) {
    ui.horizontal(|ui| {
        ui.label("Category");
        egui::ComboBox::from_id_salt("category")
            .selected_text(f.category.clone())
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut f.category, "All".to_string(), "All");
                for c in categories {
                    ui.selectable_value(&mut f.category, c.clone(), c);
                }
            });
        ui.checkbox(&mut f.inside_only, "Inside the zone only");
    });
    ui.horizontal(|ui| {
        ui.label("From");
        ui.add(
            egui::TextEdit::singleline(&mut f.from)
                .hint_text("2026-03-01")
                .desired_width(150.0),
        );
        ui.label("to");
        ui.add(
            egui::TextEdit::singleline(&mut f.to)
                .hint_text("date or RFC 3339, UTC")
                .desired_width(150.0),
        );
    });
}

/// The table's order: by name, category, time, zone, depth (outside ones last) or distance to the line.
fn sort_incidents(rows: &mut [&IncidentInfo], sort: crate::app::settings::TableSort) {
    let num = |v: Option<f64>| v.unwrap_or(f64::NEG_INFINITY);
    rows.sort_by(|a, b| {
        let o = match sort.column {
            0 => a.id.cmp(&b.id),
            1 => a.category.cmp(&b.category),
            2 => num(a.time_s).total_cmp(&num(b.time_s)),
            3 => a.inside.cmp(&b.inside),
            4 => num(a.inside.then_some(a.depth_m)).total_cmp(&num(b.inside.then_some(b.depth_m))),
            _ => num(a.contact_line_m).total_cmp(&num(b.contact_line_m)),
        };
        if sort.ascending { o } else { o.reverse() }
    });
}

/// The incident colours on the map, by category.
fn category_legend_ui(ui: &mut egui::Ui, categories: &[String]) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("On the map:").small());
        for c in categories {
            // A dot and its name wrap together, never apart: a new row when
            // both do not fit.
            let text = RichText::new(c).small();
            let font = egui::TextStyle::Small.resolve(ui.style());
            let name_w = ui
                .painter()
                .layout_no_wrap(c.to_string(), font, egui::Color32::WHITE)
                .size()
                .x;
            if super::widgets::room_in_row(ui) < 10.0 + ui.spacing().item_spacing.x + name_w {
                ui.end_row();
            }
            let (r, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            ui.painter()
                .circle_filled(r.center(), 5.0, category_colour(c));
            ui.label(text);
        }
        ui.label(RichText::new("(black ring: inside the zone)").small());
    });
}

/// Quick windows, ending at the newest incident (the data's own "now").
fn presets_ui(ui: &mut egui::Ui, f: &mut ZoneFilter, a: &Analysis) {
    let newest = a.incidents.iter().filter_map(|i| i.time_s).reduce(f64::max);
    ui.horizontal(|ui| {
        ui.label("Last");
        for (label, s) in [
            ("24 h", 86_400.0),
            ("3 days", 3.0 * 86_400.0),
            ("7 days", 7.0 * 86_400.0),
        ] {
            if ui.small_button(label).clicked()
                && let Some(t) = newest
            {
                f.from = crate::utc::format_rfc3339(t - s).unwrap_or_default();
                f.to = crate::utc::format_rfc3339(t).unwrap_or_default();
            }
        }
        if ui.small_button("All times").clicked() {
            f.from.clear();
            f.to.clear();
        }
    });
}

/// The cells after the incident's name.
fn incident_row_ui(ui: &mut egui::Ui, i: &IncidentInfo) {
    // Narrow columns keep the depth in view: a long category wraps, and a
    // time is shown to the minute (the whole of it on hover).
    ui.scope(|ui| {
        ui.set_max_width(105.0);
        ui.add(egui::Label::new(&i.category).wrap());
    });
    let short = match i.time.split_once('T') {
        Some((d, t)) if t.len() >= 5 => format!("{d} {}", &t[..5]),
        _ => i.time.clone(),
    };
    ui.label(short).on_hover_text(&i.time);
    ui.label(if i.inside {
        RichText::new("inside").color(ZONE_ENTRY)
    } else {
        RichText::new("outside")
    });
    ui.label(if i.inside {
        format_length_m(i.depth_m)
    } else {
        "-".into()
    });
    ui.label(
        i.contact_line_m
            .map(format_length_m)
            .unwrap_or_else(|| "-".into()),
    );
}

/// Incidents inside the zone per sector: the tab's period (or the last 7
/// days of the data) against the period of the same length before it.
fn sectors_ui(ui: &mut egui::Ui, a: &Analysis, f: &ZoneFilter) {
    use crate::analysis::incidents::{changes, period_of};
    if a.sectors.is_empty() {
        return;
    }
    let (from, to) = f.window().unwrap_or((None, None));
    let Some(period) = period_of(&a.incidents, from, to) else {
        return;
    };
    let rows: Vec<_> = changes(&a.incidents, &a.sectors, period)
        .into_iter()
        .filter(|c| c.now + c.before > 0)
        .collect();
    let day = |t: f64| {
        crate::utc::format_rfc3339(t)
            .and_then(|s| s.get(..16).map(|s| s.replace('T', " ")))
            .unwrap_or_default()
    };
    egui::CollapsingHeader::new("Inside the zone by sector")
        .default_open(true)
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!(
                    "{} to {} UTC{}, against the {} before; sectors with none in either are left out",
                    day(period.0),
                    day(period.1),
                    if from.is_none() && to.is_none() {
                        " (the last 7 days of the data)"
                    } else {
                        ""
                    },
                    crate::output::text::format_period_s(period.1 - period.0)
                ))
                .small(),
            );
            if rows.is_empty() {
                ui.label("No incident inside the zone in either period.");
                return;
            }
            egui::Grid::new("sectors").striped(true).num_columns(4).show(ui, |ui| {
                for h in ["Sector", "Period", "Before", "Change"] {
                    ui.strong(h);
                }
                ui.end_row();
                for c in &rows {
                    ui.label(&c.sector);
                    ui.label(c.now.to_string());
                    ui.label(c.before.to_string());
                    let d = c.now as i64 - c.before as i64;
                    let text = format!("{d:+}");
                    if d > 0 {
                        ui.colored_label(DEVIATION, text);
                    } else {
                        ui.label(text);
                    }
                    ui.end_row();
                }
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::settings::TableSort;

    fn inc(id: &str, inside: bool, depth_m: f64) -> IncidentInfo {
        IncidentInfo {
            layer: 0,
            feature: 0,
            id: id.into(),
            category: "shelling".into(),
            time: String::new(),
            time_s: None,
            time_end_s: None,
            pos: geo::Coord { x: 0.0, y: 0.0 },
            inside,
            depth_m,
            contact_line_m: None,
            sector: None,
        }
    }

    #[test]
    fn depth_sorts_with_outside_incidents_last_when_deepest_first() {
        let (a, b, c) = (
            inc("A", true, 900.0),
            inc("B", false, 0.0),
            inc("C", true, 12_000.0),
        );
        let mut rows = vec![&a, &b, &c];
        sort_incidents(
            &mut rows,
            TableSort {
                column: 4,
                ascending: false,
            },
        );
        let ids: Vec<&str> = rows.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["C", "A", "B"]);
        sort_incidents(
            &mut rows,
            TableSort {
                column: 0,
                ascending: true,
            },
        );
        assert_eq!(rows[0].id, "A");
    }
}
