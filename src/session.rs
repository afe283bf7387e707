//! A long-lived build for `yishi serve`: rebuilds after changes through the
//! same pipeline as `build` (same loader, same renderer, same artefacts),
//! but keeps parsed and rendered cases between rebuilds and re-renders only
//! the pages whose fingerprint changed.
//!
//! Soundness rests on two rules: the load cache is keyed by each file's
//! size and time (and site.yaml), and a page's fingerprint hashes every
//! input the page shows plus the templates and settings. A test compares
//! the served files after edits with a fresh `build`.

use crate::diagnostics::Diagnostics;
use crate::hashing::{FastMap, FastSet, fingerprint};
use crate::load::{self, LoadCache};
use crate::output::Sink;
use crate::render::{self, Renderer, StaticSource};
use crate::{Options, Report};
use rayon::prelude::*;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A copied file's size and time when read, and its bytes.
type CopiedFile = (Option<std::time::SystemTime>, u64, Arc<[u8]>);

/// Output files kept in memory, as the preview server serves them.
#[derive(Default)]
pub struct MemoryOutput {
    files: Mutex<FastMap<String, Arc<[u8]>>>,
}

impl MemoryOutput {
    /// The bytes of an output path (`cases/a/index.html`), shared, not copied.
    pub fn get(&self, rel: &str) -> Option<Arc<[u8]>> {
        self.files.lock().ok()?.get(rel).cloned()
    }

    /// Every output path, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut v: Vec<String> =
            self.files.lock().map(|f| f.keys().cloned().collect()).unwrap_or_default();
        v.sort();
        v
    }
}

/// Collects one rebuild's files before they replace the served ones.
#[derive(Default)]
struct Collect {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Sink for Collect {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.files
            .lock()
            .map_err(|_| io::Error::other("lock"))?
            .push((rel.to_string(), bytes.to_vec()));
        Ok(())
    }
    fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        let bytes = std::fs::read(source)?;
        self.write(rel, &bytes)
    }
}

/// The outcome of one rebuild.
pub struct Rebuild {
    pub report: Option<Report>,
    pub diagnostics: Diagnostics,
    /// Output paths added, changed or removed (empty when the build failed).
    pub changed: Vec<String>,
}

/// A site being previewed.
pub struct Session {
    pub opts: Options,
    pub output: MemoryOutput,
    cache: LoadCache,
    /// Output path → fingerprint of the last rendering of that page.
    fingerprints: FastMap<String, u64>,
    /// Templates as last parsed, with the hash of their sources.
    templates: Option<(u64, tera::Tera)>,
    /// The site of the last good rebuild (its cases go back to the cache
    /// at the start of the next one).
    site: Option<crate::model::Site>,
    /// Fingerprints of the feeds/open data and of the search index as served.
    data_fingerprint: Option<u64>,
    search_fingerprint: Option<u64>,
    /// Search index fingerprint waiting for [`Session::rebuild_search`].
    search_pending: Option<u64>,
    /// Copied files (static, assets) by source: size and time, bytes.
    copies: FastMap<PathBuf, CopiedFile>,
}

/// Hash of every file below `dirs` (path, size, time): templates and static.
fn tree_stamp(dirs: &[PathBuf]) -> u64 {
    let mut h = crate::hashing::hasher();
    for dir in dirs {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
            if let Ok(m) = entry.metadata() {
                (entry.path(), m.len(), m.modified().ok()).hash(&mut h);
            }
        }
    }
    h.finish()
}

impl Session {
    pub fn new(opts: Options) -> Session {
        Session {
            opts,
            output: MemoryOutput::default(),
            cache: LoadCache::for_serve(),
            fingerprints: FastMap::default(),
            templates: None,
            site: None,
            data_fingerprint: None,
            search_fingerprint: None,
            search_pending: None,
            copies: FastMap::default(),
        }
    }

    /// Reads a file to copy, from the cache when its size and time are unchanged.
    fn copy_bytes(&mut self, source: &Path) -> Option<Arc<[u8]>> {
        let meta = std::fs::metadata(source).ok()?;
        let key = (meta.modified().ok(), meta.len());
        if let Some((_, _, bytes)) = self.copies.get(source).filter(|(m, l, _)| (*m, *l) == key) {
            return Some(bytes.clone());
        }
        let bytes: Arc<[u8]> = Arc::from(std::fs::read(source).ok()?);
        self.copies.insert(source.to_path_buf(), (key.0, key.1, bytes.clone()));
        Some(bytes)
    }

