//! The status bar: pointer position (degrees and MGRS), zoom, a scale bar in
//! metres, and running jobs with Cancel where a job can be cancelled.

use crate::app::command::Command;
use crate::app::runtime::Runtime;
use eframe::egui;
use std::sync::atomic::Ordering;

pub fn status_ui(ui: &mut egui::Ui, runtime: &Runtime, out: &mut Vec<Command>) {
    let map = &runtime.map;
    ui.horizontal(|ui| {
        match map.cursor {
            Some(c) => {
                ui.label(format!("lon {:.5}°, lat {:.5}°", c.x, c.y));
                let mgrs = crate::output::text::mgrs(c);
                ui.separator();
                ui.label(format!("MGRS {mgrs}"));
            }
            None => {
                ui.label("lon -, lat - (move the pointer over the map)");
            }
        }
        ui.separator();
        ui.label(format!("zoom {:.1}", map.memory.zoom()));
        ui.separator();
        if map.metres_per_pixel > 0.0 {
            scale_bar_ui(ui, map.metres_per_pixel);
        }
        jobs_ui(ui, runtime, out);
    });
}

/// A round length in metres that fits in 120 pixels.
fn scale_bar_ui(ui: &mut egui::Ui, metres_per_pixel: f64) {
    let max_m = 120.0 * metres_per_pixel;
    let p = 10f64.powf(max_m.log10().floor());
    let len_m = [5.0, 2.0, 1.0]
        .iter()
        .map(|k| k * p)
        .find(|l| *l <= max_m)
        .unwrap_or(p);
    let px = (len_m / metres_per_pixel) as f32;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(px, 12.0), egui::Sense::hover());
    let stroke = egui::Stroke::new(2.0, ui.visuals().text_color());
    let painter = ui.painter();
    painter.line_segment([rect.left_bottom(), rect.right_bottom()], stroke);
    painter.line_segment([rect.left_top(), rect.left_bottom()], stroke);
    painter.line_segment([rect.right_top(), rect.right_bottom()], stroke);
    ui.label(if len_m >= 1000.0 {
        format!("{} km", len_m / 1000.0)
    } else {
        format!("{len_m} m")
    });
}

fn jobs_ui(ui: &mut egui::Ui, runtime: &Runtime, out: &mut Vec<Command>) {
    let running = runtime.jobs.running();
    if running.is_empty() {
        return;
    }
    ui.separator();
    ui.spinner();
    for job in running {
        let done = job.progress.done_bytes.load(Ordering::Relaxed);
        let total = job.progress.total_bytes.load(Ordering::Relaxed);
        let name = &job.name;
        let text = if job.progress.steps.load(Ordering::Relaxed) {
            format!("{name} (step {} of {total})", (done + 1).min(total))
        } else if job.progress.rows.load(Ordering::Relaxed) {
            match total {
                0 => format!("{name} ({done} rows)"),
                t => format!("{name} ({done} of about {t} rows)"),
            }
        } else if done > 0 && total > 0 {
            format!(
                "{name} ({:.1} of {:.1} MB, {:.0} %)",
                done as f64 / 1e6,
                total as f64 / 1e6,
                100.0 * done as f64 / total as f64
            )
        } else if done > 0 {
            format!("{name} ({:.1} MB)", done as f64 / 1e6)
        } else {
            name.clone()
        };
        ui.label(text);
        if total > 0 {
            let f = (done as f32 / total as f32).clamp(0.0, 1.0);
            ui.add(
                egui::ProgressBar::new(f)
                    .desired_width(120.0)
                    .show_percentage(),
            );
        }
        if job.cancellable && ui.small_button("Cancel").clicked() {
            out.push(Command::CancelJob(job.id));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::output::text::spaced_mgrs;

    #[test]
    fn mgrs_is_spaced_and_right() {
        // Reference values from the Python `mgrs` package (GeoTrans), not from geoconvert.
        for (lat, lon, want) in [
            (50.4501, 30.5234, "36U UA 24182 91607"),
            (48.1, 37.8, "37U DP 10659 28111"),
        ] {
            let m = geoconvert::LatLon::create(lat, lon)
                .unwrap()
                .to_mgrs(5)
                .to_string();
            assert_eq!(spaced_mgrs(&m), want);
        }
        assert_eq!(spaced_mgrs("35TPL4563318317"), "35T PL 45633 18317");
    }
}
