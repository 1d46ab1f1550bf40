//! Proves the ECharts path end to end (npm asset → Trunk → charming → canvas) with static data.

use leptos::prelude::*;

use crate::components::donut_chart::DonutChart;
use crate::i18n::t;

/// `/demo/chart`
#[component]
pub fn ChartDemo() -> impl IntoView {
    let s = t();
    let values = [48.0, 27.0, 19.0, 6.0];
    let data = values
        .iter()
        .zip(s.demo_methods)
        .map(|(v, label)| (*v, label.to_owned()))
        .collect();
    view! {
        <h1>{s.demo_chart_title}</h1>
        <div class="panel">
            <DonutChart id="demo-donut" title=s.demo_chart_title data=data />
        </div>
    }
}
