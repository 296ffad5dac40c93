//! Sets of keys kept as 128-bit fingerprints, for what an import must
//! remember across a whole file (a million identities cost 16 MB instead of
//! a million strings). Two different keys share a fingerprint with
//! probability about 2⁻¹⁰⁰ for a file of a million rows.

use std::{
    collections::{HashMap, HashSet},
    hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState},
};

#[derive(Default)]
pub(super) struct FingerprintSet {
    set: HashSet<u128, BuildHasherDefault<Fingerprinted>>,
    keys: Keys,
}

/// Ids (or other small values) by text key (a CPF/CNPJ, a contract
/// number), each key kept as its fingerprint: 16 bytes where a `String`
/// costs its header and a heap copy.
pub(super) struct IdsByKey<V = i64> {
    ids: HashMap<u128, V, BuildHasherDefault<Fingerprinted>>,
    keys: Keys,
}

impl<V> Default for IdsByKey<V> {
    fn default() -> Self {
        IdsByKey {
            ids: HashMap::default(),
            keys: Keys::default(),
        }
    }
}

/// The two per-process keys of the halves of a fingerprint.
#[derive(Default)]
struct Keys(RandomState, RandomState);

impl Keys {
    /// The key's parts in order; each part is length-prefixed, so no two
    /// splits of the same bytes meet.
    fn fingerprint(&self, parts: &[&[u8]]) -> u128 {
        let half = |s: &RandomState| {
            let mut h = s.build_hasher();
            for p in parts {
                h.write_usize(p.len());
                h.write(p);
            }
            h.finish()
        };
        (u128::from(half(&self.0)) << 64) | u128::from(half(&self.1))
    }
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
        self.set.insert(self.keys.fingerprint(parts))
    }
}

impl<V: Copy> IdsByKey<V> {
    pub fn get(&self, key: &str) -> Option<V> {
        self.ids
            .get(&self.keys.fingerprint(&[key.as_bytes()]))
            .copied()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn insert(&mut self, key: &str, id: V) {
        let k = self.keys.fingerprint(&[key.as_bytes()]);
        self.ids.insert(k, id);
    }
}

impl<K: AsRef<str>, V: Copy> Extend<(K, V)> for IdsByKey<V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, id) in iter {
            self.insert(k.as_ref(), id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{FingerprintSet, IdsByKey};

    #[test]
    fn ids_are_found_by_their_key() {
        let mut ids: IdsByKey = IdsByKey::default();
        ids.extend([("52998224725", 1), ("CT-1", 2)]);
        ids.insert("CT-10", 3);
        assert_eq!(
            (ids.get("52998224725"), ids.get("CT-1"), ids.get("CT-10")),
            (Some(1), Some(2), Some(3))
        );
        assert!(!ids.contains("CT-2") && ids.contains("CT-10"));
        ids.insert("CT-1", 4);
        assert_eq!((ids.get("CT-1"), ids.get("CT-10")), (Some(4), Some(3)));
    }

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
