//! A ticket counter service: clients connect over TCP and send `take` or `stats` lines.
//! It compiles and runs, and it has the async pitfalls async-doctor is built to find.

mod config;
mod store;

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use store::TicketStore;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let settings = config::load_settings();
    let store = Arc::new(TicketStore::new(settings.first_ticket));
    let (audit_tx, audit_rx) = mpsc::channel::<String>(64);

    // The audit writer runs for the whole life of the service.
    tokio::spawn(audit_writer(audit_rx));

    let listener = TcpListener::bind(&settings.listen).await?;
    let (served, ()) = tokio::join!(serve(listener, Arc::clone(&store), audit_tx), report_stats(store));
    served
}

async fn serve(listener: TcpListener, store: Arc<TicketStore>, audit_tx: mpsc::Sender<String>) -> std::io::Result<()> {
    loop {
        let (socket, peer) = listener.accept().await?;
        let store = Arc::clone(&store);
        let audit = audit_tx.clone();
        tokio::spawn(async move {
            if let Err(error) = handle_client(socket, store, audit).await {
                eprintln!("client {peer}: {error}");
            }
        });
    }
}

/// Prints how many tickets were issued, once a minute.
async fn report_stats(store: Arc<TicketStore>) {
    let mut interval = tokio::time::interval(Duration::from_secs(60));
    let mut out = tokio::io::stdout();
    loop {
        interval.tick().await;
        let issued = store.issued.lock().unwrap();
        out.write_all(format!("issued {}\n", issued.len()).as_bytes()).await.ok();
    }
}

async fn handle_client(socket: TcpStream, store: Arc<TicketStore>, audit: mpsc::Sender<String>) -> std::io::Result<()> {
    let (reader, mut writer) = socket.into_split();
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = lines.next_line().await? {
        match line.trim() {
            "take" => {
                let ticket = store.take_ticket();
                audit.send(format!("issued {ticket}")).await.ok();
                writer.write_all(format!("{ticket}\n").as_bytes()).await?;
            }
            "stats" => {
                let issued = store.issued.lock().unwrap().len();
                writer.write_all(format!("issued {issued}\n").as_bytes()).await?;
            }
            _ => writer.write_all(b"unknown command\n").await?,
        }
    }
    Ok(())
}

async fn audit_writer(mut rx: mpsc::Receiver<String>) {
    let mut pending = Vec::new();
    loop {
        tokio::select! {
            Some(entry) = rx.recv() => pending.push(entry),
            _ = tokio::time::sleep(Duration::from_secs(5)) => {
                // Flush the batch to disk.
                std::fs::write("audit.log", pending.join("\n")).ok();
                pending.clear();
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}
