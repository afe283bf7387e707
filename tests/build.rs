//! `yishi build` and `yishi check` on small fixture sites (issues 2 and 3):
//! the pages and data a site publishes, links under a sub-path, determinism,
//! atomic output, and a precise message for every mistake a writer makes.
//!
//! Each test copies one fixture of `tests/fixtures/` into a temporary folder
//! and runs the real binary on it (see `common/mod.rs`).

mod common;

use common::*;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------
// build/basic: four published cases and a draft, page_size 2
// ---------------------------------------------------------------------------

/// Titles of the four published cases of build/basic (and the draft).
const HONGWU: &str = "洪武路街道嵌入式养老协商议事会"; // 2020/8/7, 洪武路, 人口环境委 (short)
const HOME: &str = "夫子庙街道委员之家协商议事"; // 2021.3.15, 夫子庙, typical, bundle
const JOINT: &str = "夫子庙街道与两委联合协商停车难"; // 2022年5月20日, 夫子庙 + two committees
const LIFT: &str = "经科委加装电梯专题协商"; // 2019-11-02, committee by slug only
const DRAFT: &str = "草稿案例不应发布";
const ALL: [&str; 4] = [HONGWU, HOME, JOINT, LIFT];

fn basic() -> TestSite {
    let site = TestSite::fixture("build/basic");
    site.build_ok(&[]);
    site
}

/// Panics unless `page` shows exactly the titles of `expected` among `ALL`.
fn assert_lists(site: &TestSite, page: &str, expected: &[&str]) {
    let html = site.read(page);
    for title in ALL.iter().chain([DRAFT].iter()) {
        assert_eq!(
            html.contains(title),
            expected.contains(title),
            "{page}: {title} should {}be listed",
            if expected.contains(title) { "" } else { "not " }
        );
    }
}

/// The `href` of the first `<a>` whose tag carries `rel="<rel>"`.
fn link_with_rel(html: &str, rel: &str) -> Option<String> {
    let needle = format!("rel=\"{rel}\"");
    html.match_indices("<a ").find_map(|(i, _)| {
        let tag = &html[i..i + html[i..].find('>')?];
        tag.contains(&needle).then(|| attr_values(tag, "href").into_iter().next()).flatten()
    })
}

