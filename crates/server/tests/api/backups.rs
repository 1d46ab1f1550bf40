//! Backups (issue "Backups and restore that a clinic owner can trust"): a backup taken while 16
//! clients pay is consistent and restores exactly; damaged, foreign or newer backups are refused
//! with the target untouched; one backup at a time; the owner downloads exactly the file listed.

use emhana_api_types::backups::{BackupList, BackupView, DownloadLink};
use emhana_domain::ClinicZone;
use emhana_server::backup::restore::restore;
use emhana_server::backup::Manifest;
use emhana_store::{Store, StoreConfig};
use futures_util::future::join_all;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::crash::reconciles;
use crate::helpers::{ScratchDb, TestApp};
use crate::visits::{booked, clinic};

/// A clinic with 8 visits; returns (receptionist token, visit ids).
async fn busy_clinic(app: &TestApp) -> (String, Vec<i64>) {
    let (desk, doctor, services, patient) = clinic(app).await;
    let mut visits = Vec::new();
    for i in 0..8 {
        let at = format!("2026-11-26T{:02}:00:00+05:00", 8 + i);
        let v = booked(app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": at, "service_ids": [services[0], services[1]]})).await;
        visits.push(v.summary.id);
    }
    (desk, visits)
}

async fn take(app: &TestApp, owner: &str) -> BackupView {
    let res = app
        .post_json("/api/v1/backups", Some(owner), &json!({}))
        .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

async fn spawn_with_backups(db: crate::helpers::Db) -> (TestApp, std::path::PathBuf) {
    let dir =
        std::env::temp_dir().join(format!("emhana-backups-{}", uuid::Uuid::new_v4().simple()));
    let d = dir.clone();
    (
        TestApp::spawn_with(db, move |s| s.backup_dir = d).await,
        dir,
    )
}

/// Sums and counts that must survive a round trip.
async fn fingerprint(store: &Store) -> (i64, i64, i64, i64) {
    let (visits, payments, paid, allocated): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM appointments), (SELECT COUNT(*) FROM payments), \
           CAST((SELECT COALESCE(SUM(paid), 0) FROM appointments) AS BIGINT), \
           CAST((SELECT COALESCE(SUM(amount), 0) FROM payment_allocations) AS BIGINT)",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    (visits, payments, paid, allocated)
}

both_backends! {
    async fn a_backup_taken_while_sixteen_clients_pay_restores_consistent_and_exact(app) {
        let _ = &app;
        let (app, dir) = spawn_with_backups(app.db).await;
        let owner = app.owner_token().await;
        let (desk, visits) = busy_clinic(&app).await;
        let payers = (0..16).map(|c| {
            let app = &app;
            let desk = desk.clone();
            let visits = visits.clone();
            async move {
                for round in 0..6 {
                    let id = visits[(c + round) % visits.len()];
                    let res = app.post_json(&format!("/api/v1/appointments/{id}/payments"), Some(&desk),
                        &json!({"payments": [{"method": "card", "amount": "10.00"}]})).await;
                    assert_eq!(res.status(), 201);
                }
            }
        });
        let backup = async {
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            take(&app, &owner).await
        };
        let (_, taken) = tokio::join!(join_all(payers), backup);
        let file = dir.join(&taken.file);
        let manifest = Manifest::read(&Manifest::path_for(&file)).unwrap();
        assert!(manifest.tables.contains(&("payments".to_owned(), taken.payments)));

        // Restored into an empty database: integrity, every payment reconciles, stats == rebuild.
        let target = ScratchDb::new(app.db).await;
        let restored = restore(&file, &target.url, &dir, ClinicZone::default()).await.unwrap();
        assert_eq!(restored.sha256, taken.sha256);
        let store = Store::connect(&StoreConfig::new(&target.url)).await.unwrap();
        let (v, p, paid, allocated) = fingerprint(&store).await;
        assert_eq!((v, p), (8, taken.payments));
        assert_eq!(paid, allocated, "paid = allocations in the copy");
        assert_eq!(paid, p * 1000, "each payment is 10.00 ₸");
        // Every visit in the copy reconciles with its payments; stats == rebuild.
        reconciles(&store).await;
        store.close().await;

        // After the load: a round trip gives identical counts and sums.
        let last = take(&app, &owner).await;
        let again = ScratchDb::new(app.db).await;
        restore(&dir.join(&last.file), &again.url, &dir, ClinicZone::default()).await.unwrap();
        let copy = Store::connect(&StoreConfig::new(&again.url)).await.unwrap();
        assert_eq!(fingerprint(&copy).await, fingerprint(&app.store).await);
        copy.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    async fn a_damaged_foreign_or_newer_backup_is_refused_and_the_target_untouched(app) {
        let _ = &app;
        let (app, dir) = spawn_with_backups(app.db).await;
        let owner = app.owner_token().await;
        busy_clinic(&app).await;
        let good = dir.join(take(&app, &owner).await.file);
        // The target is a live clinic database (this app's own after a second backup).
        let target = ScratchDb::new(app.db).await;
        restore(&good, &target.url, &dir, ClinicZone::default()).await.unwrap();
        let store = Store::connect(&StoreConfig::new(&target.url)).await.unwrap();
        let before = fingerprint(&store).await;
        store.close().await;

        let bad = |suffix: &str| {
            let path = dir.join(format!("damaged-{suffix}.bin"));
            std::fs::copy(&good, &path).unwrap();
            std::fs::copy(Manifest::path_for(&good), Manifest::path_for(&path)).unwrap();
            path
        };
        let truncated = bad("truncated");
        let bytes = std::fs::read(&truncated).unwrap();
        std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
        let edited = bad("edited");
        let mut bytes = std::fs::read(&edited).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&edited, &bytes).unwrap();
        let newer = bad("newer");
        let mut m = Manifest::read(&Manifest::path_for(&newer)).unwrap();
        m.schema_version = 99_999;
        std::fs::write(Manifest::path_for(&newer), serde_json::to_vec(&m).unwrap()).unwrap();
        let foreign = bad("foreign");
        let mut m = Manifest::read(&Manifest::path_for(&foreign)).unwrap();
        m.backend = if m.backend == "sqlite" { "postgres".into() } else { "sqlite".into() };
        std::fs::write(Manifest::path_for(&foreign), serde_json::to_vec(&m).unwrap()).unwrap();
        let stray = dir.join("not-a-backup.db");
        std::fs::write(&stray, b"hello").unwrap();

        for (file, says) in [(&truncated, "damaged"), (&edited, "damaged"), (&newer, "newer"), (&foreign, "backup"), (&stray, "manifest")] {
            let err = restore(file, &target.url, &dir, ClinicZone::default()).await.unwrap_err();
            assert!(format!("{err:#}").contains(says), "{}: {err:#}", file.display());
        }
        let store = Store::connect(&StoreConfig::new(&target.url)).await.unwrap();
        assert_eq!(fingerprint(&store).await, before, "the target is untouched");
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    async fn restore_refuses_while_a_server_uses_the_database(app) {
        let _ = &app;
        let (app, dir) = spawn_with_backups(app.db).await;
        let owner = app.owner_token().await;
        let file = dir.join(take(&app, &owner).await.file);
        // A real `emhana serve` process on the same database (on SQLite it marks the file as
        // served; on PostgreSQL its sessions are visible).
        let server = crate::crash::Process::start(&app.url).await;
        let err = restore(&file, &app.url, &dir, ClinicZone::default()).await.unwrap_err();
        assert!(format!("{err:#}").contains("stop"), "{err:#}");
        drop(server);
        let _ = std::fs::remove_dir_all(dir);
    }

    async fn one_backup_at_a_time_and_the_owner_downloads_exactly_the_listed_file(app) {
        let _ = &app;
        let (app, dir) = spawn_with_backups(app.db).await;
        let owner = app.owner_token().await;
        busy_clinic(&app).await;
        // Another process's backup is running (its lock holds a live PID: this process's).
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(".backup.lock"), std::process::id().to_string()).unwrap();
        let res = app.post_json("/api/v1/backups", Some(&owner), &json!({})).await;
        assert_eq!(res.status(), 409);
        std::fs::remove_file(dir.join(".backup.lock")).unwrap();
        // Two at once: each either runs or is told another runs; never both failing.
        let body = json!({});
        let both = join_all((0..2).map(|_| app.post_json("/api/v1/backups", Some(&owner), &body))).await;
        let statuses: Vec<u16> = both.iter().map(|r| r.status().as_u16()).collect();
        assert!(statuses.contains(&201) && statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");

        let list: BackupList = app.get_auth("/api/v1/backups", &owner).await.json().await.unwrap();
        assert!(list.last_success_at.is_some() && list.last_error.is_none());
        let newest = &list.items[0];
        let res = app.get_auth(&format!("/api/v1/backups/{}", newest.file), &owner).await;
        assert_eq!(res.status(), 200);
        let body = res.bytes().await.unwrap();
        let hex: String = Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, newest.sha256);
        assert_eq!(app.get_auth("/api/v1/backups/..%2Femhana.db", &owner).await.status(), 404);
        // A one-minute link downloads the same bytes with no Authorization header…
        let link: DownloadLink = app.post_json(&format!("/api/v1/backups/{}/link", newest.file), Some(&owner), &json!({})).await.json().await.unwrap();
        let by_link = app.get(&link.url).await;
        assert_eq!(by_link.status(), 200);
        assert_eq!(by_link.bytes().await.unwrap(), body);
        // …and opens only its own file.
        // (Retention keeps the newest backup of each day: one file is listed today.)
        assert_eq!(list.items.len(), 1);
        let ticket = link.url.split("ticket=").nth(1).unwrap();
        assert_eq!(app.get(&format!("/api/v1/backups/emhana-other.db?ticket={ticket}")).await.status(), 401);
        assert_eq!(app.get(&format!("/api/v1/backups/{}", newest.file)).await.status(), 401);
        let admin = app.token_for("admin").await;
        assert_eq!(app.get_auth("/api/v1/backups", &admin).await.status(), 403);
        let ready: serde_json::Value = app.get("/readyz").await.json().await.unwrap();
        assert!(ready["last_backup_at"].is_string(), "{ready}");
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(metrics.contains("emhana_backup_failing 0"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
