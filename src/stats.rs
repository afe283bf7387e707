//! The committee's own view (`/stats/`): sessions per unit per year against
//! `yearly_minimum`, outcomes, topics, follow-ups; charts as inline SVG.
//!
//! Everything here is pure and deterministic: the same site and year give
//! the same view, byte for byte (the SVG is built with `format!`, numbers
//! are formatted with fixed precision).
//!
//! # The year in progress
//!
//! The rule is "at least `yearly_minimum` sessions a year", so a unit can
//! only fail it once the year is over. Cells of complete years below the
//! minimum say **未达标** (class `below`). Cells of the current year below
//! the minimum are not called 未达标: they say **还差 N 次** ("N more to
//! go", class `pending`) in a neutral colour, and the year's column header
//! reads "2026（进行中）". This keeps the page from shouting at units that
//! still have time while telling the office exactly what is missing. Years
//! after the current one (only reachable through future-dated cases, which
//! `check` already warns about) are labelled （未开始） and never marked.

use crate::model::{Site, routes};
use serde::Serialize;
use std::fmt::Write as _;

/// Everything the stats template shows.
#[derive(Debug, Clone, Serialize, Default)]
pub struct StatsView {
    /// `yearly_minimum` of site.yaml.
    pub minimum: usize,
    pub current_year: i16,
    /// Number of cases counted (every case the build publishes).
    pub total_cases: usize,
    /// Number of reporting units (streets + committees).
    pub unit_count: usize,
    pub street_count: usize,
    pub committee_count: usize,
    /// The table's year columns, oldest first.
    pub years: Vec<YearColumn>,
    /// Streets (街道政协工委) then committees (专门委员会), site.yaml order.
    pub groups: Vec<UnitGroup>,
    /// Rows of the table foot: distinct cases with a street, with a
    /// committee, and all distinct cases, per year.
    pub totals: Vec<TotalRow>,
    /// 达标情况: per year (oldest first), how many units met the minimum.
    pub compliance: Vec<ComplianceRow>,
    /// Every outcome of site.yaml in order, then 未填写.
    pub outcomes: Vec<OutcomeRow>,
    /// Topics with at least one case, by count (desc) then site order.
    pub topics: Vec<TopicRow>,
    pub followups: FollowupStats,
    /// Bar charts of sessions per unit: the latest complete year with
    /// cases, and the current year if it has cases.
    pub unit_charts: Vec<Chart>,
    /// Bar chart of outcome shares (empty when there are no cases).
    pub outcome_chart: String,
}

/// A year column of the main table.
#[derive(Debug, Clone, Serialize)]
pub struct YearColumn {
    pub year: i16,
    /// `（进行中）` for the current year, `（未开始）` after it, else empty.
    pub note: String,
    /// The year is over: the minimum is judged.
    pub complete: bool,
    /// This is the current year.
    pub in_progress: bool,
}

/// The units of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct UnitGroup {
    /// `street` or `committee`.
    pub kind: String,
    /// `街道政协工委` or `专门委员会`.
    pub name: String,
    pub rows: Vec<UnitRow>,
}

/// One street or committee: its count per year.
#[derive(Debug, Clone, Serialize)]
pub struct UnitRow {
    /// Full name from site.yaml.
    pub name: String,
    /// Short name (committees) or the name (streets); used in charts.
    pub short: String,
    /// Absolute path of the unit's case list.
    pub url: String,
    /// One cell per year column.
    pub cells: Vec<Cell>,
    /// All years together.
    pub total: usize,
}

/// One count of the main table.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Cell {
    pub year: i16,
    pub count: usize,
    /// `met`, `below` (complete year under the minimum), `pending`
    /// (current year under the minimum) or `future`.
    pub state: String,
    /// Words shown in the cell: `未达标`, `还差 N 次` or empty.
    pub mark: String,
}

/// A row of the table foot.
#[derive(Debug, Clone, Serialize)]
pub struct TotalRow {
    pub label: String,
    pub counts: Vec<usize>,
    pub total: usize,
}

/// How many units met the minimum in one year.
#[derive(Debug, Clone, Serialize)]
pub struct ComplianceRow {
    pub year: i16,
    pub note: String,
    pub in_progress: bool,
    pub streets_met: usize,
    pub committees_met: usize,
    pub all_met: usize,
    /// Share of all units that met the minimum, `38.9%`.
    pub percent: String,
}

/// Cases with one outcome.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeRow {
    /// The outcome, or `未填写` for cases without one.
    pub name: String,
    pub count: usize,
    /// Share of all cases, one decimal: `52.2%`.
    pub percent: String,
    /// Badge class of the theme (`b-done`, `b-wip`, `b-reply`, `b-other`),
    /// empty for 未填写.
    pub badge: String,
}

