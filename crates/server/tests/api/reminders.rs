//! Reminders (issue 21) against a fake provider the test starts: sent only with consent, in the
//! patient's language, through the channel they allowed; a provider's 429, 5xx and silence are
//! retried, a 4xx is given up; a cancelled visit is not reminded; nothing is sent twice — also
//! with two instances sending from one database.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chrono::{DurationRound, Utc};
use emhana_domain::ClinicZone;
use emhana_server::reminders::worker::{round, Sender};
use emhana_server::reminders::ReminderConfig;
use emhana_server::{Application, Settings};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Db, TestApp};

/// What the fake provider does with the next request.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Status(u16, Option<u64>),
    Hang(u64),
}

/// A request the provider got.
#[derive(Debug, Clone)]
struct Got {
    path: String,
    authorization: String,
    idempotency_key: String,
    body: Value,
}

/// A WhatsApp Cloud API (`/wa`) and SMS gateway (`/sms`) on 127.0.0.1: answers from a script,
/// then 200.
#[derive(Clone)]
struct FakeProvider {
    base: String,
    script: Arc<Mutex<VecDeque<(&'static str, Answer)>>>,
    got: Arc<Mutex<Vec<Got>>>,
}

impl FakeProvider {
    async fn start() -> Self {
        let script: Arc<Mutex<VecDeque<(&'static str, Answer)>>> = Arc::default();
        let got: Arc<Mutex<Vec<Got>>> = Arc::default();
        let state = (script.clone(), got.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            let (script, got) = state.clone();
            App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                let (script, got) = (script.clone(), got.clone());
                async move {
                    let header = |name: &str| {
                        req.headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let n = {
                        let mut got = got.lock().unwrap();
                        got.push(Got {
                            path: req.path().to_owned(),
                            authorization: header("Authorization"),
                            idempotency_key: header("Idempotency-Key"),
                            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                        });
                        got.len()
                    };
                    let next = {
                        let mut script = script.lock().unwrap();
                        let at = script.iter().position(|(p, _)| req.path().starts_with(p));
                        at.and_then(|i| script.remove(i)).map(|(_, a)| a)
                    };
                    match next {
                        Some(Answer::Hang(ms)) => {
                            tokio::time::sleep(Duration::from_millis(ms)).await;
                            HttpResponse::Ok().finish()
                        }
                        Some(Answer::Status(code, retry_after)) => {
                            let mut r = HttpResponse::build(
                                actix_web::http::StatusCode::from_u16(code).unwrap(),
                            );
                            if let Some(s) = retry_after {
                                r.insert_header(("Retry-After", s.to_string()));
                            }
                            r.body("{\"error\": \"scripted\"}")
                        }
                        None => HttpResponse::Ok().json(
                            json!({"id": format!("sms-{n}"), "messages": [{"id": format!("wamid.{n}")}]}),
                        ),
                    }
                }
            }))
        })
        .workers(2)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self {
            base: format!("http://127.0.0.1:{port}"),
            script,
            got,
        }
    }

    /// The next request to a path starting with `path` gets `answer` (requests of one round
    /// arrive concurrently, so answers are scripted per provider).
    fn then(&self, path: &'static str, answer: Answer) {
        self.script.lock().unwrap().push_back((path, answer));
    }

    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    /// Both providers pointed here (WhatsApp under `/wa`, SMS at `/sms`).
    fn configure(&self, c: &mut ReminderConfig) {
        c.whatsapp_api_url = format!("{}/wa/v21.0", self.base);
        c.whatsapp_token = Some("wa-token".into());
        c.whatsapp_phone_number_id = Some("1234567890".into());
        c.sms_url = Some(format!("{}/sms", self.base));
        c.sms_token = Some("sms-token".into());
        c.sms_sender = Some("CLINIC".into());
        c.reminder_timeout_ms = 1500;
    }
}

async fn json_of(res: reqwest::Response, status: u16) -> Value {
    let code = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(code, status, "{body}");
    body
}

fn zone() -> ClinicZone {
    ClinicZone::parse("tz", "Asia/Almaty").unwrap()
}

