//! `kldiv tour`: a guided run through the definitions, with every number computed live.
//!
//! The tour is a list of [`Chapter`]s. To add one, write a function
//! `fn(&mut dyn Write) -> Result<(), CliError>` in a file of this module and list it in
//! [`chapters`].

mod discrete;
mod dist;
mod estimate;
mod loss;

use crate::error::CliError;
use clap::Args;
use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;

/// One chapter of the tour.
pub struct Chapter {
    /// Short name for `--chapter`.
    pub slug: &'static str,
    /// Title printed as the heading.
    pub title: &'static str,
    /// Prints the chapter.
    pub run: fn(&mut dyn Write) -> Result<(), CliError>,
}

/// Every chapter, in order.
pub fn chapters() -> Vec<Chapter> {
    let mut all = Vec::new();
    all.extend(discrete::chapters());
    all.extend(loss::chapters());
    all.extend(dist::chapters());
    all.extend(estimate::chapters());
    all
}

/// Arguments of `kldiv tour`.
#[derive(Debug, Args)]
pub struct TourArgs {
    /// Run only the chapters whose slug contains this text (see --list).
    #[arg(long)]
    pub chapter: Option<String>,
    /// List the chapters and exit.
    #[arg(long)]
    pub list: bool,
    /// Directory for the figures that chapters write (created if missing; default: a
    /// `kldiv-tour` directory in the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    pub figures: Option<PathBuf>,
}

thread_local! {
    /// The figure directory of the tour running on this thread (set by [`run`]).
    static FIGURES: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// The path where a chapter writes the figure `file` (e.g. `"modes.svg"`): inside the
/// directory given by `--figures`, created on first use. Chapters print this path.
#[allow(
    dead_code,
    reason = "the chapters that draw figures arrive with #7 and #8"
)]
pub(crate) fn figure_path(file: &str) -> Result<PathBuf, CliError> {
    let dir = FIGURES
        .with(|f| f.borrow().clone())
        .unwrap_or_else(|| std::env::temp_dir().join("kldiv-tour"));
    std::fs::create_dir_all(&dir).map_err(|e| {
        CliError::Data(format!(
            "tour: cannot create the figure directory {}: {e}",
            dir.display()
        ))
    })?;
    Ok(dir.join(file))
}

/// Runs the tour.
pub fn run(args: &TourArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let all = chapters();
    if args.list {
        for (i, c) in all.iter().enumerate() {
            writeln!(out, "{:>2}. {:<22} {}", i + 1, c.slug, c.title)?;
        }
        return Ok(());
    }
    let selected: Vec<&Chapter> = all
        .iter()
        .filter(|c| {
            args.chapter
                .as_ref()
                .is_none_or(|s| c.slug.contains(s.as_str()))
        })
        .collect();
    if selected.is_empty() {
        return Err(CliError::Usage(format!(
            "no chapter matches '{}'; see kldiv tour --list",
            args.chapter.as_deref().unwrap_or("")
        )));
    }
    FIGURES.with(|f| *f.borrow_mut() = args.figures.clone());
    writeln!(
        out,
        "kldiv tour — the Kullback–Leibler divergence in {} chapter{}\n",
        selected.len(),
        if selected.len() == 1 { "" } else { "s" }
    )?;
    for (i, c) in selected.iter().enumerate() {
        let heading = format!("{}. {}", i + 1, c.title);
        writeln!(out, "{heading}")?;
        writeln!(out, "{}", "=".repeat(heading.chars().count()))?;
        (c.run)(out)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Formats a library error inside a tour chapter (the tour's inputs are built in, so an error
/// here is a bug worth reporting, not a data error of the user's).
pub(crate) fn lib_err(e: kldiv::Error) -> CliError {
    CliError::Data(format!("tour: {e}"))
}
