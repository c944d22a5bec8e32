//! `leadline`: the Leadline server and its admin commands.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = leadline::cli::Cli::parse();
    leadline::serve::init_tracing(cli.log_json);
    match cli.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("leadline: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
