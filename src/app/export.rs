//! File > Export: the analysis as CSV, GeoJSON and JSON, and the map as PNG.
//! Every write goes through the core's atomic writer.

use super::model::Analysis;
use crate::export;
use crate::report::Report;
use eframe::egui::ColorImage;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    StretchesCsv,
    StretchesGeojson,
    IncidentsCsv,
    ReportJson,
    MapPng,
    Route,
}

impl ExportKind {
    pub const MENU: [ExportKind; 5] = [
        ExportKind::StretchesCsv,
        ExportKind::StretchesGeojson,
        ExportKind::IncidentsCsv,
        ExportKind::ReportJson,
        ExportKind::MapPng,
    ];

    pub fn menu_label(self) -> &'static str {
        match self {
            ExportKind::StretchesCsv => "Deviations and zone entries (CSV)…",
            ExportKind::StretchesGeojson => "Deviations and zone entries (GeoJSON)…",
            ExportKind::IncidentsCsv => "Incidents in the zone (CSV)…",
            ExportKind::ReportJson => "Report (JSON, as the check command writes it)…",
            ExportKind::MapPng => "Map as PNG…",
            ExportKind::Route => "Route (GeoJSON)…",
        }
    }

    pub fn default_name(self) -> &'static str {
        match self {
            ExportKind::StretchesCsv => "stretches.csv",
            ExportKind::StretchesGeojson => "stretches.geojson",
            ExportKind::IncidentsCsv => "incidents_in_zone.csv",
            ExportKind::ReportJson => "report.json",
            ExportKind::MapPng => "map.png",
            ExportKind::Route => "route.geojson",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::StretchesCsv | ExportKind::IncidentsCsv => "csv",
            ExportKind::StretchesGeojson | ExportKind::Route => "geojson",
            ExportKind::ReportJson => "json",
            ExportKind::MapPng => "png",
        }
    }
}

/// The text of a data export, with a count for the log.
pub fn export_text(kind: ExportKind, a: &Analysis) -> Option<(String, String)> {
    let report = Report {
        convoys: a.results.iter().map(|r| r.report.clone()).collect(),
    };
    let stretches: usize = report
        .convoys
        .iter()
        .map(|c| c.deviations.len() + c.buffer_zone_entries.len())
        .sum();
    match kind {
        ExportKind::StretchesCsv => Some((
            export::stretches_csv(report.convoys.iter()),
            format!("{stretches} stretches"),
        )),
        ExportKind::StretchesGeojson => Some((
            export::stretches_geojson(&a.results),
            format!("{stretches} stretches"),
        )),
        ExportKind::IncidentsCsv => Some((
            export::incidents_csv(&a.incidents),
            format!(
                "{} incidents in the zone",
                a.incidents.iter().filter(|i| i.inside).count()
            ),
        )),
        ExportKind::ReportJson => Some((
            export::report_json(&report),
            format!("{} convoys", report.convoys.len()),
        )),
        ExportKind::MapPng | ExportKind::Route => None,
    }
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
