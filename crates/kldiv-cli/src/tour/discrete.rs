//! Tour chapters on discrete distributions.

use super::{Chapter, lib_err};
use crate::commands::discrete::write_explanation;
use crate::error::CliError;
use crate::output::human;
use kldiv::Base;
use kldiv::discrete::{
    Normalize, Options, SmoothSide, Smoothing, cross_entropy, entropy, explain, kl,
};
use std::io::Write;

pub(super) fn chapters() -> Vec<Chapter> {
    vec![
        Chapter {
            slug: "next-token",
            title: "Next-token prediction: KL against a one-hot truth",
            run: next_token,
        },
        Chapter {
            slug: "asymmetry",
            title: "KL is not symmetric",
            run: asymmetry,
        },
        Chapter {
            slug: "cross-entropy",
            title: "KL = cross-entropy − entropy; nats and bits",
            run: decomposition,
        },
        Chapter {
            slug: "smoothing",
            title: "Infinite KL, explained and made finite by smoothing",
            run: smoothing,
        },
    ]
}

const VOCAB: [&str; 5] = ["the", "cat", "sat", "on", "mat"];

fn next_token(out: &mut dyn Write) -> Result<(), CliError> {
    let o = Options::default();
    let p = [0.0, 0.0, 1.0, 0.0, 0.0];
    writeln!(
        out,
        "A language model predicts the next word of \"the cat ___\" over the vocabulary\n\
         ({}). The truth P is one-hot on \"sat\". D(P‖Q) = Σ P log(P/Q) then has one\n\
         term: −log Q(sat), the cross-entropy loss of next-token prediction.\n",
        VOCAB.join(", ")
    )?;
    let models: [(&str, [f64; 5]); 3] = [
        ("confident, right", [0.05, 0.10, 0.70, 0.10, 0.05]),
        ("confident, wrong", [0.10, 0.60, 0.10, 0.10, 0.10]),
        ("hedging", [0.15, 0.20, 0.30, 0.20, 0.15]),
    ];
    let mut rows = vec![vec![
        "model Q".to_string(),
        "Q(the, cat, sat, on, mat)".to_string(),
        "KL(P‖Q)".to_string(),
        "−ln Q(sat)".to_string(),
        "KL(Q‖P)".to_string(),
    ]];
    for (name, q) in &models {
        let d = kl(&p, q, &o).map_err(lib_err)?;
        let r = kl(q, &p, &o).map_err(lib_err)?;
        rows.push(vec![
            name.to_string(),
            format!("{q:?}"),
            format!("{} nats", human(d.value)),
            human(-q[2].ln()),
            format!("{} nats", human(r.value)),
        ]);
    }
    write!(out, "{}", crate::output::table(&rows))?;
    writeln!(
        out,
        "\nKL(Q‖P) is +∞ for every model: Q puts mass on words where P has none, and log(Q/0)\n\
         is infinite. The direction matters: D(truth‖model) is the training loss."
    )?;
    Ok(())
}

fn asymmetry(out: &mut dyn Write) -> Result<(), CliError> {
    let o = Options::default();
    let p = [0.5, 0.5];
    let q = [0.9, 0.1];
    let f = kl(&p, &q, &o).map_err(lib_err)?;
    let r = kl(&q, &p, &o).map_err(lib_err)?;
    writeln!(
        out,
        "P = (0.5, 0.5) is a fair coin, Q = (0.9, 0.1) a biased one."
    )?;
    writeln!(
        out,
        "  KL(P‖Q) = 0.5·ln(0.5/0.9) + 0.5·ln(0.5/0.1) = {:.6} nats",
        f.value
    )?;
    writeln!(
        out,
        "  KL(Q‖P) = 0.9·ln(0.9/0.5) + 0.1·ln(0.1/0.5) = {:.6} nats",
        r.value
    )?;
    writeln!(
        out,
        "Coding fair flips with the biased code wastes more ({:.6}) than the reverse ({:.6}):\n\
         Q's rare outcome costs −ln 0.1 = {:.4} nats every other flip.",
        f.value,
        r.value,
        -(0.1f64).ln()
    )?;
    Ok(())
}

fn decomposition(out: &mut dyn Write) -> Result<(), CliError> {
    let p = [0.5, 0.25, 0.125, 0.125];
    let q = [0.25, 0.25, 0.25, 0.25];
    for base in [Base::Nats, Base::Bits] {
        let o = Options::default().base(base);
        let h = entropy(&p, &o).map_err(lib_err)?;
        let hx = cross_entropy(&p, &q, &o).map_err(lib_err)?;
        let d = kl(&p, &q, &o).map_err(lib_err)?;
        writeln!(
            out,
            "P = {p:?}, Q = uniform, in {base}:\n  H(P,Q) = {:.6}   H(P) = {:.6}   \
             H(P,Q) − H(P) = {:.6}   KL(P‖Q) = {:.6}",
            hx.value,
            h.value,
            hx.value - h.value,
            d.value
        )?;
    }
    writeln!(
        out,
        "In bits the numbers are code lengths: P's optimal code needs 1.75 bits per outcome, the\n\
         uniform code 2 bits, and the KL is the 0.25-bit overhead. 1 bit = ln 2 = 0.693147 nats."
    )?;
    Ok(())
}

fn smoothing(out: &mut dyn Write) -> Result<(), CliError> {
    // Word counts in two small corpora; "mat" never occurs in Q's corpus.
    let p_counts: [u64; 5] = [12, 3, 4, 2, 3];
    let q_counts: [u64; 5] = [20, 6, 5, 5, 0];
    let o = Options::default();
    writeln!(
        out,
        "Counts of ({}) in two corpora: P = {p_counts:?}, Q = {q_counts:?}.",
        VOCAB.join(", ")
    )?;
    let e = explain(&p_counts, &q_counts, &o, 5).map_err(lib_err)?;
    write_explanation(out, &e)?;
    writeln!(
        out,
        "\nEach smoothing option makes the divergence finite; each is explicit and changes the\n\
         answer, so kldiv reports which one was used:"
    )?;
    let cases = [
        (
            Smoothing::Additive { alpha: 1.0 },
            SmoothSide::Both,
            "Laplace: add 1 to every count of P and Q",
        ),
        (
            Smoothing::Additive { alpha: 0.5 },
            SmoothSide::Q,
            "Jeffreys-Perks: add 0.5 to Q's counts only",
        ),
        (
            Smoothing::Floor { epsilon: 1e-3 },
            SmoothSide::Q,
            "floor Q at 1e-3, renormalise",
        ),
        (
            Smoothing::MixUniform { alpha: 0.01 },
            SmoothSide::Q,
            "mix Q with 1% of the uniform distribution",
        ),
    ];
    let mut rows = vec![vec![
        "smoothing".to_string(),
        "on".to_string(),
        "KL(P‖Q)".to_string(),
        "what it does".to_string(),
    ]];
    for (s, side, what) in cases {
        let o = Options::default()
            .normalize(Normalize::Renormalize)
            .smoothing(s)
            .smooth_side(side);
        let d = kl(&p_counts, &q_counts, &o).map_err(lib_err)?;
        rows.push(vec![
            s.to_string(),
            side.to_string(),
            format!("{} nats", human(d.value)),
            what.to_string(),
        ]);
    }
    write!(out, "{}", crate::output::table(&rows))?;
    writeln!(
        out,
        "CLI: kldiv discrete p.csv q.csv --smooth add:1 --explain 5"
    )?;
    Ok(())
}
