//! File dialogs. Each runs on a worker (it blocks until the user answers)
//! and sends back what was picked.

use super::CorridorApp;
use super::export::ExportKind;
use super::jobs::JobOut;
use rfd::FileDialog;

/// Faster than anyone answers a file dialog.
const NOT_SHOWN: std::time::Duration = std::time::Duration::from_millis(150);

/// What the log says when no file dialog could be shown.
pub const NO_DIALOG: &str = "no file dialog could be shown: install zenity or an XDG desktop portal (xdg-desktop-portal-gtk), or open files by dropping them on the window or as arguments";

impl CorridorApp {
    /// Runs `ask` on a worker. A dialog that answers "nothing picked" faster
    /// than a person can (no XDG desktop portal and no zenity to show it)
    /// is said in the log, so that a click never seems to do nothing.
    fn dialog(&mut self, ask: impl FnOnce() -> JobOut + Send + 'static) {
        self.runtime.jobs.spawn(
            "file dialog",
            move |_| {
                let asked = std::time::Instant::now();
                let out = ask();
                if out.picked_nothing() && asked.elapsed() < NOT_SHOWN {
                    return JobOut::Error(NO_DIALOG.into());
                }
                out
            },
            JobOut::Error,
        );
    }

    pub fn pick_files(&mut self) {
        self.dialog(|| {
            let picked = FileDialog::new()
                .set_title("Open layers")
                .add_filter(
                    "Layers (GeoJSON, GPX, CSV, KML, KMZ, shapefile, zip, GeoPackage, FlatGeobuf, AIS)",
                    &[
                        "geojson", "json", "gpx", "csv", "kml", "kmz", "shp", "zip", "gpkg", "fgb", "nmea",
                        "ais",
                    ],
                )
                .add_filter("All files", &["*"])
                .pick_files();
            JobOut::Picked(picked.unwrap_or_default())
        });
    }

    pub fn pick_replay_files(&mut self) {
        self.dialog(|| {
            let picked = FileDialog::new()
                .set_title("Replay recorded tracks as live")
                .add_filter("Tracks (any readable format)", &["*"])
                .pick_files();
            JobOut::ReplayPicked(picked.unwrap_or_default())
        });
    }

    pub fn pick_pmtiles(&mut self) {
        self.dialog(|| {
            let picked = FileDialog::new()
                .set_title("Open a PMTiles basemap")
                .add_filter("PMTiles", &["pmtiles"])
                .pick_file();
            JobOut::PickedPmTiles(picked)
        });
    }

    pub fn pick_route_file(&mut self) {
        self.dialog(|| {
            let picked = FileDialog::new()
                .set_title("Open a route")
                .add_filter("Route (GeoJSON)", &["geojson", "json"])
                .pick_file();
            JobOut::RoutePicked(picked)
        });
    }

    /// Asks where to save an export (then `export_to` writes it).
    pub fn pick_export(&mut self, kind: ExportKind) {
        let name = match (kind, &self.settings.movement) {
            (ExportKind::NoticePackage, Some(id)) => format!("{id}-notification.pdf"),
            (ExportKind::NoticePackage, None) => {
                self.warn("pick a movement in the Movements tab first");
                self.settings.tab = super::settings::Tab::Movements;
                return;
            }
            _ => kind.default_name().to_string(),
        };
        self.dialog(move || {
            let mut dialog = FileDialog::new()
                .set_title(kind.menu_label().trim_end_matches('…'))
                .set_file_name(name);
            // Save as… writes what the file's extension names.
            let extensions: &[&str] = if kind == ExportKind::EditedLayer {
                &crate::edit::save_as::EXTENSIONS
            } else {
                &[kind.extension()]
            };
            for ext in extensions {
                dialog = dialog.add_filter(*ext, &[*ext]);
            }
            let picked = dialog.save_file();
            JobOut::SavePicked(kind, picked)
        });
    }
}
