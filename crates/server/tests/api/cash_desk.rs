//! The cash desk (issue 16): shifts with X and Z reports, cash in/out, refunds to the original
//! tender, on both backends. A fresh test clinic has a shift open on register 1 (like the demo).

use emhana_api_types::cash_desk::{RegisterView, ShiftView, XReportView, ZReportView};
use emhana_api_types::visits::VisitView;
use emhana_api_types::ProblemDetails;
use reqwest::Method;
use serde_json::{json, Value};

use crate::hardening::assert_stats_match_a_rebuild;
use crate::helpers::TestApp;
use crate::visits::{assert_money_adds_up, booked, clinic, pay};

/// The live shift of register 1.
async fn live_shift(app: &TestApp, token: &str) -> i64 {
    let registers: Vec<RegisterView> = app
        .get_auth("/api/v1/registers", token)
        .await
        .json()
        .await
        .unwrap();
    registers[0].shift_id.expect("register 1 has a live shift")
}

async fn x(app: &TestApp, token: &str, shift: i64) -> XReportView {
    let res = app
        .get_auth(&format!("/api/v1/shifts/{shift}/x-report"), token)
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn tender<'a>(
    r: &'a [emhana_api_types::cash_desk::TenderTotalsView],
    m: &str,
) -> &'a emhana_api_types::cash_desk::TenderTotalsView {
    r.iter().find(|t| t.method == m).unwrap()
}

/// Counts and closes `shift` with the given counts (as `token`); returns the response.
async fn close(
    app: &TestApp,
    token: &str,
    shift: i64,
    counted: Value,
    note: Option<&str>,
) -> reqwest::Response {
    let count = app
        .post_json(
            &format!("/api/v1/shifts/{shift}/count"),
            Some(token),
            &json!({}),
        )
        .await;
    assert!(
        count.status() == 200 || count.status() == 409,
        "{}",
        count.status()
    );
    app.post_json(
        &format!("/api/v1/shifts/{shift}/close"),
        Some(token),
        &json!({"counted": counted, "note": note}),
    )
    .await
}

async fn open(app: &TestApp, token: &str, register: i64, counted: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/registers/{register}/shifts"),
        Some(token),
        &json!({"counted_opening": counted}),
    )
    .await
}

/// A visit of 5000 + 3000 + 8000 ₸ for the clinic's patient.
async fn visit(
    app: &TestApp,
    desk: &str,
    doctor: i64,
    services: &[i64],
    patient: i64,
    hour: u32,
) -> i64 {
    let v = booked(app, desk, json!({"patient_id": patient, "doctor_id": doctor, "starts_at": format!("2026-11-26T{hour:02}:00:00+05:00"), "service_ids": services, "allow_overlap": false})).await;
    v.summary.id
}

async fn refund(app: &TestApp, token: &str, id: i64, body: Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/appointments/{id}/refunds"),
        Some(token),
        &body,
    )
    .await
}

