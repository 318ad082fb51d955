// The one place the lab touches uPlot: every chart is a Chart subclass that
// turns its input into uPlot options and columns. A chart is never blank:
// without data it says why, and an error is written on it.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { digest } from './transforms';

export interface Built {
  opts: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  /** Charts with the same key reuse the plot and only swap data. */
  key: string;
  /** data-* attributes on the figure that state what is drawn (the lesson audit reads them). */
  attrs?: Record<string, string>;
}

export abstract class Chart<D> {
  readonly root: HTMLElement;
  private readonly plotEl: HTMLElement;
  private readonly note: HTMLElement;
  private readonly info: HTMLElement;
  /** The line of figures under the chart, for callers that tag its numbers. */
  get infoEl(): HTMLElement { return this.info; }
  private plot: uPlot | null = null;
  private key = '';

  constructor(parent: HTMLElement, readonly name: string, title: string, caption: string) {
    this.root = document.createElement('figure');
    this.root.className = 'chart';
    this.root.dataset.chart = name;
    const h = document.createElement('figcaption');
    h.innerHTML = `<strong></strong> <span class="caption"></span>`;
    (h.firstChild as HTMLElement).textContent = title;
    (h.lastChild as HTMLElement).textContent = caption;
    this.plotEl = document.createElement('div');
    this.plotEl.className = 'plot';
    // The canvas is drawn; its legend below carries the values as text (live on hover).
    this.plotEl.setAttribute('role', 'img');
    this.plotEl.setAttribute('aria-label', `${title}. ${caption}`);
    this.note = document.createElement('p');
    this.note.className = 'chart-note';
    this.note.setAttribute('role', 'status');
    this.info = document.createElement('p');
    this.info.className = 'chart-info';
    this.root.append(h, this.plotEl, this.info, this.note);
    parent.append(this.root);
    this.showMessage('waiting for the first run…');
    // Follow the figure's width (a phone turned, a window narrowed): never wider than the page.
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => {
        const w = this.width();
        if (this.plot && Math.abs(this.plot.width - w) > 2) this.plot.setSize({ width: w, height: 240 });
      }).observe(this.root);
    }
  }

  /** As wide as the figure (a 390 px phone leaves about 300 px), at most 900. */
  private width(): number { return Math.max(200, Math.min(this.root.clientWidth || 560, 900)); }

  protected abstract build(d: D): Built;

  /** Draws `d`; returns true when the chart changed. */
  update(d: D): void {
    const b = this.build(d);
    this.root.dataset.digest = digest(b.data as unknown as ArrayLike<unknown>[]);
    this.root.dataset.points = String(b.data[0]?.length ?? 0);
    for (const [k, v] of Object.entries(b.attrs ?? {})) this.root.dataset[k] = v;
    this.root.classList.remove('empty', 'error');
    this.note.textContent = '';
    if (this.plot && this.key === b.key) {
      this.plot.setData(b.data);
      return;
    }
    this.plot?.destroy();
    this.key = b.key;
    this.plot = new uPlot({ ...b.opts, width: this.width(), height: 240 }, b.data, this.plotEl);
  }

  /** A line of figures under the chart (miss rate, hedge overhead…); '' hides it. */
  setInfo(text: string): void { this.info.textContent = text; }

  /** No data to draw: keep the frame and say why. */
  showMessage(text: string): void {
    this.plot?.destroy();
    this.plot = null;
    this.key = '';
    this.root.classList.add('empty');
    this.note.textContent = text;
    delete this.root.dataset.digest;
  }

  /** An error for this chart's last request: the last data stays, dimmed, with the reason. */
  showError(text: string): void {
    this.root.classList.add('error');
    this.note.textContent = text;
  }

  destroy(): void { this.plot?.destroy(); this.root.remove(); }
}

/** A category x axis: labels at 0..n-1. */
export function categoryAxis(labels: string[], label: string): uPlot.Axis {
  return {
    label,
    splits: () => labels.map((_, i) => i),
    values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
    grid: { show: false },
  };
}

export function fmtLegend(unit: string) {
  return (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : `${Number(v.toPrecision(4))} ${unit}`);
}

/** Bars from each value down to zero (uPlot's bars path builder). */
export const bars = (uPlot.paths.bars as NonNullable<typeof uPlot.paths.bars>)({ size: [0.6, 80] });

export { uPlot };
