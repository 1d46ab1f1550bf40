// The charting library the SPA uses, trimmed to what its charts draw: pie, bar and line series with
// titles, tooltips, legends and grids on canvas. `cargo xtask spa` bundles this with esbuild into
// the `echarts` global that `components/chart.rs` calls (`echarts.init`, `setOption`, `resize`).
import * as core from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

core.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

// ECharts writes numbers the English way (12,000.5). The page's language decides instead
// (`<html lang="ru">`: 12 000,5), on value axes and in tooltips. A formatter is a function, which
// the wasm side cannot pass (the CSP forbids building one from text), so every option is given
// them here on its way in.
const number = new Intl.NumberFormat(document.documentElement.lang || 'ru', { maximumFractionDigits: 2 });
const format = (v) => (typeof v === 'number' ? number.format(v) : v);

function localised(option) {
  if (!option || typeof option !== 'object') return option;
  for (const key of ['xAxis', 'yAxis']) {
    const axes = option[key];
    if (!axes) continue;
    for (const axis of Array.isArray(axes) ? axes : [axes]) {
      if (axis.type === 'value') axis.axisLabel = { ...axis.axisLabel, formatter: format };
    }
  }
  if (option.tooltip) option.tooltip = { ...option.tooltip, valueFormatter: format };
  return option;
}

globalThis.echarts = {
  ...core,
  init(dom, theme, opts) {
    const chart = core.init(dom, theme, opts);
    const setOption = chart.setOption.bind(chart);
    chart.setOption = (option, ...rest) => setOption(localised(option), ...rest);
    return chart;
  },
};