/// The part of a case page that holds the Markdown body.
fn case_body(html: &str) -> &str {
    let start = html.find("case-body").expect("case page has a case-body");
    let end = html[start..].find("</article>").map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[test]
fn basic_site_builds_with_a_summary_line_and_only_warnings() {
    let site = TestSite::fixture("build/basic");
    let r = site.build(&[]);
    r.assert_code(0);
    assert!(r.stdout.contains("4 个案例"), "summary line names the case count: {}", r.stdout);
    assert!(r.errors().is_empty(), "{}", r.stderr);
    assert_eq!(r.summary(), Some((0, r.warnings().len())));
}

#[test]
fn lists_each_case_on_its_street_committee_topic_and_year_pages() {
    let site = basic();
    for (page, expected) in [
        ("streets/fuzimiao/index.html", &[HOME, JOINT][..]),
        ("streets/hongwulu/index.html", &[HONGWU][..]),
        ("streets/qinhong/index.html", &[][..]),
        ("committees/jingkewei/index.html", &[JOINT, LIFT][..]),
        ("committees/renkouhuanjingwei/index.html", &[HONGWU, JOINT][..]),
        ("committees/tiyanwei/index.html", &[][..]),
        ("topics/qian-ru-shi-yang-lao/index.html", &[HONGWU][..]),
        ("topics/she-qu-zhi-li/index.html", &[HONGWU, JOINT][..]),
        ("topics/jia-zhuang-dian-ti/index.html", &[LIFT][..]),
        ("years/2019/index.html", &[LIFT][..]),
        ("years/2020/index.html", &[HONGWU][..]),
        ("years/2021/index.html", &[HOME][..]),
        ("years/2022/index.html", &[JOINT][..]),
        ("typical/index.html", &[HOME][..]),
    ] {
        assert_lists(&site, page, expected);
    }
}

#[test]
fn lists_every_street_and_committee_in_site_order_with_zero_counts() {
    let site = basic();
    let streets = site.read("streets/index.html");
    let pos = |html: &str, s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(pos(&streets, "夫子庙街道") < pos(&streets, "洪武路街道"));
    assert!(pos(&streets, "洪武路街道") < pos(&streets, "秦虹街道"));
    let after = &streets[pos(&streets, "秦虹街道")..];
    let item = &after[..after.find("</li>").unwrap_or(after.len())];
    assert!(item.contains('0'), "秦虹街道 shows its zero count: {item}");
    assert!(streets.contains("/streets/qinhong/"));

    let committees = site.read("committees/index.html");
    assert!(pos(&committees, "经济科技委员会") < pos(&committees, "人口资源环境委员会"));
    assert!(pos(&committees, "人口资源环境委员会") < pos(&committees, "提案委员会"));
    let after = &committees[pos(&committees, "提案委员会")..];
    let item = &after[..after.find("</li>").unwrap_or(after.len())];
    assert!(item.contains('0'), "提案委员会 shows its zero count: {item}");
    assert!(site.has("committees/tiyanwei/index.html"));

    let topics = site.read("topics/index.html");
    for t in ["嵌入式养老", "社区治理", "加装电梯"] {
        assert!(topics.contains(t), "topics page lists {t}");
    }
    let years = site.read("years/index.html");
    for y in ["2019", "2020", "2021", "2022"] {
        assert!(years.contains(&format!("/years/{y}/")), "years page links {y}");
    }
}

#[test]
fn paginates_all_cases_by_page_size() {
    let site = basic();
    assert_lists(&site, "cases/index.html", &[JOINT, HOME]);
    assert_lists(&site, "cases/page/2/index.html", &[HONGWU, LIFT]);
    assert!(!site.has("cases/page/3"), "4 cases at 2 a page make 2 pages");
    assert!(!site.has("cases/page/1"), "page 1 is /cases/ itself");
    assert!(site.read("cases/index.html").contains("href=\"/cases/page/2/\""));
    assert!(site.read("cases/page/2/index.html").contains("href=\"/cases/\""));
}

#[test]
fn links_previous_and_next_cases_on_case_pages() {
    let site = basic();
    // Newest first: JOINT (2022), HOME (2021), HONGWU (2020), LIFT (2019).
    let home = site.read("cases/fuzimiao-home/index.html");
    assert_eq!(link_with_rel(&home, "prev").as_deref(), Some("/cases/hong-wu-lu-yang-lao/"));
    assert_eq!(link_with_rel(&home, "next").as_deref(), Some("/cases/joint/"));
    let newest = site.read("cases/joint/index.html");
    assert_eq!(link_with_rel(&newest, "next"), None);
    assert_eq!(link_with_rel(&newest, "prev").as_deref(), Some("/cases/fuzimiao-home/"));
    let oldest = site.read("cases/committee-only/index.html");
    assert_eq!(link_with_rel(&oldest, "prev"), None);
    assert_eq!(link_with_rel(&oldest, "next").as_deref(), Some("/cases/hong-wu-lu-yang-lao/"));
}

#[test]
fn case_page_shows_its_facts_with_links_and_follow_ups() {
    let site = basic();
    let html = site.read("cases/hong-wu-lu-yang-lao/index.html");
    for s in [
        "href=\"/streets/hongwulu/\"",
        "常府街社区",
        "href=\"/committees/renkouhuanjingwei/\"",
        "人口资源环境委员会",
        "href=\"/topics/qian-ru-shi-yang-lao/\"",
        "href=\"/topics/she-qu-zhi-li/\"",
        "推进中",
        "首个嵌入式养老服务站建成",
        "2020年10月15日",
    ] {
        assert!(html.contains(s), "case page shows {s}");
    }
}

#[test]
fn home_page_shows_intro_typical_and_latest_cases_and_ways_in() {
    let site = basic();
    let home = site.read("index.html");
    assert!(home.contains("首页介绍标记"), "content/_index.md is the introduction");
    for t in ALL {
        assert!(home.contains(t), "home lists latest case {t}");
    }
    assert!(!home.contains(DRAFT));
    for link in ["/streets/", "/committees/", "/topics/", "/years/", "/typical/"] {
        assert!(home.contains(&format!("href=\"{link}\"")), "home links {link}");
    }
}

#[test]
fn publishes_standalone_pages_and_a_404_page() {
    let site = basic();
    let about = site.read("about/index.html");
    assert!(about.contains("关于本站") && about.contains("关于页标记"));
    let not_found = site.read("404.html");
    assert!(not_found.contains("<h1"));
    // 404.html is served at any depth: no link may be relative.
    for v in ["href", "src", "action"].iter().flat_map(|a| attr_values(&not_found, a)) {
        assert!(
            v.starts_with('/') || v.starts_with('#') || v.contains("://"),
            "404.html has a relative link {v}"
        );
    }
}

#[test]
fn copies_bundle_cover_beside_its_case_page() {
    let site = basic();
    let source = std::fs::read(site.path("content/cases/2021/fuzimiao-home/cover.jpg")).unwrap();
    assert_eq!(site.bytes("cases/fuzimiao-home/cover.jpg"), source);
    let html = site.read("cases/fuzimiao-home/index.html");
    assert!(html.contains("src=\"/cases/fuzimiao-home/cover.jpg\""), "cover shown");
    assert!(html.contains("alt=\"委员之家协商现场\""), "cover_alt is the alt text");
}

#[test]
fn open_data_json_lists_every_published_case_with_its_facts() {
    let site = basic();
    let json: serde_json::Value = serde_json::from_str(&site.read("api/cases.json")).unwrap();
    let cases = json["cases"].as_array().expect("cases array");
    assert_eq!(cases.len(), 4);
    assert_eq!(json["count"], 4);
    let by_title =
        |t: &str| cases.iter().find(|c| c["title"] == t).unwrap_or_else(|| panic!("{t} in JSON"));
    let joint = by_title(JOINT);
    assert_eq!(joint["date"], "2022-05-20");
    assert_eq!(joint["url"], "https://example.gov.cn/cases/joint/");
    assert_eq!(joint["street"], "夫子庙街道");
    assert_eq!(joint["committees"], serde_json::json!(["经济科技委员会", "人口资源环境委员会"]));
    let hongwu = by_title(HONGWU);
    assert_eq!(hongwu["date"], "2020-08-07");
    assert_eq!(hongwu["topics"], serde_json::json!(["嵌入式养老", "社区治理"]));
    assert_eq!(hongwu["community"], "常府街社区");
    assert_eq!(hongwu["outcome"], "推进中");
    let lift = by_title(LIFT);
    assert!(lift["street"].is_null());
    assert_eq!(lift["committees"], serde_json::json!(["经济科技委员会"]));
    assert_eq!(by_title(HOME)["typical"], true);
}

#[test]
fn open_data_csv_starts_with_a_bom_and_has_a_row_per_case() {
    let site = basic();
    let bytes = site.bytes("api/cases.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel and WPS");
    let text = String::from_utf8(bytes).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(rows.len(), 5, "header + 4 cases:\n{text}");
    for t in ALL {
        assert!(text.contains(t));
    }
    assert!(!text.contains(DRAFT));
}

/// (feed title, entry titles, entry `published` values) of an Atom feed.
fn atom(xml: &str) -> (String, Vec<String>, Vec<String>) {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("feed is XML: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    let child_text = |n: roxmltree::Node, name: &str| {
        n.children().find(|c| c.has_tag_name(name)).and_then(|c| c.text()).unwrap_or("").to_string()
    };
    let entries: Vec<_> = root.children().filter(|n| n.has_tag_name("entry")).collect();
    (
        child_text(root, "title"),
        entries.iter().map(|e| child_text(*e, "title")).collect(),
        entries.iter().map(|e| child_text(*e, "published")).collect(),
    )
}

#[test]
fn feeds_are_atom_xml_for_the_site_each_street_and_each_committee() {
    let site = basic();
    let (_, titles, published) = atom(&site.read("feed.xml"));
    assert_eq!(titles, vec![JOINT, HOME, HONGWU, LIFT]);
    assert!(published[2].starts_with("2020-08-07"), "ISO dates in feeds: {published:?}");
    let (title, titles, _) = atom(&site.read("streets/fuzimiao/feed.xml"));
    assert!(title.contains("夫子庙街道"));
    assert_eq!(titles, vec![JOINT, HOME]);
    let (_, titles, _) = atom(&site.read("streets/qinhong/feed.xml"));
    assert!(titles.is_empty());
    let (title, titles, _) = atom(&site.read("committees/jingkewei/feed.xml"));
    assert!(title.contains("经济科技委员会"));
    assert_eq!(titles, vec![JOINT, LIFT]);
    let (_, titles, _) = atom(&site.read("committees/renkouhuanjingwei/feed.xml"));
    assert_eq!(titles, vec![JOINT, HONGWU]);
}

#[test]
fn sitemap_lists_every_case_url_and_robots_points_to_it() {
    let site = basic();
    let xml = site.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("sitemap is XML");
    let locs: BTreeSet<&str> =
        doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
    for slug in ["hong-wu-lu-yang-lao", "fuzimiao-home", "joint", "committee-only"] {
        assert!(locs.contains(format!("https://example.gov.cn/cases/{slug}/").as_str()), "{slug}");
    }
    assert!(locs.contains("https://example.gov.cn/"));
    assert!(!locs.iter().any(|l| l.contains("draft-case")));
    let robots = site.read("robots.txt");
    assert!(robots.contains("Sitemap: https://example.gov.cn/sitemap.xml"), "{robots}");
}

#[test]
fn drafts_are_published_only_with_the_drafts_flag() {
    let site = basic();
    assert!(!site.has("cases/draft-case"));
    for (path, bytes) in site.snapshot() {
        assert!(!String::from_utf8_lossy(&bytes).contains(DRAFT), "draft leaks into {path}");
    }
    site.build_ok(&["--drafts"]);
    assert!(site.read("cases/draft-case/index.html").contains(DRAFT));
    assert!(site.read("streets/hongwulu/index.html").contains(DRAFT));
    assert!(site.has("cases/page/3/index.html"), "5 cases at 2 a page make 3 pages");
    let json: serde_json::Value = serde_json::from_str(&site.read("api/cases.json")).unwrap();
    assert_eq!(json["cases"].as_array().unwrap().len(), 5);
}

#[test]
fn shows_dates_in_chinese_on_pages_and_iso_in_data_for_every_accepted_form() {
    let site = basic();
    // Written as 2020/8/7, 2021.3.15, 2022年5月20日 and 2019-11-02.
    for (page, chinese) in [
        ("cases/hong-wu-lu-yang-lao/index.html", "2020年8月7日"),
        ("cases/fuzimiao-home/index.html", "2021年3月15日"),
        ("cases/joint/index.html", "2022年5月20日"),
        ("cases/committee-only/index.html", "2019年11月2日"),
    ] {
        assert!(site.read(page).contains(chinese), "{page} shows {chinese}");
    }
    let json = site.read("api/cases.json");
    for iso in ["2020-08-07", "2021-03-15", "2022-05-20", "2019-11-02"] {
        assert!(json.contains(&format!("\"{iso}\"")), "JSON has {iso}");
    }
}

#[test]
fn matches_committees_by_name_short_name_and_slug() {
    let site = basic();
    // 人口环境委 (short) → HONGWU; renkouhuanjingwei (slug) → JOINT;
    // jingkewei (slug) → LIFT; 经济科技委员会 (name) → JOINT.
    let html = site.read("committees/renkouhuanjingwei/index.html");
    assert!(html.contains(HONGWU) && html.contains(JOINT));
    let html = site.read("committees/jingkewei/index.html");
    assert!(html.contains(LIFT) && html.contains(JOINT));
}

#[test]
fn joint_case_appears_on_its_street_and_both_committee_lists() {
    let site = basic();
    for page in [
        "streets/fuzimiao/index.html",
        "committees/jingkewei/index.html",
        "committees/renkouhuanjingwei/index.html",
    ] {
        assert!(site.read(page).contains(JOINT), "{page}");
    }
    let html = site.read("cases/joint/index.html");
    assert!(html.contains("href=\"/committees/jingkewei/\""));
    assert!(html.contains("href=\"/committees/renkouhuanjingwei/\""));
}

#[test]
fn splits_topics_written_as_one_string_with_a_warning() {
    let site = TestSite::fixture("build/basic");
    let r = site.build(&[]);
    r.assert_code(0);
    r.expect_warning("content/cases/2020/洪武路养老.md:7:9", &["topics", "提示"]);
    assert_lists(&site, "topics/qian-ru-shi-yang-lao/index.html", &[HONGWU]);
    assert!(site.read("topics/she-qu-zhi-li/index.html").contains(HONGWU));
    assert!(!site.has("topics/qian-ru-shi-yang-lao-she-qu-zhi-li"));
}

#[test]
fn default_slug_is_the_pinyin_of_a_chinese_file_name() {
    let site = basic();
    assert!(site.read("cases/hong-wu-lu-yang-lao/index.html").contains(HONGWU));
    assert!(site.read("cases/fuzimiao-home/index.html").contains(HOME), "bundle: folder name");
}

#[test]
fn relative_links_to_another_cases_md_become_its_url() {
    let site = basic();
    let hongwu = site.read("cases/hong-wu-lu-yang-lao/index.html");
    assert!(case_body(&hongwu).contains("href=\"/cases/fuzimiao-home/\""), "bundle index.md link");
    let joint = site.read("cases/joint/index.html");
    assert!(
        case_body(&joint).contains("href=\"/cases/hong-wu-lu-yang-lao/\""),
        "Chinese file name"
    );
    assert!(!joint.contains(".md\""), "no link to a .md file is left");
}

#[test]
fn joins_chinese_lines_without_a_space() {
    let site = basic();
    let html = site.read("cases/hong-wu-lu-yang-lao/index.html");
    assert!(case_body(&html).contains("居民反映养老服务不足"), "{}", case_body(&html));
}

#[test]
fn sanitises_raw_html_and_drops_javascript_and_data_links() {
    let site = TestSite::fixture("build/basic");
    let r = site.build(&[]);
    r.assert_code(0);
    r.expect_warning("content/cases/2020/洪武路养老.md:23:1", &["javascript:alert(1)"]);
    r.expect_warning("content/cases/2020/洪武路养老.md:25:1", &["data:text/html"]);
    let html = site.read("cases/hong-wu-lu-yang-lao/index.html");
    let body = case_body(&html);
    assert!(!html.contains("xss-marker"), "raw <script> is removed");
    assert!(!body.contains("<script"));
    assert!(!html.contains("onclick") && !html.contains("steal()"), "event handlers removed");
    assert!(!html.contains("onerror"), "event handlers removed");
    assert!(!html.to_ascii_lowercase().contains("javascript:"), "javascript: links dropped");
    assert!(!html.contains("data:text/html"), "data: link dropped");
    for text in ["点击段落标记", "危险链接标记", "数据链接标记", "原始链接标记"]
    {
        assert!(body.contains(text), "the text {text} is kept");
    }
}

#[test]
fn renders_tables_footnotes_strikethrough_task_lists_and_heading_ids() {
    let site = basic();
    let html = site.read("cases/committee-only/index.html");
    let body = case_body(&html);
    assert!(body.contains("<table>"), "{body}");
    assert!(body.contains("<del>旧方案</del>"), "{body}");
    assert!(body.contains("脚注内容标记") && body.contains("footnote"), "{body}");
    assert!(body.contains("type=\"checkbox\""), "{body}");
    assert!(body.contains("<h2 id=\"xie-shang-bei-jing\">"), "pinyin heading id: {body}");
}

#[test]
fn default_summary_is_body_text_without_headings_or_stray_spaces() {
    let site = basic();
    let json: serde_json::Value = serde_json::from_str(&site.read("api/cases.json")).unwrap();
    for case in json["cases"].as_array().unwrap() {
        let summary = case["summary"].as_str().unwrap();
        let title = case["title"].as_str().unwrap();
        assert!(!summary.is_empty(), "{title}: a summary from the text");
        // Every case body opens with a heading (协商背景, 协商过程, 协商成果).
        assert!(
            !summary.starts_with("协商背景")
                && !summary.starts_with("协商过程")
                && !summary.starts_with("协商成果"),
            "{title}: summary starts with the heading: {summary}"
        );
        let chars: Vec<char> = summary.chars().collect();
        for w in chars.windows(3) {
            let cjk = |c: char| c as u32 >= 0x2E80;
            assert!(
                !(w[1] == ' ' && cjk(w[0]) && cjk(w[2])),
                "{title}: stray space inside Chinese text: {summary}"
            );
        }
    }
}

#[test]
fn street_page_lists_its_communities_and_every_section_page_exists() {
    let site = basic();
    assert!(site.read("streets/hongwulu/index.html").contains("常府街社区"));
    for page in ["search/index.html", "stats/index.html", "typical/index.html", "404.html"] {
        assert!(site.has(page), "{page} exists so navigation is complete");
    }
}

#[test]
fn every_page_has_lang_zh_cn_one_h1_and_the_footer() {
    let site = basic();
    let tree = site.snapshot();
    let pages = html_pages(&tree);
    assert!(pages.len() >= 25, "only {} pages", pages.len());
    for (path, html) in pages {
        assert!(html.contains("<html lang=\"zh-CN\""), "{path}: lang=\"zh-CN\"");
        assert_eq!(count_h1(&html), 1, "{path}: exactly one <h1>");
        for footer in [
            "测试区政协办公室",
            "测试路1号",
            "电话 025-00000000",
            "苏ICP备12345678号-1",
            "https://beian.miit.gov.cn/",
            "苏公网安备 32010400000001号",
            "3201040001",
        ] {
            assert!(html.contains(footer), "{path}: footer shows {footer}");
        }
    }
}

#[test]
fn no_resource_comes_from_another_host() {
    let site = basic();
    for (path, html) in html_pages(&site.snapshot()) {
        for src in attr_values(&html, "src") {
            assert!(!src.contains("://") && !src.starts_with("//"), "{path} loads {src}");
        }
        let mut rest = html.as_str();
        while let Some(i) = rest.find("<link ") {
            let tag = &rest[i..i + rest[i..].find('>').unwrap_or(0)];
            if tag.contains("stylesheet") || tag.contains("icon") || tag.contains("preload") {
                for href in attr_values(tag, "href") {
                    assert!(!href.contains("://"), "{path} loads {href}");
                }
            }
            rest = &rest[i + 6..];
        }
    }
}

// ---------------------------------------------------------------------------
// build/escaping: front matter values are escaped everywhere
// ---------------------------------------------------------------------------

#[test]
fn escapes_front_matter_values_in_html_feeds_json_and_csv() {
    let site = TestSite::fixture("build/escaping");
    site.build_ok(&[]);
    let title = "<b>加粗</b> & \"引号\", <script>alert(1)</script>";
    for (path, html) in html_pages(&site.snapshot()) {
        assert!(!html.contains("<b>加粗"), "{path}: title is escaped");
        assert!(!html.contains("<script>alert(1)"), "{path}: title is escaped");
    }
    assert!(site.read("cases/escaping/index.html").contains("&lt;b&gt;加粗"));
    let (_, titles, _) = atom(&site.read("feed.xml"));
    assert_eq!(titles, vec![title]);
    let json: serde_json::Value = serde_json::from_str(&site.read("api/cases.json")).unwrap();
    assert_eq!(json["cases"][0]["title"], title);
    assert_eq!(json["cases"][0]["community"], "=1+2社区");
    let csv = site.read("api/cases.csv");
    assert!(csv.contains("\"<b>加粗</b> & \"\"引号\"\", <script>alert(1)</script>\""), "{csv}");
    assert!(!csv.contains(",=1+2社区"), "a formula is defused in CSV: {csv}");
}

// ---------------------------------------------------------------------------
// build/subpath: every internal link works under base_url's sub-path
// ---------------------------------------------------------------------------

/// Checks every link of an output tree served under `prefix` (`/yshsl/`);
/// `base_url` (`https://host/yshsl/`) marks absolute links to the site
/// itself. Returns how many links it followed and the broken ones as
/// "page: link (why)".
fn broken_links(tree: &Tree, prefix: &str, base_url: &str) -> (usize, Vec<String>) {
    let exists = |rel: &str| -> bool {
        let rel = percent_decode(rel);
        if rel.is_empty() || rel.ends_with('/') {
            tree.contains_key(&format!("{rel}index.html"))
        } else {
            tree.contains_key(&rel) || tree.contains_key(&format!("{rel}/index.html"))
        }
    };
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, bytes) in tree {
        let is_html = page.ends_with(".html");
        let is_css = page.ends_with(".css");
        let is_xml = page.ends_with(".xml");
        if !(is_html || is_css || is_xml) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let mut links: Vec<String> = Vec::new();
        if is_html || is_xml {
            for attr in ["href", "src", "action"] {
                links.extend(attr_values(&text, attr));
            }
        }
        if is_xml {
            let doc = roxmltree::Document::parse(&text).expect("XML output parses");
            links.extend(
                doc.descendants()
                    .filter(|n| n.has_tag_name("loc") || n.has_tag_name("id"))
                    .filter_map(|n| n.text().map(str::to_string)),
            );
        }
        if is_css {
            for part in text.split("url(").skip(1) {
                let end = part.find(')').unwrap_or(0);
                links.push(part[..end].trim_matches(['"', '\'', ' ']).to_string());
            }
        }
        let page_dir = page.rfind('/').map_or("", |i| &page[..=i]);
        for link in links {
            checked += 1;
            let target = link.split(['#', '?']).next().unwrap_or("").to_string();
            let rel = if let Some(rest) = link.strip_prefix(base_url) {
                rest.split(['#', '?']).next().unwrap_or("").to_string()
            } else if link.starts_with("//") {
                broken.push(format!("{page}: {link} (another host)"));
                continue;
            } else if link.starts_with('/') {
                match target.strip_prefix(prefix) {
                    Some(rest) => rest.to_string(),
                    None => {
                        broken.push(format!("{page}: {link} (outside {prefix})"));
                        continue;
                    }
                }
            } else if link.is_empty()
                || link.starts_with('#')
                || link.contains("://")
                || link.starts_with("mailto:")
                || link.starts_with("tel:")
                || link.starts_with("data:")
            {
                continue;
            } else {
                // Relative to the page's folder.
                let mut parts: Vec<&str> = page_dir.split('/').filter(|p| !p.is_empty()).collect();
                for seg in target.split('/') {
                    match seg {
                        "" | "." => {}
                        ".." => {
                            parts.pop();
                        }
                        s => parts.push(s),
                    }
                }
                let mut rel = parts.join("/");
                if target.ends_with('/') {
                    rel.push('/');
                }
                rel
            };
            if !exists(&rel) {
                broken.push(format!("{page}: {link} (no such file)"));
            }
        }
    }
    (checked, broken)
}

