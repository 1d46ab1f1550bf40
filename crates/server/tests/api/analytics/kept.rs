//! The aggregates the writes keep, on the fixture of [`super`] and small clinics of their own:
//! equal to a rebuild after every kind of write, distinct patients counted once, a doctor's new
//! patients from their kept first days, and long ranges read through month rows.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use emhana_domain::analytics::{DoctorSet, ReportRange};
use emhana_domain::ClinicZone;
use reqwest::Method;
use serde_json::{json, Value};

use super::{book, clinic, post, send, stats_rows, Clinic};
use crate::helpers::TestApp;

both_backends! {
    async fn the_aggregates_every_write_keeps_equal_a_rebuild(app) {
        let c = clinic(&app).await;
        let admin = c.admin.clone();
        let at = |day: NaiveDate, hour: u32| ClinicZone::default().to_utc(day, NaiveTime::from_hms_opt(hour, 0, 0).unwrap()).to_rfc3339();
        // One visit through every write: booked, moved to another day and doctor with another
        // source, a line re-priced, removed and added back, paid by two methods, one voided, paid
        // again, partly refunded, cancelled, restored, marked no-show.
        let v = book(&app, &admin, c.p1, c.d1, (c.today, 16, 0), &[c.s1, c.s2], Some("instagram")).await;
        let id = v["id"].as_i64().unwrap();
        let v = send(&app, &c, reqwest::Method::PATCH, &format!("/api/v1/appointments/{id}"),
            json!({"starts_at": at(c.today - Duration::days(2), 11), "doctor_id": c.d2, "source": "referral", "version": v["version"]})).await;
        let line = v["lines"][1]["id"].as_i64().unwrap();
        send(&app, &c, reqwest::Method::PATCH, &format!("/api/v1/appointments/{id}/lines/{line}"), json!({"price": "1000"})).await;
        send(&app, &c, reqwest::Method::DELETE, &format!("/api/v1/appointments/{id}/lines/{line}"), json!({})).await;
        send(&app, &c, reqwest::Method::POST, &format!("/api/v1/appointments/{id}/lines"), json!({"service_id": c.s2, "price": "2500"})).await;
        let paid = post(&app, &admin, &format!("/api/v1/appointments/{id}/payments"),
            json!({"payments": [{"method": "card", "amount": "3000"}, {"method": "qr", "amount": "1000"}]})).await;
        let card = paid["payments"].as_array().unwrap().iter().find(|p| p["method"] == "card").unwrap()["id"].as_i64().unwrap();
        post(&app, &admin, &format!("/api/v1/payments/{card}/void"), json!({"reason": "ошибка"})).await;
        post(&app, &admin, &format!("/api/v1/appointments/{id}/payments"), json!({"payments": [{"method": "cash", "amount": "500"}]})).await;
        post(&app, &admin, &format!("/api/v1/appointments/{id}/refunds"), json!({"amount": "200", "reason": "частичный возврат"})).await;
        post(&app, &admin, &format!("/api/v1/appointments/{id}/status"), json!({"status": "cancelled"})).await;
        post(&app, &admin, &format!("/api/v1/appointments/{id}/status"), json!({"status": "scheduled", "reason": "ошиблись"})).await;
        post(&app, &admin, &format!("/api/v1/appointments/{id}/status"), json!({"status": "no_show"})).await;

        let kept = stats_rows(&app).await;
        assert!(kept.iter().any(|r| r.starts_with("stats_method_visits|")) && kept.iter().any(|r| r.starts_with("stats_patient_days|")));
        assert!(kept.iter().any(|r| r.starts_with("stats_discounts|")), "the fixture's 9000 line");
        app.store.rebuild_stats().await.unwrap();
        assert_eq!(kept, stats_rows(&app).await, "kept by the writes == rebuilt from the base tables");
        // And the reports read them: the moved visit counts on its new day and doctor.
        let day = c.today - Duration::days(2);
        let r: Value = app.get_auth(&format!("/api/v1/analytics/summary?from={day}&to={day}&doctor_id={}", c.d2), &admin).await.json().await.unwrap();
        assert_eq!((r["visits"].as_i64(), r["no_show_rate_percent"].as_f64()), (Some(1), Some(100.0)));
        assert_eq!(r["outstanding_debt"], "11200.00", "10000 + 2500 billed − 1000 paid (qr) − 500 (cash) + 200 refunded");
    }
}

