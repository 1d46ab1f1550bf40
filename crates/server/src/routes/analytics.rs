//! The owner's dashboard (DESIGN §7): every report for `from..=to` (clinic-local days, both
//! required) and optionally one doctor or several. The store aggregates; `domain::analytics` turns sums into
//! shares, averages and the best picks.

use actix_web::{get, web, HttpResponse};
use emhana_api_types::analytics::{
    DayItem, DiscountItem, DiscountsReport, DoctorItem, ItemsReport, MethodItem, MethodsReport,
    ServiceItem, SourceItem, SourcesReport, StatusItem, SummaryReport, TrendSeries, TrendsReport,
    VisitDayItem, VisitsReport,
};
use emhana_api_types::queries::{RangeQuery, TrendQuery};
use emhana_api_types::ProblemDetails;
use emhana_domain::access::Permission;
use emhana_domain::analytics::{
    average, best_source, most_popular, share_percent, status_shares, BucketSums, Period,
    ReportRange,
};
use emhana_domain::{Money, PaymentMethod, VisitStatus};
use emhana_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Authenticated;
use crate::ApiError;

/// Registers the analytics endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(summary)
        .service(sources)
        .service(payment_methods)
        .service(revenue_daily)
        .service(visit_counts)
        .service(doctors)
        .service(services)
        .service(discounts)
        .service(trends);
}

fn range(auth: &Authenticated, q: &RangeQuery) -> Result<ReportRange, ApiError> {
    auth.require(Permission::AnalyticsRead)?;
    Ok(ReportRange::parse(
        q.from.as_deref(),
        q.to.as_deref(),
        q.doctor_id,
        q.doctor_ids.as_deref(),
    )?)
}

/// The revenue methods, and what bonuses paid (net of refunds): a discount, shown beside revenue
/// and never in it.
fn split_bonus(
    totals: Vec<emhana_store::analytics::MethodTotal>,
) -> (Vec<emhana_store::analytics::MethodTotal>, Money) {
    let (revenue, bonus): (Vec<_>, Vec<_>) =
        totals.into_iter().partition(|m| m.method.is_revenue());
    (
        revenue,
        Money::from_tiyn(bonus.iter().map(|m| m.amount.tiyn()).sum()),
    )
}

fn days(r: &ReportRange) -> (String, String) {
    (r.from.to_string(), r.to.to_string())
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
    Ok(HttpResponse::Ok().json(summary_report(&store, r).await?))
}

/// The `summary` report's figures (also a sheet of the analytics workbook).
pub async fn summary_report(store: &Store, r: ReportRange) -> Result<SummaryReport, ApiError> {
    let totals = store.visit_totals(r).await?;
    let new_patients = store.new_patients(r).await?;
    let (methods, bonus_paid) = split_bonus(store.method_totals(r).await?);
    let revenue: i64 = methods.iter().map(|m| m.amount.tiyn()).sum();
    let cashless: i64 = methods
        .iter()
        .filter(|m| m.method.is_cashless())
        .map(|m| m.amount.tiyn())
        .sum();
    let (from, to) = days(&r);
    Ok(SummaryReport {
        from,
        to,
        revenue: Money::from_tiyn(revenue),
        visits: totals.visits,
        unique_patients: totals.patients,
        new_patients,
        returning_patients: totals.patients - new_patients,
        average_check: average(totals.visit_revenue, totals.paid_visits),
        outstanding_debt: totals.debt,
        no_show_rate_percent: share_percent(totals.no_shows, totals.visits),
        cashless_share_percent: share_percent(cashless, revenue),
        bonus_paid,
    })
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
    Ok(HttpResponse::Ok().json(sources_report(&store, r).await?))
}

