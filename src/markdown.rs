//! Markdown → HTML: the only pulldown-cmark user. Pure: link targets are
//! resolved through a callback, problems come back with byte offsets.
//!
//! Chinese typography: a soft line break between two Chinese characters is
//! dropped (writers wrap lines; a space inside Chinese text is a defect).

use crate::slug::slugify;
use crate::text::is_cjk;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

/// What a relative link or image points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A link to another `.md` file (a case or a page).
    Markdown,
    /// An image or a link to any other local file (an asset beside the case).
    Asset,
}

/// The answer of the resolver for a relative link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Use this URL instead.
    Url(String),
    /// The target does not exist.
    Missing,
}

/// A problem found while rendering, at a byte range of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub range: Range<usize>,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    MissingLink {
        target: String,
        kind: LinkKind,
    },
    UnsafeLink {
        target: String,
    },
    ImageWithoutAlt {
        target: String,
    },
    /// `**` shown as written: CommonMark does not close emphasis after
    /// punctuation followed by a letter (`**说明：**本站`), a common slip.
    LiteralStars,
}

/// Rendered Markdown.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Visible text, blocks separated by newlines (search).
    pub plain: String,
    /// The text of the first paragraphs, without headings (default summary).
    pub lead: String,
    pub problems: Vec<Problem>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `body`. `resolve` maps relative link targets (without `#…`) to URLs.
