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
use crate::load::{self, LoadCache};
use crate::output::Sink;
use crate::render::{self, Renderer, StaticSource};
use crate::{Options, Report};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// Output files kept in memory, as the preview server serves them.
#[derive(Default)]
pub struct MemoryOutput {
    files: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemoryOutput {
    /// The bytes of an output path (`cases/a/index.html`).
    pub fn get(&self, rel: &str) -> Option<Vec<u8>> {
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
    fingerprints: HashMap<String, u64>,
    /// Templates as last parsed, with the hash of their sources.
    templates: Option<(u64, tera::Tera)>,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Hash of every file below `dirs` (path, size, time): templates and static.
fn tree_stamp(dirs: &[PathBuf]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
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
            cache: LoadCache::default(),
            fingerprints: HashMap::new(),
            templates: None,
        }
    }

    /// Rebuilds after `changed_sources` (a hint; every file's time is checked
    /// anyway). On errors the served files stay as they were.
    pub fn rebuild(&mut self, _changed_sources: &[PathBuf]) -> Rebuild {
        let t = Instant::now();
        let root = self.opts.root.clone();
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

        // Templates: re-parsed only when a template file changed.
        let theme_dir = root.join("themes").join(&site.config.theme);
        let template_dirs = [theme_dir.join("templates"), root.join("templates")];
        let template_stamp = hash_of((tree_stamp(&template_dirs), &site.config.theme));
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
        let global = hash_of((
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
            .map(|j| (renderer.path(j), hash_of((global, renderer.fingerprint(j)))))
            .collect();
        let to_render: Vec<usize> = (0..jobs.len())
            .filter(|&i| self.fingerprints.get(&planned[i].0) != Some(&planned[i].1))
            .collect();
        let results: Vec<Result<(usize, String), crate::diagnostics::Diagnostic>> = to_render
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

        // Artefacts, static files and case assets: produced in full, kept
        // only where the bytes differ.
        let extra = Collect::default();
        for (path, bytes) in render::artefacts(&site, &renderer, &jobs) {
            let _ = extra.write(&path, &bytes);
        }
        for (path, source) in render::static_files(&root, &site.config) {
            let _ = match source {
                StaticSource::File(p) => extra.copy(&path, &p),
                StaticSource::Embedded(b) => extra.write(&path, b),
            };
        }
        for c in &site.cases {
            for a in &c.assets {
                let _ = extra
                    .copy(&format!("{}{}", crate::model::routes::case(&c.slug), a.name), &a.source);
            }
        }
        let report =
            Report { cases: site.cases.len(), pages: jobs.len(), files: 0, stages: Vec::new() };
        drop(renderer);
        self.cache.restore(site);

        let mut served = self.output.files.lock().unwrap_or_else(|p| p.into_inner());
        let mut changed = Vec::new();
        let mut live: std::collections::HashSet<String> =
            planned.iter().map(|(p, _)| p.clone()).collect();
        for (i, html) in rendered {
            let (path, fp) = &planned[i];
            self.fingerprints.insert(path.clone(), *fp);
            if served.get(path).map(Vec::as_slice) != Some(html.as_bytes()) {
                served.insert(path.clone(), html.into_bytes());
                changed.push(path.clone());
            }
        }
        for (path, bytes) in extra.files.into_inner().unwrap_or_default() {
            live.insert(path.clone());
            if served.get(&path) != Some(&bytes) {
                served.insert(path.clone(), bytes);
                changed.push(path);
            }
        }
        let gone: Vec<String> = served.keys().filter(|k| !live.contains(*k)).cloned().collect();
        for path in gone {
            served.remove(&path);
            self.fingerprints.remove(&path);
            changed.push(path);
        }
        changed.sort();
        changed.dedup();
        stages.push(("artefacts", t.elapsed()));
        let files = served.len();
        drop(served);
        Rebuild { report: Some(Report { files, stages, ..report }), diagnostics, changed }
    }
}
