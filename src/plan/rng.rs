//! A seedable PRNG (splitmix64) and a portable `exp(-x)`: the search must give
//! the same schedule for the same `--seed` on every platform, so it uses no
//! libm function whose last bit may differ between systems.

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0), without modulo bias worth noticing.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// `exp(-x)` for `x >= 0` from basic arithmetic only (IEEE-exact everywhere):
/// a Taylor polynomial on `x / 256`, squared eight times. Relative error is
/// far below what simulated annealing cares about.
pub fn exp_neg(x: f64) -> f64 {
    if x.is_nan() || x >= 40.0 {
        return 0.0;
    }
    if x <= 0.0 {
        return 1.0;
    }
    let y = x / 256.0;
    // Horner form of 1 - y + y²/2 - y³/6 + y⁴/24 - y⁵/120 + y⁶/720.
    let mut r = 1.0
        + y * (-1.0
            + y * (0.5 + y * (-1.0 / 6.0 + y * (1.0 / 24.0 + y * (-1.0 / 120.0 + y / 720.0)))));
    for _ in 0..8 {
        r *= r;
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let mut c = Rng::new(8);
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..5).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        for _ in 0..1000 {
            assert!(a.below(7) < 7);
            let u = a.unit();
            assert!((0.0..1.0).contains(&u));
        }
        assert_eq!(a.below(0), 0);
    }

    #[test]
    fn exp_neg_is_close_to_libm() {
        for i in 0..400 {
            let x = f64::from(i) / 10.0;
            let want = (-x).exp();
            let got = exp_neg(x);
            assert!(
                (got - want).abs() <= 1e-6 * want.max(1e-12) + 1e-15,
                "{x}: {got} vs {want}"
            );
        }
        assert_eq!(exp_neg(50.0), 0.0);
        assert_eq!(exp_neg(-1.0), 1.0);
    }
}
