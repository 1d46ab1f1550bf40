//! Writes at scale (issue 22): the consistency check (`Store::reconcile`) finds what does not add
//! up, and two API instances on one PostgreSQL take payments for the same visits at once without
//! overpaying, deadlocking or losing an aggregate.

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::helpers::{Db, TestApp};
use crate::visits::{booked, clinic};

/// Books `n` visits (5000 ₸ each) of the clinic's doctor, half an hour apart; their ids.
async fn visits(
    app: &TestApp,
    desk: &str,
    (doctor, service, patient): (i64, i64, i64),
    n: u32,
) -> Vec<i64> {
    let mut ids = Vec::new();
    for slot in 0..n {
        let (hour, minute) = (8 + slot / 2, slot % 2 * 30);
        let body = json!({"patient_id": patient, "doctor_id": doctor, "starts_at": format!("2026-11-26T{hour:02}:{minute:02}:00+05:00"), "service_ids": [service], "allow_overlap": false});
        ids.push(booked(app, desk, body).await.summary.id);
    }
    ids
}

/// POSTs a card payment of `amount` for visit `id` to the server at `address`; the status.
async fn pay(client: &reqwest::Client, address: &str, token: &str, id: i64, amount: &str) -> u16 {
    client
        .post(format!("{address}/api/v1/appointments/{id}/payments"))
        .bearer_auth(token)
        .json(&json!({"payments": [{"method": "card", "amount": amount}]}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// 40 payments of 100 ₸ over `ids` in turn, all sent at once; their statuses.
async fn forty_payments(app: &TestApp, desk: &str, ids: &[i64]) -> Vec<u16> {
    join_all((0..40).map(|i| pay(&app.client, &app.address, desk, ids[i % ids.len()], "100"))).await
}

both_backends! {
    async fn reconcile_finds_money_and_aggregates_that_do_not_add_up(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let ids = visits(&app, &desk, (doctor, services[0], patient), 3).await;
        for (id, amount) in ids.iter().zip(["5000", "1234.56", "0.01"]) {
            assert_eq!(pay(&app.client, &app.address, &desk, *id, amount).await, 201);
        }
        let exact = app.store.reconcile().await.unwrap();
        assert!(exact.is_exact(), "{exact:?}");
        assert_eq!(exact.payments_net, 623_457, "5000 + 1234.56 + 0.01 ₸ in tiyn");
        assert_eq!((exact.visits_paid, exact.lines_paid, exact.allocations_net), (623_457, 623_457, 623_457));

        // A visit's paid that its lines do not hold.
        app.exec("UPDATE appointments SET paid = paid + 1 WHERE id = (SELECT MIN(id) FROM appointments)").await;
        let found = app.store.reconcile().await.unwrap();
        assert!(!found.is_exact());
        assert_eq!((found.visits_out_of_balance, found.visits_paid), (1, 623_458));
        app.exec("UPDATE appointments SET paid = paid - 1 WHERE id = (SELECT MIN(id) FROM appointments)").await;

        // An aggregate delta no write made.
        app.exec("INSERT INTO stats_payments_pending (day, doctor_id, method, amount, payments, refunded, refunds) VALUES ('2020-01-15', 1, 'card', 100, 1, 0, 0)").await;
        let found = app.store.reconcile().await.unwrap();
        assert!(!found.is_exact());
        // Seen on its day row and on its month's row (a month with no other payment).
        let differences = &found.stats_differences;
        assert_eq!(differences.len(), 2, "{differences:?}");
        assert!(differences[0].starts_with("kept only: stats_payments_months|2020-01-01|1|card|100|1|"), "{differences:?}");
        assert!(differences[1].starts_with("kept only: stats_payments|2020-01-15|1|card|100|1|"), "{differences:?}");
        // The check rolled its rebuild back: the bad delta is still there until a real rebuild.
        assert!(!app.store.reconcile().await.unwrap().is_exact());
        app.store.rebuild_stats().await.unwrap();
        assert!(app.store.reconcile().await.unwrap().is_exact());
    }

    async fn the_fold_keeps_every_figure_while_payments_run(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let ids = visits(&app, &desk, (doctor, services[0], patient), 4).await;
        let payers = forty_payments(&app, &desk, &ids);
        let folds = async {
            let mut folded = 0;
            for _ in 0..20 {
                folded += app.store.fold_stats().await.unwrap();
            }
            folded
        };
        let (statuses, _) = tokio::join!(payers, folds);
        assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
        app.store.fold_stats().await.unwrap();
        let after = app.store.reconcile().await.unwrap();
        assert!(after.is_exact(), "{after:?}");
        assert_eq!(after.payments_net, 40 * 10_000);
        assert_eq!(after.stats_pending_rows, 0, "a fold with no writer left leaves nothing pending");
        let owner = app.owner_token().await;
        let methods: Value = app.get_auth("/api/v1/analytics/payment-methods?from=2026-11-01&to=2026-12-31", &owner).await.json().await.unwrap();
        assert_eq!(methods["items"][0]["paid"], "4000.00");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_never_overpay_or_deadlock() {
    let app = TestApp::spawn(Db::Postgres).await;
    let (other, other_store) = app.second_instance().await;
    let (desk, doctor, services, patient) = clinic(&app).await;
    let ids = visits(&app, &desk, (doctor, services[0], patient), 5).await;
    // 5 visits of 5000 ₸, 100 payments of 400 ₸ spread over both instances: 12 fit per visit
    // (4800 ₸), the 13th would overpay. Each visit gets 20 attempts.
    let payers = (0..100).map(|i| {
        let address = if i % 2 == 0 {
            app.address.clone()
        } else {
            other.clone()
        };
        let (app, desk, id) = (&app, &desk, ids[i % ids.len()]);
        async move { pay(&app.client, &address, desk, id, "400").await }
    });
    let statuses = join_all(payers).await;
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 422),
        "no 5xx, no deadlock: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        5 * 12,
        "{statuses:?}"
    );
    for id in &ids {
        let v: Value = app
            .get_auth(&format!("/api/v1/appointments/{id}"), &desk)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["paid"], "4800.00", "visit {id}");
    }
    // Both instances fold (every 50 ms in tests); the figures hold while they do and after.
    other_store.fold_stats().await.unwrap();
    let after = app.store.reconcile().await.unwrap();
    assert!(after.is_exact(), "{after:?}");
    assert_eq!(after.payments_net, 60 * 40_000);
}

/// A rebuild locks every aggregate table while folds and payments touch them: all in one order
/// (`stats::TABLES`), so none deadlocks (a rebuild that locked the tables before their pending
/// twins met the fold head-on), and the figures stay exact.
#[tokio::test]
async fn rebuilds_folds_and_payments_at_once_never_deadlock() {
    let app = TestApp::spawn(Db::Postgres).await;
    let (desk, doctor, services, patient) = clinic(&app).await;
    let ids = visits(&app, &desk, (doctor, services[0], patient), 4).await;
    let payers = forty_payments(&app, &desk, &ids);
    let folds = async {
        for _ in 0..60 {
            app.store.fold_stats().await.unwrap();
        }
    };
    let rebuilds = async {
        for _ in 0..15 {
            app.store.rebuild_stats().await.unwrap();
        }
    };
    let (statuses, (), ()) = tokio::join!(payers, folds, rebuilds);
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    app.store.fold_stats().await.unwrap();
    let after = app.store.reconcile().await.unwrap();
    assert!(after.is_exact(), "{after:?}");
    assert_eq!(after.payments_net, 40 * 10_000);
    // Retries hide a deadlock from the callers; PostgreSQL still counts it. Its backends report
    // their counts when they end, so the pool is closed first.
    app.store.close().await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&app.url)
        .await
        .unwrap();
    let (deadlocks,): (i64,) =
        sqlx::query_as("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(deadlocks, 0, "PostgreSQL detected deadlocks");
}