#[test]
fn link_checker_catches_missing_files_foreign_prefixes_and_bad_relative_links() {
    let page = br##"<a href="/yshsl/cases/a/">ok</a><a href="/yshsl/cases/gone/">x</a>
<a href="/cases/a/">x</a><link href="../style.css"><img src="pic.png"><a href="#top">ok</a>
<a href="https://www.example.gov.cn/yshsl/cases/a/">ok</a><a href="https://elsewhere.cn/">ok</a>"##;
    let mut t = Tree::new();
    t.insert("cases/a/index.html".into(), page.to_vec());
    t.insert("cases/style.css".into(), b"body{background:url(img/none.png)}".to_vec());
    let (checked, broken) = broken_links(&t, "/yshsl/", "https://www.example.gov.cn/yshsl/");
    assert_eq!(checked, 9);
    assert_eq!(broken.len(), 4, "{broken:#?}");
    assert!(broken.iter().any(|b| b.contains("pic.png (no such file)")));
    assert!(broken.iter().any(|b| b.contains("/yshsl/cases/gone/")));
    assert!(broken.iter().any(|b| b.contains("outside /yshsl/")));
    assert!(broken.iter().any(|b| b.contains("img/none.png")));
}

#[test]
fn every_internal_link_resolves_under_the_base_url_sub_path() {
    let site = TestSite::fixture("build/subpath");
    site.build_ok(&[]);
    let tree = site.snapshot();
    assert!(tree.contains_key("cases/fuzimiao-home/photo.png"), "bundle image copied");
    let (checked, broken) = broken_links(&tree, "/yshsl/", "https://www.example.gov.cn/yshsl/");
    assert!(checked > 500, "only {checked} links checked");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    // The checker is not vacuous: case links really carry the prefix.
    let hongwu = site.read("cases/hongwu/index.html");
    assert!(hongwu.contains("href=\"/yshsl/cases/fuzimiao-home/\""), "md link under prefix");
    assert!(hongwu.contains("href=\"/yshsl/streets/hongwulu/\""));
    assert!(site.read("index.html").contains("href=\"/yshsl/style.css\""));
}

