//! `yishi serve`: builds the site into memory, serves it over a small
//! HTTP/1.1 server (std `TcpListener`, one thread per connection), watches
//! the site folder and rebuilds through [`Session`], then tells open tabs to
//! reload (Server-Sent Events).
//!
//! Serves only from memory: a request path becomes a key of the built
//! output, never a file-system path, so nothing outside the output can be
//! read. Never writes to disk.

use crate::diagnostics::{Diagnostic, Severity};
use crate::feeds::xml_escape;
use crate::session::{Rebuild, Session};
use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::collections::{BTreeSet, HashMap};
use std::io::{self, Read, Write};
use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Options of `yishi serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
}

/// The live-reload endpoint (Server-Sent Events).
pub const EVENTS_PATH: &str = "/__yishi/events";

/// How long the watcher waits for a burst of file events to settle. An
/// editor's save (write a temporary file, rename it over the old one, or
/// truncate and write) is a burst of well under a millisecond; a save
/// caught half way is rebuilt again 15 ms later anyway.
const DEBOUNCE: Duration = Duration::from_millis(15);
/// How often idle event streams get a comment, so dead clients are dropped.
const PING_EVERY: Duration = Duration::from_secs(15);
/// How many ports after `--port` are tried when it is taken.
const PORT_TRIES: u16 = 10;
/// What is watched below the site folder (besides site.yaml).
const WATCHED_DIRS: &[&str] = &["content", "static", "templates", "themes"];

/// Runs the preview server until the process is interrupted (Ctrl-C).
pub fn serve(opts: &ServeOptions) -> Result<(), String> {
    if !opts.root.join("site.yaml").is_file() {
        return Err(format!(
            "在 {} 中找不到 site.yaml：请在站点文件夹中运行，或用 --root 指定站点文件夹",
            opts.root.display()
        ));
    }
    let listener = bind(&opts.bind, opts.port)?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    if port != opts.port && opts.port != 0 {
        println!("端口 {} 已被占用，改用端口 {port}。", opts.port);
    }
    let server = Server::start(
        listener,
        ServerOptions { root: opts.root.clone(), drafts: opts.drafts, quiet: false },
    )?;
    println!("预览地址：{}（保存文件后浏览器自动刷新；按 Ctrl-C 停止）", server.url());
    if server.addr().ip().is_unspecified() {
        println!("正在所有网络接口上监听：同一网络中的其他设备可用本机 IP 地址访问。");
    }
    server.wait();
    Ok(())
}

/// Binds `bind:port`, or the next free port of the following ten.
fn bind(bind: &str, port: u16) -> Result<TcpListener, String> {
    let mut last = None;
    for p in (0..=PORT_TRIES).filter_map(|i| port.checked_add(i)) {
        let addrs: Vec<SocketAddr> = (bind, p)
            .to_socket_addrs()
            .map_err(|e| format!("无法解析监听地址 {bind}（{e}）"))?
            .collect();
        match TcpListener::bind(&addrs[..]) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && port != 0 => last = Some(e),
            Err(e) => return Err(format!("无法监听 {bind}:{p}（{e}）")),
        }
    }
    let last = last.map(|e| e.to_string()).unwrap_or_default();
    Err(format!(
        "端口 {port}–{} 都已被占用（{last}）：请用 --port 指定其他端口",
        port.saturating_add(PORT_TRIES)
    ))
}

/// What a [`Server`] builds and how loudly.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The site folder (holds site.yaml).
    pub root: PathBuf,
    /// Publish drafts too.
    pub drafts: bool,
    /// Print nothing (tests); otherwise rebuild summaries and diagnostics go to the terminal.
    pub quiet: bool,
}

/// A running preview server: an accept thread, a watch-and-rebuild thread,
/// and the built site in memory. Stop it with [`Server::stop`].
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    to_rebuilder: Sender<Msg>,
    accept: Option<JoinHandle<()>>,
    rebuilder: Option<JoinHandle<()>>,
}

/// What the connection threads and the rebuild thread share.
struct Shared {
    state: RwLock<State>,
    /// Open live-reload streams.
    clients: Mutex<Vec<TcpStream>>,
    stop: AtomicBool,
}

/// The site as served right now.
#[derive(Default)]
struct State {
    /// Output path → bytes, as of the last successful build.
    files: HashMap<String, Arc<[u8]>>,
    /// The error page while the last build failed.
    failure: Option<Arc<str>>,
    /// Counts rebuilds that changed what is served; sent with each reload.
    generation: u64,
}

/// Messages to the rebuild thread.
enum Msg {
    Events(DebounceEventResult),
    Stop,
}

type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

impl Server {
    /// Builds the site (a failed build is served as an error page), starts
    /// watching the site folder, and serves on `listener` in the background.
    pub fn start(listener: TcpListener, opts: ServerOptions) -> Result<Server, String> {
        let root = opts
            .root
            .canonicalize()
            .map_err(|e| format!("无法打开站点文件夹 {}（{e}）", opts.root.display()))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let base_url = format!("http://{}/", host_port(addr));
        let mut session = Session::new(crate::Options {
            root: root.clone(),
            drafts: opts.drafts,
            base_url: Some(base_url),
            today: None,
        });
        let shared = Arc::new(Shared {
            state: RwLock::new(State::default()),
            clients: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });

        let (tx, rx) = mpsc::channel();
        let events = tx.clone();
        let mut watcher = new_debouncer(DEBOUNCE, None, move |r: DebounceEventResult| {
            let _ = events.send(Msg::Events(r));
        })
        .map_err(|e| format!("无法监视文件修改（{e}）"))?;
        watch(&mut watcher, &root, &root, RecursiveMode::NonRecursive)?;
        for dir in WATCHED_DIRS {
            let dir = root.join(dir);
            if dir.is_dir() {
                watch(&mut watcher, &root, &dir, RecursiveMode::Recursive)?;
            }
        }

        let t = Instant::now();
        let first = rebuild(&mut session, &[]);
        apply(&session, &shared, first, t.elapsed(), &[], &root, opts.quiet);
        publish_search(&mut session, &shared, &std::sync::atomic::AtomicBool::new(false));

        let rebuilder = {
            let shared = Arc::clone(&shared);
            let quiet = opts.quiet;
            thread::Builder::new()
                .name("yishi-rebuild".into())
                .spawn(move || rebuild_loop(session, watcher, rx, &shared, &root, quiet))
                .map_err(|e| e.to_string())?
        };
        let accept = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("yishi-accept".into())
                .spawn(move || accept_loop(listener, &shared))
                .map_err(|e| e.to_string())?
        };
        Ok(Server {
            addr,
            shared,
            to_rebuilder: tx,
            accept: Some(accept),
            rebuilder: Some(rebuilder),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's address, `http://127.0.0.1:1111/`.
    pub fn url(&self) -> String {
        format!("http://{}/", host_port(self.addr))
    }

    /// How many rebuilds changed what is served (the first build counts).
    pub fn generation(&self) -> u64 {
        read(&self.shared.state).generation
    }

    /// Blocks until the server stops (in practice: until the process ends).
    pub fn wait(mut self) {
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }

    /// Stops watching and serving, and closes live-reload streams.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = self.to_rebuilder.send(Msg::Stop);
        // Wake the accept loop.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
        if self.accept.is_some() {
            let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        }
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        if let Some(t) = self.rebuilder.take() {
            let _ = t.join();
        }
        for c in lock(&self.shared.clients).drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }
}

