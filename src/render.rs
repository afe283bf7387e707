//! Tera templates + view structs → every HTML page of the site, plus the
//! list of all output files. Pure apart from reading template files.
//!
//! Views borrow from the [`Site`]; each page gets a fresh context with only
//! what it shows (no template function captures site state).

use crate::config::Config;
use crate::dates;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::hashing::fingerprint;
use crate::model::{Case, Site, routes};
use crate::{qr, stats, theme};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Loads the theme's templates, then the site's own `templates/` over them.
pub fn load_templates(root: &Path, config: &Config, diags: &mut Diagnostics) -> Option<tera::Tera> {
    let mut files: Vec<(String, String, String)> = Vec::new(); // (name, display path, source)
    let theme_dir = root.join("themes").join(&config.theme).join("templates");
    if theme_dir.is_dir() {
        read_template_dir(root, &theme_dir, &mut files, diags);
    } else if config.theme == "default" {
        for (name, bytes) in theme::FILES {
            if let Some(n) = name.strip_prefix("templates/") {
                files.push((
                    n.to_string(),
                    format!("(内置主题)/templates/{n}"),
                    String::from_utf8_lossy(bytes).into_owned(),
                ));
            }
        }
    } else {
        let site_yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap_or_default();
        let line = site_yaml.lines().position(|l| l.starts_with("theme:")).map_or(1, |i| i + 1);
        let column =
            site_yaml.lines().nth(line - 1).and_then(|l| l.find(&config.theme)).map_or(1, |c| {
                site_yaml.lines().nth(line - 1).map_or(1, |l| l[..c].chars().count() + 1)
            });
        diags.push(
            Diagnostic::error("site.yaml", line, column, format!("找不到主题“{}”", config.theme))
                .hint(format!(
                    "主题应放在 themes/{}/templates/ 下；或写 theme: default",
                    config.theme
                ))
                .source(site_yaml.lines().nth(line - 1).unwrap_or("")),
        );
        return None;
    }
    let own = root.join("templates");
    if own.is_dir() {
        let mut site_files = Vec::new();
        read_template_dir(root, &own, &mut site_files, diags);
        for f in site_files {
            files.retain(|(n, ..)| *n != f.0);
            files.push(f);
        }
    }
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    if let Err(e) = tera.add_raw_templates(files.iter().map(|(n, _, s)| (n.as_str(), s.as_str()))) {
        diags.push(template_error(&e, &files));
        return None;
    }
    Some(tera)
}

fn read_template_dir(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, String, String)>,
    diags: &mut Diagnostics,
) {
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let p = entry.path();
        let name = p.strip_prefix(dir).unwrap_or(p).to_string_lossy().replace('\\', "/");
        let display = p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/");
        match std::fs::read(p).map(|b| crate::text::decode(&b)) {
            Ok(Ok(d)) => out.push((name, display, d.text)),
            _ => {
                diags.push(Diagnostic::error(&display, 0, 0, "无法读取模板文件（应为 UTF-8 文本）"))
            }
        }
    }
}

/// A Tera error as a diagnostic at the template's file, line and column.
fn template_error(e: &tera::Error, files: &[(String, String, String)]) -> Diagnostic {
    use std::error::Error as _;
    let (file, line, col, msg) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let span = r.span();
            (r.filename().to_string(), span.start_line, span.start_col + 1, r.message().to_string())
        }
        _ => {
            let mut msg = e.to_string();
            let mut src = e.source();
            while let Some(s) = src {
                msg.push('：');
                msg.push_str(&s.to_string());
                src = s.source();
            }
            (String::new(), 0, 0, msg)
        }
    };
    let found = files.iter().find(|(n, ..)| *n == file);
    let display = found.map_or_else(
        || if file.is_empty() { "templates".to_string() } else { file.clone() },
        |f| f.1.clone(),
    );
    let mut d = Diagnostic::error(&display, line, col, format!("模板错误：{msg}"))
        .hint("请检查模板语法（Tera 2）；README“更换主题”一节列出了模板能用的变量");
    if let Some(f) = found
        && line > 0
    {
        d = d.source(f.2.lines().nth(line - 1).unwrap_or(""));
    }
    d
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    footer: &'a crate::config::Footer,
}

#[derive(Serialize, Clone)]
struct PageMeta {
    kind: &'static str,
    title: String,
    head_title: String,
    url: String,
    permalink: String,
    description: String,
    updated: Option<String>,
    updated_iso: Option<String>,
    nav: &'static str,
    feed_url: Option<String>,
}

