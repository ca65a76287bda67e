//! The Movements tab: every notified movement with its convoy, window and
//! state as of the data's time (the time slider's, else the latest report):
//! planned, under way, completed, late or violated, with the reasons and,
//! under way, the expected arrival against the window's end. The selected
//! movement's details, its route on the map, and its notification package.

use crate::analysis::movements::{self, Plan, State, Status};
use crate::analysis::notified::Movement;
use crate::app::command::Command;
use crate::app::export::ExportKind;
use crate::app::map::style::DEVIATION;
use crate::app::model::Analysis;
use crate::app::session::Session;
use crate::app::settings::{Settings, Tab};
use crate::output::text::{format_duration_s, format_length_m};
use crate::utc::format_rfc3339;
use eframe::egui::{self, Color32, RichText};

/// A state's colour (violated: the deviation colour; late: reddish purple).
pub fn state_colour(s: State) -> Color32 {
    match s {
        State::Planned => Color32::from_rgb(110, 110, 130),
        State::UnderWay => Color32::from_rgb(0, 114, 178),
        State::Completed => Color32::from_rgb(0, 140, 90),
        State::Late => Color32::from_rgb(204, 121, 167),
        State::Violated => DEVIATION,
    }
}

/// A time as "2026-03-02 17:40" (UTC).
fn hm(t: f64) -> String {
    // To the minute: "2026-03-02T17:40:12Z" is "2026-03-02 17:40".
    format_rfc3339((t / 60.0).round() * 60.0)
        .and_then(|s| s.get(..16).map(|s| s.replace('T', " ")))
        .unwrap_or_else(|| "-".into())
}

/// A window as "2026-03-02 07:30 to 17:00" (the end's date when it differs).
fn window_short(w: Option<(f64, f64)>) -> String {
    let Some((a, b)) = w else {
        return "unreadable".into();
    };
    let (sa, sb) = (hm(a), hm(b));
    match (sa.split_once(' '), sb.split_once(' ')) {
        (Some((da, _)), Some((db, tb))) if da == db => format!("{sa} to {tb}"),
        _ => format!("{sa} to {sb}"),
    }
}

/// Each movement with its plan and status as of `now`.
fn statuses(a: &Analysis, now: f64) -> Vec<(&Movement, &Plan, Status)> {
    a.scn
        .notified
        .movements
        .iter()
        .zip(&a.plans)
        .map(|(m, (plan, k))| {
            let status = movements::status(
                m,
                plan,
                k.and_then(|k| a.convoys.get(k)),
                k.and_then(|k| a.results.get(k)).map(|r| &r.report),
                now,
            );
            (m, plan, status)
        })
        .collect()
}

pub fn movements_ui(
    ui: &mut egui::Ui,
    session: &Session,
    settings: &mut Settings,
    out: &mut Vec<Command>,
) {
    let Some(a) = &session.analysis else {
        super::widgets::analysing_ui(ui);
        return;
    };
    if a.scn.notified.movements.is_empty() {
        ui.label("No notified movements in the layers.");
        ui.label(
            RichText::new("A movement is a feature with \"kind\": \"movement\": a convoy, a window and a route or corridors (docs/layers.md). Plan a route in the Route tab and press Notify movement… to make one.")
                .small(),
        );
        return;
    }
    let timeline = session.timeline.enabled;
    let Some(now) = timeline
        .then_some(session.timeline.t)
        .or_else(|| movements::latest_report(&a.convoys))
    else {
        ui.label("No timed report in the layers: states need the convoys' reports.");
        return;
    };
    let rows = statuses(a, now);
    let mut counts: Vec<(State, usize)> = Vec::new();
    for (_, _, s) in &rows {
        match counts.iter_mut().find(|(st, _)| *st == s.state) {
            Some((_, n)) => *n += 1,
            None => counts.push((s.state, 1)),
        }
    }
    counts.sort_by_key(|(s, _)| *s as u8);
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("{} movements:", rows.len()));
        for (s, n) in &counts {
            ui.colored_label(state_colour(*s), format!("{n} {}", s.word()));
        }
    });
    let source = if timeline {
        "the time slider"
    } else {
        "the latest report in the layers; open the time slider to see another time"
    };
    ui.label(RichText::new(format!("As of {} UTC ({source})", hm(now))).small());
    ui.separator();
    // Two lines a movement: its id, convoy and state; its window and why.
    for (m, plan, s) in &rows {
        let picked = settings.movement.as_deref() == Some(m.id.as_str());
        ui.horizontal(|ui| {
            let text = RichText::new(format!("{}  {}", m.id, m.convoy_id)).strong();
            if ui.selectable_label(picked, text).clicked() {
                settings.movement = Some(m.id.clone());
                if let Some(b) = crate::app::model::bbox_of_coords(&plan.line) {
                    out.push(Command::ZoomTo(b));
                }
            }
            ui.colored_label(state_colour(s.state), s.state.word());
        });
        let why = why(m, s);
        let line = if why.is_empty() {
            format!("{} UTC", window_short(m.window))
        } else {
            format!("{} UTC; {why}", window_short(m.window))
        };
        ui.add(egui::Label::new(RichText::new(line).small()).wrap());
        ui.add_space(2.0);
    }
    let silent: Vec<(usize, &str)> = a
        .results
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.report
                .notification
                .as_ref()
                .is_some_and(|n| n.not_notified)
        })
        .map(|(i, r)| (i, r.report.convoy_id.as_str()))
        .collect();
    if !silent.is_empty() {
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(DEVIATION, "Moving with no movement notified:");
            for (i, id) in silent {
                if ui.link(id).clicked() {
                    out.push(Command::SelectConvoy(i));
                    out.push(Command::ShowTab(Tab::Convoys));
                }
            }
        });
    }
    if let Some((m, plan, s)) = rows
        .iter()
        .find(|(m, _, _)| settings.movement.as_deref() == Some(m.id.as_str()))
    {
        ui.separator();
        detail_ui(ui, a, m, plan, s, out);
    }
}