#[test]
fn base_url_option_overrides_site_yaml_for_every_link() {
    let site = TestSite::fixture("build/subpath");
    site.build_ok(&["--base-url", "https://other.example/x/"]);
    let tree = site.snapshot();
    let (checked, broken) = broken_links(&tree, "/x/", "https://other.example/x/");
    assert!(checked > 500, "only {checked} links checked");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    for (path, bytes) in &tree {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("/yshsl/"), "{path} still links under /yshsl/");
    }
    assert!(site.read("feed.xml").contains("https://other.example/x/cases/"));
    assert!(site.read("robots.txt").contains("https://other.example/x/sitemap.xml"));
}

// ---------------------------------------------------------------------------
// build/determinism and build/atomic
// ---------------------------------------------------------------------------

#[test]
fn two_builds_of_the_same_site_are_byte_identical() {
    let a = TestSite::fixture("build/determinism");
    let b = TestSite::fixture("build/determinism");
    a.build_ok(&[]);
    let other = a.scratch().join("elsewhere");
    a.build_ok(&["--output", other.to_str().unwrap()]);
    b.build_ok(&[]);
    let first = a.snapshot();
    assert!(first.len() > 20);
    assert_same_tree(&first, &tree(&other), "second build of the same folder");
    assert_same_tree(&first, &b.snapshot(), "build of a copy in another folder");
}