#[derive(Serialize, Clone)]
struct Crumb {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct NamedLink<'a> {
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct CommitteeLink<'a> {
    name: &'a str,
    short: Option<&'a str>,
    url: String,
}

/// A case as lists show it.
#[derive(Serialize)]
struct CaseItem<'a> {
    title: &'a str,
    url: String,
    date: String,
    date_iso: String,
    year: i16,
    street: Option<NamedLink<'a>>,
    community: Option<&'a str>,
    committees: Vec<CommitteeLink<'a>>,
    topics: Vec<NamedLink<'a>>,
    typical: bool,
    outcome: Option<&'a str>,
    closed: bool,
    followup_count: usize,
    summary: &'a str,
}

#[derive(Serialize)]
struct FollowupView<'a> {
    date: String,
    date_iso: String,
    text: &'a str,
}

#[derive(Serialize)]
struct Neighbour<'a> {
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct CaseView<'a> {
    #[serde(flatten)]
    item: &'a CaseItem<'a>,
    content_html: &'a str,
    participants: &'a [String],
    location: Option<&'a str>,
    cover: Option<String>,
    cover_alt: Option<&'a str>,
    updated: Option<String>,
    updated_iso: Option<String>,
    followups: Vec<FollowupView<'a>>,
    prev: Option<Neighbour<'a>>,
    next: Option<Neighbour<'a>>,
    qr_svg: String,
    outcome_final: bool,
}

#[derive(Serialize)]
struct PageNumber {
    number: usize,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct Pagination {
    current: usize,
    total_pages: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageNumber>,
}

#[derive(Serialize, Clone, Hash)]
struct CommunityCount {
    name: String,
    count: usize,
}

#[derive(Serialize)]
struct TermView<'a> {
    name: String,
    short: Option<&'a str>,
    slug: String,
    url: String,
    count: usize,
    communities: Vec<CommunityCount>,
}

#[derive(Serialize)]
struct SearchFilters {
    streets: Vec<FilterOption>,
    committees: Vec<FilterOption>,
    topics: Vec<FilterOption>,
    years: Vec<FilterOption>,
}

#[derive(Serialize)]
struct FilterOption {
    name: String,
    slug: String,
}

/// One page to render: where it goes and what it shows.
#[derive(Debug, Clone)]
pub enum Job {
    Home,
    Case(usize),
    /// A paginated list: which list, page number (1-based).
    List(ListKind, usize),
    Terms(TermsKind),
    Page(usize),
    Stats,
    Search,
    NotFound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    All,
    Typical,
    Street(usize),
    Committee(usize),
    Topic(usize),
    Year(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermsKind {
    Streets,
    Committees,
    Topics,
    Years,
}

/// Everything needed to render any page of one site.
pub struct Renderer<'a> {
    site: &'a Site,
    tera: &'a tera::Tera,
    root: String,
    /// List views of the cases, made when a page first needs them (a serve
    /// rebuild renders a handful of pages out of thousands).
    items: Vec<std::sync::OnceLock<CaseItem<'a>>>,
    /// The same as template values: a list page clones them (a reference
    /// count) instead of serialising 20 items again.
    item_values: Vec<std::sync::OnceLock<tera::Value>>,
    /// `site` in every template, converted once.
    site_value: tera::Value,
    serve_mode: bool,
    current_year: i16,
    /// Per case: a hash of everything a list shows of it.
    item_hashes: Vec<u64>,
    /// Every case index, newest first.
    all_cases: Vec<usize>,
    /// Per street: its communities with counts.
    street_communities: Vec<Vec<CommunityCount>>,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, tera: &'a tera::Tera, serve_mode: bool, current_year: i16) -> Self {
        let root = site.root();
        let items = site.cases.iter().map(|_| std::sync::OnceLock::new()).collect();
        let item_values = site.cases.iter().map(|_| std::sync::OnceLock::new()).collect();
        let site_value = tera::Value::from_serializable(&SiteView {
            title: &site.config.title,
            description: &site.config.description,
            base_url: &site.config.base_url,
            footer: &site.config.footer,
        });
        let item_hashes = site
            .cases
            .par_iter()
            .map(|c| {
                let topics: Vec<(&str, &str)> = c
                    .topics
                    .iter()
                    .map(|&t| (site.topics[t].name.as_str(), site.topics[t].slug.as_str()))
                    .collect();
                fingerprint((
                    (&c.title, &c.slug, c.date, c.street, &c.community, &c.committees),
                    topics,
                    (c.typical, &c.outcome, c.closed(), c.followups.len(), &c.summary),
                ))
            })
            .collect();
        let all_cases = (0..site.cases.len()).collect();
        let street_communities = site
            .config
            .streets
            .iter()
            .zip(&site.by_street)
            .map(|(st, cases)| communities(site, cases, &st.communities))
            .collect();
        Renderer {
            site,
            tera,
            root,
            items,
            item_values,
            site_value,
            serve_mode,
            current_year,
            item_hashes,
            all_cases,
            street_communities,
        }
    }

