//! Machine-readable artefacts: Atom feeds, sitemap, robots.txt, and the open
//! data (`/api/cases.json`, `/api/cases.csv`). Pure: returns bytes.

use crate::dates;
use crate::model::{Case, Site, routes};
use serde::Serialize;
use std::fmt::Write as _;

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn permalink(site: &Site, path: &str) -> String {
    format!("{}{}", site.config.base_url, path)
}

/// An Atom feed of the newest cases among `cases` (indexes into site.cases).
pub fn atom(site: &Site, title: &str, feed_path: &str, html_path: &str, cases: &[usize]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n",
    );
    let updated = cases
        .iter()
        .map(|&i| case_updated(&site.cases[i]))
        .max()
        .map_or_else(|| "2000-01-01".to_string(), dates::iso);
    let _ = writeln!(out, "  <title>{}</title>", xml_escape(title));
    let _ = writeln!(out, "  <id>{}</id>", xml_escape(&permalink(site, feed_path)));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" href=\"{}\"/>",
        xml_escape(&permalink(site, feed_path))
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&permalink(site, html_path))
    );
    let _ = writeln!(out, "  <updated>{updated}T00:00:00+08:00</updated>");
    let author =
        site.config.footer.organization.clone().unwrap_or_else(|| site.config.title.clone());
    let _ = writeln!(out, "  <author><name>{}</name></author>", xml_escape(&author));
    for &i in cases.iter().take(20) {
        let c = &site.cases[i];
        let url = permalink(site, &routes::case(&c.slug));
        let _ = write!(
            out,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{}T00:00:00+08:00</published>\n    <updated>{}T00:00:00+08:00</updated>\n    <summary>{}</summary>\n",
            xml_escape(&c.title),
            xml_escape(&url),
            xml_escape(&url),
            dates::iso(c.date),
            dates::iso(case_updated(c)),
            xml_escape(&c.summary),
        );
        if let Some(s) = c.street {
            let _ = writeln!(
                out,
                "    <category term=\"{}\"/>",
                xml_escape(&site.config.streets[s].name)
            );
        }
        for &k in &c.committees {
            let _ = writeln!(
                out,
                "    <category term=\"{}\"/>",
                xml_escape(&site.config.committees[k].name)
            );
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

fn case_updated(c: &Case) -> jiff::civil::Date {
    let latest_followup = c.followups.iter().map(|f| f.date).max();
    [Some(c.date), c.updated, latest_followup].into_iter().flatten().max().unwrap_or(c.date)
}

/// `sitemap.xml` of the given page paths with optional ISO dates.
pub fn sitemap(site: &Site, pages: &[(String, Option<String>)]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, lastmod) in pages {
        let _ = write!(out, "  <url><loc>{}</loc>", xml_escape(&permalink(site, path)));
        if let Some(d) = lastmod {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots(site: &Site) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n", site.config.base_url)
}

#[derive(Serialize)]
struct FollowupRecord<'a> {
    date: String,
    text: &'a str,
}

/// One case in the open data.
#[derive(Serialize)]
struct CaseRecord<'a> {
    title: &'a str,
    date: String,
    url: String,
    street: Option<&'a str>,
    community: Option<&'a str>,
    committees: Vec<&'a str>,
    topics: Vec<&'a str>,
    typical: bool,
    outcome: Option<&'a str>,
    closed: bool,
    followups: Vec<FollowupRecord<'a>>,
    participants: &'a [String],
    location: Option<&'a str>,
    summary: &'a str,
    updated: Option<String>,
}

fn record<'a>(site: &'a Site, c: &'a Case) -> CaseRecord<'a> {
    CaseRecord {
        title: &c.title,
        date: dates::iso(c.date),
        url: permalink(site, &routes::case(&c.slug)),
        street: c.street.map(|s| site.config.streets[s].name.as_str()),
        community: c.community.as_deref(),
        committees: c.committees.iter().map(|&k| site.config.committees[k].name.as_str()).collect(),
        topics: c.topics.iter().map(|&t| site.topics[t].name.as_str()).collect(),
        typical: c.typical,
        outcome: c.outcome.as_deref(),
        closed: c.closed(),
        followups: c
            .followups
            .iter()
            .map(|f| FollowupRecord { date: dates::iso(f.date), text: &f.text })
            .collect(),
        participants: &c.participants,
        location: c.location.as_deref(),
        summary: &c.summary,
        updated: c.updated.map(dates::iso),
    }
}

/// `/api/cases.json`: every published case, newest first.
pub fn cases_json(site: &Site) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        site: &'a str,
        count: usize,
        cases: Vec<CaseRecord<'a>>,
    }
    let doc = Doc {
        site: &site.config.title,
        count: site.cases.len(),
        cases: site.cases.iter().map(|c| record(site, c)).collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// `/api/cases.csv`: UTF-8 with BOM so Excel and WPS open it right.
pub fn cases_csv(site: &Site) -> Vec<u8> {
    let mut out =
        String::from("\u{FEFF}标题,日期,街道,社区,专委会,主题,协商结果,典型案例,跟进次数,网址\r\n");
    for c in &site.cases {
        let r = record(site, c);
        let fields = [
            r.title.to_string(),
            r.date,
            r.street.unwrap_or("").to_string(),
            r.community.unwrap_or("").to_string(),
            r.committees.join("、"),
            r.topics.join("、"),
            r.outcome.unwrap_or("").to_string(),
            if r.typical { "是" } else { "否" }.to_string(),
            c.followups.len().to_string(),
            r.url,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Quotes a CSV field; a leading `= + - @` is defused so spreadsheets do
/// not run it as a formula.
fn csv_field(s: &str) -> String {
    let defused = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml() {
        assert_eq!(xml_escape("a<b>&\"c\"'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;");
    }

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("普通"), "普通");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("说\"好\""), "\"说\"\"好\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
    }
}