pub fn render(
    body: &str,
    unsafe_html: bool,
    resolve: &dyn Fn(&str, LinkKind) -> Resolved,
) -> Rendered {
    let mut problems = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut plain = String::with_capacity(body.len());
    let mut has_raw_html = false;
    let mut lead = String::new();
    let mut in_paragraph = false;
    let mut used_ids = HashSet::new();
    // Index in `events` of the open heading start, and its collected text.
    let mut heading: Option<(usize, String)> = None;
    // Links dropped for safety: their End must be dropped too.
    let mut dropped_links = Vec::new();
    // Open image: index in events, target, alt text collected so far.
    let mut image: Option<(usize, String, String, Range<usize>)> = None;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Text(ref t) | Event::Code(ref t) => {
                // Unmatched delimiters come out as one-star text events; an
                // escaped star (`\*`) starts with its backslash.
                let src = &body.as_bytes()[range.clone()];
                if matches!(event, Event::Text(_))
                    && src == b"*"
                    && body.as_bytes().get(range.end) == Some(&b'*')
                    && (range.start == 0 || body.as_bytes()[range.start - 1] != b'*')
                {
                    // Once a line: the opening and closing pair are one mistake.
                    let same_line = problems.last().is_some_and(|p: &Problem| {
                        matches!(p.kind, ProblemKind::LiteralStars)
                            && !body[p.range.start..range.start].contains('\n')
                    });
                    if !same_line {
                        let stars = range.start..range.end + 1;
                        problems.push(Problem { range: stars, kind: ProblemKind::LiteralStars });
                    }
                }
                plain.push_str(t);
                if in_paragraph && heading.is_none() && lead.len() < 1200 {
                    lead.push_str(t);
                }
                if let Some((_, h)) = &mut heading {
                    h.push_str(t);
                }
                if let Some((_, _, alt, _)) = &mut image {
                    alt.push_str(t);
                }
                events.push(event);
            }
            Event::SoftBreak => {
                let before = last_char(&events);
                let after = body[range.end..].chars().find(|c| !c.is_whitespace());
                let join = matches!((before, after), (Some(a), Some(b)) if is_cjk(a) && is_cjk(b));
                if !join {
                    plain.push(' ');
                    events.push(Event::SoftBreak);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                has_raw_html = true;
                events.push(event);
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                heading = Some((events.len(), String::new()));
                events.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, text)) = heading.take() {
                    set_heading_id(&mut events[start], &text, level, &mut used_ids);
                }
                plain.push('\n');
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                match classify(&dest_url) {
                    Target::Unsafe => {
                        problems.push(Problem {
                            range: range.clone(),
                            kind: ProblemKind::UnsafeLink { target: dest_url.to_string() },
                        });
                        dropped_links.push(true);
                        continue;
                    }
                    Target::Relative { path, fragment } => {
                        dropped_links.push(false);
                        let kind = if path.to_ascii_lowercase().ends_with(".md") {
                            LinkKind::Markdown
                        } else {
                            LinkKind::Asset
                        };
                        let url = resolve_or_report(
                            resolve,
                            &path,
                            fragment,
                            kind,
                            &range,
                            &mut problems,
                        );
                        events.push(Event::Start(Tag::Link {
                            link_type,
                            dest_url: url.map_or(dest_url, CowStr::from),
                            title,
                            id,
                        }));
                    }
                    Target::Keep => {
                        dropped_links.push(false);
                        events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                if !dropped_links.pop().unwrap_or(false) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest = match classify(&dest_url) {
                    Target::Unsafe
                        if !dest_url.trim().to_ascii_lowercase().starts_with("data:image/") =>
                    {
                        problems.push(Problem {
                            range: range.clone(),
                            kind: ProblemKind::UnsafeLink { target: dest_url.to_string() },
                        });
                        CowStr::from("")
                    }
                    Target::Relative { path, fragment } => resolve_or_report(
                        resolve,
                        &path,
                        fragment,
                        LinkKind::Asset,
                        &range,
                        &mut problems,
                    )
                    .map_or(dest_url.clone(), CowStr::from),
                    _ => dest_url.clone(),
                };
                image = Some((events.len(), dest_url.to_string(), String::new(), range.clone()));
                events.push(Event::Start(Tag::Image { link_type, dest_url: dest, title, id }));
            }
            Event::End(TagEnd::Image) => {
                if let Some((_, target, alt, range)) = image.take()
                    && alt.trim().is_empty()
                {
                    problems.push(Problem { range, kind: ProblemKind::ImageWithoutAlt { target } });
                }
                events.push(Event::End(TagEnd::Image));
            }
            Event::Start(Tag::Paragraph) => {
                in_paragraph = true;
                events.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                in_paragraph = false;
                if !lead.is_empty() && !lead.ends_with('\n') {
                    lead.push('\n');
                }
                plain.push('\n');
                events.push(event);
            }
            Event::End(
                TagEnd::Item | TagEnd::TableRow | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            ) => {
                plain.push('\n');
                events.push(event);
            }
            Event::End(TagEnd::TableCell) => {
                plain.push(' ');
                events.push(event);
            }
            other => events.push(other),
        }
    }
    // The page title is the only <h1>: a body that uses `#` is shifted down a level.
    let shift = events
        .iter()
        .any(|e| matches!(e, Event::Start(Tag::Heading { level: HeadingLevel::H1, .. })));
    let events = events.into_iter().flat_map(|e| match e {
        Event::Start(Tag::Heading { level, id, classes, attrs }) if shift => {
            vec![Event::Start(Tag::Heading { level: demote(level), id, classes, attrs })]
        }
        Event::End(TagEnd::Heading(level)) if shift => {
            vec![Event::End(TagEnd::Heading(demote(level)))]
        }
        // Wide tables scroll inside their own box on phones.
        Event::Start(Tag::Table(a)) => {
            vec![
                Event::Html(CowStr::from("<div class=\"table-wrap\">")),
                Event::Start(Tag::Table(a)),
            ]
        }
        Event::End(TagEnd::Table) => {
            vec![Event::End(TagEnd::Table), Event::Html(CowStr::from("</div>"))]
        }
        other => vec![other],
    });
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    if has_raw_html && !unsafe_html {
        html = SANITIZER.clean(&html).to_string();
    }
    Rendered { html, plain, lead, problems }
}

