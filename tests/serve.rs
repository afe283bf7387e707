//! `yishi serve` and `yishi new`, end to end: the real binary on a copy of
//! `tests/fixtures/serve/basic`, spoken to over plain TCP (so request paths
//! go out exactly as written, `..` and all).
//!
//! Every wait is a poll with a deadline; nothing sleeps longer than a poll
//! interval.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_yishi");
/// How long a change may take to show (debounce + rebuild on a loaded machine).
const CHANGE_TIMEOUT: Duration = Duration::from_secs(15);

// ---------------------------------------------------------------------------
// Harness

/// A copy of the serve fixture in a temporary folder.
struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new() -> Site {
        let tmp = tempfile::Builder::new().prefix("yishi-serve-").tempdir().expect("tempdir");
        let root = tmp.path().join("site");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve/basic");
        copy_tree(&fixture, &root);
        Site { _tmp: tmp, root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).expect("read site file")
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write site file");
    }

    /// Saves like many editors do: write a temporary file, then rename it over.
    fn save_by_rename(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        let tmp =
            p.with_file_name(format!(".{}.tmp-save", p.file_name().unwrap().to_string_lossy()));
        std::fs::write(&tmp, text).expect("write temp");
        std::fs::rename(&tmp, &p).expect("rename over");
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A free port right now (another process may take it; serve then moves on).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind :0").local_addr().expect("addr").port()
}

/// `yishi serve` running on a site; killed when dropped.
struct Serve {
    child: Child,
    addr: SocketAddr,
    /// Everything printed on stdout so far (the banner and summaries).
    stdout: mpsc::Receiver<String>,
}

impl Serve {
    fn start(site: &Site) -> Serve {
        Serve::start_on(site, free_port())
    }

    fn start_on(site: &Site, port: u16) -> Serve {
        let mut child = Command::new(BIN)
            .args(["serve", "--root"])
            .arg(&site.root)
            .args(["--port", &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start yishi serve");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match rx.recv_timeout(left) {
                Ok(l) => l,
                Err(_) => {
                    let _ = child.kill();
                    panic!("yishi serve printed no address; stdout: {seen:?}");
                }
            };
            if let Some(at) = line.find("http://127.0.0.1:") {
                let rest = &line[at + "http://".len()..];
                let end = rest.find('/').expect("url ends with /");
                break rest[..end].parse().expect("socket address");
            }
            seen.push(line);
        };
        let (tx2, rx2) = mpsc::channel();
        for l in seen {
            let _ = tx2.send(l);
        }
        // Keep collecting the rest of stdout in order.
        std::thread::spawn(move || {
            while let Ok(l) = rx.recv() {
                if tx2.send(l).is_err() {
                    break;
                }
            }
        });
        Serve { child, addr, stdout: rx2 }
    }

    fn get(&self, path: &str) -> Response {
        request(self.addr, "GET", path)
    }

    /// Polls `path` until `ok` holds, or fails the test after [`CHANGE_TIMEOUT`].
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + CHANGE_TIMEOUT;
        loop {
            let r = self.get(path);
            if ok(&r) {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: {path} still answers {} after {CHANGE_TIMEOUT:?}:\n{}",
                r.status,
                r.text().chars().take(2000).collect::<String>()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn printed(&self) -> Vec<String> {
        self.stdout.try_iter().collect()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request with the target sent exactly as given.
fn request(addr: SocketAddr, method: &str, target: &str) -> Response {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    write!(s, "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
        .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Response { status, headers, body: raw[split + 4..].to_vec() }
}

/// An open live-reload stream.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    fn open(addr: SocketAddr, query: &str) -> Events {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
        write!(stream, "GET /__yishi/events{query} HTTP/1.1\r\nHost: {addr}\r\n\r\n")
            .expect("send");
        let mut ev = Events { stream, seen: String::new() };
        // Registered once the first bytes (retry:) arrive.
        ev.wait_for("retry:", Duration::from_secs(10));
        ev
    }

    /// Reads until the stream holds `needle`; returns everything read.
    fn wait_for(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 4096];
        while !self.seen.contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no {needle:?} on the event stream; got {:?}",
                self.seen
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("event stream closed; got {:?}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("event stream: {e}"),
            }
        }
        self.seen.clone()
    }
}

fn yishi(args: &[&str], root: &Path) -> std::process::Output {
    Command::new(BIN).args(args).arg("--root").arg(root).output().expect("run yishi")
}

const CASE: &str = "content/cases/2020/hongwu-yanglao.md";
const CASE_URL: &str = "/cases/hongwu-yanglao/";

// ---------------------------------------------------------------------------
// serve

#[test]
fn serves_pages_with_content_types() {
    let site = Site::new();
    let serve = Serve::start(&site);
    for (path, ctype) in [
        ("/", "text/html; charset=utf-8"),
        (CASE_URL, "text/html; charset=utf-8"),
        ("/streets/hongwulu/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/site.js", "text/javascript; charset=utf-8"),
        ("/api/cases.json", "application/json"),
        ("/api/cases.csv", "text/csv; charset=utf-8"),
        ("/feed.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/cases/fuzimiao-home/cover.svg", "image/svg+xml"),
        ("/cases/fuzimiao-home/photo.png", "image/png"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/notes.txt", "text/plain; charset=utf-8"),
    ] {
        let r = serve.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("Content-Type"), Some(ctype), "{path}");
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{path}");
        assert_eq!(r.header("Content-Length"), Some(r.body.len().to_string().as_str()), "{path}");
    }
    assert!(serve.get(CASE_URL).text().contains("原始正文标记甲"));
    // Links point at the local server, whatever site.yaml's base_url says.
    let home = serve.get("/").text();
    assert!(!home.contains("www.example.gov.cn"), "base_url not replaced in served pages");
    assert!(serve.get("/feed.xml").text().contains(&format!("http://{}/", serve.addr)));
    // The site is served from the root: /cases → /cases/.
    let r = serve.get("/cases?x=1");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/cases/?x=1"));
    // HEAD: the headers of GET, no body.
    let r = request(serve.addr, "HEAD", "/");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert_eq!(request(serve.addr, "POST", "/").status, 405);
    // Missing: 404 with the site's own 404 page.
    let r = serve.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("页面不存在"), "{}", r.text());
}