both_backends! {
    async fn the_odoo_case_an_opening_difference_is_not_expected_cash(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let first = live_shift(&app, &desk).await;
        let id = visit(&app, &desk, doctor, &services, patient, 9).await;
        assert_eq!(pay(&app, &desk, id, json!([{"method": "cash", "amount": "100"}])).await.status(), 201);
        let res = close(&app, &desk, first, json!([{"method": "cash", "amount": "100"}]), None).await;
        assert_eq!(res.status(), 200);
        let z: ZReportView = res.json().await.unwrap();
        assert_eq!((z.z_number, z.cash.expected.to_string().as_str()), (1, "100.00"));
        // Open counting 50 (the previous close counted 100), take 10 in cash: expected 60.
        let opened: ShiftView = open(&app, &desk, 1, "50").await.json().await.unwrap();
        assert_eq!((opened.suggested_opening.to_string(), opened.opening_difference.to_string()), ("100.00".into(), "-50.00".into()));
        assert_eq!(pay(&app, &desk, id, json!([{"method": "cash", "amount": "10"}])).await.status(), 201);
        let report = x(&app, &desk, opened.id).await;
        assert_eq!(report.cash.expected.to_string(), "60.00", "not 110");
        assert_eq!(tender(&report.tenders, "cash").expected.to_string(), "60.00");
        assert!(!report.shift.stale);
    }

    async fn cash_needs_an_open_shift_card_stands_outside_unless_the_clinic_says_otherwise(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let owner = app.owner_token().await;
        let shift = live_shift(&app, &desk).await;
        assert_eq!(close(&app, &desk, shift, json!([]), None).await.status(), 200, "an empty shift closes at zero");
        let id = visit(&app, &desk, doctor, &services, patient, 9).await;
        let cash = pay(&app, &desk, id, json!([{"method": "card", "amount": "100"}, {"method": "cash", "amount": "100"}])).await;
        assert_eq!(cash.status(), 409);
        let p: ProblemDetails = cash.json().await.unwrap();
        assert!(p.detail.starts_with("Откройте смену"), "{}", p.detail);
        let unknown = app.post_json(&format!("/api/v1/appointments/{id}/payments"), Some(&desk), &json!({"payments": [{"method": "card", "amount": "1"}], "register_id": 999})).await;
        let p: ProblemDetails = unknown.json().await.unwrap();
        assert_eq!(p.errors[0].field, "register_id", "an unknown register is named");
        let card: VisitView = pay(&app, &desk, id, json!([{"method": "card", "amount": "100"}])).await.json().await.unwrap();
        assert_eq!(card.payments[0].shift_id, None, "an online payment at night stands outside shifts");
        let outside: Vec<Value> = app.get_auth("/api/v1/cash-desk/outside-shifts", &desk).await.json().await.unwrap();
        assert_eq!(outside.iter().map(|e| (e["kind"].as_str().unwrap(), e["amount"].as_str().unwrap())).collect::<Vec<_>>(), [("payment", "100.00")], "listed in the day report");
        let settings = json!({"require_open_shift": true, "tolerance": "0", "day_end": "21:00"});
        assert_eq!(app.send(Method::PUT, "/api/v1/settings/cash-desk", Some(&desk), Some(&settings)).await.status(), 403);
        assert_eq!(app.send(Method::PUT, "/api/v1/settings/cash-desk", Some(&owner), Some(&settings)).await.status(), 200);
        assert_eq!(pay(&app, &desk, id, json!([{"method": "qr", "amount": "100"}])).await.status(), 409);
        let bad = app.send(Method::PUT, "/api/v1/settings/cash-desk", Some(&owner), Some(&json!({"require_open_shift": true, "tolerance": "-1", "day_end": "25:99"}))).await;
        let p: ProblemDetails = bad.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["tolerance", "day_end"]);
        // With a shift open, both tenders land in it.
        let opened: ShiftView = open(&app, &desk, 1, "0").await.json().await.unwrap();
        let v: VisitView = pay(&app, &desk, id, json!([{"method": "qr", "amount": "100"}, {"method": "cash", "amount": "100"}])).await.json().await.unwrap();
        assert!(v.payments[1..].iter().all(|p| p.shift_id == Some(opened.id)));
        assert_eq!(crate::visits::count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'cash_desk_settings'").await, 1);
    }

    async fn refunds_go_back_to_the_original_tenders_exactly(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let admin = app.token_for("admin").await;
        let id = visit(&app, &desk, doctor, &services, patient, 9).await;
        let v: VisitView = pay(&app, &desk, id, json!([{"method": "card", "amount": "10000"}, {"method": "cash", "amount": "6000"}])).await.json().await.unwrap();
        assert_eq!(v.summary.payment_status, "paid");
        // 4000 over what each allocation holds: card 10000 (3125/1875/5000), cash 6000 (1875/1125/3000).
        let res = refund(&app, &desk, id, json!({"amount": "4000", "reason": "Услуга не оказана"})).await;
        assert_eq!(res.status(), 201);
        let v: VisitView = res.json().await.unwrap();
        assert_money_adds_up(&v);
        assert_eq!(v.refunds.iter().map(|r| (r.method.as_str(), r.amount.to_string())).collect::<Vec<_>>(),
            [("card", "2500.00".to_owned()), ("cash", "1500.00".to_owned())]);
        assert_eq!((v.summary.paid.to_string().as_str(), v.summary.payment_status.as_str()), ("12000.00", "partially_paid"));
        assert_eq!(v.payments[0].refunded.to_string(), "2500.00");
        // A line: the third (8000, all paid) gives back 1000 over card and cash 5:3.
        let line = v.lines[2].id;
        let v: VisitView = refund(&app, &desk, id, json!({"lines": [{"line_id": line, "amount": "1000"}], "reason": "скидка"})).await.json().await.unwrap();
        assert_money_adds_up(&v);
        let last = &v.refunds[v.refunds.len() - 2..];
        assert_eq!(last.iter().map(|r| r.amount.to_string()).collect::<Vec<_>>(), ["625.00", "375.00"]);
        // More than is left: 422 with what can still be refunded; nothing written.
        let over = refund(&app, &desk, id, json!({"amount": "11000.01", "reason": "x"})).await;
        assert_eq!(over.status(), 422);
        let p: ProblemDetails = over.json().await.unwrap();
        assert_eq!(p.remaining.as_deref(), Some("11000.00"));
        // Another tender: a manager's decision.
        assert_eq!(refund(&app, &desk, id, json!({"amount": "1", "method": "qr", "reason": "x"})).await.status(), 403);
        let v: VisitView = refund(&app, &admin, id, json!({"amount": "1", "method": "qr", "reason": "терминал"})).await.json().await.unwrap();
        assert!(v.refunds.iter().rev().take_while(|r| r.reason == "терминал").all(|r| r.method == "qr"));
        // The rest, in full: every line back to zero, the visit unpaid; retried under a key, once.
        let url = format!("{}/api/v1/appointments/{id}/refunds", app.address);
        let send = || app.client.post(&url).bearer_auth(&desk).header("Idempotency-Key", "refund-7").json(&json!({"amount": "10999", "reason": "отказ"})).send();
        let first = send().await.unwrap();
        assert_eq!(first.status(), 201);
        let again = send().await.unwrap();
        assert_eq!(again.headers().get("Idempotent-Replayed").map(|h| h.to_str().unwrap()), Some("true"));
        let v: VisitView = again.json().await.unwrap();
        assert_money_adds_up(&v);
        assert_eq!((v.summary.paid.to_string().as_str(), v.summary.payment_status.as_str()), ("0.00", "unpaid"));
        assert!(v.lines.iter().all(|l| l.paid.is_zero()));
        // Per allocation Σ refunded == allocated; a refunded payment cannot be voided.
        let over_allocated = crate::visits::count(&app, "SELECT COUNT(*) FROM payment_allocations x WHERE x.amount <> (SELECT COALESCE(SUM(r.amount), 0) FROM refund_allocations r WHERE r.allocation_id = x.id)").await;
        assert_eq!(over_allocated, 0);
        let void = app.post_json(&format!("/api/v1/payments/{}/void", v.payments[0].id), Some(&desk), &json!({"reason": "x"})).await;
        assert_eq!(void.status(), 409);
        assert_eq!(crate::visits::count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'refund'").await, 8, "one row per refund: 2 + 2 + 2 + 2");
        // Analytics: revenue is payments − refunds; the methods report shows refunds.
        let day = emhana_domain::ClinicZone::parse("tz", "Asia/Almaty").unwrap().local_date(chrono::Utc::now());
        let r: Value = app.get_auth(&format!("/api/v1/analytics/payment-methods?from={day}&to={day}"), &admin).await.json().await.unwrap();
        let items = r["items"].as_array().unwrap();
        let card = items.iter().find(|m| m["method"] == "card").unwrap();
        assert_eq!((card["paid"].as_str(), card["refunds"].as_i64()), (Some("10000.00"), Some(3)), "{card}");
        let net: i64 = items.iter().map(|m| m["amount"].as_str().unwrap().parse::<emhana_domain::Money>().unwrap().tiyn()).sum();
        assert_eq!(net, 0, "everything paid was given back: {items:?}");
        assert_stats_match_a_rebuild(&app.store).await;
    }

    async fn a_close_is_blind_final_and_needs_a_manager_over_the_tolerance(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let admin = app.token_for("admin").await;
        let shift = live_shift(&app, &desk).await;
        let id = visit(&app, &desk, doctor, &services, patient, 9).await;
        let v: VisitView = pay(&app, &desk, id, json!([{"method": "card", "amount": "3000"}, {"method": "cash", "amount": "2000"}])).await.json().await.unwrap();
        let movement = |kind: &str, amount: &str| json!({"kind": kind, "amount": amount, "reason": "размен"});
        let moved = app.post_json(&format!("/api/v1/shifts/{shift}/cash-movements"), Some(&desk), &movement("in", "500")).await;
        assert_eq!(moved.status(), 201);
        let after: XReportView = app.post_json(&format!("/api/v1/shifts/{shift}/cash-movements"), Some(&desk), &movement("out", "200")).await.json().await.unwrap();
        assert_eq!(after.cash.expected.to_string(), "2300.00", "0 + 2000 + 500 − 200");
        let bad = app.post_json(&format!("/api/v1/shifts/{shift}/cash-movements"), Some(&desk), &json!({"kind": "up", "amount": "0", "reason": ""})).await;
        let p: ProblemDetails = bad.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["kind", "amount", "reason"]);
        assert_eq!(app.post_json(&format!("/api/v1/shifts/{shift}/count"), Some(&desk), &json!({})).await.status(), 200);
        // Counting: blind for the front desk, nothing new is posted.
        assert_eq!(app.get_auth(&format!("/api/v1/shifts/{shift}/x-report"), &desk).await.status(), 409);
        let before_close = x(&app, &admin, shift).await;
        assert_eq!(pay(&app, &desk, id, json!([{"method": "card", "amount": "1"}])).await.status(), 409);
        assert_eq!(app.post_json(&format!("/api/v1/payments/{}/void", v.payments[0].id), Some(&desk), &json!({"reason": "x"})).await.status(), 409);
        // 500 short in cash: the desk may not close it, an admin needs a note.
        let short = json!([{"method": "card", "amount": "3000"}, {"method": "cash", "amount": "1800"}]);
        assert_eq!(close(&app, &desk, shift, short.clone(), Some("нет")).await.status(), 403);
        let res = close(&app, &admin, shift, short.clone(), None).await;
        assert_eq!(res.status(), 422);
        let res = close(&app, &admin, shift, short.clone(), Some("недостача")).await;
        assert_eq!(res.status(), 200);
        let z_bytes = res.bytes().await.unwrap();
        let z: ZReportView = serde_json::from_slice(&z_bytes).unwrap();
        assert_eq!(z.tenders, before_close.tenders, "X just before the close == Z");
        assert_eq!(z.cash, before_close.cash);
        let cash = z.counts.iter().find(|c| c.method == "cash").unwrap();
        assert_eq!((cash.expected.to_string(), cash.counted.to_string(), cash.difference.to_string()), ("2300.00".into(), "1800.00".into(), "-500.00".into()));
        assert_eq!((z.payment_count, z.note.as_deref()), (2, Some("недостача")));
        // Closed: every mutation is refused and the Z bytes never change.
        for (path, body) in [
            (format!("/api/v1/shifts/{shift}/cash-movements"), movement("in", "1")),
            (format!("/api/v1/shifts/{shift}/count"), json!({})),
            (format!("/api/v1/shifts/{shift}/close"), json!({"counted": []})),
            (format!("/api/v1/payments/{}/void", v.payments[1].id), json!({"reason": "x"})),
        ] {
            assert_eq!(app.post_json(&path, Some(&admin), &body).await.status(), 409, "{path}");
        }
        assert_eq!(pay(&app, &desk, id, json!([{"method": "cash", "amount": "1"}])).await.status(), 409, "no shift: no cash");
        let stored = app.get_auth(&format!("/api/v1/shifts/{shift}/z-report"), &desk).await.bytes().await.unwrap();
        assert_eq!(stored, z_bytes);
        // A second register with its own shift; a second shift on a busy register → 409.
        assert_eq!(app.post_json("/api/v1/registers", Some(&desk), &json!({"name": "Касса 2"})).await.status(), 403);
        let second: RegisterView = app.post_json("/api/v1/registers", Some(&admin), &json!({"name": "Касса 2"})).await.json().await.unwrap();
        assert_eq!(app.post_json("/api/v1/registers", Some(&admin), &json!({"name": "Касса 2"})).await.status(), 409);
        // Rename, and no deactivation while its shift is open.
        let path = format!("/api/v1/registers/{}", second.id);
        assert_eq!(app.send(Method::PATCH, &path, Some(&desk), Some(&json!({"name": "Х"}))).await.status(), 403);
        let renamed: RegisterView = app.send(Method::PATCH, &path, Some(&admin), Some(&json!({"name": "Касса ресепшн"}))).await.json().await.unwrap();
        assert_eq!(renamed.name, "Касса ресепшн");
        assert_eq!(app.send(Method::PATCH, &path, Some(&admin), Some(&json!({"name": "Касса 1"}))).await.status(), 409, "name in use");
        assert_eq!(open(&app, &desk, second.id, "0").await.status(), 201);
        assert_eq!(app.send(Method::PATCH, &path, Some(&admin), Some(&json!({"is_active": false}))).await.status(), 409, "its shift is open");
        assert_eq!(open(&app, &desk, 1, "1800").await.status(), 201);
        assert_eq!(open(&app, &desk, second.id, "0").await.status(), 409);
        let shifts: Vec<ShiftView> = app.get_auth("/api/v1/shifts?register_id=1", &desk).await.json().await.unwrap();
        assert_eq!(shifts.iter().map(|s| (s.status.as_str(), s.z_number)).collect::<Vec<_>>(), [("open", None), ("closed", Some(1))]);
        assert_eq!(shifts[0].suggested_opening.to_string(), "1800.00", "the previous close's count");
        let journal: Vec<Value> = app.get_auth(&format!("/api/v1/shifts/{shift}/entries"), &desk).await.json().await.unwrap();
        assert_eq!(journal.iter().map(|e| e["kind"].as_str().unwrap()).collect::<Vec<_>>(), ["payment", "payment", "cash_in", "cash_out"]);
        assert_eq!(crate::visits::count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'shift' AND action = 'close'").await, 1);
    }

    async fn payments_racing_a_close_are_in_its_z_or_refused(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let owner = app.owner_token().await;
        let shift = live_shift(&app, &desk).await;
        let mut ids = Vec::new();
        for hour in 8..18 {
            ids.push(visit(&app, &desk, doctor, &services[..1], patient, hour).await);
        }
        let payments = (0..20).map(|i| {
            let (app, desk, id) = (&app, desk.clone(), ids[i % ids.len()]);
            async move { pay(app, &desk, id, json!([{"method": "cash", "amount": "1.00"}])).await.status().as_u16() }
        });
        let closing = async {
            tokio::time::sleep(std::time::Duration::from_millis(15)).await;
            close(&app, &owner, shift, json!([]), Some("гонка")).await
        };
        let (statuses, closed) = tokio::join!(futures_util::future::join_all(payments), closing);
        assert_eq!(closed.status(), 200);
        assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
        let accepted = statuses.iter().filter(|s| **s == 201).count() as i64;
        let z: ZReportView = app.get_auth(&format!("/api/v1/shifts/{shift}/z-report"), &owner).await.json().await.unwrap();
        assert_eq!(i64::from(z.payment_count), accepted, "every accepted payment is in the Z");
        assert_eq!(crate::visits::count(&app, "SELECT COUNT(*) FROM payments WHERE shift_id IS NULL").await, 0, "none orphaned");
        assert_eq!(tender(&z.tenders, "cash").payments.tiyn(), accepted * 100);
    }
}

/// A small deterministic generator (the sequence test must replay the same day on both backends).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// What the test itself counts of the drawer: float + cash payments − cash refunds + in − out.
async fn drawer_by_hand(app: &TestApp, shift: i64) -> i64 {
    let (float,): (i64,) = sqlx::query_as("SELECT counted_opening FROM shifts WHERE id = $1")
        .bind(shift)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let sum = |sql: &'static str| async move {
        let (n,): (i64,) = sqlx::query_as(sql)
            .bind(shift)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        n
    };
    float
        + sum("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payments WHERE shift_id = $1 AND method = 'cash' AND voided_at IS NULL").await
        - sum("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM refunds WHERE shift_id = $1 AND method = 'cash'").await
        + sum("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM cash_movements WHERE shift_id = $1 AND kind = 'in'").await
        - sum("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM cash_movements WHERE shift_id = $1 AND kind = 'out'").await
}

