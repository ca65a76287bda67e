//! The map's palette: colours of roles, stretches, highlights and incident
//! categories (the legend draws from here too).

use crate::model::Role;
use eframe::egui::Color32;

pub const DEVIATION: Color32 = Color32::from_rgb(220, 30, 30);
pub const ZONE_ENTRY: Color32 = Color32::from_rgb(245, 140, 0);
/// An AIS gap: a vessel silent inside a grain lane (dashed on the map).
pub const GAP: Color32 = Color32::from_rgb(120, 120, 135);
pub const HIGHLIGHT: Color32 = Color32::from_rgb(255, 215, 0);
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
        Role::Unassigned | Role::Other => Color32::from_rgb(90, 90, 90),
    }
}

/// Incident marker colour by category.
pub fn category_colour(category: &str) -> Color32 {
    match category {
        // Not red: red is a deviation.
        "shelling" => Color32::from_rgb(150, 0, 110),
        "drone" => Color32::from_rgb(140, 60, 200),
        "small_arms" => Color32::from_rgb(230, 120, 20),
        "mine" => Color32::from_rgb(90, 60, 30),
        "checkpoint" => Color32::from_rgb(30, 110, 200),
        "ceasefire_violation" => Color32::from_rgb(220, 0, 120),
        "humanitarian_access" => Color32::from_rgb(20, 150, 120),
        _ => Color32::from_rgb(80, 80, 80),
    }
}