/// `127.0.0.1:1111` or `[::1]:1111`.
fn host_port(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
    }
}

fn watch(w: &mut Watcher, root: &Path, path: &Path, mode: RecursiveMode) -> Result<(), String> {
    w.watch(path, mode).map_err(|e| {
        let rel = path.strip_prefix(root).unwrap_or(path);
        format!("无法监视 {}（{e}）", if rel.as_os_str().is_empty() { path } else { rel }.display())
    })
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn read(s: &RwLock<State>) -> std::sync::RwLockReadGuard<'_, State> {
    s.read().unwrap_or_else(|p| p.into_inner())
}

// ---------------------------------------------------------------------------
// Watching and rebuilding

/// How long the writer must pause before the search index is rebuilt.
const SEARCH_PAUSE: Duration = Duration::from_millis(200);

fn rebuild_loop(
    mut session: Session,
    mut watcher: Watcher,
    rx: Receiver<Msg>,
    shared: &Shared,
    root: &Path,
    quiet: bool,
) {
    let mut last_ping = Instant::now();
    // A message that arrived while deciding whether to rebuild the search index.
    let mut pending: Option<Msg> = None;
    loop {
        let wait = PING_EVERY.saturating_sub(last_ping.elapsed());
        let received = match pending.take() {
            Some(m) => Ok(m),
            None => rx.recv_timeout(wait),
        };
        let first = match received {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => {
                broadcast(shared, b": ping\n\n");
                last_ping = Instant::now();
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        // Take whatever else is already queued: one rebuild for a burst.
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        let mut changed = BTreeSet::new();
        let mut everything = false;
        let mut stop = false;
        for msg in batch {
            match msg {
                Msg::Stop => stop = true,
                Msg::Events(Err(errors)) => {
                    if !quiet {
                        for e in errors {
                            eprintln!("监视文件时出错：{e}");
                        }
                    }
                    everything = true;
                }
                Msg::Events(Ok(events)) => {
                    for event in events {
                        if event.need_rescan() {
                            everything = true;
                        }
                        if !relevant_kind(&event.kind) {
                            continue;
                        }
                        for path in &event.paths {
                            if !is_watched_source(root, path) {
                                continue;
                            }
                            if path.is_dir() {
                                // A folder created or moved in: watch it if it
                                // is a top-level one, and name the files in it
                                // (their own events may have come too early).
                                if path.parent() == Some(root) {
                                    let _ =
                                        watch(&mut watcher, root, path, RecursiveMode::Recursive);
                                }
                                if matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_))
                                {
                                    changed.extend(files_below(root, path));
                                }
                            }
                            changed.insert(path.clone());
                        }
                    }
                }
            }
        }
        if stop || shared.stop.load(Ordering::SeqCst) {
            break;
        }
        if changed.is_empty() && !everything {
            continue;
        }
        let sources: Vec<PathBuf> =
            if everything { Vec::new() } else { changed.into_iter().collect() };
        let t = Instant::now();
        let r = rebuild(&mut session, &sources);
        apply(&session, shared, r, t.elapsed(), &sources, root, quiet);
        // The search index follows the pages and their reload, once the
        // writer pauses: a save that comes within SEARCH_PAUSE is rebuilt
        // first, and one that comes while the index is being made stops it
        // (it takes half a second at 10,000 cases) and is rebuilt at once.
        match rx.recv_timeout(SEARCH_PAUSE) {
            Ok(m) => pending = Some(m),
            Err(_) => pending = publish_search_unless_saved(&mut session, shared, &rx),
        }
    }
    watcher.stop_nonblocking();
}