    fn item(&self, i: usize) -> &CaseItem<'a> {
        self.items[i].get_or_init(|| case_item(self.site, &self.root, &self.site.cases[i]))
    }

    fn item_value(&self, i: usize) -> tera::Value {
        self.item_values[i].get_or_init(|| tera::Value::from_serializable(self.item(i))).clone()
    }

    fn item_values(&self, cases: impl Iterator<Item = usize>) -> tera::Value {
        tera::Value::from(cases.map(|i| self.item_value(i)).collect::<Vec<_>>())
    }

    /// A hash of everything the feeds, open data and sitemap show.
    pub fn data_fingerprint(&self) -> u64 {
        let s = self.site;
        let facts: Vec<_> = s
            .cases
            .iter()
            .map(|c| {
                let f: Vec<_> = c.followups.iter().map(|f| (f.date, &f.text)).collect();
                (&c.participants, &c.location, c.updated, f)
            })
            .collect();
        let pages: Vec<_> = s.pages.iter().map(|p| (&p.slug, p.updated)).collect();
        fingerprint((
            &self.item_hashes,
            facts,
            pages,
            s.topics.iter().map(|t| &t.name).collect::<Vec<_>>(),
        ))
    }

    /// A hash of everything the search index holds: facts (given as the
    /// data fingerprint) and text versions.
    pub fn search_fingerprint(&self, data_fingerprint: u64) -> u64 {
        fingerprint((&self.item_hashes, &self.site.versions, data_fingerprint))
    }

    /// A hash of everything `job`'s page shows, apart from the templates and
    /// site.yaml (the caller mixes those in). Same fingerprint, same bytes.
    pub fn fingerprint(&self, job: &Job) -> u64 {
        let s = self.site;
        let latest = s.cases.first().map(|c| c.date);
        let items =
            |list: &[usize]| -> Vec<u64> { list.iter().map(|&i| self.item_hashes[i]).collect() };
        let term_counts = || {
            (
                s.by_street.iter().map(Vec::len).collect::<Vec<_>>(),
                s.by_committee.iter().map(Vec::len).collect::<Vec<_>>(),
                s.topics.iter().map(|t| (&t.name, &t.slug, t.cases.len())).collect::<Vec<_>>(),
                s.by_year.iter().map(|(y, l)| (*y, l.len())).collect::<Vec<_>>(),
            )
        };
        match job {
            Job::Case(i) => {
                let c = &s.cases[*i];
                let neighbours = [i.checked_sub(1), Some(i + 1)]
                    .map(|j| j.and_then(|j| s.cases.get(j)).map(|n| (&n.title, &n.slug)));
                let followups: Vec<(jiff::civil::Date, &str)> =
                    c.followups.iter().map(|f| (f.date, f.text.as_str())).collect();
                fingerprint((
                    ("case", self.item_hashes[*i], s.versions.get(*i)),
                    neighbours,
                    (&c.participants, &c.location, &c.cover, &c.cover_alt, c.updated, followups),
                    c.assets.iter().map(|a| &a.name).collect::<Vec<_>>(),
                ))
            }
            Job::List(kind, page) => {
                let all = self.list_cases(*kind);
                let size = s.config.page_size;
                let shown =
                    all.iter().skip((page - 1) * size).take(size).copied().collect::<Vec<_>>();
                let communities = match kind {
                    ListKind::Street(k) => Some(&self.street_communities[*k]),
                    _ => None,
                };
                let term_name = match kind {
                    ListKind::Topic(k) => Some((&s.topics[*k].name, &s.topics[*k].slug)),
                    _ => None,
                };
                let dates: Vec<jiff::civil::Date> =
                    all.iter().take(1).map(|&i| s.cases[i].date).collect();
                fingerprint((
                    "list",
                    format!("{kind:?}"),
                    page,
                    all.len(),
                    items(&shown),
                    communities,
                    term_name,
                    dates,
                    latest,
                ))
            }
            Job::Home => fingerprint((
                "home",
                term_counts(),
                items(&s.typical.iter().take(6).copied().collect::<Vec<_>>()),
                items(&(0..s.cases.len().min(10)).collect::<Vec<_>>()),
                (&s.intro.title, &s.intro.html, s.cases.len(), latest),
            )),
            Job::Terms(_) | Job::Search | Job::NotFound => {
                fingerprint((format!("{job:?}"), term_counts(), latest))
            }
            Job::Page(i) => {
                let p = &s.pages[*i];
                fingerprint(("page", &p.title, &p.slug, p.updated, &p.content_html, latest))
            }
            Job::Stats => {
                let facts: Vec<_> = s
                    .cases
                    .iter()
                    .map(|c| {
                        (
                            c.date,
                            c.street,
                            &c.committees,
                            &c.topics,
                            &c.outcome,
                            c.followups.len(),
                            c.closed(),
                            c.typical,
                        )
                    })
                    .collect();
                fingerprint(("stats", facts, term_counts(), self.current_year))
            }
        }
    }

    /// Every page of the site, in a stable order.
    pub fn jobs(&self) -> Vec<Job> {
        let s = self.site;
        let size = s.config.page_size;
        let pages_of = |n: usize| n.div_ceil(size).max(1);
        let mut jobs = vec![Job::Home, Job::Stats, Job::Search, Job::NotFound];
        jobs.extend((0..s.cases.len()).map(Job::Case));
        jobs.extend((1..=pages_of(s.cases.len())).map(|p| Job::List(ListKind::All, p)));
        jobs.extend((1..=pages_of(s.typical.len())).map(|p| Job::List(ListKind::Typical, p)));
        for t in [TermsKind::Streets, TermsKind::Committees, TermsKind::Topics, TermsKind::Years] {
            jobs.push(Job::Terms(t));
        }
        for (i, l) in s.by_street.iter().enumerate() {
            jobs.extend((1..=pages_of(l.len())).map(|p| Job::List(ListKind::Street(i), p)));
        }
        for (i, l) in s.by_committee.iter().enumerate() {
            jobs.extend((1..=pages_of(l.len())).map(|p| Job::List(ListKind::Committee(i), p)));
        }
        for (i, t) in s.topics.iter().enumerate() {
            jobs.extend((1..=pages_of(t.cases.len())).map(|p| Job::List(ListKind::Topic(i), p)));
        }
        for (i, (_, l)) in s.by_year.iter().enumerate() {
            jobs.extend((1..=pages_of(l.len())).map(|p| Job::List(ListKind::Year(i), p)));
        }
        jobs.extend((0..s.pages.len()).map(Job::Page));
        jobs
    }

    /// The output path of a job, relative to the output root.
    pub fn path(&self, job: &Job) -> String {
        match job {
            Job::NotFound => "404.html".to_string(),
            _ => format!("{}index.html", self.route(job)),
        }
    }

    fn route(&self, job: &Job) -> String {
        let s = self.site;
        match job {
            Job::Home => String::new(),
            Job::Case(i) => routes::case(&s.cases[*i].slug),
            Job::List(kind, page) => routes::paginated(&self.list_base(*kind), *page),
            Job::Terms(t) => match t {
                TermsKind::Streets => "streets/".into(),
                TermsKind::Committees => "committees/".into(),
                TermsKind::Topics => "topics/".into(),
                TermsKind::Years => "years/".into(),
            },
            Job::Page(i) => routes::page(&s.pages[*i].slug),
            Job::Stats => "stats/".into(),
            Job::Search => "search/".into(),
            Job::NotFound => "404.html".into(),
        }
    }

    fn list_base(&self, kind: ListKind) -> String {
        let s = self.site;
        match kind {
            ListKind::All => "cases/".into(),
            ListKind::Typical => "typical/".into(),
            ListKind::Street(i) => routes::street(&s.config.streets[i].slug),
            ListKind::Committee(i) => routes::committee(&s.config.committees[i].slug),
            ListKind::Topic(i) => routes::topic(&s.topics[i].slug),
            ListKind::Year(i) => routes::year(s.by_year[i].0),
        }
    }

    /// The cases of a list, newest first (borrowed: a list of N pages must
    /// not copy its cases N times).
    fn list_cases(&self, kind: ListKind) -> &[usize] {
        let s = self.site;
        match kind {
            ListKind::All => &self.all_cases,
            ListKind::Typical => &s.typical,
            ListKind::Street(i) => &s.by_street[i],
            ListKind::Committee(i) => &s.by_committee[i],
            ListKind::Topic(i) => &s.topics[i].cases,
            ListKind::Year(i) => &s.by_year[i].1,
        }
    }

    fn url(&self, route: &str) -> String {
        format!("{}{route}", self.root)
    }

    /// The newest date of a list (lists are newest first).
    fn latest_date(&self, cases: &[usize]) -> Option<jiff::civil::Date> {
        cases.first().map(|&i| self.site.cases[i].date)
    }

    fn meta(
        &self,
        job: &Job,
        kind: &'static str,
        title: String,
        nav: &'static str,
        cases: &[usize],
    ) -> PageMeta {
        let route = self.route(job);
        let updated = self.latest_date(cases).or_else(|| self.latest_date(&self.all_cases));
        let head_title = if matches!(job, Job::Home) {
            self.site.config.title.clone()
        } else {
            format!("{title} - {}", self.site.config.title)
        };
        PageMeta {
            kind,
            head_title,
            url: self.url(&route),
            permalink: format!("{}{route}", self.site.config.base_url),
            description: self.site.config.description.clone(),
            updated: updated.map(dates::chinese),
            updated_iso: updated.map(dates::iso),
            nav,
            feed_url: None,
            title,
        }
    }

    fn home_crumb(&self) -> Crumb {
        Crumb { title: "首页".into(), url: self.url("") }
    }

    fn terms(&self, kind: TermsKind) -> Vec<TermView<'a>> {
        let s = self.site;
        match kind {
            TermsKind::Streets => s
                .config
                .streets
                .iter()
                .zip(&s.by_street)
                .map(|(st, cases)| TermView {
                    name: st.name.clone(),
                    short: None,
                    slug: st.slug.clone(),
                    url: self.url(&routes::street(&st.slug)),
                    count: cases.len(),
                    communities: Vec::new(),
                })
                .collect(),
            TermsKind::Committees => s
                .config
                .committees
                .iter()
                .zip(&s.by_committee)
                .map(|(c, cases)| TermView {
                    name: c.name.clone(),
                    short: c.short.as_deref(),
                    slug: c.slug.clone(),
                    url: self.url(&routes::committee(&c.slug)),
                    count: cases.len(),
                    communities: Vec::new(),
                })
                .collect(),
            TermsKind::Topics => s
                .topics
                .iter()
                .map(|t| TermView {
                    name: t.name.clone(),
                    short: None,
                    slug: t.slug.clone(),
                    url: self.url(&routes::topic(&t.slug)),
                    count: t.cases.len(),
                    communities: Vec::new(),
                })
                .collect(),
            TermsKind::Years => s
                .by_year
                .iter()
                .map(|(y, cases)| TermView {
                    name: format!("{y}年"),
                    short: None,
                    slug: y.to_string(),
                    url: self.url(&routes::year(*y)),
                    count: cases.len(),
                    communities: Vec::new(),
                })
                .collect(),
        }
    }

    fn common(&self, ctx: &mut tera::Context, meta: &PageMeta, crumbs: &[Crumb]) {
        ctx.insert_value("site", self.site_value.clone());
        ctx.insert("root", &self.root);
        ctx.insert("page", meta);
        ctx.insert("breadcrumbs", crumbs);
        ctx.insert("serve_mode", &self.serve_mode);
    }

    /// Renders one page to HTML; the error names the template and line.
    pub fn render(&self, job: &Job) -> Result<Vec<u8>, tera::Error> {
        let s = self.site;
        let mut ctx = tera::Context::new();
        let template = match job {
            Job::Home => {
                let all = &self.all_cases;
                let meta = self.meta(
                    job,
                    "home",
                    s.intro.title.clone().unwrap_or_else(|| s.config.title.clone()),
                    "home",
                    all,
                );
                self.common(&mut ctx, &meta, &[]);
                ctx.insert("intro_html", &s.intro.html);
                ctx.insert_value("typical", self.item_values(s.typical.iter().take(6).copied()));
                ctx.insert_value("latest", self.item_values(0..self.items.len().min(10)));
                ctx.insert("streets", &self.terms(TermsKind::Streets));
                ctx.insert("committees", &self.terms(TermsKind::Committees));
                ctx.insert("topics", &self.terms(TermsKind::Topics));
                ctx.insert("years", &self.terms(TermsKind::Years));
                ctx.insert("total", &s.cases.len());
                ctx.insert("latest_date", &self.latest_date(all).map(dates::chinese));
                "home.html"
            }
            Job::Case(i) => {
                let c = &s.cases[*i];
                let item = self.item(*i);
                let mut meta = self.meta(job, "case", c.title.clone(), "", &[*i]);
                let shown_date = c.updated.map_or(c.date, |u| u.max(c.date));
                meta.updated = Some(dates::chinese(shown_date));
                meta.updated_iso = Some(dates::iso(shown_date));
                let crumbs = vec![
                    self.home_crumb(),
                    Crumb { title: "全部案例".into(), url: self.url("cases/") },
                ];
                self.common(&mut ctx, &meta, &crumbs);
                let neighbour = |j: usize| Neighbour {
                    title: &s.cases[j].title,
                    url: self.item(j).url.clone(),
                };
                let view = CaseView {
                    item,
                    content_html: &c.content_html,
                    participants: &c.participants,
                    location: c.location.as_deref(),
                    cover: c.cover.as_ref().map(|n| format!("{}{n}", item.url)),
                    cover_alt: c.cover_alt.as_deref(),
                    updated: c.updated.map(dates::chinese),
                    updated_iso: c.updated.map(dates::iso),
                    followups: c
                        .followups
                        .iter()
                        .map(|f| FollowupView {
                            date: dates::chinese(f.date),
                            date_iso: dates::iso(f.date),
                            text: &f.text,
                        })
                        .collect(),
                    // Older case is "previous", newer is "next" (cases are newest first).
                    prev: (*i + 1 < s.cases.len()).then(|| neighbour(*i + 1)),
                    next: (*i > 0).then(|| neighbour(*i - 1)),
                    qr_svg: qr::svg(&meta.permalink),
                    outcome_final: c.outcome.as_deref().is_some_and(Config::outcome_is_final),
                };
                ctx.insert("case", &view);
                "case.html"
            }
            Job::List(kind, page) => {
                let all = self.list_cases(*kind);
                let size = s.config.page_size;
                let total_pages = all.len().div_ceil(size).max(1);
                let shown: Vec<usize> =
                    all.iter().skip((page - 1) * size).take(size).copied().collect();
                let base = self.list_base(*kind);
                let (kind_name, title, nav, term, crumb, feed): (
                    &str,
                    String,
                    &str,
                    Option<TermView>,
                    Option<Crumb>,
                    Option<String>,
                ) = match *kind {
                    ListKind::All => {
                        ("cases", "全部案例".into(), "", None, None, Some(self.url("feed.xml")))
                    }
                    ListKind::Typical => {
                        ("typical", "典型案例".into(), "typical", None, None, None)
                    }
                    ListKind::Street(k) => {
                        let st = &s.config.streets[k];
                        let mut t = self.terms(TermsKind::Streets).swap_remove(k);
                        t.communities = self.street_communities[k].clone();
                        (
                            "street",
                            format!("{}的协商案例", st.name),
                            "streets",
                            Some(t),
                            Some(Crumb { title: "按街道".into(), url: self.url("streets/") }),
                            Some(self.url(&format!("{base}feed.xml"))),
                        )
                    }
                    ListKind::Committee(k) => {
                        let c = &s.config.committees[k];
                        (
                            "committee",
                            format!("{}的协商案例", c.name),
                            "committees",
                            Some(self.terms(TermsKind::Committees).swap_remove(k)),
                            Some(Crumb {
                                title: "按专委会".into(), url: self.url("committees/")
                            }),
                            Some(self.url(&format!("{base}feed.xml"))),
                        )
                    }
                    ListKind::Topic(k) => (
                        "topic",
                        format!("主题：{}", s.topics[k].name),
                        "topics",
                        Some(self.terms(TermsKind::Topics).swap_remove(k)),
                        Some(Crumb { title: "按主题".into(), url: self.url("topics/") }),
                        None,
                    ),
                    ListKind::Year(k) => (
                        "year",
                        format!("{}年的协商案例", s.by_year[k].0),
                        "years",
                        Some(self.terms(TermsKind::Years).swap_remove(k)),
                        Some(Crumb { title: "按年份".into(), url: self.url("years/") }),
                        None,
                    ),
                };
                let title_full =
                    if *page > 1 { format!("{title}（第{page}页）") } else { title };
                let mut meta = self.meta(job, kind_name, title_full, nav, all);
                meta.feed_url = feed;
                let mut crumbs = vec![self.home_crumb()];
                crumbs.extend(crumb);
                if *page > 1 {
                    crumbs.push(Crumb {
                        title: meta.title.split('（').next().unwrap_or("").to_string(),
                        url: self.url(&base),
                    });
                }
                self.common(&mut ctx, &meta, &crumbs);
                ctx.insert_value("cases", self.item_values(shown.iter().copied()));
                ctx.insert("total", &all.len());
                ctx.insert("pagination", &self.pagination(&base, *page, total_pages));
                ctx.insert("term", &term);
                "list.html"
            }
            Job::Terms(kind) => {
                let (kind_name, title, nav) = match kind {
                    TermsKind::Streets => ("streets", "按街道浏览", "streets"),
                    TermsKind::Committees => ("committees", "按专委会浏览", "committees"),
                    TermsKind::Topics => ("topics", "按主题浏览", "topics"),
                    TermsKind::Years => ("years", "按年份浏览", "years"),
                };
                let all = &self.all_cases;
                let meta = self.meta(job, kind_name, title.into(), nav, all);
                self.common(&mut ctx, &meta, &[self.home_crumb()]);
                ctx.insert("terms", &self.terms(*kind));
                "terms.html"
            }
            Job::Page(i) => {
                let p = &s.pages[*i];
                let mut meta = self.meta(job, "page", p.title.clone(), "", &[]);
                if let Some(u) = p.updated {
                    meta.updated = Some(dates::chinese(u));
                    meta.updated_iso = Some(dates::iso(u));
                }
                self.common(&mut ctx, &meta, &[self.home_crumb()]);
                ctx.insert("content_html", &p.content_html);
                "page.html"
            }
            Job::Stats => {
                let all = &self.all_cases;
                let meta = self.meta(job, "stats", "协商议事统计".into(), "stats", all);
                self.common(&mut ctx, &meta, &[self.home_crumb()]);
                ctx.insert("stats", &stats::build(s, self.current_year));
                "stats.html"
            }
            Job::Search => {
                let all = &self.all_cases;
                let meta = self.meta(job, "search", "搜索案例".into(), "search", all);
                self.common(&mut ctx, &meta, &[self.home_crumb()]);
                let opts = |v: Vec<TermView>| -> Vec<FilterOption> {
                    v.into_iter().map(|t| FilterOption { name: t.name, slug: t.slug }).collect()
                };
                let filters = SearchFilters {
                    streets: opts(self.terms(TermsKind::Streets)),
                    committees: opts(self.terms(TermsKind::Committees)),
                    topics: opts(self.terms(TermsKind::Topics)),
                    years: opts(self.terms(TermsKind::Years)),
                };
                ctx.insert("search", &filters);
                "search.html"
            }
            Job::NotFound => {
                let all = &self.all_cases;
                let mut meta = self.meta(job, "404", "页面不存在".into(), "", all);
                meta.url = self.url("404.html");
                self.common(&mut ctx, &meta, &[self.home_crumb()]);
                "404.html"
            }
        };
        // Bytes straight from Tera: no second pass to validate UTF-8. Pages
        // of the benchmark corpus average 18 KB: room for them up front
        // spares a copy of most pages.
        let mut out = Vec::with_capacity(32 * 1024);
        self.tera.render_to(template, &ctx, &mut out)?;
        Ok(out)
    }

    fn pagination(&self, base: &str, current: usize, total_pages: usize) -> Pagination {
        let url = |n: usize| self.url(&routes::paginated(base, n));
        let mut numbers: Vec<usize> = vec![1, total_pages];
        numbers.extend(current.saturating_sub(2).max(1)..=(current + 2).min(total_pages));
        numbers.sort_unstable();
        numbers.dedup();
        Pagination {
            current,
            total_pages,
            prev_url: (current > 1).then(|| url(current - 1)),
            next_url: (current < total_pages).then(|| url(current + 1)),
            pages: numbers
                .into_iter()
                .map(|n| PageNumber { number: n, url: url(n), current: n == current })
                .collect(),
        }
    }

    /// Every HTML page path (for the sitemap) with its date.
    pub fn sitemap_entries(&self, jobs: &[Job]) -> Vec<(String, Option<String>)> {
        jobs.iter()
            .filter(|j| !matches!(j, Job::NotFound | Job::Search))
            .map(|j| {
                let date = match j {
                    Job::Case(i) => {
                        let c = &self.site.cases[*i];
                        Some(dates::iso(c.updated.unwrap_or(c.date).max(c.date)))
                    }
                    Job::Page(i) => self.site.pages[*i].updated.map(dates::iso),
                    _ => None,
                };
                (self.route(j), date)
            })
            .collect()
    }
}