#[test]
fn failed_build_keeps_previous_output_byte_identical() {
    let site = TestSite::fixture("build/atomic");
    site.build_ok(&[]);
    let before = site.snapshot();
    let case = site.path("content/cases/a.md");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, text.replace("street: 夫子庙街道", "street: 不存在街道")).unwrap();
    let r = site.build(&[]);
    r.assert_code(1);
    r.expect_error("content/cases/a.md:4:9", &["不存在街道"]);
    assert_same_tree(&before, &site.snapshot(), "output after a failed build");
    let leftovers: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("yishi"))
        .collect();
    assert!(leftovers.is_empty(), "a failed build leaves no staging folder: {leftovers:?}");
}

#[test]
fn next_build_removes_staging_folders_of_killed_builds() {
    let site = TestSite::fixture("build/atomic");
    site.build_ok(&[]);
    let pid = dead_pid();
    let staging = site.path(&format!(".public.yishi-staging-{pid}"));
    std::fs::create_dir_all(staging.join("cases")).unwrap();
    std::fs::write(staging.join("cases/half-written.html"), "<p>half").unwrap();
    let old = site.path(&format!(".public.yishi-old-{pid}"));
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(old.join("index.html"), "old").unwrap();
    site.build_ok(&[]);
    assert!(!staging.exists(), "leftover staging folder removed");
    assert!(!old.exists(), "leftover old output removed");
    assert!(site.has("index.html"));
}

#[test]
fn build_killed_midway_leaves_the_old_or_the_new_output_never_a_mix() {
    let site = TestSite::fixture("build/atomic");
    for i in 0..40 {
        site.write(
            &format!("content/cases/gen/case-{i:03}.md"),
            format!(
                "---\ntitle: 生成的案例{i}\ndate: 2021-01-{:02}\nstreet: 洪武路街道\ntopics: [主题{}]\n---\n{}\n",
                i % 28 + 1,
                i % 7,
                "协商议事取得成效。".repeat(200)
            ),
        );
    }
    site.build_ok(&[]);
    let old = site.snapshot();
    let case = site.path("content/cases/a.md");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, text.replace("夫子庙委员之家", "夫子庙委员之家（修订）")).unwrap();
    let new_out = site.scratch().join("new");
    site.build_ok(&["--output", new_out.to_str().unwrap()]);
    let new = tree(&new_out);
    assert!(new != old);
    for delay_ms in [10, 60, 150, 300] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_yishi"))
            .args(["build", "--root"])
            .arg(&site.root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = site.snapshot();
        assert!(now == old || now == new, "after a kill at {delay_ms} ms the output is a mix");
    }
    site.build_ok(&[]);
    assert_same_tree(&new, &site.snapshot(), "build after kills");
    let leftovers: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("yishi"))
        .collect();
    assert!(leftovers.is_empty(), "staging of killed builds cleaned up: {leftovers:?}");
}

// ---------------------------------------------------------------------------
// build/unsafe_html and build/theme_override
// ---------------------------------------------------------------------------

#[test]
fn unsafe_html_true_keeps_raw_html() {
    let site = TestSite::fixture("build/unsafe_html");
    site.build_ok(&[]);
    let html = site.read("cases/raw/index.html");
    let body = case_body(&html);
    assert!(body.contains("<script>var rawMarker = 1;</script>"), "{body}");
    assert!(body.contains("onclick=\"rawClick()\""), "{body}");
    assert!(body.contains("<iframe"), "{body}");
}

#[test]
fn site_templates_override_the_themes_file_by_file() {
    let site = TestSite::fixture("build/theme_override");
    site.build_ok(&[]);
    let case = site.read("cases/override/index.html");
    assert!(case.contains("OVERRIDE-CASE-TEMPLATE"), "site's case.html is used");
    assert!(case.contains("<html lang=\"zh-CN\""), "it still extends the theme's base.html");
    assert!(case.contains("测试区政协办公室"), "footer from the theme's base.html");
    assert!(!site.read("index.html").contains("OVERRIDE-CASE-TEMPLATE"), "only case pages");
    assert!(site.read("cases/index.html").contains("模板覆盖测试案例"), "list from the theme");
}

// ---------------------------------------------------------------------------
// errors/*: one fixture per mistake (issue 3, SPEC §3)
// ---------------------------------------------------------------------------

/// Builds the valid base site, lays `scenario` over it and builds again.
/// When the second build fails, the first build's output must be untouched.
fn build_broken(scenario: &str) -> (TestSite, Run) {
    let site = TestSite::error_base();
    site.build_ok(&[]);
    let before = site.snapshot();
    site.overlay(scenario);
    let r = site.build(&[]);
    r.assert_no_panic();
    if r.code != 0 {
        assert_same_tree(&before, &site.snapshot(), &format!("output after {scenario}"));
    }
    (site, r)
}

/// Like [`build_broken`], with files written by the test (bytes that are
/// awkward to keep in a fixture: encodings, line ends, invisible characters).
fn build_with(files: &[(&str, &[u8])]) -> (TestSite, Run) {
    let site = TestSite::error_base();
    site.build_ok(&[]);
    let before = site.snapshot();
    for (path, bytes) in files {
        site.write(path, bytes);
    }
    let r = site.build(&[]);
    r.assert_no_panic();
    if r.code != 0 {
        assert_same_tree(&before, &site.snapshot(), "output after a failed build");
    }
    (site, r)
}

/// A valid case with its street line replaced by `street_line`.
fn case_text(street_line: &str) -> String {
    format!(
        "---\ntitle: 写入的测试案例\ndate: 2020-08-07\n{street_line}\n---\n协商议事\n取得成效。\n"
    )
}

#[test]
fn reports_misspelt_key_with_suggestion() {
    let (_, r) = build_broken("unknown_key");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:4:1", &["comittee", "您是否指 committee"]);
}

#[test]
fn reports_unknown_street_with_line_and_suggestion() {
    let (_, r) = build_broken("unknown_street");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:4:9", &["夫子庙街", "您是否指 夫子庙街道"]);
}

#[test]
fn reports_unknown_committee_in_a_list_at_its_column() {
    let (_, r) = build_broken("unknown_committee");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:4:20", &["经科会", "经科委"]);
    assert_eq!(r.errors().len(), 1, "人口环境委 (short name) is fine:\n{}", r.stderr);
}

#[test]
fn reports_unknown_outcome_with_the_allowed_values() {
    let (_, r) = build_broken("unknown_outcome");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:5:10", &["已完成", "已落实"]);
}

#[test]
fn reports_missing_title() {
    let (_, r) = build_broken("missing_title");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:2:1", &["title", "提示"]);
}

#[test]
fn reports_missing_date() {
    let (_, r) = build_broken("missing_date");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:2:1", &["date", "2020-08-07"]);
}

#[test]
fn reports_impossible_date() {
    let (_, r) = build_broken("impossible_date");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:3:7", &["2021年2月30日", "不存在"]);
}

#[test]
fn reports_unparseable_date_with_the_accepted_forms() {
    let (_, r) = build_broken("unparseable_date");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:3:7", &["去年八月", "2020-08-07", "2020年8月7日"]);
}

#[test]
fn warns_about_a_future_date_and_still_builds() {
    let (site, r) = build_broken("future_date");
    r.assert_code(0);
    r.expect_warning("content/cases/bad.md:3:1", &["2099年1月1日"]);
    assert!(site.read("cases/bad/index.html").contains("日期在未来"));
}

#[test]
fn reports_case_with_neither_street_nor_committee() {
    let (_, r) = build_broken("no_street_no_committee");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:2:1", &["street", "committee"]);
}

#[test]
fn reports_cover_without_cover_alt() {
    let (_, r) = build_broken("cover_without_alt");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:5:1", &["cover_alt"]);
}

