//! The static search index (`/search/`): files any static server can serve.
//!
//! # What a query means
//!
//! Exact substring search. Text and query are both *normalised* the same
//! way, here and in `themes/default/static/search.js`, one UTF-16 unit for
//! one (so positions in the normalised text are positions in the original,
//! and snippets show what the writer wrote):
//!
//! - full-width ASCII forms U+FF01..U+FF5E become U+0021..U+007E
//!   (`ＡＢＣ１２３` → `abc123`), the ideographic space U+3000 becomes a space;
//! - ASCII letters are lower-cased.
//!
//! The query is cut at white space ([`is_space`]) into words; a case matches
//! when every word occurs in it (AND). Each word is an exact substring: a
//! case holding 嵌入式 and 方式养老 is *not* a match for 嵌入式养老. What is
//! searched: the title, the summary (when written by hand; the default one is
//! the start of the text), the visible text of the body (`Case::plain`,
//! sanitised: raw HTML never reaches it) and a line of facts (street,
//! community, committees with short names, topics, outcome, participants,
//! location, follow-ups). Results come newest first (the order of
//! `site.cases`); relevance ranking would need term statistics the client
//! cannot get without downloading far more.
//!
//! Drafts are never indexed, even in a `--drafts` preview build, so a
//! preview published by mistake cannot leak them through search.
//!
//! # Files
//!
//! Cases get ids 0..n in `site.cases` order (newest first), drafts left out.
//!
//! - `search/meta.json`: `{v, n, b, u, page, streets, committees, topics,
//!   years}`: the version `v`, the number of cases, the number of bigram and
//!   unigram shards, the page size, the vocabularies of the filters (`[name,
//!   slug]`, committees `[name, short, slug]`) and each year as the id range
//!   `[year, from, to)` (cases are sorted by date, so a year is a contiguous
//!   run of ids).
//!
//! Every other file is under `search/<v>/`, `v` being a hash of everything
//! they are made from (each case's fields and text, the filter vocabularies
//! and a format tag), so the files can be written as they are made: a new
//! index is a new folder, so its files never mix with old ones from a
//! cache, and `meta.json` may be preloaded and cached like any file (an old
//! one leads the client to a 404, and it fetches `meta.json` anew).
//!
//! - `b/K.json`: bigram postings. Every pair of adjacent characters of the
//!   normalised text not separated by white space is a key; the shard `K` of
//!   a key is [`shard_of`] (FNV-1a over its UTF-16 units, then a 32-bit
//!   finaliser, modulo the shard count). A shard is a JSON object
//!   `{bigram: postings}`, sorted. The shard count is a power of two chosen
//!   so an average shard holds about [`SHARD_TARGET`] bytes (1 for a tiny
//!   site, 1024 for the 10,000-case benchmark corpus), so a query fetches a
//!   few small files whatever the size of the site.
//! - `u/K.json`: the same for single characters, fetched only for a
//!   one-character word (a one-character query is answered from its postings
//!   alone, no scan).
//! - `d/ID.json`: one case: `{t: title, u: URL relative to the root, d: ISO
//!   date, s: street index, m: community, c: committee indexes, k: facts
//!   line, x: text, p: parts}`; `x` is the hand-written summary and the body
//!   text, stored as written. The searched text is `t \n k \n x`. A text longer
//!   than [`PART_UNITS`] UTF-16 units continues in `d/ID-1.json`,
//!   `d/ID-2.json`… (`p` is then the number of parts), so one huge case does
//!   not cost a reader megabytes when its start already shows the match.
//! - `f/sI.json`, `f/cI.json`, `f/tI.json`: the postings of street,
//!   committee and topic number `I` (filters).
//!
//! Postings (the ids of the cases holding a key) are one compact string,
//! whichever form is shortest: `a` (every case), `d`+gaps (ascending ids as
//! gaps `id - previous - 1` in little-endian base-32 varints, one URL-safe
//! base-64 character per 5 bits, bit 5 set on all but the last character),
//! `c`+gaps (the same for the ids *not* in the set) or `m`+bitmap (6 cases a
//! character). See [`encode_postings`].
//!
//! # What the browser does
//!
//! `search.html` preloads `meta.json` and loads `search.js` async from
//! `<head>`, so the query in the address (`?q=…&street=…`) starts fetching
//! index parts while the page is still being parsed. For each word of 2+
//! characters the client fetches the shards of (up to 8 of) its bigrams, for
//! a 1-character word its unigram shard, and intersects the postings with
//! each other and with the filters (a year is an id range). A 1- or
//! 2-character word is then exact. For a longer word this is a candidate set
//! (every bigram present, not necessarily adjacent): the client fetches the
//! case files of the candidates, newest first, only as many as fill a page
//! (10; 显示更多结果 goes on), checks the exact substrings on the
//! normalised text, and builds the snippets from the same text, showing each
//! result as soon as it and those before it are in. The count is exact when
//! every word has at most 2 characters or every candidate has been checked;
//! otherwise it is the number of candidates less those found false so far,
//! shown as 约 N (false candidates are rare, and are never shown).
//!
//! On the generated 10,000-case corpus (`benches/search_bench.mjs`) a query
//! downloads 68–170 KB in all (page, CSS, scripts, index parts; 29–87 KB if
//! gzipped): 1–8 postings shards of ~6 KB on average and ~5.5 KB a case shown.
//!
//! A docs table for all cases in one file (title, URL, date, facets) was
//! rejected: at ~130 bytes a case it is 1.3 MB for 10,000 cases, far past
//! the 300 KB budget; chunks of 50–100 case texts likewise (≈ 5 KB a case
//! makes a chunk 250–500 KB, and a rare word's first page touches 10 chunks).
//! One file a case costs one request a result and nothing else. Pagefind was
//! weighed and rejected: it segments Chinese into words, so a substring that
//! crosses its word boundaries is missed, and its exact-phrase behaviour
//! depends on that segmentation.

