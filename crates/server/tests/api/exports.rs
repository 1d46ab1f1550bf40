//! Exports: each kind read back (CSV parsed, XLSX opened with calamine) and compared with what
//! was booked and paid; the filters, the receptionist's today-only rule, bad requests, the audit
//! row, and a file larger than one chunk.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::{NaiveTime, Utc};
use emhana_domain::ClinicZone;
use serde_json::{json, Value};

use crate::helpers::TestApp;

struct Clinic {
    admin: String,
    v1: i64,
    v2: i64,
    doctor: i64,
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post_json(path, Some(token), &body).await;
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.unwrap()
}

/// Two doctors, two services, two patients (Kazakh letters), two visits today: V1 with a
/// discounted line paid by card and cash, V2 paid by QR and then refunded in part.
async fn clinic(app: &TestApp) -> Clinic {
    let admin = app.token_for("admin").await;
    let doctor = post(
        app,
        &admin,
        "/api/v1/doctors",
        json!({"first_name": "Әлия", "last_name": "Қасымова", "specialization": "Терапевт"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let other = post(
        app,
        &admin,
        "/api/v1/doctors",
        json!({"first_name": "Ерлан", "last_name": "Оспанов", "specialization": "Хирург"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let s1 = post(
        app,
        &admin,
        "/api/v1/services",
        json!({"name": "Приём терапевта", "base_price": "10000", "duration_minutes": 30}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let s2 = post(
        app,
        &admin,
        "/api/v1/services",
        json!({"name": "Анализ крови", "base_price": "5000.50", "duration_minutes": 15}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let p1 = post(
        app,
        &admin,
        "/api/v1/patients",
        json!({"first_name": "Айгүл", "last_name": "Нұрланова", "phone": "87010000001"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let p2 = post(
        app,
        &admin,
        "/api/v1/patients",
        json!({"first_name": "Ұлан", "phone": "87010000002"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let zone = ClinicZone::default();
    let today = zone.local_date(Utc::now());
    let at = |h| {
        zone.to_utc(today, NaiveTime::from_hms_opt(h, 0, 0).unwrap())
            .to_rfc3339()
    };
    let v1 = post(app, &admin, "/api/v1/appointments", json!({"patient_id": p1, "doctor_id": doctor, "starts_at": at(10), "service_ids": [s1, s2], "source": "instagram", "notes": "первичный"})).await;
    let line = v1["lines"][0]["id"].as_i64().unwrap();
    let v1 = v1["id"].as_i64().unwrap();
    let res = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/appointments/{v1}/lines/{line}"),
            Some(&admin),
            Some(&json!({"price": "9000"})),
        )
        .await;
    assert_eq!(res.status(), 200);
    post(app, &admin, &format!("/api/v1/appointments/{v1}/payments"), json!({"payments": [{"method": "card", "amount": "6000"}, {"method": "cash", "amount": "4000"}]})).await;
    let v2 = post(
        app,
        &admin,
        "/api/v1/appointments",
        json!({"patient_id": p2, "doctor_id": other, "starts_at": at(11), "service_ids": [s2]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    post(
        app,
        &admin,
        &format!("/api/v1/appointments/{v2}/payments"),
        json!({"payments": [{"method": "qr", "amount": "5000.50"}]}),
    )
    .await;
    let res = app
        .post_json(
            &format!("/api/v1/appointments/{v2}/refunds"),
            Some(&admin),
            &json!({"amount": "1000", "reason": "частичный возврат"}),
        )
        .await;
    assert!(
        res.status().is_success(),
        "refund: {} {}",
        res.status(),
        res.text().await.unwrap()
    );
    Clinic {
        admin,
        v1,
        v2,
        doctor,
    }
}

async fn download(app: &TestApp, token: &str, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let res = app.get_auth(path, token).await;
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.bytes().await.unwrap().to_vec();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    (headers, body)
}

fn csv_rows(body: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(body).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn xlsx_rows(body: &[u8]) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(body.to_vec())).unwrap();
    let names = book.sheet_names().to_vec();
    let range = book.worksheet_range(&names[0]).unwrap();
    (names, range.rows().map(<[Data]>::to_vec).collect())
}

fn row_count(headers: &reqwest::header::HeaderMap) -> i64 {
    headers["x-row-count"].to_str().unwrap().parse().unwrap()
}

both_backends! {
    async fn visits_export_as_csv_with_every_sum(app) {
        let c = clinic(&app).await;
        let (headers, body) = download(&app, &c.admin, "/api/v1/exports/appointments.csv").await;
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("attachment; filename=\"emhana_vizity_vse_"), "{disposition}");
        assert!(disposition.contains("filename*=UTF-8''%D0%92%D0%B8%D0%B7%D0%B8%D1%82%D1%8B"), "Визиты: {disposition}");
        assert_eq!(row_count(&headers), 2);
        let rows = csv_rows(&body);
        assert_eq!(rows.len(), 3, "header and two visits");
        assert_eq!(rows[0][0], "№ визита");
        assert_eq!(rows[0][9], "Сумма по прайсу");
        let v1 = &rows[1];
        assert_eq!(v1[0], c.v1.to_string());
        assert_eq!(v1[5], "Қасымова Әлия");
        assert_eq!(v1[6], "Айгүл Нұрланова");
        assert_eq!(v1[7], "+77010000001");
        assert_eq!(v1[8], "Приём терапевта; Анализ крови");
        assert_eq!(&v1[9..14], ["15000.50", "14000.50", "1000.00", "10000.00", "4000.50"]);
        assert_eq!(v1[14], "частично оплачено");
        assert_eq!(v1[15], "Instagram");
        assert_eq!(v1[16], "первичный");
        let v2 = &rows[2];
        assert_eq!(v2[0], c.v2.to_string());
        assert_eq!(&v2[9..14], ["5000.50", "5000.50", "0.00", "4000.50", "1000.00"], "the refund is no longer paid");
    }

    async fn payments_and_refunds_export_with_their_split(app) {
        let c = clinic(&app).await;
        let (headers, body) = download(&app, &c.admin, "/api/v1/exports/payments?format=csv").await;
        assert_eq!(row_count(&headers), 4, "three payments and a refund");
        let rows = csv_rows(&body);
        let summary: Vec<(&str, &str, &str)> = rows[1..].iter().map(|r| (r[0].as_str(), r[3].as_str(), r[4].as_str())).collect();
        assert_eq!(summary, [("Оплата", "Карта", "6000.00"), ("Оплата", "Наличные", "4000.00"), ("Оплата", "QR (Kaspi)", "5000.50"), ("Возврат", "QR (Kaspi)", "-1000.00")]);
        for row in &rows[1..] {
            // "Приём терапевта: 3857.00; Анализ крови: 2143.00": the parts add up to the amount.
            let parts: Vec<(&str, f64)> = row[12].split("; ").map(|p| {
                let (name, amount) = p.rsplit_once(": ").unwrap();
                (name, amount.parse().unwrap())
            }).collect();
            let sum: f64 = parts.iter().map(|p| p.1).sum();
            assert!((sum - row[4].parse::<f64>().unwrap().abs()).abs() < 0.001, "{row:?}");
        }
        assert_eq!(rows[1][12].split("; ").count(), 2, "a visit payment is split over both lines");
        assert_eq!(rows[4][12], "Анализ крови: 1000.00");
        assert_eq!(rows[4][11], "частичный возврат");
        assert_eq!(rows[4][5], c.v2.to_string());
        // The doctor filter keeps only that doctor's visits' money.
        let (headers, body) = download(&app, &c.admin, &format!("/api/v1/exports/payments.csv?doctor_id={}", c.doctor)).await;
        assert_eq!(row_count(&headers), 2);
        assert_eq!(csv_rows(&body).len(), 3);
    }

    async fn xlsx_keeps_numbers_as_numbers_and_dates_as_dates(app) {
        let c = clinic(&app).await;
        let (headers, body) = download(&app, &c.admin, "/api/v1/exports/appointment-lines").await;
        assert_eq!(headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert_eq!(row_count(&headers), 3);
        let (sheets, rows) = xlsx_rows(&body);
        assert_eq!(sheets, ["Услуги визитов"]);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0][4], Data::String("Услуга".into()));
        assert_eq!(rows[1][0], Data::Float(c.v1 as f64));
        assert!(matches!(rows[1][1], Data::DateTime(_)), "a date cell: {:?}", rows[1][1]);
        assert_eq!(rows[1][4], Data::String("Приём терапевта".into()));
        // 10 000 paid on 9 000 + 5 000.50, split in proportion to the prices.
        assert_eq!(&rows[1][5..10], [Data::Float(10000.0), Data::Float(9000.0), Data::Float(1000.0), Data::Float(6428.34), Data::Float(2571.66)]);
        assert_eq!(&rows[2][5..10], [Data::Float(5000.5), Data::Float(5000.5), Data::Float(0.0), Data::Float(3571.66), Data::Float(1428.84)]);
        assert_eq!(&rows[3][5..10], [Data::Float(5000.5), Data::Float(5000.5), Data::Float(0.0), Data::Float(4000.5), Data::Float(1000.0)]);
        let (_, body) = download(&app, &c.admin, "/api/v1/exports/services.xlsx").await;
        let (sheets, rows) = xlsx_rows(&body);
        assert_eq!(sheets, ["Прайс-лист"]);
        let prices: Vec<_> = rows[1..].iter().map(|r| (r[1].clone(), r[2].clone())).collect();
        assert_eq!(prices, [(Data::String("Приём терапевта".into()), Data::Float(10000.0)), (Data::String("Анализ крови".into()), Data::Float(5000.5))]);
    }

    async fn patients_export_filters_by_activity(app) {
        let c = clinic(&app).await;
        let extra = post(&app, &c.admin, "/api/v1/patients", json!({"first_name": "Гүлнар", "phone": "87010000009", "birth_date": "1990-05-17"})).await["id"].as_i64().unwrap();
        let res = app.send(reqwest::Method::DELETE, &format!("/api/v1/patients/{extra}?version=1"), Some(&c.admin), None).await;
        assert!(res.status().is_success());
        let (_, body) = download(&app, &c.admin, "/api/v1/exports/patients.csv").await;
        let names: Vec<_> = csv_rows(&body)[1..].iter().map(|r| r[2].clone()).collect();
        assert_eq!(names, ["Айгүл", "Ұлан"]);
        let (_, body) = download(&app, &c.admin, "/api/v1/exports/patients.csv?active=inactive").await;
        let rows = csv_rows(&body);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[1][2].as_str(), rows[1][4].as_str(), rows[1][6].as_str()), ("Гүлнар", "1990-05-17", "нет"));
        let (headers, _) = download(&app, &c.admin, "/api/v1/exports/patients.csv?active=all").await;
        assert_eq!(row_count(&headers), 3);
    }

    async fn receptionists_export_only_todays_payments_and_every_export_is_audited(app) {
        let c = clinic(&app).await;
        let reception = app.token_for("receptionist").await;
        let (headers, _) = download(&app, &reception, "/api/v1/exports/payments.csv").await;
        assert_eq!(row_count(&headers), 4, "today's payments");
        let yesterday = ClinicZone::default().local_date(Utc::now()).pred_opt().unwrap();
        let res = app.get_auth(&format!("/api/v1/exports/payments.csv?from={yesterday}"), &reception).await;
        assert_eq!(res.status(), 403);
        let res = app.get_auth("/api/v1/exports/appointments", &reception).await;
        assert_eq!(res.status(), 403);
        let doctor = app.token_for("doctor").await;
        assert_eq!(app.get_auth("/api/v1/exports/payments", &doctor).await.status(), 403);
        assert_eq!(app.get("/api/v1/exports/payments").await.status(), 401);
        let audit: Value = app.get_auth("/api/v1/audit-log?action=export", &c.admin).await.json().await.unwrap();
        let entry = &audit["items"][0]["new"];
        assert_eq!((entry["kind"].as_str(), entry["format"].as_str(), entry["rows"].as_i64()), (Some("payments"), Some("csv"), Some(4)));
        assert_eq!(audit["items"].as_array().unwrap().len(), 1, "refused exports are not taken");
    }

    async fn the_analytics_workbook_has_every_report_with_the_apis_figures(app) {
        let c = clinic(&app).await;
        let today = ClinicZone::default().local_date(Utc::now());
        let range = format!("from={}&to={today}", today - chrono::Duration::days(30));
        let (headers, body) = download(&app, &c.admin, &format!("/api/v1/exports/analytics?{range}")).await;
        assert!(headers["content-disposition"].to_str().unwrap().contains("emhana_analitika_"));
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(body)).unwrap();
        assert_eq!(book.sheet_names(), ["Сводка", "Источники", "Способы оплаты", "Выручка по дням", "Врачи", "Услуги", "Скидки"]);
        let summary: Value = app.get_auth(&format!("/api/v1/analytics/summary?{range}"), &c.admin).await.json().await.unwrap();
        let sheet = book.worksheet_range("Сводка").unwrap();
        let value = |label: &str| sheet.rows().find(|r| r[0] == Data::String(label.into())).map(|r| r[1].clone()).unwrap();
        let revenue: f64 = summary["revenue"].as_str().unwrap().parse().unwrap();
        assert_eq!(value("Выручка"), Data::Float(revenue));
        assert_eq!(value("Визиты"), Data::Float(summary["visits"].as_f64().unwrap()));
        let methods: Value = app.get_auth(&format!("/api/v1/analytics/payment-methods?{range}"), &c.admin).await.json().await.unwrap();
        let sheet = book.worksheet_range("Способы оплаты").unwrap();
        let amounts: Vec<Data> = sheet.rows().skip(1).map(|r| r[1].clone()).collect();
        let expected: Vec<Data> = methods["items"].as_array().unwrap().iter().map(|m| Data::Float(m["amount"].as_str().unwrap().parse().unwrap())).collect();
        assert_eq!(amounts, expected);
        let services = book.worksheet_range("Услуги").unwrap();
        assert_eq!(services.rows().count(), 3, "a header and both services");
        for (path, field) in [("/api/v1/exports/analytics", "from"), ("/api/v1/exports/analytics.csv?from=2026-01-01&to=2026-01-02", "format")] {
            let res = app.get_auth(path, &c.admin).await;
            assert_eq!(res.status(), 422, "{path}");
            let problem: Value = res.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], field);
        }
        let reception = app.token_for("receptionist").await;
        assert_eq!(app.get_auth(&format!("/api/v1/exports/analytics?{range}"), &reception).await.status(), 403);

        // Several doctors, as the reports take them: the workbook's summary is the report's.
        let other = post(&app, &c.admin, "/api/v1/doctors", json!({"first_name": "Әлия", "last_name": "Сапарова", "specialization": "Терапевт"})).await["id"].as_i64().unwrap();
        let doctors = format!("{range}&doctor_ids={other},{}", c.doctor);
        let (_, body) = download(&app, &c.admin, &format!("/api/v1/exports/analytics?{doctors}")).await;
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(body)).unwrap();
        let summary: Value = app.get_auth(&format!("/api/v1/analytics/summary?{doctors}"), &c.admin).await.json().await.unwrap();
        assert!(summary["visits"].as_i64().unwrap() > 0);
        let sheet = book.worksheet_range("Сводка").unwrap();
        let visits = sheet.rows().find(|r| r[0] == Data::String("Визиты".into())).map(|r| r[1].clone()).unwrap();
        assert_eq!(visits, Data::Float(summary["visits"].as_f64().unwrap()));
        let res = app.get_auth(&format!("/api/v1/exports/appointments?doctor_ids={other}"), &c.admin).await;
        assert_eq!(res.status(), 422, "several doctors are for the analytics workbook only");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "doctor_ids");
    }

    async fn bad_export_requests_name_the_field(app) {
        let c = clinic(&app).await;
        for (path, field) in [
            ("/api/v1/exports/visitz", "kind"),
            ("/api/v1/exports/payments?format=pdf", "format"),
            ("/api/v1/exports/payments.csv?format=xlsx", "format"),
            ("/api/v1/exports/payments?from=2026-02-30", "from"),
            ("/api/v1/exports/appointments?status=lost", "status"),
            ("/api/v1/exports/patients?active=maybe", "active"),
        ] {
            let res = app.get_auth(path, &c.admin).await;
            assert_eq!(res.status(), 422, "{path}");
            let problem: Value = res.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
        }
    }

    async fn an_export_larger_than_a_chunk_is_complete_and_in_order(app) {
        let c = clinic(&app).await;
        let n = emhana_store::exports::CHUNK + 345;
        // Rows straight into the table (a bulk load): the export reads what is there.
        let sql = match app.db {
            crate::helpers::Db::Sqlite => "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $1) \
                 INSERT INTO patients (first_name, phone, search_key, created_at, updated_at) \
                 SELECT 'Пациент' || i, '+7702' || substr('0000000' || i, -7), 'пациент', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z' FROM k",
            crate::helpers::Db::Postgres => "INSERT INTO patients (first_name, phone, search_key, created_at, updated_at) \
                 SELECT 'Пациент' || i, '+7702' || lpad(i::text, 7, '0'), 'пациент', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z' FROM generate_series(1, $1::bigint) AS i",
        };
        sqlx::query(sql).bind(n).execute(app.store.pool()).await.unwrap();
        for format in ["csv", "xlsx"] {
            let (headers, body) = download(&app, &c.admin, &format!("/api/v1/exports/patients?format={format}")).await;
            assert_eq!(row_count(&headers), n + 2);
            let ids: Vec<i64> = if format == "csv" {
                csv_rows(&body)[1..].iter().map(|r| r[0].parse().unwrap()).collect()
            } else {
                xlsx_rows(&body).1[1..].iter().map(|r| match r[0] { Data::Float(f) => f as i64, ref other => panic!("{other:?}") }).collect()
            };
            assert_eq!(ids.len() as i64, n + 2, "{format}");
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "{format}: in id order, none twice");
        }
    }
}
