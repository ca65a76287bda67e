//! File > Export: the analysis as CSV, GeoJSON, KML, GeoPackage, FlatGeobuf
//! and JSON, the route as GeoJSON, GPX and KML, and the map as PNG.
//! Every write goes through the core's atomic writer.

use super::model::Analysis;
use crate::output::export;
use crate::output::report::Report;
use eframe::egui::ColorImage;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    StretchesCsv,
    StretchesGeojson,
    StretchesKml,
    StretchesGpkg,
    StretchesFgb,
    IncidentsCsv,
    ReportJson,
    MapPng,
    /// File > Monitoring report… (PDF).
    MonitoringReport,
    Route,
    RouteGpx,
    RouteKml,
    /// The Movements tab's selected movement: the notification package (PDF and route files).
    NoticePackage,
    /// The movements made with Notify movement… (GeoJSON).
    NewMovements,
    /// The layer in edit mode, with its unsaved edits, as a new GeoJSON file (Save as…).
    EditedLayer,
}

impl ExportKind {
    pub const MENU: [ExportKind; 12] = [
        ExportKind::StretchesCsv,
        ExportKind::StretchesGeojson,
        ExportKind::StretchesKml,
        ExportKind::StretchesGpkg,
        ExportKind::StretchesFgb,
        ExportKind::IncidentsCsv,
        ExportKind::ReportJson,
        ExportKind::MapPng,
        ExportKind::RouteGpx,
        ExportKind::RouteKml,
        ExportKind::NoticePackage,
        ExportKind::NewMovements,
    ];

    /// (menu label, default file name, extension).
    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ExportKind::StretchesCsv => {
                ("Deviations and zone entries (CSV)…", "stretches.csv", "csv")
            }
            ExportKind::StretchesGeojson => (
                "Deviations and zone entries (GeoJSON)…",
                "stretches.geojson",
                "geojson",
            ),
            ExportKind::StretchesKml => (
                "Deviations and zone entries (KML, Google Earth)…",
                "stretches.kml",
                "kml",
            ),
            ExportKind::StretchesGpkg => (
                "Deviations and zone entries (GeoPackage)…",
                "stretches.gpkg",
                "gpkg",
            ),
            ExportKind::StretchesFgb => (
                "Deviations and zone entries (FlatGeobuf)…",
                "stretches.fgb",
                "fgb",
            ),
            ExportKind::IncidentsCsv => (
                "Incidents in the zone (CSV)…",
                "incidents_in_zone.csv",
                "csv",
            ),
            ExportKind::ReportJson => (
                "Report (JSON, as the check command writes it)…",
                "report.json",
                "json",
            ),
            ExportKind::MapPng => ("Map as PNG…", "map.png", "png"),
            ExportKind::MonitoringReport => {
                ("Monitoring report (PDF)…", "monitoring-report.pdf", "pdf")
            }
            ExportKind::Route => ("Route (GeoJSON)…", "route.geojson", "geojson"),
            ExportKind::NoticePackage => (
                "Notification package of the selected movement (PDF, GPX, KML, GeoJSON)…",
                "notification.pdf",
                "pdf",
            ),
            ExportKind::NewMovements => {
                ("New movements (GeoJSON)…", "movements.geojson", "geojson")
            }
            ExportKind::RouteGpx => ("Route (GPX, for GPS units)…", "route.gpx", "gpx"),
            ExportKind::EditedLayer => (
                "The edited layer as a new file (GeoJSON, GeoPackage, FlatGeobuf)…",
                "edited.geojson",
                "geojson",
            ),
            ExportKind::RouteKml => ("Route (KML, Google Earth)…", "route.kml", "kml"),
        }
    }

    pub fn menu_label(self) -> &'static str {
        self.describe().0
    }

    pub fn default_name(self) -> &'static str {
        self.describe().1
    }

    pub fn extension(self) -> &'static str {
        self.describe().2
    }

    /// A route export (made from the route being planned, not the analysis).
    pub fn is_route(self) -> bool {
        matches!(
            self,
            ExportKind::Route | ExportKind::RouteGpx | ExportKind::RouteKml
        )
    }
}

/// What an export writes: text, bytes, or a GeoPackage built at the target.
pub enum Body {
    Text(String),
    Bytes(Vec<u8>),
    /// The results, and whether they are made from the bundled (invented) scenario.
    Gpkg(Vec<crate::analysis::ConvoyResult>, bool),
}

impl Body {
    /// Writes it to `path` atomically (on a worker).
    pub fn write(self, path: &std::path::Path) -> Result<(), String> {
        let shown = path.display();
        match self {
            Body::Text(t) => crate::output::write::write_atomic(path, t.as_bytes()),
            Body::Bytes(b) => crate::output::write::write_atomic(path, &b),
            Body::Gpkg(results, illustrative) => {
                crate::output::write::write_atomic_file(path, |tmp| {
                    export::stretches_gpkg(&results, tmp, illustrative)
                        .map_err(std::io::Error::other)
                })
            }
        }
        .map_err(|e| format!("cannot write {shown}: {e}"))
    }
}

