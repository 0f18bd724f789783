//! The `kldiv` command-line tool: argument parsing, file formats, output formats and the tour.
//!
//! The binary is a thin layer over this library so that every subcommand can be tested
//! in-process and reused by examples and benchmarks.

pub mod commands;
pub mod error;
pub mod input;
pub mod output;
pub mod plot;
pub mod tour;

use clap::{Parser, Subcommand};

/// kldiv — the Kullback–Leibler divergence and its relatives, exact and fast.
///
/// D(p‖q) = Σ p log(p/q): p is the reference ("true") distribution, q the approximation.
/// Every value is printed with its unit. Exit codes: 0 success, 1 data error, 2 usage error.
#[derive(Debug, Parser)]
#[command(
    name = "kldiv",
    version,
    about = "kldiv — the Kullback–Leibler divergence and its relatives, exact and fast.\n\
             D(p‖q) = Σ p·log(p/q): p is the reference (\"true\") distribution, q the approximation.",
    after_help = "Every value is printed with its unit. Exit codes: 0 success, 1 data error \
                  (the message names the file, the place and the value), 2 usage error.\n\
                  Start with: kldiv tour"
)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Divergences between discrete distributions (vectors, histograms, counts).
    Discrete(commands::discrete::DiscreteArgs),
    /// KL divergence (or differential entropy) estimated from samples alone: k-NN or
    /// histogram estimators, with bootstrap intervals.
    Estimate(commands::estimate::EstimateArgs),
    /// Training losses on logits: forward / reverse KL and JSD between teacher and student rows,
    /// with the gradient w.r.t. the student.
    Loss(commands::loss::LossArgs),
    /// KL between parametric distributions given as specs ('normal(mean=0, std=1)').
    Dist(commands::dist::DistArgs),
    /// Fit a Gaussian Q to a target P by forward KL (moment matching, mode covering) or
    /// reverse KL (mode seeking), reporting the KL in both directions.
    Fit(commands::fit::FitArgs),
    /// Variational inference (mean-field or full-rank Gaussian ADVI) for a built-in model:
    /// Bayesian logistic regression on a data file.
    Vi(commands::vi::ViArgs),
    /// I-Con: SNE and t-SNE embeddings (and, as they arrive, clustering and classification) as
    /// one KL between neighbourhood distributions.
    Icon(commands::icon::IconArgs),
    /// A guided tour of KL on built-in data, with every number computed live.
    Tour(tour::TourArgs),
}

/// Runs a parsed command, writing its output to `out`.
pub fn run(cli: &Cli, out: &mut dyn std::io::Write) -> Result<(), error::CliError> {
    match &cli.command {
        Command::Discrete(a) => commands::discrete::run(a, out),
        Command::Estimate(a) => commands::estimate::run(a, out),
        Command::Loss(a) => commands::loss::run(a, out),
        Command::Dist(a) => commands::dist::run(a, out),
        Command::Fit(a) => commands::fit::run(a, out),
        Command::Vi(a) => commands::vi::run(a, out),
        Command::Icon(a) => commands::icon::run(a, out),
        Command::Tour(a) => tour::run(a, out),
    }
}
