//! The dashboard on a small hand-computed clinic: every number of every report. Yesterday and
//! today (clinic days) form the range; payments are taken now, so they fall on today.
//!
//! | visit | patient | doctor | when (clinic)      | source    | lines (price)        | payments (live)          | status     |
//! |-------|---------|--------|--------------------|-----------|----------------------|--------------------------|------------|
//! | V0    | P1      | D1     | today − 10, 10:00  | default   | S1 10000             | cash 10000 (day T − 10)  | completed  |
//! | V1    | P1      | D1     | yesterday 10:00    | instagram | S1 9000*, S2 5000    | card 6000 + cash 4000    | scheduled  |
//! | V2    | P2      | D2     | today 23:30        | instagram | S2 5000              | qr 5000                  | scheduled  |
//! | V3    | P3      | D1     | today 09:00        | 2gis      | S1 10000             | —                        | no_show    |
//! | V4    | P2      | D1     | today 12:00        | referral  | S2 5000              | —                        | cancelled  |
//! | V5    | P3      | D2     | today 14:00        | 2gis      | S2 5000              | card 5000 voided; transfer 2000 | scheduled |
//! | V6    | P1      | D2     | tomorrow 00:00     | default   | S1 10000             | —                        | scheduled  |
//! (* discounted from 10000 by the admin.)
//!
//! The reports' figures are here; `kept` checks the rows the writes keep (equal to a rebuild,
//! distinct and new patients, month rows) on the same fixture.

mod kept;

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use emhana_domain::ClinicZone;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::TestApp;

struct Clinic {
    admin: String,
    d1: i64,
    d2: i64,
    p1: i64,
    s1: i64,
    s2: i64,
    today: NaiveDate,
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post_json(path, Some(token), &body).await;
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.unwrap()
}

async fn book(
    app: &TestApp,
    token: &str,
    patient: i64,
    doctor: i64,
    (day, hour, minute): (NaiveDate, u32, u32),
    services: &[i64],
    source: Option<&str>,
) -> Value {
    let zone = ClinicZone::default();
    let starts_at = zone
        .to_utc(day, NaiveTime::from_hms_opt(hour, minute, 0).unwrap())
        .to_rfc3339();
    post(app, token, "/api/v1/appointments", json!({"patient_id": patient, "doctor_id": doctor, "starts_at": starts_at, "service_ids": services, "source": source})).await
}