use crate::hashing::FastMap;
use crate::model::{Case, Site, routes};
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};

/// Average size aimed at for one postings shard, in bytes.
pub const SHARD_TARGET: usize = 8 * 1024;
/// Most shards of one kind (keeps the number of files bounded).
pub const MAX_SHARDS: usize = 4096;
/// A case text longer than this (UTF-16 units) is split into parts.
pub const PART_UNITS: usize = 20_000;
/// Results shown at once (and per 显示更多).
pub const PAGE_SIZE: usize = 10;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Normalises one character (see the module documentation). Keeps the
/// UTF-16 length: every mapping is BMP to BMP.
pub fn normalize_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            let a = char::from_u32(c as u32 - 0xFEE0).unwrap_or(c);
            a.to_ascii_lowercase()
        }
        '\u{3000}' => ' ',
        _ => c.to_ascii_lowercase(),
    }
}

/// Normalises a text for search (same in search.js).
pub fn normalize(s: &str) -> String {
    s.chars().map(normalize_char).collect()
}

/// White space that separates words (the same set as `WS` in search.js).
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | ' ' | '\u{85}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// Shard of a key among `shards` (a power of two): FNV-1a over the UTF-16
/// units, then the murmur3 finaliser (same in search.js).
pub fn shard_of(key: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for u in key.encode_utf16() {
        h ^= u32::from(u);
        h = h.wrapping_mul(0x0100_0193);
    }
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    (h as usize) & (shards - 1)
}

fn push_varint(out: &mut String, mut v: u32) {
    loop {
        let low = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            out.push(B64[low] as char);
            return;
        }
        out.push(B64[low | 32] as char);
    }
}

fn gaps(ids: impl Iterator<Item = u32>, tag: char) -> String {
    let mut s = String::from(tag);
    let mut prev: i64 = -1;
    for id in ids {
        push_varint(&mut s, (i64::from(id) - prev - 1) as u32);
        prev = i64::from(id);
    }
    s
}

/// Encodes ascending, distinct ids among `0..n` in the shortest form.
pub fn encode_postings(ids: &[u32], n: u32) -> String {
    encode_runs(&[ids], n)
}

/// [`encode_postings`] of the ids of consecutive runs, one after another.
fn encode_runs<R: AsRef<[u32]>>(runs: &[R], n: u32) -> String {
    let all = || runs.iter().flat_map(|r| r.as_ref().iter().copied());
    let len: usize = runs.iter().map(|r| r.as_ref().len()).sum();
    if n > 0 && len == n as usize {
        return "a".to_string();
    }
    let delta = gaps(all(), 'd');
    let mut best = delta;
    if let Some(max) = runs.iter().rev().find_map(|r| r.as_ref().last().copied()) {
        let mut bits = vec![0u8; max as usize / 6 + 1];
        for id in all() {
            bits[id as usize / 6] |= 1 << (id % 6);
        }
        let mut bitmap = String::with_capacity(bits.len() + 1);
        bitmap.push('m');
        bitmap.extend(bits.iter().map(|&b| B64[b as usize] as char));
        if bitmap.len() < best.len() {
            best = bitmap;
        }
        if len * 2 > n as usize {
            let mut it = all().peekable();
            let missing = (0..n).filter(move |&i| {
                if it.peek() == Some(&i) {
                    it.next();
                    false
                } else {
                    true
                }
            });
            let comp = gaps(missing, 'c');
            if comp.len() < best.len() {
                best = comp;
            }
        }
    }
    best
}

