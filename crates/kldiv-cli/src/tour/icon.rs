//! Tour chapter on I-Con: t-SNE of the digits as "Gaussian p, Student-t q".

use super::{Chapter, figure_path};
use crate::error::CliError;
use crate::input::parse_table;
use crate::output::human;
use kldiv_icon::metrics::trustworthiness;
use kldiv_icon::tsne::{TsneOptions, tsne};
use kldiv_icon::{IconError, Points, no_progress};
use std::io::Write;

/// The UCI digits (8×8 images, 64 pixel columns and a `label` column); see `data/README.md`.
const DIGITS: &str = include_str!("../../../../data/digits.csv");

/// Seed and neighbourhood size of the chapter.
const SEED: u64 = 2026;
const PERPLEXITY: f64 = 30.0;
const K: usize = 10;

pub(super) fn chapters() -> Vec<Chapter> {
    vec![Chapter {
        slug: "tsne",
        title: "I-Con: t-SNE of the digits as one KL (Gaussian p, Student-t q)",
        run: tsne_digits,
    }]
}

fn icon_err(e: IconError) -> CliError {
    CliError::Data(format!("tour: {e}"))
}

fn tsne_digits(out: &mut dyn Write) -> Result<(), CliError> {
    let t = parse_table("digits.csv", DIGITS.as_bytes())?;
    let d = t.cols - 1;
    let mut x = Vec::with_capacity(t.rows * d);
    let mut labels = Vec::with_capacity(t.rows);
    for r in 0..t.rows {
        let row = t.row(r);
        x.extend_from_slice(&row[..d]);
        labels.push(row[d].max(0.0) as usize);
    }
    writeln!(
        out,
        "I-Con (Alshammari et al., ICLR 2025) reads many representation-learning methods as one\n\
         objective, L = Σ_i KL(p(·|i) ‖ q(·|i)): a supervisory neighbourhood p from the data and a\n\
         learned one q from the embedding. t-SNE is the pair\n\n\
         \x20   p: Gaussian, p(j|i) ∝ exp(−‖x_i − x_j‖²/2σ_i²), σ_i set so that 2^H(p(·|i)) = {PERPLEXITY}\n\
         \x20      (the perplexity: the effective number of neighbours, H in bits), then\n\
         \x20      symmetrised, p_ij = (p(j|i) + p(i|j))/2n;\n\
         \x20   q: Student-t with one degree of freedom, q_ij ∝ (1 + ‖y_i − y_j‖²)^−1,\n\n\
         and the embedding y ∈ ℝ² minimises KL(P‖Q) by gradient descent (early exaggeration,\n\
         momentum, gains; the exact gradient up to {} points, Barnes–Hut above). A Gaussian q\n\
         instead gives SNE, whose light tails crowd the clusters together. Here: the {} digit\n\
         images of {d} pixels.\n",
        kldiv_icon::tsne::EXACT_MAX_N,
        t.rows
    )?;
    let pts = Points::new("digits", &x, d).map_err(icon_err)?;
    let opts = TsneOptions {
        perplexity: PERPLEXITY,
        seed: SEED,
        ..TsneOptions::default()
    };
    let e = tsne(pts, &opts, &mut no_progress).map_err(icon_err)?;
    let y = Points::new("embedding", &e.y, e.dims).map_err(icon_err)?;
    let trust = trustworthiness(pts, y, K).map_err(icon_err)?;
    let first = e.trace.first().map_or(f64::NAN, |t| t.1);
    writeln!(
        out,
        "After {} iterations (the first {} with p exaggerated ×{}), KL(P‖Q) = {} nats\n\
         (it was {} nats at iteration {}). The trustworthiness T({K}) = {} says how many of each\n\
         point's {K} nearest neighbours in the picture are true neighbours in pixel space\n\
         (1 = all; Venna & Kaski): the picture invents few neighbours.",
        opts.iters,
        opts.exaggeration_iters,
        opts.early_exaggeration,
        human(e.kl),
        human(first),
        e.trace.first().map_or(0, |t| t.0),
        human(trust)
    )?;
    let path = figure_path("tsne_digits.png")?;
    crate::commands::icon::plot_embedding(
        &path,
        "t-SNE of the digits: Gaussian p, Student-t q",
        &e.points_2d(),
        Some(&labels),
    )?;
    writeln!(
        out,
        "\nThe embedding coloured by digit: {}\n\
         The same from the command line:\n\
         \x20 kldiv icon --data data/digits.csv --label-column label --method tsne --seed {SEED} \\\n\
         \x20     --out embedding.csv --plot tsne_digits.png",
        path.display()
    )?;
    Ok(())
}