/// Cases with one topic.
#[derive(Debug, Clone, Serialize)]
pub struct TopicRow {
    pub name: String,
    pub url: String,
    pub count: usize,
    /// Share of all cases carrying this topic (a case may carry several).
    pub percent: String,
}

/// 成果转化与落实: follow-ups and closed loops.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FollowupStats {
    /// Cases with at least one follow-up.
    pub with_followups: usize,
    pub with_followups_percent: String,
    /// Cases whose outcome is final and that have follow-ups (已闭环).
    pub closed: usize,
    pub closed_percent: String,
}

/// A chart with its visible heading.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub year: i16,
    pub heading: String,
    pub in_progress: bool,
    /// Inline SVG, trusted HTML.
    pub svg: String,
}

const NOT_FILLED: &str = "未填写";

/// Computes the statistics of a site. `current_year` is labelled 进行中.
pub fn build(site: &Site, current_year: i16) -> StatsView {
    let config = &site.config;
    let minimum = config.yearly_minimum;
    let root = site.root();
    let total_cases = site.cases.len();

    // Year columns: earliest case year to max(latest case year, current).
    let first =
        site.cases.iter().map(|c| c.date.year()).min().unwrap_or(current_year).min(current_year);
    let last =
        site.cases.iter().map(|c| c.date.year()).max().unwrap_or(current_year).max(current_year);
    let years: Vec<YearColumn> = (first..=last)
        .map(|year| YearColumn {
            year,
            note: year_note(year, current_year).to_string(),
            complete: year < current_year,
            in_progress: year == current_year,
        })
        .collect();
    let n_years = years.len();
    let col = |year: i16| (year - first) as usize;

    // Counts. A joint case counts once for each of its units; a committee
    // written twice on one case still counts once.
    let mut street_counts = vec![vec![0usize; n_years]; config.streets.len()];
    let mut committee_counts = vec![vec![0usize; n_years]; config.committees.len()];
    let mut street_cases = vec![0usize; n_years];
    let mut committee_cases = vec![0usize; n_years];
    let mut all_cases = vec![0usize; n_years];
    for case in &site.cases {
        let y = col(case.date.year());
        all_cases[y] += 1;
        if let Some(s) = case.street
            && let Some(row) = street_counts.get_mut(s)
        {
            row[y] += 1;
            street_cases[y] += 1;
        }
        let mut seen: Vec<usize> = Vec::new();
        for &k in &case.committees {
            if seen.contains(&k) {
                continue;
            }
            seen.push(k);
            if let Some(row) = committee_counts.get_mut(k) {
                row[y] += 1;
            }
        }
        if !seen.is_empty() {
            committee_cases[y] += 1;
        }
    }

    let make_row = |name: &str, short: &str, url: String, counts: &[usize]| UnitRow {
        name: name.to_string(),
        short: short.to_string(),
        url,
        cells: years
            .iter()
            .zip(counts)
            .map(|(y, &count)| cell(y.year, count, minimum, current_year))
            .collect(),
        total: counts.iter().sum(),
    };
    let street_rows: Vec<UnitRow> = config
        .streets
        .iter()
        .zip(&street_counts)
        .map(|(s, counts)| {
            make_row(&s.name, &s.name, format!("{root}{}", routes::street(&s.slug)), counts)
        })
        .collect();
    let committee_rows: Vec<UnitRow> = config
        .committees
        .iter()
        .zip(&committee_counts)
        .map(|(c, counts)| {
            let short = c.short.as_deref().unwrap_or(&c.name);
            make_row(&c.name, short, format!("{root}{}", routes::committee(&c.slug)), counts)
        })
        .collect();

    let compliance = years
        .iter()
        .enumerate()
        .map(|(i, y)| {
            let streets_met = street_counts.iter().filter(|r| r[i] >= minimum).count();
            let committees_met = committee_counts.iter().filter(|r| r[i] >= minimum).count();
            let all_met = streets_met + committees_met;
            ComplianceRow {
                year: y.year,
                note: y.note.clone(),
                in_progress: y.in_progress,
                streets_met,
                committees_met,
                all_met,
                percent: percent(all_met, street_counts.len() + committee_counts.len()),
            }
        })
        .collect();

    let totals = vec![
        total_row("有街道参与的案例", street_cases),
        total_row("有专委会参与的案例", committee_cases),
        total_row("案例总数", all_cases),
    ];

    // Outcomes: site.yaml order, then 未填写. An outcome outside the
    // vocabulary cannot pass validation; should one appear it is counted
    // under its own name after the declared ones rather than lost.
    let mut outcome_counts: Vec<(String, usize)> =
        config.outcomes.iter().map(|o| (o.clone(), 0)).collect();
    let mut not_filled = 0;
    for case in &site.cases {
        match case.outcome.as_deref() {
            None => not_filled += 1,
            Some(o) => match outcome_counts.iter_mut().find(|(n, _)| n == o) {
                Some((_, n)) => *n += 1,
                None => outcome_counts.push((o.to_string(), 1)),
            },
        }
    }
    let mut outcomes: Vec<OutcomeRow> = outcome_counts
        .into_iter()
        .map(|(name, count)| OutcomeRow {
            badge: badge_class(&name).to_string(),
            percent: percent(count, total_cases),
            name,
            count,
        })
        .collect();
    outcomes.push(OutcomeRow {
        name: NOT_FILLED.to_string(),
        count: not_filled,
        percent: percent(not_filled, total_cases),
        badge: String::new(),
    });

    // Topics: by count, ties in the order of site.topics (a stable sort).
    let mut topics: Vec<TopicRow> = site
        .topics
        .iter()
        .map(|t| {
            let mut cases = t.cases.clone();
            cases.sort_unstable();
            cases.dedup();
            TopicRow {
                name: t.name.clone(),
                url: format!("{root}{}", routes::topic(&t.slug)),
                count: cases.len(),
                percent: percent(cases.len(), total_cases),
            }
        })
        .filter(|t| t.count > 0)
        .collect();
    topics.sort_by_key(|t| std::cmp::Reverse(t.count));

    let with_followups = site.cases.iter().filter(|c| !c.followups.is_empty()).count();
    let closed = site.cases.iter().filter(|c| c.closed()).count();
    let followups = FollowupStats {
        with_followups,
        with_followups_percent: percent(with_followups, total_cases),
        closed,
        closed_percent: percent(closed, total_cases),
    };

    let groups = vec![
        UnitGroup { kind: "street".into(), name: "街道政协工委".into(), rows: street_rows },
        UnitGroup {
            kind: "committee".into(), name: "专门委员会".into(), rows: committee_rows
        },
    ];

    // Charts: the latest complete year with cases (what the office reports
    // on), and the current year when it already has cases.
    let mut unit_charts = Vec::new();
    let has_cases =
        |y: &YearColumn| site.by_year.iter().any(|(year, cs)| *year == y.year && !cs.is_empty());
    let chart_year = years
        .iter()
        .rev()
        .find(|y| y.complete && has_cases(y))
        .or_else(|| years.iter().find(|y| y.in_progress && has_cases(y)));
    let current = years.iter().find(|y| y.in_progress && has_cases(y));
    for y in
        chart_year.into_iter().chain(current.filter(|c| Some(c.year) != chart_year.map(|y| y.year)))
    {
        unit_charts.push(unit_chart(&groups, col(y.year), y, minimum));
    }
    let outcome_chart =
        if total_cases == 0 { String::new() } else { outcome_chart(&outcomes, total_cases) };

    StatsView {
        minimum,
        current_year,
        total_cases,
        unit_count: config.streets.len() + config.committees.len(),
        street_count: config.streets.len(),
        committee_count: config.committees.len(),
        years,
        groups,
        totals,
        compliance,
        outcomes,
        topics,
        followups,
        unit_charts,
        outcome_chart,
    }
}

