// The charting library the SPA uses, trimmed to what its charts draw: pie, bar and line series with
// titles, tooltips, legends and grids on canvas. `cargo xtask spa` bundles this with esbuild into
// the `echarts` global that charming's wasm renderer calls (`echarts.init`, `setOption`, `resize`).
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);
globalThis.echarts = echarts;