fn communities(site: &Site, cases: &[usize], declared: &[String]) -> Vec<CommunityCount> {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for d in declared {
        counts.insert(d.clone(), 0);
    }
    for &i in cases {
        if let Some(c) = &site.cases[i].community {
            *counts.entry(c.clone()).or_default() += 1;
        }
    }
    let mut v: Vec<CommunityCount> =
        counts.into_iter().map(|(name, count)| CommunityCount { name, count }).collect();
    v.sort_by_key(|c| crate::slug::pinyin_key(&c.name));
    v
}

fn case_item<'a>(site: &'a Site, root: &str, c: &'a Case) -> CaseItem<'a> {
    CaseItem {
        title: &c.title,
        url: format!("{root}{}", routes::case(&c.slug)),
        date: dates::chinese(c.date),
        date_iso: dates::iso(c.date),
        year: c.date.year(),
        street: c.street.map(|s| {
            let st = &site.config.streets[s];
            NamedLink { name: &st.name, url: format!("{root}{}", routes::street(&st.slug)) }
        }),
        community: c.community.as_deref(),
        committees: c
            .committees
            .iter()
            .map(|&k| {
                let cm = &site.config.committees[k];
                CommitteeLink {
                    name: &cm.name,
                    short: cm.short.as_deref(),
                    url: format!("{root}{}", routes::committee(&cm.slug)),
                }
            })
            .collect(),
        topics: c
            .topics
            .iter()
            .map(|&t| NamedLink {
                name: &site.topics[t].name,
                url: format!("{root}{}", routes::topic(&site.topics[t].slug)),
            })
            .collect(),
        typical: c.typical,
        outcome: c.outcome.as_deref(),
        closed: c.closed(),
        followup_count: c.followups.len(),
        summary: &c.summary,
    }
}

