#![allow(clippy::unwrap_used)]
//! The integration tests, one binary: the commands on the bundled data, on
//! hand-built cases with independent answers, on the shared GeoJSON/GPX
//! fixtures and over HTTP; the app driven headless (feature "gui").

mod util;

mod check;
mod conformance;
mod exactness;
mod export;
mod formats;
mod http;
mod layout;
mod ogcapi;
mod postgis;
mod query;
mod report;
mod route;
#[cfg(feature = "gui")]
mod ui;
mod watch;
