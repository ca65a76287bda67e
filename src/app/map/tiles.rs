//! Tile sources: the bundled offline basemap (no tiles), OpenStreetMap, a
//! custom XYZ template, or a local PMTiles file; and the credit each needs.

pub use crate::app::settings::TileChoice;
use eframe::egui;
use std::path::PathBuf;
use walkers::sources::{Attribution, OpenStreetMap, TileSource};
use walkers::{HttpOptions, HttpTiles, TileId, Tiles};

impl TileChoice {
    /// The credit line drawn on the map.
    pub fn attribution(&self) -> &'static str {
        match self {
            TileChoice::Offline => "Basemap: Natural Earth (public domain)",
            TileChoice::OpenStreetMap => {
                "© OpenStreetMap contributors (tiles, where they load); Natural Earth beneath"
            }
            TileChoice::Custom(_) => {
                "Custom XYZ tiles, where they load (see the provider's terms); Natural Earth beneath"
            }
            TileChoice::PmTiles(_) => "Local PMTiles file (see its licence); Natural Earth",
        }
    }

    /// Where this choice's tiles come from (a tile's URL or the template), for online tiles.
    pub fn url(&self) -> Option<String> {
        match self {
            TileChoice::OpenStreetMap => Some(OpenStreetMap.tile_url(TileId {
                x: 0,
                y: 0,
                zoom: 0,
            })),
            TileChoice::Custom(t) => Some(t.clone()),
            TileChoice::Offline | TileChoice::PmTiles(_) => None,
        }
    }

    /// The tiles for this choice (`None` for the offline basemap), or why not.
    pub fn tiles(&self, ctx: &egui::Context) -> Result<Option<Box<dyn Tiles>>, String> {
        let cache = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir)
            .join("corridor-watch/tiles");
        let options = || HttpOptions {
            cache: Some(cache.clone()),
            user_agent: walkers::HeaderValue::from_str(concat!(
                "corridor-watch/",
                env!("CARGO_PKG_VERSION"),
                " (humanitarian GIS desktop app)"
            ))
            .ok(),
            ..Default::default()
        };
        Ok(match self {
            TileChoice::Offline => None,
            TileChoice::OpenStreetMap => Some(Box::new(HttpTiles::with_options(
                OpenStreetMap,
                options(),
                ctx.clone(),
            ))),
            TileChoice::Custom(t) => {
                if !(t.contains("{z}") && t.contains("{x}") && t.contains("{y}")) {
                    return Err(format!("a tile URL needs {{z}}, {{x}} and {{y}}: {t}"));
                }
                Some(Box::new(HttpTiles::with_options(
                    XyzSource {
                        template: t.clone(),
                    },
                    options(),
                    ctx.clone(),
                )))
            }
            TileChoice::PmTiles(p) => {
                if !p.is_file() {
                    return Err(format!(
                        "cannot open the PMTiles file {}: no such file",
                        p.display()
                    ));
                }
                Some(Box::new(walkers::PmTiles::new(p, ctx.clone())))
            }
        })
    }
}

/// An XYZ tile server given by a URL template with `{z}`, `{x}` and `{y}`.
pub struct XyzSource {
    pub template: String,
}

impl TileSource for XyzSource {
    fn tile_url(&self, t: TileId) -> String {
        self.template
            .replace("{z}", &t.zoom.to_string())
            .replace("{x}", &t.x.to_string())
            .replace("{y}", &t.y.to_string())
    }
    fn attribution(&self) -> Attribution {
        Attribution {
            text: "Custom tiles: see the provider's terms",
            url: "",
            logo_light: None,
            logo_dark: None,
        }
    }
}
