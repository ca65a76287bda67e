//! A throw-away PostgreSQL + PostGIS cluster owned by the test run: `initdb`
//! in a temporary directory, `postgres` on 127.0.0.1 on a free port, password
//! logins over TCP, stopped when the test process ends (a watchdog shell
//! stops it even when the tests abort).
//!
//! Found when Debian's `postgresql-15` and `postgresql-15-postgis-3` (or
//! another version) are installed; `.ci/run` installs them. Without them the
//! database tests say so and pass, unless `CORRIDOR_WATCH_REQUIRE_POSTGIS=1`
//! (set by `.ci/run`) makes a missing PostGIS a failure.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const USER: &str = "cw";
pub const PASSWORD: &str = "cw-test-pw";

pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
    watchdog: Option<Child>,
}

/// The newest `…/postgresql/N/bin` with PostGIS beside it.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let e = e.ok()?;
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let control = PathBuf::from(format!(
                "/usr/share/postgresql/{v}/extension/postgis.control"
            ));
            (e.path().join("bin/initdb").exists() && control.exists())
                .then(|| (v, e.path().join("bin")))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p)
}

fn is_root() -> bool {
    // Debian's test images run as root; PostgreSQL refuses to.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// A command run as the `postgres` system user when we are root.
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn owner_ids() -> Option<(u32, u32)> {
    let out = Command::new("id").args(["-u", "postgres"]).output().ok()?;
    let uid = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    let out = Command::new("id").args(["-g", "postgres"]).output().ok()?;
    let gid = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some((uid, gid))
}

impl Cluster {
    /// A new cluster, or `None` (with a note) when PostgreSQL/PostGIS are missing.
    pub fn start() -> Option<Cluster> {
        let Some(bin) = find_bin() else {
            assert!(
                std::env::var("CORRIDOR_WATCH_REQUIRE_POSTGIS").as_deref() != Ok("1"),
                "PostGIS is required (CORRIDOR_WATCH_REQUIRE_POSTGIS=1) but no /usr/lib/postgresql/N/bin with PostGIS was found"
            );
            eprintln!(
                "note: PostgreSQL + PostGIS not installed; database test skipped (see README)"
            );
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("cw-pg-")
            .tempdir_in("/tmp")
            .expect("temp dir");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data dir");
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PASSWORD).expect("pwfile");
        if is_root() {
            let (uid, gid) = owner_ids().expect("a postgres system user");
            for p in [dir.path(), &data, &pwfile] {
                std::os::unix::fs::chown(p, Some(uid), Some(gid)).expect("chown");
            }
        }
        let out = as_owner(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                USER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let mut c = Cluster {
            dir,
            port,
            bin,
            watchdog: None,
        };
        c.launch();
        c.sql("postgres", "CREATE EXTENSION IF NOT EXISTS postgis");
        Some(c)
    }

    /// Starts `postgres` under a watchdog that stops it when this process ends.
    pub fn launch(&mut self) {
        let data = self.dir.path().join("data");
        let log = self.dir.path().join("log");
        let postgres = format!(
            "{} -D {} -p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60 {}",
            self.bin.join("postgres").display(),
            data.display(),
            self.port,
            self.dir.path().display(),
            self.extra_options()
        );
        let script = format!(
            "{postgres} >>{log} 2>&1 & pg=$!; \
             while [ -d /proc/{parent} ] && kill -0 $pg 2>/dev/null; do sleep 0.3; done; \
             kill -INT $pg 2>/dev/null; wait $pg; \
             [ -d /proc/{parent} ] || rm -rf {dir}",
            dir = self.dir.path().display(),
            log = log.display(),
            parent = std::process::id()
        );
        let child = as_owner(Path::new("/bin/sh"))
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postgres starts");
        self.watchdog = Some(child);
        let t0 = Instant::now();
        loop {
            let ok = std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && self.try_sql("postgres", "SELECT 1").is_ok();
            if ok {
                return;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "postgres did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn extra_options(&self) -> String {
        let cert = self.dir.path().join("server.crt");
        if cert.exists() {
            format!(
                "-c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                cert.display(),
                self.dir.path().join("server.key").display()
            )
        } else {
            String::new()
        }
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`), as a crash would.
    pub fn kill(&mut self) {
        let _ = as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["stop", "-m", "immediate", "-w"])
            .output();
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.wait();
        }
    }

    /// A URL for this cluster's database `postgres` and `table`.
    pub fn url(&self, table: &str) -> String {
        format!(
            "postgresql://{USER}:{PASSWORD}@127.0.0.1:{}/postgres?table={table}",
            self.port
        )
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(
            &format!(
                "host=127.0.0.1 port={} user={USER} password={PASSWORD} dbname=postgres",
                self.port
            ),
            postgres::NoTls,
        )
        .expect("test client connects")
    }

    fn try_sql(&self, db: &str, sql: &str) -> Result<(), postgres::Error> {
        let mut c = postgres::Client::connect(
            &format!(
                "host=127.0.0.1 port={} user={USER} password={PASSWORD} dbname={db} connect_timeout=2",
                self.port
            ),
            postgres::NoTls,
        )?;
        c.batch_execute(sql)
    }

    pub fn sql(&self, db: &str, sql: &str) {
        self.try_sql(db, sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Makes a self-signed certificate and restarts with TLS on.
    pub fn enable_tls(&mut self) {
        let d = self.dir.path();
        let out = Command::new("openssl")
            .args([
                "req",
                "-new",
                "-x509",
                "-days",
                "2",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
            ])
            .arg("-out")
            .arg(d.join("server.crt"))
            .arg("-keyout")
            .arg(d.join("server.key"))
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if is_root() {
            let (uid, gid) = owner_ids().expect("postgres user");
            for f in ["server.crt", "server.key"] {
                std::os::unix::fs::chown(d.join(f), Some(uid), Some(gid)).expect("chown");
            }
        }
        std::fs::set_permissions(
            d.join("server.key"),
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .expect("key mode");
        self.kill();
        self.launch();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The cluster most tests share (started once per test run).
pub fn shared() -> Option<&'static Cluster> {
    static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
    SHARED.get_or_init(Cluster::start).as_ref()
}
