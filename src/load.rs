//! Walks `content/`, decodes and validates every file, renders Markdown,
//! and returns the [`Site`] with every problem found on the way.
//!
//! Reads files; writes nothing. Keeps going after a problem so a run
//! reports all of them.

use crate::config::{self, Config};
use crate::dates::{self, DateError};
use crate::diagnostics::{Diagnostic, Diagnostics, closest};
use crate::front_matter::{self, Document, Entry, scalar_text};
use crate::hashing::FastMap;
use crate::markdown::{self, LinkKind, ProblemKind, Resolved};
use crate::model::{Asset, Case, Followup, Intro, Page, Site, Topic, routes};
use crate::privacy;
use crate::slug::{self, slugify};
use crate::text::{self, DecodeError, Encoding, LineIndex};
use jiff::civil::Date;
use rayon::prelude::*;
use serde_yaml::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub drafts: bool,
    /// Overrides site.yaml's base_url.
    pub base_url: Option<String>,
    /// The date "today" (future dates warn); `None` means the real today.
    pub today: Option<Date>,
}

/// Files bigger than this get a warning (they still build).
const LARGE_FILE: usize = 2 * 1024 * 1024;

pub const CASE_KEYS: &[&str] = &[
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

const PAGE_KEYS: &[&str] = &["title", "slug", "date", "updated", "draft"];

/// Reads and validates site.yaml.
pub fn load_config(root: &Path, base_url: Option<&str>, diags: &mut Diagnostics) -> Option<Config> {
    let path = root.join("site.yaml");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error("site.yaml", 0, 0, format!("无法读取 site.yaml（{e}）"))
                    .hint("请在站点文件夹中运行，或用 --root 指定站点文件夹"),
            );
            return None;
        }
    };
    let text = decode_or_report("site.yaml", &bytes[..], diags)?;
    let mut config = config::parse("site.yaml", &text, diags)?;
    if let Some(url) = base_url {
        config.base_url = if url.ends_with('/') { url.to_string() } else { format!("{url}/") };
    }
    Some(config)
}

fn decode_or_report(
    rel: &str,
    bytes: impl Into<Vec<u8>>,
    diags: &mut Diagnostics,
) -> Option<String> {
    match text::decode_owned(bytes.into()) {
        Ok(d) => {
            if d.encoding == Encoding::Gb18030 {
                diags.push(
                    Diagnostic::warning(rel, 1, 1, "文件是 GBK/GB18030 编码，已自动转换")
                        .hint("请另存为 UTF-8 编码；运行 yishi check --fix 可自动转换"),
                );
            }
            Some(d.text)
        }
        Err(DecodeError::Binary) => {
            diags.push(
                Diagnostic::error(rel, 1, 1, "这不是文本文件（可能是图片或 Word 文档）")
                    .hint("案例要用 Markdown 纯文本（.md）保存；图片等文件请不要以 .md 结尾"),
            );
            None
        }
        Err(DecodeError::Invalid { line, column }) => {
            diags.push(
                Diagnostic::error(rel, line, column, "文件编码无法识别（既不是 UTF-8 也不是 GBK）")
                    .hint("请用编辑器把文件另存为 UTF-8 编码"),
            );
            None
        }
    }
}

/// A case file after its front matter is validated, before Markdown.
#[derive(Debug)]
struct Draft {
    case: Case,
    text: String,
    body_offset: usize,
    dir: PathBuf,
    bundle: bool,
    topic_names: Vec<(String, usize, usize)>,
    /// Where the slug was written (1:1 when it comes from the file name).
    slug_at: (usize, usize),
}

/// Loads the whole site below `root`.
pub fn load(root: &Path, opts: &LoadOptions) -> (Option<Site>, Diagnostics) {
    let mut cache = LoadCache::default();
    let (site, diags, _) = load_cached(root, opts, &mut cache);
    (site, diags)
}

/// What identifies a file's version without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp { modified: m.modified().ok(), len: m.len() })
}

/// How a case's Markdown was rendered: valid while these stay the same.
#[derive(Debug, Clone)]
struct RenderKey {
    /// Unique per rendering: tells the page fingerprints the body changed.
    version: u64,
    slug: String,
    /// Every `.md` link target and the URL it resolved to.
    links: Vec<(String, Option<String>)>,
    diags: Diagnostics,
}

/// One case file as last read: its stamp, parse result and rendering.
#[derive(Debug)]
struct CachedFile {
    stamp: Option<Stamp>,
    draft: Option<Draft>,
    diags: Diagnostics,
    rendered: Option<RenderKey>,
}

/// Parsed and rendered case files kept between rebuilds (`yishi serve`):
/// a file is re-read only when its size or time changes, and re-rendered
/// only when its text, slug or link targets change. A pure function of the
/// files: the same files give the same site as a fresh load.
#[derive(Debug, Default)]
pub struct LoadCache {
    /// Hash of site.yaml's settings and of the load options.
    key: u64,
    /// By path relative to the site folder (a string: hashing a `Path`
    /// walks its components, and a serve rebuild looks up every file).
    files: FastMap<String, Box<CachedFile>>,
    next_version: u64,
    /// Paths (relative to the site folder; a folder covers what is below
    /// it) to re-read on the next load whatever their size and time say.
    force: Vec<PathBuf>,
    /// Keep each file's text after rendering (serve re-renders when a link
    /// target changes); a one-off build frees it to save memory.
    keep_sources: bool,
    /// The case files of the last load (absolute, and relative to the site
    /// folder), sorted, when its walk found nothing
    /// to report: patched from the watcher's list instead of walking again.
    case_list: Option<Vec<(PathBuf, String)>>,
}

impl LoadCache {
    /// A cache for a long-lived preview: keeps sources for re-rendering.
    pub fn for_serve() -> LoadCache {
        LoadCache { keep_sources: true, ..LoadCache::default() }
    }

    /// Marks paths to re-read on the next load: the watcher saw them change,
    /// which a same-size save within one clock tick would hide from `stat`.
    pub fn force_reread(&mut self, rel_paths: impl IntoIterator<Item = PathBuf>) {
        self.force.extend(rel_paths);
    }

