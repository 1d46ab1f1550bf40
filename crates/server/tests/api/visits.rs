//! Visits and payments (DESIGN §4, the changelog's stages 1.3, 2, 3): booking without double
//! booking, the status machine, per-visit prices, multi-method payments with exact allocation,
//! void, idempotency, and 50 concurrent payments that can never overpay a visit.

use emhana_api_types::auth::Page;
use emhana_api_types::visits::{VisitSummary, VisitView};
use emhana_api_types::ProblemDetails;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// A clinic with one doctor, three services (5000 / 3000 / 8000 ₸; 30 + 15 + 45 minutes) and a
/// patient; returns (token of a receptionist, doctor id, service ids, patient id).
pub(crate) async fn clinic(app: &TestApp) -> (String, i64, Vec<i64>, i64) {
    let admin = app.token_for("admin").await;
    let doctor: Value = app
        .post_json("/api/v1/doctors", Some(&admin), &json!({"first_name": "Ерлан", "last_name": "Жұмабаев", "specialization": "Стоматолог"}))
        .await.json().await.unwrap();
    let mut services = Vec::new();
    for (name, price, minutes) in [
        ("Консультация", "5000", 30),
        ("Снимок", "3000", 15),
        ("Пломба", "8000", 45),
    ] {
        let s: Value = app
            .post_json(
                "/api/v1/services",
                Some(&admin),
                &json!({"name": name, "base_price": price, "duration_minutes": minutes}),
            )
            .await
            .json()
            .await
            .unwrap();
        services.push(s["id"].as_i64().unwrap());
    }
    let desk = app.token_for("receptionist").await;
    let patient: Value = app
        .post_json(
            "/api/v1/patients",
            Some(&desk),
            &json!({"first_name": "Айгерим", "last_name": "Ахметова", "phone": "87011234567"}),
        )
        .await
        .json()
        .await
        .unwrap();
    (
        desk,
        doctor["id"].as_i64().unwrap(),
        services,
        patient["id"].as_i64().unwrap(),
    )
}

pub(crate) async fn book(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json("/api/v1/appointments", Some(token), &body)
        .await
}

pub(crate) async fn booked(app: &TestApp, token: &str, body: Value) -> VisitView {
    let res = book(app, token, body).await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

pub(crate) async fn pay(app: &TestApp, token: &str, id: i64, parts: Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/appointments/{id}/payments"),
        Some(token),
        &json!({"payments": parts}),
    )
    .await
}

pub(crate) async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    n
}

/// Every payment's allocations sum to it; every line's paid is its live allocations; the visit's
/// paid is the sum of its live payments less its refunds (likewise per line).
pub(crate) fn assert_money_adds_up(v: &VisitView) {
    let mut live = 0;
    for p in &v.payments {
        let parts: i64 = p.allocations.iter().map(|a| a.amount.tiyn()).sum();
        assert_eq!(
            parts,
            p.amount.tiyn(),
            "allocations of payment {} sum to it",
            p.id
        );
        if p.voided_at.is_none() {
            live += p.amount.tiyn();
        }
    }
    let refunded: i64 = v.refunds.iter().map(|r| r.amount.tiyn()).sum();
    for r in &v.refunds {
        let parts: i64 = r.allocations.iter().map(|a| a.amount.tiyn()).sum();
        assert_eq!(parts, r.amount.tiyn(), "parts of refund {} sum to it", r.id);
    }
    assert_eq!(
        v.summary.paid.tiyn(),
        live - refunded,
        "paid = live payments − refunds"
    );
    for l in &v.lines {
        let allocated: i64 = v
            .payments
            .iter()
            .filter(|p| p.voided_at.is_none())
            .flat_map(|p| &p.allocations)
            .filter(|a| a.line_id == l.id)
            .map(|a| a.amount.tiyn())
            .sum();
        let given_back: i64 = v
            .refunds
            .iter()
            .flat_map(|r| &r.allocations)
            .filter(|a| a.line_id == l.id)
            .map(|a| a.amount.tiyn())
            .sum();
        assert_eq!(l.paid.tiyn(), allocated - given_back, "line {} paid", l.id);
        assert!(l.paid <= l.price, "no line receives more than it owes");
    }
    assert!(v.summary.paid <= v.summary.total);
}

