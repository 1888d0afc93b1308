//! A tiny deterministic PRNG. The sandbox promises "same seed => same data"
//! across platforms and releases, which an external crate's algorithm choice
//! could silently break; splitmix64 is ten lines and fully specified.

#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// Independent stream per entity kind, so that e.g. asking for more
    /// candidates does not reshuffle the jobs generated from the same seed.
    pub(crate) fn stream(seed: u64, stream: u64) -> Self {
        Self {
            state: mix(seed ^ mix(stream.wrapping_add(0x5EED))),
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.state)
    }

    /// Uniform in `0..n` (n > 0). The modulo bias is irrelevant at these sizes.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        self.next_u64() % n
    }

    pub(crate) fn range(&mut self, lo: u64, hi_inclusive: u64) -> u64 {
        lo + self.below(hi_inclusive - lo + 1)
    }

    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// `k` distinct indexes of `0..len` in random order (all of them if
    /// `k >= len`): a partial Fisher-Yates shuffle.
    pub(crate) fn sample(&mut self, len: usize, k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..len).collect();
        let k = k.min(len);
        for i in 0..k {
            let j = i + self.index(len - i);
            idx.swap(i, j);
        }
        idx.truncate(k);
        idx
    }
}

/// The splitmix64 finalizer. It is a bijection on u64, which `lib.rs` relies
/// on to derive ids that are unique without bookkeeping.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over the bytes of `parts`, with a separator between parts so that
/// ("ab", "c") and ("a", "bc") differ. Stable across platforms and releases,
/// unlike `std`'s hashers, so ids derived from it are reproducible.
pub(crate) fn hash_parts(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xFF;
            h = h.wrapping_mul(0x0100_0000_01B3);
        }
        for &b in p.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01B3);
        }
    }
    mix(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_streams_differ() {
        let mut a = Rng::stream(7, 1);
        let mut b = Rng::stream(7, 1);
        let mut c = Rng::stream(7, 2);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        assert!(xs.iter().all(|&x| x != 0));
    }

    #[test]
    fn range_is_inclusive_and_bounded() {
        let mut r = Rng::stream(1, 1);
        let mut seen = [false; 4];
        for _ in 0..1000 {
            let v = r.range(3, 6);
            assert!((3..=6).contains(&v));
            seen[(v - 3) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
}