/// Feeds, open data, sitemap and robots.txt (everything but the search index).
pub fn data_artefacts(site: &Site, renderer: &Renderer, jobs: &[Job]) -> Vec<(String, Vec<u8>)> {
    use crate::feeds;
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let all: Vec<usize> = (0..site.cases.len()).collect();
    out.push((
        "feed.xml".into(),
        feeds::atom(site, &site.config.title, "feed.xml", "cases/", &all).into_bytes(),
    ));
    for (st, cases) in site.config.streets.iter().zip(&site.by_street) {
        let base = routes::street(&st.slug);
        let title = format!("{} - {}", st.name, site.config.title);
        out.push((
            format!("{base}feed.xml"),
            feeds::atom(site, &title, &format!("{base}feed.xml"), &base, cases).into_bytes(),
        ));
    }
    for (c, cases) in site.config.committees.iter().zip(&site.by_committee) {
        let base = routes::committee(&c.slug);
        let title = format!("{} - {}", c.name, site.config.title);
        out.push((
            format!("{base}feed.xml"),
            feeds::atom(site, &title, &format!("{base}feed.xml"), &base, cases).into_bytes(),
        ));
    }
    out.push(("api/cases.json".into(), feeds::cases_json(site).into_bytes()));
    out.push(("api/cases.csv".into(), feeds::cases_csv(site)));
    out.push((
        "sitemap.xml".into(),
        feeds::sitemap(site, &renderer.sitemap_entries(jobs)).into_bytes(),
    ));
    out.push(("robots.txt".into(), feeds::robots(site).into_bytes()));
    out
}