#[test]
fn reports_missing_cover_file() {
    let (_, r) = build_broken("missing_cover");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:5:8", &["nothere.jpg"]);
}

#[test]
fn refuses_cover_path_leaving_the_case_folder() {
    let (_, r) = build_broken("cover_outside");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:5:8", &["../../site.yaml", "超出"]);
    let (_, r) = build_broken("cover_absolute");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:5:8", &["/etc/hostname", "超出"]);
}

#[test]
fn refuses_cover_symlink_pointing_outside_the_case_folder() {
    let site = TestSite::error_base();
    site.build_ok(&[]);
    let before = site.snapshot();
    let outside = site.scratch().join("secret.jpg");
    std::fs::write(&outside, "secret").unwrap();
    std::os::unix::fs::symlink(&outside, site.path("content/cases/evil.jpg")).unwrap();
    site.write(
        "content/cases/bad.md",
        case_text("street: 夫子庙街道\ncover: evil.jpg\ncover_alt: 照片").as_bytes(),
    );
    let r = site.build(&[]);
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:5:8", &["evil.jpg"]);
    assert_same_tree(&before, &site.snapshot(), "output after a refused symlink");
}

#[test]
fn refuses_case_file_symlinked_from_outside_content() {
    let site = TestSite::error_base();
    site.build_ok(&[]);
    let outside = site.scratch().join("outside.md");
    std::fs::write(&outside, case_text("street: 夫子庙街道")).unwrap();
    std::os::unix::fs::symlink(&outside, site.path("content/cases/linked.md")).unwrap();
    let r = site.build(&[]);
    r.assert_code(1);
    let e = r.errors();
    assert!(
        e.iter().any(|d| d.path == "content/cases/linked.md" && d.message.contains("符号链接")),
        "{}",
        r.stderr
    );
}

#[test]
fn refuses_slug_with_capital_letters_and_suggests_one() {
    let (_, r) = build_broken("slug_capitals");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:5:7", &["Hongwu-Eldercare", "hongwu-eldercare"]);
}

#[test]
fn refuses_slug_that_climbs_out_with_dot_dot() {
    let (site, r) = build_broken("slug_parent_dir");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:5:7", &["../escape"]);
    assert!(!site.root.join("escape").exists() && !site.scratch().join("escape").exists());
}

#[test]
fn reports_duplicate_slugs_naming_both_files() {
    let (_, r) = build_broken("duplicate_slugs");
    r.assert_code(1);
    let both = ["content/cases/a.md", "content/cases/2021/same-slug.md", "same-slug"];
    // a.md writes `slug: same-slug` on line 5: that is where the mistake is.
    let at_slug_line =
        r.errors().into_iter().find(|d| d.path == "content/cases/a.md").expect("an error in a.md");
    assert!(both.iter().all(|w| at_slug_line.block.contains(w)), "{}", r.stderr);
    assert_eq!(
        (at_slug_line.line, at_slug_line.column),
        (5, 7),
        "a.md's error points at its slug value\n{}",
        r.stderr
    );
    let other = r.expect_error("content/cases/2021/same-slug.md:1:1", &["same-slug"]);
    assert!(both.iter().all(|w| other.block.contains(w)), "{}", r.stderr);
}

#[test]
fn reports_topics_whose_slugs_collide_naming_both() {
    let (_, r) = build_broken("topic_slug_collision");
    r.assert_code(1);
    r.expect_error("content/cases/b.md:5:10", &["背景", "北京", "content/cases/a.md", "bei-jing"]);
}

#[test]
fn reports_link_to_a_missing_md_at_the_links_line_and_column() {
    let (_, r) = build_broken("missing_link");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:8:9", &["../cases/nope.md"]);
}

#[test]
fn reports_image_whose_file_is_missing() {
    let (_, r) = build_broken("missing_image");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:8:1", &["photos/missing.jpg"]);
}

#[test]
fn reports_full_width_colon_and_shows_the_fix() {
    let (_, r) = build_broken("fullwidth_colon");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:2:6", &["全角冒号", "title: 全角冒号的案例"]);
}

#[test]
fn reports_full_width_space_in_front_matter() {
    let text = case_text("street: 夫子庙街道").replace("date: ", "date:\u{3000}");
    let (_, r) = build_with(&[("content/cases/bad.md", text.as_bytes())]);
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:3:6", &["全角空格", "date: 2020-08-07"]);
    let text = case_text("\u{3000}street: 夫子庙街道");
    let (_, r) = build_with(&[("content/cases/bad.md", text.as_bytes())]);
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:4:1", &["全角空格"]);
}

#[test]
fn reports_tab_indentation() {
    let (_, r) = build_broken("tab_indentation");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:6:1", &["Tab", "空格"]);
}

#[test]
fn reports_unterminated_quote_at_the_opening_quote() {
    let (_, r) = build_broken("unterminated_quote");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:2:8", &["引号"]);
}

#[test]
fn reports_unquoted_colon_in_a_value_with_a_hint_to_quote() {
    let (_, r) = build_broken("colon_in_value");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:2:12", &["引号"]);
}

#[test]
fn reports_fences_typed_with_dashes_that_are_not_hyphens() {
    let (_, r) = build_broken("em_dash_fence");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:1:1", &["———", "---"]);
    let (_, r) = build_broken("fullwidth_hyphen_fence");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:5:1", &["－－－", "---"]);
}

#[test]
fn reports_missing_closing_fence() {
    let (_, r) = build_broken("missing_closing_fence");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:1:1", &["---"]);
}

#[test]
fn strips_zero_width_characters_from_a_street_with_a_warning() {
    let text = case_text("street: 夫子庙\u{200B}街道");
    let (site, r) = build_with(&[("content/cases/bad.md", text.as_bytes())]);
    r.assert_code(0);
    r.expect_warning("content/cases/bad.md:4:12", &["U+200B"]);
    assert!(site.read("streets/fuzimiao/index.html").contains("写入的测试案例"));
}

#[test]
fn accepts_bom_and_crlf_silently() {
    let text = format!("\u{FEFF}{}", case_text("street: 夫子庙街道").replace('\n', "\r\n"));
    let (site, r) = build_with(&[("content/cases/bad.md", text.as_bytes())]);
    r.assert_code(0);
    assert!(r.diags().is_empty(), "no diagnostics for BOM + CRLF:\n{}", r.stderr);
    let html = site.read("cases/bad/index.html");
    assert!(html.contains("<h1") && html.contains("写入的测试案例"));
    assert!(html.contains("协商议事取得成效"), "lines joined across CRLF");
    assert!(!html.contains('\r') && !html.contains('\u{FEFF}'));
}

#[test]
fn accepts_lone_cr_line_ends_and_counts_their_lines() {
    let text = case_text("street: 夫子庙街道").replace('\n', "\r");
    let (site, r) = build_with(&[("content/cases/bad.md", text.as_bytes())]);
    r.assert_code(0);
    assert!(r.diags().is_empty(), "{}", r.stderr);
    assert!(site.read("cases/bad/index.html").contains("写入的测试案例"));
    let text = case_text("street: 夫子庙街").replace('\n', "\r");
    let (_, r) = build_with(&[("content/cases/bad.md", text.as_bytes())]);
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:4:9", &["夫子庙街道"]);
}

#[test]
fn decodes_a_gbk_file_with_a_warning_and_publishes_the_right_text() {
    let text = case_text("street: 夫子庙街道").replace("写入的测试案例", "国标编码的案例");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let (site, r) = build_with(&[("content/cases/bad.md", &bytes)]);
    r.assert_code(0);
    r.expect_warning("content/cases/bad.md:1:1", &["GBK", "UTF-8"]);
    let html = site.read("cases/bad/index.html");
    assert!(html.contains("国标编码的案例") && html.contains("协商议事取得成效"));
    for (path, bytes) in site.snapshot() {
        assert!(!String::from_utf8_lossy(&bytes).contains('\u{FFFD}'), "U+FFFD in {path}");
    }
}

