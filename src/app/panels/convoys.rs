//! The Convoys tab: every convoy's status, and the selected convoy's
//! deviations and zone entries.

use crate::analysis::result::EventKind;
use crate::analysis::{ConvoyCheck, Stretch};
use crate::app::command::Command;
use crate::app::map::style::{DEVIATION, GAP, ZONE_ENTRY};
use crate::app::session::{Session, StretchKind, StretchRef};
use crate::app::settings::Settings;
use crate::output::report::{GapEntry, StretchEntry};
use crate::output::text::{ConvoyStatus, format_duration_s, format_length_m};
use eframe::egui::{self, Color32, RichText};

fn stretch_seconds(s: &Stretch) -> Option<f64> {
    Some(s.end_s? - s.start_s?)
}

pub fn convoys_ui(
    ui: &mut egui::Ui,
    session: &Session,
    settings: &mut Settings,
    out: &mut Vec<Command>,
) {
    let Some(a) = &session.analysis else {
        super::widgets::analysing_ui(ui);
        return;
    };
    let flagged = a.results.iter().filter(|r| r.report.is_flagged()).count();
    ui.label(format!("{} convoys, {} flagged", a.results.len(), flagged));
    ui.checkbox(&mut settings.flagged_only, "Flagged only");
    let outside = a.results.iter().filter(|r| r.report.not_in_lane).count();
    if outside > 0 {
        ui.checkbox(
            &mut settings.hide_not_in_lane,
            format!("Hide the {outside} vessel(s) not in a lane"),
        )
        .on_hover_text(
            "Vessels that never came within a grain lane are not checked for deviations",
        );
    }
    ui.separator();
    let selected = session.selection.convoy;
    let headers = [
        "Convoy",
        "Status",
        "Stretches",
        "Worst offset",
        "Off corridor",
        "Events",
    ];
    // Input order until a header is clicked; then by that column.
    let mut rows: Vec<(usize, &ConvoyCheck)> = a
        .results
        .iter()
        .map(|r| &r.report)
        .enumerate()
        .filter(|(_, r)| !settings.flagged_only || r.is_flagged())
        .filter(|(_, r)| !(settings.hide_not_in_lane && r.not_in_lane))
        .collect();
    if let Some(sort) = settings.convoy_sort {
        sort_convoys(&mut rows, sort);
    }
    let mut sort = settings
        .convoy_sort
        .unwrap_or(crate::app::settings::TableSort {
            column: usize::MAX,
            ascending: true,
        });
    // A solid scroll bar below the table: a floating one covers the last
    // row, and a click on that row's name hit the bar.
    ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
    egui::ScrollArea::horizontal()
        .id_salt("convoys table")
        .show(ui, |ui| {
            egui::Grid::new("convoys")
                .striped(true)
                .num_columns(headers.len())
                .show(ui, |ui| {
                    super::widgets::sort_headers_ui(ui, &headers, &mut sort);
                    for (i, r) in &rows {
                        if convoy_row_ui(ui, r, selected == Some(*i)) {
                            out.push(Command::SelectConvoy(*i));
                        }
                        ui.end_row();
                    }
                });
        });
    if sort.column != usize::MAX {
        settings.convoy_sort = Some(sort);
    }
    if let Some(r) = selected.and_then(|i| a.results.get(i)) {
        ui.separator();
        convoy_detail_ui(ui, &r.report, session.selection.stretch, out);
    }
}

/// Seconds off corridor: the deviations' durations.
fn off_corridor_s(r: &ConvoyCheck) -> f64 {
    r.deviations.iter().filter_map(stretch_seconds).sum()
}

/// The rows by the table's column `sort.column` (convoy, status, stretches,
/// worst offset, time off corridor, events).
fn sort_convoys(rows: &mut [(usize, &ConvoyCheck)], sort: crate::app::settings::TableSort) {
    rows.sort_by(|(_, a), (_, b)| {
        let o = match sort.column {
            1 => ConvoyStatus::of(a)
                .label()
                .cmp(&ConvoyStatus::of(b).label()),
            2 => a.stretch_count().cmp(&b.stretch_count()),
            3 => a
                .worst_offset_m()
                .unwrap_or(-1.0)
                .total_cmp(&b.worst_offset_m().unwrap_or(-1.0)),
            4 => off_corridor_s(a).total_cmp(&off_corridor_s(b)),
            5 => a.events.len().cmp(&b.events.len()),
            _ => a.convoy_id.cmp(&b.convoy_id),
        };
        if sort.ascending { o } else { o.reverse() }
    });
}