#[test]
fn live_reload_script_is_served_but_never_built() {
    let site = Site::new();
    let serve = Serve::start(&site);
    for path in ["/", CASE_URL, "/no/such/page/"] {
        let html = serve.get(path).text();
        let at =
            html.find("new EventSource('/__yishi/events").expect("reload script in served HTML");
        assert!(html[at..].contains("</body>"), "script goes before </body>");
    }
    assert!(!serve.get("/style.css").text().contains("__yishi"));
    drop(serve);

    let out = site.root.parent().unwrap().join("public");
    let built = Command::new(BIN)
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(&out)
        .output()
        .expect("build");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    for entry in walk(&out) {
        let bytes = std::fs::read(&entry).expect("read output");
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__yishi"),
            "{} holds the live-reload script",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn edited_case_is_served_and_tabs_are_told_to_reload() {
    let site = Site::new();
    let serve = Serve::start(&site);
    let mut events = Events::open(serve.addr, "");
    let text = site.read(CASE).replace("原始正文标记甲", "修改后的正文标记乙");
    site.write(CASE, &text);
    serve.wait_for(CASE_URL, "edit", |r| r.text().contains("修改后的正文标记乙"));
    let seen = events.wait_for("event: reload\ndata: ", CHANGE_TIMEOUT);
    assert!(seen.contains("Content-Type: text/event-stream\r\n"), "{seen:?}");
    assert!(seen.find("retry:") < seen.find("event: reload"), "{seen:?}");
    // One summary line per rebuild, naming the file.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut printed = Vec::new();
    while !printed.iter().any(|l: &String| l.contains("hongwu-yanglao.md") && l.contains("ms")) {
        assert!(Instant::now() < deadline, "no rebuild summary; stdout: {printed:?}");
        printed.extend(serve.printed());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn editor_style_save_by_rename_is_picked_up() {
    let site = Site::new();
    let serve = Serve::start(&site);
    let text = site.read(CASE).replace("原始正文标记甲", "改名保存标记丙");
    site.save_by_rename(CASE, &text);
    serve.wait_for(CASE_URL, "save by rename", |r| r.text().contains("改名保存标记丙"));
    // The editor's temporary file never became a page.
    assert_eq!(serve.get("/cases/hongwu-yanglao-md-tmp-save/").status, 404);
}

#[test]
fn stale_page_reloads_as_soon_as_it_connects() {
    let site = Site::new();
    let serve = Serve::start(&site);
    let html = serve.get("/").text();
    let since =
        html.split("events?since=").nth(1).and_then(|s| s.split('\'').next()).expect("since");
    let mut events = Events::open(serve.addr, &format!("?since={since}"));
    assert!(!events.seen.contains("event: reload"), "an up-to-date page must not reload");
    let mut stale = Events::open(serve.addr, "?since=999999");
    stale.wait_for("event: reload", Duration::from_secs(5));
    site.write(CASE, &site.read(CASE).replace("原始正文标记甲", "标记丁"));
    events.wait_for("event: reload", CHANGE_TIMEOUT);
}

#[test]
fn new_case_with_new_topic_gets_its_pages() {
    let site = Site::new();
    let serve = Serve::start(&site);
    assert_eq!(serve.get("/topics/quan-xin-zhu-ti/").status, 404);
    site.write(
        "content/cases/2022/new-case.md",
        "---\ntitle: 全新的协商议事\ndate: 2022-05-06\nstreet: 夫子庙街道\ntopics: [全新主题]\n---\n\n新增案例的正文。\n",
    );
    serve.wait_for("/cases/new-case/", "new case", |r| {
        r.status == 200 && r.text().contains("新增案例的正文")
    });
    let topic = serve.wait_for("/topics/quan-xin-zhu-ti/", "new topic", |r| r.status == 200);
    assert!(topic.text().contains("全新的协商议事"));
    assert!(serve.get("/topics/").text().contains("全新主题"));
    assert!(serve.get("/years/2022/").status == 200);
}

#[test]
fn new_folder_with_a_case_moved_in_is_picked_up() {
    let site = Site::new();
    let serve = Serve::start(&site);
    let outside = site.root.parent().unwrap().join("drafts/2023");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("moved.md"),
        "---\ntitle: 移入的案例\ndate: 2023-03-04\ncommittee: 经科委\n---\n\n从别处移入的案例。\n",
    )
    .unwrap();
    std::fs::rename(&outside, site.path("content/cases/2023")).unwrap();
    serve.wait_for("/cases/moved/", "moved-in folder", |r| r.status == 200);
}

#[test]
fn deleted_case_is_gone() {
    let site = Site::new();
    let serve = Serve::start(&site);
    assert_eq!(serve.get(CASE_URL).status, 200);
    std::fs::remove_file(site.path(CASE)).unwrap();
    serve.wait_for(CASE_URL, "delete", |r| r.status == 404);
    // Its now empty lists are gone too; the rest of the site stays.
    serve.wait_for("/years/2020/", "empty year", |r| r.status == 404);
    assert_eq!(serve.get("/cases/fuzimiao-home/").status, 200);
}

#[test]
fn renamed_case_moves_to_its_new_address() {
    let site = Site::new();
    let serve = Serve::start(&site);
    std::fs::rename(site.path(CASE), site.path("content/cases/2020/hongwu-zhucan.md")).unwrap();
    serve.wait_for("/cases/hongwu-zhucan/", "renamed case", |r| r.status == 200);
    serve.wait_for(CASE_URL, "old address", |r| r.status == 404);
}

#[test]
fn starts_even_when_the_first_build_fails() {
    let site = Site::new();
    let good = site.read(CASE);
    site.write(CASE, &good.replace("date: 2020-08-07", "date: 2020-02-30"));
    let serve = Serve::start(&site);
    let r = serve.get("/");
    assert_eq!(r.status, 500);
    assert!(r.text().contains("hongwu-yanglao.md:3:7"), "{}", r.text());
    site.write(CASE, &good);
    serve.wait_for("/", "first good build", |r| r.status == 200);
    assert_eq!(serve.get("/style.css").status, 200);
}

#[test]
fn broken_front_matter_shows_error_page_and_recovers() {
    let site = Site::new();
    let serve = Serve::start(&site);
    let good = site.read(CASE);
    site.write(CASE, &good.replace("street: 洪武路街道", "street: 洪武街道"));
    let r = serve.wait_for("/", "error page", |r| r.status == 500);
    let page = r.text();
    assert!(page.contains("lang=\"zh-CN\""));
    assert!(page.contains("content/cases/2020/hongwu-yanglao.md:4:9"), "{page}");
    assert!(page.contains("错误"));
    assert!(page.contains("未知的街道"));
    assert!(page.contains("您是否指 洪武路街道"));
    assert!(page.contains("new EventSource('/__yishi/events"), "error page must reload itself");
    // Every HTML page shows it; everything else is still served.
    assert_eq!(serve.get("/cases/fuzimiao-home/").status, 500);
    assert_eq!(serve.get("/no/such/page/").status, 500);
    assert_eq!(serve.get("/style.css").status, 200);
    assert_eq!(serve.get("/cases/fuzimiao-home/photo.png").status, 200);
    // Markup in a message is escaped.
    site.write(CASE, &good.replace("street: 洪武路街道", "street: <b>坏</b>"));
    let r = serve.wait_for("/", "escaped error", |r| r.text().contains("&lt;b&gt;坏"));
    assert!(!r.text().contains("<b>坏"));
    // The next good save recovers, with no restart.
    site.write(CASE, &good);
    serve.wait_for("/", "recovery", |r| r.status == 200);
    assert!(serve.get(CASE_URL).text().contains("原始正文标记甲"));
}

#[test]
fn template_and_config_changes_rebuild() {
    let site = Site::new();
    let serve = Serve::start(&site);
    // site.yaml
    let yaml =
        site.read("site.yaml").replace("title: 有事好商量 预览测试", "title: 改过的站点标题");
    site.write("site.yaml", &yaml);
    serve.wait_for("/", "site.yaml", |r| r.text().contains("改过的站点标题"));
    // A site template created during serve (templates/ did not exist).
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/404.html"),
    )
    .unwrap();
    site.write("templates/404.html", &base.replace("页面不存在", "自定义的找不到页面"));
    serve.wait_for("/nope/", "new templates folder", |r| r.text().contains("自定义的找不到页面"));
    // A static file.
    site.write("static/notes.txt", "改过的静态文件\n");
    serve.wait_for("/notes.txt", "static", |r| r.text().contains("改过的静态文件"));
}

#[test]
fn refuses_every_path_outside_the_site() {
    let site = Site::new();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", site.path("static/passwd")).unwrap();
        std::os::unix::fs::symlink(site.path("site.yaml"), site.path("static/config.yaml"))
            .unwrap();
    }
    let serve = Serve::start(&site);
    for target in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/cases/..%2f..%2fsite.yaml",
        "/cases/%2e%2e/%2e%2e/site.yaml",
        "/cases/../../../../etc/passwd",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/..%5csite.yaml",
        "/cases\\..\\..\\site.yaml",
        "/site.yaml%00.html",
        "/site.yaml",
        "/content/cases/2020/hongwu-yanglao.md",
        "/passwd",
        "/config.yaml",
        "http://127.0.0.1/../site.yaml",
        "/__yishi/../site.yaml",
    ] {
        let r = serve.get(target);
        assert_eq!(r.status, 404, "{target}");
        let body = r.text();
        assert!(!body.contains("root:"), "{target} leaked /etc/passwd");
        assert!(!body.contains("base_url"), "{target} leaked site.yaml");
        assert!(!body.contains("原始正文标记甲"), "{target} leaked a source file");
    }
    // A request line that is not HTTP gets 400, and the server stays up.
    let mut s = TcpStream::connect(serve.addr).unwrap();
    s.write_all(b"GARBAGE\r\n\r\n").unwrap();
    let mut raw = String::new();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.read_to_string(&mut raw);
    assert!(raw.starts_with("HTTP/1.1 400"), "{raw}");
    assert_eq!(serve.get("/").status, 200);
}