    /// Gives the cases of a rendered site back to the cache (they were moved
    /// out to build it without copying).
    pub fn restore(&mut self, site: Site) {
        for case in site.cases {
            if let Some(d) = self.files.get_mut(&case.source).and_then(|f| f.draft.as_mut()) {
                d.case = case;
            }
        }
    }
}

/// Stage timings of a load.
pub type Timings = Vec<(&'static str, std::time::Duration)>;

/// Loads the site, reusing what `cache` holds from the previous load.
pub fn load_cached(
    root: &Path,
    opts: &LoadOptions,
    cache: &mut LoadCache,
) -> (Option<Site>, Diagnostics, Timings) {
    use std::hash::{Hash, Hasher};
    use std::time::Instant;
    let mut timings = Timings::new();
    let t = Instant::now();
    let mut diags = Diagnostics::new();
    let Some(config) = load_config(root, opts.base_url.as_deref(), &mut diags) else {
        return (None, diags, timings);
    };
    let today = opts.today.unwrap_or_else(dates::today);
    let key = {
        let mut h = crate::hashing::hasher();
        std::fs::read(root.join("site.yaml")).unwrap_or_default().hash(&mut h);
        (opts.drafts, &opts.base_url, today.to_string()).hash(&mut h);
        h.finish()
    };
    if cache.key != key {
        cache.files.clear();
        cache.key = key;
    }
    let content = root.join("content");
    let content_canon = content.canonicalize().unwrap_or_else(|_| content.clone());
    if !content.is_dir() {
        diags.push(
            Diagnostic::error("content", 0, 0, "没有找到 content 文件夹")
                .hint("案例放在 content/cases/ 下"),
        );
        return (None, diags, timings);
    }

    let force = std::mem::take(&mut cache.force);
    // When the watcher names exactly which case files changed, patch the
    // last list instead of walking and stat-ing every file (10,000 of them).
    let hinted = !force.is_empty()
        && cache.case_list.is_some()
        && force.iter().all(|f| {
            let abs = root.join(f);
            f.starts_with("content/cases")
                && f.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
                && !abs.is_dir()
                && !abs.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink())
        });
    let mut walk_clean = true;
    let case_files = match cache.case_list.take() {
        Some(mut list) if hinted => {
            for f in &force {
                let abs = root.join(f);
                let hidden = f.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
                match (list.binary_search_by(|(p, _)| p.cmp(&abs)), abs.is_file() && !hidden) {
                    (Ok(i), false) => {
                        list.remove(i);
                    }
                    (Err(i), true) => {
                        let rel = rel_str(root, &abs);
                        list.insert(i, (abs, rel));
                    }
                    _ => {}
                }
            }
            list
        }
        _ => {
            let before = diags.counts();
            let mut list = markdown_files(root, &content.join("cases"), &content_canon, &mut diags);
            list.sort();
            // A walk that reported something (a bad symlink) is repeated
            // every time, so the report never goes missing.
            walk_clean = diags.counts() == before;
            list.into_iter()
                .map(|p| {
                    let rel = rel_str(root, &p);
                    (p, rel)
                })
                .collect()
        }
    };
    cache.case_list = walk_clean.then(|| case_files.clone());
    let mut previous = std::mem::take(&mut cache.files);
    let work: Vec<(PathBuf, String, Option<Box<CachedFile>>)> = case_files
        .into_iter()
        .map(|(p, rel)| {
            let old = previous.remove(&rel);
            (p, rel, old)
        })
        .collect();
    let loaded: Vec<(String, Box<CachedFile>)> = work
        .into_par_iter()
        .map(|(path, rel, old)| {
            let forced = !force.is_empty() && force.iter().any(|f| Path::new(&rel).starts_with(f));
            // Hinted: files the watcher did not name are unchanged.
            let now = match &old {
                Some(old) if hinted && !forced => old.stamp,
                _ => stamp(&path),
            };
            match old {
                Some(old) if !forced && old.stamp.is_some() && old.stamp == now => (rel, old),
                _ => {
                    let mut d = Diagnostics::new();
                    let draft = read_case(root, &path, &config, today, &mut d);
                    (rel, Box::new(CachedFile { stamp: now, draft, diags: d, rendered: None }))
                }
            }
        })
        .collect();
    timings.push(("read+parse", t.elapsed()));
    let t = Instant::now();
    // Published drafts, in file order; skipped drafts are not reported.
    let mut entries: Vec<(String, Box<CachedFile>)> = Vec::with_capacity(loaded.len());
    for (rel, f) in loaded {
        let skipped = f.draft.as_ref().is_some_and(|d| d.case.draft && !opts.drafts);
        if !skipped {
            diags.extend(f.diags.clone());
        }
        entries.push((rel, f));
    }
    let drafts_too = opts.drafts;
    fn published(f: &CachedFile, drafts_too: bool) -> Option<&Draft> {
        f.draft.as_ref().filter(|d| !d.case.draft || drafts_too)
    }

    // Slugs must be unique.
    type Place<'a> = (&'a str, (usize, usize));
    let mut by_slug: BTreeMap<&str, Vec<Place>> = BTreeMap::new();
    for (_, f) in &entries {
        if let Some(d) = published(f, drafts_too) {
            by_slug
                .entry(d.case.slug.as_str())
                .or_default()
                .push((d.case.source.as_str(), d.slug_at));
        }
    }
    for (slug, files) in &by_slug {
        if files.len() > 1 {
            let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
            for (n, (line, col)) in files {
                let message = format!("网址 slug“{slug}”重复：{}", names.join(" 与 "));
                diags.push(
                    Diagnostic::error(n, *line, *col, message)
                        .hint("请在其中一个文件的前置信息里写 slug: 另一个名字，或改文件名"),
                );
            }
        }
    }

    // Topics: declared order and slugs first, then the rest by pinyin.
    let drafts_for_topics: Vec<&Draft> =
        entries.iter().filter_map(|(_, f)| published(f, drafts_too)).collect();
    let (topics, topic_of) = build_topics(&config, &drafts_for_topics, &mut diags);

    // Pages.
    let page_files = markdown_files(root, &content.join("pages"), &content_canon, &mut diags);
    let mut page_sources: Vec<(Page, String, usize, PathBuf)> = Vec::new();
    for path in &page_files {
        if let Some(p) = read_page(root, path, &mut diags)
            && (!p.1 || opts.drafts)
        {
            page_sources.push((p.0, p.2, p.3, path.parent().unwrap_or(root).to_path_buf()));
        }
    }

    // Every .md that can be linked to, by its path relative to the site.
    let root_path = config.root_path();
    let mut link_map: LinkMap = FastMap::default();
    for (_, f) in &entries {
        if let Some(d) = published(f, drafts_too) {
            link_map.insert(
                d.case.source.clone(),
                format!("{root_path}{}", routes::case(&d.case.slug)),
            );
        }
    }
    for (p, ..) in &page_sources {
        link_map.insert(p.source.clone(), format!("{root_path}{}", routes::page(&p.slug)));
    }
    timings.push(("model", t.elapsed()));
    let t = Instant::now();

    // Markdown, in parallel; unchanged cases keep their rendering.
    let unsafe_html = config.unsafe_html;
    let keep_sources = cache.keep_sources;
    entries.par_iter_mut().for_each(|(_, f)| {
        let Some(d) = f.draft.as_mut() else { return };
        if d.case.draft && !opts.drafts {
            return;
        }
        let still_valid = f.rendered.as_ref().is_some_and(|r| {
            r.slug == d.case.slug
                && r.links.iter().all(|(target, url)| link_map.get(target) == url.as_ref())
        });
        if still_valid {
            return;
        }
        let mut diag = Diagnostics::new();
        let links = render_case(root, &root_path, &link_map, unsafe_html, d, &mut diag);
        f.rendered = Some(RenderKey { version: 0, slug: d.case.slug.clone(), links, diags: diag });
        if !keep_sources {
            d.text = String::new();
        }
    });
    let mut versions: FastMap<String, u64> =
        FastMap::with_capacity_and_hasher(entries.len(), Default::default());
    for (_, f) in &mut entries {
        if let (Some(d), Some(r)) = (&f.draft, &mut f.rendered) {
            if r.version == 0 {
                cache.next_version += 1;
                r.version = cache.next_version;
            }
            versions.insert(d.case.source.clone(), r.version);
        }
    }
    for (_, f) in &entries {
        if let (Some(_), Some(r)) = (published(f, drafts_too), &f.rendered) {
            diags.extend(r.diags.clone());
        }
    }
    let mut cases = Vec::with_capacity(entries.len());
    for (_, f) in &mut entries {
        let Some(d) = f.draft.as_mut() else { continue };
        if d.case.draft && !opts.drafts {
            continue;
        }
        d.case.topics =
            d.topic_names.iter().filter_map(|(n, _, _)| topic_of.get(n).copied()).collect();
        d.case.topics.dedup();
        let placeholder = placeholder_case(&d.case.source, d.case.draft);
        cases.push(std::mem::replace(&mut d.case, placeholder));
    }
    cache.files = entries.into_iter().collect();
    let mut pages = Vec::new();
    for (mut page, text, body_offset, dir) in page_sources {
        let rel_dir = dir.strip_prefix(root).unwrap_or(&dir).to_path_buf();
        let r = render_body(
            &page.source,
            &text,
            body_offset,
            &rel_dir,
            &link_map,
            unsafe_html,
            &mut diags,
            &mut |_, _| None,
        );
        page.content_html = r.0.html;
        pages.push(page);
    }
    let mut seen_pages: BTreeMap<String, String> = BTreeMap::new();
    const RESERVED: &[&str] =
        &["cases", "streets", "committees", "topics", "years", "typical", "stats", "search", "api"];
    for p in &pages {
        if RESERVED.contains(&p.slug.as_str()) {
            diags.push(
                Diagnostic::error(&p.source, 1, 1, format!("页面网址“/{}/”与站点栏目冲突", p.slug))
                    .hint("请在前置信息里写 slug: 另一个名字"),
            );
        }
        if let Some(other) = seen_pages.insert(p.slug.clone(), p.source.clone()) {
            diags.push(Diagnostic::error(
                &p.source,
                1,
                1,
                format!("页面 slug“{}”与 {other} 重复", p.slug),
            ));
        }
    }

    let intro = read_intro(root, &link_map, unsafe_html, &mut diags);
    timings.push(("markdown", t.elapsed()));
    if config.strict {
        diags.escalate_strict();
    }
    if diags.has_errors() {
        let site = Site::new(config, cases, topics, pages, intro);
        cache.restore(site);
        return (None, diags, timings);
    }
    let t = Instant::now();
    let mut site = Site::new(config, cases, topics, pages, intro);
    site.versions =
        site.cases.iter().map(|c| versions.get(&c.source).copied().unwrap_or(0)).collect();
    timings.push(("index", t.elapsed()));
    (Some(site), diags, timings)
}