fn year_note(year: i16, current_year: i16) -> &'static str {
    match year.cmp(&current_year) {
        std::cmp::Ordering::Less => "",
        std::cmp::Ordering::Equal => "（进行中）",
        std::cmp::Ordering::Greater => "（未开始）",
    }
}

fn cell(year: i16, count: usize, minimum: usize, current_year: i16) -> Cell {
    let (state, mark) = if count >= minimum {
        ("met", String::new())
    } else if year < current_year {
        ("below", "未达标".to_string())
    } else if year == current_year {
        ("pending", format!("还差 {} 次", minimum - count))
    } else {
        ("future", String::new())
    };
    Cell { year, count, state: state.to_string(), mark }
}

fn total_row(label: &str, counts: Vec<usize>) -> TotalRow {
    TotalRow { label: label.to_string(), total: counts.iter().sum(), counts }
}

/// `n` of `total` as a percentage with one decimal, rounded half up:
/// `percent(12, 23)` is `52.2%`. Zero of zero is `0.0%`.
pub fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        return "0.0%".to_string();
    }
    let permille = (n * 2000 + total) / (2 * total);
    format!("{}.{}%", permille / 10, permille % 10)
}

/// The theme's badge class of an outcome (as `_badges_outcome.html`).
fn badge_class(outcome: &str) -> &'static str {
    match outcome {
        "已落实" => "b-done",
        "推进中" => "b-wip",
        "已答复" => "b-reply",
        _ => "b-other",
    }
}