/// Brings the served search index up to date after the pages (no reload:
/// the search page fetches the index when it runs a query), on a thread of
/// its own while this one listens: a message that arrives meanwhile stops
/// it and is returned.
fn publish_search_unless_saved(
    session: &mut Session,
    shared: &Shared,
    rx: &Receiver<Msg>,
) -> Option<Msg> {
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| publish_search(session, shared, &stop));
        loop {
            match rx.recv_timeout(Duration::from_millis(5)) {
                Ok(m) => {
                    stop.store(true, Ordering::Relaxed);
                    let _ = worker.join();
                    return Some(m);
                }
                Err(RecvTimeoutError::Timeout) if !worker.is_finished() => continue,
                Err(_) => {
                    let _ = worker.join();
                    return None;
                }
            }
        }
    })
}

fn publish_search(session: &mut Session, shared: &Shared, stop: &std::sync::atomic::AtomicBool) {
    let run = std::panic::AssertUnwindSafe(|| session.rebuild_search_unless(stop));
    let Ok(Some(r)) = std::panic::catch_unwind(run) else { return };
    let mut state = shared.state.write().unwrap_or_else(|p| p.into_inner());
    for path in &r.changed {
        match session.output.get(path) {
            Some(bytes) => state.files.insert(path.clone(), bytes),
            None => state.files.remove(path),
        };
    }
}

