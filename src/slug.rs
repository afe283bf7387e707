//! Names → URL slugs: Chinese becomes pinyin, words joined by `-`. Pure.

use pinyin::ToPinyin;

/// `洪武路 eldercare` → `hong-wu-lu-eldercare`; `北京` → `bei-jing`.
pub fn slugify(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
            continue;
        }
        if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if let Some(p) = c.to_pinyin() {
            words.push(p.plain().to_string());
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words.join("-")
}

/// A slug may hold only `a-z`, `0-9` and `-`, and not start or end with `-`.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Key for sorting Chinese names by pinyin (then by the name itself).
pub fn pinyin_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 2);
    for c in name.chars() {
        match c.to_pinyin() {
            Some(p) => key.push_str(p.plain()),
            None => key.extend(c.to_lowercase()),
        }
        key.push(' ');
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_becomes_pinyin_words() {
        assert_eq!(slugify("北京"), "bei-jing");
        assert_eq!(slugify("背景"), "bei-jing");
        assert_eq!(slugify("嵌入式养老"), "qian-ru-shi-yang-lao");
        assert_eq!(slugify("hongwu-eldercare"), "hongwu-eldercare");
        assert_eq!(slugify("Fuzimiao 委员之家 2020"), "fuzimiao-wei-yuan-zhi-jia-2020");
        assert_eq!(slugify("“嵌入式”养老！"), "qian-ru-shi-yang-lao");
    }

    #[test]
    fn validates_slugs() {
        assert!(is_valid("hongwu-eldercare-2020"));
        assert!(!is_valid("Hongwu"));
        assert!(!is_valid("../etc"));
        assert!(!is_valid("a/b"));
        assert!(!is_valid(""));
        assert!(!is_valid("-a"));
    }

    #[test]
    fn pinyin_order() {
        let mut v = vec!["社区治理", "嵌入式养老", "加装电梯", "停车难"];
        v.sort_by_key(|s| pinyin_key(s));
        assert_eq!(v, vec!["加装电梯", "嵌入式养老", "社区治理", "停车难"]);
    }
}
