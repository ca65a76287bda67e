//! corridor-watch: parse the arguments, then run a subcommand (or the app).

mod cli;

use clap::{CommandFactory, Parser};
use cli::{Cli, Command};
use std::process::ExitCode;

// mimalloc: the large case's many short-lived buffers (per-feature maps, per-part
// copies) reuse freed memory instead of going back to the kernel (page faults
// were about a sixth of `check`'s time with the system allocator).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.command.is_none()
        && let Some(word) = cli.files.first().and_then(|f| cli::mistyped_subcommand(f))
    {
        // A word that is no file and looks like a command: say so, never open the window.
        let mut cmd = Cli::command();
        let tip = cli::closest_subcommand(&cmd, &word)
            .map(|s| format!("\n\n  tip: a similar subcommand exists: '{s}'"))
            .unwrap_or_default();
        cmd.error(
            clap::error::ErrorKind::InvalidSubcommand,
            format!("unrecognized subcommand '{word}' (and no file of that name){tip}"),
        )
        .exit();
    }
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
        Some(Command::Report(args)) => cli::report::run(&args).map(|()| ExitCode::SUCCESS),
        Some(Command::Notify(args)) => cli::notify::run(&args).map(|()| ExitCode::SUCCESS),
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
