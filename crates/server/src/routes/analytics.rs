//! The owner's dashboard (DESIGN §7): every report for `from..=to` (clinic-local days, both
//! required) and an optional doctor. The store aggregates; `domain::analytics` turns sums into
//! shares, averages and the best picks.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use emhana_api_types::analytics::{
    DayItem, DiscountItem, DiscountsReport, DoctorItem, ItemsReport, MethodItem, MethodsReport,
    ServiceItem, SourceItem, SourcesReport, SummaryReport, TrendSeries, TrendsReport,
};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::analytics::{
    average, best_source, most_popular, share_percent, BucketSums, Period,
};
use emhana_domain::validation::parse_date_range;
use emhana_domain::{FieldViolation, Money, PaymentMethod};
use emhana_store::analytics::{PaymentKey, Range};
use emhana_store::Store;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::ApiError;

/// Registers the analytics endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(summary)
        .service(sources)
        .service(payment_methods)
        .service(revenue_daily)
        .service(doctors)
        .service(services)
        .service(discounts)
        .service(trends);
}

/// Longest range a report covers (a few years of daily points).
const MAX_DAYS: i64 = 3 * 366;

/// `?from=&to=&doctor_id=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First clinic-local day, `YYYY-MM-DD`.
    #[param(required = true, format = Date)]
    pub from: Option<String>,
    /// Last clinic-local day (inclusive).
    #[param(required = true, format = Date)]
    pub to: Option<String>,
    /// Only this doctor's visits and the payments for them.
    #[param(minimum = 1)]
    pub doctor_id: Option<i64>,
}

fn range(auth: &Authenticated, q: &RangeQuery) -> Result<Range, ApiError> {
    auth.require(Permission::AnalyticsRead)?;
    let period = parse_date_range(q.from.as_deref(), q.to.as_deref(), MAX_DAYS)?;
    Ok(Range {
        from: period.from,
        to: period.to,
        doctor_id: q.doctor_id,
    })
}

fn days(r: &Range) -> (String, String) {
    (r.from.to_string(), r.to.to_string())
}

fn tiyn(t: i64) -> Money {
    Money::from_tiyn(t)
}

