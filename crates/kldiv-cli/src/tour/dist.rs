//! Tour chapters on parametric distributions.

use super::{Chapter, lib_err};
use crate::error::CliError;
use crate::output::human;
use kldiv::kl::{AnyDist, KlOptions, MethodChoice, gmm_approximations, kl_any, parse_spec};
use std::io::Write;

pub(super) fn chapters() -> Vec<Chapter> {
    vec![
        Chapter {
            slug: "gaussian",
            title: "Two Gaussians, both directions: a closed form",
            run: gaussian,
        },
        Chapter {
            slug: "mixture",
            title: "A Gaussian mixture against one Gaussian: no closed form",
            run: mixture,
        },
    ]
}

fn spec(s: &str) -> Result<AnyDist, CliError> {
    parse_spec(s).map_err(lib_err)
}

fn gaussian(out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(
        out,
        "For P = N(μ₁, σ₁²) and Q = N(μ₂, σ₂²),\n  \
         D(P‖Q) = ln(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½.\n\
         A narrow P inside a wide Q costs little; a wide P against a narrow Q costs a lot,\n\
         because Q must explain every x that P produces.\n"
    )?;
    let p = spec("normal(mean=0, std=1)")?;
    let q = spec("normal(mean=1, std=2)")?;
    let o = KlOptions::default();
    let pq = kl_any(&p, &q, &o).map_err(lib_err)?;
    let qp = kl_any(&q, &p, &o).map_err(lib_err)?;
    writeln!(out, "  P = {}   Q = {}", p.spec(), q.spec())?;
    writeln!(out, "  D(P‖Q) = {} nats   ({})", human(pq.value), pq.method)?;
    writeln!(out, "  D(Q‖P) = {} nats   ({})", human(qp.value), qp.method)?;
    let quad = kl_any(&p, &q, &o.method(MethodChoice::Quadrature)).map_err(lib_err)?;
    writeln!(
        out,
        "\n  The quadrature fallback agrees: D(P‖Q) = {} ± {} nats.\n  \
         Try: kldiv dist 'normal(0, 1)' 'normal(1, 2)' and swap the two.",
        human(quad.value),
        human(quad.error.unwrap_or(f64::NAN))
    )?;
    Ok(())
}

fn mixture(out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(
        out,
        "P is a two-bump mixture ½N(−2, 0.6²) + ½N(2, 0.6²); Q is one Gaussian with the same\n\
         mean and variance. KL between a mixture and a Gaussian has no closed form, so kldiv\n\
         integrates p ln(p/q) numerically (adaptive Gauss–Kronrod, with an error estimate) and,\n\
         independently, samples from P (Monte Carlo, with a standard error).\n"
    )?;
    let p = spec("mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))")?;
    // Var = 0.36 + 4 = 4.36.
    let q = spec("normal(mean=0, std=2.0880613017821101)")?;
    let o = KlOptions::default();
    let quad = kl_any(&p, &q, &o.method(MethodChoice::Quadrature)).map_err(lib_err)?;
    let mc = kl_any(&p, &q, &o.method(MethodChoice::MonteCarlo).seed(1)).map_err(lib_err)?;
    let quad_err = quad.error.unwrap_or(f64::NAN);
    let se = mc.error.unwrap_or(f64::NAN);
    writeln!(
        out,
        "  quadrature   D(P‖Q) = {} nats  (error estimate {})",
        human(quad.value),
        human(quad_err)
    )?;
    writeln!(
        out,
        "  Monte Carlo  D(P‖Q) = {} nats  (standard error {}, {} samples, seed 1)",
        human(mc.value),
        human(se),
        mc.samples.unwrap_or(0)
    )?;
    let z = (mc.value - quad.value) / se;
    writeln!(out, "  difference: {:.2} standard errors\n", z)?;
    let rev = kl_any(&q, &p, &o).map_err(lib_err)?;
    writeln!(
        out,
        "  the other direction, D(Q‖P) = {} nats ({}): Q puts mass between the bumps, where P has little.",
        human(rev.value),
        rev.method
    )?;
    if let (AnyDist::Mixture(f), Ok(AnyDist::Mixture(g))) =
        (&p, parse_spec("mixture(1*normal(0, 2.0880613017821101))"))
    {
        let a = gmm_approximations(f, &g).map_err(lib_err)?;
        writeln!(
            out,
            "\n  Hershey & Olsen (2007) approximations: variational {} nats, variational upper bound {} nats.",
            human(a.variational),
            human(a.upper_bound)
        )?;
    }
    writeln!(
        out,
        "\n  Try: kldiv dist 'mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))' 'normal(0, 2.088)' --method mc"
    )?;
    Ok(())
}
