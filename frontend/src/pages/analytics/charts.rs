//! The dashboard's charts as ECharts options: donuts, bars, a line, stacked trends. Only the keys
//! the dashboard sets are written; ECharts fills in the rest. Charts plot tenge as numbers for
//! display only; the tables beside them show exact money.

use emhana_api_types::analytics::TrendSeries;
use serde_json::{json, Value};

/// Charts plot tenge as numbers (display only; the tables show exact money).
pub(super) fn money_f64(m: &emhana_domain::Money) -> f64 {
    m.tiyn() as f64 / 100.0
}

/// A legend under the plot.
fn legend() -> Value {
    json!({ "bottom": "0" })
}

/// A category axis labelled with `labels`.
fn categories(labels: Vec<String>) -> Value {
    json!({ "type": "category", "data": labels })
}

/// A value axis (the chart script gives it the page language's number format).
fn values() -> Value {
    json!({ "type": "value" })
}

/// A day or bucket `YYYY-MM-DD` as `MM-DD`.
fn month_day(day: &str) -> String {
    day.get(5..).unwrap_or(day).to_owned()
}

pub(super) fn donut(title: &str, data: Vec<(f64, String)>) -> Value {
    let data: Vec<Value> = data
        .into_iter()
        .map(|(value, name)| json!({ "value": value, "name": name }))
        .collect();
    json!({
        "animation": false,
        "tooltip": {},
        "legend": legend(),
        "series": [{ "type": "pie", "name": title, "radius": ["45%", "70%"], "data": data }],
    })
}

/// Stacked bars: one series per source or method, one bar per week or month.
pub(super) fn trend(title: &str, data: Option<(Vec<String>, Vec<TrendSeries>)>) -> Value {
    let (buckets, series) = data.unwrap_or_default();
    let series: Vec<Value> = series
        .into_iter()
        .map(|s| {
            let values: Vec<f64> = s.values.iter().map(|v| v.parse().unwrap_or(0.0)).collect();
            json!({ "type": "bar", "name": s.label, "stack": "total", "data": values })
        })
        .collect();
    json!({
        "animation": false,
        "title": { "text": title, "left": "center" },
        "tooltip": { "trigger": "axis" },
        "legend": legend(),
        "grid": { "left": "60", "right": "20", "bottom": "60" },
        "xAxis": categories(buckets.iter().map(|b| month_day(b)).collect()),
        "yAxis": values(),
        "series": series,
    })
}

/// Lines over days (`YYYY-MM-DD`, shown as `MM-DD`): one per named series.
pub(super) fn lines(days: &[String], series: Vec<(&str, Vec<f64>)>) -> Value {
    let legend = (series.len() > 1).then(legend);
    let series: Vec<Value> = series
        .into_iter()
        .map(|(name, values)| json!({ "type": "line", "name": name, "data": values }))
        .collect();
    let mut chart = json!({
        "animation": false,
        "tooltip": { "trigger": "axis" },
        "grid": { "left": "60", "right": "20" },
        "xAxis": categories(days.iter().map(|d| month_day(d)).collect()),
        "yAxis": values(),
        "series": series,
    });
    if let Some(legend) = legend {
        chart["legend"] = legend;
    }
    chart
}

pub(super) fn bars(name: &str, items: Vec<(String, f64)>) -> Value {
    let (labels, amounts): (Vec<String>, Vec<f64>) = items.into_iter().unzip();
    json!({
        "animation": false,
        "tooltip": { "trigger": "axis" },
        "grid": { "left": "160", "right": "20" },
        "xAxis": values(),
        "yAxis": categories(labels),
        "series": [{ "type": "bar", "name": name, "data": amounts }],
    })
}