/// One row of the table; true when its name was clicked.
fn convoy_row_ui(ui: &mut egui::Ui, rep: &ConvoyCheck, selected: bool) -> bool {
    let st = ConvoyStatus::of(rep);
    let colour = if st.deviated || st.off_window || st.not_notified || st.closed_corridor {
        DEVIATION
    } else if st.in_zone {
        ZONE_ENTRY
    } else if st.silent || st.not_in_lane {
        GAP
    } else {
        Color32::from_rgb(20, 130, 50)
    };
    let status = RichText::new(st.label()).color(colour);
    let clicked = ui.selectable_label(selected, &rep.convoy_id).clicked();
    // Several reasons wrap within the column, so the figures stay in view.
    ui.scope(|ui| {
        ui.set_max_width(130.0);
        ui.add(egui::Label::new(status).wrap());
    });
    // Every stretch the details list (deviations, zone entries, off window, closed corridor).
    ui.label(rep.stretch_count().to_string());
    ui.label(
        rep.worst_offset_m()
            .map(format_length_m)
            .unwrap_or_else(|| "-".into()),
    );
    let off = off_corridor_s(rep);
    ui.label(if rep.deviations.is_empty() {
        "-".into()
    } else {
        format_duration_s(off)
    });
    ui.label(if rep.events.is_empty() {
        "-".into()
    } else {
        rep.events.len().to_string()
    });
    clicked
}

fn convoy_detail_ui(
    ui: &mut egui::Ui,
    rep: &ConvoyCheck,
    selected: Option<StretchRef>,
    out: &mut Vec<Command>,
) {
    ui.heading(format!("Convoy {}", rep.convoy_id));
    ui.label(format!("Track length {}", format_length_m(rep.length_m)));
    let notified = rep
        .notification
        .as_ref()
        .filter(|n| !n.movement_ids.is_empty());
    ui.label(match &rep.corridor_ids {
        _ if notified.is_some() => format!(
            "Approved: the routes and corridors of its notified movements ({})",
            notified
                .map(|n| n.movement_ids.join(", "))
                .unwrap_or_default()
        ),
        Some(ids) if ids.is_empty() => "Approved corridors: none".to_string(),
        Some(ids) => format!("Approved corridors: {}", ids.join(", ")),
        None => "Approved corridors: any corridor or grain route".to_string(),
    });
    for w in &rep.warnings {
        ui.colored_label(Color32::from_rgb(180, 90, 0), format!("Warning: {w}"));
    }
    for (kind, list) in [
        (StretchKind::Deviation, &rep.deviations),
        (StretchKind::ZoneEntry, &rep.buffer_zone_entries),
    ] {
        for (index, s) in list.iter().enumerate() {
            let (what, colour) = match kind {
                StretchKind::Deviation => ("Deviation", DEVIATION),
                StretchKind::ZoneEntry => ("Zone entry", ZONE_ENTRY),
            };
            let offset = match (kind, s.max_offset_m) {
                (StretchKind::ZoneEntry, Some(m)) => format!("{} deep", format_length_m(m)),
                (StretchKind::Deviation, Some(m)) => format!("{} off", format_length_m(m)),
                (_, None) => "no approved corridor".into(),
            };
            let e = StretchEntry::of(s);
            let times = match (&e.start_time, &e.end_time) {
                (Some(a), Some(b)) => format!(
                    "{a} – {b} ({})",
                    format_duration_s(stretch_seconds(s).unwrap_or(0.0))
                ),
                _ => "no times".into(),
            };
            let text = format!(
                "{what} {}: {} long, {offset}; {times}",
                index + 1,
                format_length_m(s.length_m)
            );
            let this = StretchRef { kind, index };
            // Coloured text on the selection's blue is unreadable: selected rows keep the plain colour.
            let label = if selected == Some(this) {
                RichText::new(text).strong()
            } else {
                RichText::new(text).color(colour)
            };
            if ui.selectable_label(selected == Some(this), label).clicked() {
                out.push(Command::SelectStretch(this));
            }
        }
    }
    for (k, g) in rep.gaps.iter().enumerate() {
        let g = GapEntry::of(g);
        ui.colored_label(
            GAP,
            format!(
                "Gap {}: silent for {} in a grain lane; {} – {}",
                k + 1,
                format_duration_s(g.duration_s),
                g.start_time,
                g.end_time
            ),
        );
    }
    if rep.not_in_lane {
        ui.label("A vessel that never came within a grain lane: not checked for deviations.");
    }
    notification_ui(ui, rep);
    events_ui(ui, rep, out);
    if !rep.is_flagged() {
        ui.label("No deviation, no buffer-zone entry and no gap.");
    }
}

