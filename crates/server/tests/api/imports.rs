//! Imports: the export of patients and of the price list imports into an empty clinic as the
//! same rows; a second import creates nothing; a messy file names every bad cell and writes
//! nothing; too large and not-a-spreadsheet files are refused clearly.

use serde_json::{json, Value};

use crate::helpers::TestApp;

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = app.post_json(path, Some(token), &body).await;
    assert!(res.status().is_success(), "{path}: {}", res.status());
    res.json().await.unwrap()
}

async fn upload(app: &TestApp, token: &str, path: &str, file: Vec<u8>) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .header("x-file-name", "clinic.xlsx")
        .body(file)
        .send()
        .await
        .unwrap()
}

async fn export(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let res = app.get_auth(path, token).await;
    assert_eq!(res.status(), 200, "{path}");
    res.bytes().await.unwrap().to_vec()
}

/// Directory rows as compared across clinics (ids and times aside).
async fn rows(app: &TestApp, sql: &'static str) -> Vec<String> {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_all(app.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>(0).unwrap())
        .collect()
}

const PATIENTS: &str = "SELECT first_name || '|' || COALESCE(last_name, '') || '|' || phone || '|' || COALESCE(birth_date, '') || '|' || COALESCE(email, '') || '|' || COALESCE(notes, '') FROM patients WHERE is_active = 1 ORDER BY phone";
const SERVICES: &str = "SELECT sv.name || '|' || CAST(sv.base_price AS TEXT) || '|' || CAST(sv.duration_minutes AS TEXT) || '|' || COALESCE(sv.description, '') || '|' || COALESCE(d.last_name || ' ' || d.first_name, '') FROM services sv LEFT JOIN doctors d ON d.id = sv.doctor_id WHERE sv.is_active = 1 ORDER BY sv.name";
const DOCTORS: &str = "SELECT last_name || '|' || first_name || '|' || specialization || '|' || COALESCE(phone, '') || '|' || COALESCE(email, '') FROM doctors WHERE is_active = 1 ORDER BY last_name";