    /// Writes the search index if the last rebuild left it stale; returns the
    /// changed paths, or `None` when there was nothing to do. `serve` calls
    /// it after the pages of a rebuild are served and tabs reloaded.
    pub fn rebuild_search(&mut self) -> Option<Rebuild> {
        self.rebuild_search_unless(&std::sync::atomic::AtomicBool::new(false))
    }

    /// [`Session::rebuild_search`], given up as soon as `stop` is set (the
    /// writer saved again: the index would be stale before it is served).
    /// The index stays pending then.
    pub fn rebuild_search_unless(
        &mut self,
        stop: &std::sync::atomic::AtomicBool,
    ) -> Option<Rebuild> {
        let fp = self.search_pending?;
        let site = self.site.as_ref()?;
        let t = Instant::now();
        let files = crate::search::build_unless(site, stop)?;
        self.search_pending = None;
        let mut served = self.output.files.lock().unwrap_or_else(|p| p.into_inner());
        let mut changed = Vec::new();
        let prefix_live: FastSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        let stale: Vec<String> = served
            .keys()
            .filter(|k| {
                k.starts_with("search/")
                    && !k.ends_with(".html")
                    && !prefix_live.contains(k.as_str())
            })
            .cloned()
            .collect();
        for (path, bytes) in files {
            put(&mut served, &mut changed, path, bytes);
        }
        for p in stale {
            served.remove(&p);
            changed.push(p);
        }
        changed.sort();
        self.search_fingerprint = Some(fp);
        let report = Report {
            stages: vec![("search", t.elapsed())],
            files: served.len(),
            ..Report::default()
        };
        Some(Rebuild { report: Some(report), diagnostics: Diagnostics::new(), changed })
    }

    /// Rebuilds after `changed_sources` (a hint; every file's size and time
    /// is checked anyway). On errors the served files stay as they were.
    /// The search index is left to [`Session::rebuild_search`].
    pub fn rebuild(&mut self, changed_sources: &[PathBuf]) -> Rebuild {
        let t = Instant::now();
        if let Some(previous) = self.site.take() {
            self.cache.restore(previous);
        }
        let root = self.opts.root.clone();
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.clone());
        self.cache.force_reread(changed_sources.iter().filter_map(|p| {
            p.strip_prefix(&canonical_root)
                .or_else(|_| p.strip_prefix(&root))
                .ok()
                .map(Path::to_path_buf)
        }));
        let load_opts = load::LoadOptions {
            drafts: self.opts.drafts,
            base_url: self.opts.base_url.clone(),
            today: self.opts.today,
        };
        let (site, mut diagnostics, mut stages) =
            load::load_cached(&root, &load_opts, &mut self.cache);
        let Some(site) = site else {
            return Rebuild { report: None, diagnostics, changed: Vec::new() };
        };
        stages.push(("load", t.elapsed()));
        let t = Instant::now();

        // Static files and case assets, from the copy cache.
        let mut copies: Vec<(String, Arc<[u8]>)> = Vec::new();
        for (path, source) in render::static_files(&root, &site.config) {
            let bytes = match source {
                StaticSource::File(p) => self.copy_bytes(&p),
                StaticSource::Embedded(b) => Some(Arc::from(b)),
            };
            copies.extend(bytes.map(|b| (path, b)));
        }
        for c in &site.cases {
            for a in &c.assets {
                if let Some(b) = self.copy_bytes(&a.source) {
                    copies.push((format!("{}{}", crate::model::routes::case(&c.slug), a.name), b));
                }
            }
        }

        // Templates: re-parsed only when a template file changed.
        let theme_dir = root.join("themes").join(&site.config.theme);
        let template_dirs = [theme_dir.join("templates"), root.join("templates")];
        let template_stamp = fingerprint((tree_stamp(&template_dirs), &site.config.theme));
        if self.templates.as_ref().is_none_or(|(h, _)| *h != template_stamp) {
            match render::load_templates(&root, &site.config, &mut diagnostics) {
                Some(t) => self.templates = Some((template_stamp, t)),
                None => {
                    self.templates = None;
                    self.cache.restore(site);
                    return Rebuild { report: None, diagnostics, changed: Vec::new() };
                }
            }
        }
        let Some((_, tera)) = &self.templates else { unreachable!("templates were just loaded") };
        let site_yaml = std::fs::read(root.join("site.yaml")).unwrap_or_default();
        let current_year = self.opts.today.unwrap_or_else(crate::dates::today).year();
        let global = fingerprint((
            template_stamp,
            &site_yaml,
            &self.opts.base_url,
            self.opts.drafts,
            current_year,
        ));