/// Every `.md` below `dir`, sorted; symlinks leaving content/ are refused.
fn markdown_files(
    root: &Path,
    dir: &Path,
    content_canon: &Path,
    diags: &mut Diagnostics,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().follow_links(false) {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) {
            continue;
        }
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue; // editor temp files (.#a.md)
        }
        if entry.path_is_symlink() {
            let rel = rel_str(root, path);
            match path.canonicalize() {
                Ok(target) if target.starts_with(content_canon) && target.is_file() => {}
                _ => {
                    diags.push(
                        Diagnostic::error(
                            &rel,
                            1,
                            1,
                            "符号链接指向 content 文件夹之外或不存在的文件",
                        )
                        .hint("请把文件本身放进 content/ 文件夹"),
                    );
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        out.push(path.to_path_buf());
    }
    out
}

fn rel_str(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    match rel.to_str() {
        // The common case: one allocation, `/` already the separator.
        Some(s)
            if std::path::MAIN_SEPARATOR == '/' && !s.starts_with("./") && !s.contains("/./") =>
        {
            s.to_string()
        }
        _ => {
            rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
        }
    }
}

/// Reads one case file and validates its front matter.
fn read_case(
    root: &Path,
    path: &Path,
    config: &Config,
    today: Date,
    diags: &mut Diagnostics,
) -> Option<Draft> {
    let rel = rel_str(root, path);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error(&rel, 1, 1, format!("无法读取文件（{e}）")));
            return None;
        }
    };
    let text = decode_or_report(&rel, bytes, diags)?;
    if text.len() > LARGE_FILE {
        diags.push(
            Diagnostic::warning(&rel, 1, 1, format!("文件很大（{} KB）", text.len() / 1024))
                .hint("案例一般不超过几十 KB；图片请作为单独文件放在案例文件夹里"),
        );
    }
    let doc = front_matter::parse(&rel, &text, diags)?;
    let bundle = path.file_name().is_some_and(|n| n == "index.md");
    let dir = path.parent().unwrap_or(root).to_path_buf();
    let file_stem = if bundle {
        dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
    } else {
        path.file_stem().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
    };
    // Every entry is in the front matter: index no further than that.
    let index = LineIndex::new(&text[..doc.body_offset.min(text.len())]);
    let v = Validator { rel: &rel, text: &text, index, doc: &doc };
    let slug_at = doc.get("slug").map_or((1, 1), |e| {
        let raw = scalar_text(&e.value).unwrap_or_default();
        front_matter::locate(&text, &v.index, e, raw.trim())
    });
    let valid = v.validate_case(config, today, &file_stem, bundle, &dir, diags);
    valid.map(|(case, topic_names)| Draft {
        case,
        body_offset: doc.body_offset,
        text,
        dir,
        bundle,
        topic_names,
        slug_at,
    })
}

