//! The window's chrome: the menu bar, the toolbar (tools and legend) and the
//! status bar. Like the panels, they read and push commands.

mod menu;
mod status;
mod toolbar;

pub use menu::menu_ui;
pub use status::status_ui;
pub use toolbar::toolbar_ui;
