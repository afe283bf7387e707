//! Hashing inside one run: page fingerprints, change detection and lookup
//! tables. SipHash (the standard library's default) resists chosen keys,
//! which nothing here needs, and was a quarter of a 10,000-case serve
//! rebuild; foldhash with a fixed seed is several times faster and makes
//! iteration order the same every run.

use std::hash::{BuildHasher, Hash};

/// The hasher state of every map and fingerprint.
pub type Fixed = foldhash::fast::FixedState;

/// A hash map with the fast fixed hasher.
pub type FastMap<K, V> = std::collections::HashMap<K, V, Fixed>;

/// A hash set with the fast fixed hasher.
pub type FastSet<K> = std::collections::HashSet<K, Fixed>;

/// A 64-bit fingerprint of `value`, stable within one build of yishi.
pub fn fingerprint(value: impl Hash) -> u64 {
    Fixed::default().hash_one(value)
}

/// A fresh hasher, for fingerprints fed piece by piece.
pub fn hasher() -> impl std::hash::Hasher {
    Fixed::default().build_hasher()
}
