//! The camera: where the map looks, boxes to fit on the next frame, and where
//! a lon/lat point falls on screen.

use super::{MAP_ORIGIN, MapView};
use geo::Coord;
use walkers::lon_lat;

impl MapView {
    /// Centres the map on a lon/lat point at a zoom level (no pending fit overrides it).
    pub fn centre_on(&mut self, lon: f64, lat: f64, zoom: f64) {
        self.pending_fit = false;
        self.pending_zoom = None;
        self.memory.center_at(lon_lat(lon, lat));
        let _ = self.memory.set_zoom(zoom);
    }

    /// Zooms to a lon/lat box [west, south, east, north] on the next frame.
    pub fn zoom_to(&mut self, bbox: [f64; 4]) {
        self.pending_zoom = Some(bbox);
    }

    /// Zooms to a box with some room around it (`pad` of its larger side, at least 0.02°).
    pub fn zoom_to_padded(&mut self, b: [f64; 4], pad: f64) {
        let pad = ((b[2] - b[0]).max(b[3] - b[1]) * pad).max(0.02);
        self.zoom_to([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]);
    }

    /// Applies a pending zoom (at the start of a frame, when the map's size is known).
    pub(super) fn apply_pending_zoom(&mut self) {
        let Some(b) = self.pending_zoom.take() else {
            return;
        };
        let (w, h) = (self.size.x.max(100.0) as f64, self.size.y.max(100.0) as f64);
        let merc = |lat: f64| {
            (std::f64::consts::FRAC_PI_4 + lat.clamp(-85.0, 85.0).to_radians() / 2.0)
                .tan()
                .ln()
        };
        let dlon = (b[2] - b[0]).max(1e-4);
        let dy = (merc(b[3]) - merc(b[1])).abs().max(1e-6);
        let zx = (w * 360.0 / (256.0 * dlon)).log2();
        let zy = (h * std::f64::consts::TAU / (256.0 * dy)).log2();
        let zoom = (zx.min(zy) - 0.3).clamp(2.0, 17.0);
        let lat_c = {
            let y = 0.5 * (merc(b[1]) + merc(b[3]));
            (2.0 * y.exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees()
        };
        self.memory.center_at(lon_lat(0.5 * (b[0] + b[2]), lat_c));
        let _ = self.memory.set_zoom(zoom);
    }

    /// The projector of the map as it was drawn last frame.
    pub fn projector(&self) -> walkers::Projector<'_> {
        walkers::Projector::new(
            self.rect,
            &walkers::MercatorProjection,
            &self.memory,
            lon_lat(MAP_ORIGIN.0, MAP_ORIGIN.1),
        )
    }

    /// The lon/lat at a screen position (as the map drew it last frame).
    pub fn coord_at(&self, p: eframe::egui::Pos2) -> Coord {
        let pos = self.projector().unproject(p.to_vec2());
        Coord {
            x: pos.x(),
            y: pos.y(),
        }
    }

    /// Where a lon/lat point is on screen (as the map drew it last frame).
    pub fn screen_pos(&self, c: Coord) -> eframe::egui::Pos2 {
        super::projection::to_screen(&self.projector(), c)
    }
}
