//! `emhana`: the server binary. Parses the command line and hands over to the library.

use clap::{Parser, Subcommand};
use emhana_server::{openapi, telemetry, Application, Settings};
use emhana_store::{Store, StoreConfig};

/// Emhana clinic CRM server.
#[derive(Debug, Parser)]
#[command(name = "emhana", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API, Swagger UI and the SPA (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document as JSON.
    Openapi,
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(cli.settings.clone()).await?;
            tracing::info!(
                url = %format!("http://127.0.0.1:{}", app.port()),
                database = app.store().backend().name(),
                "Emhana is serving"
            );
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let store = Store::connect(&StoreConfig::new(&cli.settings.database_url)).await?;
            store.migrate().await?;
            store.close().await;
            tracing::info!("migrations applied");
        }
        Command::Openapi => print!("{}", openapi::document_json()),
    }
    Ok(())
}
