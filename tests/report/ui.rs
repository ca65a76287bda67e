//! File > Monitoring report…: the app writes the PDF for its layers, the
//! Buffer zone tab's dates as the period and the map's view.

use crate::ui::{app_on, click, wait_until};
use corridor_watch::app::export::ExportKind;
use egui_kittest::kittest::Queryable;

#[test]
fn the_app_writes_the_monitoring_report_for_its_period() {
    let mut h = app_on(corridor_watch::app::bundled_files());
    // The menu has the item (a click opens the save dialog, which a test cannot answer).
    click(&mut h, "File");
    h.get_by_label("Monitoring report (PDF)…");
    click(&mut h, "File");
    h.state_mut().settings.zone_filter.from = "2026-03-02".into();
    h.state_mut().settings.zone_filter.to = "2026-03-02".into();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("weekly.pdf");
    h.state_mut()
        .export_to(ExportKind::MonitoringReport, pdf.clone());
    wait_until(&mut h, |h| {
        h.state()
            .session
            .log
            .iter()
            .any(|e| e.text.contains("wrote the monitoring report"))
    });
    let bytes = std::fs::read(&pdf).expect("the PDF is written");
    assert!(bytes.starts_with(b"%PDF-"));
    let line = h
        .state()
        .session
        .log
        .iter()
        .rev()
        .find(|e| e.text.contains("wrote the monitoring report"))
        .map(|e| e.text.clone())
        .unwrap();
    assert!(
        line.contains("6 deviations") && line.contains("flagged"),
        "{line}"
    );
    if let Some(text) = super::pdftotext(&pdf) {
        assert!(
            text.contains("2026-03-02T00:00:00Z to 2026-03-02T23:59:59Z"),
            "the tab's dates are the period"
        );
        assert!(text.contains("ILLUSTRATIVE DATA"));
    }
}