/// Escapes text for SVG/XML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

// ---------------------------------------------------------------- charts

/// Width of the charts' viewBox. Small on purpose: on a 390 px phone the
/// chart is drawn at about 1:1, so its 15-unit text is about 15 px.
const W: f64 = 360.0;
const FONT: f64 = 15.0;
const ROW: f64 = 27.0;
const BAR_H: f64 = 17.0;

/// Rough advance of a text run: CJK and full-width glyphs 1 em, ASCII 0.6 em.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 0.6 } else { 1.0 }).sum::<f64>() * size
}

enum Row {
    /// A group caption (街道政协工委, 专门委员会).
    Group(String),
    Bar(Bar),
}

struct Bar {
    label: String,
    value: usize,
    /// Printed at the bar's end.
    text: String,
    /// CSS class (`met`, `below`, `pending`, `o-…`).
    class: &'static str,
    fill: &'static str,
}

/// A horizontal bar chart: one labelled bar per row, the value in words at
/// its end, an optional dashed line at the yearly minimum.
fn bar_chart(id: &str, title: &str, desc: &str, rows: &[Row], minimum: Option<usize>) -> String {
    let bars = || rows.iter().filter_map(|r| if let Row::Bar(b) = r { Some(b) } else { None });
    let label_w = bars().map(|b| text_width(&b.label, FONT)).fold(2.0 * FONT, f64::max) + 6.0;
    let value_w = bars().map(|b| text_width(&b.text, FONT)).fold(FONT, f64::max) + 8.0;
    let x0 = label_w + 4.0;
    let width = W.max(x0 + value_w + 80.0);
    let span = width - x0 - value_w;
    let max = bars().map(|b| b.value).chain(minimum).max().unwrap_or(0).max(1) as f64;
    let top = if minimum.is_some() { 28.0 } else { 6.0 };
    let height = top + rows.len() as f64 * ROW + 6.0;
    let needs_hatch = bars().any(|b| b.class == "below");

    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-labelledby="{id}-t {id}-d" viewBox="0 0 {width:.0} {height:.0}" width="100%" font-family="inherit" font-size="{FONT:.0}" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    if needs_hatch {
        let _ = write!(
            s,
            r##"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="hatch-bg" width="6" height="6" fill="#fff"/><path class="hatch" d="M0 0V6" stroke="#a3161c" stroke-width="3"/></pattern></defs>"##
        );
    }
    // Three layers: axis and bars, then the minimum line over the bars,
    // then every text with a halo so the line never cuts through words.
    let mut shapes = String::new();
    let mut texts = String::new();
    let mut y = top;
    for row in rows {
        match row {
            Row::Group(name) => {
                let _ = write!(
                    texts,
                    r#"<text class="group" x="0" y="{:.1}" fill="currentColor" font-weight="700">{}</text>"#,
                    y + ROW - 8.0,
                    esc(name)
                );
            }
            Row::Bar(b) => {
                let mid = y + ROW / 2.0;
                let baseline = mid + FONT * 0.35;
                // The axis, drawn per bar so group captions stay clear of it.
                let _ = write!(
                    shapes,
                    r#"<path class="axis" d="M{x0:.1} {y:.1}v{ROW:.1}" stroke="currentColor" stroke-width="1"/>"#
                );
                let w = b.value as f64 / max * span;
                if b.value > 0 {
                    let fill = if b.class == "below" {
                        format!("url(#{id}-hatch)")
                    } else {
                        b.fill.to_string()
                    };
                    let stroke = if b.class == "below" {
                        r##" stroke="#a3161c" stroke-width="1.5""##
                    } else {
                        ""
                    };
                    let _ = write!(
                        shapes,
                        r#"<rect class="bar {}" x="{x0:.1}" y="{:.1}" width="{w:.1}" height="{BAR_H:.1}" fill="{fill}"{stroke}/>"#,
                        b.class,
                        mid - BAR_H / 2.0
                    );
                }
                let _ = write!(
                    texts,
                    r#"<text x="{label_w:.1}" y="{baseline:.1}" text-anchor="end" fill="currentColor">{}</text>"#,
                    esc(&b.label)
                );
                let _ = write!(
                    texts,
                    r##"<text class="value" x="{:.1}" y="{baseline:.1}" fill="currentColor" stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">{}</text>"##,
                    x0 + w + 5.0,
                    esc(&b.text)
                );
            }
        }
        y += ROW;
    }
    s.push_str(&shapes);
    if let Some(m) = minimum.filter(|&m| m > 0) {
        let x = x0 + m as f64 / max * span;
        let label = format!("最低要求 {m} 次");
        let half = text_width(&label, FONT) / 2.0;
        let lx = x.clamp(half + 1.0, width - half - 1.0);
        let _ = write!(
            s,
            r#"<path class="minline" d="M{x:.1} {:.1}V{:.1}" stroke="currentColor" stroke-width="2" stroke-dasharray="5 4"/><text class="minlabel" x="{lx:.1}" y="{:.1}" text-anchor="middle" fill="currentColor" font-weight="700">{}</text>"#,
            top - 6.0,
            height - 4.0,
            FONT + 2.0,
            esc(&label)
        );
    }
    s.push_str(&texts);
    s.push_str("</svg>");
    s
}