both_backends! {
    async fn distinct_patients_count_once_whether_their_previous_visit_is_this_month_or_earlier(app) {
        let admin = app.token_for("admin").await;
        let doctor = post(&app, &admin, "/api/v1/doctors", json!({"first_name": "Ерлан", "last_name": "Врач", "specialization": "Терапевт"})).await["id"].as_i64().unwrap();
        let service = post(&app, &admin, "/api/v1/services", json!({"name": "Приём", "base_price": "10000", "duration_minutes": 30})).await["id"].as_i64().unwrap();
        let mut p = Vec::new();
        for n in 1..=5 {
            p.push(post(&app, &admin, "/api/v1/patients", json!({"first_name": "Пациент", "phone": format!("8701000010{n}")})).await["id"].as_i64().unwrap());
        }
        // The 15th of last month; the range is that day and the five after it.
        let today = ClinicZone::default().local_date(Utc::now());
        let month_start = today.with_day(1).unwrap();
        let x = (month_start - Duration::days(1)).with_day(15).unwrap();
        let visits = [
            (p[0], x - Duration::days(40), 9), (p[0], x + Duration::days(1), 9),  // previous visit in an earlier month
            (p[1], x.with_day(5).unwrap(), 10), (p[1], x + Duration::days(2), 10), // previous visit earlier in x's month
            (p[2], x + Duration::days(1), 11), (p[2], x + Duration::days(3), 11),  // both inside: counted once
            (p[3], x.with_day(5).unwrap(), 12),                                    // before the range only
            (p[4], x - Duration::days(1), 13), (p[4], x + Duration::days(10), 13), // around, not inside
        ];
        for (patient, day, hour) in visits {
            book(&app, &admin, patient, doctor, (day, hour, 0), &[service], Some("instagram")).await;
        }
        let to = x + Duration::days(5);
        for doctor_filter in [String::new(), format!("&doctor_id={doctor}")] {
            let get = |name: &'static str| {
                let (app, admin, filter) = (&app, &admin, doctor_filter.clone());
                async move {
                    let res = app.get_auth(&format!("/api/v1/analytics/{name}?from={x}&to={to}{filter}"), admin).await;
                    assert_eq!(res.status(), 200);
                    res.json::<Value>().await.unwrap()
                }
            };
            let summary = get("summary").await;
            assert_eq!((summary["visits"].as_i64(), summary["unique_patients"].as_i64()), (Some(4), Some(3)), "{doctor_filter}");
            let doctors = get("doctors").await;
            assert_eq!((doctors["items"][0]["visits"].as_i64(), doctors["items"][0]["patients"].as_i64()), (Some(4), Some(3)));
            let sources = get("sources").await;
            assert_eq!((sources["items"][0]["source"].as_str(), sources["items"][0]["patients"].as_i64()), (Some("instagram"), Some(3)));
        }
    }
}

