//! yishi (议事): a static site generator for CPPCC "有事好商量" consultation
//! case studies. The pipeline, in the order data flows:
//!
//! `config` (site.yaml) → `load` (content/: `text`, `front_matter`, `dates`,
//! `slug`, `markdown`, `privacy`) → `model::Site` → `render` (Tera pages,
//! `feeds`, `search`, `stats`, `qr`) → `output` (staging folder, then swap).

pub mod config;
pub mod dates;
pub mod diagnostics;
pub mod feeds;
pub mod fix;
pub mod front_matter;
pub mod hashing;
pub mod load;
pub mod markdown;
pub mod model;
pub mod new;
pub mod output;
pub mod privacy;
pub mod qr;
pub mod render;
pub mod search;
pub mod serve;
pub mod session;
pub mod slug;
pub mod stats;
pub mod text;
pub mod theme;

use diagnostics::{Diagnostic, Diagnostics};
use model::Site;
use output::Sink;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `build` and `check` work on.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site folder (holds site.yaml).
    pub root: PathBuf,
    /// Publish drafts too.
    pub drafts: bool,
    /// Overrides site.yaml's base_url.
    pub base_url: Option<String>,
    /// "Today" for future-date warnings and the stats page; `None` = real today.
    pub today: Option<jiff::civil::Date>,
}

impl Options {
    fn load_options(&self) -> load::LoadOptions {
        load::LoadOptions {
            drafts: self.drafts,
            base_url: self.base_url.clone(),
            today: self.today,
        }
    }

    fn current_year(&self) -> i16 {
        self.today.unwrap_or_else(dates::today).year()
    }
}

/// What a successful build did, for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub cases: usize,
    pub pages: usize,
    pub files: usize,
    /// Time per stage: load, render, write.
    pub stages: Vec<(&'static str, Duration)>,
}

/// Validates everything `build` would, rendering every page, writing nothing.
pub fn check(opts: &Options) -> (Option<Report>, Diagnostics) {
    struct Discard;
    impl Sink for Discard {
        fn write(&self, _: &str, _: &[u8]) -> std::io::Result<()> {
            Ok(())
        }
        fn copy(&self, _: &str, source: &Path) -> std::io::Result<()> {
            std::fs::metadata(source).map(|_| ())
        }
    }
    run(opts, &Discard, false)
}

/// Builds the site into `output` atomically: on any error the previous
/// output stays as it was.
pub fn build(opts: &Options, output: &Path) -> (Option<Report>, Diagnostics) {
    let staging = match output::Staging::new(output) {
        Ok(s) => s,
        Err(e) => {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::error(
                &output.display().to_string(),
                0,
                0,
                format!("无法创建输出文件夹（{e}）"),
            ));
            return (None, d);
        }
    };
    let (report, mut diags) = run(opts, &staging, false);
    let Some(mut report) = report else { return (None, diags) };
    let t = Instant::now();
    if let Err(e) = staging.commit() {
        diags.push(Diagnostic::error(
            &output.display().to_string(),
            0,
            0,
            format!("无法替换输出文件夹（{e}），原有内容未改动"),
        ));
        return (None, diags);
    }
    report.stages.push(("swap", t.elapsed()));
    (Some(report), diags)
}

/// Loads, renders and writes to `sink`. `serve_mode` marks pages for the preview server.
pub fn run(opts: &Options, sink: &dyn Sink, serve_mode: bool) -> (Option<Report>, Diagnostics) {
    let mut cache = load::LoadCache::default();
    let (site, mut diags, stages) = load::load_cached(&opts.root, &opts.load_options(), &mut cache);
    let Some(site) = site else { return (None, diags) };
    let mut report = Report { stages, ..Report::default() };
    let t = Instant::now();
    let Some(tera) = render::load_templates(&opts.root, &site.config, &mut diags) else {
        return (None, diags);
    };
    report.stages.push(("templates", t.elapsed()));
    let (pages, files, stages) =
        write_site(&site, &tera, &opts.root, sink, serve_mode, opts.current_year(), &mut diags);
    report.stages.extend(stages);
    if diags.has_errors() {
        return (None, diags);
    }
    report.cases = site.cases.len();
    report.pages = pages;
    report.files = files;
    (Some(report), diags)
}

