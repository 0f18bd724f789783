//! The distribution spec parser: `family(name=value, ...)`.
//!
//! Grammar (whitespace is free, names are case-insensitive, `_`/`-` in family names ignored):
//!
//! ```text
//! spec   := family '(' [arg (',' arg)*] ')'
//! arg    := name '=' value | value                  (positional in the documented order)
//! value  := number | '[' [value (',' value)*] ']' | [number '*'] spec
//! number := decimal or scientific literal, 'inf', 'pi' (with an optional sign)
//! ```
//!
//! Mixtures list weighted components, `mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))`
//! (weights must sum to 1; without any weights the components are weighted equally);
//! products list components, `product(normal(0, 1), gamma(2, 1))`. See
//! [`super::list_families`] for every family, its parameters, aliases and defaults.

use super::AnyDist;
use super::list::{FAMILIES, FamilyInfo};
use crate::dist::{
    Bernoulli, Beta, Binomial, Categorical, Cauchy, Chi, Chi2, Dirichlet, Exponential, Gamma,
    Geometric, Gumbel, HalfNormal, InverseGamma, Laplace, LogNormal, Logistic, Mixture, MvNormal,
    NegativeBinomial, Normal, Pareto, Poisson, Product, StudentT, Uniform, VonMises, Weibull,
};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
enum Val {
    Num(f64, usize),
    List(Vec<Val>, usize),
    Dist(Node, Option<f64>, usize),
}

impl Val {
    fn pos(&self) -> usize {
        match self {
            Val::Num(_, p) | Val::List(_, p) | Val::Dist(_, _, p) => *p,
        }
    }
}