/// Decodes [`encode_postings`] (the Rust twin of `decode` in search.js).
pub fn decode_postings(s: &str, n: u32) -> Option<Vec<u32>> {
    let val = |b: u8| B64.iter().position(|&x| x == b).map(|v| v as u32);
    let bytes = s.as_bytes();
    let (&tag, rest) = bytes.split_first()?;
    let read_gaps = |rest: &[u8]| -> Option<Vec<u32>> {
        let mut out = Vec::new();
        let (mut prev, mut acc, mut shift) = (-1i64, 0u32, 0u32);
        for &b in rest {
            let v = val(b)?;
            acc |= (v & 31) << shift;
            if v & 32 != 0 {
                shift += 5;
                if shift > 30 {
                    return None;
                }
            } else {
                prev += i64::from(acc) + 1;
                out.push(prev as u32);
                acc = 0;
                shift = 0;
            }
        }
        Some(out)
    };
    match tag {
        b'a' => Some((0..n).collect()),
        b'd' => read_gaps(rest),
        b'c' => {
            let missing = read_gaps(rest)?;
            let mut it = missing.into_iter().peekable();
            Some(
                (0..n)
                    .filter(|&i| {
                        if it.peek() == Some(&i) {
                            it.next();
                            false
                        } else {
                            true
                        }
                    })
                    .collect(),
            )
        }
        b'm' => {
            let mut out = Vec::new();
            for (k, &b) in rest.iter().enumerate() {
                let v = val(b)?;
                for bit in 0..6 {
                    if v & (1 << bit) != 0 {
                        out.push((k * 6 + bit) as u32);
                    }
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// The searchable text of a case besides its title, borrowed from the case
/// but for the short line of facts.
pub struct CaseText<'a> {
    /// The hand-written summary, when the body does not already hold it.
    pub summary: Option<&'a str>,
    /// The visible text of the body.
    pub body: &'a str,
    /// Street, community, committees, topics, outcome, participants,
    /// location and follow-ups, joined by ` · `.
    pub facts: String,
}

impl CaseText<'_> {
    /// The text a case file stores as `x`: the summary, then the body.
    pub fn text(&self) -> String {
        match (self.summary, self.body.is_empty()) {
            (Some(s), false) => format!("{s}\n{}", self.body),
            (Some(s), true) => s.to_string(),
            (None, _) => self.body.to_string(),
        }
    }
}

/// The searchable text of a case besides its title.
pub fn case_text<'a>(site: &Site, case: &'a Case) -> CaseText<'a> {
    let summary = case.summary.trim();
    let summary = (case.summary_written && !summary.is_empty() && !case.plain.contains(summary))
        .then_some(summary);
    let mut facts: Vec<&str> = Vec::new();
    if let Some(s) = case.street.and_then(|s| site.config.streets.get(s)) {
        facts.push(&s.name);
    }
    facts.extend(case.community.as_deref());
    for c in case.committees.iter().filter_map(|&c| site.config.committees.get(c)) {
        facts.push(&c.name);
        facts.extend(c.short.as_deref());
    }
    for t in case.topics.iter().filter_map(|&t| site.topics.get(t)) {
        facts.push(&t.name);
    }
    facts.extend(case.outcome.as_deref());
    facts.extend(case.participants.iter().map(String::as_str));
    facts.extend(case.location.as_deref());
    facts.extend(case.followups.iter().map(|f| f.text.as_str()));
    let facts: Vec<String> = facts
        .into_iter()
        .map(|f| f.split(is_space).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" "))
        .filter(|f| !f.is_empty())
        .collect();
    CaseText { summary, body: case.plain.trim(), facts: facts.join(" · ") }
}

/// Postings lists keyed by a packed bigram (`c1 << 32 | c2`) or a character.
type Postings<K> = Vec<(K, Vec<u32>)>;

/// Postings of one run of documents, keyed by slot. Keys seen in the
/// current document are marked in a bitmap and added when it ends: no
/// data-dependent branch per character (they were most of the index time).
#[derive(Default)]
struct Lists {
    seen: Vec<u64>,
    ids: Vec<Vec<u32>>,
}

impl Lists {
    /// Marks `slot` as held by the current document; a slot equal to the
    /// number of lists is a new key.
    fn mark(&mut self, slot: u32) {
        let slot = slot as usize;
        if slot == self.ids.len() {
            self.ids.push(Vec::new());
            if slot / 64 == self.seen.len() {
                self.seen.push(0);
            }
        }
        self.seen[slot / 64] |= 1 << (slot % 64);
    }

    /// The lists by key, at their exact sizes (they are most of the index's
    /// memory).
    fn by_key<K>(mut self, slots: FastMap<K, u32>) -> Postings<K> {
        let mut take = |s: u32| {
            let mut ids = std::mem::take(&mut self.ids[s as usize]);
            ids.shrink_to_fit();
            ids
        };
        slots.into_iter().map(|(k, s)| (k, take(s))).collect()
    }

    /// Adds `id` to every list marked since the last call, in slot order.
    fn end_document(&mut self, id: u32) {
        for (w, word) in self.seen.iter_mut().enumerate() {
            while *word != 0 {
                let bit = word.trailing_zeros() as usize;
                self.ids[w * 64 + bit].push(id);
                *word &= *word - 1;
            }
        }
    }
}

/// Bigram and unigram postings of documents with ids from `first`, in
/// order: normalised, never across white space. This is the hot loop of
/// the index.
fn postings_of<'a>(
    docs: impl Iterator<Item = [&'a str; 4]>,
    first: u32,
) -> (Postings<u64>, Postings<u32>) {
    // Keys interned to dense slots (a few thousand bigrams: the tables
    // stay in cache; this lookup runs twice per character).
    let mut bi_slots: FastMap<u64, u32> = FastMap::default();
    let mut uni_slots: FastMap<u32, u32> = FastMap::default();
    let (mut bi, mut uni) = (Lists::default(), Lists::default());
    for (i, fields) in docs.enumerate() {
        let id = first + i as u32;
        for field in fields {
            let mut prev: Option<char> = None;
            for c in field.chars().map(normalize_char) {
                if is_space(c) {
                    prev = None;
                    continue;
                }
                let fresh = uni.ids.len() as u32;
                uni.mark(*uni_slots.entry(c as u32).or_insert(fresh));
                if let Some(p) = prev {
                    let key = (u64::from(p as u32) << 32) | u64::from(c as u32);
                    let fresh = bi.ids.len() as u32;
                    bi.mark(*bi_slots.entry(key).or_insert(fresh));
                }
                prev = Some(c);
            }
        }
        bi.end_document(id);
        uni.end_document(id);
    }
    (bi.by_key(bi_slots), uni.by_key(uni_slots))
}

