//! The Convoys tab: every convoy's status, and the selected convoy's
//! deviations and zone entries.

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
    ui.separator();
    let selected = session.selection.convoy;
    let headers = [
        "Convoy",
        "Status",
        "Stretches",
        "Worst offset",
        "Off corridor",
    ];
    // Input order until a header is clicked; then by that column.
    let mut rows: Vec<(usize, &ConvoyCheck)> = a
        .results
        .iter()
        .map(|r| &r.report)
        .enumerate()
        .filter(|(_, r)| !settings.flagged_only || r.is_flagged())
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
/// worst offset, time off corridor).
fn sort_convoys(rows: &mut [(usize, &ConvoyCheck)], sort: crate::app::settings::TableSort) {
    rows.sort_by(|(_, a), (_, b)| {
        let o = match sort.column {
            1 => ConvoyStatus::of(a)
                .label()
                .cmp(&ConvoyStatus::of(b).label()),
            2 => (a.deviations.len() + a.buffer_zone_entries.len())
                .cmp(&(b.deviations.len() + b.buffer_zone_entries.len())),
            3 => a
                .worst_offset_m()
                .unwrap_or(-1.0)
                .total_cmp(&b.worst_offset_m().unwrap_or(-1.0)),
            4 => off_corridor_s(a).total_cmp(&off_corridor_s(b)),
            _ => a.convoy_id.cmp(&b.convoy_id),
        };
        if sort.ascending { o } else { o.reverse() }
    });
}

/// One row of the table; true when its name was clicked.
fn convoy_row_ui(ui: &mut egui::Ui, rep: &ConvoyCheck, selected: bool) -> bool {
    let st = ConvoyStatus::of(rep);
    let colour = if st.deviated {
        DEVIATION
    } else if st.in_zone {
        ZONE_ENTRY
    } else if st.silent {
        GAP
    } else {
        Color32::from_rgb(20, 130, 50)
    };
    let status = RichText::new(st.label()).color(colour);
    let clicked = ui.selectable_label(selected, &rep.convoy_id).clicked();
    ui.label(status);
    ui.label((rep.deviations.len() + rep.buffer_zone_entries.len()).to_string());
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
    ui.label(match &rep.corridor_ids {
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
    if !rep.is_flagged() {
        ui.label("No deviation, no buffer-zone entry and no gap.");
    }
}
