//! The dashboard's charts (ECharts through charming): donuts, bars, a line, stacked trends.
//! Charts plot tenge as numbers for display only; the tables beside them show exact money.

use charming::component::{Axis, Grid, Legend};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::{Bar, Line, Pie};
use charming::Chart;
use emhana_api_types::analytics::TrendSeries;

/// Charts plot tenge as numbers (display only; the tables show exact money).
pub(super) fn money_f64(m: &emhana_domain::Money) -> f64 {
    m.tiyn() as f64 / 100.0
}

pub(super) fn donut(title: &str, data: Vec<(f64, String)>) -> Chart {
    Chart::new()
        .animation(false)
        .tooltip(Tooltip::new())
        .legend(Legend::new().bottom("0"))
        .series(Pie::new().name(title).radius(vec!["45%", "70%"]).data(data))
}

/// Stacked bars: one series per source or method, one bar per week or month.
pub(super) fn trend(title: &str, data: Option<(Vec<String>, Vec<TrendSeries>)>) -> Chart {
    let (buckets, series) = data.unwrap_or_default();
    let mut chart = Chart::new()
        .animation(false)
        .title(charming::component::Title::new().text(title).left("center"))
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .legend(Legend::new().bottom("0"))
        .grid(Grid::new().left("60").right("20").bottom("60"))
        .x_axis(
            Axis::new().type_(AxisType::Category).data(
                buckets
                    .iter()
                    .map(|b| b.get(5..).unwrap_or(b).to_owned())
                    .collect(),
            ),
        )
        .y_axis(Axis::new().type_(AxisType::Value));
    for s in series {
        let values: Vec<f64> = s.values.iter().map(|v| v.parse().unwrap_or(0.0)).collect();
        chart = chart.series(Bar::new().name(s.label).stack("total").data(values));
    }
    chart
}

/// Lines over days (`YYYY-MM-DD`, shown as `MM-DD`): one per named series.
pub(super) fn lines(days: &[String], series: Vec<(&str, Vec<f64>)>) -> Chart {
    let mut chart = Chart::new()
        .animation(false)
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(Grid::new().left("60").right("20"))
        .x_axis(
            Axis::new().type_(AxisType::Category).data(
                days.iter()
                    .map(|d| d.get(5..).unwrap_or(d).to_owned())
                    .collect(),
            ),
        )
        .y_axis(Axis::new().type_(AxisType::Value));
    if series.len() > 1 {
        chart = chart.legend(Legend::new().bottom("0"));
    }
    for (name, values) in series {
        chart = chart.series(Line::new().name(name).data(values));
    }
    chart
}

pub(super) fn bars(name: &str, items: Vec<(String, f64)>) -> Chart {
    Chart::new()
        .animation(false)
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(Grid::new().left("160").right("20"))
        .x_axis(Axis::new().type_(AxisType::Value))
        .y_axis(
            Axis::new()
                .type_(AxisType::Category)
                .data(items.iter().map(|i| i.0.clone()).collect()),
        )
        .series(
            Bar::new()
                .name(name)
                .data(items.into_iter().map(|i| i.1).collect()),
        )
}