/// Sessions per unit in one year, against the minimum.
fn unit_chart(groups: &[UnitGroup], col: usize, year: &YearColumn, minimum: usize) -> Chart {
    let heading = if year.in_progress {
        format!("{} 年（进行中）各单位协商次数", year.year)
    } else {
        format!("{} 年各单位协商次数", year.year)
    };
    let mut rows = Vec::new();
    let mut parts = Vec::new();
    let mut met = 0;
    let mut units = 0;
    for g in groups {
        rows.push(Row::Group(g.name.clone()));
        for r in &g.rows {
            let c = &r.cells[col];
            units += 1;
            let (class, fill) = match c.state.as_str() {
                "below" => ("below", "#a3161c"),
                "pending" | "future" => ("pending", "#5c5c5c"),
                _ => {
                    met += 1;
                    ("met", "#1d6b3a")
                }
            };
            let text = if c.mark.is_empty() {
                c.count.to_string()
            } else {
                format!("{}（{}）", c.count, c.mark)
            };
            let words = if c.mark.is_empty() {
                format!("{} {} 次", r.name, c.count)
            } else {
                format!("{} {} 次（{}）", r.name, c.count, c.mark)
            };
            parts.push(words);
            rows.push(Row::Bar(Bar { label: r.short.clone(), value: c.count, text, class, fill }));
        }
    }
    let desc = format!(
        "横向条形图。{} 年，{units} 个单位中有 {met} 个达到每年不少于 {minimum} 次的要求{}。{}。",
        year.year,
        if year.in_progress { "（年度尚未结束）" } else { "" },
        parts.join("，")
    );
    let id = format!("chart-units-{}", year.year);
    let svg = bar_chart(&id, &heading, &desc, &rows, Some(minimum));
    Chart { year: year.year, heading, in_progress: year.in_progress, svg }
}