/// Rebuilds; a panic in the pipeline becomes an error shown like any
/// other, so the server keeps running.
fn rebuild(session: &mut Session, sources: &[PathBuf]) -> Rebuild {
    let run = std::panic::AssertUnwindSafe(|| session.rebuild(sources));
    std::panic::catch_unwind(run).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let mut diagnostics = crate::diagnostics::Diagnostics::new();
        diagnostics.push(
            Diagnostic::error("site.yaml", 0, 0, format!("yishi 内部错误（{what}）"))
                .hint("这是 yishi 的缺陷，请把终端里的信息报告给维护者；保存文件后会重试"),
        );
        Rebuild { report: None, diagnostics, changed: Vec::new() }
    })
}

/// Whether an event kind can change the site (opening or reading a file cannot).
fn relevant_kind(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Whether a changed path is a source of the site: site.yaml, or below
/// content/, static/, templates/ or themes/ — and not an editor's temporary
/// file, a `.git` folder or a build's staging folder.
pub fn is_watched_source(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else { return false };
    let top = first.as_ref();
    if top == "site.yaml" {
        return rel.components().count() == 1;
    }
    if !WATCHED_DIRS.contains(&top) {
        return false;
    }
    for part in rel.components().map(|c| c.as_os_str().to_string_lossy()) {
        if part == ".git" || part.contains(".yishi-staging-") || part.contains(".yishi-old-") {
            return false;
        }
    }
    let name = rel.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    !is_editor_temp(&name)
}

/// Swap files, backups and probes that editors write beside the real file.
fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name == ".DS_Store"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// Every file below `dir` that is a watched source.
fn files_below(root: &Path, dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && is_watched_source(root, e.path()))
        .map(|e| e.into_path())
        .collect()
}

/// Publishes a rebuild: updates the served files, prints the summary and
/// the diagnostics, and tells open tabs to reload.
fn apply(
    session: &Session,
    shared: &Shared,
    r: Rebuild,
    took: Duration,
    sources: &[PathBuf],
    root: &Path,
    quiet: bool,
) {
    let Rebuild { report, diagnostics, changed } = r;
    let (errors, warnings) = diagnostics.counts();
    let diags = diagnostics.sorted();
    let ok = report.is_some();
    let generation = {
        let mut state = shared.state.write().unwrap_or_else(|p| p.into_inner());
        let was_failed = state.failure.is_some();
        if ok {
            for path in &changed {
                match session.output.get(path) {
                    Some(bytes) => state.files.insert(path.clone(), bytes),
                    None => state.files.remove(path),
                };
            }
            state.failure = None;
        } else {
            state.failure = Some(Arc::from(error_page(&diags)));
        }
        let reload = !ok || was_failed || !changed.is_empty();
        if reload {
            state.generation += 1;
        }
        reload.then_some(state.generation)
    };
    if !quiet {
        print_summary(
            &diags,
            report.as_ref(),
            (errors, warnings),
            changed.len(),
            took,
            sources,
            root,
        );
    }
    if let Some(n) = generation {
        broadcast(shared, format!("event: reload\ndata: {n}\n\n").as_bytes());
    }
}

fn print_summary(
    diags: &[Diagnostic],
    report: Option<&crate::Report>,
    (errors, warnings): (usize, usize),
    changed: usize,
    took: Duration,
    sources: &[PathBuf],
    root: &Path,
) {
    for d in diags {
        eprint!("{}", d.render());
    }
    let now = jiff::ZonedDateTime::now().time();
    let clock = format!("{:02}:{:02}:{:02}", now.hour(), now.minute(), now.second());
    let ms = took.as_secs_f64() * 1000.0;
    let what = match sources {
        [] => String::new(),
        [one] => format!("（{}）", display_rel(root, one)),
        [one, rest @ ..] => format!("（{} 等 {} 个文件）", display_rel(root, one), rest.len() + 1),
    };
    let notes = if warnings > 0 { format!("，{warnings} 个警告") } else { String::new() };
    match report {
        Some(r) => println!(
            "[{clock}] 已生成{what}：{} 个案例、{} 个页面，{changed} 个文件有变化，用时 {ms:.0} ms{notes}",
            r.cases, r.pages
        ),
        None => eprintln!(
            "[{clock}] 生成失败{what}：{errors} 个错误{notes}，用时 {ms:.0} ms。浏览器显示错误页，改正并保存后自动恢复。"
        ),
    }
}

