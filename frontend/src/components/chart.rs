//! An ECharts chart (through charming) that fills its container, redraws when its data changes
//! and follows the window's size.

use charming::{Chart, Echarts, WasmRenderer};
use leptos::prelude::*;

/// Draws `draw()` into a `div#id`; `draw` may read signals (the chart redraws when they change).
#[component]
pub fn EChart<F>(
    /// DOM id of the chart container (unique on the page).
    id: &'static str,
    /// Builds the chart from current data.
    draw: F,
) -> impl IntoView
where
    F: Fn() -> Chart + 'static,
{
    let instance = StoredValue::new_local(None::<Echarts>);
    let (error, set_error) = signal(None::<String>);
    let container = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let chart = draw();
        // Runs again once the container is in the document (ECharts finds it by id).
        if container.get().is_none() {
            return;
        }
        // Sized by its container (CSS), so the chart follows the layout.
        match WasmRenderer::new_opt(None, None).render(id, &chart) {
            Ok(e) => {
                instance.set_value(Some(e));
                set_error.set(None);
            }
            Err(e) => set_error.set(Some(format!("{e:?}"))),
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        let Some(el) = document().get_element_by_id(id) else {
            return;
        };
        let (w, h) = (el.client_width(), el.client_height());
        instance.with_value(|e| {
            if let (Some(e), Ok(w), Ok(h)) = (e, u32::try_from(w), u32::try_from(h)) {
                WasmRenderer::resize_chart(e, charming::ChartResize::new(w, h, false, None));
            }
        });
    });
    on_cleanup(move || resize.remove());
    view! {
        <div class="chart" id=id data-testid=id node_ref=container></div>
        {move || error.get().map(|e| view! { <p class="status-error">{e}</p> })}
    }
}
