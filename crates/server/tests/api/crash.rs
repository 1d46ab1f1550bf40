//! kill -9 under payment load: the real `emhana` binary takes concurrent payments with
//! Idempotency-Keys, is killed with SIGKILL mid-stream and restarted on the same database. Every
//! payment answered 201 must be there, the money must reconcile (visit paid = Σ live payments =
//! Σ allocations), the aggregates must equal a rebuild, and retrying every request with its key
//! must neither lose nor double anything.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde_json::json;

use crate::hardening::assert_stats_match_a_rebuild;
use crate::visits::{booked, clinic, count};

/// The `emhana` binary as a separate process on `url`, so it can be killed for real.
pub(crate) struct Process {
    child: Child,
    address: String,
}

impl Process {
    pub(crate) async fn start(url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_emhana"))
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("EMHANA_BIND", format!("127.0.0.1:{port}"))
            .env("EMHANA_STATIC_DIR", "/nonexistent")
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary starts");
        let process = Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            let ready = client
                .get(format!("{}/readyz", process.address))
                .send()
                .await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return process;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server process did not become ready");
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const VISITS: usize = 12;
const PAYMENTS: usize = 240;

/// One payment request of the load: visit `i % VISITS`, 10.00 ₸ by a rotating method.
fn request(
    client: &reqwest::Client,
    address: &str,
    token: &str,
    visits: &[i64],
    i: usize,
) -> reqwest::RequestBuilder {
    let method = ["card", "cash", "qr", "transfer"][i % 4];
    client
        .post(format!(
            "{address}/api/v1/appointments/{}/payments",
            visits[i % VISITS]
        ))
        .bearer_auth(token)
        .header("Idempotency-Key", format!("crash-{i}"))
        .json(&json!({"payments": [{"method": method, "amount": "10.00"}]}))
}

both_backends! {
    async fn kill_9_under_payment_load_loses_and_doubles_nothing(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let mut visits = Vec::new();
        for i in 0..VISITS {
            let at = format!("2026-11-26T{:02}:00:00+05:00", 8 + i);
            let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": at, "service_ids": [services[0], services[1]]})).await;
            visits.push(v.summary.id);
        }
        let mut server = Process::start(&app.url).await;
        let address = server.address.clone();
        let client = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
        // The load, 32 at a time; the server is killed once a third has been answered.
        let answered = std::sync::atomic::AtomicUsize::new(0);
        let kill_at = PAYMENTS / 3;
        let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(1);
        let load = stream::iter(0..PAYMENTS)
            .map(|i| {
                let req = request(&client, &address, &desk, &visits, i);
                let answered = &answered;
                let tx = tx.clone();
                async move {
                    let status = req.send().await.ok().map(|r| r.status().as_u16());
                    if answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == kill_at {
                        let _ = tx.try_send(());
                    }
                    (i, status)
                }
            })
            .buffer_unordered(32)
            .collect::<Vec<_>>();
        let killer = async {
            rx.recv().await;
            server.kill();
        };
        let (outcomes, ()) = tokio::join!(load, killer);
        let acked: Vec<usize> = outcomes.iter().filter(|(_, s)| *s == Some(201)).map(|(i, _)| *i).collect();
        assert!(outcomes.iter().all(|(_, s)| matches!(s, None | Some(201))), "only 201 or no answer: {outcomes:?}");
        assert!(!acked.is_empty() && acked.len() < PAYMENTS, "the kill landed mid-stream ({} acked)", acked.len());

        // Restarted on the same database: every acknowledged payment is there.
        let server = Process::start(&app.url).await;
        for i in &acked {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM payment_requests WHERE idempotency_key = $1")
                .bind(format!("crash-{i}")).fetch_one(app.store.pool()).await.unwrap();
            assert_eq!(n, 1, "acknowledged payment crash-{i} survived");
        }
        assert!(count(&app, "SELECT COUNT(*) FROM payments").await >= acked.len() as i64);
        reconciles(&app.store).await;

        // Retrying every request with its key: acknowledged ones replay, the rest land once.
        for i in 0..PAYMENTS {
            let res = request(&client, &server.address, &desk, &visits, i).send().await.unwrap();
            assert_eq!(res.status(), 201, "retry of crash-{i}");
        }
        assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, PAYMENTS as i64);
        assert_eq!(count(&app, "SELECT CAST(SUM(paid) AS BIGINT) FROM appointments").await, PAYMENTS as i64 * 1000);
        reconciles(&app.store).await;
        drop(server);
    }
}

/// Each visit's paid = Σ its live payments = Σ their allocations (and lines' paid), and the
/// aggregates equal a rebuild.
pub(crate) async fn reconciles(store: &emhana_store::Store) {
    let rows: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.id, a.paid, \
           CAST((SELECT COALESCE(SUM(y.amount), 0) FROM payments y WHERE y.appointment_id = a.id AND y.voided_at IS NULL) AS BIGINT), \
           CAST((SELECT COALESCE(SUM(x.amount), 0) FROM payment_allocations x JOIN payments y ON y.id = x.payment_id \
                 WHERE y.appointment_id = a.id AND y.voided_at IS NULL) AS BIGINT), \
           CAST((SELECT COALESCE(SUM(l.paid), 0) FROM appointment_services l WHERE l.appointment_id = a.id) AS BIGINT) \
         FROM appointments a ORDER BY a.id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    for (id, paid, payments, allocations, lines) in rows {
        assert_eq!(
            (paid, allocations, lines),
            (payments, payments, payments),
            "visit {id} reconciles"
        );
    }
    assert_stats_match_a_rebuild(store).await;
}
