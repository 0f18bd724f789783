//! The `kldiv` command-line tool: argument parsing, file formats, output formats and the tour.