/// Turns reminders on (2 hours before) and sets the clinic's address.
async fn turn_on(app: &TestApp, owner: &str) {
    json_of(
        app.send(
            Method::PUT,
            "/api/v1/settings/clinic",
            Some(owner),
            Some(&json!({"name": "Клиника Шипа", "address": "Алматы, Абая 1"})),
        )
        .await,
        200,
    )
    .await;
    let saved = json_of(
        app.send(
            Method::PUT,
            "/api/v1/settings/reminders",
            Some(owner),
            Some(&json!({"enabled": true, "rules": [{"kind": "hours_before", "hours": 2}],
                "template_ru": "Здравствуйте, {name}! Приём у врача {doctor} {date} в {time}. Адрес: {address}.",
                "template_kk": "Сәлеметсіз бе, {name}! {date} сағат {time}, {doctor}. Мекенжай: {address}."})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(saved["enabled"], true);
}

/// A patient with the given consent and a visit with a doctor of their own starting in
/// `minutes` (100: the 2-hours-before reminder is due at once). Returns (patient, visit) ids.
async fn patient_with_visit(
    app: &TestApp,
    (desk, admin): (&str, &str),
    i: usize,
    reminders: Value,
    minutes: i64,
) -> (i64, i64) {
    let letters = [
        "Айгерим",
        "Болат",
        "Гульнара",
        "Данияр",
        "Ерлан",
        "Жанар",
        "Зарина",
    ];
    let name = format!(
        "{}{}",
        letters[i % letters.len()],
        "а".repeat(i / letters.len())
    );
    let patient = json_of(app.post_json("/api/v1/patients", Some(desk), &json!({"first_name": name, "phone": format!("8701{:07}", 2_000_000 + i), "reminders": reminders})).await, 201).await;
    let doctor = json_of(app.post_json("/api/v1/doctors", Some(admin), &json!({"first_name": "Ерлан", "last_name": format!("Врач{}", "а".repeat(i + 1)), "specialization": "Терапевт"})).await, 201).await;
    let start = (Utc::now() + chrono::Duration::minutes(minutes))
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap();
    let visit = json_of(
        app.post_json(
            "/api/v1/appointments",
            Some(desk),
            &json!({"patient_id": patient["id"], "doctor_id": doctor["id"], "starts_at": start.to_rfc3339(),
                "ends_at": (start + chrono::Duration::minutes(30)).to_rfc3339()}),
        )
        .await,
        201,
    )
    .await;
    (
        patient["id"].as_i64().unwrap(),
        visit["id"].as_i64().unwrap(),
    )
}

async fn reminders_of(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    json_of(
        app.get_auth(&format!("/api/v1/reminders{query}"), token)
            .await,
        200,
    )
    .await
    .as_array()
    .unwrap()
    .clone()
}

fn of_visit(list: &[Value], visit: i64) -> Value {
    list.iter()
        .find(|r| r["appointment_id"] == visit)
        .cloned()
        .unwrap_or_else(|| panic!("no reminder for visit {visit}: {list:?}"))
}

/// Every planned reminder is due now: a test need not wait out a retry's back-off.
async fn due_now(app: &TestApp) {
    app.exec("UPDATE reminders SET next_attempt_at = '2000-01-01T00:00:00.000000Z' WHERE status = 'planned'").await;
}

both_backends! {
    async fn settings_are_checked_and_named(app) {
        let owner = app.owner_token().await;
        let defaults = json_of(app.get_auth("/api/v1/settings/reminders", &owner).await, 200).await;
        assert_eq!(defaults["enabled"], false, "off until an owner turns it on");
        assert_eq!(defaults["rules"].as_array().unwrap().len(), 2);
        assert_eq!(defaults["channels"], json!([]), "the test server has no provider");
        let bad = json_of(
            app.send(Method::PUT, "/api/v1/settings/reminders", Some(&owner), Some(&json!({"enabled": true,
                "rules": [{"kind": "day_before", "at": "25:00"}, {"kind": "hours_before", "hours": 0}, {"kind": "weekly"}],
                "template_ru": "Здравствуйте, {patient}!", "template_kk": ""}))).await,
            422,
        )
        .await;
        let fields: Vec<&str> = bad["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        for field in ["rules.0.at", "rules.1.hours", "rules.2.kind", "template_ru", "template_kk"] {
            assert!(fields.contains(&field), "{field} named in {bad}");
        }
        let desk = app.token_for("receptionist").await;
        let res = app.send(Method::PUT, "/api/v1/settings/reminders", Some(&desk), Some(&defaults)).await;
        assert_eq!(res.status(), 403, "only an owner sets reminders");
        // The consent is on the card, its language checked.
        let patient = json_of(app.post_json("/api/v1/patients", Some(&desk), &json!({"first_name": "Айгерим", "phone": "87015550000"})).await, 201).await;
        assert_eq!(patient["reminders"], json!({"whatsapp": false, "sms": false, "language": "ru"}));
        let id = patient["id"].as_i64().unwrap();
        let bad = json_of(app.send(Method::PATCH, &format!("/api/v1/patients/{id}"), Some(&desk), Some(&json!({"first_name": "Айгерим", "phone": "87015550000", "version": 1, "reminders": {"whatsapp": true, "sms": false, "language": "en"}}))).await, 422).await;
        assert_eq!(bad["errors"][0]["field"], "reminders.language");
        let changed = json_of(app.send(Method::PATCH, &format!("/api/v1/patients/{id}"), Some(&desk), Some(&json!({"first_name": "Айгерим", "phone": "87015550000", "version": 1, "reminders": {"whatsapp": true, "sms": false, "language": "kk"}}))).await, 200).await;
        assert_eq!(changed["reminders"], json!({"whatsapp": true, "sms": false, "language": "kk"}));
        let kept = json_of(app.send(Method::PATCH, &format!("/api/v1/patients/{id}"), Some(&desk), Some(&json!({"first_name": "Айгерима", "phone": "87015550000", "version": 2}))).await, 200).await;
        assert_eq!(kept["reminders"]["whatsapp"], true, "a PATCH without reminders keeps them");
    }
}

/// One clinic's reminders through a full life, with rounds run by the test.
async fn reminders_follow_consent_visits_and_provider_answers(db: Db) {
    let fake = FakeProvider::start().await;
    let app = TestApp::spawn_with(db, |s| s.reminders.reminder_poll_ms = 0).await;
    let mut config = ReminderConfig::for_tests();
    fake.configure(&mut config);
    let sender = Sender {
        zone: zone(),
        providers: config.providers().unwrap(),
    };
    let owner = app.owner_token().await;
    let (desk, admin) = (
        app.token_for("receptionist").await,
        app.token_for("admin").await,
    );
    let wa_kk = json!({"whatsapp": true, "sms": true, "language": "kk"});
    let sms = json!({"whatsapp": false, "sms": true, "language": "ru"});
    let none = json!({"whatsapp": false, "sms": false, "language": "ru"});
    let (_, a) = patient_with_visit(&app, (&desk, &admin), 0, wa_kk, 100).await;
    let (_, b) = patient_with_visit(&app, (&desk, &admin), 1, sms.clone(), 100).await;
    let (_, c) = patient_with_visit(&app, (&desk, &admin), 2, none, 100).await;
    let (_, d) = patient_with_visit(&app, (&desk, &admin), 3, sms.clone(), 150).await;

    round(&app.store, &sender).await.unwrap();
    assert!(fake.got().is_empty(), "reminders are off until turned on");
    turn_on(&app, &owner).await;
    fake.then("/wa", Answer::Status(200, None)); // A through WhatsApp
    fake.then("/sms", Answer::Status(429, Some(1))); // B's SMS: slow down
    round(&app.store, &sender).await.unwrap();

    let got = fake.got();
    assert_eq!(
        got.len(),
        2,
        "A and B tried, C (no consent) and D (not due) not: {got:?}"
    );
    let wa = got
        .iter()
        .find(|g| g.path.starts_with("/wa/"))
        .expect("A by WhatsApp");
    assert_eq!(wa.path, "/wa/v21.0/1234567890/messages");
    assert_eq!(wa.authorization, "Bearer wa-token");
    assert_eq!(wa.body["to"], "77012000000");
    let text = wa.body["text"]["body"].as_str().unwrap();
    assert!(
        text.starts_with("Сәлеметсіз бе, Айгерим!"),
        "in Kazakh: {text}"
    );
    assert!(
        text.contains("Алматы, Абая 1") && text.contains("Врача Ерлан"),
        "{text}"
    );
    let list = reminders_of(&app, &desk, "").await;
    assert_eq!(of_visit(&list, a)["status"], "sent");
    assert_eq!(of_visit(&list, a)["channel"], "whatsapp");
    let rb = of_visit(&list, b);
    assert_eq!(
        (
            rb["status"].as_str(),
            rb["last_status_code"].as_i64(),
            rb["attempts"].as_i64()
        ),
        (Some("planned"), Some(429), Some(1))
    );
    assert_eq!(of_visit(&list, c)["status"], "withdrawn");
    assert_eq!(of_visit(&list, c)["reason"], "no_consent");
    assert_eq!(
        (
            of_visit(&list, d)["status"].as_str(),
            of_visit(&list, d)["attempts"].as_i64()
        ),
        (Some("planned"), Some(0))
    );

    round(&app.store, &sender).await.unwrap();
    assert_eq!(
        fake.got().len(),
        2,
        "B waits out its back-off; A is not sent again"
    );
    // D's visit is cancelled before its reminder is due; then everything is due.
    json_of(
        app.post_json(
            &format!("/api/v1/appointments/{d}/status"),
            Some(&desk),
            &json!({"status": "cancelled", "reason": "передумал"}),
        )
        .await,
        200,
    )
    .await;
    due_now(&app).await;
    round(&app.store, &sender).await.unwrap();
    let got = fake.got();
    assert_eq!(got.len(), 3, "B retried once, D not sent: {got:?}");
    let sms_try = &got[2];
    assert_eq!(sms_try.path, "/sms");
    assert_eq!(sms_try.authorization, "Bearer sms-token");
    assert_eq!(sms_try.body["to"], "+77012000001");
    assert_eq!(sms_try.body["sender"], "CLINIC");
    let list = reminders_of(&app, &desk, "").await;
    let rb = of_visit(&list, b);
    assert_eq!(
        sms_try.idempotency_key,
        format!("emhana-reminder-{}", rb["id"])
    );
    assert_eq!(
        (rb["status"].as_str(), rb["provider_message_id"].as_str()),
        (Some("sent"), Some("sms-3"))
    );
    assert!(rb["body"]
        .as_str()
        .unwrap()
        .starts_with("Здравствуйте, Болат!"));
    assert_eq!(of_visit(&list, d)["reason"], "visit_not_scheduled");

    // A provider that does not answer in time, then fails, then refuses for good.
    let (_, e) = patient_with_visit(&app, (&desk, &admin), 4, sms, 100).await;
    fake.then("/sms", Answer::Hang(4000));
    fake.then("/sms", Answer::Status(503, None));
    fake.then("/sms", Answer::Status(400, None));
    round(&app.store, &sender).await.unwrap();
    let re = of_visit(&reminders_of(&app, &desk, "").await, e);
    assert_eq!(re["status"], "planned", "{re}");
    assert!(
        re["last_error"].as_str().unwrap().contains("no answer"),
        "{re}"
    );
    due_now(&app).await;
    round(&app.store, &sender).await.unwrap();
    let re = of_visit(&reminders_of(&app, &desk, "").await, e);
    assert_eq!(
        (re["status"].as_str(), re["last_status_code"].as_i64()),
        (Some("planned"), Some(503))
    );
    due_now(&app).await;
    round(&app.store, &sender).await.unwrap();
    let re = of_visit(&reminders_of(&app, &desk, "").await, e);
    assert_eq!(
        (
            re["status"].as_str(),
            re["reason"].as_str(),
            re["attempts"].as_i64()
        ),
        (Some("failed"), Some("provider_refused"), Some(3))
    );

    // A visit moved after its reminder was planned: the new time is reminded once, the old
    // reminder is withdrawn.
    let (_, f) = patient_with_visit(
        &app,
        (&desk, &admin),
        5,
        json!({"whatsapp": false, "sms": true, "language": "ru"}),
        150,
    )
    .await;
    round(&app.store, &sender).await.unwrap();
    let before_move = fake.got().len();
    let visit = json_of(
        app.get_auth(&format!("/api/v1/appointments/{f}"), &desk)
            .await,
        200,
    )
    .await;
    let start = (Utc::now() + chrono::Duration::minutes(100))
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap();
    json_of(app.send(Method::PATCH, &format!("/api/v1/appointments/{f}"), Some(&desk), Some(&json!({
        "starts_at": start.to_rfc3339(), "ends_at": (start + chrono::Duration::minutes(30)).to_rfc3339(),
        "version": visit["version"]}))).await, 200).await;
    round(&app.store, &sender).await.unwrap();
    due_now(&app).await;
    round(&app.store, &sender).await.unwrap();
    assert_eq!(
        fake.got().len(),
        before_move + 1,
        "the moved visit is reminded once"
    );
    let of_f: Vec<Value> = reminders_of(&app, &desk, "")
        .await
        .into_iter()
        .filter(|r| r["appointment_id"] == f)
        .collect();
    let mut fates: Vec<(String, String)> = of_f
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap().to_owned(),
                r["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    fates.sort();
    assert_eq!(
        fates,
        vec![
            ("sent".to_owned(), String::new()),
            ("withdrawn".to_owned(), "visit_moved".to_owned())
        ]
    );

    // Nothing is sent twice, however many rounds run.
    let before = fake.got().len();
    due_now(&app).await;
    round(&app.store, &sender).await.unwrap();
    round(&app.store, &sender).await.unwrap();
    assert_eq!(fake.got().len(), before);
    let sent = reminders_of(&app, &desk, "?status=sent").await;
    assert_eq!(sent.len(), 3, "A, B and the moved F");
    let bad = json_of(
        app.get_auth("/api/v1/reminders?status=lost&from=2026-13-01", &desk)
            .await,
        422,
    )
    .await;
    assert_eq!(bad["errors"].as_array().unwrap().len(), 2, "{bad}");
}

/// Two instances sending from one database: each reminder reaches the provider once.
async fn two_instances_send_each_reminder_once(db: Db) {
    let fake = FakeProvider::start().await;
    let app = TestApp::spawn_with(db, |s| s.reminders.reminder_poll_ms = 0).await;
    let owner = app.owner_token().await;
    let (desk, admin) = (
        app.token_for("receptionist").await,
        app.token_for("admin").await,
    );
    let n = 12;
    for i in 0..n {
        let sms = json!({"whatsapp": false, "sms": true, "language": "ru"});
        patient_with_visit(&app, (&desk, &admin), i, sms, 100).await;
    }
    turn_on(&app, &owner).await;
    let mut instances = Vec::new();
    for _ in 0..2 {
        let mut settings = Settings::for_tests(app.url.clone());
        settings.reminders.reminder_poll_ms = 20;
        fake.configure(&mut settings.reminders);
        let instance = Application::build(settings).await.unwrap();
        instances.push(instance.store().clone());
        tokio::spawn(instance.run_until_stopped());
    }
    for _ in 0..300 {
        if fake.got().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = fake.got();
    let mut keys: Vec<&str> = got.iter().map(|g| g.idempotency_key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!((got.len(), keys.len()), (n, n), "each reminder once");
    let sent = reminders_of(&app, &desk, "?status=sent").await;
    assert_eq!(sent.len(), n);
    for store in instances {
        store.close().await;
    }
}

mod reminders_follow_consent_visits_and_provider_answers {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        reminders_follow_consent_visits_and_provider_answers(Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        reminders_follow_consent_visits_and_provider_answers(Db::Postgres).await
    }
}

mod two_instances_send_each_reminder_once {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        two_instances_send_each_reminder_once(Db::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        two_instances_send_each_reminder_once(Db::Postgres).await
    }
}