/// The table's last column: the reasons, or the expected arrival.
fn why(m: &Movement, s: &Status) -> String {
    match (s.state, s.eta, m.window) {
        (State::UnderWay | State::Planned, Some(e), Some((_, end))) => {
            format!("arrives {}, window closes {}", hm(e), hm(end))
        }
        _ => s.reasons.join("; "),
    }
}

fn detail_ui(
    ui: &mut egui::Ui,
    a: &Analysis,
    m: &Movement,
    plan: &Plan,
    s: &Status,
    out: &mut Vec<Command>,
) {
    let f = movements::feature(&a.scn, m);
    let text = |k: &str| {
        f.and_then(|f| f.prop_text(k))
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "-".into())
    };
    ui.strong(format!("Movement {}", m.id));
    egui::Grid::new("movement detail")
        .num_columns(2)
        .show(ui, |ui| {
            let mut row = |k: &str, v: String| {
                ui.label(RichText::new(k).weak());
                ui.label(v);
                ui.end_row();
            };
            row("Convoy", m.convoy_id.clone());
            row(
                "Window (UTC)",
                match m.window {
                    Some((a0, b0)) => format!(
                        "{} ({})",
                        window_short(Some((a0, b0))),
                        format_duration_s(b0 - a0)
                    ),
                    None => "unreadable: it approves no time".into(),
                },
            );
            row(
                "Approved",
                match (plan.from_route, m.corridor_ids.is_empty()) {
                    (true, true) => "its notified route".into(),
                    (true, false) => format!("its route and {}", m.corridor_ids.join(", ")),
                    _ => m.corridor_ids.join(", "),
                },
            );
            row(
                "Route",
                if plan.line.len() < 2 {
                    "none: no route and no known corridor".into()
                } else {
                    format!(
                        "{} at {:.0} km/h{} ({})",
                        format_length_m(plan.length_m()),
                        plan.speed_kmh,
                        if plan.speed_given { "" } else { " (default)" },
                        format_duration_s(plan.seconds_for(plan.length_m()))
                    )
                },
            );
            row("Vehicles", text("vehicles"));
            row("Contact", text("contact"));
            row("Notes", text("notes"));
            row(
                "Last report",
                s.last.map_or("none".into(), |(t, c)| {
                    format!("{} at lon {:.5}, lat {:.5}", hm(t), c.x, c.y)
                }),
            );
        });
    ui.colored_label(
        state_colour(s.state),
        RichText::new(s.state.word().to_uppercase()).strong(),
    );
    for r in &s.reasons {
        ui.colored_label(state_colour(s.state), format!("• {r}"));
    }
    if let (Some(e), Some((_, end))) = (s.eta, m.window) {
        ui.label(format!(
            "Expected: arrives {}, window closes {}",
            hm(e),
            hm(end)
        ));
    }
    for p in &m.problems {
        ui.colored_label(DEVIATION, p);
    }
    ui.horizontal(|ui| {
        if let Some(k) = a.convoys.iter().position(|c| c.convoy_id == m.convoy_id)
            && ui.button("Show the convoy").clicked()
        {
            out.push(Command::SelectConvoy(k));
            out.push(Command::ShowTab(Tab::Convoys));
        }
        if ui
            .add_enabled(
                plan.line.len() >= 2,
                egui::Button::new("Export notification package…"),
            )
            .on_hover_text(
                "A one-page PDF for the parties, and the route as GPX, KML and GeoJSON beside it",
            )
            .clicked()
        {
            out.push(Command::PickExport(ExportKind::NoticePackage));
        }
    });
}
