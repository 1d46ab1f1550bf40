//! `emhana seed-demo`: a demo clinic on an empty database, once; never over a real clinic.

use emhana_api_types::auth::Page;
use emhana_api_types::directories::{DoctorView, ServiceView};
use emhana_api_types::patients::PatientView;
use emhana_domain::ClinicZone;
use emhana_tools::seed::{seed_demo, Skipped, DEMO_PASSWORD};
use serde_json::json;

both_backends! {
    async fn seed_demo_fills_an_empty_clinic_once(app) {
        // The harness's open shift would be the demo's first day's: the demo opens its own.
        sqlx::query("DELETE FROM shifts").execute(app.store.pool()).await.unwrap();
        let report = seed_demo(&app.store, ClinicZone::default(), 62, &demo_hash().await).await.unwrap().unwrap();
        assert_eq!((report.doctors, report.services, report.patients, report.users, report.visits), (6, 16, 60, 3, 62));
        assert_eq!(seed_demo(&app.store, ClinicZone::default(), 62, &demo_hash().await).await.unwrap(), Err(Skipped::AlreadySeeded));

        let reception = app.login("reception", DEMO_PASSWORD).await.access_token;
        let doctors: Vec<DoctorView> = app.get_auth("/api/v1/doctors", &reception).await.json().await.unwrap();
        assert_eq!(doctors.len(), 6);
        let services: Vec<ServiceView> = app.get_auth("/api/v1/services", &reception).await.json().await.unwrap();
        assert_eq!(services.len(), 16);
        let brackets = services.iter().find(|s| s.name == "Установка брекет-системы").unwrap();
        assert_eq!(brackets.base_price.to_string(), "350000.00");
        assert!(services.iter().filter(|s| s.doctor_id.is_some()).count() >= 12, "most services are tied to a doctor");
        let page: Page<PatientView> = app.get_auth("/api/v1/patients?limit=200", &reception).await.json().await.unwrap();
        assert_eq!(page.items.len(), 60);
        assert!(page.items.iter().all(|p| p.phone.starts_with("+77") && p.phone.len() == 12));
        // The seed goes through the audited store calls like any other write.
        let (audited,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE request_id = 'seed-demo'")
            .fetch_one(app.store.pool()).await.unwrap();
        assert!(audited > 6 + 16 + 60 + 3 + 62, "visits, statuses and payments audited too");
        // Past visits are closed and mostly paid; the money adds up on every one.
        let (paid_visits,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM appointments WHERE payment_status = 'paid' AND status = 'completed'")
            .fetch_one(app.store.pool()).await.unwrap();
        assert!(paid_visits > 20, "{paid_visits}");
        let (mismatched,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM appointments a WHERE a.paid <> (SELECT COALESCE(SUM(amount), 0) FROM payments y WHERE y.appointment_id = a.id AND y.voided_at IS NULL)")
            .fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(mismatched, 0);
        // Every past day closed with a Z that balances; today's shift is open.
        let shifts: Vec<(String, Option<String>)> = sqlx::query_as("SELECT status, z_report FROM shifts ORDER BY id")
            .fetch_all(app.store.pool()).await.unwrap();
        assert_eq!(shifts.iter().filter(|s| s.0 == "closed").count(), 28);
        assert_eq!(shifts.last().map(|s| s.0.as_str()), Some("open"), "today's shift");
        for (_, z) in shifts.iter().filter(|s| s.0 == "closed") {
            let z: emhana_api_types::cash_desk::ZReportView = serde_json::from_str(z.as_deref().unwrap()).unwrap();
            assert!(z.counts.iter().all(|c| c.difference.is_zero()), "Z {} balances", z.z_number);
            // The first day puts the 20 000 ₸ float in; every later day opens with the last count.
            assert_eq!(z.opening.difference.tiyn(), if z.z_number == 1 { 2_000_000 } else { 0 });
        }
        let (outside,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM payments WHERE shift_id IS NULL").fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(outside, 0, "every demo payment was taken at the desk");
        // The demo clinic runs a bonus programme and a few patients prepaid courses at the desk.
        let (topups, accruals): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM balance_entries WHERE kind = 'topup' AND shift_id IS NOT NULL), \
                    (SELECT COUNT(*) FROM balance_entries WHERE kind = 'accrual')",
        ).fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(topups, 4, "days 3, 10, 17, 24");
        assert!(accruals > 20, "{accruals}");
        // The demo doctor account sees its own doctor.
        let doctor = app.login("doctor", DEMO_PASSWORD).await;
        assert_eq!(doctor.user.doctor_id, Some(doctors.iter().find(|d| d.last_name == "Жұмабаев").unwrap().id));
    }

    async fn seed_demo_never_touches_a_real_clinic(app) {
        let owner = app.owner_token().await;
        let res = app.post_json("/api/v1/patients", Some(&owner), &json!({"first_name": "Айгерим", "phone": "87011234567"})).await;
        assert_eq!(res.status(), 201);
        assert_eq!(seed_demo(&app.store, ClinicZone::default(), 62, &demo_hash().await).await.unwrap(), Err(Skipped::NotEmpty));
        let (doctors,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM doctors").fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(doctors, 0);
        let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(app.store.pool()).await.unwrap();
        assert_eq!(users, 1, "only the owner");
    }
}

/// The demo accounts' password hashed as `emhana seed-demo` hashes it.
async fn demo_hash() -> String {
    emhana_server::auth::password::hash(DEMO_PASSWORD.to_owned())
        .await
        .unwrap()
}
