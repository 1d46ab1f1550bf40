//! A donut chart drawn by ECharts through charming (used by analytics for sources and methods).

use charming::component::Legend;
use charming::element::Tooltip;
use charming::series::Pie;
use charming::{Chart, WasmRenderer};
use leptos::prelude::*;

/// A donut of labelled values. `id` must be unique on the page.
#[component]
pub fn DonutChart(
    /// DOM id of the chart container.
    id: &'static str,
    /// Chart title.
    title: &'static str,
    /// `(value, label)` slices.
    data: Vec<(f64, String)>,
) -> impl IntoView {
    let chart = Chart::new()
        .animation(false)
        .tooltip(Tooltip::new())
        .legend(Legend::new().bottom("0"))
        .series(Pie::new().name(title).radius(vec!["45%", "70%"]).data(data));
    let (error, set_error) = signal(None::<String>);
    Effect::new(move |_| {
        if let Err(e) = WasmRenderer::new(600, 360).render(id, &chart) {
            set_error.set(Some(format!("{e:?}")));
        }
    });
    view! {
        <div class="chart" id=id data-testid="donut-chart"></div>
        {move || error.get().map(|e| view! { <p class="status-error">{e}</p> })}
    }
}