async fn clinic(app: &TestApp) -> Clinic {
    let admin = app.token_for("admin").await;
    let today = ClinicZone::default().local_date(Utc::now());
    let yesterday = today - Duration::days(1);
    let mut doctors = Vec::new();
    for name in ["Ерлан", "Әлия"] {
        let d = post(
            app,
            &admin,
            "/api/v1/doctors",
            json!({"first_name": name, "last_name": "Врач", "specialization": "Терапевт"}),
        )
        .await;
        doctors.push(d["id"].as_i64().unwrap());
    }
    let (d1, d2) = (doctors[0], doctors[1]);
    let mut services = Vec::new();
    for (name, price, minutes) in [("Приём", "10000", 30), ("Анализ", "5000", 15)] {
        let s = post(
            app,
            &admin,
            "/api/v1/services",
            json!({"name": name, "base_price": price, "duration_minutes": minutes}),
        )
        .await;
        services.push(s["id"].as_i64().unwrap());
    }
    let (s1, s2) = (services[0], services[1]);
    let mut patients = Vec::new();
    for (name, phone) in [
        ("Айгерим", "87010000001"),
        ("Нурлан", "87010000002"),
        ("Асель", "87010000003"),
    ] {
        patients.push(
            post(
                app,
                &admin,
                "/api/v1/patients",
                json!({"first_name": name, "phone": phone}),
            )
            .await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let (p1, p2, p3) = (patients[0], patients[1], patients[2]);
    let pay = |id: i64, parts: Value| {
        let admin = admin.clone();
        async move {
            post(
                app,
                &admin,
                &format!("/api/v1/appointments/{id}/payments"),
                json!({"payments": parts}),
            )
            .await
        }
    };
    let status = |id: i64, to: &'static str| {
        let admin = admin.clone();
        async move {
            post(
                app,
                &admin,
                &format!("/api/v1/appointments/{id}/status"),
                json!({"status": to}),
            )
            .await
        }
    };

    let v0 = book(
        app,
        &admin,
        p1,
        d1,
        (today - Duration::days(10), 10, 0),
        &[s1],
        None,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    pay(v0, json!([{"method": "cash", "amount": "10000"}])).await;
    status(v0, "in_progress").await;
    status(v0, "completed").await;
    let day = (today - Duration::days(10)).to_string();
    sqlx::query("UPDATE payments SET local_date = $1 WHERE appointment_id = $2")
        .bind(day)
        .bind(v0)
        .execute(app.store.pool())
        .await
        .unwrap();
    // Direct SQL bypasses the write paths that keep the aggregates: rebuild, as bulk loads do.
    app.store.rebuild_stats().await.unwrap();

    let v1 = book(
        app,
        &admin,
        p1,
        d1,
        (yesterday, 10, 0),
        &[s1, s2],
        Some("instagram"),
    )
    .await;
    let line = v1["lines"][0]["id"].as_i64().unwrap();
    let v1 = v1["id"].as_i64().unwrap();
    let res = app
        .send(
            Method::PATCH,
            &format!("/api/v1/appointments/{v1}/lines/{line}"),
            Some(&admin),
            Some(&json!({"price": "9000"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    pay(
        v1,
        json!([{"method": "card", "amount": "6000"}, {"method": "cash", "amount": "4000"}]),
    )
    .await;

    let v2 = book(
        app,
        &admin,
        p2,
        d2,
        (today, 23, 30),
        &[s2],
        Some("instagram"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    pay(v2, json!([{"method": "qr", "amount": "5000"}])).await;

    let v3 = book(app, &admin, p3, d1, (today, 9, 0), &[s1], Some("2gis")).await["id"]
        .as_i64()
        .unwrap();
    status(v3, "no_show").await;

    let v4 = book(app, &admin, p2, d1, (today, 12, 0), &[s2], Some("referral")).await["id"]
        .as_i64()
        .unwrap();
    status(v4, "cancelled").await;

    let v5 = book(app, &admin, p3, d2, (today, 14, 0), &[s2], Some("2gis")).await["id"]
        .as_i64()
        .unwrap();
    let paid = pay(v5, json!([{"method": "card", "amount": "5000"}])).await;
    let card = paid["payments"][0]["id"].as_i64().unwrap();
    post(
        app,
        &admin,
        &format!("/api/v1/payments/{card}/void"),
        json!({"reason": "ошибка"}),
    )
    .await;
    pay(v5, json!([{"method": "transfer", "amount": "2000"}])).await;

    book(
        app,
        &admin,
        p1,
        d2,
        (today + Duration::days(1), 0, 0),
        &[s1],
        None,
    )
    .await;
    Clinic {
        admin,
        d1,
        d2,
        p1,
        s1,
        s2,
        today,
    }
}

async fn report(app: &TestApp, c: &Clinic, name: &str, doctor: Option<i64>) -> Value {
    let filter = doctor
        .map(|d| format!("&doctor_id={d}"))
        .unwrap_or_default();
    report_for(app, c, name, &filter).await
}

both_backends! {
    async fn every_number_of_every_report(app) {
        let c = clinic(&app).await;
        let summary = report(&app, &c, "summary", None).await;
        assert_eq!(summary["revenue"], "17000.00", "live payments taken in the range; the voided card and V0's old payment excluded");
        assert_eq!(summary["visits"], 4, "V1, V2, V3, V5: cancelled V4 and tomorrow's V6 excluded");
        assert_eq!((summary["unique_patients"].as_i64(), summary["new_patients"].as_i64(), summary["returning_patients"].as_i64()), (Some(3), Some(2), Some(1)));
        assert_eq!(summary["average_check"], "5666.67", "17000 paid on the range's visits ÷ 3 visits with payments");
        assert_eq!(summary["outstanding_debt"], "17000.00", "4000 + 0 + 10000 + 3000");
        assert_eq!(summary["no_show_rate_percent"], 25.0);
        assert_eq!(summary["cashless_share_percent"], 76.47, "(6000 + 5000 + 2000) ÷ 17000");

        let d2 = report(&app, &c, "summary", Some(c.d2)).await;
        assert_eq!((d2["revenue"].as_str(), d2["visits"].as_i64(), d2["no_show_rate_percent"].as_f64()), (Some("7000.00"), Some(2), Some(0.0)));

        let sources = report(&app, &c, "sources", None).await;
        assert_eq!(sources["items"], json!([
            {"source": "instagram", "label": "Instagram", "visits": 2, "patients": 2, "revenue": "15000.00", "share_percent": 50.0, "average_check": "7500.00"},
            {"source": "2gis", "label": "2ГИС", "visits": 2, "patients": 1, "revenue": "2000.00", "share_percent": 50.0, "average_check": "2000.00"},
        ]));
        assert_eq!(sources["best_source"], "instagram");

        let methods = report(&app, &c, "payment-methods", None).await;
        assert_eq!(methods["items"], json!([
            {"method": "card", "label": "Карта", "amount": "6000.00", "paid": "6000.00", "refunded": "0.00", "refunds": 0, "share_percent": 35.29, "visits": 1, "average_payment": "6000.00"},
            {"method": "cash", "label": "Наличные", "amount": "4000.00", "paid": "4000.00", "refunded": "0.00", "refunds": 0, "share_percent": 23.53, "visits": 1, "average_payment": "4000.00"},
            {"method": "qr", "label": "QR (Kaspi)", "amount": "5000.00", "paid": "5000.00", "refunded": "0.00", "refunds": 0, "share_percent": 29.41, "visits": 1, "average_payment": "5000.00"},
            {"method": "transfer", "label": "Перевод", "amount": "2000.00", "paid": "2000.00", "refunded": "0.00", "refunds": 0, "share_percent": 11.76, "visits": 1, "average_payment": "2000.00"},
        ]));
        let shares: f64 = methods["items"].as_array().unwrap().iter().map(|i| i["share_percent"].as_f64().unwrap()).sum();
        assert!((shares - 100.0).abs() <= 0.05, "{shares}");
        assert_eq!(methods["most_popular_method"], "card", "every method paid one visit: the larger amount wins");

        let daily = report(&app, &c, "revenue-daily", None).await;
        let yesterday = (c.today - Duration::days(1)).to_string();
        assert_eq!(daily["items"], json!([
            {"date": yesterday, "revenue": "0.00", "payments": 0},
            {"date": c.today.to_string(), "revenue": "17000.00", "payments": 4},
        ]), "by payment day: V1 is yesterday's visit paid today");

        let doctors = report(&app, &c, "doctors", None).await;
        assert_eq!(doctors["items"], json!([
            {"doctor_id": c.d1, "name": "Врач Ерлан", "visits": 2, "patients": 2, "revenue": "10000.00"},
            {"doctor_id": c.d2, "name": "Врач Әлия", "visits": 2, "patients": 2, "revenue": "7000.00"},
        ]));

        // Visits per day (non-cancelled, with no-shows) and by status (cancelled included).
        let visits = report(&app, &c, "visits", None).await;
        assert_eq!(visits["days"], json!([
            {"date": yesterday, "visits": 1, "no_shows": 0},
            {"date": c.today.to_string(), "visits": 3, "no_shows": 1},
        ]), "V1 yesterday; V2, V3 (no-show), V5 today; cancelled V4 not a visit");
        assert_eq!(visits["statuses"], json!([
            {"status": "scheduled", "label": "записан", "visits": 3, "share_percent": 60.0},
            {"status": "in_progress", "label": "на приеме", "visits": 0, "share_percent": 0.0},
            {"status": "completed", "label": "прием завершен", "visits": 0, "share_percent": 0.0},
            {"status": "no_show", "label": "не явился", "visits": 1, "share_percent": 20.0},
            {"status": "cancelled", "label": "отменен", "visits": 1, "share_percent": 20.0},
        ]), "V1, V2, V5 scheduled; V3 no-show; V4 cancelled; V0 and V6 outside the range");
        let d1 = report(&app, &c, "visits", Some(c.d1)).await;
        let by_status: Vec<(String, i64, f64)> = d1["statuses"].as_array().unwrap().iter()
            .map(|s| (s["status"].as_str().unwrap().to_owned(), s["visits"].as_i64().unwrap(), s["share_percent"].as_f64().unwrap()))
            .filter(|s| s.1 > 0)
            .collect();
        assert_eq!(by_status, [("scheduled".to_owned(), 1, 33.33), ("no_show".to_owned(), 1, 33.33), ("cancelled".to_owned(), 1, 33.33)]);
        assert_eq!(d1["days"][1], json!({"date": c.today.to_string(), "visits": 1, "no_shows": 1}));

        let services = report(&app, &c, "services", None).await;
        let items = services["items"].as_array().unwrap();
        assert_eq!(items.iter().map(|i| (i["name"].as_str().unwrap(), i["count"].as_i64().unwrap(), i["billed"].as_str().unwrap(), i["revenue"].as_str().unwrap())).collect::<Vec<_>>(),
            [("Приём", 2, "19000.00", "6428.57"), ("Анализ", 3, "15000.00", "10571.43")],
            "revenue by allocation: card 6000 over 9000/5000 → 3857.14/2142.86, cash 4000 over the rest → 2571.43/1428.57");

        let discounts = report(&app, &c, "discounts", None).await;
        assert_eq!((discounts["count"].as_i64(), discounts["total"].as_str(), discounts["average"].as_str()), (Some(1), Some("1000.00"), Some("1000.00")));
        assert_eq!(discounts["items"][0]["name"], "Тест Тестов", "the admin who set the price");

        // Trends: this week's (or two weeks') buckets; every source's visits and method's amounts.
        let from = c.today - Duration::days(1);
        let trends: Value = app.get_auth(&format!("/api/v1/analytics/trends?from={from}&to={}&period=month", c.today), &c.admin).await.json().await.unwrap();
        let buckets = trends["buckets"].as_array().unwrap().len();
        assert!(buckets == 1 || buckets == 2, "yesterday and today span one or two months");
        let visits: i64 = trends["sources"].as_array().unwrap().iter()
            .flat_map(|s| s["values"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().parse::<i64>().unwrap())).sum();
        assert_eq!(visits, 4);
        let card = trends["methods"].as_array().unwrap().iter().find(|m| m["code"] == "card").unwrap();
        assert_eq!(card["values"].as_array().unwrap().last().unwrap(), "6000.00");
        let bad = app.get_auth(&format!("/api/v1/analytics/trends?from={from}&to={}&period=day", c.today), &c.admin).await;
        assert_eq!(bad.status(), 422);

        // An empty range answers zeros, not errors.
        let far = app.get_auth("/api/v1/analytics/summary?from=2000-01-01&to=2000-01-31", &c.admin).await;
        let far: Value = far.json().await.unwrap();
        assert_eq!((far["revenue"].as_str(), far["average_check"].as_str(), far["no_show_rate_percent"].as_f64()), (Some("0.00"), Some("0.00"), Some(0.0)));
        let none = app.get_auth("/api/v1/analytics/sources?from=2000-01-01&to=2000-01-31", &c.admin).await;
        let none: Value = none.json().await.unwrap();
        assert_eq!(none["best_source"], Value::Null);
    }

    async fn ranges_are_validated_and_reports_are_for_managers(app) {
        let admin = app.token_for("admin").await;
        let res = app.get_auth("/api/v1/analytics/summary?from=2026-11-30&to=2026-11-01", &admin).await;
        assert_eq!(res.status(), 422);
        let p: emhana_api_types::ProblemDetails = res.json().await.unwrap();
        assert_eq!(p.errors[0].field, "to");
        let res = app.get_auth("/api/v1/analytics/summary", &admin).await;
        let p: emhana_api_types::ProblemDetails = res.json().await.unwrap();
        assert_eq!(p.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["from", "to"]);
        let desk = app.token_for("receptionist").await;
        assert_eq!(app.get_auth("/api/v1/analytics/sources?from=2026-11-01&to=2026-11-30", &desk).await.status(), 403);
    }
}

/// The aggregate tables' non-zero rows as readers see them (base rows plus pending deltas,
/// summed per key), `table|keys…|values…` in key order.
async fn stats_rows(app: &TestApp) -> Vec<String> {
    let mut conn = app.store.pool().acquire().await.unwrap();
    emhana_store::reconcile::aggregate_rows(&mut conn)
        .await
        .unwrap()
}

async fn send(
    app: &TestApp,
    c: &Clinic,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    let res = app.send(method, path, Some(&c.admin), Some(&body)).await;
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.unwrap()
}

async fn report_for(app: &TestApp, c: &Clinic, name: &str, filter: &str) -> Value {
    let from = c.today - Duration::days(1);
    let res = app
        .get_auth(
            &format!(
                "/api/v1/analytics/{name}?from={from}&to={}{filter}",
                c.today
            ),
            &c.admin,
        )
        .await;
    assert_eq!(res.status(), 200, "{name}{filter}");
    res.json().await.unwrap()
}

both_backends! {
    async fn several_doctors_at_once_count_each_patient_once(app) {
        let c = clinic(&app).await;
        // Both of the clinic's doctors are the whole clinic: every report equals the unfiltered
        // one. P3 saw D1 (V3, no-show) and D2 (V5) in the range, so adding the two doctors'
        // patient counts would give 4, not 3.
        let both = format!("&doctor_ids={},{}", c.d2, c.d1);
        for name in ["summary", "sources", "payment-methods", "revenue-daily", "visits", "doctors", "services", "discounts", "trends"] {
            let whole = report_for(&app, &c, name, "").await;
            let pair = report_for(&app, &c, name, &both).await;
            assert_eq!(pair, whole, "{name}: both doctors == the whole clinic");
        }
        let d1 = report_for(&app, &c, "summary", &format!("&doctor_id={}", c.d1)).await;
        let d2 = report_for(&app, &c, "summary", &format!("&doctor_id={}", c.d2)).await;
        let pair = report_for(&app, &c, "summary", &both).await;
        let sum = d1["unique_patients"].as_i64().unwrap() + d2["unique_patients"].as_i64().unwrap();
        assert_eq!((sum, pair["unique_patients"].as_i64()), (4, Some(3)), "P3 counted once");
        assert_eq!(pair["visits"].as_i64().unwrap(), d1["visits"].as_i64().unwrap() + d2["visits"].as_i64().unwrap());
        // A list of one is that doctor; a doctor with no visits adds nothing.
        for name in ["summary", "sources", "doctors", "trends"] {
            let one = report_for(&app, &c, name, &format!("&doctor_id={}", c.d2)).await;
            assert_eq!(report_for(&app, &c, name, &format!("&doctor_ids={}", c.d2)).await, one, "{name}");
            assert_eq!(report_for(&app, &c, name, &format!("&doctor_ids={},999999", c.d2)).await, one, "{name}");
        }

        for (query, field) in [
            (format!("&doctor_id={}&doctor_ids={}", c.d1, c.d2), "doctor_ids"),
            ("&doctor_ids=1;2".to_owned(), "doctor_ids"),
            ("&doctor_ids=0".to_owned(), "doctor_ids"),
            (format!("&doctor_ids={}", (1..=33).map(|i| i.to_string()).collect::<Vec<_>>().join(",")), "doctor_ids"),
        ] {
            let from = c.today - Duration::days(1);
            let res = app.get_auth(&format!("/api/v1/analytics/summary?from={from}&to={}{query}", c.today), &c.admin).await;
            assert_eq!(res.status(), 422, "{query}");
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["errors"][0]["field"], field, "{query}");
        }
    }
}
