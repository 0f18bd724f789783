//! The `kldiv` binary: parses the command line and maps errors to exit codes
//! (0 success, 1 data error, 2 usage error).

use clap::Parser;
use std::io::Write;

fn main() {
    let cli = kldiv_cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let res = kldiv_cli::run(&cli, &mut out);
    let flushed = out.flush();
    drop(out);
    match res {
        Ok(()) => {
            if let Err(e) = flushed {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("kldiv: cannot write output: {e}");
                    std::process::exit(1);
                }
            }
        }
        Err(e) => {
            eprintln!("kldiv: {e}");
            std::process::exit(e.exit_code());
        }
    }
}
