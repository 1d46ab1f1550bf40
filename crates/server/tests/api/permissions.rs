//! The role matrix, checked against every operation in the OpenAPI document: adding an endpoint
//! without adding it here fails `every_documented_endpoint_is_in_the_matrix`.

use serde_json::json;

/// (method, path, roles allowed). Public endpoints list every role plus "anonymous".
const MATRIX: &[(&str, &str, &[&str])] = &[
    (
        "get",
        "/healthz",
        &["anonymous", "owner", "admin", "receptionist", "doctor"],
    ),
    (
        "get",
        "/readyz",
        &["anonymous", "owner", "admin", "receptionist", "doctor"],
    ),
    (
        "get",
        "/metrics",
        &["anonymous", "owner", "admin", "receptionist", "doctor"],
    ),
    (
        "post",
        "/api/v1/auth/login",
        &["anonymous", "owner", "admin", "receptionist", "doctor"],
    ),
    (
        "post",
        "/api/v1/auth/refresh",
        &["anonymous", "owner", "admin", "receptionist", "doctor"],
    ),
    (
        "post",
        "/api/v1/auth/logout",
        &["anonymous", "owner", "admin", "receptionist", "doctor"],
    ),
    (
        "get",
        "/api/v1/me",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    (
        "post",
        "/api/v1/me/password",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    (
        "put",
        "/api/v1/me/language",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    ("get", "/api/v1/users", &["owner", "admin"]),
    ("post", "/api/v1/users", &["owner", "admin"]),
    ("patch", "/api/v1/users/{id}", &["owner", "admin"]),
    ("get", "/api/v1/audit-log", &["owner", "admin"]),
    ("get", "/api/v1/backups", &["owner"]),
    ("post", "/api/v1/backups", &["owner"]),
    ("get", "/api/v1/backups/{file}", &["owner"]),
    ("post", "/api/v1/backups/{file}/link", &["owner"]),
    (
        "get",
        "/api/v1/patients",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/patients",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/patients/{id}",
        &["owner", "admin", "receptionist"],
    ),
    (
        "patch",
        "/api/v1/patients/{id}",
        &["owner", "admin", "receptionist"],
    ),
    (
        "delete",
        "/api/v1/patients/{id}",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/patients/{id}/reactivate",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/patients/{id}/history",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/doctors",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    ("post", "/api/v1/doctors", &["owner", "admin"]),
    (
        "get",
        "/api/v1/doctors/{id}",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    ("patch", "/api/v1/doctors/{id}", &["owner", "admin"]),
    ("delete", "/api/v1/doctors/{id}", &["owner", "admin"]),
    (
        "get",
        "/api/v1/services",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    ("post", "/api/v1/services", &["owner", "admin"]),
    (
        "get",
        "/api/v1/services/{id}",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    ("patch", "/api/v1/services/{id}", &["owner", "admin"]),
    ("delete", "/api/v1/services/{id}", &["owner", "admin"]),
    (
        "get",
        "/api/v1/lead-sources",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    ("post", "/api/v1/lead-sources", &["owner", "admin"]),
    ("patch", "/api/v1/lead-sources/{id}", &["owner", "admin"]),
    ("delete", "/api/v1/lead-sources/{id}", &["owner", "admin"]),
    // Doctors read their own schedule (another doctor's visit is a 404, never a 403).
    (
        "get",
        "/api/v1/appointments",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    (
        "post",
        "/api/v1/appointments",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/appointments/{id}",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    (
        "patch",
        "/api/v1/appointments/{id}",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/appointments/{id}/status",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/appointments/{id}/lines",
        &["owner", "admin", "receptionist"],
    ),
    (
        "patch",
        "/api/v1/appointments/{id}/lines/{line_id}",
        &["owner", "admin", "receptionist"],
    ),
    (
        "delete",
        "/api/v1/appointments/{id}/lines/{line_id}",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/appointments/{id}/payments",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    (
        "post",
        "/api/v1/appointments/{id}/payments",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/payments",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/reminders",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/settings/reminders",
        &["owner", "admin", "receptionist"],
    ),
    ("put", "/api/v1/settings/reminders", &["owner"]),
    (
        "post",
        "/api/v1/payments/{id}/void",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/appointments/{id}/refunds",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/registers",
        &["owner", "admin", "receptionist"],
    ),
    ("post", "/api/v1/registers", &["owner", "admin"]),
    ("patch", "/api/v1/registers/{id}", &["owner", "admin"]),
    (
        "post",
        "/api/v1/registers/{id}/shifts",
        &["owner", "admin", "receptionist"],
    ),
    ("get", "/api/v1/shifts", &["owner", "admin", "receptionist"]),
    (
        "get",
        "/api/v1/shifts/{id}",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/shifts/{id}/entries",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/cash-desk/outside-shifts",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/shifts/{id}/cash-movements",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/shifts/{id}/x-report",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/shifts/{id}/count",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/shifts/{id}/close",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/shifts/{id}/z-report",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/settings/cash-desk",
        &["owner", "admin", "receptionist"],
    ),
    ("put", "/api/v1/settings/cash-desk", &["owner", "admin"]),
    ("get", "/api/v1/analytics/summary", &["owner", "admin"]),
    ("get", "/api/v1/analytics/sources", &["owner", "admin"]),
    (
        "get",
        "/api/v1/analytics/payment-methods",
        &["owner", "admin"],
    ),
    (
        "get",
        "/api/v1/analytics/revenue-daily",
        &["owner", "admin"],
    ),
    ("get", "/api/v1/analytics/visits", &["owner", "admin"]),
    ("get", "/api/v1/analytics/doctors", &["owner", "admin"]),
    ("get", "/api/v1/analytics/services", &["owner", "admin"]),
    ("get", "/api/v1/analytics/discounts", &["owner", "admin"]),
    ("get", "/api/v1/analytics/trends", &["owner", "admin"]),
    ("get", "/api/v1/analytics/deposits", &["owner", "admin"]),
    ("post", "/api/v1/imports/{kind}", &["owner", "admin"]),
    (
        "get",
        "/api/v1/appointments/{id}/receipt",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    (
        "get",
        "/api/v1/appointments/{id}/invoice",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    (
        "get",
        "/api/v1/appointments/{id}/act",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    (
        "get",
        "/api/v1/settings/clinic",
        &["owner", "admin", "receptionist", "doctor"],
    ),
    ("put", "/api/v1/settings/clinic", &["owner"]),
    ("get", "/api/v1/api-keys", &["owner"]),
    ("post", "/api/v1/api-keys", &["owner"]),
    ("delete", "/api/v1/api-keys/{id}", &["owner"]),
    ("get", "/api/v1/webhooks", &["owner"]),
    ("post", "/api/v1/webhooks", &["owner"]),
    ("patch", "/api/v1/webhooks/{id}", &["owner"]),
    ("delete", "/api/v1/webhooks/{id}", &["owner"]),
    ("get", "/api/v1/webhooks/{id}/deliveries", &["owner"]),
    ("post", "/api/v1/webhook-deliveries/{id}/replay", &["owner"]),
    (
        "get",
        "/api/v1/imports/{kind}/template",
        &["owner", "admin"],
    ),
    (
        "get",
        "/api/v1/exports/{kind}",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/settings/bonus-programme",
        &["owner", "admin", "receptionist"],
    ),
    ("put", "/api/v1/settings/bonus-programme", &["owner"]),
    (
        "get",
        "/api/v1/patients/{id}/balance",
        &["owner", "admin", "receptionist"],
    ),
    (
        "get",
        "/api/v1/patients/{id}/statement",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/patients/{id}/deposits",
        &["owner", "admin", "receptionist"],
    ),
    (
        "post",
        "/api/v1/patients/{id}/withdrawals",
        &["owner", "admin", "receptionist"],
    ),
];

#[test]
fn every_documented_endpoint_is_in_the_matrix() {
    let doc: serde_json::Value =
        serde_json::from_str(&emhana_server::openapi::document_json()).unwrap();
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    for (method, path) in &documented {
        assert!(
            MATRIX.iter().any(|(m, p, _)| m == method && p == path),
            "{method} {path} is documented but missing from the permission matrix"
        );
    }
    assert_eq!(
        documented.len(),
        MATRIX.len(),
        "the matrix lists an endpoint that does not exist"
    );
}

both_backends! {
    async fn every_role_gets_exactly_what_the_matrix_allows(app) {
        let mut tokens = vec![("anonymous", None)];
        for role in ["owner", "admin", "receptionist", "doctor"] {
            let token = if role == "owner" { app.owner_token().await } else { app.token_for(role).await };
            tokens.push((role, Some(token)));
        }
        for (method, path, allowed) in MATRIX {
            // Account 2 is the admin created above: every manager may touch it (not so the owner).
            let path = path.replace("{id}", "2").replace("{line_id}", "1").replace("{kind}", "payments");
            for (role, token) in &tokens {
                let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                // A harmless body: permission is decided before validation.
                let body = (method != reqwest::Method::GET).then(|| json!({"version": 0}));
                let res = app.send(method.clone(), &path, token.as_deref(), body.as_ref()).await;
                let status = res.status().as_u16();
                if allowed.contains(&"anonymous") {
                    // Public endpoints answer 401 for a bad refresh token: never 403.
                    assert_ne!(status, 403, "{role} {method} {path}");
                } else if allowed.contains(role) {
                    assert!(status != 401 && status != 403, "{role} {method} {path} -> {status}, expected allowed");
                } else if *role == "anonymous" {
                    assert_eq!(status, 401, "{role} {method} {path}");
                } else {
                    assert_eq!(status, 403, "{role} {method} {path}");
                }
            }
        }
    }
}