#[derive(Debug, Clone)]
struct Node {
    name: String,
    pos: usize,
    args: Vec<(Option<(String, usize)>, Val)>,
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

fn excerpt(s: &str, at: usize) -> String {
    let start = at.min(s.len());
    let mut end = (start + 16).min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    let mut st = start;
    while !s.is_char_boundary(st) {
        st -= 1;
    }
    if st == s.len() {
        "<end of spec>".to_string()
    } else {
        s[st..end].to_string()
    }
}

impl<'a> Parser<'a> {
    fn err(&self, at: usize, reason: impl Into<String>) -> Error {
        Error::Spec {
            position: at,
            text: excerpt(self.s, at),
            reason: reason.into(),
        }
    }
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }
    fn expect(&mut self, c: u8) -> Result<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(self.i, format!("expected '{}'", c as char)))
        }
    }
    fn ident(&mut self) -> Option<(String, usize)> {
        self.ws();
        let start = self.i;
        while self.i < self.b.len()
            && (self.b[self.i].is_ascii_alphanumeric()
                || self.b[self.i] == b'_'
                || self.b[self.i] == b'-')
        {
            if self.i == start && !self.b[self.i].is_ascii_alphabetic() {
                break;
            }
            self.i += 1;
        }
        (self.i > start).then(|| (self.s[start..self.i].to_string(), start))
    }
    fn number(&mut self) -> Result<(f64, usize)> {
        self.ws();
        let start = self.i;
        let mut sign = 1.0;
        if let Some(c @ (b'-' | b'+')) = self.b.get(self.i).copied() {
            if c == b'-' {
                sign = -1.0;
            }
            self.i += 1;
        }
        let body = self.i;
        if self.i < self.b.len() && self.b[self.i].is_ascii_alphabetic() {
            while self.i < self.b.len() && self.b[self.i].is_ascii_alphabetic() {
                self.i += 1;
            }
            return match self.s[body..self.i].to_ascii_lowercase().as_str() {
                "inf" | "infinity" => Ok((sign * f64::INFINITY, start)),
                "pi" => Ok((sign * std::f64::consts::PI, start)),
                "nan" => Ok((f64::NAN, start)),
                _ => Err(self.err(start, "expected a number")),
            };
        }
        while self.i < self.b.len() {
            let c = self.b[self.i];
            let exp_sign = (c == b'-' || c == b'+')
                && self.i > body
                && matches!(self.b[self.i - 1], b'e' | b'E');
            if c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'E' || exp_sign {
                self.i += 1;
            } else {
                break;
            }
        }
        let text = &self.s[body..self.i];
        text.parse::<f64>()
            .map(|v| (sign * v, start))
            .map_err(|_| self.err(start, "expected a number"))
    }
    fn value(&mut self) -> Result<Val> {
        match self.peek() {
            Some(b'[') => {
                let pos = self.i;
                self.i += 1;
                let mut items = Vec::new();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Val::List(items, pos));
                }
                loop {
                    items.push(self.value()?);
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Val::List(items, pos));
                        }
                        _ => return Err(self.err(self.i, "expected ',' or ']' in a list")),
                    }
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                // A number word (inf, pi) or a distribution.
                let save = self.i;
                let (name, pos) = self
                    .ident()
                    .ok_or_else(|| self.err(save, "expected a value"))?;
                if self.peek() == Some(b'(') {
                    let node = self.call(name, pos)?;
                    Ok(Val::Dist(node, None, pos))
                } else {
                    self.i = save;
                    let (v, p) = self.number()?;
                    Ok(Val::Num(v, p))
                }
            }
            Some(_) => {
                let (v, p) = self.number()?;
                if self.peek() == Some(b'*') {
                    self.i += 1;
                    let (name, pos) = self
                        .ident()
                        .ok_or_else(|| self.err(self.i, "expected a distribution after '*'"))?;
                    let node = self.call(name, pos)?;
                    return Ok(Val::Dist(node, Some(v), p));
                }
                Ok(Val::Num(v, p))
            }
            None => Err(self.err(self.i, "unexpected end of spec")),
        }
    }
    fn call(&mut self, name: String, pos: usize) -> Result<Node> {
        self.expect(b'(')?;
        let mut args = Vec::new();
        if self.peek() == Some(b')') {
            self.i += 1;
            return Ok(Node { name, pos, args });
        }
        loop {
            // Named argument?
            let save = self.i;
            let mut named = None;
            if let Some((id, ipos)) = self.ident() {
                if self.peek() == Some(b'=') {
                    self.i += 1;
                    named = Some((id, ipos));
                } else {
                    self.i = save;
                }
            }
            let v = self.value()?;
            args.push((named, v));
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b')') => {
                    self.i += 1;
                    return Ok(Node { name, pos, args });
                }
                _ => return Err(self.err(self.i, "expected ',' or ')'")),
            }
        }
    }
}

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses a distribution spec such as `normal(mean=0, std=1)`, `gamma(2, 1)` or
/// `mixture(0.3*normal(-1, 1), 0.7*laplace(2, 0.5))`.
///
/// Errors: [`Error::Spec`] with the byte position and the text there for syntax errors,
/// unknown families or parameter names, missing or repeated parameters; the family's own
/// validation errors (`InvalidParameter`, `InvalidElement`, `NotPositiveDefinite`, ...) for
/// invalid values.
///
/// ```
/// use kldiv::kl::parse_spec;
/// let d = parse_spec("gamma(shape=2, rate=1)").unwrap();
/// assert_eq!(d.spec(), "gamma(shape=2, rate=1)");
/// assert_eq!(parse_spec("normal(1, 2)").unwrap().spec(), "normal(mean=1, std=2)");
/// let e = parse_spec("normal(mean=0, std=-1)").unwrap_err().to_string();
/// assert!(e.contains("std") && e.contains("-1"));
/// let e = parse_spec("normal(mean=0, sdev=1)").unwrap_err().to_string();
/// assert!(e.contains("position 15"), "{e}");
/// ```
pub fn parse_spec(spec: &str) -> Result<AnyDist> {
    let mut p = Parser {
        s: spec,
        b: spec.as_bytes(),
        i: 0,
    };
    let start = p.i;
    let (name, pos) = p
        .ident()
        .ok_or_else(|| p.err(start, "expected a family name such as normal(...)"))?;
    let node = p.call(name, pos)?;
    p.ws();
    if p.i != p.b.len() {
        return Err(p.err(p.i, "unexpected text after the closing ')'"));
    }
    build(&p, &node)
}

fn find_family(name: &str) -> Option<&'static FamilyInfo> {
    let n = normalize(name);
    FAMILIES
        .iter()
        .find(|f| normalize(f.name) == n || f.aliases.iter().any(|a| normalize(a) == n))
}

