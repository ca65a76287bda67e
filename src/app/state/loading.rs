//! Loading layers from files and URLs on workers, and applying what the
//! workers send back.

#[allow(unused_imports)]
use super::*;

impl CorridorApp {
    pub fn open_path(&mut self, path: PathBuf, saved: Option<(LayerStyle, Role)>) {
        // Remembered between runs: keep it valid from any working directory.
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        self.pending_loads += 1;
        self.open_seq += 1;
        let seq = self.open_seq;
        let origin = Origin::Path(path.clone());
        let o2 = origin.clone();
        let s2 = saved.clone();
        self.jobs.spawn(
            format!("loading {}", path.display()),
            move |p| JobOut::Loaded {
                seq,
                origin,
                saved,
                result: crate::io::read_path_with(
                    &path,
                    Some(&p.done_bytes),
                    Some(&p.total_bytes),
                    Some(&p.cancel),
                ),
            },
            move |msg| JobOut::Loaded {
                seq,
                origin: o2.clone(),
                saved: s2,
                result: Err(crate::error::LoadError::invalid(&o2.label(), msg)),
            },
        );
    }

    pub fn open_url(&mut self, url: String, saved: Option<(LayerStyle, Role)>) {
        self.pending_loads += 1;
        self.open_seq += 1;
        let seq = self.open_seq;
        let origin = Origin::Url(url.clone());
        let (o2, s2) = (origin.clone(), saved.clone());
        self.jobs.spawn(
            format!("downloading {url}"),
            move |p| {
                let result = download(&url, p).and_then(|bytes| read_bytes(&url, &bytes));
                JobOut::Loaded {
                    seq,
                    origin,
                    saved,
                    result,
                }
            },
            move |msg| JobOut::Loaded {
                seq,
                origin: o2.clone(),
                saved: s2,
                result: Err(crate::error::LoadError::invalid(&o2.label(), msg)),
            },
        );
    }

    pub fn pick_files(&mut self) {
        self.jobs.spawn(
            "file dialog",
            |_| {
                let picked = rfd::FileDialog::new()
                    .set_title("Open layers")
                    .add_filter(
                        "Layers (GeoJSON, GPX, CSV)",
                        &["geojson", "json", "gpx", "csv"],
                    )
                    .add_filter("All files", &["*"])
                    .pick_files();
                JobOut::Picked(picked.unwrap_or_default())
            },
            JobOut::Error,
        );
    }

    pub fn pick_pmtiles(&mut self) {
        self.jobs.spawn(
            "file dialog",
            |_| {
                let picked = rfd::FileDialog::new()
                    .set_title("Open a PMTiles basemap")
                    .add_filter("PMTiles", &["pmtiles"])
                    .pick_file();
                JobOut::PickedPmTiles(picked)
            },
            JobOut::Error,
        );
    }

