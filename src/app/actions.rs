//! Routes (plan along corridors, open, save) and exports.

use super::CorridorApp;
use super::export::{ExportKind, export_body, png_of_region, route_body};
use super::jobs::JobOut;
use super::model::bbox_of_coords;
use super::session::Tool;
use super::settings::Tab;
use crate::io::read_path;
use eframe::egui;
use std::path::PathBuf;

impl CorridorApp {
    /// Plans the shortest corridor path from the route's first to its last waypoint (worker).
    pub fn plan_along_corridors(&mut self) {
        let wps = self.session.route.waypoints();
        let (Some(&from), Some(&to)) = (wps.first(), wps.last()) else {
            return;
        };
        if wps.len() < 2 {
            self.session.route.message = Some((true, "place a start and an end first".into()));
            return;
        }
        let layers = super::route_editor::planning_layers(&self.session.layers_for_analysis(true));
        self.session.planning = true;
        self.runtime.jobs.spawn(
            "routing along corridors",
            move |_| {
                let scn = crate::analysis::Scenario::new(layers);
                JobOut::Planned(
                    crate::analysis::routing::plan_route_bridging(&scn, from, to, None)
                        .map_err(|e| e.to_string()),
                )
            },
            |e| JobOut::Planned(Err(e)),
        );
    }

    pub fn load_route(&mut self, path: PathBuf) {
        self.runtime.jobs.spawn(
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

    /// Writes an export to `path` (atomically, on a worker; the map PNG after the next frame).
    pub fn export_to(&mut self, kind: ExportKind, path: PathBuf) {
        let shown = path.display().to_string();
        let (body, what) = if kind.is_route() {
            let route = &self.session.route;
            if route.waypoints().len() < 2 {
                self.warn("the route needs at least two waypoints to be saved");
                return;
            }
            let mut r = route.route.clone();
            r.speed_kmh = Some(route.speed_kmh);
            if r.corridor_ids.is_empty()
                && let Some(a) = &self.session.analysis
            {
                r.corridor_ids = crate::analysis::route::corridors_used(&a.scn, &r.waypoints);
            }
            let what = format!("route, {} waypoints", r.waypoints.len());
            (route_body(kind, &r), what)
        } else if kind == ExportKind::MapPng {
            self.screenshot_to(path);
            return;
        } else if kind == ExportKind::MonitoringReport {
            self.monitoring_report_to(path);
            return;
        } else if kind == ExportKind::NoticePackage {
            self.notice_package_to(path);
            return;
        } else if kind == ExportKind::NewMovements {
            self.save_new_movements(path);
            return;
        } else if kind == ExportKind::EditedLayer {
            self.save_edits_as(path);
            return;
        } else {
            match self.session.analysis.as_ref().and_then(|a| {
                let illustrative = self.session.layers.iter().any(|l| l.illustrative);
                export_body(kind, a, &self.settings.zone_filter, illustrative)
            }) {
                Some(Ok(b)) => b,
                Some(Err(e)) => {
                    self.warn(format!("cannot export to {shown}: {e}"));
                    return;
                }
                None => {
                    self.warn("nothing to export yet: the analysis is still running");
                    return;
                }
            }
        };
        self.runtime.jobs.spawn(
            format!("writing {shown}"),
            move |_| {
                JobOut::Wrote(
                    body.write(&path)
                        .map(|()| format!("exported {what} to {}", path.display())),
                )
            },
            JobOut::Error,
        );
    }

    /// File > Export > Map as PNG: the window's next frame, cut to the map (written on a worker).
    fn screenshot_to(&mut self, path: PathBuf) {
        let rect = self.runtime.map.rect;
        let tx = self.runtime.jobs.sender();
        let ctx = self.runtime.ctx.clone();
        let ppp = ctx.pixels_per_point();
        ctx.clone()
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
        self.runtime.ctx.request_repaint();
    }

    pub(super) fn planned(
        &mut self,
        result: Result<crate::analysis::routing::PlannedRoute, String>,
    ) {
        self.session.planning = false;
        match result {
            Ok(p) => {
                let off: f64 = p.gaps.iter().map(|g| g.2).sum();
                // Each gap is the straight way between two corridors' ends (the
                // leg's own figure, outside every corridor's width, is in the
                // Route tab); its length once, with where it runs (lon, lat).
                let gap = |(a, b, m): &(geo::Coord, geo::Coord, f64)| {
                    format!(
                        "{} from ({:.4}, {:.4}) to ({:.4}, {:.4})",
                        crate::output::text::format_length_m(*m),
                        a.x,
                        a.y,
                        b.x,
                        b.y
                    )
                };
                let gaps = match p.gaps.as_slice() {
                    [] => String::new(),
                    [one] => format!(
                        "; no corridor path joins them: a gap between the corridors of {} (lon, lat)",
                        gap(one)
                    ),
                    many => format!(
                        "; no corridor path joins them: {} gaps between the corridors, {} in all: {} (lon, lat)",
                        many.len(),
                        crate::output::text::format_length_m(off),
                        many.iter().map(gap).collect::<Vec<_>>().join("; ")
                    ),
                };
                let text = format!(
                    "route along corridors: {} through {} ({} waypoints){gaps}",
                    crate::output::text::format_length_m(p.length_m),
                    p.corridor_ids.join(", "),
                    p.waypoints.len()
                );
                if p.gaps.is_empty() {
                    self.info(text.clone());
                } else {
                    self.warn(text.clone());
                }
                let route = &mut self.session.route;
                route.message = Some((!p.gaps.is_empty(), text));
                let name = route.route.name.clone();
                route.replace(crate::io::route::Route {
                    name,
                    waypoints: p.waypoints,
                    corridor_ids: p.corridor_ids,
                    speed_kmh: None,
                });
            }
            Err(e) => {
                self.session.route.message = Some((true, e.clone()));
                self.warn(format!("route along corridors: {e}"));
            }
        }
    }

    pub(super) fn route_loaded(&mut self, result: Result<crate::io::route::Route, String>) {
        match result {
            Ok(r) => {
                let text = format!(
                    "loaded route \"{}\" ({} waypoints)",
                    r.name,
                    r.waypoints.len()
                );
                self.info(text.clone());
                let route = &mut self.session.route;
                route.message = Some((false, text));
                route.replace(r);
                let b = bbox_of_coords(route.waypoints());
                self.settings.tab = Tab::Route;
                self.session.tool = Tool::Route;
                if let Some(b) = b {
                    self.runtime.map.zoom_to(b);
                }
            }
            Err(e) => {
                self.session.route.message = Some((true, e.clone()));
                self.warn(format!("could not open the route: {e}"));
            }
        }
    }

    /// Encodes and writes the map's part of a screenshot (on a worker).
    pub(super) fn write_screenshot(
        &mut self,
        path: PathBuf,
        img: std::sync::Arc<egui::ColorImage>,
        px: [f32; 4],
    ) {
        self.runtime.jobs.spawn(
            format!("writing {}", path.display()),
            move |_| {
                JobOut::Wrote(
                    png_of_region(&img, px)
                        .and_then(|png| {
                            crate::output::write::write_atomic(&path, &png)
                                .map_err(|e| format!("cannot write {}: {e}", path.display()))
                        })
                        .map(|()| format!("exported the map to {}", path.display())),
                )
            },
            JobOut::Error,
        );
    }
}