#[test]
fn busy_port_moves_to_the_next_one() {
    let site = Site::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let serve = Serve::start_on(&site, port);
    assert_ne!(serve.addr.port(), port);
    assert!(serve.addr.port() > port && serve.addr.port() <= port + 10);
    assert_eq!(serve.get("/").status, 200);
    let banner: Vec<String> = serve.printed();
    assert!(
        banner.iter().any(|l| l.contains(&port.to_string()) && l.contains("占用")),
        "{banner:?}"
    );
}

#[test]
fn library_server_starts_serves_and_stops() {
    let site = Site::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = yishi::serve::Server::start(
        listener,
        yishi::serve::ServerOptions { root: site.root.clone(), drafts: false, quiet: true },
    )
    .expect("start");
    let addr = server.addr();
    assert_eq!(server.url(), format!("http://{addr}/"));
    assert_eq!(request(addr, "GET", CASE_URL).status, 200);
    let before = server.generation();
    site.write(CASE, &site.read(CASE).replace("原始正文标记甲", "进程内标记戊"));
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    while !request(addr, "GET", CASE_URL).text().contains("进程内标记戊") {
        assert!(Instant::now() < deadline, "in-process server did not rebuild");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.generation() > before);
    let mut events = Events::open(addr, "");
    let t = Instant::now();
    server.stop();
    assert!(t.elapsed() < Duration::from_secs(5), "stop took {:?}", t.elapsed());
    // Streams are closed and nothing listens any more.
    let mut buf = [0u8; 64];
    events.stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert!(matches!(events.stream.read(&mut buf), Ok(0) | Err(_)));
    // (Whether the port refuses connections now is not asserted: tests run
    // in parallel and another test's server may already have taken it.)
}