/// A value with the file line and column where it was written.
type Located = (String, usize, usize);

/// Validates one document's entries; knows where each value sits.
struct Validator<'a> {
    rel: &'a str,
    text: &'a str,
    index: LineIndex,
    doc: &'a Document,
}

impl Validator<'_> {
    fn err(&self, e: &Entry, needle: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = front_matter::locate(self.text, &self.index, e, needle);
        Diagnostic::error(self.rel, line, col, message)
            .source(self.index.line_text(self.text, line))
    }

    fn warn(&self, e: &Entry, needle: &str, message: impl Into<String>) -> Diagnostic {
        let (line, col) = front_matter::locate(self.text, &self.index, e, needle);
        Diagnostic::warning(self.rel, line, col, message)
            .source(self.index.line_text(self.text, line))
    }

    fn unknown_keys(&self, allowed: &[&str], diags: &mut Diagnostics) {
        for e in &self.doc.entries {
            if allowed.contains(&e.key.as_str()) {
                continue;
            }
            let alias = match e.key.as_str() {
                "tags" | "topic" | "category" | "categories" | "主题" => Some("topics"),
                "committees" | "专委会" => Some("committee"),
                "标题" => Some("title"),
                "日期" => Some("date"),
                "街道" => Some("street"),
                "社区" => Some("community"),
                _ => None,
            };
            let suggestion = alias.or_else(|| closest(&e.key, allowed.iter().copied()));
            let hint = match suggestion {
                Some(s) => format!("您是否指 {s}？"),
                None => format!("可用的字段：{}", allowed.join("、")),
            };
            diags.push(
                Diagnostic::error(self.rel, e.line, e.column, format!("未知的字段“{}”", e.key))
                    .hint(hint)
                    .source(self.index.line_text(self.text, e.line)),
            );
        }
    }

    fn string(&self, key: &str, diags: &mut Diagnostics) -> Option<String> {
        let e = self.doc.get(key)?;
        if e.value.is_null() {
            return None;
        }
        match scalar_text(&e.value) {
            Some(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            None => {
                diags.push(
                    self.err(e, "", format!("“{key}”应是一段文字，不是列表"))
                        .hint(format!("写作 {key}: 文字")),
                );
                None
            }
        }
    }

    /// A list given as a YAML list or as one string separated by `，`/`、`.
    fn list(&self, key: &str, diags: &mut Diagnostics) -> Vec<(String, usize, usize)> {
        let Some(e) = self.doc.get(key) else { return Vec::new() };
        let items: Vec<String> = match &e.value {
            Value::Null => Vec::new(),
            Value::Sequence(seq) => seq
                .iter()
                .filter_map(|v| match scalar_text(v) {
                    Some(s) => Some(s),
                    None => {
                        diags.push(self.err(e, "", format!("“{key}”的每一项应是一段文字")));
                        None
                    }
                })
                .collect(),
            v => match scalar_text(v) {
                Some(s) if s.contains(['，', '、', ',']) => {
                    diags.push(
                        self.warn(
                            e,
                            s.trim(),
                            format!("“{key}”写成了一段用顿号或逗号分隔的文字，已自动拆分"),
                        )
                        .hint(format!("建议写成列表：{key}: [甲, 乙]")),
                    );
                    s.split(['，', '、', ',']).map(str::to_string).collect()
                }
                Some(s) => vec![s],
                None => {
                    diags.push(
                        self.err(e, "", format!("“{key}”格式不对"))
                            .hint(format!("写作 {key}: [甲, 乙]")),
                    );
                    Vec::new()
                }
            },
        };
        items
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .map(|s| {
                let (l, c) = front_matter::locate(self.text, &self.index, e, &s);
                (s, l, c)
            })
            .collect()
    }

    fn flag(&self, key: &str, diags: &mut Diagnostics) -> bool {
        let Some(e) = self.doc.get(key) else { return false };
        match &e.value {
            Value::Bool(b) => *b,
            Value::Null => false,
            _ => {
                diags.push(
                    self.err(e, "", format!("“{key}”应是 true 或 false"))
                        .hint(format!("写作 {key}: true")),
                );
                false
            }
        }
    }

    fn date_value(
        &self,
        e: &Entry,
        raw: &str,
        what: &str,
        diags: &mut Diagnostics,
    ) -> Option<Date> {
        match dates::parse_date(raw) {
            Ok(d) => Some(d),
            Err(DateError::Format) => {
                diags.push(
                    self.err(e, raw, format!("{what}“{raw}”看不懂"))
                        .hint("日期写作 2020-08-07、2020/8/7、2020.8.7 或 2020年8月7日"),
                );
                None
            }
            Err(DateError::Impossible { year, month, day }) => {
                diags.push(
                    self.err(e, raw, format!("{what}“{raw}”不存在：{year}年没有{month}月{day}日"))
                        .hint("请核对月份和日期"),
                );
                None
            }
        }
    }

    fn date(&self, key: &str, what: &str, diags: &mut Diagnostics) -> Option<Date> {
        let e = self.doc.get(key)?;
        let raw = scalar_text(&e.value).unwrap_or_default();
        self.date_value(e, &raw, what, diags)
    }

    #[allow(clippy::too_many_arguments)]
    fn validate_case(
        &self,
        config: &Config,
        today: Date,
        file_stem: &str,
        bundle: bool,
        dir: &Path,
        diags: &mut Diagnostics,
    ) -> Option<(Case, Vec<Located>)> {
        let errors_before = diags.counts().0;
        self.unknown_keys(CASE_KEYS, diags);
        let first_line = 2;
        let missing = |key: &str, example: &str| {
            Diagnostic::error(self.rel, first_line, 1, format!("缺少必填字段“{key}”"))
                .hint(format!("在前置信息里加一行 {key}: {example}"))
        };
        let title = self.string("title", diags);
        if title.is_none() {
            diags.push(missing("title", "案例标题"));
        }
        let date = match self.doc.get("date") {
            None => {
                diags.push(missing("date", "2020-08-07"));
                None
            }
            Some(e) => {
                let d = self.date("date", "日期", diags);
                if let Some(d) = d
                    && d > today
                {
                    diags.push(
                        self.warn(e, "", format!("日期 {} 在今天之后", dates::chinese(d)))
                            .hint("请核对年份；协商活动应已举行"),
                    );
                }
                d
            }
        };
        let updated = self.date("updated", "更新日期", diags);

        let street = self.doc.get("street").and_then(|e| {
            let name = self.string("street", diags)?;
            match config.street_index(&name) {
                Some(i) => Some(i),
                None => {
                    let names: Vec<&str> = config.streets.iter().map(|s| s.name.as_str()).collect();
                    let mut d = self.err(e, &name, format!("未知的街道“{name}”"));
                    d = match closest(&name, names.iter().copied()).or_else(|| {
                        names.iter().copied().find(|n| {
                            n.starts_with(name.trim_end_matches("街道办").trim_end_matches("街道"))
                        })
                    }) {
                        Some(s) => d.hint(format!("您是否指 {s}？")),
                        None => {
                            d.hint(format!("街道应是 site.yaml 中的一个：{}", names.join("、")))
                        }
                    };
                    diags.push(d);
                    None
                }
            }
        });
        let committee_entry = self.doc.get("committee");
        let mut committees = Vec::new();
        for (name, line, col) in self.list("committee", diags) {
            match config.committee_index(&name) {
                Some(i) if !committees.contains(&i) => committees.push(i),
                Some(_) => {}
                None => {
                    let mut names: Vec<&str> =
                        config.committees.iter().map(|c| c.name.as_str()).collect();
                    names.extend(config.committees.iter().filter_map(|c| c.short.as_deref()));
                    let mut d =
                        Diagnostic::error(self.rel, line, col, format!("未知的专委会“{name}”"))
                            .source(self.index.line_text(self.text, line));
                    d = match closest(&name, names.iter().copied()) {
                        Some(s) => d.hint(format!("您是否指 {s}？")),
                        None => d.hint(format!(
                            "专委会应是 site.yaml 中的一个（全称或简称）：{}",
                            config
                                .committees
                                .iter()
                                .map(|c| c.name.as_str())
                                .collect::<Vec<_>>()
                                .join("、")
                        )),
                    };
                    diags.push(d);
                }
            }
        }
        if self.doc.get("street").is_none() && committee_entry.is_none() {
            diags.push(
                Diagnostic::error(
                    self.rel,
                    first_line,
                    1,
                    "缺少“street”或“committee”：案例至少属于一个街道或一个专委会",
                )
                .hint("加一行 street: 街道名，或 committee: 专委会名（两者都写也可以）"),
            );
        }
        let community = self.string("community", diags);
        if let (Some(c), Some(s)) = (&community, street) {
            let known = &config.streets[s].communities;
            if !known.is_empty() && !known.contains(c) {
                let e = self.doc.get("community").expect("present");
                let mut d = self.warn(
                    e,
                    c,
                    format!("社区“{c}”不在 site.yaml 中 {} 的社区列表里", config.streets[s].name),
                );
                if let Some(s) = closest(c, known.iter().map(String::as_str)) {
                    d = d.hint(format!("您是否指 {s}？"));
                }
                diags.push(d);
            }
        }
        let topic_names = self.list("topics", diags);
        let typical = self.flag("typical", diags);
        let draft = self.flag("draft", diags);
        let outcome = self.doc.get("outcome").and_then(|e| {
            let o = self.string("outcome", diags)?;
            if config.outcomes.contains(&o) {
                Some(o)
            } else {
                let mut d = self.err(e, &o, format!("未知的协商结果“{o}”"));
                d = match closest(&o, config.outcomes.iter().map(String::as_str)) {
                    Some(s) => d.hint(format!("您是否指 {s}？")),
                    None => d.hint(format!(
                        "应是 site.yaml outcomes 中的一个：{}",
                        config.outcomes.join("、")
                    )),
                };
                diags.push(d);
                None
            }
        });
        let followups = self.followups(date, today, diags);
        let participants: Vec<String> =
            self.list("participants", diags).into_iter().map(|(s, ..)| s).collect();
        let location = self.string("location", diags);
        let summary = self.string("summary", diags).unwrap_or_default();
        let cover_alt = self.string("cover_alt", diags);
        let mut assets = Vec::new();
        let cover = self.doc.get("cover").and_then(|e| {
            let c = self.string("cover", diags)?;
            if cover_alt.is_none() {
                diags.push(
                    self.err(e, "", "设置了封面图 cover，但缺少 cover_alt（图片说明）")
                        .hint("加一行 cover_alt: 图片内容的简短描述，供读屏软件朗读"),
                );
            }
            match safe_asset(dir, &c) {
                Ok((source, name)) => {
                    let name = if bundle { name } else { file_name(&source) };
                    assets.push(Asset { source, name: name.clone() });
                    Some(name)
                }
                Err(AssetError::Outside) => {
                    diags.push(
                        self.err(e, &c, format!("封面图路径“{c}”超出了案例所在文件夹"))
                            .hint("封面图请放在案例文件旁边，写相对路径，如 cover: cover.jpg"),
                    );
                    None
                }
                Err(AssetError::Missing) => {
                    diags.push(
                        self.err(e, &c, format!("找不到封面图“{c}”"))
                            .hint("路径相对于案例文件；请检查文件名和大小写"),
                    );
                    None
                }
            }
        });
        let slug = match self.doc.get("slug") {
            Some(e) => {
                let s = self.string("slug", diags).unwrap_or_default();
                if !slug::is_valid(&s) {
                    diags.push(self.err(e, &s, format!("slug“{s}”不合规")).hint(format!(
                        "slug 只能包含小写字母 a-z、数字 0-9 和 -，例如 {}",
                        suggest_slug(&s)
                    )));
                }
                s
            }
            None => {
                let s = slugify(file_stem);
                if s.is_empty() || !slug::is_valid(&s) {
                    diags.push(
                        Diagnostic::error(
                            self.rel,
                            first_line,
                            1,
                            format!("无法从文件名“{file_stem}”生成网址"),
                        )
                        .hint("请在前置信息里加一行 slug: 英文或拼音，如 slug: hongwu-yanglao"),
                    );
                }
                s
            }
        };
        if bundle {
            collect_bundle_assets(dir, &mut assets);
        }
        if diags.counts().0 > errors_before {
            // Keep drafts identifiable so skipped drafts stay silent.
            if draft {
                return Some((placeholder_case(self.rel, draft), topic_names));
            }
            return None;
        }
        let case = Case {
            source: self.rel.to_string(),
            slug,
            title: title?,
            date: date?,
            updated,
            street,
            community,
            committees,
            topics: Vec::new(),
            typical,
            outcome,
            followups,
            participants,
            location,
            summary,
            summary_written: false,
            cover,
            cover_alt,
            draft,
            content_html: String::new(),
            plain: String::new(),
            assets,
        };
        Some((case, topic_names))
    }

    fn followups(
        &self,
        case_date: Option<Date>,
        today: Date,
        diags: &mut Diagnostics,
    ) -> Vec<Followup> {
        let Some(e) = self.doc.get("followups") else { return Vec::new() };
        let Value::Sequence(items) = &e.value else {
            if !e.value.is_null() {
                diags.push(
                    self.err(e, "", "followups 应是列表")
                        .hint("写作：followups:\n  - { date: 2020-10-15, text: 进展说明 }"),
                );
            }
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let Value::Mapping(m) = item else {
                diags.push(self.err(e, "", "followups 的每一项应写作 { date: 日期, text: 进展 }"));
                continue;
            };
            let mut date = None;
            let mut text = None;
            for (k, v) in m {
                let key = scalar_text(k).unwrap_or_default();
                let raw = scalar_text(v).unwrap_or_default();
                match key.as_str() {
                    "date" => date = self.date_value(e, &raw, "跟进日期", diags),
                    "text" if !raw.trim().is_empty() => text = Some(raw.trim().to_string()),
                    "text" => diags.push(self.err(e, "text", "跟进事项的 text 是空的")),
                    other => {
                        let mut d = self.err(e, other, format!("followups 里有未知的键“{other}”"));
                        if let Some(s) = closest(other, ["date", "text"]) {
                            d = d.hint(format!("您是否指 {s}？"));
                        }
                        diags.push(d);
                    }
                }
            }
            match (date, text) {
                (Some(date), Some(text)) => {
                    if case_date.is_some_and(|c| date < c) {
                        diags.push(
                            self.warn(e, &dates::iso(date), "跟进日期早于协商日期")
                                .hint("请核对日期"),
                        );
                    }
                    if date > today {
                        diags.push(self.warn(e, "", "跟进日期在今天之后"));
                    }
                    out.push(Followup { date, text });
                }
                (None, _) if !m.iter().any(|(k, _)| scalar_text(k).as_deref() == Some("date")) => {
                    diags.push(
                        self.err(e, "", "跟进事项缺少 date")
                            .hint("写作 { date: 2020-10-15, text: 进展 }"),
                    );
                }
                (_, None) if !m.iter().any(|(k, _)| scalar_text(k).as_deref() == Some("text")) => {
                    diags.push(
                        self.err(e, "", "跟进事项缺少 text")
                            .hint("写作 { date: 2020-10-15, text: 进展 }"),
                    );
                }
                _ => {}
            }
        }
        out.sort_by_key(|a| a.date);
        out
    }
}

