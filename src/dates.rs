//! Dates as writers type them → a calendar date. Pure.

use jiff::civil::Date;

/// Why a date string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not one of the accepted forms.
    Format,
    /// The form is right but the day does not exist (2月30日).
    Impossible { year: i16, month: i8, day: i8 },
}

/// Accepts `2020-08-07`, `2020-8-7`, `2020/08/07`, `2020.8.7`, `2020年8月7日`
/// and an RFC 3339 date-time (its date as written).
pub fn parse_date(input: &str) -> Result<Date, DateError> {
    let s = input.trim();
    // RFC 3339 date-time: take the calendar date as written.
    let s = match s.find(['T', 't', ' ']) {
        Some(i) if i >= 8 && s[..i].bytes().all(|b| b.is_ascii_digit() || b == b'-') => &s[..i],
        _ => s,
    };
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or(DateError::Format)?;
        let (m, d) = rest.split_once('月').ok_or(DateError::Format)?;
        vec![y, m, d]
    } else {
        let sep = [b'-', b'/', b'.'].into_iter().find(|&c| s.as_bytes().contains(&c));
        let Some(sep) = sep else { return Err(DateError::Format) };
        s.split(sep as char).collect()
    };
    let [y, m, d] = parts.as_slice() else { return Err(DateError::Format) };
    let number = |p: &str, max_len: usize| -> Result<i64, DateError> {
        let p = p.trim();
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DateError::Format);
        }
        p.parse().map_err(|_| DateError::Format)
    };
    let (year, month, day) = (number(y, 4)?, number(m, 2)?, number(d, 2)?);
    if y.trim().len() != 4 {
        return Err(DateError::Format);
    }
    let (year, month, day) = (year as i16, month as i8, day as i8);
    Date::new(year, month, day).map_err(|_| DateError::Impossible { year, month, day })
}

/// `2020年8月7日`, as pages show dates.
pub fn chinese(date: Date) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// `2020-08-07`, as feeds, JSON and sitemaps use.
pub fn iso(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// Today in the local time zone (for future-date warnings and `yishi new`).
pub fn today() -> Date {
    jiff::ZonedDateTime::now().date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn accepts_every_documented_form() {
        for s in [
            "2020-08-07",
            "2020-8-7",
            "2020/08/07",
            "2020.8.7",
            "2020年8月7日",
            "2020-08-07T09:30:00+08:00",
            " 2020-08-07 ",
        ] {
            assert_eq!(parse_date(s), Ok(date(2020, 8, 7)), "{s}");
        }
    }

    #[test]
    fn refuses_impossible_days() {
        assert_eq!(
            parse_date("2021年2月30日"),
            Err(DateError::Impossible { year: 2021, month: 2, day: 30 })
        );
        assert_eq!(
            parse_date("2020-13-01"),
            Err(DateError::Impossible { year: 2020, month: 13, day: 1 })
        );
        assert_eq!(parse_date("2024-02-29"), Ok(date(2024, 2, 29)));
    }

    #[test]
    fn refuses_other_forms() {
        for s in ["去年八月", "2020", "20-8-7", "2020-08", "8/7/2020", "", "2020-08-07-01"] {
            assert_eq!(parse_date(s), Err(DateError::Format), "{s}");
        }
    }

    #[test]
    fn formats_chinese_and_iso() {
        assert_eq!(chinese(date(2020, 8, 7)), "2020年8月7日");
        assert_eq!(iso(date(2020, 8, 7)), "2020-08-07");
    }
}