both_backends! {
    async fn a_doctors_new_patients_are_those_whose_first_visit_ever_is_in_the_range(app) {
        let admin = app.token_for("admin").await;
        let mut doctors = Vec::new();
        for name in ["Ерлан", "Әлия"] {
            doctors.push(post(&app, &admin, "/api/v1/doctors", json!({"first_name": name, "last_name": "Врач", "specialization": "Терапевт"})).await["id"].as_i64().unwrap());
        }
        let (a, b) = (doctors[0], doctors[1]);
        let service = post(&app, &admin, "/api/v1/services", json!({"name": "Приём", "base_price": "10000", "duration_minutes": 30})).await["id"].as_i64().unwrap();
        let mut p = Vec::new();
        for n in 1..=5 {
            p.push(post(&app, &admin, "/api/v1/patients", json!({"first_name": "Пациент", "phone": format!("8701000020{n}")})).await["id"].as_i64().unwrap());
        }
        let today = ClinicZone::default().local_date(Utc::now());
        let from = today - Duration::days(30);
        let to = from + Duration::days(9);
        // (patient, doctor, day, hour, cancelled)
        let visits = [
            (p[0], a, from + Duration::days(1), 9, false),  // first ever with A, then B: new for both
            (p[0], b, from + Duration::days(3), 9, false),
            (p[1], a, from - Duration::days(5), 10, false), // came before the range: new for nobody
            (p[1], b, from + Duration::days(2), 10, false),
            (p[2], b, from + Duration::days(1), 11, true),  // cancelled; the first real visit is after the range
            (p[2], b, to + Duration::days(2), 11, false),
            (p[3], b, to, 12, false),                       // on the range's last day: new for B
            (p[4], a, from - Duration::days(1), 13, true),  // a cancelled visit before is no visit
            (p[4], a, from + Duration::days(4), 13, false),
        ];
        let mut booked = Vec::new();
        for (patient, doctor, day, hour, cancelled) in visits {
            let v = book(&app, &admin, patient, doctor, (day, hour, 0), &[service], None).await;
            let id = v["id"].as_i64().unwrap();
            if cancelled {
                post(&app, &admin, &format!("/api/v1/appointments/{id}/status"), json!({"status": "cancelled"})).await;
            }
            booked.push(v);
        }
        let new_patients = |filter: String| {
            let (app, admin) = (&app, &admin);
            async move {
                let res = app.get_auth(&format!("/api/v1/analytics/summary?from={from}&to={to}{filter}"), admin).await;
                assert_eq!(res.status(), 200, "{filter}");
                res.json::<Value>().await.unwrap()["new_patients"].as_i64().unwrap()
            }
        };
        let expect = |clinic: i64, of_a: i64, of_b: i64| {
            let new_patients = &new_patients;
            async move {
                assert_eq!(new_patients(String::new()).await, clinic, "the clinic");
                assert_eq!(new_patients(format!("&doctor_id={a}")).await, of_a, "doctor A");
                assert_eq!(new_patients(format!("&doctor_id={b}")).await, of_b, "doctor B");
                // The kept per-doctor rows agree with the pass over the visits (a list of two).
                assert_eq!(new_patients(format!("&doctor_ids={a},999999")).await, of_a, "doctor A, direct pass");
                assert_eq!(new_patients(format!("&doctor_ids={b},999999")).await, of_b, "doctor B, direct pass");
                assert_eq!(new_patients(format!("&doctor_ids={a},{b}")).await, clinic, "both doctors");
            }
        };
        expect(3, 2, 2).await; // P1, P4, P5 for the clinic; P1, P5 for A; P1, P4 for B

        // P1's visit with A moves before the range: P1 is new for nobody now.
        let v = &booked[0];
        let starts_at = ClinicZone::default().to_utc(from - Duration::days(2), NaiveTime::from_hms_opt(9, 0, 0).unwrap()).to_rfc3339();
        let res = app.send(Method::PATCH, &format!("/api/v1/appointments/{}", v["id"]), Some(&admin), Some(&json!({"starts_at": starts_at, "version": v["version"]}))).await;
        assert_eq!(res.status(), 200);
        expect(2, 1, 1).await;
        // P4's only visit is cancelled: P4 is new for nobody.
        post(&app, &admin, &format!("/api/v1/appointments/{}/status", booked[6]["id"]), json!({"status": "cancelled"})).await;
        expect(1, 1, 0).await;

        let kept = stats_rows(&app).await;
        assert!(kept.iter().any(|r| r.starts_with("stats_doctor_firsts|")));
        app.store.rebuild_stats().await.unwrap();
        assert_eq!(kept, stats_rows(&app).await, "kept by the writes == rebuilt from the base tables");
    }
}