fn placeholder_case(rel: &str, draft: bool) -> Case {
    Case {
        source: rel.to_string(),
        slug: String::new(),
        title: String::new(),
        date: Date::constant(2000, 1, 1),
        updated: None,
        street: None,
        community: None,
        committees: Vec::new(),
        topics: Vec::new(),
        typical: false,
        outcome: None,
        followups: Vec::new(),
        participants: Vec::new(),
        location: None,
        summary: String::new(),
        summary_written: false,
        cover: None,
        cover_alt: None,
        draft,
        content_html: String::new(),
        plain: String::new(),
        assets: Vec::new(),
    }
}

fn suggest_slug(s: &str) -> String {
    let x = slugify(s);
    if x.is_empty() { "hongwu-yanglao".into() } else { x }
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
}

enum AssetError {
    Outside,
    Missing,
}

/// Resolves `rel` against `dir`; refuses absolute paths, `..` escapes and
/// symlinks leaving `dir`. Returns the file and its path under `dir`.
fn safe_asset(dir: &Path, rel: &str) -> Result<(PathBuf, String), AssetError> {
    let p = Path::new(rel);
    if p.is_absolute()
        || rel.starts_with('\\')
        || p.components().any(|c| matches!(c, Component::Prefix(_)))
    {
        return Err(AssetError::Outside);
    }
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().to_string()),
            Component::CurDir => {}
            _ => return Err(AssetError::Outside),
        }
    }
    let joined = dir.join(parts.join("/"));
    let canon_dir = dir.canonicalize().map_err(|_| AssetError::Missing)?;
    match joined.canonicalize() {
        Ok(c) if c.starts_with(&canon_dir) && c.is_file() => Ok((joined, parts.join("/"))),
        Ok(c) if !c.starts_with(&canon_dir) => Err(AssetError::Outside),
        _ => Err(AssetError::Missing),
    }
}

