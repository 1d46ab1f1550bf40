//! Patient balances (issue 17). The deposit: top-up at the desk (drawer money, not revenue),
//! spend as the method `balance` (revenue on the spend day), refunds and voids back onto the
//! deposit, withdrawals through the top-ups' tenders; never below zero under concurrency.
//! Bonuses: the owner's programme, accruals on payments, the cap, spending as `bonus` (a
//! discount, never revenue), reversal by refunds, expiry as an entry, the welcome bonus. Both
//! backends.

use emhana_api_types::cash_desk::{RegisterView, XReportView};
use emhana_api_types::deposits::{
    BalanceView, DepositChangeView, DepositsReportView, StatementView,
};
use emhana_api_types::visits::VisitView;
use emhana_api_types::ProblemDetails;
use serde_json::{json, Value};

use crate::hardening::assert_stats_match_a_rebuild;
use crate::helpers::TestApp;
use crate::visits::{assert_money_adds_up, booked, clinic, pay};

async fn top_up(app: &TestApp, token: &str, patient: i64, body: Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/patients/{patient}/deposits"),
        Some(token),
        &body,
    )
    .await
}

async fn withdraw(app: &TestApp, token: &str, patient: i64, body: Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/patients/{patient}/withdrawals"),
        Some(token),
        &body,
    )
    .await
}

async fn balance(app: &TestApp, token: &str, patient: i64) -> String {
    let b: BalanceView = app
        .get_auth(&format!("/api/v1/patients/{patient}/balance"), token)
        .await
        .json()
        .await
        .unwrap();
    b.deposit.to_string()
}

