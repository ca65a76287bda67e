//! Notified movements made and sent from the app: Route tab > Notify
//! movement… (the form filled in from the route, the movement added to the
//! layer of new movements), File > Export > New movements (saved as GeoJSON,
//! then read from the file like any layer) and the notification package of
//! the Movements tab's selected movement (written on a worker).

use super::CorridorApp;
use super::jobs::JobOut;
use super::model::{LoadedLayer, Origin};
use crate::monitoring::{notice, pdf::Paper};
use crate::output::route::MovementText;
use std::path::PathBuf;

/// The name of the app's layer of movements not yet saved.
pub const NEW_MOVEMENTS: &str = "New movements";

impl CorridorApp {
    /// Opens the Notify movement… form, its id, window and speed filled in
    /// from the route: the `MOV-n` after the highest in use, from the next full hour (UTC)
    /// for the route's time at its speed plus two hours.
    pub(super) fn open_notify(&mut self) {
        let taken: Vec<String> = self
            .session
            .analysis
            .iter()
            .flat_map(|a| &a.scn.notified.movements)
            .map(|m| m.id.clone())
            .chain(
                self.session
                    .new_movements
                    .iter()
                    .filter_map(|f| f["properties"]["id"].as_str().map(String::from)),
            )
            .collect();
        // After the highest MOV-n in use, never filling a gap: a missing
        // number may be an earlier notification the parties still hold.
        let last = taken
            .iter()
            .filter_map(|id| id.strip_prefix("MOV-")?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        let id = format!("MOV-{:03}", last + 1);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let start = (now / 3600.0).ceil() * 3600.0;
        let route = &self.session.route;
        let hours = crate::geodesy::line_length_m(route.waypoints()) / (route.speed_kmh / 3.6);
        let end = ((start + hours + 2.0 * 3600.0) / 3600.0).ceil() * 3600.0;
        let form = &mut self.settings.forms.notify;
        form.text.id = id;
        form.text.window_start = crate::utc::format_rfc3339(start).unwrap_or_default();
        form.text.window_end = crate::utc::format_rfc3339(end).unwrap_or_default();
        form.error = None;
        self.settings.windows.notify = true;
    }

    /// Adds a movement for the route being planned to the layer of new movements.
    pub(super) fn add_movement(&mut self, m: MovementText) {
        let mut r = self.session.route.route.clone();
        r.speed_kmh = Some(self.session.route.speed_kmh);
        if r.corridor_ids.is_empty()
            && let Some(a) = &self.session.analysis
        {
            r.corridor_ids = crate::analysis::route::corridors_used(&a.scn, &r.waypoints);
        }
        self.session
            .new_movements
            .push(crate::output::route::movement_feature(&r, &m));
        let text = crate::output::route::features_geojson(self.session.new_movements.clone());
        let layer = match crate::io::read_bytes(NEW_MOVEMENTS, text.as_bytes()) {
            Ok(l) => l,
            Err(e) => {
                self.session.new_movements.pop();
                self.warn(format!("movement {} not added: {e}", m.id));
                return;
            }
        };
        let origin = Origin::Drawn(NEW_MOVEMENTS.into());
        let layers = &mut self.session.layers;
        match layers.iter_mut().find(|l| l.origin == origin) {
            Some(old) => {
                let style = old.style.clone();
                *old = LoadedLayer::new(layer, origin);
                old.style = style;
            }
            None => {
                let mut l = LoadedLayer::new(layer, origin);
                self.runtime.open_seq += 1;
                l.seq = self.runtime.open_seq;
                layers.push(l);
            }
        }
        self.info(format!(
            "movement {} added for convoy {} ({} to {}); not saved yet: File > Export > New movements (GeoJSON)…",
            m.id, m.convoy_id, m.window_start, m.window_end
        ));
        self.settings.movement = Some(m.id);
        self.settings.tab = super::settings::Tab::Movements;
        self.reanalyse();
    }

    /// Writes the new movements to `path`; once written, the layer is read from there.
    pub(super) fn save_new_movements(&mut self, path: PathBuf) {
        if self.session.new_movements.is_empty() {
            self.warn("no new movement to save: make one with Notify movement… in the Route tab");
            return;
        }
        let text = crate::output::route::features_geojson(self.session.new_movements.clone());
        let n = self.session.new_movements.len();
        self.runtime.jobs.spawn(
            format!("writing {}", path.display()),
            move |_| {
                JobOut::MovementsSaved(
                    crate::output::write::write_atomic(&path, text.as_bytes())
                        .map(|()| (path.clone(), n))
                        .map_err(|e| {
                            format!(
                                "could not save the new movements to {}: {e}",
                                path.display()
                            )
                        }),
                )
            },
            JobOut::Error,
        );
    }

    /// The new movements are on disk: the layer now comes from the file.
    pub(super) fn movements_saved(&mut self, path: PathBuf, n: usize) {
        let drawn = Origin::Drawn(NEW_MOVEMENTS.into());
        if let Some(l) = self.session.layers.iter_mut().find(|l| l.origin == drawn) {
            l.origin = Origin::Path(path.clone());
            l.layer.name = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| NEW_MOVEMENTS.into());
        }
        self.session.new_movements.clear();
        self.info(format!("saved {n} movement(s) to {}", path.display()));
    }

    /// The selected movement's notification package at `path` (and the route beside it).
    pub(super) fn notice_package_to(&mut self, path: PathBuf) {
        let Some(a) = &self.session.analysis else {
            self.warn("no package yet: the analysis is still running");
            return;
        };
        let Some(id) = self.settings.movement.clone() else {
            self.warn("pick a movement in the Movements tab first");
            return;
        };
        let illustrative = self.session.layers.iter().any(|l| l.illustrative);
        let n = match notice::build(&a.scn, &id, illustrative) {
            Ok(n) => n,
            Err(e) => {
                self.warn(format!("no notification package for {id}: {e}"));
                return;
            }
        };
        self.runtime.jobs.spawn(
            format!("writing the notification package {}", path.display()),
            move |_| {
                JobOut::Wrote(
                    notice::write(&n, &path, Paper::A4)
                        .map(|files| {
                            let names: Vec<String> =
                                files.iter().map(|f| f.display().to_string()).collect();
                            format!(
                                "wrote the notification package of {id}: {}",
                                names.join(", ")
                            )
                        })
                        .map_err(|e| {
                            format!(
                                "could not write the notification package {}: {e}",
                                path.display()
                            )
                        }),
                )
            },
            JobOut::Error,
        );
    }
}
