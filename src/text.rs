//! Bytes → text: encodings, line ends and positions. Pure: no I/O.
//!
//! Writers save from Windows editors, WeChat and Word, so a file may carry a
//! BOM, CRLF or lone CR line ends, or be GBK. We accept what decodes without
//! loss and refuse the rest; U+FFFD never reaches the output.

/// How the bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 with a byte order mark (stripped).
    Utf8Bom,
    /// GB18030 (a superset of GBK), decoded without a single error.
    Gb18030,
}

/// Why bytes are not text we can publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Contains NUL bytes: an image, a Word file, something not Markdown.
    Binary,
    /// Neither UTF-8 nor GBK; `line`/`column` locate the first bad byte.
    Invalid { line: usize, column: usize },
}

/// Decoded text with normalised line ends (`\n` only).
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// True when CRLF or CR line ends were rewritten.
    pub had_cr: bool,
}

/// Decodes a text file losslessly, or says why it cannot.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.contains(&0) {
        return Err(DecodeError::Binary);
    }
    let (raw, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(s) => (s.to_string(), Encoding::Utf8Bom),
            Err(e) => return Err(invalid_at(rest, e.valid_up_to())),
        }
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), Encoding::Utf8),
            Err(e) => {
                match encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(bytes)
                {
                    Some(s) if !s.contains('\u{FFFD}') => (s.into_owned(), Encoding::Gb18030),
                    _ => return Err(invalid_at(bytes, e.valid_up_to())),
                }
            }
        }
    };
    let had_cr = raw.contains('\r');
    let text = if had_cr { normalize_line_ends(&raw) } else { raw };
    Ok(Decoded { text, encoding, had_cr })
}

/// [`decode`], reusing the buffer for the common case (UTF-8 without a
/// BOM, NUL or CR) instead of copying every case file once more.
pub fn decode_owned(bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") || bytes.contains(&0) || bytes.contains(&b'\r') {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Decoded { text, encoding: Encoding::Utf8, had_cr: false }),
        Err(e) => decode(e.as_bytes()),
    }
}

fn invalid_at(bytes: &[u8], valid_up_to: usize) -> DecodeError {
    let good = String::from_utf8_lossy(&bytes[..valid_up_to]);
    let line = good.matches('\n').count() + 1;
    let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    DecodeError::Invalid { line, column }
}

/// CRLF and lone CR become LF; the line count is preserved.
pub fn normalize_line_ends(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Zero-width characters that editors and WeChat paste invisibly.
pub fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Is this a Chinese character or Chinese punctuation (for line joining)?
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F      // CJK symbols and punctuation
        | 0x3400..=0x4DBF    // Extension A
        | 0x4E00..=0x9FFF    // Unified ideographs
        | 0xF900..=0xFAFF    // Compatibility ideographs
        | 0xFF00..=0xFFEF    // Full-width forms (，：；！？（）)
        | 0x20000..=0x2FA1F  // Extensions B–F
        | 0x2018..=0x201F    // “ ” ‘ ’
        | 0x2014 | 0x2026    // — …
    )
}

/// Byte offset → (line, column), both 1-based, column in characters.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// How many lines the indexed text has (a final newline starts an empty one).
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// Line and column of `offset` in `text` (the text this index was made from).
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// The text of 1-based `line`, without its newline.
    pub fn line_text<'a>(&self, text: &'a str, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else { return "" };
        let end = self.starts.get(line).map_or(text.len(), |&e| e - 1);
        text.get(start..end.max(start)).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_normalises_crlf_and_lone_cr() {
        let d = decode(b"\xEF\xBB\xBFa\r\nb\rc\n").unwrap();
        assert_eq!(d.text, "a\nb\nc\n");
        assert_eq!(d.encoding, Encoding::Utf8Bom);
        assert!(d.had_cr);
    }

    #[test]
    fn decode_owned_agrees_with_decode() {
        let (gbk, _, _) = encoding_rs::GBK.encode("标题：夫子庙街道");
        let inputs: [&[u8]; 6] =
            [b"plain\n", b"\xEF\xBB\xBFbom\n", b"a\r\nb", b"nul\0", &gbk, b"\xFF\xFE\xFD"];
        for bytes in inputs {
            let (a, b) = (decode(bytes), decode_owned(bytes.to_vec()));
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{bytes:?}");
        }
    }

    #[test]
    fn decodes_gbk_without_loss() {
        let (bytes, _, _) = encoding_rs::GBK.encode("标题：夫子庙街道");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "标题：夫子庙街道");
        assert_eq!(d.encoding, Encoding::Gb18030);
    }

    #[test]
    fn refuses_bytes_that_are_neither_utf8_nor_gbk() {
        // 0x80 alone is not a valid GB18030 lead byte sequence here.
        let err = decode(b"title: ok\n\xFF\xFF\xFF").unwrap_err();
        assert_eq!(err, DecodeError::Invalid { line: 2, column: 1 });
    }

    #[test]
    fn refuses_binary() {
        assert_eq!(decode(b"\x89PNG\0\0").unwrap_err(), DecodeError::Binary);
    }

    #[test]
    fn positions_count_characters() {
        let text = "第一行\n标题: 夫子庙";
        let idx = LineIndex::new(text);
        let off = text.find("夫").unwrap();
        assert_eq!(idx.position(text, off), (2, 5));
        assert_eq!(idx.line_text(text, 2), "标题: 夫子庙");
        assert_eq!(idx.line_text(text, 1), "第一行");
    }
}