async fn statement(app: &TestApp, token: &str, patient: i64) -> StatementView {
    let res = app
        .get_auth(&format!("/api/v1/patients/{patient}/statement"), token)
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn x_report(app: &TestApp, token: &str) -> XReportView {
    let registers: Vec<RegisterView> = app
        .get_auth("/api/v1/registers", token)
        .await
        .json()
        .await
        .unwrap();
    let shift = registers[0].shift_id.expect("a live shift");
    app.get_auth(&format!("/api/v1/shifts/{shift}/x-report"), token)
        .await
        .json()
        .await
        .unwrap()
}

/// A visit of `services` (5000 + 3000 + 8000 ₸ for all three) starting `slot` half-hours after
/// 08:00 on one day.
async fn visit(
    app: &TestApp,
    desk: &str,
    (doctor, services, patient): (i64, &[i64], i64),
    slot: u32,
) -> i64 {
    let (hour, minute) = (8 + slot / 2, slot % 2 * 30);
    let body = json!({"patient_id": patient, "doctor_id": doctor, "starts_at": format!("2026-11-26T{hour:02}:{minute:02}:00+05:00"), "service_ids": services, "allow_overlap": false});
    booked(app, desk, body).await.summary.id
}

async fn put_programme(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.send(
        reqwest::Method::PUT,
        "/api/v1/settings/bonus-programme",
        Some(token),
        Some(body),
    )
    .await
}

async fn bonus_of(app: &TestApp, token: &str, patient: i64) -> String {
    let b: BalanceView = app
        .get_auth(&format!("/api/v1/patients/{patient}/balance"), token)
        .await
        .json()
        .await
        .unwrap();
    b.bonus.to_string()
}

fn errors(p: &ProblemDetails) -> Vec<(&str, &str)> {
    p.errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect()
}

both_backends! {
    async fn a_deposit_is_topped_up_spent_refunded_and_withdrawn_exactly(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let owner = app.owner_token().await;
        let before = x_report(&app, &desk).await;
        // Top up 50 000 cash and 7 000 card: drawer money, the balance, no revenue.
        let res = top_up(&app, &desk, patient, json!({"method": "cash", "amount": "50000", "note": "курс"})).await;
        assert_eq!(res.status(), 201);
        let change: DepositChangeView = res.json().await.unwrap();
        assert_eq!((change.balance.to_string().as_str(), change.entries[0].kind.as_str()), ("50000.00", "topup"));
        assert_eq!(top_up(&app, &desk, patient, json!({"method": "card", "amount": "7000"})).await.status(), 201);
        assert_eq!(balance(&app, &desk, patient).await, "57000.00");
        let x = x_report(&app, &desk).await;
        assert_eq!(x.cash.deposits_in.to_string(), "50000.00");
        assert_eq!(x.cash.expected.tiyn() - before.cash.expected.tiyn(), 5_000_000, "cash top-up is in the drawer");
        let card = x.tenders.iter().find(|t| t.method == "card").unwrap();
        assert_eq!((card.net.to_string().as_str(), card.expected.to_string().as_str()), ("0.00", "7000.00"));
        let day = emhana_domain::ClinicZone::default().local_date(chrono::Utc::now());
        let revenue = |r: Value| r["revenue"].as_str().unwrap().to_owned();
        let summary: Value = app.get_auth(&format!("/api/v1/analytics/summary?from={day}&to={day}"), &owner).await.json().await.unwrap();
        assert_eq!(revenue(summary), "0.00", "a top-up is not revenue");

        // Pay a 16 000 visit: 10 000 from the deposit + 6 000 cash.
        let id = visit(&app, &desk, (doctor, &services, patient), 0).await;
        let res = pay(&app, &desk, id, json!([{"method": "balance", "amount": "10000"}, {"method": "cash", "amount": "6000"}])).await;
        assert_eq!(res.status(), 201);
        let v: VisitView = res.json().await.unwrap();
        assert_money_adds_up(&v);
        assert_eq!(v.summary.payment_status, "paid");
        assert_eq!(balance(&app, &desk, patient).await, "47000.00");
        let summary: Value = app.get_auth(&format!("/api/v1/analytics/summary?from={day}&to={day}"), &owner).await.json().await.unwrap();
        assert_eq!(revenue(summary), "16000.00", "revenue once, on the spend");
        let x = x_report(&app, &desk).await;
        assert_eq!(x.from_deposits.payments.to_string(), "10000.00");
        assert_eq!(x.tenders.len(), 4, "the deposit is not a counted tender");

        let id2 = visit(&app, &desk, (doctor, &services, patient), 6).await;

        // A refund of the deposit-paid part goes back onto the deposit; the cash part to cash.
        let res = app.post_json(&format!("/api/v1/appointments/{id}/refunds"), Some(&desk), &json!({"amount": "16000", "reason": "отказ от лечения"})).await;
        assert_eq!(res.status(), 201);
        let v: VisitView = res.json().await.unwrap();
        assert_money_adds_up(&v);
        assert_eq!(balance(&app, &desk, patient).await, "57000.00");
        let summary: Value = app.get_auth(&format!("/api/v1/analytics/summary?from={day}&to={day}"), &owner).await.json().await.unwrap();
        assert_eq!(revenue(summary), "0.00");

        // A void of a deposit payment puts it back too.
        let v: VisitView = pay(&app, &desk, id2, json!([{"method": "balance", "amount": "2000"}])).await.json().await.unwrap();
        assert_eq!(balance(&app, &desk, patient).await, "55000.00");
        let paid = v.payments.last().unwrap().id;
        let res = app.post_json(&format!("/api/v1/payments/{paid}/void"), Some(&desk), &json!({"reason": "ошибка"})).await;
        assert_eq!(res.status(), 200);
        assert_eq!(balance(&app, &desk, patient).await, "57000.00");

        // Withdrawals: oldest top-up first, through its tender; more than held → 422.
        let res = withdraw(&app, &desk, patient, json!({"amount": "57000.01", "reason": "переезд"})).await;
        assert_eq!(res.status(), 422);
        let p: ProblemDetails = res.json().await.unwrap();
        assert_eq!(p.remaining.as_deref(), Some("57000.00"));
        let res = withdraw(&app, &desk, patient, json!({"amount": "52000", "reason": "переезд"})).await;
        assert_eq!(res.status(), 201);
        let change: DepositChangeView = res.json().await.unwrap();
        let legs: Vec<(Option<&str>, String)> = change.entries.iter().map(|e| (e.method.as_deref(), e.amount.to_string())).collect();
        assert_eq!(legs, [(Some("cash"), "-50000.00".to_owned()), (Some("card"), "-2000.00".to_owned())]);
        assert_eq!(change.balance.to_string(), "5000.00");
        let res = withdraw(&app, &desk, patient, json!({"reason": "остаток"})).await;
        let change: DepositChangeView = res.json().await.unwrap();
        assert_eq!((change.entries.len(), change.balance.to_string().as_str()), (1, "0.00"));
        let empty = withdraw(&app, &desk, patient, json!({"reason": "ещё"})).await;
        assert_eq!(empty.status(), 409);

        // The drawer: +50 000 in, +6 000 cash payment, −6 000 cash refund, −50 000 out.
        let x = x_report(&app, &desk).await;
        assert_eq!(x.cash.expected, before.cash.expected);
        assert_eq!((x.cash.deposits_in.to_string(), x.cash.deposits_out.to_string()), ("50000.00".into(), "50000.00".into()));
        let card = x.tenders.iter().find(|t| t.method == "card").unwrap();
        assert_eq!(card.expected.to_string(), "0.00", "7 000 in, 7 000 out");

        // The statement: opening + credits − debits = closing = the balance; every row audited.
        let s = statement(&app, &desk, patient).await;
        assert_eq!((s.opening.to_string(), s.closing.to_string()), ("0.00".into(), "0.00".into()));
        assert_eq!(s.credits.tiyn() - s.debits.tiyn(), 0);
        let kinds: Vec<&str> = s.entries.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["topup", "topup", "spend", "spend_reversal", "spend", "spend_reversal", "withdrawal", "withdrawal", "withdrawal"]);
        assert_eq!(s.entries[2].appointment_id, Some(id));
        let audited = crate::visits::count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'balance_entry'").await;
        assert_eq!(audited, 9);
        let report: DepositsReportView = app.get_auth(&format!("/api/v1/analytics/deposits?from={day}&to={day}"), &owner).await.json().await.unwrap();
        assert_eq!((report.topups.to_string(), report.spends.to_string(), report.reversals.to_string(), report.withdrawals.to_string(), report.held_at_end.to_string()),
            ("57000.00".into(), "12000.00".into(), "12000.00".into(), "57000.00".into(), "0.00".into()));
        assert_stats_match_a_rebuild(&app.store).await;
    }

    async fn bad_deposit_requests_are_named_and_write_nothing(app) {
        let (desk, _, _, patient) = clinic(&app).await;
        let res = top_up(&app, &desk, patient, json!({"method": "balance", "amount": "0"})).await;
        assert_eq!(res.status(), 422);
        let p: ProblemDetails = res.json().await.unwrap();
        assert_eq!(errors(&p), [("method", "unknown"), ("amount", "not_positive")]);
        assert_eq!(top_up(&app, &desk, 999_999, json!({"method": "card", "amount": "1"})).await.status(), 404);
        assert_eq!(app.get_auth("/api/v1/patients/999999/balance", &desk).await.status(), 404);
        let res = withdraw(&app, &desk, patient, json!({"amount": "-5", "reason": " "})).await;
        let p: ProblemDetails = res.json().await.unwrap();
        assert_eq!(errors(&p), [("amount", "not_positive"), ("reason", "required")]);
        let res = app.get_auth(&format!("/api/v1/patients/{patient}/statement?kind=points&from=2026-02-30"), &desk).await;
        let p: ProblemDetails = res.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["kind", "from"]);
        // A doctor reads no money; the front desk reads no deposits report.
        let doctor = app.token_for("doctor").await;
        assert_eq!(top_up(&app, &doctor, patient, json!({"method": "card", "amount": "1"})).await.status(), 403);
        assert_eq!(app.get_auth("/api/v1/analytics/deposits?from=2026-01-01&to=2026-01-31", &desk).await.status(), 403);
        // Cash with no open shift is refused; a card top-up stands outside shifts.
        sqlx::query("UPDATE shifts SET status = 'closed', z_number = id").execute(app.store.pool()).await.unwrap();
        let res = top_up(&app, &desk, patient, json!({"method": "cash", "amount": "100"})).await;
        assert_eq!(res.status(), 409);
        let change: DepositChangeView = top_up(&app, &desk, patient, json!({"method": "card", "amount": "100"})).await.json().await.unwrap();
        assert_eq!(change.entries[0].shift_id, None);
        let outside: Vec<Value> = app.get_auth("/api/v1/cash-desk/outside-shifts", &desk).await.json().await.unwrap();
        assert_eq!(outside.iter().map(|e| e["kind"].as_str().unwrap()).collect::<Vec<_>>(), ["deposit_in"]);
        let n = crate::visits::count(&app, "SELECT COUNT(*) FROM balance_entries").await;
        assert_eq!(n, 1, "nothing else was written");
        // Under an Idempotency-Key a retry writes nothing and answers the same; the same key on
        // another body is refused.
        let url = format!("{}/api/v1/patients/{patient}/deposits", app.address);
        let send = |amount: &'static str| app.client.post(&url).bearer_auth(&desk).header("Idempotency-Key", "topup-1").json(&json!({"method": "card", "amount": amount})).send();
        let first: DepositChangeView = send("250").await.unwrap().json().await.unwrap();
        let again = send("250").await.unwrap();
        assert_eq!(again.status(), 201);
        assert_eq!(again.headers().get("Idempotent-Replayed").map(|h| h.to_str().unwrap()), Some("true"));
        let replayed: DepositChangeView = again.json().await.unwrap();
        assert_eq!(replayed, first);
        assert_eq!(send("251").await.unwrap().status(), 409);
        assert_eq!(balance(&app, &desk, patient).await, "350.00");
    }

    async fn money_refunded_onto_a_deposit_is_withdrawn_by_a_named_tender(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let admin = app.token_for("admin").await;
        assert_eq!(top_up(&app, &desk, patient, json!({"method": "qr", "amount": "100"})).await.status(), 201);
        let id = visit(&app, &desk, (doctor, &services[..1], patient), 0).await;
        assert_eq!(pay(&app, &desk, id, json!([{"method": "card", "amount": "5000"}])).await.status(), 201);
        let refund = json!({"amount": "5000", "method": "balance", "reason": "на депозит"});
        let res = app.post_json(&format!("/api/v1/appointments/{id}/refunds"), Some(&desk), &refund).await;
        assert_eq!(res.status(), 403, "another tender is a manager's decision");
        let res = app.post_json(&format!("/api/v1/appointments/{id}/refunds"), Some(&admin), &refund).await;
        assert_eq!(res.status(), 201);
        assert_eq!(balance(&app, &desk, patient).await, "5100.00");
        let res = withdraw(&app, &desk, patient, json!({"reason": "закрыть"})).await;
        assert_eq!(res.status(), 422);
        let p: ProblemDetails = res.json().await.unwrap();
        assert_eq!(errors(&p), [("method", "required")]);
        assert!(p.errors[0].message.contains("5\u{a0}000"), "{}", p.errors[0].message);
        let change: DepositChangeView = withdraw(&app, &desk, patient, json!({"reason": "закрыть", "method": "transfer"})).await.json().await.unwrap();
        let legs: Vec<(Option<&str>, String)> = change.entries.iter().map(|e| (e.method.as_deref(), e.amount.to_string())).collect();
        assert_eq!(legs, [(Some("qr"), "-100.00".to_owned()), (Some("transfer"), "-5000.00".to_owned())]);
        assert_eq!(balance(&app, &desk, patient).await, "0.00");
        // More than the deposit holds: 422 naming the part; nothing written.
        let over = pay(&app, &desk, id, json!([{"method": "card", "amount": "1"}, {"method": "balance", "amount": "0.01"}])).await;
        assert_eq!(over.status(), 422);
        let p: ProblemDetails = over.json().await.unwrap();
        assert_eq!(errors(&p), [("payments.1.amount", "insufficient_balance")]);
        let untouched: VisitView = app.get_auth(&format!("/api/v1/appointments/{id}"), &desk).await.json().await.unwrap();
        assert_eq!(untouched.payments.len(), 1, "the card part was not written either");
        let s = statement(&app, &desk, patient).await;
        assert_eq!(s.entries.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["topup", "spend_reversal", "withdrawal", "withdrawal"]);
        assert_eq!(s.entries[1].appointment_id, Some(id));
    }

    async fn concurrent_spends_never_overdraw_a_deposit(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        assert_eq!(top_up(&app, &desk, patient, json!({"method": "card", "amount": "7000"})).await.status(), 201);
        let mut visits = Vec::new();
        for i in 0..20u32 {
            visits.push(visit(&app, &desk, (doctor, &services[..1], patient), i).await);
        }
        let spends = visits.iter().map(|&id| {
            let (app, desk) = (&app, &desk);
            async move { pay(app, desk, id, json!([{"method": "balance", "amount": "1000"}])).await.status().as_u16() }
        });
        let statuses = futures_util::future::join_all(spends).await;
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 7, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == 201 || *s == 422), "{statuses:?}");
        assert_eq!(balance(&app, &desk, patient).await, "0.00");
        let ledger = crate::visits::count(&app, "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM balance_entries").await;
        assert_eq!(ledger, 0, "the ledger sums to the balance");
        let paid = crate::visits::count(&app, "SELECT COUNT(*) FROM payments WHERE method = 'balance'").await;
        assert_eq!(paid, 7);
        assert_stats_match_a_rebuild(&app.store).await;
    }

    async fn bonuses_accrue_cap_spend_reverse_and_expire_and_are_never_revenue(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let owner = app.owner_token().await;
        let admin = app.token_for("admin").await;
        let programme = json!({"enabled": true, "accrual_percent": "5", "earning_methods": ["card", "cash"],
            "max_share_percent": "50", "expiry_days": 30, "welcome_amount": "0"});
        assert_eq!(put_programme(&app, &admin, &programme).await.status(), 403, "the owner's decision");
        let bad = json!({"enabled": true, "accrual_percent": "150", "earning_methods": ["bonus"], "max_share_percent": "x",
            "expiry_days": 5000, "welcome_amount": "10", "effective_from": "2020-01-01"});
        let p: ProblemDetails = put_programme(&app, &owner, &bad).await.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["accrual_percent", "max_share_percent", "earning_methods.0", "expiry_days", "welcome_source_id", "effective_from"]);
        let res = put_programme(&app, &owner, &programme).await;
        assert_eq!(res.status(), 200);
        let read: Value = app.get_auth("/api/v1/settings/bonus-programme", &desk).await.json().await.unwrap();
        assert_eq!((read["current"]["accrual_percent"].as_str(), read["current"]["max_share_percent"].as_str()), (Some("5.00"), Some("50.00")));
        assert_eq!(crate::visits::count(&app, "SELECT COUNT(*) FROM audit_log WHERE entity = 'bonus_programme'").await, 1);

        // 10 000 by card on a 16 000 visit earns 500; QR would not (not an earning tender).
        let id = visit(&app, &desk, (doctor, &services, patient), 0).await;
        let v: VisitView = pay(&app, &desk, id, json!([{"method": "card", "amount": "10000"}])).await.json().await.unwrap();
        let card_payment = v.payments[0].id;
        assert_eq!(bonus_of(&app, &desk, patient).await, "500.00");
        // A refund of 2 000 of it takes back 100 of the bonuses.
        let res = app.post_json(&format!("/api/v1/appointments/{id}/refunds"), Some(&desk), &json!({"amount": "2000", "reason": "частично"})).await;
        assert_eq!(res.status(), 201);
        assert_eq!(bonus_of(&app, &desk, patient).await, "400.00");
        // Bonuses pay up to what is held and the visit's cap (50 % of 16 000 = 8 000).
        let over = pay(&app, &desk, id, json!([{"method": "bonus", "amount": "400.01"}])).await;
        assert_eq!(over.status(), 422);
        let p: ProblemDetails = over.json().await.unwrap();
        assert_eq!(p.errors[0].field, "payments");
        assert!(p.errors[0].message.starts_with("Бонусов 400"), "{}", p.errors[0].message);
        let v: VisitView = pay(&app, &desk, id, json!([{"method": "bonus", "amount": "400"}, {"method": "cash", "amount": "1000"}])).await.json().await.unwrap();
        assert_money_adds_up(&v);
        assert_eq!(v.summary.paid.to_string(), "9400.00");
        assert_eq!(bonus_of(&app, &desk, patient).await, "50.00", "the cash part earned 5 % of 1 000; the bonus part nothing");
        // Revenue leaves bonuses out: 10 000 − 2 000 + 1 000; bonuses shown beside it.
        let day = emhana_domain::ClinicZone::default().local_date(chrono::Utc::now());
        let summary: Value = app.get_auth(&format!("/api/v1/analytics/summary?from={day}&to={day}"), &owner).await.json().await.unwrap();
        assert_eq!((summary["revenue"].as_str(), summary["bonus_paid"].as_str()), (Some("9000.00"), Some("400.00")));
        let methods: Value = app.get_auth(&format!("/api/v1/analytics/payment-methods?from={day}&to={day}"), &owner).await.json().await.unwrap();
        assert!(methods["items"].as_array().unwrap().iter().all(|i| i["method"] != "bonus"));
        let services_report: Value = app.get_auth(&format!("/api/v1/analytics/services?from=2026-11-26&to={day}"), &owner).await.json().await.unwrap();
        let by_services: f64 = services_report["items"].as_array().unwrap().iter().map(|i| i["revenue"].as_str().unwrap().parse::<f64>().unwrap()).sum();
        assert_eq!(by_services, 9000.0, "services' revenue leaves the bonus allocations out");
        // Voiding the cash payment takes its 50 back; refunding the bonus payment puts 400 back.
        let cash_payment = v.payments.iter().find(|p| p.method == "cash").unwrap().id;
        let bonus_payment = v.payments.iter().find(|p| p.method == "bonus").unwrap().id;
        assert_eq!(app.post_json(&format!("/api/v1/payments/{cash_payment}/void"), Some(&desk), &json!({"reason": "ошибка"})).await.status(), 200);
        assert_eq!(bonus_of(&app, &desk, patient).await, "0.00");
        let refund_bonus = json!({"amount": "400", "method": "bonus", "reason": "отказ"});
        let lines_refund = app.post_json(&format!("/api/v1/appointments/{id}/refunds"), Some(&admin), &refund_bonus).await;
        assert_eq!(lines_refund.status(), 201, "{bonus_payment}");
        // The rest of the card payment refunded: 400 of bonuses due back, all 400 held are taken.
        assert_eq!(app.post_json(&format!("/api/v1/appointments/{id}/refunds"), Some(&admin), &json!({"amount": "8000", "method": "card", "reason": "отказ"})).await.status(), 201);
        assert_eq!(bonus_of(&app, &desk, patient).await, "0.00");
        let _ = card_payment;
        // Expiry: a credit whose last day passed is written off as an entry, dated the day after.
        assert_eq!(pay(&app, &desk, id, json!([{"method": "card", "amount": "2000"}])).await.status(), 201);
        assert_eq!(bonus_of(&app, &desk, patient).await, "100.00");
        let report: DepositsReportView = app.get_auth(&format!("/api/v1/analytics/deposits?from={day}&to={day}"), &owner).await.json().await.unwrap();
        assert_eq!(report.bonuses_held.to_string(), "100.00");
        sqlx::query("UPDATE balance_entries SET expires_on = '2026-01-10', local_date = '2025-12-11' WHERE kind = 'accrual' AND amount = 10000")
            .execute(app.store.pool()).await.unwrap();
        // The clinic-wide figure writes off what expired first.
        let report: DepositsReportView = app.get_auth(&format!("/api/v1/analytics/deposits?from={day}&to={day}"), &owner).await.json().await.unwrap();
        assert_eq!(report.bonuses_held.to_string(), "0.00");
        assert_eq!(bonus_of(&app, &desk, patient).await, "0.00");
        let st: StatementView = app.get_auth(&format!("/api/v1/patients/{patient}/statement?kind=bonus"), &desk).await.json().await.unwrap();
        let expiry = st.entries.iter().find(|e| e.kind == "expiry").expect("an expiry entry");
        assert_eq!((expiry.date.as_str(), expiry.amount.to_string().as_str()), ("2026-01-11", "-100.00"));
        assert_eq!(st.opening.tiyn() + st.credits.tiyn() - st.debits.tiyn(), st.closing.tiyn());
        assert_eq!(st.closing.to_string(), "0.00");
        // A second read writes nothing more.
        assert_eq!(bonus_of(&app, &desk, patient).await, "0.00");
        assert_eq!(crate::visits::count(&app, "SELECT COUNT(*) FROM balance_entries WHERE kind = 'expiry'").await, 1);
        let ledger = crate::visits::count(&app, "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM balance_entries WHERE balance = 'bonus'").await;
        assert_eq!(ledger, 0);
        assert_stats_match_a_rebuild(&app.store).await;
    }

    async fn a_referral_welcome_bonus_comes_once_with_the_first_visit(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let owner = app.owner_token().await;
        let sources: Vec<Value> = app.get_auth("/api/v1/lead-sources", &desk).await.json().await.unwrap();
        let referral = sources.iter().find(|s| s["code"] == "referral").unwrap()["id"].as_i64().unwrap();
        let programme = json!({"enabled": true, "accrual_percent": "0", "earning_methods": [], "max_share_percent": "100",
            "expiry_days": 0, "welcome_amount": "1000", "welcome_source_id": referral});
        assert_eq!(app.send(reqwest::Method::PUT, "/api/v1/settings/bonus-programme", Some(&owner), Some(&programme)).await.status(), 200);
        for slot in [0, 2] {
            let body = json!({"patient_id": patient, "doctor_id": doctor, "starts_at": format!("2026-11-26T{:02}:00:00+05:00", 9 + slot), "service_ids": &services[..1], "source": "referral"});
            booked(&app, &desk, body).await;
        }
        let b: BalanceView = app.get_auth(&format!("/api/v1/patients/{patient}/balance"), &desk).await.json().await.unwrap();
        assert_eq!(b.bonus.to_string(), "1000.00", "once, with the first visit");
        let st: StatementView = app.get_auth(&format!("/api/v1/patients/{patient}/statement?kind=bonus"), &desk).await.json().await.unwrap();
        assert_eq!(st.entries.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["welcome"]);
        assert_eq!(st.entries[0].expires_on, None, "expiry 0: forever");
    }

    async fn concurrent_bonus_payments_never_overdraw_the_bonuses(app) {
        let (desk, doctor, services, patient) = clinic(&app).await;
        let owner = app.owner_token().await;
        let sources: Vec<Value> = app.get_auth("/api/v1/lead-sources", &desk).await.json().await.unwrap();
        let referral = sources.iter().find(|s| s["code"] == "referral").unwrap()["id"].as_i64().unwrap();
        let programme = json!({"enabled": true, "accrual_percent": "0", "earning_methods": [], "max_share_percent": "100",
            "expiry_days": 0, "welcome_amount": "7000", "welcome_source_id": referral});
        assert_eq!(put_programme(&app, &owner, &programme).await.status(), 200);
        let mut visits = Vec::new();
        for i in 0..20u32 {
            let (hour, minute) = (8 + i / 2, i % 2 * 30);
            let body = json!({"patient_id": patient, "doctor_id": doctor, "starts_at": format!("2026-11-26T{hour:02}:{minute:02}:00+05:00"), "service_ids": &services[..1], "source": "referral"});
            visits.push(booked(&app, &desk, body).await.summary.id);
        }
        assert_eq!(bonus_of(&app, &desk, patient).await, "7000.00", "the welcome bonus, once");
        let spends = visits.iter().map(|&id| {
            let (app, desk) = (&app, &desk);
            async move { pay(app, desk, id, json!([{"method": "bonus", "amount": "1000"}])).await.status().as_u16() }
        });
        let statuses = futures_util::future::join_all(spends).await;
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 7, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == 201 || *s == 422), "{statuses:?}");
        assert_eq!(bonus_of(&app, &desk, patient).await, "0.00");
        let ledger = crate::visits::count(&app, "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM balance_entries WHERE balance = 'bonus'").await;
        assert_eq!(ledger, 0);
        assert_stats_match_a_rebuild(&app.store).await;
    }
}