/// Cases per outcome with their shares.
fn outcome_chart(outcomes: &[OutcomeRow], total: usize) -> String {
    let rows: Vec<Row> = outcomes
        .iter()
        .map(|o| {
            let (class, fill) = match o.badge.as_str() {
                "b-done" => ("o-done", "#1d6b3a"),
                "b-wip" => ("o-wip", "#8a4b00"),
                "b-reply" => ("o-reply", "#1e3a8a"),
                "b-other" => ("o-other", "#5b2a86"),
                _ => ("o-none", "#5c5c5c"),
            };
            Row::Bar(Bar {
                label: o.name.clone(),
                value: o.count,
                text: format!("{}（{}）", o.count, o.percent),
                class,
                fill,
            })
        })
        .collect();
    let parts: Vec<String> =
        outcomes.iter().map(|o| format!("{} {} 个（{}）", o.name, o.count, o.percent)).collect();
    let desc = format!("横向条形图。共 {total} 个案例：{}。", parts.join("，"));
    bar_chart("chart-outcomes", "各协商成果状态的案例数", &desc, &rows, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Committee, Config, Footer, Street};
    use crate::model::{Case, Followup, Intro, Topic};
    use jiff::civil::date;

    fn config() -> Config {
        let street = |name: &str, slug: &str| Street {
            name: name.into(),
            slug: slug.into(),
            communities: vec![],
        };
        let committee = |name: &str, short: &str, slug: &str| Committee {
            name: name.into(),
            short: Some(short.into()),
            slug: slug.into(),
        };
        Config {
            title: "站点".into(),
            base_url: "https://host/yshsl/".into(),
            description: String::new(),
            page_size: 20,
            yearly_minimum: 2,
            footer: Footer::default(),
            streets: vec![
                street("夫子庙街道", "fuzimiao"),
                street("洪武路街道", "hongwulu"),
                street("双塘街道", "shuangtang"),
            ],
            committees: vec![
                committee("经济科技委员会", "经科委", "jingkewei"),
                committee("人口资源环境委员会", "人口环境委", "renkou"),
            ],
            outcomes: vec!["已落实".into(), "推进中".into(), "已答复".into()],
            topics: vec![],
            theme: "default".into(),
            unsafe_html: false,
            strict: false,
        }
    }

    fn case(slug: &str, d: jiff::civil::Date, street: Option<usize>, committees: &[usize]) -> Case {
        Case {
            source: format!("content/cases/{slug}.md"),
            slug: slug.into(),
            title: format!("案例 {slug}"),
            date: d,
            updated: None,
            street,
            community: None,
            committees: committees.to_vec(),
            topics: vec![],
            typical: false,
            outcome: None,
            followups: vec![],
            participants: vec![],
            location: None,
            summary: String::new(),
            summary_written: false,
            cover: None,
            cover_alt: None,
            draft: false,
            content_html: String::new(),
            plain: String::new(),
            assets: vec![],
        }
    }

    fn followup() -> Vec<Followup> {
        vec![Followup { date: date(2025, 1, 1), text: "建成".into() }]
    }

    /// 2022: 夫子庙 ×2 (one joint with 经科委), 洪武路 ×1.
    /// 2023: nothing.  2024: 经科委 ×2 (one listing it twice), joint
    /// 夫子庙 + 经科委 + 人口环境委.  Current year 2025.
    fn site() -> Site {
        let mut cases = vec![
            case("a", date(2022, 3, 1), Some(0), &[]),
            case("b", date(2022, 5, 1), Some(0), &[0]),
            case("c", date(2022, 7, 1), Some(1), &[]),
            case("d", date(2024, 2, 1), None, &[0, 0]),
            case("e", date(2024, 6, 1), Some(0), &[0, 1]),
        ];
        cases[0].outcome = Some("已落实".into());
        cases[0].followups = followup();
        cases[0].topics = vec![1];
        cases[1].outcome = Some("推进中".into());
        cases[1].followups = followup();
        cases[1].topics = vec![0, 1];
        cases[2].outcome = Some("已落实".into());
        cases[2].topics = vec![1];
        cases[3].outcome = Some("已答复".into());
        cases[3].followups = followup();
        cases[3].topics = vec![0];
        let topics = vec![
            Topic { name: "养老".into(), slug: "yanglao".into(), cases: vec![] },
            Topic { name: "停车".into(), slug: "tingche".into(), cases: vec![] },
            Topic { name: "电梯".into(), slug: "dianti".into(), cases: vec![] },
        ];
        Site::new(config(), cases, topics, vec![], Intro::default())
    }

    fn counts(row: &UnitRow) -> Vec<usize> {
        row.cells.iter().map(|c| c.count).collect()
    }

    fn marks(row: &UnitRow) -> Vec<&str> {
        row.cells.iter().map(|c| c.mark.as_str()).collect()
    }

    #[test]
    fn years_run_from_first_case_to_current_year() {
        let v = build(&site(), 2025);
        let years: Vec<i16> = v.years.iter().map(|y| y.year).collect();
        assert_eq!(years, [2022, 2023, 2024, 2025]);
        let notes: Vec<&str> = v.years.iter().map(|y| y.note.as_str()).collect();
        assert_eq!(notes, ["", "", "", "（进行中）"]);
        assert!(v.years[3].in_progress && !v.years[3].complete);
        assert!(v.years[0].complete && !v.years[0].in_progress);
    }

    #[test]
    fn every_cell_counts_joint_cases_for_each_unit() {
        let v = build(&site(), 2025);
        assert_eq!(v.groups.len(), 2);
        let streets = &v.groups[0].rows;
        let committees = &v.groups[1].rows;
        assert_eq!(v.groups[0].name, "街道政协工委");
        assert_eq!(v.groups[1].name, "专门委员会");
        // site.yaml order, zero rows included.
        let names: Vec<&str> = streets.iter().chain(committees).map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["夫子庙街道", "洪武路街道", "双塘街道", "经济科技委员会", "人口资源环境委员会"]
        );
        assert_eq!(counts(&streets[0]), [2, 0, 1, 0]);
        assert_eq!(counts(&streets[1]), [1, 0, 0, 0]);
        assert_eq!(counts(&streets[2]), [0, 0, 0, 0]);
        // "d" lists 经科委 twice: counted once.
        assert_eq!(counts(&committees[0]), [1, 0, 2, 0]);
        assert_eq!(counts(&committees[1]), [0, 0, 1, 0]);
        let totals: Vec<usize> = streets.iter().chain(committees).map(|r| r.total).collect();
        assert_eq!(totals, [3, 1, 0, 3, 1]);
        assert_eq!(streets[0].url, "/yshsl/streets/fuzimiao/");
        assert_eq!(committees[1].url, "/yshsl/committees/renkou/");
        assert_eq!(committees[1].short, "人口环境委");
        assert_eq!(streets[2].short, "双塘街道");
    }

    #[test]
    fn below_minimum_is_marked_in_words_and_current_year_is_pending() {
        let v = build(&site(), 2025);
        let streets = &v.groups[0].rows;
        assert_eq!(marks(&streets[0]), ["", "未达标", "未达标", "还差 2 次"]);
        let states: Vec<&str> = streets[0].cells.iter().map(|c| c.state.as_str()).collect();
        assert_eq!(states, ["met", "below", "below", "pending"]);
        assert_eq!(marks(&streets[2]), ["未达标", "未达标", "未达标", "还差 2 次"]);
        assert_eq!(marks(&v.groups[1].rows[0]), ["未达标", "未达标", "", "还差 2 次"]);
        // Nothing in the current year's column says 未达标.
        for g in &v.groups {
            for r in &g.rows {
                assert_ne!(r.cells[3].mark, "未达标");
                assert_eq!(r.cells[3].year, 2025);
            }
        }
    }

    #[test]
    fn totals_count_distinct_cases() {
        let v = build(&site(), 2025);
        let labels: Vec<&str> = v.totals.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["有街道参与的案例", "有专委会参与的案例", "案例总数"]);
        assert_eq!(v.totals[0].counts, [3, 0, 1, 0]);
        assert_eq!(v.totals[1].counts, [1, 0, 2, 0]);
        assert_eq!(v.totals[2].counts, [3, 0, 2, 0]);
        assert_eq!(v.totals[2].total, 5);
        assert_eq!(v.total_cases, 5);
        assert_eq!((v.unit_count, v.street_count, v.committee_count), (5, 3, 2));
    }

    #[test]
    fn compliance_per_year() {
        let v = build(&site(), 2025);
        let met: Vec<(i16, usize, usize, usize)> = v
            .compliance
            .iter()
            .map(|c| (c.year, c.streets_met, c.committees_met, c.all_met))
            .collect();
        assert_eq!(met, [(2022, 1, 0, 1), (2023, 0, 0, 0), (2024, 0, 1, 1), (2025, 0, 0, 0)]);
        assert_eq!(v.compliance[0].percent, "20.0%");
        assert!(v.compliance[3].in_progress);
        assert_eq!(v.compliance[3].note, "（进行中）");
    }

    #[test]
    fn outcomes_in_site_order_with_not_filled_and_percentages() {
        let v = build(&site(), 2025);
        let rows: Vec<(&str, usize, &str, &str)> = v
            .outcomes
            .iter()
            .map(|o| (o.name.as_str(), o.count, o.percent.as_str(), o.badge.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("已落实", 2, "40.0%", "b-done"),
                ("推进中", 1, "20.0%", "b-wip"),
                ("已答复", 1, "20.0%", "b-reply"),
                ("未填写", 1, "20.0%", ""),
            ]
        );
    }

    #[test]
    fn followups_and_closed_loops() {
        let v = build(&site(), 2025);
        assert_eq!(v.followups.with_followups, 3);
        assert_eq!(v.followups.with_followups_percent, "60.0%");
        // a (已落实 + follow-up) and d (已答复 + follow-up); b is 推进中.
        assert_eq!(v.followups.closed, 2);
        assert_eq!(v.followups.closed_percent, "40.0%");
    }

    #[test]
    fn topics_by_count_then_site_order_without_empty_ones() {
        let v = build(&site(), 2025);
        let rows: Vec<(&str, usize, &str)> =
            v.topics.iter().map(|t| (t.name.as_str(), t.count, t.percent.as_str())).collect();
        assert_eq!(rows, [("停车", 3, "60.0%"), ("养老", 2, "40.0%")]);
        assert_eq!(v.topics[0].url, "/yshsl/topics/tingche/");
    }

    #[test]
    fn percent_rounds_half_up_to_one_decimal() {
        assert_eq!(percent(12, 23), "52.2%");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(2, 3), "66.7%");
        assert_eq!(percent(1, 8), "12.5%");
        assert_eq!(percent(1, 16), "6.3%");
        assert_eq!(percent(5, 5), "100.0%");
        assert_eq!(percent(0, 0), "0.0%");
    }

    #[test]
    fn charts_are_accessible_svg_for_the_latest_complete_year() {
        let v = build(&site(), 2025);
        // 2025 has no cases: one chart, for 2024.
        assert_eq!(v.unit_charts.len(), 1);
        let c = &v.unit_charts[0];
        assert_eq!(c.heading, "2024 年各单位协商次数");
        assert!(c.svg.starts_with("<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-units-2024-t chart-units-2024-d\""));
        assert!(c.svg.contains("<title id=\"chart-units-2024-t\">2024 年各单位协商次数</title>"));
        assert!(c.svg.contains("<desc id=\"chart-units-2024-d\">"));
        assert!(c.svg.contains("width=\"100%\""));
        assert!(c.svg.contains("最低要求 2 次"));
        assert!(c.svg.contains(">2</text>"), "经科委 met with 2");
        assert!(c.svg.contains(">0（未达标）</text>"));
        assert!(c.svg.contains(">1（未达标）</text>"));
        assert!(c.svg.contains("人口环境委"), "charts use short names");
        assert!(c.svg.ends_with("</svg>"));
        let o = &v.outcome_chart;
        assert!(o.contains("<title id=\"chart-outcomes-t\">"));
        assert!(o.contains(">2（40.0%）</text>"));
        assert!(o.contains(">未填写</text>"));
        assert!(!o.contains("最低要求"));
    }

    #[test]
    fn current_year_with_cases_gets_its_own_chart() {
        let mut s = site();
        let mut cases = std::mem::take(&mut s.cases);
        cases.push(case("f", date(2025, 3, 1), Some(1), &[]));
        let s = Site::new(config(), cases, s.topics, vec![], Intro::default());
        let v = build(&s, 2025);
        let headings: Vec<&str> = v.unit_charts.iter().map(|c| c.heading.as_str()).collect();
        assert_eq!(headings, ["2024 年各单位协商次数", "2025 年（进行中）各单位协商次数"]);
        assert!(v.unit_charts[1].svg.contains(">1（还差 1 次）</text>"));
        assert!(!v.unit_charts[1].svg.contains("未达标"));
    }

    #[test]
    fn svg_text_is_escaped() {
        let mut c = config();
        c.streets[0].name = "A&B<街道>\"".into();
        let s = Site::new(
            c,
            vec![case("a", date(2024, 1, 1), Some(0), &[])],
            vec![],
            vec![],
            Intro::default(),
        );
        let v = build(&s, 2025);
        let svg = &v.unit_charts[0].svg;
        assert!(svg.contains("A&amp;B&lt;街道&gt;&quot;"));
        assert!(!svg.contains("A&B"));
    }

    #[test]
    fn empty_site_still_lists_every_unit_for_the_current_year() {
        let s = Site::new(config(), vec![], vec![], vec![], Intro::default());
        let v = build(&s, 2026);
        assert_eq!(v.years.len(), 1);
        assert_eq!(v.years[0].note, "（进行中）");
        assert_eq!(v.groups[0].rows.len() + v.groups[1].rows.len(), 5);
        assert!(v.groups.iter().flat_map(|g| &g.rows).all(|r| r.cells[0].mark == "还差 2 次"));
        assert!(v.unit_charts.is_empty());
        assert!(v.outcome_chart.is_empty());
        assert_eq!(v.outcomes.last().unwrap().percent, "0.0%");
    }

    #[test]
    fn future_dated_cases_extend_the_years_without_marks() {
        let s = Site::new(
            config(),
            vec![case("a", date(2027, 1, 1), Some(0), &[])],
            vec![],
            vec![],
            Intro::default(),
        );
        let v = build(&s, 2026);
        let years: Vec<(i16, &str)> = v.years.iter().map(|y| (y.year, y.note.as_str())).collect();
        assert_eq!(years, [(2026, "（进行中）"), (2027, "（未开始）")]);
        assert_eq!(marks(&v.groups[0].rows[0]), ["还差 2 次", ""]);
        assert_eq!(v.groups[0].rows[0].cells[1].state, "future");
    }

    #[test]
    fn zero_minimum_marks_nothing() {
        let mut c = config();
        c.yearly_minimum = 0;
        let s = Site::new(
            c,
            vec![case("a", date(2024, 1, 1), Some(0), &[])],
            vec![],
            vec![],
            Intro::default(),
        );
        let v = build(&s, 2025);
        assert!(
            v.groups.iter().flat_map(|g| &g.rows).flat_map(|r| &r.cells).all(|c| c.mark.is_empty())
        );
        assert!(!v.unit_charts[0].svg.contains("最低要求"));
    }

    #[test]
    fn deterministic() {
        let a = serde_json::to_string(&build(&site(), 2025)).unwrap();
        let b = serde_json::to_string(&build(&site(), 2025)).unwrap();
        assert_eq!(a, b);
    }
}