// ---------------------------------------------------------------------------
// new

const CASE_KEYS: &[&str] = &[
    "title",
    "date",
    "street",
    "community",
    "committee",
    "topics",
    "typical",
    "outcome",
    "followups",
    "participants",
    "location",
    "summary",
    "cover",
    "cover_alt",
    "slug",
    "draft",
    "updated",
];

#[test]
fn new_writes_a_case_that_check_accepts() {
    let site = Site::new();
    let out = yishi(
        &[
            "new",
            "content/cases/2024/洪武路助餐点.md",
            "--street",
            "洪武路街道",
            "--committee",
            "经科委、人口环境委",
        ],
        &site.root,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = site.read("content/cases/2024/洪武路助餐点.md");
    let front = text.split("\n---\n").next().unwrap();
    for key in CASE_KEYS {
        assert!(
            front.lines().any(|l| l.trim_start_matches("# ").starts_with(&format!("{key}:"))),
            "key {key} missing:\n{front}"
        );
    }
    assert!(text.contains("title: 洪武路助餐点"), "title from the Chinese file name");
    assert!(text.contains("street: 洪武路街道"));
    assert!(text.contains("committee: [经济科技委员会, 人口资源环境委员会]"));
    let today = jiff::ZonedDateTime::now().date();
    assert!(text.contains(&format!("date: {today}")), "today's date");
    for heading in [
        "## 协商背景",
        "## 会前调研",
        "## 协商过程",
        "## 协商成果",
        "## 成果转化与落实",
        "## 经验启示",
    ] {
        assert!(text.contains(heading), "{heading}");
    }
    let check = yishi(&["check"], &site.root);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    assert!(!stderr.contains("错误"), "{stderr}");

    // With a title, a committee only, and an ASCII name.
    let out = yishi(
        &[
            "new",
            "content/cases/2024/a/index.md",
            "--committee",
            "jingkewei",
            "--title",
            "关于“停车难”的协商: 第一次",
        ],
        &site.root,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = site.read("content/cases/2024/a/index.md");
    assert!(text.contains("title: '关于“停车难”的协商: 第一次'"), "{text}");
    assert!(text.contains("# street:"));
    let check = yishi(&["check"], &site.root);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}

#[test]
fn new_refuses_to_overwrite() {
    let site = Site::new();
    let before = site.read(CASE);
    let out = yishi(&["new", CASE, "--street", "洪武路街道"], &site.root);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("content/cases/2020/hongwu-yanglao.md"), "{stderr}");
    assert!(stderr.contains("已存在"), "{stderr}");
    assert_eq!(site.read(CASE), before);
}

#[test]
fn new_rejects_unknown_street_with_a_suggestion() {
    let site = Site::new();
    let out = yishi(&["new", "content/cases/2024/x.md", "--street", "夫子庙"], &site.root);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("未知的街道“夫子庙”"), "{stderr}");
    assert!(stderr.contains("您是否指 夫子庙街道？"), "{stderr}");
    assert!(!site.path("content/cases/2024/x.md").exists());
    assert!(!site.path("content/cases/2024").exists(), "no folder left behind");

    let out = yishi(&["new", "content/cases/2024/x.md", "--committee", "经委"], &site.root);
    assert!(String::from_utf8_lossy(&out.stderr).contains("您是否指 经科委？"));
}

