//! An ECharts chart that fills its container, redraws when its data changes and follows the
//! window's size. A chart is its ECharts option as JSON (`pages::analytics::charts` builds them),
//! handed to the library through three bindings: a typed options crate (charming) cost the full
//! bundle ~25 KB gzip of serialisation code for the few keys the dashboard sets. The ECharts script (trimmed to pie, bar and line: about 200 KB gzip) is loaded by the first
//! chart that mounts, so the login, CRM and visit pages never download it.

use std::sync::OnceLock;

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::erased::effect;

#[wasm_bindgen]
extern "C" {
    /// A chart instance of the `echarts` global (`frontend/charts/echarts-entry.js`).
    type Echarts;

    /// `echarts.init(element)`: the chart drawn in `element`, sized by it.
    #[wasm_bindgen(js_namespace = echarts, js_name = init)]
    fn init(element: &web_sys::Element) -> Echarts;

    /// `chart.setOption(option)`.
    #[wasm_bindgen(method, js_name = setOption)]
    fn set_option(this: &Echarts, option: JsValue);

    /// `chart.resize()`: to its container's current size.
    #[wasm_bindgen(method)]
    fn resize(this: &Echarts);
}

/// Draws `option` (ECharts's own JSON shape) into the element with id `id`; `None` when that
/// element is gone (the page was left) or the option is not JSON the browser reads.
fn render(id: &str, option: &Value) -> Option<Echarts> {
    let element = document().get_element_by_id(id)?;
    let option = js_sys::JSON::parse(&option.to_string()).ok()?;
    let chart = init(&element);
    chart.set_option(option);
    Some(chart)
}

/// Where the charting library is (copied into `dist/` by Trunk).
const ECHARTS_SRC: &str = "/echarts.min.js";

/// The library's state: `None` while loading, then whether it loaded. Reference-counted, not
/// owned by the first chart's page: that page is disposed when the user leaves it, and the next
/// chart must still read the state.
fn echarts() -> ArcRwSignal<Option<bool>> {
    static STATE: OnceLock<ArcRwSignal<Option<bool>>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let state = ArcRwSignal::new(None);
            load_script(state.clone());
            state
        })
        .clone()
}

/// Appends `<script src=ECHARTS_SRC>` to the head; `state` follows its load or error.
fn load_script(state: ArcRwSignal<Option<bool>>) {
    let doc = document();
    let Ok(script) = doc.create_element("script") else {
        state.set(Some(false));
        return;
    };
    let _ = script.set_attribute("src", ECHARTS_SRC);
    for (event, loaded) in [("load", true), ("error", false)] {
        let state = state.clone();
        let done = Closure::once_into_js(move || state.set(Some(loaded)));
        let _ = script.add_event_listener_with_callback(event, done.unchecked_ref());
    }
    match doc.head() {
        Some(head) => {
            let _ = head.append_child(&script);
        }
        None => state.set(Some(false)),
    }
}

/// Draws `draw()` into a `div#id`; `draw` may read signals (the chart redraws when they change).
#[component]
pub fn EChart<F>(
    /// DOM id of the chart container (unique on the page).
    id: &'static str,
    /// Builds the chart's ECharts option from current data.
    draw: F,
) -> impl IntoView
where
    F: Fn() -> Value + 'static,
{
    let instance = StoredValue::new_local(None::<Echarts>);
    let (error, set_error) = signal(None::<String>);
    let container = NodeRef::<leptos::html::Div>::new();
    let library = echarts();
    effect(move || {
        // Draws once the library is there (the effect runs again when it loads).
        match library.get() {
            Some(true) => {}
            Some(false) => {
                set_error.set(Some(crate::i18n::t().charts_unavailable.to_owned()));
                return;
            }
            None => return,
        }
        let chart = draw();
        // Runs again once the container is in the document (ECharts finds it by id).
        if container.get().is_none() {
            return;
        }
        // Sized by its container (CSS), so the chart follows the layout.
        match render(id, &chart) {
            Some(e) => {
                instance.set_value(Some(e));
                set_error.set(None);
            }
            None => set_error.set(Some(crate::i18n::t().charts_unavailable.to_owned())),
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        instance.with_value(|e| {
            if let Some(e) = e {
                e.resize();
            }
        });
    });
    on_cleanup(move || resize.remove());
    view! {
        <div class="chart" id=id data-testid=id node_ref=container></div>
        {move || error.get().map(|e| view! { <p class="status-error">{e}</p> })}
    }
}