/// Every non-Markdown file of a bundle folder (its images, PDFs, …).
fn collect_bundle_assets(dir: &Path, assets: &mut Vec<Asset>) {
    let canon = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        let p = entry.path();
        if !entry.file_type().is_file()
            || p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            continue;
        }
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(rel) = p.strip_prefix(dir) else { continue };
        let name =
            rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if assets.iter().any(|a| a.name == name) {
            continue;
        }
        if p.canonicalize().is_ok_and(|c| c.starts_with(&canon)) {
            assets.push(Asset { source: p.to_path_buf(), name });
        }
    }
}

fn build_topics(
    config: &Config,
    drafts: &[&Draft],
    diags: &mut Diagnostics,
) -> (Vec<Topic>, HashMap<String, usize>) {
    let mut topics: Vec<Topic> = config
        .topics
        .iter()
        .map(|t| Topic { name: t.name.clone(), slug: t.slug.clone(), cases: Vec::new() })
        .collect();
    let mut slug_owner: HashMap<String, (String, String)> = HashMap::new(); // slug → (name, where)
    for t in &config.topics {
        slug_owner.insert(t.slug.clone(), (t.name.clone(), "site.yaml".to_string()));
    }
    let mut undeclared: BTreeMap<String, (String, usize, usize)> = BTreeMap::new();
    for d in drafts {
        for (name, line, col) in &d.topic_names {
            if config.topics.iter().any(|t| &t.name == name) {
                continue;
            }
            undeclared.entry(name.clone()).or_insert_with(|| (d.case.source.clone(), *line, *col));
        }
    }
    let mut rest: Vec<(String, String, (String, usize, usize))> =
        undeclared.into_iter().map(|(name, at)| (slug::pinyin_key(&name), name, at)).collect();
    rest.sort();
    let mut bad = std::collections::HashSet::new();
    for (_, name, (source, line, col)) in rest {
        let s = slugify(&name);
        if s.is_empty() {
            diags.push(
                Diagnostic::error(&source, line, col, format!("主题“{name}”无法生成网址"))
                    .hint("请在 site.yaml 的 topics: 中为它指定 slug"),
            );
            bad.insert(name);
            continue;
        }
        if let Some((other, where_)) = slug_owner.get(&s) {
            diags.push(
                Diagnostic::error(
                    &source,
                    line,
                    col,
                    format!("主题“{name}”与“{other}”（{where_}）的网址都是 topics/{s}/"),
                )
                .hint(format!("两个不同的主题不能合并；请在 site.yaml 的 topics: 中给其中一个指定不同的 slug，如 {{ name: {name}, slug: {s}-2 }}")),
            );
            bad.insert(name);
            continue;
        }
        slug_owner.insert(s.clone(), (name.clone(), source.clone()));
        topics.push(Topic { name, slug: s, cases: Vec::new() });
    }
    let map = topics.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    (topics, map)
}