/// The `sources` report's figures (also a sheet of the analytics workbook).
pub async fn sources_report(store: &Store, r: ReportRange) -> Result<SourcesReport, ApiError> {
    let groups = store.source_groups(r).await?;
    let visits: i64 = groups.iter().map(|g| g.visits).sum();
    let best = best_source(
        groups
            .iter()
            .map(|g| (g.code.as_str(), g.revenue, g.visits)),
    )
    .map(str::to_owned);
    let items = groups
        .into_iter()
        .map(|g| SourceItem {
            share_percent: share_percent(g.visits, visits),
            average_check: average(g.revenue, g.paid_visits),
            revenue: g.revenue,
            source: g.code,
            label: g.label,
            visits: g.visits,
            patients: g.patients,
        })
        .collect();
    let (from, to) = days(&r);
    Ok(SourcesReport {
        from,
        to,
        items,
        best_source: best,
    })
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
    Ok(HttpResponse::Ok().json(payment_methods_report(&store, r).await?))
}

/// The `payment_methods` report's figures (also a sheet of the analytics workbook).
pub async fn payment_methods_report(
    store: &Store,
    r: ReportRange,
) -> Result<MethodsReport, ApiError> {
    let (groups, bonus_paid) = split_bonus(store.method_totals(r).await?);
    let amount: i64 = groups.iter().map(|g| g.amount.tiyn()).sum();
    let popular = most_popular(groups.iter().map(|g| (g.method.code(), g.visits, g.amount)))
        .map(str::to_owned);
    let items = groups
        .into_iter()
        .map(|g| MethodItem {
            label: g.method.label_ru().to_owned(),
            share_percent: share_percent(g.amount.tiyn(), amount),
            average_payment: average(g.paid, g.payments),
            amount: g.amount,
            paid: g.paid,
            refunded: g.refunded,
            refunds: g.refunds,
            visits: g.visits,
            method: g.method.code().to_owned(),
        })
        .collect();
    let (from, to) = days(&r);
    Ok(MethodsReport {
        from,
        to,
        items,
        most_popular_method: popular,
        bonus_paid,
    })
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
    Ok(HttpResponse::Ok().json(revenue_daily_report(&store, r).await?))
}

/// The `revenue_daily` report's figures (also a sheet of the analytics workbook).
pub async fn revenue_daily_report(
    store: &Store,
    r: ReportRange,
) -> Result<ItemsReport<DayItem>, ApiError> {
    let items = r
        .every_day(store.day_totals(r).await?, |t| t.day)
        .into_iter()
        .map(|(day, total)| DayItem {
            date: day.to_string(),
            revenue: total.map_or(Money::ZERO, |t| t.amount),
            payments: total.map_or(0, |t| t.payments),
        })
        .collect();
    let (from, to) = days(&r);
    Ok(ItemsReport { from, to, items })
}

