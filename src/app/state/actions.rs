//! Routes (plan along corridors, open, save) and exports.

#[allow(unused_imports)]
use super::*;

impl CorridorApp {
    /// Plans the shortest corridor path from the route's first to its last waypoint (worker).
    pub fn plan_along_corridors(&mut self) {
        let wps = self.route.waypoints();
        let (Some(&from), Some(&to)) = (wps.first(), wps.last()) else {
            return;
        };
        if wps.len() < 2 {
            self.route.message = Some((true, "place a start and an end first".into()));
            return;
        }
        let layers: Vec<Layer> = self.layers.iter().map(LoadedLayer::for_analysis).collect();
        let layers = crate::app::route::planning_layers(&layers);
        self.planning = true;
        self.jobs.spawn(
            "routing along corridors",
            move |_| {
                let scn = crate::analysis::Scenario::new(layers);
                JobOut::Planned(
                    crate::analysis::routing::plan_route(&scn, from, to, None)
                        .map_err(|e| e.to_string()),
                )
            },
            |e| JobOut::Planned(Err(e)),
        );
    }

    pub fn load_route(&mut self, path: PathBuf) {
        self.jobs.spawn(
            format!("opening route {}", path.display()),
            move |_| {
                JobOut::RouteLoaded(
                    read_path(&path)
                        .and_then(|l| crate::io::route::route_from_layer(&l))
                        .map_err(|e| e.to_string()),
                )
            },
            |e| JobOut::RouteLoaded(Err(e)),
        );
    }

    pub fn pick_route_file(&mut self) {
        self.jobs.spawn(
            "file dialog",
            |_| {
                JobOut::RoutePicked(
                    rfd::FileDialog::new()
                        .set_title("Open a route")
                        .add_filter("Route (GeoJSON)", &["geojson", "json"])
                        .pick_file(),
                )
            },
            JobOut::Error,
        );
    }

    /// Asks where to save an export, then writes it.
    pub fn pick_export(&mut self, kind: ExportKind) {
        self.jobs.spawn(
            "file dialog",
            move |_| {
                JobOut::SavePicked(
                    kind,
                    rfd::FileDialog::new()
                        .set_title(kind.menu_label().trim_end_matches('…'))
                        .set_file_name(kind.default_name())
                        .add_filter(kind.extension(), &[kind.extension()])
                        .save_file(),
                )
            },
            JobOut::Error,
        );
    }

    /// Writes an export to `path` (atomically, on a worker; the map PNG after the next frame).
    pub fn export_to(&mut self, kind: ExportKind, path: PathBuf) {
        let shown = path.display().to_string();
        let text = match kind {
            ExportKind::Route => {
                if self.route.waypoints().len() < 2 {
                    self.warn("the route needs at least two waypoints to be saved");
                    return;
                }
                let mut r = self.route.route.clone();
                r.speed_kmh = Some(self.route.speed_kmh);
                if r.corridor_ids.is_empty()
                    && let Some(a) = &self.analysis
                {
                    r.corridor_ids = crate::analysis::route::corridors_used(&a.scn, &r.waypoints);
                }
                (
                    crate::io::route::route_to_geojson(&r),
                    format!("route, {} waypoints", r.waypoints.len()),
                )
            }
            ExportKind::MapPng => {
                let rect = self.map_rect;
                let tx = self.jobs.sender();
                let ctx = self.ctx.clone();
                let ppp = self.ctx.pixels_per_point();
                self.ctx
                    .send_viewport_cmd(egui::ViewportCommand::Screenshot(
                        egui::ScreenshotCallback::new(move |img| {
                            let px = [
                                rect.min.x * ppp,
                                rect.min.y * ppp,
                                rect.max.x * ppp,
                                rect.max.y * ppp,
                            ];
                            // Encoding and writing run on a worker, not in the frame.
                            let _ = tx.send(JobOut::Screenshot(path, img, px));
                            ctx.request_repaint();
                        }),
                    ));
                self.ctx.request_repaint();
                return;
            }
            _ => match self.analysis.as_ref().and_then(|a| export_text(kind, a)) {
                Some(t) => t,
                None => {
                    self.warn("nothing to export yet: the analysis is still running");
                    return;
                }
            },
        };
        let (body, what) = text;
        self.jobs.spawn(
            format!("writing {shown}"),
            move |_| {
                JobOut::Wrote(
                    crate::io::write::write_atomic(&path, body.as_bytes())
                        .map(|()| format!("exported {what} to {}", path.display()))
                        .map_err(|e| format!("cannot write {}: {e}", path.display())),
                )
            },
            JobOut::Error,
        );
    }
}