fn render_case(
    root: &Path,
    root_path: &str,
    link_map: &LinkMap,
    unsafe_html: bool,
    d: &mut Draft,
    diags: &mut Diagnostics,
) -> Vec<(String, Option<String>)> {
    let rel_dir = d.dir.strip_prefix(root).unwrap_or(&d.dir).to_path_buf();
    let case_url = format!("{root_path}{}", routes::case(&d.case.slug));
    let bundle = d.bundle;
    let mut new_assets: Vec<Asset> = Vec::new();
    let dir = d.dir.clone();
    let r = render_body(
        &d.case.source,
        &d.text,
        d.body_offset,
        &rel_dir,
        link_map,
        unsafe_html,
        diags,
        &mut |target, _kind| match safe_asset(&dir, target) {
            Ok((source, name)) => {
                let name = if bundle { name } else { file_name(&source) };
                new_assets.push(Asset { source, name: name.clone() });
                Some(format!("{case_url}{name}"))
            }
            Err(_) => None,
        },
    );
    for a in new_assets {
        if !d.case.assets.iter().any(|x| x.name == a.name) {
            d.case.assets.push(a);
        }
    }
    d.case.summary_written = !d.case.summary.is_empty();
    if !d.case.summary_written {
        d.case.summary = default_summary(&r.0.lead);
    }
    privacy::scan(&d.case.source, &d.text, d.body_offset, diags);
    // Both grew by doubling; every case holds them until the site is
    // written, so the slack would be a third of a large build's memory.
    d.case.content_html = r.0.html;
    d.case.content_html.shrink_to_fit();
    d.case.plain = r.0.plain;
    d.case.plain.shrink_to_fit();
    r.1
}

/// The first ~100 characters of the text, cut at a sentence end if one is
/// near. Lines are joined without a space between Chinese characters.
pub fn default_summary(text: &str) -> String {
    let mut flat = String::with_capacity(text.len().min(1200));
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            continue;
        }
        let tight = match (flat.chars().last(), line.chars().next()) {
            (Some(a), Some(b)) => crate::text::is_cjk(a) && crate::text::is_cjk(b),
            _ => true,
        };
        if !tight {
            flat.push(' ');
        }
        flat.push_str(&line);
        if flat.len() > 1200 {
            break;
        }
    }
    let chars: Vec<char> = flat.chars().collect();
    if chars.len() <= 100 {
        return flat;
    }
    let cut = chars[..100]
        .iter()
        .rposition(|c| matches!(c, '。' | '！' | '？' | '；'))
        .filter(|&i| i >= 40);
    match cut {
        Some(i) => chars[..=i].iter().collect(),
        None => chars[..100].iter().collect::<String>() + "…",
    }
}

/// Every `.md` that can be linked to, by its path relative to the site
/// folder with `/` separators (a string: hashing a `Path` walks its
/// components, and a serve rebuild checks every case's links), to its URL.
type LinkMap = FastMap<String, String>;

