//! Tour chapter: mode covering (forward KL) vs mode seeking (reverse KL).

use super::{Chapter, figure_path, lib_err};
use crate::error::CliError;
use crate::output::human;
use kldiv::kl::{KlResult, parse_spec};
use kldiv::variational::{
    DistTarget, Fit, ForwardOptions, GaussianQ, ReverseOptions, fit_forward, fit_reverse,
    no_progress,
};
use std::io::Write;

pub(super) fn chapters() -> Vec<Chapter> {
    vec![Chapter {
        slug: "modes",
        title: "Mode covering vs mode seeking: fitting one Gaussian by forward and reverse KL",
        run: modes,
    }]
}

fn kl(r: Option<KlResult>) -> String {
    r.map_or("n/a".to_string(), |r| {
        format!("{} nats ({})", human(r.value), r.method)
    })
}

fn modes(out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(
        out,
        "P = ½N(−2, 0.6²) + ½N(2, 0.6²) has two bumps; Q is a single Gaussian. Which Q is\n\
         \"closest\" depends on the direction of the divergence:\n\n  \
         forward  argmin D(P‖Q) = −H(P) − E_P[ln q]: Q is penalised wherever P has mass and Q\n           \
         has none, so it matches P's mean and variance and covers both bumps.\n  \
         reverse  argmin D(Q‖P) = −H(Q) − E_Q[ln p]: Q is penalised wherever it puts mass that P\n           \
         lacks, so it sits on one bump and stays narrow (variational inference does this).\n"
    )?;
    let p = DistTarget::new(
        parse_spec("mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))").map_err(lib_err)?,
    )
    .map_err(lib_err)?;
    let fwd = fit_forward(&p, &ForwardOptions::default()).map_err(lib_err)?;
    let mut fits: Vec<Fit> = vec![fwd];
    for start in [-1.0, 1.0] {
        let opts = ReverseOptions {
            init: Some(GaussianQ::normal(start, 1.0).map_err(lib_err)?),
            ..ReverseOptions::default()
        };
        fits.push(fit_reverse(&p, &opts, &mut no_progress).map_err(lib_err)?);
    }
    for (f, what) in fits.iter().zip([
        "forward (moment matching)",
        "reverse, started at −1",
        "reverse, started at +1",
    ]) {
        writeln!(
            out,
            "  {what:<26} Q = N({}, {}²)\n  {:<26} D(P‖Q) = {}   D(Q‖P) = {}",
            human(f.q.mean()[0]),
            human(f.q.std()[0]),
            "",
            kl(f.kl.forward),
            kl(f.kl.reverse)
        )?;
    }
    writeln!(
        out,
        "\n  Each fit wins its own objective and loses the other: the forward fit has the\n  \
         smaller D(P‖Q), the reverse fits the smaller D(Q‖P) (about ln 2 = 0.693: Q ignores\n  \
         half of P). The reverse objective has two minima; where the optimiser starts decides\n  \
         which bump it finds. The forward fit is exact (P's moments); the reverse fits use\n  \
         Gauss–Hermite quadrature with Adam and Newton steps; the KLs are by adaptive quadrature."
    )?;
    let path = figure_path("modes.svg")?;
    crate::plot::fits(&p, &fits, "P and its forward / reverse KL fits", &path)?;
    writeln!(out, "\n  figure: {}", path.display())?;
    writeln!(
        out,
        "  Try: kldiv fit --target 'mixture(0.5*normal(-2, 0.6), 0.5*normal(2, 0.6))' --plot modes.png"
    )?;
    Ok(())
}
