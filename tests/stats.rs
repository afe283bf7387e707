//! `/stats/` on a fixture site: every cell of the main table against the
//! fixture's cases, the 未达标 markers, totals, outcomes and follow-ups, and
//! the open data the page links to.

use std::path::Path;

/// Builds `tests/fixtures/stats` into a temp folder; returns (dir, output).
fn build() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_yishi"))
        .args(["build", "--root", "tests/fixtures/stats", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    (dir, out)
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// A cell of the main table: its count and whether it says 未达标.
#[derive(Debug, PartialEq)]
struct Cell {
    count: usize,
    below: bool,
}

/// Rows of the first table: unit name → cells (one per year, then the total).
fn main_table(html: &str) -> Vec<(String, Vec<Cell>)> {
    let start = html.find("<table").unwrap();
    let table = &html[start..start + html[start..].find("</table>").unwrap()];
    let mut rows = Vec::new();
    for row in table.split("<tr>").skip(1) {
        let Some(th) = row.find("<th scope=\"row\">") else { continue };
        let name_end = row[th..].find("</th>").unwrap() + th;
        let name = strip_tags(&row[th..name_end]);
        let cells = row[name_end..]
            .split("<td")
            .skip(1)
            .map(|td| {
                let td = &td[..td.find("</td>").unwrap()];
                let n = td.split("<span class=\"n\">").nth(1).unwrap();
                let count = n[..n.find('<').unwrap()].parse().unwrap();
                Cell { count, below: td.contains("未达标") }
            })
            .collect();
        rows.push((name, cells));
    }
    rows
}

fn years(html: &str) -> Vec<String> {
    let head = &html[html.find("<thead>").unwrap()..html.find("</thead>").unwrap()];
    head.split("<th scope=\"col\">").skip(2).map(strip_tags).collect()
}

#[test]
fn counts_every_unit_and_year_against_the_minimum() {
    let (_dir, out) = build();
    let html = std::fs::read_to_string(out.join("stats/index.html")).unwrap();
    let current = yishi::dates::today().year();
    let years = years(&html);
    // Columns run from the first case year to this year (in progress), then 合计.
    assert_eq!(years.first().map(String::as_str), Some("2022"));
    assert_eq!(years.len() as i16, current - 2022 + 2, "{years:?}");
    assert!(years[years.len() - 2].contains("进行中"));

    let rows = main_table(&html);
    let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    // Streets then committees, in site.yaml order, zero rows included.
    assert_eq!(&names[..4], ["甲街道", "乙街道", "经济科技委员会", "提案委员会"]);

    let finished = (current - 2022) as usize; // columns for complete years
    let expect = |counts: &[usize]| -> Vec<Cell> {
        let mut cells: Vec<Cell> = (0..finished)
            .map(|i| {
                let count = counts.get(i).copied().unwrap_or(0);
                Cell { count, below: count < 2 }
            })
            .collect();
        cells.push(Cell { count: 0, below: false }); // current year: pending, never 未达标
        cells.push(Cell { count: counts.iter().sum(), below: false }); // 合计
        cells
    };
    // 甲街道: a1, a2 in 2022. 乙街道: b1 in 2022. 经科委: a2 (joint) in 2022,
    // c1 (joint) and c2 in 2023. 提案委: c1 in 2023.
    assert_eq!(rows[0].1, expect(&[2]), "甲街道");
    assert_eq!(rows[1].1, expect(&[1]), "乙街道");
    assert_eq!(rows[2].1, expect(&[1, 2]), "经科委");
    assert_eq!(rows[3].1, expect(&[0, 1]), "提案委");
    // Totals count each case once: 3 in 2022, 2 in 2023.
    let totals = rows
        .iter()
        .find(|(n, _)| n.contains("案例总数") || n.contains("合计"))
        .expect("a totals row");
    assert_eq!(totals.1[0].count, 3);
    assert_eq!(totals.1[1].count, 2);
}

#[test]
fn shows_outcomes_follow_ups_and_links_the_open_data() {
    let (_dir, out) = build();
    let html = std::fs::read_to_string(out.join("stats/index.html")).unwrap();
    let text = strip_tags(&html);
    // 已落实 a1, c1; 推进中 a2; 已答复 b1; 未填写 c2: 2/5 = 40.0%.
    assert!(text.contains("40.0%"), "outcome share of 已落实");
    assert!(text.contains("20.0%"), "outcome share of the others");
    assert!(html.contains("未填写"));
    // Two cases have follow-ups and a final outcome: 已闭环.
    assert!(text.contains("已闭环"));
    assert!(html.contains("href=\"/api/cases.csv\""));
    assert!(html.contains("href=\"/api/cases.json\""));
    // Charts are inline SVG with a title for screen readers.
    assert!(html.contains("<svg") && html.contains("role=\"img\"") && html.contains("<title"));

    let csv = std::fs::read(out.join("api/cases.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel and WPS");
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 6, "header and five cases");
    assert!(lines[0].contains("标题") && lines[0].contains("跟进次数"));
    let joint = lines.iter().find(|l| l.starts_with("经科委2023年联合")).unwrap();
    assert!(joint.contains("经济科技委员会、提案委员会"), "{joint}");
    assert!(joint.contains(",1,"), "one follow-up: {joint}");
    assert!(Path::new(&out.join("api/cases.json")).exists());
}
