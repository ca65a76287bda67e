//! The map's colours: roles, and (from the one palette, `output::palette`,
//! shared with the monitoring report) stretches, the selection and incident
//! categories. The legend draws from here too.

use crate::model::Role;
use crate::output::palette;
use eframe::egui::Color32;

const fn rgb(c: palette::Rgb) -> Color32 {
    Color32::from_rgb(c[0], c[1], c[2])
}

pub const DEVIATION: Color32 = rgb(palette::DEVIATION);
pub const ZONE_ENTRY: Color32 = rgb(palette::ZONE_ENTRY);
/// Dark casing under a zone entry (its yellow needs an edge on a light basemap).
pub const ZONE_ENTRY_CASING: Color32 = Color32::from_rgb(60, 50, 0);
/// An AIS gap: a vessel silent inside a grain lane (dashed on the map).
pub const GAP: Color32 = Color32::from_rgb(120, 120, 135);
/// The selection (its own colour, apart from every stretch and category).
/// Events: a dropped (implausible) fix, an encounter of two vessels, loitering
/// (Okabe-Ito's reddish purple and blue).
pub const DROPPED_FIX: Color32 = Color32::from_rgb(110, 110, 120);
pub const ENCOUNTER: Color32 = Color32::from_rgb(204, 121, 167);
pub const LOITERING: Color32 = Color32::from_rgb(0, 114, 178);
pub const HIGHLIGHT: Color32 = rgb(palette::SELECTION);
pub const CONTACT_LINE: Color32 = Color32::from_rgb(140, 20, 20);
pub const TRACK: Color32 = Color32::from_rgb(35, 35, 45);
/// A planned route's legs inside the corridors (outside ones are `DEVIATION` red).
pub const ROUTE_INSIDE: Color32 = Color32::from_rgb(0, 150, 170);

/// The default colour of a role (the legend).
pub fn role_colour(role: Role) -> Color32 {
    match role {
        Role::Corridor => Color32::from_rgb(40, 150, 70),
        Role::GrainRoute => Color32::from_rgb(30, 90, 210),
        Role::ContactLine => CONTACT_LINE,
        Role::BufferZone => Color32::from_rgb(230, 120, 30),
        // Near-black: apart from the green corridors, blue lanes, orange zone and red deviations.
        Role::Track => TRACK,
        Role::Incident => Color32::from_rgb(120, 40, 160),
        Role::Route => Color32::from_rgb(0, 150, 170),
        Role::Movement => Color32::from_rgb(0, 110, 140),
        Role::Sector => Color32::from_rgb(120, 100, 80),
        Role::Unassigned | Role::Other => Color32::from_rgb(90, 90, 90),
    }
}

/// Incident marker colour by category.
pub fn category_colour(category: &str) -> Color32 {
    rgb(palette::category_colour(category))
}
