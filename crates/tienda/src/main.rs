//! The `tienda` command: parses arguments and runs the library. Nothing else lives here.

use anyhow::Context;
use clap::Parser;
use platform::config::ExposeSecret;
use tienda::{Cli, Command, EventsCommand};

/// mimalloc instead of glibc's malloc: with glibc, the embedded shop grew to 542 MiB after write
/// runs (per-thread arenas kept what they had freed) and malloc and free took a fifth of the CPU
/// of a read; docs/benchmarks.md has the figures behind the choice.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = cli.settings()?;
    platform::telemetry::init(settings.log_format, &settings.log);
    let built = match cli.command.clone().unwrap_or(Command::All) {
        Command::All => tienda::build_embedded(&settings).await?,
        Command::Serve { service } => tienda::build_single(&settings, service).await?,
        Command::Gateway => tienda::build_gateway(&settings)?,
        Command::Probe => return probe(&settings).await,
        Command::Migrate { service } => return tienda::migrate(&settings, service).await,
        Command::Events { command } => return events(&settings, command).await,
    };
    if let Some(admin) = &built.generated_admin {
        // Shown once, on the terminal, never in the logs.
        eprintln!(
            "\n  No administrator existed, so one was created. Keep these; they are not shown again:\n    \
             email:    {}\n    password: {}\n",
            admin.email,
            admin.password.expose_secret()
        );
    }
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .with_context(|| format!("cannot listen on {}", settings.addr))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "Tienda is listening");
    println!("Tienda is listening on http://{address}  (API docs: http://{address}/api/docs)");
    built
        .app
        .run(listener, platform::http::shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

/// `tienda events ...`: prints for an operator.
async fn events(settings: &tienda::Settings, command: EventsCommand) -> anyhow::Result<()> {
    match command {
        EventsCommand::DeadLetters { service } => {
            let letters = tienda::dead_letters(settings, service).await?;
            if letters.is_empty() {
                println!("No dead letters.");
            }
            for (service, letter) in letters {
                println!(
                    "{service}\t{}\t{}\tsubject {}\t{} attempts\treceived {}\n\t{}",
                    letter.id,
                    letter.kind,
                    letter.subject,
                    letter.attempts,
                    letter.received_at,
                    letter
                        .last_error
                        .as_deref()
                        .unwrap_or("(no error recorded)")
                );
            }
            Ok(())
        }
        EventsCommand::Replay { id, service } => {
            match tienda::replay(settings, service, id).await? {
                Some(service) => {
                    println!("Replaying {id} in {service}.");
                    Ok(())
                }
                None => anyhow::bail!("no dead letter {id}"),
            }
        }
    }
}

/// `tienda probe`: GET /health/ready on this machine's TIENDA_ADDR port.
async fn probe(settings: &tienda::Settings) -> anyhow::Result<()> {
    let port = settings.addr.port();
    let url = format!("http://127.0.0.1:{port}/health/ready");
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()?;
    let response = client
        .get(&url)
        .send()
        .await
        .with_context(|| format!("{url} does not answer"))?;
    anyhow::ensure!(
        response.status().is_success(),
        "{url} answers {}",
        response.status()
    );
    Ok(())
}