both_backends! {
    async fn exported_patients_and_prices_import_into_an_empty_clinic_as_the_same_rows(app) {
        let admin = app.token_for("admin").await;
        post(&app, &admin, "/api/v1/patients", json!({"first_name": "Әлия", "last_name": "Қасымова", "phone": "87010000001", "birth_date": "1990-05-17", "email": "aliya@example.kz", "notes": "аллергия, \"пенициллин\""})).await;
        post(&app, &admin, "/api/v1/patients", json!({"first_name": "Ұлан", "phone": "87010000002"})).await;
        let doctor = post(&app, &admin, "/api/v1/doctors", json!({"first_name": "Әлия", "last_name": "Қасымова", "specialization": "Терапевт", "phone": "87270000001", "email": "aliya@clinic.kz"})).await["id"].as_i64().unwrap();
        post(&app, &admin, "/api/v1/doctors", json!({"first_name": "Ерлан", "last_name": "Оспанов", "specialization": "Хирург"})).await;
        post(&app, &admin, "/api/v1/services", json!({"name": "Приём терапевта", "base_price": "10000.50", "duration_minutes": 30, "description": "первичный", "doctor_id": doctor})).await;
        post(&app, &admin, "/api/v1/services", json!({"name": "Анализ крови", "base_price": "0", "duration_minutes": 15})).await;
        for format in ["xlsx", "csv"] {
            let patients = export(&app, &admin, &format!("/api/v1/exports/patients?format={format}")).await;
            let services = export(&app, &admin, &format!("/api/v1/exports/services?format={format}")).await;
            let doctors = export(&app, &admin, &format!("/api/v1/exports/doctors?format={format}")).await;
            let other = TestApp::spawn(app.db).await;
            let other_admin = other.token_for("admin").await;
            let dry: Value = upload(&other, &other_admin, "/api/v1/imports/patients", patients.clone()).await.json().await.unwrap();
            assert_eq!((dry["create"].as_i64(), dry["applied"].as_bool()), (Some(2), Some(false)), "{format}: {dry}");
            assert!(rows(&other, PATIENTS).await.is_empty(), "a dry run writes nothing");
            let done = upload(&other, &other_admin, "/api/v1/imports/patients?dry_run=false", patients.clone()).await;
            assert_eq!(done.status(), 200);
            // The price list names its doctors: before they exist, those rows are invalid.
            let early: Value = upload(&other, &other_admin, "/api/v1/imports/services", services.clone()).await.json().await.unwrap();
            assert_eq!(early["invalid"], 1, "{early}");
            let done = upload(&other, &other_admin, "/api/v1/imports/doctors?dry_run=false", doctors.clone()).await;
            assert_eq!(done.status(), 200);
            let done = upload(&other, &other_admin, "/api/v1/imports/services?dry_run=false", services.clone()).await;
            assert_eq!(done.status(), 200);
            assert_eq!(rows(&other, DOCTORS).await, rows(&app, DOCTORS).await, "{format}");
            assert_eq!(rows(&other, PATIENTS).await, rows(&app, PATIENTS).await, "{format}");
            assert_eq!(rows(&other, SERVICES).await, rows(&app, SERVICES).await, "{format}");
            // The same files again: nothing new.
            let again: Value = upload(&other, &other_admin, "/api/v1/imports/patients?dry_run=false", patients).await.json().await.unwrap();
            assert_eq!((again["create"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(2)));
            let again: Value = upload(&other, &other_admin, "/api/v1/imports/services?dry_run=false", services).await.json().await.unwrap();
            assert_eq!((again["create"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(2)));
            let again: Value = upload(&other, &other_admin, "/api/v1/imports/doctors?dry_run=false", doctors).await.json().await.unwrap();
            assert_eq!((again["create"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(2)));
            assert_eq!(rows(&other, PATIENTS).await.len(), 2);
            let audit: Value = other.get_auth("/api/v1/audit-log?action=import", &other_admin).await.json().await.unwrap();
            assert_eq!(audit["items"].as_array().unwrap().len(), 6, "each apply audited");
        }
    }

    async fn a_messy_file_names_every_bad_cell_and_writes_nothing(app) {
        let admin = app.token_for("admin").await;
        post(&app, &admin, "/api/v1/patients", json!({"first_name": "Ерлан", "phone": "87010000009"})).await;
        let file = "Фамилия;Имя;Телефон;Дата рождения;Email\n\
            Қасымова;Әлия;8 (701) 000-00-01;1990-05-17;\n\
            ;;87010000002;;\n\
            Оспанов;Ерлан;12345;;\n\
            ;Гүлнар;+7 701 000 00 01;;\n\
            ;Ұлан;87010000003;2099-01-01;\n\
            ;Нұрлан;87010000004;;not-an-email\n\
            Сейітов;Ерлан;87010000009;;\n";
        let res = upload(&app, &admin, "/api/v1/imports/patients", file.as_bytes().to_vec()).await;
        assert_eq!(res.status(), 200);
        let plan: Value = res.json().await.unwrap();
        let actions: Vec<(i64, &str)> = plan["rows"].as_array().unwrap().iter().map(|r| (r["row"].as_i64().unwrap(), r["action"].as_str().unwrap())).collect();
        assert_eq!(actions, [(2, "create"), (3, "invalid"), (4, "invalid"), (5, "duplicate"), (6, "invalid"), (7, "invalid"), (8, "update")]);
        let columns = |i: usize| plan["rows"][i]["errors"].as_array().unwrap().iter().map(|e| e["column"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
        assert_eq!((columns(1), columns(2), columns(4), columns(5)), (vec!["Имя".to_owned()], vec!["Телефон".to_owned()], vec!["Дата рождения".to_owned()], vec!["Email".to_owned()]));
        assert_eq!(plan["rows"][3]["duplicate_of_row"], 2);
        let res = upload(&app, &admin, "/api/v1/imports/patients?dry_run=false", file.as_bytes().to_vec()).await;
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["rows.3.Имя", "rows.4.Телефон", "rows.6.Дата рождения", "rows.7.Email"]);
        assert_eq!(rows(&app, PATIENTS).await.len(), 1, "nothing written, not even the good rows");
        // A negative price and a missing column on the price list.
        let res = upload(&app, &admin, "/api/v1/imports/services", "Услуга,Цена,\"Длительность, мин\"\nУЗИ,-5,20\n".as_bytes().to_vec()).await;
        let plan: Value = res.json().await.unwrap();
        assert_eq!(plan["rows"][0]["errors"][0]["column"], "Цена");
        let res = upload(&app, &admin, "/api/v1/imports/services", "Услуга,Цена\nУЗИ,5\n".as_bytes().to_vec()).await;
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "file");
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains("Длительность"));
    }

    async fn too_large_and_foreign_files_are_refused_clearly(app) {
        let admin = app.token_for("admin").await;
        let res = upload(&app, &admin, "/api/v1/imports/patients", vec![b'a'; 21 * 1024 * 1024]).await;
        assert_eq!(res.status(), 413);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "payload_too_large");
        let pdf = b"%PDF-1.4\n\xff\xfe\x00binary".to_vec();
        let res = upload(&app, &admin, "/api/v1/imports/patients", pdf).await;
        assert_eq!(res.status(), 422);
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "file");
        let res = upload(&app, &admin, "/api/v1/imports/doctors", b"a".to_vec()).await;
        assert_eq!(res.status(), 422);
        let desk = app.token_for("receptionist").await;
        assert_eq!(upload(&app, &desk, "/api/v1/imports/patients", b"a".to_vec()).await.status(), 403);
        let template = app.get_auth("/api/v1/imports/patients/template", &admin).await;
        assert_eq!(template.status(), 200);
        let bytes = template.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"));
        // The template's columns are the import's: uploading it back is "no rows", not "no columns".
        let res = upload(&app, &admin, "/api/v1/imports/patients", bytes.to_vec()).await;
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["message"], "В файле нет строк с данными");
    }
}