/// The [`LinkMap`] key of a normalised relative path.
fn link_key(path: &Path) -> String {
    let parts: Vec<_> = path.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

/// Renders a body and turns Markdown problems into diagnostics at file positions.
#[allow(clippy::too_many_arguments)]
fn render_body(
    rel: &str,
    text: &str,
    body_offset: usize,
    rel_dir: &Path,
    link_map: &LinkMap,
    unsafe_html: bool,
    diags: &mut Diagnostics,
    asset: &mut dyn FnMut(&str, LinkKind) -> Option<String>,
) -> (markdown::Rendered, Vec<(String, Option<String>)>) {
    let body = &text[body_offset..];
    let asset = std::cell::RefCell::new(asset);
    let links = std::cell::RefCell::new(Vec::new());
    let resolve = |target: &str, kind: LinkKind| -> Resolved {
        match kind {
            LinkKind::Markdown => {
                let joined = normalize(&rel_dir.join(target)).map(|j| link_key(&j));
                let url = joined.as_ref().and_then(|j| link_map.get(j)).cloned();
                if let Some(j) = joined {
                    links.borrow_mut().push((j, url.clone()));
                }
                match url {
                    Some(url) => Resolved::Url(url),
                    None => Resolved::Missing,
                }
            }
            LinkKind::Asset => match (asset.borrow_mut())(target, kind) {
                Some(url) => Resolved::Url(url),
                None => Resolved::Missing,
            },
        }
    };
    let r = markdown::render(body, unsafe_html, &resolve);
    if !r.problems.is_empty() {
        let index = LineIndex::new(text);
        for p in &r.problems {
            let (line, col) = index.position(text, body_offset + p.range.start);
            let src = index.line_text(text, line);
            let d = match &p.kind {
                ProblemKind::MissingLink { target, kind: LinkKind::Markdown } => {
                    Diagnostic::error(rel, line, col, format!("链接的文件“{target}”不存在"))
                        .hint("链接到其他案例时写相对路径，如 [标题](../2020/hongwu-yanglao.md)；请检查路径和文件名")
                }
                ProblemKind::MissingLink { target, kind: LinkKind::Asset } => {
                    Diagnostic::error(rel, line, col, format!("找不到文件“{target}”"))
                        .hint("图片和附件请放在案例文件旁边（或案例文件夹里），写相对路径")
                }
                ProblemKind::UnsafeLink { target } => Diagnostic::warning(
                    rel,
                    line,
                    col,
                    format!("不安全的链接“{}”已删除", target.chars().take(40).collect::<String>()),
                )
                .hint("链接只能是网址、邮箱或站内文件"),
                ProblemKind::LiteralStars => Diagnostic::warning(
                    rel,
                    line,
                    col,
                    "加粗没有生效，“**”会原样显示在网页上",
                )
                .hint("标点紧挨在结尾的 ** 里面、后面又接着文字时不算加粗：把标点移到 ** 外面，如 **特别说明**：本站……"),
                ProblemKind::ImageWithoutAlt { target } => {
                    Diagnostic::warning(rel, line, col, format!("图片“{target}”没有说明文字（alt）"))
                        .hint("写作 ![图片内容的简短描述](文件名)，供读屏软件朗读")
                        .strict()
                }
            };
            diags.push(d.source(src));
        }
    }
    (r, links.into_inner())
}

/// Lexically resolves `.` and `..`; `None` if it climbs above the start.
fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Reads a standalone page: (page, is_draft, text, body offset).
fn read_page(
    root: &Path,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<(Page, bool, String, usize)> {
    let rel = rel_str(root, path);
    let bytes = std::fs::read(path).ok()?;
    let text = decode_or_report(&rel, &bytes[..], diags)?;
    let doc = front_matter::parse(&rel, &text, diags)?;
    let v = Validator { rel: &rel, text: &text, index: LineIndex::new(&text), doc: &doc };
    let errors_before = diags.counts().0;
    v.unknown_keys(PAGE_KEYS, diags);
    let title = v.string("title", diags);
    if title.is_none() {
        diags.push(
            Diagnostic::error(&rel, 2, 1, "缺少必填字段“title”")
                .hint("在前置信息里加一行 title: 页面标题"),
        );
    }
    let updated = v.date("updated", "更新日期", diags).or(v.date("date", "日期", diags));
    let draft = v.flag("draft", diags);
    let slug = match v.string("slug", diags) {
        Some(s) => {
            if !slug::is_valid(&s) {
                let e = doc.get("slug").expect("present");
                diags.push(
                    v.err(e, &s, format!("slug“{s}”不合规"))
                        .hint("slug 只能包含小写字母 a-z、数字 0-9 和 -"),
                );
            }
            s
        }
        None => {
            slugify(&path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default())
        }
    };
    if diags.counts().0 > errors_before {
        return None;
    }
    let page =
        Page { source: rel.clone(), slug, title: title?, updated, content_html: String::new() };
    Some((page, draft, text.clone(), doc.body_offset))
}

fn read_intro(
    root: &Path,
    link_map: &LinkMap,
    unsafe_html: bool,
    diags: &mut Diagnostics,
) -> Intro {
    let path = root.join("content").join("_index.md");
    let Ok(bytes) = std::fs::read(&path) else { return Intro::default() };
    let rel = "content/_index.md";
    let Some(text) = decode_or_report(rel, &bytes[..], diags) else { return Intro::default() };
    let Some(doc) = front_matter::parse(rel, &text, diags) else { return Intro::default() };
    let v = Validator { rel, text: &text, index: LineIndex::new(&text), doc: &doc };
    v.unknown_keys(&["title"], diags);
    let title = v.string("title", diags);
    let r = render_body(
        rel,
        &text,
        doc.body_offset,
        Path::new("content"),
        link_map,
        unsafe_html,
        diags,
        &mut |_, _| None,
    );
    Intro { title, html: r.0.html }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_summary_cuts_at_sentence_end() {
        let text = "这是第一句话，介绍协商背景和主要问题，居民反映强烈，社区多次协调未果，街道政协工委决定组织协商议事会。".repeat(3);
        let s = default_summary(&text);
        assert!(s.ends_with('。'));
        assert!(s.chars().count() <= 100);
        assert_eq!(default_summary("短文本"), "短文本");
        assert_eq!(
            default_summary("第一段。\n第二段 with English\nand more"),
            "第一段。第二段 with English and more"
        );
    }

    #[test]
    fn normalize_refuses_climbing_out() {
        assert_eq!(
            normalize(Path::new("content/cases/2020/../2021/a.md")),
            Some(PathBuf::from("content/cases/2021/a.md"))
        );
        assert_eq!(normalize(Path::new("../../x")), None);
    }
}
