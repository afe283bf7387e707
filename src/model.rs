//! The site as data: validated cases and pages, indexed by street,
//! committee, topic and year, and the URLs of everything. Pure.

use crate::config::Config;
use jiff::civil::Date;
use std::path::PathBuf;

/// A dated follow-up of a case (成果转化与落实).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followup {
    pub date: Date,
    pub text: String,
}

/// A file copied beside a case's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    /// Path under the case's output folder (`cover.jpg`, `img/a.png`).
    pub name: String,
}

/// One published case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Path relative to the site folder (`content/cases/2020/a.md`).
    pub source: String,
    pub slug: String,
    pub title: String,
    pub date: Date,
    pub updated: Option<Date>,
    /// Index into `config.streets`.
    pub street: Option<usize>,
    pub community: Option<String>,
    /// Indexes into `config.committees`, in the order written.
    pub committees: Vec<usize>,
    /// Indexes into `Site::topics`, in the order written.
    pub topics: Vec<usize>,
    pub typical: bool,
    pub outcome: Option<String>,
    pub followups: Vec<Followup>,
    pub participants: Vec<String>,
    pub location: Option<String>,
    pub summary: String,
    /// The summary was written in the front matter, not taken from the body.
    pub summary_written: bool,
    /// Name of the cover under the case's folder.
    pub cover: Option<String>,
    pub cover_alt: Option<String>,
    pub draft: bool,
    pub content_html: String,
    /// Visible text of the body (search index).
    pub plain: String,
    pub assets: Vec<Asset>,
}

impl Case {
    /// Outcome is final and there are follow-ups: the loop is closed (已闭环).
    pub fn closed(&self) -> bool {
        !self.followups.is_empty() && self.outcome.as_deref().is_some_and(Config::outcome_is_final)
    }
}

/// A standalone page from `content/pages/`.
#[derive(Debug, Clone)]
pub struct Page {
    pub source: String,
    pub slug: String,
    pub title: String,
    pub updated: Option<Date>,
    pub content_html: String,
}

/// A topic and the cases that carry it.
#[derive(Debug, Clone)]
pub struct Topic {
    pub name: String,
    pub slug: String,
    pub cases: Vec<usize>,
}

/// The home page introduction (`content/_index.md`).
#[derive(Debug, Clone, Default)]
pub struct Intro {
    pub title: Option<String>,
    pub html: String,
}

/// Everything a build publishes, indexed. Case lists hold indexes into
/// `cases`, which is sorted newest first.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub cases: Vec<Case>,
    pub pages: Vec<Page>,
    pub intro: Intro,
    pub topics: Vec<Topic>,
    pub by_street: Vec<Vec<usize>>,
    pub by_committee: Vec<Vec<usize>>,
    /// Newest year first.
    pub by_year: Vec<(i16, Vec<usize>)>,
    pub typical: Vec<usize>,
    /// Per case: a number that changes whenever its rendered body changes
    /// (set by the serve cache; 0 in a one-off build).
    pub versions: Vec<u64>,
}

impl Site {
    /// Sorts cases newest first and builds every index.
    pub fn new(
        config: Config,
        cases: Vec<Case>,
        topics: Vec<Topic>,
        pages: Vec<Page>,
        intro: Intro,
    ) -> Site {
        // Newest first; ties by title then slug so output is deterministic.
        // Sorted as indexes, then each case moved once: moving whole cases
        // through a sort was most of a 10,000-case serve rebuild.
        let mut order: Vec<usize> = (0..cases.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&cases[a], &cases[b]);
            b.date
                .cmp(&a.date)
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.slug.cmp(&b.slug))
        });
        let mut slots: Vec<Option<Case>> = cases.into_iter().map(Some).collect();
        let cases: Vec<Case> = order.iter().filter_map(|&i| slots[i].take()).collect();
        let mut topics = topics;
        for t in &mut topics {
            t.cases.clear();
        }
        let mut by_street = vec![Vec::new(); config.streets.len()];
        let mut by_committee = vec![Vec::new(); config.committees.len()];
        let mut years: std::collections::BTreeMap<i16, Vec<usize>> = Default::default();
        let mut typical = Vec::new();
        for (i, c) in cases.iter().enumerate() {
            if let Some(s) = c.street {
                by_street[s].push(i);
            }
            for &k in &c.committees {
                by_committee[k].push(i);
            }
            for &t in &c.topics {
                topics[t].cases.push(i);
            }
            years.entry(c.date.year()).or_default().push(i);
            if c.typical {
                typical.push(i);
            }
        }
        let by_year = years.into_iter().rev().collect();
        let versions = vec![0; cases.len()];
        Site {
            config,
            cases,
            pages,
            intro,
            topics,
            by_street,
            by_committee,
            by_year,
            typical,
            versions,
        }
    }

    /// The path prefix every URL starts with (`/yshsl/`).
    pub fn root(&self) -> String {
        self.config.root_path()
    }
}

/// URL paths of the site, relative to the root (no leading `/`).
pub mod routes {
    pub fn case(slug: &str) -> String {
        format!("cases/{slug}/")
    }
    pub fn street(slug: &str) -> String {
        format!("streets/{slug}/")
    }
    pub fn committee(slug: &str) -> String {
        format!("committees/{slug}/")
    }
    pub fn topic(slug: &str) -> String {
        format!("topics/{slug}/")
    }
    pub fn year(year: i16) -> String {
        format!("years/{year}/")
    }
    pub fn page(slug: &str) -> String {
        format!("{slug}/")
    }
    /// Page `n` (1-based) of a paginated list at `base`.
    pub fn paginated(base: &str, n: usize) -> String {
        if n <= 1 { base.to_string() } else { format!("{base}page/{n}/") }
    }
}