/// Renders every page and artefact of `site` into `sink`. Returns (pages, files).
pub fn write_site(
    site: &Site,
    tera: &tera::Tera,
    root: &Path,
    sink: &dyn Sink,
    serve_mode: bool,
    current_year: i16,
    diags: &mut Diagnostics,
) -> (usize, usize, load::Timings) {
    let mut stages = load::Timings::new();
    let renderer = render::Renderer::new(site, tera, serve_mode, current_year);
    let jobs = renderer.jobs();
    // Pages, and beside them the artefacts (the search index goes straight
    // to the sink as it is made; feeds and open data are small): each fills
    // the other's serial stretches.
    let index_files = std::sync::atomic::AtomicUsize::new(0);
    let index_errors = std::sync::Mutex::new(Vec::new());
    let emit = |path: String, bytes: Vec<u8>| {
        index_files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Err(e) = sink.write(&path, &bytes) {
            index_errors.lock().unwrap_or_else(|e| e.into_inner()).push(write_error(&path, &e));
        }
    };
    let never = std::sync::atomic::AtomicBool::new(false);
    let ((errors, pages_time), ((artefacts, _), artefacts_time)) = rayon::join(
        || {
            timed(|| {
                jobs.par_iter()
                    .filter_map(|job| {
                        let path = renderer.path(job);
                        match renderer.render(job) {
                            Ok(html) => {
                                sink.write(&path, &html).err().map(|e| write_error(&path, &e))
                            }
                            Err(e) => Some(render::render_error(&e, root, &site.config, &path)),
                        }
                    })
                    .collect::<Vec<Diagnostic>>()
            })
        },
        || {
            timed(|| {
                rayon::join(
                    || render::data_artefacts(site, &renderer, &jobs),
                    || search::write(site, &emit, &never),
                )
            })
        },
    );
    // One template mistake breaks many pages: report it once.
    let mut seen = std::collections::HashSet::new();
    for e in errors {
        let key = (
            e.path.clone(),
            e.line,
            e.column,
            e.message.split('（').next().unwrap_or("").to_string(),
        );
        if seen.insert(key) {
            diags.push(e);
        }
    }
    let mut index_errors = index_errors.into_inner().unwrap_or_else(|e| e.into_inner());
    index_errors.sort_by(|a, b| a.path.cmp(&b.path));
    for e in index_errors {
        diags.push(e);
    }
    stages.push(("pages", pages_time));
    stages.push(("artefacts", artefacts_time));
    let t = Instant::now();
    let mut files = jobs.len() + artefacts.len() + index_files.into_inner();
    let write_errors: Vec<Diagnostic> = artefacts
        .par_iter()
        .filter_map(|(path, bytes)| sink.write(path, bytes).err().map(|e| write_error(path, &e)))
        .collect();
    for e in write_errors {
        diags.push(e);
    }
    let statics = render::static_files(root, &site.config);
    files += statics.len();
    for (path, source) in &statics {
        let r = match source {
            render::StaticSource::File(p) => sink.copy(path, p),
            render::StaticSource::Embedded(b) => sink.write(path, b),
        };
        if let Err(e) = r {
            diags.push(write_error(path, &e));
        }
    }
    let copies: Vec<(String, &Path)> = site
        .cases
        .iter()
        .flat_map(|c| {
            c.assets.iter().map(move |a| {
                (format!("{}{}", model::routes::case(&c.slug), a.name), a.source.as_path())
            })
        })
        .collect();
    files += copies.len();
    let copy_errors: Vec<Diagnostic> = copies
        .par_iter()
        .filter_map(|(rel, src)| sink.copy(rel, src).err().map(|e| write_error(rel, &e)))
        .collect();
    for e in copy_errors {
        diags.push(e);
    }
    stages.push(("write", t.elapsed()));
    (jobs.len(), files, stages)
}

/// What `f` returns, and how long it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed())
}

fn write_error(path: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(path, 0, 0, format!("写入失败（{e}）"))
        .hint("请检查磁盘空间和文件夹权限；原有的网站内容未改动")
}