both_backends! {
    async fn a_random_day_at_the_desk_keeps_every_identity(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let admin = app.token_for("admin").await;
        let mut ids = Vec::new();
        for hour in [8, 10, 12, 14, 16, 18] {
            ids.push(visit(&app, &desk, doctor, &services, patient, hour).await);
        }
        let methods = ["card", "cash", "qr", "transfer"];
        let mut rng = Lcg(16);
        let mut shift = live_shift(&app, &desk).await;
        for step in 0..60 {
            let id = ids[rng.next(ids.len() as u64) as usize];
            match rng.next(8) {
                0..=2 => {
                    let parts: Vec<Value> = (0..=rng.next(4)).map(|k| json!({"method": methods[((k + rng.next(4)) % 4) as usize], "amount": format!("{}.{:02}", 1 + rng.next(2500), rng.next(100))})).collect();
                    let status = pay(&app, &desk, id, Value::Array(parts)).await.status();
                    assert!(status == 201 || status == 422, "pay: {status}");
                }
                3 | 4 => {
                    let full = rng.next(3) == 0;
                    let v: VisitView = app.get_auth(&format!("/api/v1/appointments/{id}"), &desk).await.json().await.unwrap();
                    if v.summary.paid.is_positive() {
                        let amount = if full { v.summary.paid } else { emhana_domain::Money::from_tiyn(1 + (v.summary.paid.tiyn() - 1) * rng.next(100) as i64 / 100) };
                        let res = refund(&app, &desk, id, json!({"amount": amount.to_string(), "reason": "проверка"})).await;
                        assert_eq!(res.status(), 201, "refund {amount} of {}", v.summary.paid);
                    }
                }
                5 => {
                    let kind = if rng.next(2) == 0 { "in" } else { "out" };
                    let amount = 1 + rng.next(500) as i64;
                    let drawer = drawer_by_hand(&app, shift).await;
                    let res = app.post_json(&format!("/api/v1/shifts/{shift}/cash-movements"), Some(&desk), &json!({"kind": kind, "amount": amount.to_string(), "reason": "размен"})).await;
                    let fits = kind == "in" || amount * 100 <= drawer;
                    assert_eq!(res.status(), if fits { 201 } else { 409 }, "{kind} {amount} with {drawer} tiyn in the drawer");
                }
                6 => {
                    let v: VisitView = app.get_auth(&format!("/api/v1/appointments/{id}"), &desk).await.json().await.unwrap();
                    if let Some(p) = v.payments.iter().find(|p| p.voided_at.is_none()) {
                        let status = app.post_json(&format!("/api/v1/payments/{}/void", p.id), Some(&desk), &json!({"reason": "ошибка"})).await.status();
                        let expected = if p.refunded.is_positive() || p.shift_id != Some(shift) { 409 } else { 200 };
                        assert_eq!(status.as_u16(), expected, "void of payment {}", p.id);
                    }
                }
                _ => {
                    // X now, then close exactly as counted by hand: X(t) == Z, and reopen.
                    let before = drawer_by_hand(&app, shift).await;
                    let x = x(&app, &desk, shift).await;
                    assert_eq!(x.cash.expected.tiyn(), before, "the expected-cash identity at step {step}");
                    // A cash refund of a card payment can leave the drawer below zero on paper:
                    // nobody counts negative money, so that close shows a difference.
                    let counted: Vec<Value> = x.tenders.iter().map(|t| json!({"method": t.method, "amount": t.expected.max(emhana_domain::Money::ZERO).to_string()})).collect();
                    let res = close(&app, &admin, shift, Value::Array(counted), Some("пересчёт")).await;
                    assert_eq!(res.status(), 200);
                    let z: ZReportView = res.json().await.unwrap();
                    assert_eq!((z.tenders, z.cash), (x.tenders, x.cash), "X(t) == Z");
                    let opened: ShiftView = open(&app, &desk, 1, &z.counts.iter().find(|c| c.method == "cash").unwrap().counted.to_string()).await.json().await.unwrap();
                    assert!(opened.opening_difference.is_zero());
                    shift = opened.id;
                }
            }
        }
        assert_eq!(x(&app, &desk, shift).await.cash.expected.tiyn(), drawer_by_hand(&app, shift).await);
        for id in &ids {
            let v: VisitView = app.get_auth(&format!("/api/v1/appointments/{id}"), &desk).await.json().await.unwrap();
            assert_money_adds_up(&v);
        }
        let over = crate::visits::count(&app, "SELECT COUNT(*) FROM payment_allocations x WHERE x.amount < (SELECT COALESCE(SUM(r.amount), 0) FROM refund_allocations r WHERE r.allocation_id = x.id)").await;
        assert_eq!(over, 0, "Σ refunded ≤ allocated, per allocation");
        let refunds = crate::visits::count(&app, "SELECT COUNT(*) FROM refunds").await;
        assert!(refunds > 5, "the day had refunds: {refunds}");
        assert_stats_match_a_rebuild(&app.store).await;
    }
}