#[test]
fn refuses_bytes_that_are_neither_utf8_nor_gbk() {
    let mut bytes = case_text("street: 夫子庙街道").into_bytes();
    bytes.extend_from_slice(b"\xFF\xFE\xFD\x80\n");
    let (_, r) = build_with(&[("content/cases/bad.md", &bytes)]);
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:8:1", &["UTF-8"]);
}

#[test]
fn refuses_a_binary_file_named_md() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01";
    let (_, r) = build_with(&[("content/cases/photo.md", png)]);
    r.assert_code(1);
    r.expect_error("content/cases/photo.md:1:1", &["文本"]);
}

#[test]
fn refuses_an_empty_file() {
    let (_, r) = build_broken("empty_file");
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:1:1", &["空"]);
}

#[test]
fn file_of_only_front_matter_does_not_panic() {
    let (site, r) = build_broken("only_front_matter");
    assert!(r.code <= 1, "{}", r.stderr);
    if r.code == 0 {
        assert!(site.read("cases/bad/index.html").contains("只有前置信息没有正文"));
    }
}

#[test]
fn builds_a_ten_megabyte_case() {
    let mut text = case_text("street: 夫子庙街道");
    let paragraph = format!("{}\n\n", "协商议事取得成效，居民满意。".repeat(40));
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&paragraph);
    }
    let (site, r) = build_with(&[("content/cases/big.md", text.as_bytes())]);
    r.assert_code(0);
    assert!(
        std::fs::metadata(site.public().join("cases/big/index.html")).unwrap().len() > 10_000_000
    );
}

#[test]
fn warns_about_mobile_numbers_and_resident_ids_in_case_text() {
    let (_, r) = build_broken("personal_data");
    r.assert_code(0);
    r.expect_warning("content/cases/bad.md:6:10", &["手机"]);
    r.expect_warning("content/cases/bad.md:7:5", &["身份证"]);
}

#[test]
fn strict_mode_turns_personal_data_warnings_into_errors() {
    let site = TestSite::error_base();
    site.overlay("strict");
    site.build_ok(&[]);
    let before = site.snapshot();
    site.overlay("personal_data");
    let r = site.build(&[]);
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:6:10", &["手机"]);
    r.expect_error("content/cases/bad.md:7:5", &["身份证"]);
    assert_same_tree(&before, &site.snapshot(), "output after a strict failure");
}

#[test]
fn warns_where_bold_text_shows_its_stars() {
    let (site, r) = build_broken("literal_stars");
    r.assert_code(0);
    r.expect_warning("content/cases/bad.md:8:1", &["加粗没有生效", "**特别说明**："]);
    assert_eq!(r.stderr.matches("加粗没有生效").count(), 1, "{}", r.stderr);
    let page = site.read("cases/bad/index.html");
    assert!(page.contains("<strong>写对了的加粗</strong>"), "{page}");
}

#[test]
fn warns_about_images_without_alt_text_and_strict_makes_it_an_error() {
    let (_, r) = build_broken("image_without_alt");
    r.assert_code(0);
    r.expect_warning("content/cases/bad.md:8:1", &["alt"]);
    let site = TestSite::error_fixture("image_without_alt");
    site.overlay("strict");
    let r = site.build(&[]);
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:8:1", &["alt"]);
}

#[test]
fn reports_unknown_site_yaml_key_with_suggestion() {
    let (_, r) = build_broken("unknown_site_key");
    r.assert_code(1);
    r.expect_error("site.yaml:4:1", &["pagesize", "page_size"]);
}

#[test]
fn reports_unknown_nested_site_yaml_key_with_suggestion() {
    let (_, r) = build_broken("unknown_nested_site_key");
    r.assert_code(1);
    r.expect_error("site.yaml:10:22", &["shrt", "short"]);
}

#[test]
fn reports_template_error_at_its_line_and_keeps_the_output() {
    let (_, r) = build_broken("template_error");
    r.assert_code(1);
    r.expect_error("templates/case.html:4:29", &["模板"]);
}

#[test]
fn check_reports_what_build_would_and_writes_nothing() {
    let site = TestSite::error_fixture("unknown_street");
    let r = site.check(&[]);
    r.assert_code(1);
    r.expect_error("content/cases/bad.md:4:9", &["夫子庙街", "您是否指 夫子庙街道"]);
    assert!(!site.public().exists(), "check writes no output");
    let good = TestSite::error_base();
    good.check(&[]).assert_code(0);
    assert!(!good.public().exists());
}

#[test]
fn wrong_usage_exits_with_status_two() {
    let site = TestSite::error_base();
    site.build(&["--no-such-option"]).assert_code(2);
    site.run(&["publish"]).assert_code(2);
    assert!(!site.public().exists());
}

#[test]
fn every_reported_mistake_comes_with_a_hint() {
    // A sample of mistakes: each message comes with help for the writer.
    for scenario in ["unknown_key", "unknown_street", "fullwidth_colon", "missing_title"] {
        let site = TestSite::error_fixture(scenario);
        let r = site.check(&[]);
        for d in r.diags() {
            assert!(d.block.contains("提示"), "{scenario}: no hint for\n{}", d.block);
        }
    }
}

// ---------------------------------------------------------------------------
// check --fix: only the lossless repairs, listed, nothing else touched
// ---------------------------------------------------------------------------

fn source(site: &TestSite, rel: &str) -> Vec<u8> {
    std::fs::read(site.path(rel)).unwrap()
}

#[test]
fn check_fix_turns_a_full_width_colon_after_a_key_into_a_colon_and_space() {
    let site = TestSite::error_base();
    let before = "---\ntitle：全角冒号的案例\ndate: 2020-08-07\nstreet: 夫子庙街道\nsummary: 目标：完成\n---\n正文：不改。\n";
    site.write("content/cases/bad.md", before);
    let r = site.check(&["--fix"]);
    r.assert_code(0);
    assert!(r.stdout.contains("content/cases/bad.md"), "lists the change: {}", r.stdout);
    let after = String::from_utf8(source(&site, "content/cases/bad.md")).unwrap();
    assert_eq!(after, before.replacen("title：", "title: ", 1), "only the key's colon changes");
    assert!(!site.public().exists());
}

#[test]
fn check_fix_replaces_leading_tabs_in_front_matter_only() {
    let site = TestSite::error_base();
    let before = "---\ntitle: Tab 缩进\ndate: 2020-08-07\nstreet: 夫子庙街道\ntopics:\n\t- 养老\n---\n正文\n\n\t代码块里的 Tab\n";
    site.write("content/cases/bad.md", before);
    let r = site.check(&["--fix"]);
    r.assert_code(0);
    assert!(r.stdout.contains("content/cases/bad.md"), "lists the change: {}", r.stdout);
    let after = String::from_utf8(source(&site, "content/cases/bad.md")).unwrap();
    assert!(
        after.contains("topics:\n  - 养老\n") || after.contains("topics:\n    - 养老\n"),
        "{after}"
    );
    assert!(after.ends_with("正文\n\n\t代码块里的 Tab\n"), "the body keeps its tab: {after}");
}

#[test]
fn check_fix_re_encodes_gbk_as_utf8() {
    let site = TestSite::error_base();
    let text = case_text("street: 夫子庙街道").replace("写入的测试案例", "国标编码的案例");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    site.write("content/cases/gbk.md", &gbk);
    let r = site.check(&["--fix"]);
    r.assert_code(0);
    assert!(r.stdout.contains("content/cases/gbk.md"), "lists the change: {}", r.stdout);
    assert_eq!(source(&site, "content/cases/gbk.md"), text.as_bytes());
    let again = site.check(&[]);
    again.assert_code(0);
    assert!(again.diags().is_empty(), "no GBK warning once fixed:\n{}", again.stderr);
}

