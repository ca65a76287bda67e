//! PostgreSQL + PostGIS as a source, a sink and a live feed.
//!
//! A source is a URL:
//!
//! ```text
//! postgresql://USER[:PASSWORD]@HOST[:PORT]/DB?table=SCHEMA.TABLE[&geometry=COLUMN][&kind=ROLE][&since=COLUMN][&sslmode=MODE]
//! ```
//!
//! `url` parses it (credentials from the URL, `PGPASSWORD` or `~/.pgpass`;
//! every message shows it with the password masked), `connect` opens a
//! session (TLS through rustls, `TimeZone` UTC, TCP keepalives), `read` streams
//! a table into a layer with a server-side cursor, `sink` writes stretches and
//! alerts (upserts, one transaction per run, `NOTIFY`), `feed` polls a table
//! for new rows. Identifiers are always quoted or passed as parameters, never
//! pasted into SQL. See `docs/layers.md`, "PostGIS".

mod connect;
mod error;
pub mod feed;
mod read;
mod table;
mod tls;
pub mod url;

pub use self::connect::{Session, connect};
pub use self::error::{DbError, load_error};
pub use self::read::ReadProgress;
pub(crate) use self::read::{
    Column, Plan, geometry_column, property_name, stream, table_info, wgs84_sql,
};
pub use self::table::{read_table, read_table_in};
pub use self::url::{PgUrl, TableName, is_db_url};