/// Binds named and positional arguments to the family's parameter slots.
fn bind<'v>(p: &Parser<'_>, node: &'v Node, fam: &FamilyInfo) -> Result<Vec<Option<&'v Val>>> {
    let mut slots: Vec<Option<&Val>> = vec![None; fam.params.len()];
    let mut next_pos = 0;
    for (named, v) in &node.args {
        let idx = match named {
            Some((id, ipos)) => {
                let n = normalize(id);
                let idx = fam
                    .params
                    .iter()
                    .position(|pi| {
                        normalize(pi.name) == n || pi.aliases.iter().any(|a| normalize(a) == n)
                    })
                    .ok_or_else(|| {
                        let names: Vec<&str> = fam.params.iter().map(|x| x.name).collect();
                        p.err(
                            *ipos,
                            format!(
                                "unknown parameter '{id}' of {} (parameters: {})",
                                fam.name,
                                names.join(", ")
                            ),
                        )
                    })?;
                if slots[idx].is_some() {
                    return Err(p.err(
                        *ipos,
                        format!("parameter '{}' given twice", fam.params[idx].name),
                    ));
                }
                idx
            }
            None => {
                while next_pos < slots.len() && slots[next_pos].is_some() {
                    next_pos += 1;
                }
                if next_pos >= slots.len() {
                    return Err(p.err(
                        v.pos(),
                        format!(
                            "too many positional parameters for {} (takes {})",
                            fam.name,
                            fam.params.len()
                        ),
                    ));
                }
                next_pos += 1;
                next_pos - 1
            }
        };
        slots[idx] = Some(v);
    }
    Ok(slots)
}

fn num(
    p: &Parser<'_>,
    node: &Node,
    fam: &FamilyInfo,
    slots: &[Option<&Val>],
    i: usize,
) -> Result<f64> {
    match slots[i] {
        Some(Val::Num(v, _)) => Ok(*v),
        Some(other) => Err(p.err(
            other.pos(),
            format!("parameter '{}' must be a number", fam.params[i].name),
        )),
        None => fam.params[i].default.ok_or_else(|| {
            p.err(
                node.pos,
                format!("{} needs parameter '{}'", fam.name, fam.params[i].name),
            )
        }),
    }
}

fn opt_num(
    p: &Parser<'_>,
    fam: &FamilyInfo,
    slots: &[Option<&Val>],
    i: usize,
) -> Result<Option<f64>> {
    match slots[i] {
        Some(Val::Num(v, _)) => Ok(Some(*v)),
        Some(other) => Err(p.err(
            other.pos(),
            format!("parameter '{}' must be a number", fam.params[i].name),
        )),
        None => Ok(None),
    }
}

fn vector(p: &Parser<'_>, v: &Val, what: &str) -> Result<Vec<f64>> {
    match v {
        Val::List(items, _) => items
            .iter()
            .map(|x| match x {
                Val::Num(n, _) => Ok(*n),
                other => Err(p.err(other.pos(), format!("{what} must be a list of numbers"))),
            })
            .collect(),
        other => Err(p.err(other.pos(), format!("{what} must be a list like [1, 2]"))),
    }
}

fn matrix(p: &Parser<'_>, v: &Val, what: &str) -> Result<Vec<Vec<f64>>> {
    match v {
        Val::List(rows, _) => rows.iter().map(|r| vector(p, r, what)).collect(),
        other => Err(p.err(
            other.pos(),
            format!("{what} must be a matrix like [[1, 0], [0, 1]]"),
        )),
    }
}

fn count(p: &Parser<'_>, v: f64, at: usize, name: &str) -> Result<u64> {
    if v.is_finite() && v >= 0.0 && v == v.floor() && v < 9.0e15 {
        Ok(v as u64)
    } else {
        Err(p.err(
            at,
            format!("{name} must be a non-negative integer, got {v}"),
        ))
    }
}