/// A route in the chosen format.
pub fn route_body(kind: ExportKind, route: &crate::io::route::Route) -> Body {
    Body::Text(match kind {
        ExportKind::RouteGpx => export::route_gpx(route),
        ExportKind::RouteKml => export::route_kml(route),
        _ => crate::output::route::route_to_geojson(route),
    })
}

/// A data export of the analysis, with a count for the log.
/// Incidents go through the Buffer zone tab's `filter`: the file holds what the table shows.
pub fn export_body(
    kind: ExportKind,
    a: &Analysis,
    filter: &crate::app::settings::ZoneFilter,
    illustrative: bool,
) -> Option<Result<(Body, String), String>> {
    let checks: Vec<_> = a.results.iter().map(|r| r.report.clone()).collect();
    let mut report = Report::with_summary(&checks, &a.incidents, &a.sectors);
    report.illustrative =
        illustrative.then(|| crate::output::report::ILLUSTRATIVE_NOTE.to_string());
    let stretches: usize = report
        .convoys
        .iter()
        .map(|c| c.deviations.len() + c.buffer_zone_entries.len())
        .sum();
    let counted = format!("{stretches} stretches");
    Some(Ok(match kind {
        ExportKind::StretchesCsv => (
            Body::Text(export::stretches_csv(
                export::stretch_rows(checks.iter()),
                illustrative,
            )),
            counted,
        ),
        ExportKind::StretchesGeojson => (
            Body::Text(export::stretches_geojson(&a.results, illustrative)),
            counted,
        ),
        ExportKind::StretchesKml => (
            Body::Text(export::stretches_kml(&a.results, illustrative)),
            counted,
        ),
        ExportKind::StretchesFgb => match export::stretches_fgb(&a.results, illustrative) {
            Ok(b) => (Body::Bytes(b), counted),
            Err(e) => return Some(Err(e.into())),
        },
        ExportKind::StretchesGpkg => (Body::Gpkg(a.results.clone(), illustrative), counted),
        ExportKind::IncidentsCsv => {
            let shown: Vec<_> = a
                .incidents
                .iter()
                .filter(|i| filter.accepts(i))
                .cloned()
                .collect();
            let inside = shown.iter().filter(|i| i.inside).count();
            let note = if filter.is_open() {
                ""
            } else {
                " (as filtered)"
            };
            (
                Body::Text(export::incidents_csv(
                    shown.iter().filter(|i| i.inside),
                    illustrative,
                )),
                format!("{inside} incidents in the zone{note}"),
            )
        }
        ExportKind::ReportJson => (
            Body::Text(export::report_json(&report)),
            format!("{} convoys", report.convoys.len()),
        ),
        ExportKind::MapPng
        | ExportKind::MonitoringReport
        | ExportKind::NoticePackage
        | ExportKind::NewMovements
        | ExportKind::EditedLayer
        | ExportKind::Route
        | ExportKind::RouteGpx
        | ExportKind::RouteKml => {
            return None;
        }
    }))
}

/// PNG bytes of the part of a screenshot inside `rect_px` ([x0, y0, x1, y1] pixels, clamped).
pub fn png_of_region(img: &ColorImage, rect_px: [f32; 4]) -> Result<Vec<u8>, String> {
    let [w, h] = img.size;
    let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
    let (x0, y0) = (clamp(rect_px[0], w), clamp(rect_px[1], h));
    let (x1, y1) = (clamp(rect_px[2], w), clamp(rect_px[3], h));
    if x1 <= x0 || y1 <= y0 {
        return Err("the map is not on screen".into());
    }
    let mut rgba = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for px in &img.pixels[y * w + x0..y * w + x1] {
            rgba.extend_from_slice(&px.to_srgba_unmultiplied());
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbaImage::from_raw((x1 - x0) as u32, (y1 - y0) as u32, rgba)
        .ok_or("bad image size")?
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| format!("cannot encode the PNG: {e}"))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::Color32;

    #[test]
    fn a_region_of_a_screenshot_becomes_a_png_of_that_size() {
        let mut img = ColorImage::filled([40, 30], Color32::WHITE);
        img.pixels[10 * 40 + 12] = Color32::RED;
        let png = png_of_region(&img, [10.0, 5.0, 30.0, 25.0]).expect("png");
        let back = image::load_from_memory(&png).expect("decodes").to_rgba8();
        assert_eq!(back.dimensions(), (20, 20));
        assert_eq!(back.get_pixel(2, 5).0, [255, 0, 0, 255]);
        assert_eq!(back.get_pixel(0, 0).0, [255, 255, 255, 255]);
        assert!(png_of_region(&img, [50.0, 0.0, 60.0, 10.0]).is_err());
    }
}