fn display_rel(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Sends `message` to every live-reload stream; drops the dead ones.
fn broadcast(shared: &Shared, message: &[u8]) {
    lock(&shared.clients).retain_mut(|s| s.write_all(message).and_then(|()| s.flush()).is_ok());
}

// ---------------------------------------------------------------------------
// HTTP

fn accept_loop(listener: TcpListener, shared: &Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        let shared = Arc::clone(shared);
        let _ = thread::Builder::new().name("yishi-conn".into()).spawn(move || {
            let _ = handle(stream, &shared);
        });
    }
}

/// A parsed request head.
struct Request {
    method: String,
    target: String,
}

fn read_request(stream: &mut TcpStream) -> io::Result<Option<Request>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && !buf.windows(2).any(|w| w == b"\n\n") {
        if buf.len() > 16 * 1024 {
            return Ok(None);
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let line = head.lines().next().unwrap_or("");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(None);
    };
    if !version.starts_with("HTTP/1.") || parts.next().is_some() {
        return Ok(None);
    }
    Ok(Some(Request { method: method.to_string(), target: target.to_string() }))
}

fn handle(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let Some(req) = read_request(&mut stream)? else {
        return respond(&mut stream, 400, &[], b"Bad Request", false);
    };
    let head_only = req.method == "HEAD";
    if req.method != "GET" && !head_only {
        return respond(
            &mut stream,
            405,
            &[("Allow", "GET, HEAD".into())],
            "只支持 GET 和 HEAD 请求".as_bytes(),
            false,
        );
    }
    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (req.target.as_str(), None),
    };
    let path = path.split('#').next().unwrap_or("");
    if path == EVENTS_PATH {
        return events(stream, shared, query, head_only);
    }
    let state = read(&shared.state);
    let found = resolve_request_path(path).and_then(|key| {
        if state.files.contains_key(&key) {
            Some(Ok(key))
        } else if !key.ends_with("index.html")
            && state.files.contains_key(&format!("{key}/index.html"))
        {
            let q = query.map(|q| format!("?{q}")).unwrap_or_default();
            Some(Err(format!("{path}/{q}")))
        } else {
            None
        }
    });
    let generation = state.generation;
    match found {
        Some(Err(location)) => {
            drop(state);
            respond(&mut stream, 301, &[("Location", location)], b"", head_only)
        }
        Some(Ok(key)) if !key.ends_with(".html") || state.failure.is_none() => {
            let bytes = Arc::clone(&state.files[&key]);
            drop(state);
            let ctype = content_type(&key);
            if key.ends_with(".html") {
                let body = inject_reload(&bytes, generation);
                respond(&mut stream, 200, &[("Content-Type", ctype.into())], &body, head_only)
            } else {
                respond(&mut stream, 200, &[("Content-Type", ctype.into())], &bytes, head_only)
            }
        }
        _ => {
            // Not found, or an HTML page while the last build failed.
            let (status, page): (u16, Vec<u8>) = match (&state.failure, state.files.get("404.html"))
            {
                (Some(err), _) => (500, err.as_bytes().to_vec()),
                (None, Some(nf)) => (404, nf.to_vec()),
                (None, None) => (404, not_found_page().into_bytes()),
            };
            drop(state);
            let body = inject_reload(&page, generation);
            respond(
                &mut stream,
                status,
                &[("Content-Type", content_type("x.html").into())],
                &body,
                head_only,
            )
        }
    }
}

