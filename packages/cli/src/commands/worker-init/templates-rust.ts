/**
 * A Rust `worker-bare` template in the shape of the others (workers.md §19.2): manifest with install and
 * start scripts, `Cargo.toml`, `src/main.rs` registering `<name>::hello`.
 *
 * The Rust SDK (`iii-sdk` on crates.io) cannot be reached from this machine: the files and that `iii`
 * runs their scripts are tested; main.rs itself has not been built against the SDK here.
 */
import { manifestText } from './manifest-template.ts';

export function rustFiles(name: string): Record<string, string> {
  const crate = name.replace(/[^A-Za-z0-9_-]/g, '-');
  return {
    'iii.worker.yaml': manifestText(name, {
      image: 'docker.io/iiidev/rust:latest',
      install: 'cargo build --release',
      start: 'cargo run --release',
    }),
    'Cargo.toml': `[package]
name = "${crate}"
version = "0.1.0"
edition = "2021"

[dependencies]
iii-sdk = "0.22"
serde_json = "1"
tokio = { version = "1", features = ["full"] }
`,
    'src/main.rs': `//! The ${name} worker. \`iii\` starts it with III_URL (the engine socket) and III_WORKER_NAME set.
use iii_sdk::{register_worker, InitOptions};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("III_URL").unwrap_or_else(|_| "ws://localhost:49134".into());
    let name = std::env::var("III_WORKER_NAME").unwrap_or_else(|_| "${name}".into());
    let iii = register_worker(&url, InitOptions { worker_name: Some(name), ..Default::default() })?;

    // Example function: says hello to \`name\`.
    iii.register_function("${name}::hello", |data: Value| async move {
        let who = data.get("name").and_then(Value::as_str).unwrap_or("there").to_string();
        Ok(json!({ "greeting": format!("hello {who}") }))
    });
    println!("worker ready");

    // Leave the engine cleanly when \`iii\` stops this worker (SIGTERM) or on Ctrl-C.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    iii.shutdown().await;
    Ok(())
}
`,
  };
}
