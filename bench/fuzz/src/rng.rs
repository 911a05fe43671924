//! A small seeded generator (SplitMix64): the same seed gives the same sequences on every
//! machine, with no dependency whose stream could change between versions.

/// SplitMix64 of `x`: a well-mixed 64-bit value.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of sequence `index` of a run seeded `seed`.
pub fn sequence_seed(seed: u64, index: u64) -> u64 {
    mix(mix(seed) ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03))
}

#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(mix(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `0..n` as an index.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        match (hi - lo).checked_add(1) {
            Some(n) => lo + self.below(n),
            None => self.next_u64(),
        }
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.index(items.len()))
        }
    }

    /// An index drawn with the given weights (at least one must be non-zero).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    /// An amount around `reference`: a random part, all of it, one more or one less, zero,
    /// one, `u64::MAX`, or any value. Off-by-one and extreme values are where bounds fail.
    pub fn amount_around(&mut self, reference: u64) -> u64 {
        match self.below(20) {
            0..=8 => {
                let permille = self.range(1, 1_000);
                ((u128::from(reference) * u128::from(permille)) / 1_000) as u64
            }
            9..=11 => reference,
            12 => reference.saturating_add(1),
            13 => reference.saturating_sub(1),
            14 => 0,
            15 => 1,
            16 => u64::MAX,
            17 => self.range(1, 1_000),
            18 => reference / 2 + 1,
            _ => self.next_u64() >> self.below(64),
        }
    }
}