/// Static files: the theme's `static/`, then the site's `static/` over it.
/// Returns (output path, source) pairs, or embedded bytes for the built-in theme.
pub fn static_files(root: &Path, config: &Config) -> Vec<(String, StaticSource)> {
    let mut files: std::collections::BTreeMap<String, StaticSource> = Default::default();
    let theme_static = root.join("themes").join(&config.theme).join("static");
    if theme_static.is_dir() {
        collect_dir(&theme_static, &mut files);
    } else if !root.join("themes").join(&config.theme).is_dir() && config.theme == "default" {
        for (name, bytes) in theme::FILES {
            if let Some(n) = name.strip_prefix("static/") {
                files.insert(n.to_string(), StaticSource::Embedded(bytes));
            }
        }
    }
    collect_dir(&root.join("static"), &mut files);
    files.into_iter().collect()
}

/// Where a static file's bytes come from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    File(PathBuf),
    Embedded(&'static [u8]),
}

fn collect_dir(dir: &Path, out: &mut std::collections::BTreeMap<String, StaticSource>) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, StaticSource::File(entry.path().to_path_buf()));
        }
    }
}

/// A rendering error as a diagnostic (template file, line, column).
pub fn render_error(e: &tera::Error, root: &Path, config: &Config, job_path: &str) -> Diagnostic {
    let mut files = Vec::new();
    let mut ignored = Diagnostics::new();
    let theme_dir = root.join("themes").join(&config.theme).join("templates");
    read_template_dir(root, &theme_dir, &mut files, &mut ignored);
    read_template_dir(root, &root.join("templates"), &mut files, &mut ignored);
    files.reverse(); // the site's own templates win
    let mut d = template_error(e, &files);
    d.message = format!("{}（渲染 {job_path} 时）", d.message);
    d
}