    pub(super) fn apply(&mut self, out: JobOut) {
        match out {
            JobOut::Loaded {
                seq,
                origin,
                saved,
                result,
            } => {
                self.pending_loads = self.pending_loads.saturating_sub(1);
                match result {
                    Ok(layer) => {
                        for w in &layer.warnings {
                            self.log.push(LogEntry {
                                error: false,
                                text: format!("{w} (in {})", layer.source),
                                at: now_hms(),
                            });
                        }
                        self.info(format!(
                            "loaded {} ({} features)",
                            layer.name,
                            layer.features.len()
                        ));
                        let mut l = LoadedLayer::new(layer, origin);
                        if let Some((style, role)) = saved {
                            l.style = style;
                            l.role_pick = role;
                        }
                        if l.unassigned() > 0 && l.role_pick == Role::Unassigned {
                            self.warn(format!(
                                "{}: {} feature(s) have no \"kind\"; pick a role for the layer in the Layers panel",
                                l.layer.name,
                                l.unassigned()
                            ));
                        }
                        l.seq = seq;
                        let at = self.layers.partition_point(|x| x.seq < seq);
                        self.layers.insert(at, l);
                    }
                    Err(e) if e.is_cancelled() => {
                        self.info(format!("stopped loading {} (cancelled)", origin.label()))
                    }
                    Err(e) => self.warn(format!("could not open {}: {e}", origin.label())),
                }
                if self.pending_loads == 0 {
                    self.reanalyse();
                }
            }
            JobOut::Analysed(a) => {
                if a.generation == self.generation {
                    let flagged = a.results.iter().filter(|r| r.report.is_flagged()).count();
                    self.info(format!(
                        "analysis: {} convoys, {} flagged; {} incidents",
                        a.results.len(),
                        flagged,
                        a.incidents.len()
                    ));
                    for r in &a.results {
                        for w in &r.report.warnings {
                            self.log.push(LogEntry {
                                error: false,
                                text: format!("{}: {w}", r.report.convoy_id),
                                at: now_hms(),
                            });
                        }
                    }
                    self.analysis = Some(*a);
                    if self.pending_fit {
                        self.pending_fit = false;
                        self.pending_zoom = bbox_of_features(self.layers.iter().flat_map(|l| {
                            l.layer.features.iter().filter_map(|f| f.geometry.as_ref())
                        }));
                    }
                }
            }
            JobOut::Basemap(Ok(b)) => self.basemap = Some(b),
            JobOut::Basemap(Err(e)) => {
                self.warn(format!("the bundled basemap could not be read: {e}"))
            }
            JobOut::Picked(paths) => {
                for p in paths {
                    self.open_path(p, None);
                }
            }
            JobOut::PickedPmTiles(Some(p)) => {
                let ctx = self.ctx.clone();
                self.set_tiles(TileChoice::PmTiles(p), &ctx);
            }
            JobOut::PickedPmTiles(None) => {}
            JobOut::Planned(result) => {
                self.planning = false;
                match result {
                    Ok(p) => {
                        let text = format!(
                            "route along corridors: {} through {} ({} waypoints)",
                            crate::text::format_length_m(p.length_m),
                            p.corridor_ids.join(", "),
                            p.waypoints.len()
                        );
                        self.info(text.clone());
                        self.route.message = Some((false, text));
                        let name = self.route.route.name.clone();
                        self.route.replace(crate::io::route::Route {
                            name,
                            waypoints: p.waypoints,
                            corridor_ids: p.corridor_ids,
                            speed_kmh: None,
                        });
                    }
                    Err(e) => {
                        self.route.message = Some((true, e.clone()));
                        self.warn(format!("route along corridors: {e}"));
                    }
                }
            }
            JobOut::RoutePicked(Some(p)) => self.load_route(p),
            JobOut::RoutePicked(None) => {}
            JobOut::RouteLoaded(Ok(r)) => {
                let text = format!(
                    "loaded route \"{}\" ({} waypoints)",
                    r.name,
                    r.waypoints.len()
                );
                self.info(text.clone());
                self.route.message = Some((false, text));
                self.route.replace(r);
                self.tab = Tab::Route;
                self.tool = Tool::Route;
                let wps = self.route.waypoints().to_vec();
                self.zoom_to(bbox_of_coords(&wps));
            }
            JobOut::RouteLoaded(Err(e)) => {
                self.route.message = Some((true, e.clone()));
                self.warn(format!("could not open the route: {e}"));
            }
            JobOut::SavePicked(kind, Some(p)) => self.export_to(kind, p),
            JobOut::SavePicked(_, None) => {}
            JobOut::Screenshot(path, img, px) => {
                self.jobs.spawn(
                    format!("writing {}", path.display()),
                    move |_| {
                        JobOut::Wrote(
                            png_of_region(&img, px)
                                .and_then(|png| {
                                    crate::io::write::write_atomic(&path, &png).map_err(|e| {
                                        format!("cannot write {}: {e}", path.display())
                                    })
                                })
                                .map(|()| format!("exported the map to {}", path.display())),
                        )
                    },
                    JobOut::Error,
                );
            }
            JobOut::Wrote(Ok(text)) => self.info(text),
            JobOut::Wrote(Err(e)) => self.warn(e),
            JobOut::Error(e) => self.warn(e),
        }
    }
}
