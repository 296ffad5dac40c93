//! Sets of keys kept as 128-bit fingerprints, for what an import must
//! remember across a whole file (a million identities cost 16 MB instead of
//! a million strings). Two different keys share a fingerprint with
//! probability about 2⁻¹⁰⁰ for a file of a million rows.

use std::{
    collections::HashSet,
    hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState},
};

#[derive(Default)]
pub(super) struct FingerprintSet {
    set: HashSet<u128, BuildHasherDefault<Fingerprinted>>,
    keys: (RandomState, RandomState),
}

/// The set's own hasher: a fingerprint is already a keyed hash, so its low
/// 64 bits serve as the bucket hash (hashing it a third time bought nothing).
#[derive(Default)]
struct Fingerprinted(u64);

impl Hasher for Fingerprinted {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u128 keys are hashed here; fold anything else in anyway.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u128(&mut self, v: u128) {
        self.0 = v as u64;
    }
}

impl FingerprintSet {
    /// True the first time a key is offered. The key is its parts in order;
    /// each part is length-prefixed, so no two splits of the same bytes meet.
    pub fn insert(&mut self, parts: &[&[u8]]) -> bool {
        let half = |s: &RandomState| {
            let mut h = s.build_hasher();
            for p in parts {
                h.write_usize(p.len());
                h.write(p);
            }
            h.finish()
        };
        let key = (u128::from(half(&self.keys.0)) << 64) | u128::from(half(&self.keys.1));
        self.set.insert(key)
    }
}

#[cfg(test)]
mod tests {
    use super::FingerprintSet;

    #[test]
    fn keys_are_told_apart() {
        let mut seen = FingerprintSet::default();
        assert!(seen.insert(&[b"NF-1", &1u16.to_le_bytes()]));
        assert!(seen.insert(&[b"NF-1", &2u16.to_le_bytes()]));
        assert!(seen.insert(&[b"NF-11", &1u16.to_le_bytes()]));
        assert!(seen.insert(&[b"ab", b"c"]));
        assert!(seen.insert(&[b"a", b"bc"]));
        assert!(!seen.insert(&[b"NF-1", &1u16.to_le_bytes()]));
    }
}
