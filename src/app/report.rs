//! File > Monitoring report…: the PDF of `corridor-watch report` for what
//! the app shows: its layers, the Buffer zone tab's date filter as the
//! period, the map's view. The figures are filtered from the analysis the
//! app already has (in the frame: a filter, no I/O); checksums, drawing and
//! writing run on a worker with progress in the status bar.

use super::CorridorApp;
use super::jobs::JobOut;
use super::model::Origin;
use crate::monitoring::{self, Checked, MAX_ROWS, Request};
use std::path::PathBuf;
use std::sync::atomic::Ordering;

impl CorridorApp {
    pub(super) fn monitoring_report_to(&mut self, path: PathBuf) {
        let Some(a) = &self.session.analysis else {
            self.warn("no report yet: the analysis is still running");
            return;
        };
        let (from, to) = match self.settings.zone_filter.window() {
            Ok(w) => w,
            Err(e) => {
                self.warn(format!("the Buffer zone tab's dates cannot be read ({e}); fix them for the report's period"));
                return;
            }
        };
        let files: Vec<PathBuf> = self
            .session
            .layers
            .iter()
            .filter_map(|l| match &l.origin {
                Origin::Path(p) => Some(p.clone()),
                Origin::Url(u) => Some(PathBuf::from(u)),
                Origin::Feed(_) | Origin::Drawn(_) => None,
            })
            .collect();
        let view = super::map::projection::viewport_bbox(&self.runtime.map.projector());
        let req = Request {
            title: "Corridor and buffer-zone monitoring report".into(),
            from,
            to,
            sources: Vec::new(),
            illustrative: false,
            view: (view.iter().all(|x| x.is_finite()) && view[0] < view[2] && view[1] < view[3])
                .then_some(view),
        };
        let checked = Checked {
            scn: &a.scn,
            convoys: &a.convoys,
            results: &a.results,
            incidents: &a.incidents,
            sectors: &a.sectors,
        };
        let mut m = monitoring::build(checked, req);
        let shown = path.display().to_string();
        self.runtime.jobs.spawn(
            format!("writing the monitoring report {shown}"),
            move |p| {
                // Steps: checksums, drawing, writing.
                p.steps.store(true, Ordering::Relaxed);
                p.total_bytes.store(3, Ordering::Relaxed);
                m.request.sources = files.iter().map(|f| monitoring::source_of(f)).collect();
                m.request.illustrative = files.iter().any(|f| monitoring::is_bundled(f));
                p.done_bytes.store(1, Ordering::Relaxed);
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                let names = (format!("{stem}-stretches.csv"), format!("{stem}-incidents.csv"));
                let result = monitoring::pdf::render(&m, monitoring::pdf::Paper::A4, (&names.0, &names.1))
                    .and_then(|bytes| {
                        p.done_bytes.store(2, Ordering::Relaxed);
                        crate::output::write::write_atomic(&path, &bytes).map_err(|e| e.to_string())?;
                        let dir = path.parent().map(PathBuf::from).unwrap_or_default();
                        if m.stretches.len() > MAX_ROWS {
                            crate::output::write::write_atomic(&dir.join(&names.0), monitoring::stretches_csv(&m).as_bytes())
                                .map_err(|e| e.to_string())?;
                        }
                        if m.incidents.len() > MAX_ROWS {
                            crate::output::write::write_atomic(&dir.join(&names.1), monitoring::incidents_csv(&m).as_bytes())
                                .map_err(|e| e.to_string())?;
                        }
                        Ok(format!(
                            "wrote the monitoring report {} ({} KB): {} convoys, {} flagged, {} deviations, {} zone entries, {} incidents inside the zone",
                            path.display(),
                            bytes.len() / 1024,
                            m.figures.convoys_checked,
                            m.figures.convoys_flagged,
                            m.figures.deviations,
                            m.figures.zone_entries,
                            m.figures.incidents_inside
                        ))
                    });
                p.done_bytes.store(3, Ordering::Relaxed);
                JobOut::Wrote(result.map_err(|e| format!("could not write the monitoring report {}: {e}", path.display())))
            },
            JobOut::Error,
        );
    }
}
