//! Units of information: the base of the logarithm.
//!
//! Every value `kldiv` returns carries its unit. A divergence computed in nats (natural
//! logarithm) is converted to base `b` by dividing by `ln b`:
//! `D_b = D_nats / ln b`. One bit is `ln 2 ≈ 0.693147` nats, one hartley (ban, dit) is
//! `ln 10 ≈ 2.302585` nats.

use crate::error::{Error, Result};
use std::fmt;

/// The base of the logarithm, i.e. the unit of a value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Base {
    /// Natural logarithm: nats. The default.
    #[default]
    Nats,
    /// Base 2: bits (shannons).
    Bits,
    /// Base 10: hartleys (bans).
    Hartleys,
    /// Any base `b` with `b` finite, `b > 0` and `b != 1`.
    Custom(f64),
}

impl Base {
    /// Validates the base and returns `ln b`, the number of nats in one unit.
    ///
    /// ```
    /// use kldiv::Base;
    /// assert_eq!(Base::Nats.ln_base().unwrap(), 1.0);
    /// assert_eq!(Base::Bits.ln_base().unwrap(), std::f64::consts::LN_2);
    /// assert!(Base::Custom(1.0).ln_base().is_err());
    /// ```
    pub fn ln_base(self) -> Result<f64> {
        match self {
            Base::Nats => Ok(1.0),
            Base::Bits => Ok(std::f64::consts::LN_2),
            Base::Hartleys => Ok(std::f64::consts::LN_10),
            Base::Custom(b) => {
                if b.is_finite() && b > 0.0 && b != 1.0 {
                    Ok(b.ln())
                } else {
                    Err(Error::InvalidBase { base: b })
                }
            }
        }
    }

    /// Checks that the base is valid.
    pub fn validate(self) -> Result<()> {
        self.ln_base().map(|_| ())
    }

    /// Converts a value in nats into this unit: `nats / ln b`. `+∞` stays `+∞`.
    ///
    /// ```
    /// use kldiv::Base;
    /// assert_eq!(Base::Bits.from_nats(std::f64::consts::LN_2).unwrap(), 1.0);
    /// ```
    pub fn from_nats(self, nats: f64) -> Result<f64> {
        let l = self.ln_base()?;
        Ok(if l == 1.0 { nats } else { nats / l })
    }

    /// Parses `e`, `nats`, `2`, `bits`, `10`, `hartleys`, `bans` or any number.
    ///
    /// ```
    /// use kldiv::Base;
    /// assert_eq!(Base::parse("2").unwrap(), Base::Bits);
    /// assert_eq!(Base::parse("3").unwrap(), Base::Custom(3.0));
    /// assert!(Base::parse("-1").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Base> {
        let t = s.trim().to_ascii_lowercase();
        let base = match t.as_str() {
            "e" | "nat" | "nats" | "ln" => Base::Nats,
            "2" | "bit" | "bits" | "shannon" | "shannons" => Base::Bits,
            "10" | "hartley" | "hartleys" | "ban" | "bans" | "dit" | "dits" => Base::Hartleys,
            _ => match t.parse::<f64>() {
                Ok(b) => Base::Custom(b),
                Err(_) => return Err(Error::InvalidBase { base: f64::NAN }),
            },
        };
        base.validate()?;
        Ok(base)
    }

    /// The unit's name as printed beside values: `nats`, `bits`, `hartleys` or `log_b units`.
    pub fn unit_name(self) -> String {
        match self {
            Base::Nats => "nats".to_string(),
            Base::Bits => "bits".to_string(),
            Base::Hartleys => "hartleys".to_string(),
            Base::Custom(b) => format!("base-{b} units"),
        }
    }
}

impl fmt::Display for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.unit_name())
    }
}

/// A number together with its unit.
///
/// `value` may be `+∞` (for example KL with missing support); it is never NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    /// The value in `unit`.
    pub value: f64,
    /// The unit (base of the logarithm).
    pub unit: Base,
}

impl Quantity {
    /// Wraps a value already expressed in `unit`.
    pub fn new(value: f64, unit: Base) -> Quantity {
        Quantity { value, unit }
    }

    /// Converts a value in nats into `unit`.
    pub fn from_nats(nats: f64, unit: Base) -> Result<Quantity> {
        Ok(Quantity {
            value: unit.from_nats(nats)?,
            unit,
        })
    }

    /// The value in nats.
    pub fn nats(&self) -> f64 {
        match self.unit.ln_base() {
            Ok(l) if l != 1.0 => self.value * l,
            _ => self.value,
        }
    }

    /// `true` if the value is `+∞`.
    pub fn is_infinite(&self) -> bool {
        self.value.is_infinite()
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value == f64::INFINITY {
            write!(f, "inf {}", self.unit)
        } else if let Some(p) = f.precision() {
            write!(f, "{:.*} {}", p, self.value, self.unit)
        } else {
            write!(f, "{} {}", self.value, self.unit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bases_are_errors() {
        for b in [0.0, 1.0, -2.0, f64::NAN, f64::INFINITY] {
            assert!(Base::Custom(b).ln_base().is_err(), "{b}");
        }
        assert!(Base::parse("abc").is_err());
    }

    #[test]
    fn conversions_round_trip() {
        let q = Quantity::from_nats(1.5, Base::Hartleys).unwrap();
        assert!((q.nats() - 1.5).abs() < 1e-15);
        assert_eq!(Base::Bits.from_nats(f64::INFINITY).unwrap(), f64::INFINITY);
    }
}
