//! Tiles that did not load. walkers reports a tile it could not fetch or
//! decode only as a `log::warn!` line and draws nothing there (the bundled
//! basemap shows beneath); this logger keeps those lines so that the map can
//! say so, with the reason and the count, for the tile source in use.

use std::collections::VecDeque;
use std::sync::Mutex;

/// The latest lines kept (older ones are counted when read, not kept).
const KEPT: usize = 1000;

/// walkers' warnings, numbered from 1.
static LINES: Mutex<(u64, VecDeque<(u64, String)>)> = Mutex::new((0, VecDeque::new()));

struct TileLogger;

impl log::Log for TileLogger {
    fn enabled(&self, m: &log::Metadata) -> bool {
        m.level() <= log::Level::Warn && m.target().starts_with("walkers")
    }

    fn log(&self, r: &log::Record) {
        if !self.enabled(r.metadata()) {
            return;
        }
        let Ok(mut g) = LINES.lock() else { return };
        g.0 += 1;
        let n = g.0;
        g.1.push_back((n, r.args().to_string()));
        while g.1.len() > KEPT {
            g.1.pop_front();
        }
    }

    fn flush(&self) {}
}

/// Installs the logger (once per process; a logger set by someone else stays).
pub fn install() {
    static LOGGER: TileLogger = TileLogger;
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
}

/// The failures of the tiles in use: counted from the moment they were chosen.
#[derive(Default, Debug, Clone)]
pub struct TileFailures {
    /// The last line read.
    seen: u64,
    /// What a line about this source names (its server, e.g. "tile.openstreetmap.org");
    /// `None`: no online source (nothing is counted).
    server: Option<String>,
    pub count: usize,
    /// The last failure's reason, in words, and the line as walkers wrote it.
    pub reason: String,
    pub line: String,
}

impl TileFailures {
    /// Starts counting for a source whose tile URLs begin with `url` (`None`: offline).
    pub fn start(url: Option<&str>) -> Self {
        let seen = LINES.lock().map(|g| g.0).unwrap_or(0);
        Self {
            seen,
            server: url.map(server_of),
            ..Default::default()
        }
    }

    /// Reads the lines written since the last call.
    pub fn update(&mut self) {
        let Some(server) = &self.server else { return };
        let Ok(g) = LINES.lock() else { return };
        if g.0 == self.seen {
            return;
        }
        let from = self.seen;
        for (_, line) in g.1.iter().filter(|(n, _)| *n > from) {
            // A line naming a URL counts when it is this source's; a tile that
            // could not be decoded names none.
            if line.contains("url (") && !line.contains(server.as_str()) {
                continue;
            }
            self.count += 1;
            self.reason = reason(line);
            self.line = line.clone();
        }
        self.seen = g.0;
    }
}

/// "https://tile.openstreetmap.org/{z}/…" → "tile.openstreetmap.org" (with its port).
fn server_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// walkers' line in words: the HTTP status, an unreachable server, or the line cut short.
pub fn reason(line: &str) -> String {
    let line = line.strip_prefix("Fetch error: ").unwrap_or(line);
    if let Some(i) = line.find("HTTP status ") {
        let status = &line[i + "HTTP status ".len()..];
        let status = status.split(" for url").next().unwrap_or(status);
        return format!("the server answered {status}");
    }
    if line.contains("error sending request") {
        return "the tile server could not be reached".into();
    }
    if line.contains("decoding response body") {
        return "the download broke off".into();
    }
    let cut: String = line.chars().take(100).collect();
    if cut.len() < line.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_in_words() {
        assert_eq!(
            reason(
                "Fetch error: HTTP status client error (404 Not Found) for url (https://a.b/1/2/3.png)"
            ),
            "the server answered client error (404 Not Found)"
        );
        assert_eq!(
            reason("Fetch error: error sending request for url (http://127.0.0.1:9/1/2/3.png)"),
            "the tile server could not be reached"
        );
        assert_eq!(
            server_of("http://127.0.0.1:9/{z}/{x}/{y}.png"),
            "127.0.0.1:9"
        );
        assert_eq!(
            server_of("https://tile.openstreetmap.org/{z}"),
            "tile.openstreetmap.org"
        );
    }

    #[test]
    fn counts_only_its_own_server_from_its_start() {
        install();
        log::warn!(target: "walkers::io::fetch", "Fetch error: error sending request for url (http://10.9.9.9:1/0/0/0.png)");
        let mut f = TileFailures::start(Some("http://10.9.9.9:1/{z}/{x}/{y}.png"));
        f.update();
        assert_eq!(f.count, 0, "a line before the start is not counted");
        log::warn!(target: "walkers::io::fetch", "Fetch error: error sending request for url (http://10.9.9.9:1/1/0/0.png)");
        log::warn!(target: "walkers::io::fetch", "Fetch error: HTTP status server error (502 Bad Gateway) for url (http://10.8.8.8:2/1/0/0.png)");
        log::warn!(target: "other", "Fetch error: error sending request for url (http://10.9.9.9:1/1/0/0.png)");
        f.update();
        assert_eq!(f.count, 1);
        assert_eq!(f.reason, "the tile server could not be reached");
        let mut offline = TileFailures::start(None);
        log::warn!(target: "walkers::io::fetch", "Fetch error: error sending request for url (http://10.9.9.9:1/2/0/0.png)");
        offline.update();
        f.update();
        assert_eq!((offline.count, f.count), (0, 2));
    }
}