both_backends! {
    async fn booking_takes_its_end_from_durations_and_snapshots_prices(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": services, "notes": "Первичный"})).await;
        assert_eq!(v.summary.starts_at, "2026-11-26T05:00:00.000000Z");
        assert_eq!(v.summary.ends_at, "2026-11-26T06:30:00.000000Z", "30 + 15 + 45 minutes");
        assert_eq!((v.summary.total.to_string().as_str(), v.summary.paid.to_string().as_str()), ("16000.00", "0.00"));
        assert_eq!((v.summary.status.as_str(), v.summary.payment_status.as_str()), ("scheduled", "unpaid"));
        assert_eq!(v.summary.source, "repeat_visit", "the default source");
        assert_eq!(v.lines.iter().map(|l| l.base_price.to_string()).collect::<Vec<_>>(), ["5000.00", "3000.00", "8000.00"]);
        assert!(v.lines.iter().all(|l| l.price == l.base_price));
        assert_eq!(v.status_history.len(), 1);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'appointment' AND action = 'create'").await, 1);
        // A later price-list change does not touch the booked visit.
        let admin = app.token_for("admin").await;
        let s: Value = app.get_auth(&format!("/api/v1/services/{}", services[0]), &admin).await.json().await.unwrap();
        app.send(Method::PATCH, &format!("/api/v1/services/{}", services[0]), Some(&admin),
            Some(&json!({"name": "Консультация", "base_price": "6000", "duration_minutes": 30, "version": s["version"]}))).await;
        let again: VisitView = app.get_auth(&format!("/api/v1/appointments/{}", v.summary.id), &desk).await.json().await.unwrap();
        assert_eq!(again.lines[0].base_price.to_string(), "5000.00");
        // Bad input names its fields.
        let bad = book(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "завтра", "service_ids": [services[0], services[0]]})).await;
        assert_eq!(bad.status(), 422);
        let p: ProblemDetails = bad.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["starts_at", "service_ids.1"]);
        let unknown = book(&app, &desk, json!({"patient_id": 999, "doctor_id": doctor, "starts_at": "2026-11-27T10:00:00+05:00", "service_ids": [services[0]]})).await;
        assert_eq!(unknown.status(), 422);
        let p: ProblemDetails = unknown.json().await.unwrap();
        assert_eq!(p.errors[0].field, "patient_id");
    }

    async fn a_doctor_cannot_be_double_booked(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let first = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0]]})).await;
        let clash = book(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:29:00+05:00", "service_ids": [services[1]]})).await;
        assert_eq!(clash.status(), 409);
        let p: ProblemDetails = clash.json().await.unwrap();
        assert_eq!(p.conflicting_appointment_id, Some(first.summary.id));
        assert!(p.detail.contains("10:00") && p.detail.contains("Айгерим"), "{}", p.detail);
        // Touching ends are fine.
        booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:30:00+05:00", "service_ids": [services[1]]})).await;
        // The front desk may not override; an admin may, with a reason.
        let over = json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[1]], "allow_overlap": true, "overlap_reason": "срочный пациент"});
        assert_eq!(book(&app, &desk, over.clone()).await.status(), 403);
        let admin = app.token_for("admin").await;
        let no_reason = book(&app, &admin, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[1]], "allow_overlap": true})).await;
        assert_eq!(no_reason.status(), 422);
        let forced: VisitView = book(&app, &admin, over).await.json().await.unwrap();
        assert_eq!(forced.overlap_reason.as_deref(), Some("срочный пациент"));
        // A cancelled visit frees its time.
        let res = app.post_json(&format!("/api/v1/appointments/{}/status", first.summary.id), Some(&desk), &json!({"status": "cancelled"})).await;
        assert_eq!(res.status(), 200);
        let moved = app.send(Method::PATCH, &format!("/api/v1/appointments/{}", forced.summary.id), Some(&admin),
            Some(&json!({"starts_at": "2026-11-26T11:00:00+05:00", "version": forced.summary.version}))).await;
        assert_eq!(moved.status(), 200);
        booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[1]]})).await;
    }

    async fn the_changelog_validation_table_and_exact_allocation(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": services})).await;
        let id = v.summary.id;
        // More than the remainder: refused with the remainder, nothing written.
        let over = pay(&app, &desk, id, json!([{"method": "card", "amount": "16000.01"}])).await;
        assert_eq!(over.status(), 422);
        let p: ProblemDetails = over.json().await.unwrap();
        assert_eq!(p.remaining.as_deref(), Some("16000.00"));
        assert_eq!(p.errors[0].field, "payments");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 0);
        // Less: partially paid; 10000 over 5000/3000/8000 → 3125/1875/5000.
        let res = pay(&app, &desk, id, json!([{"method": "card", "amount": "10000"}])).await;
        assert_eq!(res.status(), 201);
        let v: VisitView = res.json().await.unwrap();
        assert_eq!(v.summary.payment_status, "partially_paid");
        assert_eq!(v.summary.remaining.to_string(), "6000.00");
        assert_eq!(v.payments[0].allocations.iter().map(|a| a.amount.to_string()).collect::<Vec<_>>(), ["3125.00", "1875.00", "5000.00"]);
        assert_money_adds_up(&v);
        let over = pay(&app, &desk, id, json!([{"method": "cash", "amount": "7000"}])).await;
        let p: ProblemDetails = over.json().await.unwrap();
        assert_eq!(p.remaining.as_deref(), Some("6000.00"));
        // Equal: paid, every line paid in full.
        let v: VisitView = pay(&app, &desk, id, json!([{"method": "cash", "amount": "6000.00"}])).await.json().await.unwrap();
        assert_eq!((v.summary.payment_status.as_str(), v.summary.remaining.to_string().as_str()), ("paid", "0.00"));
        assert!(v.lines.iter().all(|l| l.paid == l.price));
        assert_money_adds_up(&v);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'payment' AND action = 'create'").await, 2);
        // Bad parts name their fields.
        let bad = pay(&app, &desk, id, json!([{"method": "bitcoin", "amount": "0"}])).await;
        let p: ProblemDetails = bad.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["payments.0.method", "payments.0.amount"]);
    }

    async fn several_methods_at_once_are_all_or_nothing_and_void_restores_the_remainder(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0], services[2]]})).await;
        let id = v.summary.id;
        let too_much = pay(&app, &desk, id, json!([{"method": "card", "amount": "2000"}, {"method": "cash", "amount": "11001"}])).await;
        assert_eq!(too_much.status(), 422);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 0, "all or nothing");
        let v: VisitView = pay(&app, &desk, id, json!([{"method": "card", "amount": "2000"}, {"method": "cash", "amount": "3000"}])).await.json().await.unwrap();
        assert_eq!(v.payments.iter().map(|p| (p.method.as_str(), p.amount.to_string())).collect::<Vec<_>>(),
            [("card", "2000.00".to_owned()), ("cash", "3000.00".to_owned())]);
        assert_eq!(v.summary.paid.to_string(), "5000.00");
        assert_money_adds_up(&v);
        let card = v.payments[0].id;
        let no_reason = app.post_json(&format!("/api/v1/payments/{card}/void"), Some(&desk), &json!({"reason": " "})).await;
        assert_eq!(no_reason.status(), 422);
        let v: VisitView = app.post_json(&format!("/api/v1/payments/{card}/void"), Some(&desk), &json!({"reason": "ошибка кассира"})).await.json().await.unwrap();
        assert_eq!((v.summary.paid.to_string().as_str(), v.summary.remaining.to_string().as_str()), ("3000.00", "10000.00"));
        assert_eq!(v.payments[0].void_reason.as_deref(), Some("ошибка кассира"));
        assert_money_adds_up(&v);
        let again = app.post_json(&format!("/api/v1/payments/{card}/void"), Some(&desk), &json!({"reason": "ещё раз"})).await;
        assert_eq!(again.status(), 409);
        let cash = v.payments[1].id;
        let v: VisitView = app.post_json(&format!("/api/v1/payments/{cash}/void"), Some(&desk), &json!({"reason": "возврат"})).await.json().await.unwrap();
        assert_eq!((v.summary.payment_status.as_str(), v.summary.paid.to_string().as_str()), ("unpaid", "0.00"));
        assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'payment' AND action = 'void'").await, 2);
    }

    async fn per_visit_prices_are_audited_and_never_fall_below_paid(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0], services[1]]})).await;
        let (id, line) = (v.summary.id, v.lines[0].id);
        let path = format!("/api/v1/appointments/{id}/lines/{line}");
        let v: VisitView = app.send(Method::PATCH, &path, Some(&desk), Some(&json!({"price": "4500"}))).await.json().await.unwrap();
        assert_eq!((v.lines[0].price.to_string().as_str(), v.lines[0].base_price.to_string().as_str()), ("4500.00", "5000.00"));
        assert_eq!(v.summary.total.to_string(), "7500.00");
        let negative = app.send(Method::PATCH, &path, Some(&desk), Some(&json!({"price": "-1"}))).await;
        assert_eq!(negative.status(), 422);
        let (old, new): (String, String) = sqlx::query_as("SELECT old_json, new_json FROM audit_log WHERE action = 'price_change'")
            .fetch_one(app.store.pool()).await.unwrap();
        assert!(old.contains("\"5000.00\"") && new.contains("\"4500.00\"") && new.contains("base_price"), "{old} {new}");
        // Pay 6000 of 7500: line 0 gets 3600, line 1 gets 2400.
        let v: VisitView = pay(&app, &desk, id, json!([{"method": "qr", "amount": "6000"}])).await.json().await.unwrap();
        assert_eq!(v.lines[0].paid.to_string(), "3600.00");
        let below = app.send(Method::PATCH, &path, Some(&desk), Some(&json!({"price": "3599.99"}))).await;
        assert_eq!(below.status(), 409);
        let at_paid: VisitView = app.send(Method::PATCH, &path, Some(&desk), Some(&json!({"price": "3600"}))).await.json().await.unwrap();
        assert_eq!(at_paid.summary.payment_status, "partially_paid");
        // A zero-priced visit is paid.
        let free = app.send(Method::PATCH, &format!("/api/v1/appointments/{id}/lines/{}", v.lines[1].id), Some(&desk), Some(&json!({"price": "2400"}))).await;
        assert_eq!(free.status(), 200);
        let paid: VisitView = free.json().await.unwrap();
        assert_eq!(paid.summary.payment_status, "paid");
        // A line with payments stays; a new one can be added and removed.
        let keep = app.send(Method::DELETE, &path, Some(&desk), None).await;
        assert_eq!(keep.status(), 409);
        let added: VisitView = app.post_json(&format!("/api/v1/appointments/{id}/lines"), Some(&desk), &json!({"service_id": services[2]})).await.json().await.unwrap();
        assert_eq!((added.lines.len(), added.summary.payment_status.as_str()), (3, "partially_paid"));
        let dup = app.post_json(&format!("/api/v1/appointments/{id}/lines"), Some(&desk), &json!({"service_id": services[2]})).await;
        assert_eq!(dup.status(), 409);
        let removed: VisitView = app.send(Method::DELETE, &format!("/api/v1/appointments/{id}/lines/{}", added.lines[2].id), Some(&desk), None).await.json().await.unwrap();
        assert_eq!((removed.lines.len(), removed.summary.payment_status.as_str()), (2, "paid"));
    }

    async fn an_idempotent_retry_writes_once(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": services})).await;
        let url = format!("{}/api/v1/appointments/{}/payments", app.address, v.summary.id);
        let send = |body: Value| app.client.post(&url).bearer_auth(&desk).header("Idempotency-Key", "pay-42").json(&body).send();
        let body = json!({"payments": [{"method": "card", "amount": "1000"}]});
        let first = send(body.clone()).await.unwrap();
        assert_eq!(first.status(), 201);
        let first: Value = first.json().await.unwrap();
        let retry = send(body.clone()).await.unwrap();
        assert_eq!(retry.status(), 201);
        assert_eq!(retry.headers().get("Idempotent-Replayed").map(|h| h.to_str().unwrap()), Some("true"));
        let retry: Value = retry.json().await.unwrap();
        assert_eq!(first, retry, "the first answer, again");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 1);
        let other = send(json!({"payments": [{"method": "card", "amount": "2000"}]})).await.unwrap();
        assert_eq!(other.status(), 409, "a key names one request");
        let after: VisitView = app.get_auth(&format!("/api/v1/appointments/{}", v.summary.id), &desk).await.json().await.unwrap();
        assert_eq!(after.summary.paid.to_string(), "1000.00");
    }

    async fn the_status_machine_stamps_times_refuses_illegal_moves_and_keeps_history(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": [services[0]]})).await;
        let status = format!("/api/v1/appointments/{}/status", v.summary.id);
        assert_eq!(app.post_json(&status, Some(&desk), &json!({"status": "completed"})).await.status(), 409);
        assert_eq!(app.post_json(&status, Some(&desk), &json!({"status": "paused"})).await.status(), 422);
        let v: VisitView = app.post_json(&status, Some(&desk), &json!({"status": "in_progress"})).await.json().await.unwrap();
        assert!(v.arrived_at.is_some() && v.started_at.is_some() && v.finished_at.is_none());
        assert_eq!(v.summary.status_label, "на приеме");
        let v: VisitView = app.post_json(&status, Some(&desk), &json!({"status": "completed"})).await.json().await.unwrap();
        assert!(v.finished_at.is_some());
        assert_eq!(app.post_json(&status, Some(&desk), &json!({"status": "cancelled"})).await.status(), 409);
        // A closed visit's prices are frozen for the front desk.
        let line = format!("/api/v1/appointments/{}/lines/{}", v.summary.id, v.lines[0].id);
        assert_eq!(app.send(Method::PATCH, &line, Some(&desk), Some(&json!({"price": "1"}))).await.status(), 403);
        // Reverts: managers only, with a reason.
        assert_eq!(app.post_json(&status, Some(&desk), &json!({"status": "in_progress", "reason": "ошибка"})).await.status(), 403);
        let admin = app.token_for("admin").await;
        assert_eq!(app.post_json(&status, Some(&admin), &json!({"status": "in_progress"})).await.status(), 422);
        let stale = app.post_json(&status, Some(&admin), &json!({"status": "in_progress", "reason": "ошибка", "version": 1})).await;
        assert_eq!(stale.status(), 409);
        let v: VisitView = app.post_json(&status, Some(&admin), &json!({"status": "in_progress", "reason": "нажали по ошибке"})).await.json().await.unwrap();
        assert!(v.finished_at.is_none(), "the revert clears the stamp");
        let moves: Vec<(Option<&str>, &str)> = v.status_history.iter().map(|h| (h.from.as_deref(), h.to.as_str())).collect();
        assert_eq!(moves, [(None, "scheduled"), (Some("scheduled"), "in_progress"), (Some("in_progress"), "completed"), (Some("completed"), "in_progress")]);
        assert_eq!(v.status_history[3].reason.as_deref(), Some("нажали по ошибке"));
        assert!(v.status_history[3].by.is_some());
    }

    async fn the_list_filters_and_a_doctor_sees_only_their_own_schedule(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let admin = app.token_for("admin").await;
        let other: Value = app.post_json("/api/v1/doctors", Some(&admin), &json!({"first_name": "Әлия", "last_name": "Сейтқалиева", "specialization": "Ортодонт"})).await.json().await.unwrap();
        let other = other["id"].as_i64().unwrap();
        for (d, start) in [(doctor, "2026-11-26T09:00:00+05:00"), (doctor, "2026-11-27T09:00:00+05:00"), (other, "2026-11-26T09:00:00+05:00")] {
            booked(&app, &desk, json!({"patient_id": patient, "doctor_id": d, "starts_at": start, "service_ids": [services[0]]})).await;
        }
        let day: Page<VisitSummary> = app.get_auth("/api/v1/appointments?from=2026-11-26&to=2026-11-26", &desk).await.json().await.unwrap();
        assert_eq!(day.items.len(), 2);
        let mine: Page<VisitSummary> = app.get_auth(&format!("/api/v1/appointments?doctor_id={doctor}&payment_status=unpaid"), &desk).await.json().await.unwrap();
        assert_eq!(mine.items.len(), 2);
        let first: Page<VisitSummary> = app.get_auth("/api/v1/appointments?limit=2", &desk).await.json().await.unwrap();
        let cursor = first.next_cursor.clone().unwrap();
        let rest: Page<VisitSummary> = app.get_auth(&format!("/api/v1/appointments?limit=2&cursor={cursor}"), &desk).await.json().await.unwrap();
        assert_eq!((first.items.len(), rest.items.len(), rest.next_cursor), (2, 1, None));
        assert!(first.items[0].starts_at <= first.items[1].starts_at && first.items[1].starts_at <= rest.items[0].starts_at);
        let bad = app.get_auth("/api/v1/appointments?from=26.11.2026&status=paused", &desk).await;
        assert_eq!(bad.status(), 422);
        // A doctor account linked to `other` sees only that doctor's visit.
        let owner = app.owner_token().await;
        let res = app.post_json("/api/v1/users", Some(&owner), &json!({"login": "aliya", "display_name": "Әлия", "role": "doctor", "password": "password-123", "doctor_id": other})).await;
        assert_eq!(res.status(), 201);
        let doc = app.login("aliya", "password-123").await.access_token;
        let own: Page<VisitSummary> = app.get_auth(&format!("/api/v1/appointments?doctor_id={doctor}"), &doc).await.json().await.unwrap();
        assert_eq!(own.items.len(), 1);
        assert_eq!(own.items[0].doctor.id, other);
        let foreign = day.items.iter().find(|v| v.doctor.id == doctor).unwrap();
        assert_eq!(app.get_auth(&format!("/api/v1/appointments/{}", foreign.id), &doc).await.status(), 404);
    }

    async fn fifty_concurrent_payments_never_overpay_a_visit(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let v = booked(&app, &desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": "2026-11-26T10:00:00+05:00", "service_ids": services})).await;
        let url = format!("{}/api/v1/appointments/{}/payments", app.address, v.summary.id);
        // 50 × 1000.01 ₸ = 50000.50 ₸ against a total of 16000 ₸: at most 15 fit.
        let requests = (0..50).map(|i| {
            let method = ["card", "cash", "qr", "transfer"][i % 4];
            let req = app.client.post(&url).bearer_auth(&desk)
                .json(&json!({"payments": [{"method": method, "amount": "1000.01"}]}));
            tokio::spawn(req.send())
        }).collect::<Vec<_>>();
        let mut accepted = 0;
        let mut refused = 0;
        for r in requests {
            match r.await.unwrap().unwrap().status().as_u16() {
                201 => accepted += 1,
                422 => refused += 1,
                other => panic!("unexpected status {other}"),
            }
        }
        assert_eq!((accepted, refused), (15, 35));
        let after: VisitView = app.get_auth(&format!("/api/v1/appointments/{}", v.summary.id), &desk).await.json().await.unwrap();
        assert_eq!(after.summary.paid.to_string(), "15000.15");
        assert_eq!(after.payments.len(), 15);
        assert_money_adds_up(&after);
        let stored: i64 = count(&app, "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payments WHERE voided_at IS NULL").await;
        assert_eq!(stored, after.summary.paid.tiyn());
        let allocated: i64 = count(&app, "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payment_allocations").await;
        assert_eq!(allocated, stored);
    }
}