/// A money string in tiyn ("12500.50" → 1_250_050).
fn tiyn(value: &Value) -> i64 {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("money as text: {value}"));
    let (whole, cents) = text.split_once('.').unwrap_or((text, "00"));
    let sign = if whole.starts_with('-') { -1 } else { 1 };
    sign * (whole.trim_start_matches('-').parse::<i64>().unwrap() * 100
        + cents.parse::<i64>().unwrap())
}

/// The additive figures of the reports that sum kept rows (no distinct counts, no averages):
/// (report, where its rows are — `None`: the body is the one row —, the field naming a row,
/// the figures as (field, whether it is money)).
type Figures = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static [(&'static str, bool)],
);
const FIGURES: [Figures; 7] = [
    (
        "summary",
        None,
        None,
        &[
            ("visits", false),
            ("revenue", true),
            ("outstanding_debt", true),
        ],
    ),
    (
        "sources",
        Some("items"),
        Some("source"),
        &[("visits", false), ("revenue", true)],
    ),
    (
        "doctors",
        Some("items"),
        Some("doctor_id"),
        &[("visits", false), ("revenue", true)],
    ),
    (
        "services",
        Some("items"),
        Some("name"),
        &[("count", false), ("billed", true), ("revenue", true)],
    ),
    (
        "payment-methods",
        Some("items"),
        Some("method"),
        &[("paid", true), ("refunded", true), ("refunds", false)],
    ),
    (
        "visits",
        Some("statuses"),
        Some("status"),
        &[("visits", false)],
    ),
    (
        "discounts",
        None,
        None,
        &[("count", false), ("total", true)],
    ),
];

/// Every figure of [`FIGURES`] over `from..=to`, named `report.row.field` (`report.field` for
/// one-row reports); zeros left out.
async fn additive_figures(
    app: &TestApp,
    c: &Clinic,
    from: NaiveDate,
    to: NaiveDate,
) -> std::collections::BTreeMap<String, i64> {
    let mut out = std::collections::BTreeMap::new();
    for (report, rows, naming, fields) in FIGURES {
        let res = app
            .get_auth(
                &format!("/api/v1/analytics/{report}?from={from}&to={to}"),
                &c.admin,
            )
            .await;
        assert_eq!(res.status(), 200, "{report} {from}..{to}");
        let body: Value = res.json().await.unwrap();
        let rows = match rows {
            Some(key) => body[key].as_array().unwrap().clone(),
            None => vec![body],
        };
        for row in &rows {
            let prefix = match naming {
                Some(field) => format!("{report}.{}", row[field]),
                None => report.to_owned(),
            };
            for (field, money) in fields {
                let value = if *money {
                    tiyn(&row[field])
                } else {
                    row[field].as_i64().unwrap()
                };
                out.insert(format!("{prefix}.{field}"), value);
            }
        }
    }
    out.retain(|_, v| *v != 0);
    out
}

both_backends! {
    async fn a_long_range_reads_whole_months_from_month_rows_and_adds_up_to_its_parts(app) {
        let c = clinic(&app).await;
        // Visits on days of the last three months (payments land today), one cancelled, one
        // discounted, one partly refunded: the range runs from the 15th three months back to the
        // end of this month, so its whole months come from month rows.
        let this_month = c.today.with_day(1).unwrap();
        let back = |months: u32, day: u32| (this_month - chrono::Months::new(months)).with_day(day).unwrap();
        let from = back(3, 15);
        let to = (this_month + chrono::Months::new(1)).pred_opt().unwrap();
        for (i, (day, doctor, source)) in [
            (back(3, 14), c.d1, "instagram"), // the day before the range
            (back(3, 15), c.d1, "2gis"),       // its first day
            (back(3, 28), c.d2, "instagram"),
            (back(2, 1), c.d2, "referral"),    // the first whole month's first day
            (back(2, 17), c.d1, "instagram"),
            (back(1, 9), c.d2, "2gis"),
        ].into_iter().enumerate() {
            let v = book(&app, &c.admin, c.p1, doctor, (day, 9 + i as u32, 0), &[c.s1, c.s2], Some(source)).await;
            let id = v["id"].as_i64().unwrap();
            match i {
                1 => { post(&app, &c.admin, &format!("/api/v1/appointments/{id}/payments"), json!({"payments": [{"method": "card", "amount": "3000"}, {"method": "cash", "amount": "1000.50"}]})).await; }
                2 => { post(&app, &c.admin, &format!("/api/v1/appointments/{id}/status"), json!({"status": "cancelled"})).await; }
                3 => {
                    let line = v["lines"][0]["id"].as_i64().unwrap();
                    send(&app, &c, Method::PATCH, &format!("/api/v1/appointments/{id}/lines/{line}"), json!({"price": "7000"})).await;
                    post(&app, &c.admin, &format!("/api/v1/appointments/{id}/payments"), json!({"payments": [{"method": "qr", "amount": "12000"}]})).await;
                    post(&app, &c.admin, &format!("/api/v1/appointments/{id}/refunds"), json!({"amount": "500", "reason": "частичный возврат"})).await;
                }
                _ => {}
            }
        }
        // The parts: stretches of about a month, none holding a whole calendar month.
        let mut parts = Vec::new();
        let mut start = from;
        while start <= to {
            let end = (start + chrono::Months::new(1)).pred_opt().unwrap().min(to);
            parts.push((start, end));
            start = end.succ_opt().unwrap();
        }
        for (a, b) in &parts {
            let part = ReportRange { from: *a, to: *b, doctors: DoctorSet::ALL };
            assert_eq!(part.whole_months(), None, "{a}..{b}");
        }
        let whole = ReportRange { from, to, doctors: DoctorSet::ALL };
        assert!(whole.whole_months().is_some());
        // Before and after the fold (pending deltas, then month rows).
        for folded in [false, true] {
            if folded {
                app.store.fold_stats().await.unwrap();
            }
            let long = additive_figures(&app, &c, from, to).await;
            let mut added = std::collections::BTreeMap::new();
            for (a, b) in &parts {
                for (k, v) in additive_figures(&app, &c, *a, *b).await {
                    *added.entry(k).or_insert(0) += v;
                }
            }
            added.retain(|_, v| *v != 0);
            assert_eq!(long, added, "folded: {folded}");
            assert_eq!(long.get("payment-methods.\"qr\".refunded"), Some(&50_000), "folded: {folded}: the refund");
            // Monthly trends (whole months from month rows) agree with each month's own reports.
            let trends: Value = app.get_auth(&format!("/api/v1/analytics/trends?from={from}&to={to}&period=month"), &c.admin).await.json().await.unwrap();
            let buckets: Vec<NaiveDate> = trends["buckets"].as_array().unwrap().iter().map(|b| b.as_str().unwrap().parse().unwrap()).collect();
            assert_eq!(buckets.len(), 4, "from the 15th three months back to this month's end");
            for (i, start) in buckets.iter().enumerate() {
                let end = (*start + chrono::Months::new(1)).pred_opt().unwrap().min(to);
                let month = additive_figures(&app, &c, (*start).max(from), end).await;
                for s in trends["sources"].as_array().unwrap() {
                    let visits: i64 = s["values"][i].as_str().unwrap().parse().unwrap();
                    assert_eq!(month.get(&format!("sources.{}.visits", s["code"])).copied().unwrap_or(0), visits, "folded: {folded}: {start} {}", s["code"]);
                }
                for m in trends["methods"].as_array().unwrap() {
                    let figure = |name: &str| month.get(&format!("payment-methods.{}.{name}", m["code"])).copied().unwrap_or(0);
                    assert_eq!(figure("paid") - figure("refunded"), tiyn(&m["values"][i]), "folded: {folded}: {start} {}", m["code"]);
                }
            }
            assert_eq!(long.get("discounts.count"), Some(&2), "folded: {folded}: the fixture's and this one");
        }
        let kept = stats_rows(&app).await;
        assert!(kept.iter().any(|r| r.starts_with("stats_lines_months|")));
        app.store.rebuild_stats().await.unwrap();
        assert_eq!(kept, stats_rows(&app).await, "month rows kept by the fold == rebuilt");
    }
}