fn resolve_or_report(
    resolve: &dyn Fn(&str, LinkKind) -> Resolved,
    path: &str,
    fragment: Option<&str>,
    kind: LinkKind,
    range: &Range<usize>,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    match resolve(path, kind) {
        Resolved::Url(mut url) => {
            if let Some(f) = fragment {
                url.push('#');
                url.push_str(f);
            }
            Some(url)
        }
        Resolved::Missing => {
            problems.push(Problem {
                range: range.clone(),
                kind: ProblemKind::MissingLink { target: path.to_string(), kind },
            });
            None
        }
    }
}

enum Target<'a> {
    /// A path relative to the Markdown file (no scheme, not absolute).
    Relative { path: String, fragment: Option<&'a str> },
    /// `javascript:`, `vbscript:`, `data:` and the like.
    Unsafe,
    /// Absolute URLs, `#anchors`, `mailto:`: left as written.
    Keep,
}

fn classify(dest: &str) -> Target<'_> {
    let squeezed: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    if ["javascript:", "vbscript:", "data:", "file:"].iter().any(|s| squeezed.starts_with(s)) {
        return Target::Unsafe;
    }
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with('/') || dest.contains("://") {
        return Target::Keep;
    }
    if let Some(colon) = dest.find(':')
        && !dest[..colon].contains('/')
    {
        return Target::Keep; // mailto:, tel:, …
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let decoded = percent_decode(path);
    Target::Relative { path: decoded, fragment }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn last_char(events: &[Event]) -> Option<char> {
    events.iter().rev().find_map(|e| match e {
        Event::Text(t) | Event::Code(t) => t.chars().last(),
        _ => None,
    })
}

fn set_heading_id(start: &mut Event, text: &str, level: HeadingLevel, used: &mut HashSet<String>) {
    if let Event::Start(Tag::Heading { id, .. }) = start {
        let base = match id {
            Some(existing) => existing.to_string(),
            None => {
                let s = slugify(text);
                if s.is_empty() { format!("h{}", level as usize) } else { s }
            }
        };
        let mut candidate = base.clone();
        let mut n = 1;
        while !used.insert(candidate.clone()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        *id = Some(CowStr::from(candidate));
    }
}

/// Raw HTML in Markdown is cleaned with ammonia: no scripts, no event
/// handlers, no `javascript:` URLs; structure and tables survive.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "title", "lang"])
        .add_tag_attributes("td", ["style", "align", "colspan", "rowspan"])
        .add_tag_attributes("th", ["style", "align", "colspan", "rowspan", "scope"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("ol", ["start"])
        .add_tags(["input", "figure", "figcaption", "section"])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener"));
    b
});

#[cfg(test)]
mod tests {
    use super::*;

    fn no_links(_: &str, _: LinkKind) -> Resolved {
        Resolved::Missing
    }

    fn html(md: &str) -> String {
        render(md, false, &no_links).html
    }

    #[test]
    fn joins_lines_between_chinese_characters() {
        assert_eq!(html("协商议事\n取得成效"), "<p>协商议事取得成效</p>\n");
        assert_eq!(html("协商，\n取得成效"), "<p>协商，取得成效</p>\n");
        assert_eq!(html("hello\nworld"), "<p>hello\nworld</p>\n");
        assert_eq!(html("协商 ABC\n会议"), "<p>协商 ABC\n会议</p>\n");
    }

    #[test]
    fn keeps_chinese_quotes_as_written() {
        assert_eq!(html("“嵌入式”养老"), "<p>“嵌入式”养老</p>\n");
    }

    #[test]
    fn gives_headings_pinyin_ids_unique() {
        let h = html("## 协商背景\n\n## 协商背景\n\n## 其他 {#custom}");
        assert!(h.contains(r#"<h2 id="xie-shang-bei-jing">"#), "{h}");
        assert!(h.contains(r#"<h2 id="xie-shang-bei-jing-1">"#), "{h}");
        assert!(h.contains(r#"<h2 id="custom">"#), "{h}");
    }

    #[test]
    fn demotes_body_headings_when_h1_is_used() {
        let h = html("# 背景\n\n## 细节");
        assert!(h.contains("<h2 id=\"bei-jing\">背景</h2>"), "{h}");
        assert!(h.contains("<h3 id=\"xi-jie\">细节</h3>"), "{h}");
    }

    #[test]
    fn wraps_tables_for_scrolling() {
        let h = html("| a |\n|---|\n| 1 |\n");
        assert!(h.starts_with("<div class=\"table-wrap\"><table>"), "{h}");
        assert!(
            h.trim_end().ends_with("</table>\n</div>") || h.trim_end().ends_with("</table></div>"),
            "{h}"
        );
    }

    #[test]
    fn supports_tables_footnotes_strikethrough_tasks() {
        let h = html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~删~~ 脚注[^1]\n\n[^1]: 注释\n\n- [x] 完成\n",
        );
        assert!(h.contains("<table>"));
        assert!(h.contains("<del>删</del>"));
        assert!(h.contains("footnote"));
        assert!(h.contains("checkbox"));
    }

    #[test]
    fn sanitises_raw_html_unless_unsafe() {
        let md = "<script>alert(1)</script>\n\n<p onclick=\"x()\">段落</p>\n\n<a href=\"javascript:alert(1)\">链接</a>";
        let safe = html(md);
        assert!(!safe.contains("<script"), "{safe}");
        assert!(!safe.contains("onclick"), "{safe}");
        assert!(!safe.contains("javascript:"), "{safe}");
        assert!(safe.contains("段落"));
        let raw = render(md, true, &no_links).html;
        assert!(raw.contains("<script>"));
    }

    #[test]
    fn drops_javascript_markdown_links_and_reports_them() {
        let r = render("[点我](javascript:alert(1)) 和 [d](JaVaScRiPt:x)", false, &no_links);
        assert!(!r.html.to_lowercase().contains("javascript"), "{}", r.html);
        assert!(r.html.contains("点我"));
        assert_eq!(r.problems.len(), 2);
    }

    #[test]
    fn resolves_relative_md_links_and_reports_missing_ones() {
        let resolve = |p: &str, k: LinkKind| match (p, k) {
            ("../2020/a.md", LinkKind::Markdown) => Resolved::Url("/cases/a/".into()),
            _ => Resolved::Missing,
        };
        let r = render("见[甲](../2020/a.md#guo-cheng)与[乙](b.md)", false, &resolve);
        assert!(r.html.contains(r#"href="/cases/a/#guo-cheng""#), "{}", r.html);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(
            r.problems[0].kind,
            ProblemKind::MissingLink { target: "b.md".into(), kind: LinkKind::Markdown }
        );
        assert_eq!(r.problems[0].range.start, "见[甲](../2020/a.md#guo-cheng)与".len());
    }

    #[test]
    fn reports_images_without_alt() {
        let resolve = |_: &str, _: LinkKind| Resolved::Url("/x.jpg".into());
        let r = render("![](x.jpg) ![现场](y.jpg)", false, &resolve);
        assert_eq!(r.problems.len(), 1);
        assert!(matches!(r.problems[0].kind, ProblemKind::ImageWithoutAlt { .. }));
    }

    #[test]
    fn plain_text_has_no_markup() {
        let r = render("## 标题\n\n**加粗**文字 <b>x</b>", false, &no_links);
        assert_eq!(r.plain.trim(), "标题\n加粗文字 x");
    }

    #[test]
    fn stars_left_as_written_are_reported_where_they_are() {
        let body = "**特别说明：**本站内容。\n\n**有效的加粗**：好。\n\n转义的 \\*\\* 不算。\n";
        let r = render(body, false, &|_, _| Resolved::Missing);
        let stars: Vec<usize> = r
            .problems
            .iter()
            .filter(|p| matches!(p.kind, ProblemKind::LiteralStars))
            .map(|p| p.range.start)
            .collect();
        assert_eq!(stars, vec![0], "{:?}", r.problems);
        assert!(r.html.contains("<strong>有效的加粗</strong>"), "{}", r.html);
    }
}