fn build(p: &Parser<'_>, node: &Node) -> Result<AnyDist> {
    let fam = find_family(&node.name).ok_or_else(|| {
        p.err(
            node.pos,
            format!("unknown family '{}' (see `kldiv dist --list`)", node.name),
        )
    })?;
    if fam.name == "mixture" || fam.name == "product" {
        return build_structural(p, node, fam);
    }
    let s = bind(p, node, fam)?;
    let n = |i: usize| num(p, node, fam, &s, i);
    Ok(match fam.name {
        "normal" => Normal::new(n(0)?, n(1)?)?.into(),
        "halfnormal" => HalfNormal::new(n(0)?)?.into(),
        "lognormal" => LogNormal::new(n(0)?, n(1)?)?.into(),
        "laplace" => Laplace::new(n(0)?, n(1)?)?.into(),
        "cauchy" => Cauchy::new(n(0)?, n(1)?)?.into(),
        "studentt" => StudentT::new(n(0)?, n(1)?, n(2)?)?.into(),
        "logistic" => Logistic::new(n(0)?, n(1)?)?.into(),
        "gumbel" => Gumbel::new(n(0)?, n(1)?)?.into(),
        "exponential" => match opt_num(p, fam, &s, 1)? {
            Some(scale) if s[0].is_none() => {
                if !(scale.is_finite() && scale > 0.0) {
                    return Err(Error::InvalidParameter {
                        name: "scale",
                        value: scale,
                        reason: "must be finite and > 0",
                    });
                }
                Exponential::new(1.0 / scale)?.into()
            }
            Some(_) => {
                return Err(p.err(node.pos, "give exponential either rate or scale, not both"));
            }
            None => Exponential::new(n(0)?)?.into(),
        },
        "gamma" => match opt_num(p, fam, &s, 2)? {
            Some(scale) if s[1].is_none() => {
                if !(scale.is_finite() && scale > 0.0) {
                    return Err(Error::InvalidParameter {
                        name: "scale",
                        value: scale,
                        reason: "must be finite and > 0",
                    });
                }
                Gamma::new(n(0)?, 1.0 / scale)?.into()
            }
            Some(_) => return Err(p.err(node.pos, "give gamma either rate or scale, not both")),
            None => Gamma::new(n(0)?, n(1)?)?.into(),
        },
        "inversegamma" => InverseGamma::new(n(0)?, n(1)?)?.into(),
        "chi2" => Chi2::new(n(0)?)?.into(),
        "chi" => Chi::new(n(0)?)?.into(),
        "beta" => Beta::new(n(0)?, n(1)?)?.into(),
        "uniform" => Uniform::new(n(0)?, n(1)?)?.into(),
        "pareto" => Pareto::new(n(0)?, n(1)?)?.into(),
        "weibull" => Weibull::new(n(0)?, n(1)?)?.into(),
        "vonmises" => VonMises::new(n(0)?, n(1)?)?.into(),
        "bernoulli" => Bernoulli::new(n(0)?)?.into(),
        "binomial" => {
            let at = s[0].map_or(node.pos, Val::pos);
            Binomial::new(count(p, n(0)?, at, "n")?, n(1)?)?.into()
        }
        "poisson" => Poisson::new(n(0)?)?.into(),
        "geometric" => Geometric::new(n(0)?)?.into(),
        "negativebinomial" => NegativeBinomial::new(n(0)?, n(1)?)?.into(),
        "categorical" => {
            let v = s[0].ok_or_else(|| p.err(node.pos, "categorical needs p=[...]"))?;
            Categorical::new(vector(p, v, "p")?)?.into()
        }
        "dirichlet" => {
            let v = s[0].ok_or_else(|| p.err(node.pos, "dirichlet needs alpha=[...]"))?;
            Dirichlet::new(vector(p, v, "alpha")?)?.into()
        }
        "mvnormal" => {
            let mean = vector(
                p,
                s[0].ok_or_else(|| p.err(node.pos, "mvnormal needs mean=[...]"))?,
                "mean",
            )?;
            match (s[1], s[2], s[3]) {
                (Some(c), None, None) => MvNormal::new(mean, &matrix(p, c, "cov")?)?.into(),
                (None, Some(v), None) => {
                    MvNormal::from_diagonal(mean, &vector(p, v, "var")?)?.into()
                }
                (None, None, Some(l)) => {
                    MvNormal::from_cholesky(mean, &matrix(p, l, "scale_tril")?)?.into()
                }
                _ => {
                    return Err(p.err(
                        node.pos,
                        "mvnormal needs exactly one of cov=[[..]], var=[..] or scale_tril=[[..]]",
                    ));
                }
            }
        }
        other => return Err(p.err(node.pos, format!("family '{other}' cannot be built here"))),
    })
}