/// Visits per clinic-local day (every day of the range) and by status: the dashboard's visits
/// line and status pie. Days and doctors as in every report; statuses count cancelled visits too.
#[utoipa::path(tag = "analytics", security(("bearer" = [])), params(RangeQuery), responses(
    (status = 200, body = VisitsReport),
    (status = 422, body = ProblemDetails, content_type = "application/problem+json")
))]
#[get("/analytics/visits")]
pub async fn visit_counts(
    auth: Authenticated,
    store: web::Data<Store>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse, ApiError> {
    let r = range(&auth, &q)?;
    let (from, to) = days(&r);
    let day_items = r
        .every_day(store.visit_days(r).await?, |d| d.day)
        .into_iter()
        .map(|(day, d)| VisitDayItem {
            date: day.to_string(),
            visits: d.map_or(0, |d| d.visits),
            no_shows: d.map_or(0, |d| d.no_shows),
        })
        .collect();
    let counts: Vec<(VisitStatus, i64)> = store
        .status_counts(r)
        .await?
        .into_iter()
        .map(|c| (c.status, c.visits))
        .collect();
    let statuses = status_shares(&counts)
        .into_iter()
        .map(|(status, visits, share_percent)| StatusItem {
            status: status.code().into(),
            label: status.label_ru().into(),
            visits,
            share_percent,
        })
        .collect();
    Ok(HttpResponse::Ok().json(VisitsReport {
        from,
        to,
        days: day_items,
        statuses,
    }))
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
    Ok(HttpResponse::Ok().json(doctors_report(&store, r).await?))
}

/// The `doctors` report's figures (also a sheet of the analytics workbook).
pub async fn doctors_report(
    store: &Store,
    r: ReportRange,
) -> Result<ItemsReport<DoctorItem>, ApiError> {
    let items = store
        .doctor_groups(r)
        .await?
        .into_iter()
        .map(|g| DoctorItem {
            revenue: g.revenue,
            doctor_id: g.doctor_id.0,
            name: g.name,
            visits: g.visits,
            patients: g.patients,
        })
        .collect();
    let (from, to) = days(&r);
    Ok(ItemsReport { from, to, items })
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
    Ok(HttpResponse::Ok().json(services_report(&store, r).await?))
}

/// The `services` report's figures (also a sheet of the analytics workbook).
pub async fn services_report(
    store: &Store,
    r: ReportRange,
) -> Result<ItemsReport<ServiceItem>, ApiError> {
    let items = store
        .service_groups(r)
        .await?
        .into_iter()
        .map(|g| ServiceItem {
            revenue: g.revenue,
            service_id: g.service_id.0,
            name: g.name,
            count: g.lines,
            billed: g.billed,
        })
        .collect();
    let (from, to) = days(&r);
    Ok(ItemsReport { from, to, items })
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
    Ok(HttpResponse::Ok().json(discounts_report(&store, r).await?))
}

/// The `discounts` report's figures (also a sheet of the analytics workbook).
pub async fn discounts_report(store: &Store, r: ReportRange) -> Result<DiscountsReport, ApiError> {
    let groups = store.discount_groups(r).await?;
    let count: i64 = groups.iter().map(|g| g.lines).sum();
    let total = Money::from_tiyn(groups.iter().map(|g| g.amount.tiyn()).sum());
    let items = groups
        .into_iter()
        .map(|g| DiscountItem {
            user_id: g.user_id.map(|u| u.0),
            name: g.name,
            count: g.lines,
            total: g.amount,
            average: average(g.amount, g.lines),
        })
        .collect();
    let (from, to) = days(&r);
    Ok(DiscountsReport {
        from,
        to,
        count,
        total,
        average: average(total, count),
        items,
    })
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
        doctor_ids: q.doctor_ids.clone(),
    };
    let r = range(&auth, &rq)?;
    let period = Period::parse(q.period.as_deref())?;
    let mut by_source = BucketSums::new(period, r.from, r.to);
    for row in store.source_days(r, period).await? {
        by_source.add(&row.code, &row.label, row.day, row.visits);
    }
    // Methods read in the UI's order: their series are opened in that order first.
    let method_days = store.method_days(r, period).await?;
    let mut by_method = BucketSums::new(period, r.from, r.to);
    for method in PaymentMethod::ALL {
        if method_days.iter().any(|d| d.method == method) {
            by_method.add(method.code(), method.label_ru(), r.from, 0);
        }
    }
    for row in method_days {
        let code = row.method.code();
        by_method.add(code, row.method.label_ru(), row.day, row.amount.tiyn());
    }
    let buckets = by_source
        .buckets()
        .iter()
        .map(ToString::to_string)
        .collect();
    let (from, to) = days(&r);
    Ok(HttpResponse::Ok().json(TrendsReport {
        from,
        to,
        period: period.code().to_owned(),
        buckets,
        sources: series(by_source.into_series(), |v| v.to_string()),
        methods: series(by_method.into_series(), |t| Money::from_tiyn(t).to_string()),
    }))
}

/// Trend series on the wire, each value written by `value`.
fn series(
    items: Vec<(String, String, Vec<i64>)>,
    value: impl Fn(i64) -> String,
) -> Vec<TrendSeries> {
    items
        .into_iter()
        .map(|(code, label, v)| TrendSeries {
            code,
            label,
            values: v.into_iter().map(&value).collect(),
        })
        .collect()
}
