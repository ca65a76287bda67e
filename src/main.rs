//! corridor-watch: parse the arguments, then run a subcommand (or the app).

mod cli;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Command::Check(args)) => Ok(if cli::check::run(&args)? {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }),
        Some(Command::Route(args)) => Ok(if cli::route::run(&args)? {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }),
        Some(Command::Watch(args)) => Ok(if cli::watch::run(&args)? {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }),
        Some(Command::Query(args)) => cli::query::run(&args).map(|()| ExitCode::SUCCESS),
        Some(Command::Zone(args)) => cli::zone::run(&args).map(|()| ExitCode::SUCCESS),
        Some(Command::GenLarge(args)) => cli::gen_large::run(&args).map(|()| ExitCode::SUCCESS),
        None => run_app(cli.files),
    }
}

#[cfg(feature = "gui")]
fn run_app(files: Vec<std::path::PathBuf>) -> anyhow::Result<ExitCode> {
    corridor_watch::app::run(files)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
fn run_app(_files: Vec<std::path::PathBuf>) -> anyhow::Result<ExitCode> {
    eprintln!(
        "This build has no desktop app (built without the \"gui\" feature). Use a subcommand: check, query, zone (see --help)."
    );
    Ok(ExitCode::from(2))
}
