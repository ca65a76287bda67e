//! What an alert is about: the types `watch` prints and the Live tab filters.

use serde::Serialize;

/// What an alert is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertType {
    Deviation,
    BufferZoneEntry,
    /// No report for longer than the silence limit while under way (the
    /// stretch is the last report: `start` = `end`, `start_time` its time).
    Silent,
    /// The same position reported with advancing time for longer than the
    /// limit after moving there (`start_time`: since when, `end_time`: the
    /// latest such report).
    Stuck,
    /// Within the set distance of an incident reported in the set window
    /// before the report (`incident_id`, `distance_m`).
    NearIncident,
    /// A report dropped as a jump out and back (`jumps`): `distance_m` from
    /// the last kept report, `speed_kmh` needed.
    ImplausibleJump,
    /// A vessel slow for the loitering time (`start_time`: since when,
    /// `end_time`: the latest fix; `distance_m` sailed, `mean_speed_kn`).
    Loitering,
    /// Two slow vessels near each other for the encounter time (`other`,
    /// `distance_m`: the closest), on both vessels.
    Encounter,
    /// Under way outside every window of its movements (at the first such report).
    OffWindow,
    /// No movement names it, while the layers hold movements (once).
    NotNotified,
    /// In an approved corridor while it is closed (`other`: the corridor's id).
    ClosedCorridor,
}

impl AlertType {
    /// As the JSON and the database write it.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertType::Deviation => "deviation",
            AlertType::BufferZoneEntry => "buffer_zone_entry",
            AlertType::Silent => "silent",
            AlertType::Stuck => "stuck",
            AlertType::NearIncident => "near_incident",
            AlertType::ImplausibleJump => "implausible_jump",
            AlertType::Loitering => "loitering",
            AlertType::Encounter => "encounter",
            AlertType::OffWindow => "off_window",
            AlertType::NotNotified => "not_notified",
            AlertType::ClosedCorridor => "closed_corridor",
        }
    }

    /// Every type, in the order the Live tab lists its filters.
    pub const ALL: [AlertType; 11] = [
        AlertType::Deviation,
        AlertType::BufferZoneEntry,
        AlertType::Silent,
        AlertType::Stuck,
        AlertType::NearIncident,
        AlertType::ImplausibleJump,
        AlertType::Loitering,
        AlertType::Encounter,
        AlertType::OffWindow,
        AlertType::NotNotified,
        AlertType::ClosedCorridor,
    ];

    /// The name an operator reads (the Live tab, the log).
    pub fn label(self) -> &'static str {
        match self {
            AlertType::Deviation => "DEVIATION",
            AlertType::BufferZoneEntry => "ZONE ENTRY",
            AlertType::Silent => "SILENT",
            AlertType::Stuck => "STUCK",
            AlertType::NearIncident => "NEAR INCIDENT",
            AlertType::ImplausibleJump => "IMPLAUSIBLE FIX",
            AlertType::Loitering => "LOITERING",
            AlertType::Encounter => "ENCOUNTER",
            AlertType::OffWindow => "OFF WINDOW",
            AlertType::NotNotified => "NOT NOTIFIED",
            AlertType::ClosedCorridor => "CLOSED CORRIDOR",
        }
    }

    /// What the convoy did, for a log line ("ALERT LV-1: left its corridors").
    pub fn verb(self) -> &'static str {
        match self {
            AlertType::Deviation => "left its corridors",
            AlertType::BufferZoneEntry => "entered the buffer zone",
            AlertType::Silent => "went silent",
            AlertType::Stuck => "is stuck at one position",
            AlertType::NearIncident => "came near a recent incident",
            AlertType::ImplausibleJump => "sent a fix it could not have reached (dropped)",
            AlertType::Loitering => "is loitering",
            AlertType::Encounter => "met another vessel",
            AlertType::OffWindow => "is under way outside its notified window",
            AlertType::NotNotified => "moves without a notified movement",
            AlertType::ClosedCorridor => "is in a closed corridor",
        }
    }

    /// The type `as_str` writes.
    pub fn parse(s: &str) -> Option<AlertType> {
        AlertType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}