/// The convoy against its notified movements: which, and where it moved
/// off every window or in a closed corridor.
fn notification_ui(ui: &mut egui::Ui, rep: &ConvoyCheck) {
    let Some(n) = &rep.notification else { return };
    if n.not_notified {
        ui.colored_label(DEVIATION, "Not notified: no movement names this convoy.");
    }
    let line = |s: &Stretch| {
        let e = StretchEntry::of(s);
        format!(
            "{} long; {} – {} ({})",
            format_length_m(s.length_m),
            e.start_time.as_deref().unwrap_or("-"),
            e.end_time.as_deref().unwrap_or("-"),
            format_duration_s(stretch_seconds(s).unwrap_or(0.0))
        )
    };
    for (k, s) in n.off_window.iter().enumerate() {
        ui.colored_label(
            DEVIATION,
            format!("Off window {}: under way {}", k + 1, line(s)),
        );
    }
    for (k, (s, id)) in n.closed_corridor.iter().enumerate() {
        ui.colored_label(
            DEVIATION,
            format!("In closed corridor {id} ({}): {}", k + 1, line(s)),
        );
    }
}

/// The convoy's events (implausible fixes dropped, loitering, encounters):
/// a click centres the map on one.
fn events_ui(ui: &mut egui::Ui, rep: &ConvoyCheck, out: &mut Vec<Command>) {
    use crate::app::map::style::{DROPPED_FIX, ENCOUNTER, LOITERING};
    use crate::output::report::EventEntry;
    for e in &rep.events {
        let entry = EventEntry::of(e);
        let lon_lat = format!("lon {:.5}°, lat {:.5}°", e.position.x, e.position.y);
        let (text, colour) = match &e.kind {
            EventKind::ImplausibleJump { speed_kmh, .. } => (
                format!(
                    "Implausible fix dropped at {}: {} from the last kept fix",
                    entry.start_time,
                    speed_kmh.map_or_else(|| "no time".into(), |v| format!("{v:.0} km/h"))
                ),
                DROPPED_FIX,
            ),
            EventKind::Loitering { mean_speed_kn } => (
                format!(
                    "Loitering {} at {mean_speed_kn:.1} kn; {} – {}",
                    format_duration_s(e.duration_s()),
                    entry.start_time,
                    entry.end_time
                ),
                LOITERING,
            ),
            EventKind::Encounter {
                other,
                min_distance_m,
                ..
            } => (
                format!(
                    "Encounter with {other} for {}, closest {}; {} – {}",
                    format_duration_s(e.duration_s()),
                    format_length_m(*min_distance_m),
                    entry.start_time,
                    entry.end_time
                ),
                ENCOUNTER,
            ),
        };
        let clicked = ui
            .selectable_label(false, RichText::new(text).color(colour))
            .on_hover_text(format!("At {lon_lat}; click to centre the map there"))
            .clicked();
        if clicked {
            out.push(Command::GoTo {
                at: e.position,
                zoom: 13.0,
                what: format!("{} of {}", e.type_name().replace('_', " "), rep.convoy_id),
            });
        }
    }
}