fn build_structural(p: &Parser<'_>, node: &Node, fam: &FamilyInfo) -> Result<AnyDist> {
    let mut weights = Vec::new();
    let mut comps = Vec::new();
    for (named, v) in &node.args {
        if let Some((id, ipos)) = named {
            return Err(p.err(
                *ipos,
                format!(
                    "{} takes components, not named parameters ('{id}')",
                    fam.name
                ),
            ));
        }
        match v {
            Val::Dist(inner, w, _) => {
                weights.push(*w);
                comps.push(build(p, inner)?);
            }
            other => {
                return Err(p.err(
                    other.pos(),
                    format!(
                        "expected a component such as 0.5*normal(0, 1) in {}",
                        fam.name
                    ),
                ));
            }
        }
    }
    if comps.is_empty() {
        return Err(p.err(
            node.pos,
            format!("{} needs at least one component", fam.name),
        ));
    }
    if fam.name == "product" {
        if let Some(i) = weights.iter().position(Option::is_some) {
            return Err(p.err(node.args[i].1.pos(), "product components take no weights"));
        }
        return Ok(Product::new(comps)?.into());
    }
    let w: Vec<f64> = if weights.iter().all(Option::is_none) {
        vec![1.0 / comps.len() as f64; comps.len()]
    } else if let Some(i) = weights.iter().position(Option::is_none) {
        return Err(p.err(
            node.args[i].1.pos(),
            "either every mixture component has a weight (w*family(...)) or none has",
        ));
    } else {
        weights.iter().map(|w| w.unwrap_or(0.0)).collect()
    };
    Ok(Mixture::new(w, comps)?.into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_positions() {
        for s in [
            "normal(mean=0, std=1)",
            "laplace(loc=0, scale=2)",
            "gamma(shape=2, rate=1)",
            "beta(alpha=2, beta=3)",
            "uniform(low=0, high=1)",
            "poisson(rate=3)",
            "studentt(df=3, loc=0, scale=1)",
            "lognormal(mu=0, sigma=1)",
            "dirichlet(alpha=[1, 2, 3])",
            "categorical(p=[0.2, 0.8])",
        ] {
            let d = parse_spec(s).unwrap();
            assert_eq!(d.spec(), s);
        }
        let m = parse_spec("mixture(0.5*normal(-2,0.6), 0.5*normal(2,0.6))").unwrap();
        assert_eq!(m.family(), "mixture");
        let m2 = parse_spec(&m.spec()).unwrap();
        assert_eq!(m2.spec(), m.spec());
        let mv = parse_spec("mvnormal(mean=[0, 1], cov=[[2, 0.5], [0.5, 1]])").unwrap();
        assert_eq!(mv.spec(), "mvnormal(mean=[0, 1], cov=[[2, 0.5], [0.5, 1]])");
        // gamma with scale, exponential with scale, aliases, whitespace.
        assert_eq!(
            parse_spec(" Gamma ( 2 , scale = 2 ) ").unwrap().spec(),
            "gamma(shape=2, rate=0.5)"
        );
        assert_eq!(
            parse_spec("exp(scale=4)").unwrap().spec(),
            "exponential(rate=0.25)"
        );
        assert_eq!(
            parse_spec("t(3)").unwrap().spec(),
            "studentt(df=3, loc=0, scale=1)"
        );
    }

    #[test]
    fn errors_name_position_and_value() {
        let cases = [
            ("normal(0, 1", "position 11"),
            ("nromal(0, 1)", "unknown family"),
            ("normal(0, 1, 2)", "too many positional"),
            ("normal(mean=0, mean=1)", "twice"),
            ("normal(0, x)", "position 10"),
            ("normal(0, 1) extra", "position 13"),
            (
                "mixture(0.5*normal(0,1), normal(1,1))",
                "every mixture component",
            ),
            ("binomial(n=2.5, p=0.5)", "non-negative integer"),
            ("studentt(loc=1)", "needs parameter 'df'"),
        ];
        for (s, want) in cases {
            let e = parse_spec(s).unwrap_err().to_string();
            assert!(e.contains(want), "{s}: {e}");
        }
        let e = parse_spec("beta(alpha=0, beta=1)").unwrap_err().to_string();
        assert!(e.contains("alpha") && e.contains("= 0"), "{e}");
        let e = parse_spec("mvnormal(mean=[0,0], cov=[[1,2],[2,1]])")
            .unwrap_err()
            .to_string();
        assert!(e.contains("positive definite"), "{e}");
        let e = parse_spec("mvnormal(mean=[0,0], cov=[[1,0,0],[0,1,0],[0,0,1]])")
            .unwrap_err()
            .to_string();
        assert!(e.contains("dimension"), "{e}");
    }
}