/// The postings of consecutive runs of documents, joined by key without
/// copying: each key keeps its runs' lists, in run order, sorted by key
/// (numeric order of code points is the byte order of the UTF-8 keys, so
/// the shards come out sorted as strings).
fn join_runs<K: Ord + Copy + Eq + std::hash::Hash + Send>(
    runs: Vec<Postings<K>>,
) -> Vec<(K, Vec<Vec<u32>>)> {
    let mut by_key: FastMap<K, Vec<Vec<u32>>> = FastMap::default();
    for run in runs {
        for (k, ids) in run {
            by_key.entry(k).or_default().push(ids);
        }
    }
    let mut v: Vec<(K, Vec<Vec<u32>>)> = by_key.into_iter().collect();
    v.par_sort_unstable_by_key(|(k, _)| *k);
    v
}

/// FNV-1a's step over 8-byte little-endian words, then each part's length:
/// the same on every platform and eight times fewer multiplications (the
/// version hash reads every case text).
fn fnv1a_words(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut step = |w: u64| {
        h ^= w;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    for part in parts {
        let mut words = part.chunks_exact(8);
        for w in &mut words {
            step(u64::from_le_bytes(w.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        last[..words.remainder().len()].copy_from_slice(words.remainder());
        step(u64::from_le_bytes(last));
        step(part.len() as u64);
    }
    h
}

fn key_of_bigram(k: u64) -> String {
    let a = char::from_u32((k >> 32) as u32).unwrap_or('\u{FFFD}');
    let b = char::from_u32(k as u32).unwrap_or('\u{FFFD}');
    [a, b].iter().collect()
}

/// Postings (sorted by key) sharded into JSON files `dir/K.json`; returns
/// the number of shards.
fn shard_files(
    dir: &str,
    postings: Vec<(String, Vec<Vec<u32>>)>,
    n: u32,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> usize {
    let encoded: Vec<(String, String)> = postings
        .into_par_iter()
        .map(|(k, runs)| {
            let v = encode_runs(&runs, n);
            (k, v)
        })
        .collect();
    // Bytes of one `"key":"value",` entry.
    let total: usize = encoded.iter().map(|(k, v)| k.len() + v.len() + 6).sum();
    let shards = total.div_ceil(SHARD_TARGET).next_power_of_two().clamp(1, MAX_SHARDS);
    let mut maps: Vec<Vec<(&str, &str)>> = vec![Vec::new(); shards];
    for (k, v) in &encoded {
        maps[shard_of(k, shards)].push((k, v));
    }
    maps.into_par_iter()
        .enumerate()
        .for_each(|(i, m)| emit(format!("{dir}/{i}.json"), json(&JsonObject(&m))));
    shards
}

/// Sorted (key, value) pairs written as one JSON object.
struct JsonObject<'a>(&'a [(&'a str, &'a str)]);

impl Serialize for JsonObject<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

fn json<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).expect("search index serialises")
}

/// One case file (`d/ID.json`).
#[derive(Serialize)]
struct DocFile<'a> {
    t: &'a str,
    u: String,
    d: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    m: Option<&'a str>,
    #[serde(skip_serializing_if = "<[usize]>::is_empty")]
    c: &'a [usize],
    #[serde(skip_serializing_if = "str::is_empty")]
    k: &'a str,
    x: &'a str,
    #[serde(skip_serializing_if = "is_one")]
    p: usize,
}

fn is_one(p: &usize) -> bool {
    *p == 1
}

#[derive(Serialize)]
struct Meta<'a> {
    v: String,
    n: u32,
    b: usize,
    u: usize,
    page: usize,
    streets: Vec<[&'a str; 2]>,
    committees: Vec<[&'a str; 3]>,
    topics: Vec<[&'a str; 2]>,
    years: Vec<(i16, u32, u32)>,
}

/// Splits a text into parts of at most [`PART_UNITS`] UTF-16 units (at
/// character boundaries).
fn parts(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut units) = (0, 0);
    for (i, c) in text.char_indices() {
        if units + c.len_utf16() > PART_UNITS {
            out.push(&text[start..i]);
            start = i;
            units = 0;
        }
        units += c.len_utf16();
    }
    out.push(&text[start..]);
    out
}

/// Files of the search index, as (path relative to the output root, bytes),
/// sorted by path.
pub fn build(site: &Site) -> Vec<(String, Vec<u8>)> {
    build_unless(site, &AtomicBool::new(false)).unwrap_or_default()
}

/// [`build`], given up (`None`) as soon as `stop` is set: the preview
/// server drops a stale index when the writer saves again.
pub fn build_unless(site: &Site, stop: &AtomicBool) -> Option<Vec<(String, Vec<u8>)>> {
    let files = std::sync::Mutex::new(Vec::new());
    let done = write(
        site,
        &|path, bytes| {
            files.lock().unwrap_or_else(|e| e.into_inner()).push((path, bytes));
        },
        stop,
    );
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.0.cmp(&b.0));
    done.then_some(files)
}

/// Bumped when the files' format changes, so the version folder does too.
const FORMAT: &[u8] = b"yishi-search-1";

/// Makes the search index, handing each file (path relative to the output
/// root, bytes) to `emit` as soon as it is made, from any thread: the case
/// files go out while the postings are built, and never all sit in memory.
/// Returns false, with only some files emitted, if `stop` was set.
pub fn write(site: &Site, emit: &(dyn Fn(String, Vec<u8>) + Sync), stop: &AtomicBool) -> bool {
    let stopped = || stop.load(Ordering::Relaxed);
    let docs: Vec<&Case> = site.cases.iter().filter(|c| !c.draft).collect();
    let n = docs.len() as u32;
    let texts: Vec<CaseText> = docs.par_iter().map(|c| case_text(site, c)).collect();

    // The version is a hash of everything the files are made from (not of
    // the files, which would have to be held until the end).
    let per_doc: Vec<u64> = docs
        .par_iter()
        .zip(&texts)
        .map(|(c, t)| {
            let numbers: Vec<u8> = [c.street.map_or(0, |s| s + 1)]
                .iter()
                .chain(&c.committees)
                .chain([&usize::MAX])
                .chain(&c.topics)
                .flat_map(|x| (*x as u64).to_le_bytes())
                .collect();
            fnv1a_words(&[
                c.title.as_bytes(),
                c.slug.as_bytes(),
                c.date.to_string().as_bytes(),
                c.community.as_deref().unwrap_or("").as_bytes(),
                &numbers,
                t.facts.as_bytes(),
                t.summary.unwrap_or("").as_bytes(),
                t.body.as_bytes(),
            ])
        })
        .collect();
    let mut vocabulary: Vec<&[u8]> = vec![FORMAT];
    for s in &site.config.streets {
        vocabulary.extend([s.name.as_bytes(), s.slug.as_bytes()]);
    }
    for c in &site.config.committees {
        vocabulary.extend([c.name.as_bytes(), c.short.as_deref().unwrap_or("").as_bytes()]);
        vocabulary.push(c.slug.as_bytes());
    }
    for t in &site.topics {
        vocabulary.extend([t.name.as_bytes(), t.slug.as_bytes()]);
    }
    let h = per_doc
        .iter()
        .fold(fnv1a_words(&vocabulary), |h, d| (h ^ d).wrapping_mul(0x0100_0000_01b3));
    let v = format!("{:012x}", h >> 16);
    let under_v = |p: String| format!("search/{v}/{p}");

    rayon::join(
        || {
            docs.par_iter().zip(&texts).enumerate().for_each(|(id, (case, text))| {
                if stopped() {
                    return;
                }
                let text = text.text();
                let ps = parts(&text);
                let doc = DocFile {
                    t: &case.title,
                    u: routes::case(&case.slug),
                    d: case.date.to_string(),
                    s: case.street,
                    m: case.community.as_deref(),
                    c: &case.committees,
                    k: &texts[id].facts,
                    x: ps[0],
                    p: ps.len(),
                };
                emit(under_v(format!("d/{id}.json")), json(&doc));
                for (k, p) in ps.iter().enumerate().skip(1) {
                    emit(under_v(format!("d/{id}-{k}.json")), json(p));
                }
            })
        },
        || {
            let Some((b_shards, u_shards)) =
                write_postings(&docs, &texts, &|p, b| emit(under_v(p), b), stop)
            else {
                return;
            };
            write_facets(site, &docs, &|p, b| emit(under_v(p), b));
            let mut years: Vec<(i16, u32, u32)> = Vec::new();
            for (id, c) in docs.iter().enumerate() {
                let (y, id) = (c.date.year(), id as u32);
                match years.last_mut() {
                    Some(last) if last.0 == y && last.2 == id => last.2 = id + 1,
                    _ => years.push((y, id, id + 1)),
                }
            }
            let meta = Meta {
                v: v.clone(),
                n,
                b: b_shards,
                u: u_shards,
                page: PAGE_SIZE,
                streets: site
                    .config
                    .streets
                    .iter()
                    .map(|s| [s.name.as_str(), s.slug.as_str()])
                    .collect(),
                committees: site
                    .config
                    .committees
                    .iter()
                    .map(|c| {
                        [c.name.as_str(), c.short.as_deref().unwrap_or(&c.name), c.slug.as_str()]
                    })
                    .collect(),
                topics: site.topics.iter().map(|t| [t.name.as_str(), t.slug.as_str()]).collect(),
                years,
            };
            emit("search/meta.json".to_string(), json(&meta));
        },
    );
    !stopped()
}

/// The bigram and unigram shards; returns how many of each.
fn write_postings(
    docs: &[&Case],
    texts: &[CaseText],
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
    stop: &AtomicBool,
) -> Option<(usize, usize)> {
    let n = docs.len() as u32;
    // Built in parallel over contiguous runs of documents, then joined in
    // order (so every list stays ascending).
    let runs = (rayon::current_num_threads() * 2).max(1);
    let per_run = docs.len().div_ceil(runs).max(1);
    let (bi, uni): (Vec<Postings<u64>>, Vec<Postings<u32>>) = docs
        .par_chunks(per_run)
        .zip(texts.par_chunks(per_run))
        .enumerate()
        .map(|(r, (cases, texts))| {
            let go_on = |_: &_| !stop.load(Ordering::Relaxed);
            let fields = cases.iter().zip(texts).take_while(go_on).map(|(c, t)| {
                [c.title.as_str(), t.facts.as_str(), t.summary.unwrap_or(""), t.body]
            });
            postings_of(fields, (r * per_run) as u32)
        })
        .unzip();
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let (bi, uni) = rayon::join(|| join_runs(bi), || join_runs(uni));
    let bi: Vec<(String, Vec<Vec<u32>>)> =
        bi.into_iter().map(|(k, ids)| (key_of_bigram(k), ids)).collect();
    let uni: Vec<(String, Vec<Vec<u32>>)> = uni
        .into_iter()
        .map(|(k, ids)| (char::from_u32(k).unwrap_or('\u{FFFD}').to_string(), ids))
        .collect();
    let b = shard_files("b", bi, n, emit);
    let u = shard_files("u", uni, n, emit);
    Some((b, u))
}

/// The postings of every street, committee and topic (the filters).
fn write_facets(site: &Site, docs: &[&Case], emit: &(dyn Fn(String, Vec<u8>) + Sync)) {
    let n = docs.len() as u32;
    let facet = |f: &dyn Fn(&Case) -> bool| -> Vec<u8> {
        let ids: Vec<u32> =
            docs.iter().enumerate().filter(|(_, c)| f(c)).map(|(i, _)| i as u32).collect();
        json(&encode_postings(&ids, n))
    };
    for i in 0..site.config.streets.len() {
        emit(format!("f/s{i}.json"), facet(&|c| c.street == Some(i)));
    }
    for i in 0..site.config.committees.len() {
        emit(format!("f/c{i}.json"), facet(&|c| c.committees.contains(&i)));
    }
    for i in 0..site.topics.len() {
        emit(format!("f/t{i}.json"), facet(&|c| c.topics.contains(&i)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Committee, Config, Footer, Street};
    use crate::model::{Followup, Intro, Topic};
    use jiff::civil::date;

    fn config() -> Config {
        Config {
            title: "测试站点".into(),
            base_url: "https://example.gov.cn/yshsl/".into(),
            description: String::new(),
            page_size: 20,
            yearly_minimum: 4,
            footer: Footer::default(),
            streets: vec![
                Street {
                    name: "夫子庙街道".into(), slug: "fuzimiao".into(), communities: vec![]
                },
                Street {
                    name: "洪武路街道".into(), slug: "hongwulu".into(), communities: vec![]
                },
            ],
            committees: vec![Committee {
                name: "经济科技委员会".into(),
                short: Some("经科委".into()),
                slug: "jingkewei".into(),
            }],
            outcomes: vec!["已落实".into(), "推进中".into()],
            topics: vec![],
            theme: "default".into(),
            unsafe_html: false,
            strict: false,
        }
    }

    fn case(slug: &str, title: &str, y: i16, m: i8, d: i8, plain: &str) -> Case {
        Case {
            source: format!("content/cases/{slug}.md"),
            slug: slug.into(),
            title: title.into(),
            date: date(y, m, d),
            updated: None,
            street: None,
            community: None,
            committees: vec![],
            topics: vec![],
            typical: false,
            outcome: None,
            followups: vec![],
            participants: vec![],
            location: None,
            summary: crate::load::default_summary(plain),
            summary_written: false,
            cover: None,
            cover_alt: None,
            draft: false,
            content_html: String::new(),
            plain: plain.into(),
            assets: vec![],
        }
    }

    fn site() -> Site {
        let mut a = case("a", "洪武路街道嵌入式养老协商会", 2020, 8, 7, "建设嵌入式养老服务站。\n");
        a.street = Some(1);
        a.topics = vec![0];
        a.followups = vec![Followup { date: date(2020, 10, 1), text: "服务站建成".into() }];
        let mut b = case("b", "嵌入式设备与方式养老", 2021, 3, 1, "嵌入式设备；新方式养老。\n");
        b.street = Some(0);
        b.committees = vec![0];
        b.outcome = Some("推进中".into());
        let mut c = case("c", "加装电梯", 2021, 5, 2, "ＡＢＣ小区加装电梯，Hello World。\n");
        c.street = Some(0);
        c.summary = "手写的摘要：停车难".into();
        c.summary_written = true;
        let mut draft = case("z", "草稿：秘密议题", 2022, 1, 1, "草稿正文绝密内容\n");
        draft.draft = true;
        let topics =
            vec![Topic { name: "嵌入式养老".into(), slug: "yanglao".into(), cases: vec![] }];
        Site::new(config(), vec![a, b, c, draft], topics, vec![], Intro::default())
    }

    /// A file by its path under `search/`, or under `search/<version>/`.
    fn file<'a>(files: &'a [(String, Vec<u8>)], path: &str) -> &'a [u8] {
        let meta = &files.iter().find(|(p, _)| p == "search/meta.json").expect("meta").1;
        let meta: serde_json::Value = serde_json::from_slice(meta).unwrap();
        let v = meta["v"].as_str().unwrap();
        let versioned = path.replacen("search/", &format!("search/{v}/"), 1);
        &files
            .iter()
            .find(|(p, _)| p == path || *p == versioned)
            .unwrap_or_else(|| panic!("no {path}"))
            .1
    }

    fn value(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
        serde_json::from_slice(file(files, path)).unwrap()
    }

    /// Ids of the cases holding `key` according to the built shards.
    fn lookup(files: &[(String, Vec<u8>)], key: &str) -> Vec<u32> {
        let meta = value(files, "search/meta.json");
        let n = meta["n"].as_u64().unwrap() as u32;
        let (dir, shards) = if key.chars().count() == 1 { ("u", "u") } else { ("b", "b") };
        let shards = meta[shards].as_u64().unwrap() as usize;
        let shard = value(files, &format!("search/{dir}/{}.json", shard_of(key, shards)));
        shard.get(key).map_or(vec![], |p| decode_postings(p.as_str().unwrap(), n).unwrap())
    }

    fn title_of(files: &[(String, Vec<u8>)], id: u32) -> String {
        value(files, &format!("search/d/{id}.json"))["t"].as_str().unwrap().to_string()
    }

    #[test]
    fn normalisation_folds_width_and_case() {
        assert_eq!(normalize("ＡＢＣ１２３！～　Ｘｙz"), "abc123!~ xyz");
        assert_eq!(normalize("嵌入式养老 ABC"), "嵌入式养老 abc");
        // One UTF-16 unit for one: snippet positions stay valid.
        let s = "Ａ𠮷ｂ　中文ÀÉ";
        assert_eq!(normalize(s).encode_utf16().count(), s.encode_utf16().count());
        assert_eq!(normalize("ÀÉ"), "ÀÉ", "only ASCII letters fold");
        assert!(is_space('\u{3000}') && is_space('\n') && is_space('\u{A0}'));
        assert!(!is_space('中') && !is_space('\u{200B}'));
    }

    #[test]
    fn bigram_postings_are_correct() {
        let files = build(&site());
        // Cases newest first: c (2021-05), b (2021-03), a (2020-08); draft left out.
        assert_eq!(title_of(&files, 0), "加装电梯");
        assert_eq!(title_of(&files, 1), "嵌入式设备与方式养老");
        assert_eq!(title_of(&files, 2), "洪武路街道嵌入式养老协商会");
        assert_eq!(lookup(&files, "养老"), vec![1, 2]);
        assert_eq!(lookup(&files, "嵌入"), vec![1, 2]);
        assert_eq!(lookup(&files, "式养"), vec![1, 2], "b has 方式养老: only verification tells");
        assert_eq!(lookup(&files, "电梯"), vec![0]);
        // Full-width text is indexed as half-width lower case.
        assert_eq!(lookup(&files, "ab"), vec![0]);
        assert_eq!(lookup(&files, "ＡＢ"), Vec::<u32>::new());
        assert_eq!(lookup(&files, "he"), vec![0]);
        // Never across white space or lines.
        assert_eq!(lookup(&files, "ow"), Vec::<u32>::new());
        // Facts: street name, short committee name, outcome, follow-ups, topics.
        assert_eq!(lookup(&files, "夫子"), vec![0, 1]);
        assert_eq!(lookup(&files, "经科"), vec![1]);
        assert_eq!(lookup(&files, "进中"), vec![1]);
        assert_eq!(lookup(&files, "建成"), vec![2]);
        // Hand-written summary is searched; the default one is not duplicated.
        assert_eq!(lookup(&files, "停车"), vec![0]);
        let x = value(&files, "search/d/2.json")["x"].as_str().unwrap().to_string();
        assert_eq!(x.matches("建设嵌入式养老服务站").count(), 1, "{x}");
        let x = value(&files, "search/d/0.json")["x"].as_str().unwrap().to_string();
        assert!(x.starts_with("手写的摘要：停车难\n"), "{x}");
        // Unigrams.
        assert_eq!(lookup(&files, "梯"), vec![0]);
        assert_eq!(lookup(&files, "养"), vec![1, 2]);
        // Every posting of every shard is right: recompute from the texts.
        let meta = value(&files, "search/meta.json");
        let s = site();
        let docs: Vec<&Case> = s.cases.iter().filter(|c| !c.draft).collect();
        for i in 0..meta["b"].as_u64().unwrap() as usize {
            let shard = value(&files, &format!("search/b/{i}.json"));
            for (k, p) in shard.as_object().unwrap() {
                let ids = decode_postings(p.as_str().unwrap(), 3).unwrap();
                let expect: Vec<u32> = (0..3u32)
                    .filter(|&id| {
                        let c = docs[id as usize];
                        let t = case_text(&s, c);
                        let t = normalize(&format!("{}\n{}\n{}", c.title, t.facts, t.text()));
                        t.contains(k.as_str())
                    })
                    .collect();
                assert_eq!(ids, expect, "{k}");
            }
        }
    }

    #[test]
    fn a_stopped_build_gives_up_and_an_unstopped_one_matches_build() {
        let s = site();
        assert!(build_unless(&s, &AtomicBool::new(true)).is_none());
        assert_eq!(build_unless(&s, &AtomicBool::new(false)), Some(build(&s)));
    }

    #[test]
    fn drafts_are_absent() {
        let files = build(&site());
        assert_eq!(value(&files, "search/meta.json")["n"], 3);
        assert!(!files.iter().any(|(p, _)| p.ends_with("/d/3.json")));
        for (path, bytes) in &files {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains("秘密") && !text.contains("绝密"), "{path}");
        }
        assert_eq!(lookup(&files, "草稿"), Vec::<u32>::new());
    }

    #[test]
    fn output_is_deterministic() {
        let a = build(&site());
        let b = build(&site());
        assert_eq!(a, b);
        let paths: Vec<&String> = a.iter().map(|(p, _)| p).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted);
        // Keys of every shard are sorted.
        for (p, bytes) in a.iter().filter(|(p, _)| p.contains("/b/")) {
            let text = std::str::from_utf8(bytes).unwrap();
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
            let mut order: Vec<(usize, &String)> =
                keys.iter().map(|k| (text.find(&format!("\"{k}\"")).unwrap(), *k)).collect();
            order.sort();
            let mut by_key = keys.clone();
            by_key.sort();
            assert_eq!(order.into_iter().map(|(_, k)| k).collect::<Vec<_>>(), by_key, "{p}");
        }
    }

    #[test]
    fn data_files_live_under_the_version() {
        let files = build(&site());
        let v = value(&files, "search/meta.json")["v"].as_str().unwrap().to_string();
        assert_eq!(v.len(), 12);
        for (p, _) in &files {
            assert!(p == "search/meta.json" || p.starts_with(&format!("search/{v}/")), "{p}");
        }
        let mut other = site();
        let c = other.cases.iter_mut().find(|c| c.slug == "c").unwrap();
        c.plain.push_str("改了一个字");
        let w = build(&other);
        assert_ne!(value(&w, "search/meta.json")["v"].as_str().unwrap(), v);
    }

    #[test]
    fn meta_facets_and_years() {
        let files = build(&site());
        let meta = value(&files, "search/meta.json");
        assert_eq!(meta["years"], serde_json::json!([[2021, 0, 2], [2020, 2, 3]]));
        assert_eq!(meta["streets"][0], serde_json::json!(["夫子庙街道", "fuzimiao"]));
        assert_eq!(
            meta["committees"][0],
            serde_json::json!(["经济科技委员会", "经科委", "jingkewei"])
        );
        let facet = |p: &str| decode_postings(value(&files, p).as_str().unwrap(), 3).unwrap();
        assert_eq!(facet("search/f/s0.json"), vec![0, 1]);
        assert_eq!(facet("search/f/s1.json"), vec![2]);
        assert_eq!(facet("search/f/c0.json"), vec![1]);
        assert_eq!(facet("search/f/t0.json"), vec![2]);
        let d = value(&files, "search/d/2.json");
        assert_eq!(d["u"], "cases/a/");
        assert_eq!(d["d"], "2020-08-07");
        assert_eq!(d["s"], 1);
    }

    #[test]
    fn postings_round_trip_in_every_form() {
        let n = 1000;
        let sets: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![999],
            (0..1000).collect(),
            (0..1000).filter(|i| i % 2 == 0).collect(),
            (0..1000).filter(|i| i % 97 != 3).collect(),
            vec![1, 31, 32, 33, 1023 - 24, 999],
            (0..1000).filter(|i| i % 7 == 0).collect(),
        ];
        let mut tags = std::collections::BTreeSet::new();
        for ids in sets {
            let s = encode_postings(&ids, n);
            tags.insert(s.chars().next().unwrap());
            assert_eq!(decode_postings(&s, n).unwrap(), ids, "{s}");
        }
        assert_eq!(tags.into_iter().collect::<String>(), "acdm");
    }

    #[test]
    fn long_texts_are_split_into_parts() {
        let long = "长".repeat(PART_UNITS + 10) + "尾巴";
        let c = case("long", "长文", 2020, 1, 1, &long);
        let s = Site::new(config(), vec![c], vec![], vec![], Intro::default());
        let files = build(&s);
        let d = value(&files, "search/d/0.json");
        assert_eq!(d["p"], 2);
        assert_eq!(d["x"].as_str().unwrap().encode_utf16().count(), PART_UNITS);
        let rest = value(&files, "search/d/0-1.json");
        assert!(rest.as_str().unwrap().ends_with("尾巴"));
        assert_eq!(lookup(&files, "尾巴"), vec![0]);
    }

    #[test]
    fn shards_hash_like_the_client() {
        // The same values are asserted against search.js in
        // tests/browser/search.test.mjs.
        assert_eq!(shard_of("养老", 1 << 20), 1_019_455);
        assert_eq!(shard_of("𠮷a", 1 << 20), 21_789);
        assert_eq!(shard_of("ab", 4096), 1037);
        assert_eq!(shard_of("嵌入", 1024), 383);
        assert_eq!(shard_of("x", 1), 0);
    }

    #[test]
    fn fixture_site_index_has_no_draft_and_no_raw_html() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search");
        let opts = crate::load::LoadOptions { today: Some(date(2025, 1, 1)), ..Default::default() };
        let (site, diags) = crate::load::load(&root, &opts);
        let site = site.unwrap_or_else(|| panic!("fixture loads: {diags:?}"));
        let files = build(&site);
        let n = value(&files, "search/meta.json")["n"].as_u64().unwrap();
        assert_eq!(n as usize, site.cases.iter().filter(|c| !c.draft).count());
        for (path, bytes) in &files {
            let text = String::from_utf8_lossy(bytes);
            for bad in ["保密词语", "草稿", "<script", "alert", "onclick", "onerror", "xss"] {
                assert!(!text.contains(bad), "{bad} in {path}");
            }
        }
        // The phrase case and the scattered case both hold every bigram.
        let both = lookup(&files, "式养");
        assert_eq!(both.len(), 2);
        assert_eq!(lookup(&files, "bc").len(), 2, "ＡＢＣ and abc fold together");
        // Opened with --drafts, the draft is still not indexed.
        let opts = crate::load::LoadOptions { drafts: true, ..opts };
        let (site, _) = crate::load::load(&root, &opts);
        let site = site.expect("fixture loads with drafts");
        assert!(site.cases.iter().any(|c| c.draft));
        let files = build(&site);
        assert!(files.iter().all(|(_, b)| !String::from_utf8_lossy(b).contains("保密词语")));
    }

    #[test]
    fn empty_site_builds() {
        let s = Site::new(config(), vec![], vec![], vec![], Intro::default());
        let files = build(&s);
        assert_eq!(value(&files, "search/meta.json")["n"], 0);
        assert!(files.iter().any(|(p, _)| p.ends_with("/b/0.json")));
    }
}