#[test]
fn new_needs_a_street_or_committee_and_a_place_in_cases() {
    let site = Site::new();
    // Neither --street nor --committee: wrong usage (exit 2), nothing written.
    let out = yishi(&["new", "content/cases/2024/x.md"], &site.root);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--street"));
    assert!(!site.path("content/cases/2024/x.md").exists());

    let out = yishi(&["new", "content/pages/x.md", "--street", "fuzimiao"], &site.root);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("content/cases/"));

    let out = yishi(&["new", "content/cases/2024/x.txt", "--street", "fuzimiao"], &site.root);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".md"));
}

#[test]
fn new_path_outside_content_is_relative_to_the_current_folder() {
    let site = Site::new();
    let out = Command::new(BIN)
        .args([
            "new",
            "site/content/cases/2024/from-cwd.md",
            "--street",
            "fuzimiao",
            "--root",
            "site",
        ])
        .current_dir(site.root.parent().unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(site.path("content/cases/2024/from-cwd.md").is_file());
}

#[test]
fn new_gives_a_clashing_file_name_its_own_slug() {
    let site = Site::new();
    let out = yishi(
        &["new", "content/cases/2024/hongwu-yanglao.md", "--street", "洪武路街道"],
        &site.root,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = site.read("content/cases/2024/hongwu-yanglao.md");
    assert!(text.lines().any(|l| l.starts_with("slug: hongwu-yanglao-")), "{text}");
    let check = yishi(&["check"], &site.root);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}
