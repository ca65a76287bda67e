//! The replay bar: play, speed, the time slider, and a convoy to follow.

use crate::app::command::{Command, TimelineControl};
use crate::app::session::Session;
use crate::app::timeline::format_time;
use eframe::egui;

/// `live_speed`: the speed of a replay as live that drives the slider (its
/// clock, not the bar's, is then the one shown).
pub fn timeline_bar_ui(
    ui: &mut egui::Ui,
    session: &Session,
    live_speed: Option<f64>,
    out: &mut Vec<Command>,
) {
    let replay = &session.timeline;
    let Some(d) = &replay.data else {
        ui.label("Timeline: waiting for the analysis…");
        return;
    };
    let (t_min, t_max) = (d.t_min, d.t_max);
    let mut push = |c| out.push(Command::Timeline(c));
    ui.horizontal(|ui| {
        ui.strong("Timeline");
        if t_max <= t_min {
            ui.label("no track has times to show");
            return;
        }
        if let Some(speed) = live_speed {
            let how = if speed >= crate::app::live::feed::AS_FAST {
                "as fast as it goes".to_string()
            } else {
                format!("at {}", crate::app::live::feed::speed_text(speed))
            };
            ui.label(format!("replaying as live {how} (set in the Live tab)"));
        } else {
            let label = if replay.playing { "Pause" } else { "Play" };
            if ui.button(label).clicked() {
                push(TimelineControl::PlayPause);
            }
        }
        if live_speed.is_none() {
            egui::ComboBox::from_id_salt("replay speed")
                .selected_text(speed_label(replay.speed))
                .show_ui(ui, |ui| {
                    for s in [60.0, 600.0, 3600.0, 6.0 * 3600.0] {
                        if ui
                            .selectable_label(replay.speed == s, speed_label(s))
                            .clicked()
                        {
                            push(TimelineControl::SetSpeed(s));
                        }
                    }
                });
        }
        ui.label(format_time(replay.t));
        ui.spacing_mut().slider_width = (ui.available_width() - 260.0).max(100.0);
        let mut t = replay.t;
        let slider = egui::Slider::new(&mut t, t_min..=t_max)
            .show_value(false)
            .text("time");
        if ui.add(slider).changed() {
            push(TimelineControl::SetTime(t));
        }
        egui::ComboBox::from_id_salt("replay follow")
            .selected_text(
                replay
                    .follow
                    .as_ref()
                    .map(|f| format!("Follow {f}"))
                    .unwrap_or_else(|| "Follow: none".into()),
            )
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(replay.follow.is_none(), "none")
                    .clicked()
                {
                    push(TimelineControl::Follow(None));
                }
                for tr in &d.tracks {
                    let id = &tr.convoy_id;
                    let on = replay.follow.as_ref() == Some(id);
                    if ui.selectable_label(on, id).clicked() {
                        push(TimelineControl::Follow(Some(id.clone())));
                    }
                }
            });
        if ui.button("Close").clicked() {
            push(TimelineControl::Show(false));
        }
    });
}

fn speed_label(s: f64) -> String {
    if s >= 3600.0 {
        format!("{:.0} h per second", s / 3600.0)
    } else {
        format!("{:.0} min per second", s / 60.0)
    }
}