        let renderer = Renderer::new(&site, tera, true, current_year);
        let jobs = renderer.jobs();
        let planned: Vec<(String, u64)> = jobs
            .par_iter()
            .map(|j| (renderer.path(j), fingerprint((global, renderer.fingerprint(j)))))
            .collect();
        let to_render: Vec<usize> = (0..jobs.len())
            .filter(|&i| self.fingerprints.get(&planned[i].0) != Some(&planned[i].1))
            .collect();
        let results: Vec<Result<(usize, Vec<u8>), crate::diagnostics::Diagnostic>> = to_render
            .par_iter()
            .map(|&i| {
                renderer
                    .render(&jobs[i])
                    .map(|html| (i, html))
                    .map_err(|e| render::render_error(&e, &root, &site.config, &planned[i].0))
            })
            .collect();
        let mut rendered = Vec::with_capacity(results.len());
        let mut seen = std::collections::HashSet::new();
        for r in results {
            match r {
                Ok(x) => rendered.push(x),
                Err(d) => {
                    if seen.insert((d.path.clone(), d.line, d.column)) {
                        diagnostics.push(d);
                    }
                }
            }
        }
        if diagnostics.has_errors() {
            drop(renderer);
            self.cache.restore(site);
            return Rebuild { report: None, diagnostics, changed: Vec::new() };
        }
        stages.push(("render", t.elapsed()));
        let t = Instant::now();

        // Feeds and open data when what they show changed; the search index
        // later; static files and case assets from the copy cache.
        let data_raw = renderer.data_fingerprint();
        let data_fp = fingerprint((global, data_raw));
        let search_fp = fingerprint((global, renderer.search_fingerprint(data_raw)));
        let extra = Collect::default();
        let data_changed = self.data_fingerprint != Some(data_fp);
        if data_changed {
            for (path, bytes) in render::data_artefacts(&site, &renderer, &jobs) {
                let _ = extra.write(&path, &bytes);
            }
        }
        self.search_pending = (self.search_fingerprint != Some(search_fp)).then_some(search_fp);
        let report =
            Report { cases: site.cases.len(), pages: jobs.len(), files: 0, stages: Vec::new() };
        drop(renderer);

        let mut served = self.output.files.lock().unwrap_or_else(|p| p.into_inner());
        let mut changed = Vec::new();
        let extra = extra.files.into_inner().unwrap_or_default();
        let kept: Vec<String> = extra
            .iter()
            .map(|(p, _)| p.clone())
            .chain(copies.iter().map(|(p, _)| p.clone()))
            .collect();
        let mut live: FastSet<&str> = planned.iter().map(|(p, _)| p.as_str()).collect();
        live.extend(kept.iter().map(String::as_str));
        for (i, html) in rendered {
            let (path, fp) = &planned[i];
            self.fingerprints.insert(path.clone(), *fp);
            put(&mut served, &mut changed, path.clone(), html);
        }
        for (path, bytes) in extra {
            put(&mut served, &mut changed, path, bytes);
        }
        for (path, bytes) in copies {
            put(&mut served, &mut changed, path, bytes);
        }
        // What this rebuild did not produce is gone, except the artefacts
        // that were kept because their inputs did not change.
        let gone: Vec<String> = served
            .keys()
            .filter(|k| !live.contains(k.as_str()))
            .filter(|k| data_changed || !is_data_artefact(k))
            .filter(|k| !is_search_artefact(k))
            .cloned()
            .collect();
        for path in gone {
            served.remove(&path);
            self.fingerprints.remove(&path);
            changed.push(path);
        }
        changed.sort();
        changed.dedup();
        let files = served.len();
        drop(served);
        if data_changed {
            self.data_fingerprint = Some(data_fp);
        }
        stages.push(("artefacts", t.elapsed()));
        self.site = Some(site);
        Rebuild { report: Some(Report { files, stages, ..report }), diagnostics, changed }
    }
}

/// Serves `bytes` at `path` and notes the path as changed, unless the same
/// bytes are already served there.
fn put<B: AsRef<[u8]> + Into<Arc<[u8]>>>(
    served: &mut FastMap<String, Arc<[u8]>>,
    changed: &mut Vec<String>,
    path: String,
    bytes: B,
) {
    if served.get(&path).map(|b| &b[..]) != Some(bytes.as_ref()) {
        served.insert(path.clone(), bytes.into());
        changed.push(path);
    }
}

/// Feeds, open data, sitemap and robots.txt (see `render::data_artefacts`).
fn is_data_artefact(path: &str) -> bool {
    path.ends_with("feed.xml")
        || path.starts_with("api/")
        || path == "sitemap.xml"
        || path == "robots.txt"
}

/// The search index files (everything under `search/` but its page).
fn is_search_artefact(path: &str) -> bool {
    path.starts_with("search/") && path != "search/index.html"
}