/// KPIs: revenue (live payments by payment day), visits (non-cancelled, by start day), unique /
/// new / returning patients, average check (paid on the range's visits ÷ those with anything
/// paid), outstanding debt (total − paid of the range's visits), no-show rate, cashless share
/// (card + QR + transfer ÷ revenue).
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(RangeQuery), responses(
    (status = 200, body = SummaryReport),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/summary")]
pub async fn summary(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let r = range(&auth, &q)?;
    let totals = store.visit_totals(r).await?;
    let new_patients = store.new_patients(r).await?;
    let methods = store.payment_groups(r, PaymentKey::Method).await?;
    let revenue: i64 = methods.iter().map(|m| m.amount).sum();
    let cashless: i64 = methods
        .iter()
        .filter(|m| PaymentMethod::from_code(&m.group_key).is_some_and(PaymentMethod::is_cashless))
        .map(|m| m.amount)
        .sum();
    let (from, to) = days(&r);
    Ok(HttpResponse::Ok().json(SummaryReport {
        from,
        to,
        revenue: tiyn(revenue),
        visits: totals.visits,
        unique_patients: totals.patients,
        new_patients,
        returning_patients: totals.patients - new_patients,
        average_check: average(tiyn(totals.visit_revenue), totals.paid_visits),
        outstanding_debt: tiyn(totals.debt),
        no_show_rate_percent: share_percent(totals.no_shows, totals.visits),
        cashless_share_percent: share_percent(cashless, revenue),
    }))
}

/// Where patients come from: per source its visits, patients, revenue (paid on those visits),
/// share of visits and average check, best first; `best_source` has the highest revenue (ties:
/// more visits).
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(RangeQuery), responses(
    (status = 200, body = SourcesReport),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/sources")]
pub async fn sources(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let r = range(&auth, &q)?;
    let mut groups = store.source_groups(r).await?;
    // Best first: revenue, then visits (the table under the donut reads top-down).
    groups.sort_by_key(|g| std::cmp::Reverse((g.revenue, g.visits)));
    let visits: i64 = groups.iter().map(|g| g.visits).sum();
    let best = best_source(
        groups
            .iter()
            .map(|g| (g.code.as_str(), tiyn(g.revenue), g.visits)),
    )
    .map(str::to_owned);
    let items = groups
        .into_iter()
        .map(|g| SourceItem {
            share_percent: share_percent(g.visits, visits),
            average_check: average(tiyn(g.revenue), g.paid_visits),
            revenue: tiyn(g.revenue),
            source: g.code,
            label: g.label,
            visits: g.visits,
            patients: g.patients,
        })
        .collect();
    let (from, to) = days(&r);
    Ok(HttpResponse::Ok().json(SourcesReport {
        from,
        to,
        items,
        best_source: best,
    }))
}

/// How patients pay: per method its amount, share of the amount, visits paid with it and
/// average payment; `most_popular_method` paid the most visits (ties: the larger amount).
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(RangeQuery), responses(
    (status = 200, body = MethodsReport),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/payment-methods")]
pub async fn payment_methods(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let r = range(&auth, &q)?;
    let mut groups = store.payment_groups(r, PaymentKey::Method).await?;
    // The UI's order: card, cash, QR, transfer.
    groups.sort_by_key(|g| PaymentMethod::from_code(&g.group_key));
    let amount: i64 = groups.iter().map(|g| g.amount).sum();
    let popular = most_popular(
        groups
            .iter()
            .map(|g| (g.group_key.as_str(), g.visits, tiyn(g.amount))),
    )
    .map(str::to_owned);
    let items = groups
        .into_iter()
        .map(|g| MethodItem {
            label: PaymentMethod::from_code(&g.group_key)
                .map_or_else(|| g.group_key.clone(), |m| m.label_ru().to_owned()),
            share_percent: share_percent(g.amount, amount),
            average_payment: average(tiyn(g.amount), g.payments),
            amount: tiyn(g.amount),
            visits: g.visits,
            method: g.group_key,
        })
        .collect();
    let (from, to) = days(&r);
    Ok(HttpResponse::Ok().json(MethodsReport {
        from,
        to,
        items,
        most_popular_method: popular,
    }))
}

/// Revenue per clinic-local day (every day of the range, zero days included).
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(RangeQuery), responses(
    (status = 200, body = ItemsReport<DayItem>),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/revenue-daily")]
pub async fn revenue_daily(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let r = range(&auth, &q)?;
    let by_day: HashMap<String, (i64, i64)> = store
        .payment_groups(r, PaymentKey::Day)
        .await?
        .into_iter()
        .map(|g| (g.group_key, (g.amount, g.payments)))
        .collect();
    let mut items = Vec::new();
    let mut next = Some(r.from);
    while let Some(day) = next.filter(|d| *d <= r.to) {
        let key = day.format("%Y-%m-%d").to_string();
        let (amount, payments) = by_day.get(&key).copied().unwrap_or((0, 0));
        items.push(DayItem {
            date: key,
            revenue: tiyn(amount),
            payments,
        });
        next = day.succ_opt();
    }
    let (from, to) = days(&r);
    Ok(HttpResponse::Ok().json(ItemsReport { from, to, items }))
}

/// Per doctor: visits, patients, and revenue (live payments in the range for their visits).
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(RangeQuery), responses(
    (status = 200, body = ItemsReport<DoctorItem>),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/doctors")]
pub async fn doctors(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let r = range(&auth, &q)?;
    let items = store
        .doctor_groups(r)
        .await?
        .into_iter()
        .map(|g| DoctorItem {
            revenue: tiyn(g.revenue),
            doctor_id: g.doctor_id,
            name: g.name,
            visits: g.visits,
            patients: g.patients,
        })
        .collect();
    let (from, to) = days(&r);
    Ok(HttpResponse::Ok().json(ItemsReport { from, to, items }))
}

/// Per service: times booked on the range's visits, billed (their prices) and revenue (live
/// payments in the range allocated to it).
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(RangeQuery), responses(
    (status = 200, body = ItemsReport<ServiceItem>),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/services")]
pub async fn services(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let r = range(&auth, &q)?;
    let items = store
        .service_groups(r)
        .await?
        .into_iter()
        .map(|g| ServiceItem {
            revenue: tiyn(g.revenue),
            service_id: g.service_id,
            name: g.name,
            count: g.lines,
            billed: tiyn(g.billed),
        })
        .collect();
    let (from, to) = days(&r);
    Ok(HttpResponse::Ok().json(ItemsReport { from, to, items }))
}

/// Discounts: lines of the range's visits priced below their base price — count, total
/// (base − price), average, and the same by the staff member who set the price.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(RangeQuery), responses(
    (status = 200, body = DiscountsReport),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/discounts")]
pub async fn discounts(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let r = range(&auth, &q)?;
    let groups = store.discount_groups(r).await?;
    let count: i64 = groups.iter().map(|g| g.lines).sum();
    let total: i64 = groups.iter().map(|g| g.amount).sum();
    let items = groups
        .into_iter()
        .map(|g| DiscountItem {
            user_id: g.user_id,
            name: g.name,
            count: g.lines,
            total: tiyn(g.amount),
            average: average(tiyn(g.amount), g.lines),
        })
        .collect();
    let (from, to) = days(&r);
    Ok(HttpResponse::Ok().json(DiscountsReport {
        from,
        to,
        count,
        total: tiyn(total),
        average: average(tiyn(total), count),
        items,
    }))
}

/// `?from=&to=&doctor_id=&period=`
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    /// First clinic-local day, `YYYY-MM-DD`.
    #[param(required = true, format = Date)]
    pub from: Option<String>,
    /// Last clinic-local day (inclusive).
    #[param(required = true, format = Date)]
    pub to: Option<String>,
    /// Only this doctor's visits and the payments for them.
    #[param(minimum = 1)]
    pub doctor_id: Option<i64>,
    /// `week` (default) or `month`.
    #[param(schema_with = emhana_api_types::contract::trend_period)]
    pub period: Option<String>,
}

/// Trends: visits per source and payment amounts per method, per week (Monday-based) or month,
/// every bucket of the range present (zeros included).
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(TrendQuery), responses(
    (status = 200, body = TrendsReport),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/trends")]
pub async fn trends(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<TrendQuery>,
) -> Result<HttpResponse, ApiError> {
    let rq = RangeQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        doctor_id: q.doctor_id,
    };
    let r = range(&auth, &rq)?;
    let code = q.period.as_deref().unwrap_or("week");
    let period = Period::from_code(code).ok_or_else(|| {
        ApiError::from(FieldViolation::new(
            "period",
            "unknown",
            "Период: week или month",
        ))
    })?;
    let mut by_source = BucketSums::new(period, r.from, r.to);
    for row in store.source_days(r).await? {
        if let Ok(day) = row.day.parse() {
            by_source.add(&row.code, &row.label, day, row.visits);
        }
    }
    let mut by_method = BucketSums::new(period, r.from, r.to);
    for row in store.method_days(r).await? {
        if let Ok(day) = row.day.parse() {
            by_method.add(&row.method, &row.method, day, row.amount);
        }
    }
    let buckets = by_source
        .buckets()
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut methods = by_method.into_series();
    methods.sort_by_key(|m| PaymentMethod::from_code(&m.0));
    let (from, to) = days(&r);
    Ok(HttpResponse::Ok().json(TrendsReport {
        from,
        to,
        period: code.to_owned(),
        buckets,
        sources: by_source
            .into_series()
            .into_iter()
            .map(|(code, label, v)| TrendSeries {
                code,
                label,
                values: v.iter().map(ToString::to_string).collect(),
            })
            .collect(),
        methods: methods
            .into_iter()
            .map(|(code, _, v)| TrendSeries {
                label: PaymentMethod::from_code(&code)
                    .map_or_else(|| code.clone(), |m| m.label_ru().to_owned()),
                code,
                values: v.iter().map(|t| tiyn(*t).to_string()).collect(),
            })
            .collect(),
    }))
}