/// Opens a live-reload stream: registered with the others, or told to
/// reload at once when the page it came from is already out of date.
fn events(
    mut stream: TcpStream,
    shared: &Shared,
    query: Option<&str>,
    head_only: bool,
) -> io::Result<()> {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n";
    stream.write_all(head.as_bytes())?;
    if head_only {
        return Ok(());
    }
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    let since = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse::<u64>().ok());
    // Registered before the first bytes go out: a client that has read
    // them will get every later reload.
    let mut clients = lock(&shared.clients);
    let generation = read(&shared.state).generation;
    let mut hello = String::from("retry: 1000\n\n");
    if since.is_some_and(|s| s != generation) {
        hello.push_str(&format!("event: reload\ndata: {generation}\n\n"));
    }
    stream.write_all(hello.as_bytes())?;
    stream.flush()?;
    clients.push(stream);
    Ok(())
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if !headers.iter().any(|(k, _)| *k == "Content-Type") && !body.is_empty() {
        out.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    // One write: head and body leave together, without waiting on Nagle.
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(body);
    }
    stream.write_all(&bytes)?;
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    // Let the client read the response before the socket closes, so it is
    // not cut off by a reset when request bytes are still unread.
    let mut sink = [0u8; 512];
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    for _ in 0..64 {
        if !matches!(stream.read(&mut sink), Ok(n) if n > 0) {
            break;
        }
    }
    Ok(())
}

