//! `koodesk`: the headless command line over the same API the desktop app uses.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use koodesk_api::doctor::{self, DoctorReport};
use koodesk_api::paths::DataDir;

#[derive(Parser)]
#[command(
    name = "koodesk",
    version,
    about = "Koodesk for KooGallery sellers: the command line",
    long_about = "Koodesk for KooGallery sellers: the command line.\n\n\
        Works on the same data folder as the desktop app (set KOODESK_DATA_DIR to use another)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report the data folder, the database's health and versions.
    Doctor {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Doctor { json } => run_doctor(json),
    }
}

fn run_doctor(json: bool) -> ExitCode {
    let data = match DataDir::resolve() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("koodesk: {e}");
            return ExitCode::from(2);
        }
    };
    let report = doctor::run(&data);
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("koodesk: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print_report(&report);
    }
    if report.healthy() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_report(r: &DoctorReport) {
    let db = &r.database;
    let health = match db.health {
        doctor::DatabaseHealth::Ok => "ok",
        doctor::DatabaseHealth::NotCreated => "not created yet (the app creates it on first start)",
        doctor::DatabaseHealth::Damaged => "DAMAGED",
        doctor::DatabaseHealth::NewerVersion => "written by a newer Koodesk",
        doctor::DatabaseHealth::Error => "ERROR",
    };
    println!("Koodesk {} ({}/{})", r.koodesk_version, r.os, r.arch);
    println!("data folder   {} ({})", r.data_dir, r.data_dir_source);
    println!("log folder    {}", r.log_dir);
    println!("database      {}", db.path);
    println!("  health      {health}");
    if let (Some(v), Some(latest)) = (db.schema_version, db.latest_schema_version) {
        println!("  schema      {v} (latest {latest})");
    }
    if let Some(mode) = &db.journal_mode {
        println!("  journal     {mode}");
    }
    if let Some(msg) = &db.message {
        println!("  problem     {msg}");
    }
    println!("SQLite        {}", r.sqlite_version);
}
