//! Personal data in case text, caught before publication: mainland mobile
//! numbers and resident ID numbers (身份证号, with a valid check digit).
//! Pure: reports warnings that `strict: true` turns into errors.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::text::LineIndex;

/// What a run of digits looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    Mobile,
    ResidentId,
}

/// Finds personal numbers in `text`: (byte offset, kind).
pub fn find(text: &str) -> Vec<(usize, Finding)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit()
                || ((bytes[i] == b'X' || bytes[i] == b'x') && i - start == 17))
        {
            i += 1;
        }
        let run = &text[start..i];
        let preceded_by_letter = start > 0 && bytes[start - 1].is_ascii_alphabetic();
        if preceded_by_letter {
            continue;
        }
        if run.len() == 11 && run.starts_with('1') && (b'3'..=b'9').contains(&run.as_bytes()[1]) {
            out.push((start, Finding::Mobile));
        } else if run.len() == 18 && is_valid_resident_id(run) {
            out.push((start, Finding::ResidentId));
        }
    }
    out
}

/// GB 11643-1999 check digit.
pub fn is_valid_resident_id(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK[(sum % 11) as usize] == b[17].to_ascii_uppercase()
}

/// Warns about every finding in the body of a case file.
pub fn scan(rel: &str, text: &str, body_offset: usize, diags: &mut Diagnostics) {
    let found = find(&text[body_offset..]);
    if found.is_empty() {
        return;
    }
    let index = LineIndex::new(text);
    for (offset, kind) in found {
        let (line, col) = index.position(text, body_offset + offset);
        let (message, hint) = match kind {
            Finding::Mobile => (
                "正文里有手机号码",
                "发布前请删除或打码（如 139****0000），公开个人信息须经本人同意",
            ),
            Finding::ResidentId => {
                ("正文里有身份证号码", "发布前请删除身份证号，公开案例不应包含个人身份信息")
            }
        };
        diags.push(
            Diagnostic::warning(rel, line, col, message)
                .hint(hint)
                .source(index.line_text(text, line))
                .strict(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_mobiles_and_valid_ids_only() {
        let text = "联系13912345678，电话025-84561234，编号12345678901234567，身份证11010519491231002X，错号110105194912310021。";
        let f = find(text);
        assert_eq!(
            f.iter().map(|(_, k)| *k).collect::<Vec<_>>(),
            vec![Finding::Mobile, Finding::ResidentId]
        );
        assert_eq!(&text[f[0].0..f[0].0 + 11], "13912345678");
    }

    #[test]
    fn ignores_longer_digit_runs_and_years() {
        assert!(find("2020年8月7日，共12345678901234个").is_empty());
        assert!(find("139123456789").is_empty());
    }
}