/// Maps a request path to the key of an output file: `/` → `index.html`,
/// `/x/` → `x/index.html`, `/x` → `x`. The query and fragment are dropped
/// and `%XX` escapes decoded. `None` for anything that is not a plain path
/// inside the site: `..` or `.` segments (encoded or not), empty segments
/// (`//etc/passwd`), backslashes, NUL and other control characters.
pub fn resolve_request_path(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix('/')?;
    let decoded = percent_decode(rest)?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    let (dirs, file) = match decoded.rsplit_once('/') {
        Some((d, f)) => (Some(d), f),
        None => (None, decoded.as_str()),
    };
    if dirs.is_some_and(|d| d.split('/').any(|s| s.is_empty() || s == "." || s == "..")) {
        return None;
    }
    if file == "." || file == ".." {
        return None;
    }
    Some(if file.is_empty() { format!("{decoded}index.html") } else { decoded })
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` of an output file, by its extension.
pub fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    if name == "feed.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "vtt" => "text/vtt; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The live-reload script for a page built as rebuild `generation`: the
/// server answers at once with a reload when the site changed meanwhile.
pub fn reload_script(generation: u64) -> String {
    format!(
        "<script>new EventSource('{EVENTS_PATH}?since={generation}').addEventListener('reload', () => location.reload())</script>"
    )
}

/// Inserts the live-reload script before the last `</body>` (or at the end).
pub fn inject_reload(html: &[u8], generation: u64) -> Vec<u8> {
    let script = reload_script(generation);
    let at =
        html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The page shown in the browser while the last build failed: every
/// diagnostic with its place, in Chinese. Self-contained (no site CSS).
pub fn error_page(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
    let mut items = String::new();
    for d in diags {
        let class = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        items.push_str(&format!(
            "<li class=\"{class}\"><p><code>{}:{}:{}</code> <strong>{}</strong>：{}</p>",
            xml_escape(&d.path),
            d.line,
            d.column,
            d.severity.label(),
            xml_escape(&d.message)
        ));
        if let Some(src) = d.source_line.as_deref().filter(|s| !s.trim().is_empty()) {
            items.push_str(&format!("<pre>{:>4} | {}</pre>", d.line, xml_escape(src)));
        }
        if let Some(hint) = &d.hint {
            items.push_str(&format!("<p class=\"hint\">提示：{}</p>", xml_escape(hint)));
        }
        items.push_str("</li>\n");
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>生成失败 - yishi 预览</title>
<style>
body {{ font: 18px/1.6 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem; color: #1a1a1a; background: #fff; }}
h1 {{ color: #a40000; font-size: 1.6rem; }}
ol {{ padding-left: 1.5rem; }}
li {{ margin: 1rem 0; padding: .5rem 1rem; border-left: 6px solid #a40000; background: #fdf1f1; }}
li.warning {{ border-left-color: #7a5300; background: #fdf8ec; }}
code, pre {{ font: 16px/1.5 ui-monospace, monospace; }}
pre {{ overflow-x: auto; margin: .25rem 0; }}
.hint {{ color: #333; }}
</style>
</head>
<body>
<main>
<h1>网站生成失败：{errors} 个错误</h1>
<p>请按下面的提示改正文件并保存，这个页面会自动刷新。预览服务器仍在运行，图片、样式等文件仍是上次成功生成的版本。</p>
<ol>
{items}</ol>
</main>
</body>
</html>
"#
    )
}

fn not_found_page() -> String {
    "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>页面不存在</title></head><body><h1>页面不存在</h1><p><a href=\"/\">返回首页</a></p></body></html>\n".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_request_paths_to_output_keys() {
        assert_eq!(resolve_request_path("/").as_deref(), Some("index.html"));
        assert_eq!(resolve_request_path("/cases/").as_deref(), Some("cases/index.html"));
        assert_eq!(resolve_request_path("/cases").as_deref(), Some("cases"));
        assert_eq!(resolve_request_path("/style.css?v=2").as_deref(), Some("style.css"));
        assert_eq!(resolve_request_path("/search/?q=养老#x").as_deref(), Some("search/index.html"));
        assert_eq!(
            resolve_request_path("/topics/%E5%85%BB%E8%80%81/").as_deref(),
            Some("topics/养老/index.html")
        );
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        for bad in [
            "/../site.yaml",
            "/%2e%2e/site.yaml",
            "/%2E%2E/site.yaml",
            "/cases/..%2f..%2fsite.yaml",
            "/cases/%2e%2e%2f%2e%2e%2fsite.yaml",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/cases/../../etc/passwd",
            "/cases/..",
            "/./index.html",
            "/a\\..\\site.yaml",
            "/a%5c..%5csite.yaml",
            "/index.html%00.css",
            "/%zz",
            "/%e5",
            "site.yaml",
            "http://example.com/",
            "",
        ] {
            assert_eq!(resolve_request_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn knows_content_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("feed.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("streets/a/feed.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("site.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("a/cover.JPG"), "image/jpeg");
        assert_eq!(content_type("api/cases.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn injects_reload_script_before_body_end() {
        let out = inject_reload(b"<html><body><p>x</p></body></html>", 3);
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("<p>x</p><script>new EventSource('/__yishi/events?since=3')"));
        assert!(out.ends_with("</script></body></html>"));
        assert!(String::from_utf8(inject_reload(b"<p>", 1)).unwrap().starts_with("<p><script>"));
    }

    #[test]
    fn error_page_lists_escaped_diagnostics_in_chinese() {
        let d = Diagnostic::error("content/cases/a.md", 3, 9, "未知的街道“<b>”")
            .hint("您是否指 夫子庙街道？")
            .source("street: <b>");
        let page =
            error_page(&[d, Diagnostic::warning("content/cases/b.md", 1, 1, "日期在今天之后")]);
        assert!(page.contains("lang=\"zh-CN\""));
        assert!(page.contains("content/cases/a.md:3:9"));
        assert!(page.contains("错误"));
        assert!(page.contains("警告"));
        assert!(page.contains("未知的街道“&lt;b&gt;”"));
        assert!(page.contains("您是否指 夫子庙街道？"));
        assert!(!page.contains("<b>"));
    }

    #[test]
    fn ignores_editor_files_and_unwatched_folders() {
        let root = Path::new("/site");
        assert!(is_watched_source(root, Path::new("/site/site.yaml")));
        assert!(is_watched_source(root, Path::new("/site/content/cases/a.md")));
        assert!(is_watched_source(root, Path::new("/site/themes/default/templates/base.html")));
        assert!(is_watched_source(root, Path::new("/site/static/logo.png")));
        assert!(!is_watched_source(root, Path::new("/site/public/index.html")));
        assert!(!is_watched_source(root, Path::new("/site/.git/index")));
        assert!(!is_watched_source(root, Path::new("/site/content/.git/HEAD")));
        assert!(!is_watched_source(root, Path::new("/site/content/cases/.a.md.swp")));
        assert!(!is_watched_source(root, Path::new("/site/content/cases/a.md~")));
        assert!(!is_watched_source(root, Path::new("/site/content/cases/.#a.md")));
        assert!(!is_watched_source(root, Path::new("/site/content/cases/4913")));
        assert!(!is_watched_source(root, Path::new("/site/.public.yishi-staging-1/x")));
        assert!(!is_watched_source(root, Path::new("/site/README.md")));
        assert!(!is_watched_source(root, Path::new("/elsewhere/site.yaml")));
    }
}