#[test]
fn check_fix_removes_a_bom_and_keeps_line_ends() {
    let site = TestSite::error_base();
    let crlf = case_text("street: 夫子庙街道").replace('\n', "\r\n");
    site.write("content/cases/bom.md", format!("\u{FEFF}{crlf}"));
    let r = site.check(&["--fix"]);
    r.assert_code(0);
    assert_eq!(source(&site, "content/cases/bom.md"), crlf.as_bytes());
}

#[test]
fn check_fix_touches_nothing_but_the_lossless_fixes() {
    let site = TestSite::error_fixture("many");
    let before = tree(&site.root);
    let r = site.check(&["--fix"]);
    r.assert_code(1);
    let after = tree(&site.root);
    let changed: Vec<&String> = before.keys().filter(|k| before[*k] != after[*k]).collect();
    assert_eq!(
        changed,
        ["content/cases/c.md", "content/cases/g.md"],
        "only c.md (：) and g.md (Tab)"
    );
    assert_eq!(after.len(), before.len(), "no file added or removed");
    assert!(r.stdout.contains("content/cases/c.md") && r.stdout.contains("content/cases/g.md"));
    for untouched in ["a.md", "b.md", "d.md", "e.md", "f.md", "h.md"] {
        assert!(!r.stdout.contains(&format!("content/cases/{untouched}")), "{}", r.stdout);
    }
    assert_eq!(r.errors().len(), 8, "the other eight mistakes remain:\n{}", r.stderr);
    let clean = TestSite::error_base();
    let before = tree(&clean.root);
    clean.check(&["--fix"]).assert_code(0);
    assert_eq!(tree(&clean.root), before, "a clean site is left as it is");
}

// ---------------------------------------------------------------------------
// errors/many: ten mistakes in eight files, all reported in one run
// ---------------------------------------------------------------------------

#[test]
fn check_reports_ten_mistakes_in_eight_files_once_each_in_order() {
    let site = TestSite::error_fixture("many");
    let files_before = tree(&site.root);
    let r = site.check(&[]);
    r.assert_code(1);
    let expected = [
        "content/cases/a.md:4:1",  // comittee
        "content/cases/a.md:5:9",  // 夫子庙街
        "content/cases/b.md:3:7",  // 2021年2月30日
        "content/cases/c.md:2:6",  // title：
        "content/cases/d.md:4:12", // 经科会
        "content/cases/d.md:5:10", // 已完成
        "content/cases/e.md:7:2",  // [停车难](nope.md)
        "content/cases/f.md:5:8",  // cover: nothere.jpg
        "content/cases/g.md:6:1",  // tab
        "content/cases/h.md:5:7",  // slug: Bad_Slug
    ];
    let printed: Vec<String> = r.diags().iter().map(Diag::location).collect();
    assert_eq!(printed, expected, "\n{}", r.stderr);
    assert!(r.diags().iter().all(|d| d.severity == "错误"));
    assert_eq!(r.summary(), Some((10, 0)));
    assert_eq!(tree(&site.root), files_before, "check writes nothing");
    assert!(!site.public().exists());
}

#[test]
fn build_reports_the_same_ten_mistakes_and_publishes_nothing() {
    let site = TestSite::error_fixture("many");
    let r = site.build(&[]);
    r.assert_code(1);
    assert_eq!(r.errors().len(), 10, "{}", r.stderr);
    assert!(!site.public().exists(), "a failed first build creates no output");
}

// ---------------------------------------------------------------------------
// No panic on any input: bounded property tests on the library stages
// ---------------------------------------------------------------------------

mod no_panic {
    use proptest::prelude::*;
    use yishi::diagnostics::Diagnostics;
    use yishi::markdown::{LinkKind, Resolved};

    const VALID: &str = "---\ntitle: 洪武路街道嵌入式养老\ndate: 2020-08-07\nstreet: 夫子庙街道\ncommittee: [经科委, jingkewei]\ntopics: [养老, 社区治理]\nfollowups:\n  - { date: 2020-10-15, text: 建成 }\ncover: c.jpg\ncover_alt: 现场\n---\n## 协商背景\n\n居民反映\n养老难。[链接](other.md) ![图](c.jpg)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

    const PIECES: &[&str] = &[
        ":",
        "：",
        "\t",
        "\"",
        "'",
        "---",
        "\n",
        "\r",
        "夫子庙",
        "\u{200B}",
        "\u{3000}",
        "\u{FEFF}",
        "- ",
        "[",
        "]",
        "{",
        "}",
        "#",
        "&",
        "*",
        "|",
        ">",
        "!",
        "`",
        "<script>",
        "](",
        "———",
        "－－－",
        "2021年2月30日",
        "\\",
        "%",
        "\u{0}",
        "😀",
        "  ",
        "? ",
        "@",
        "&a",
        "*a",
    ];

    fn resolve(target: &str, _: LinkKind) -> Resolved {
        if target.len().is_multiple_of(2) {
            Resolved::Url(format!("/x/{target}"))
        } else {
            Resolved::Missing
        }
    }

    /// A valid case with `edits` (position fraction, piece) inserted.
    fn mutate(edits: &[(f64, usize)]) -> String {
        let mut text = VALID.to_string();
        for &(at, piece) in edits {
            let mut i = ((text.len() as f64) * at) as usize;
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, PIECES[piece % PIECES.len()]);
        }
        text
    }

    /// Runs the parse and render stages on `text`.
    fn stages(text: &str) {
        let mut d = Diagnostics::new();
        if let Some(doc) = yishi::front_matter::parse("content/cases/x.md", text, &mut d) {
            let body = text.get(doc.body_offset..).unwrap_or("");
            let _ = yishi::markdown::render(body, false, &resolve);
        }
        let _ = yishi::markdown::render(text, false, &resolve);
        let _ = yishi::markdown::render(text, true, &resolve);
    }

    /// Loads a small site whose one case file holds `bytes`.
    fn load_site(dir: &std::path::Path, bytes: &[u8]) {
        std::fs::create_dir_all(dir.join("content/cases")).unwrap();
        std::fs::write(
            dir.join("site.yaml"),
            "title: t\nbase_url: https://h/\nfooter: { organization: o }\nstreets:\n  - { name: 夫子庙街道, slug: fuzimiao }\ncommittees:\n  - { name: 经济科技委员会, short: 经科委, slug: jingkewei }\n",
        )
        .unwrap();
        std::fs::write(dir.join("content/cases/c.jpg"), "jpg").unwrap();
        std::fs::write(dir.join("content/cases/x.md"), bytes).unwrap();
        let opts = yishi::load::LoadOptions::default();
        let (site, diags) = yishi::load::load(dir, &opts);
        assert!(site.is_some() || diags.has_errors(), "no site and no error");
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn mutated_front_matter_never_panics(edits in prop::collection::vec((0.0f64..1.0, 0usize..64), 1..8)) {
            let text = mutate(&edits);
            stages(&text);
            let tmp = tempfile::tempdir().unwrap();
            load_site(tmp.path(), text.as_bytes());
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), prefix in any::<bool>()) {
            let mut input = if prefix { VALID.as_bytes()[..60].to_vec() } else { Vec::new() };
            input.extend_from_slice(&bytes);
            if let Ok(d) = yishi::text::decode(&input) {
                stages(&d.text);
            }
            stages(&String::from_utf8_lossy(&input));
            let tmp = tempfile::tempdir().unwrap();
            load_site(tmp.path(), &input);
        }
    }
}
