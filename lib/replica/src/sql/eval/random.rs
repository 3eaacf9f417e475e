//! RAND's generator, MariaDB's `my_rnd`: two seeds below 2^30 - 1 give
//! the next value in [0, 1). A session owns one (RAND(), seeded by the
//! master's Rand event on a slave); RAND(N) owns its own, seeded from N.

/// The generator's modulus, 2^30 - 1.
const MAX_VALUE: u64 = 0x3FFF_FFFF;

/// One generator's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Random {
    pub seed1: u64,
    pub seed2: u64,
}

impl Random {
    /// A generator from two seeds, reduced below the modulus.
    pub fn new(seed1: u64, seed2: u64) -> Random {
        Random {
            seed1: seed1 % MAX_VALUE,
            seed2: seed2 % MAX_VALUE,
        }
    }

    /// The generator of RAND(N): N's low 32 bits spread over both seeds.
    pub fn seeded(n: i64) -> Random {
        let n = n as u32;
        Random::new(
            u64::from(n.wrapping_mul(0x10001).wrapping_add(55_555_555)),
            u64::from(n.wrapping_mul(0x1000_0001)),
        )
    }

    /// A session's generator: seeds no other connection shares.
    pub fn for_connection(id: u64) -> Random {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Random::new(
            nanos ^ id.wrapping_mul(0x9E37_79B9),
            nanos.rotate_left(17) ^ id,
        )
    }

    /// The next value in [0, 1).
    pub fn next_value(&mut self) -> f64 {
        self.seed1 = (self.seed1.wrapping_mul(3).wrapping_add(self.seed2)) % MAX_VALUE;
        self.seed2 = (self.seed1.wrapping_add(self.seed2).wrapping_add(33)) % MAX_VALUE;
        self.seed1 as f64 / MAX_VALUE as f64
    }
}

/// RAND(N)'s argument: `call` tells the calls of a statement apart; a
/// constant N seeds once, any other N at every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandSeed {
    pub call: usize,
    pub seed: i64,
    pub constant: bool,
}

#[cfg(test)]
mod tests {
    use super::Random;

    #[test]
    fn seeded_sequences_are_mariadbs() {
        // SELECT RAND(1), RAND(1) * 0 + RAND(...) on MariaDB 10.11.
        let mut r = Random::seeded(1);
        assert_eq!(r.next_value(), 0.40540353712197724);
        let mut r = Random::seeded(0);
        assert_eq!(r.next_value(), 0.15522042769493574);
    }
}
