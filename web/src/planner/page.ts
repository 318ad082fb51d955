// The Planner page (#/planner): load a sweep's rows or a sizing result and
// see its Pareto fronts (cost vs P99 TTFT/TPOT, throughput vs latency), with
// the front's points in a table. Files are read in the browser; nothing is
// sent to the server.
import { h } from '../views/dom';
import { parsePlannerFile, PlannerFileError, type PlannerData } from './load';
import { ParetoChart } from './ParetoChart';
import { paretoFront } from './pareto';

function frontTable(data: PlannerData): HTMLTableElement {
  const spec = data.charts[0]!;
  const front = paretoFront(data.points, spec.x.key, spec.y.key, spec.maximizeX, spec.x.log, spec.y.log);
  const cols = [data.labelKey, ...data.details];
  const show = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(4))) : v === null || v === undefined ? '—' : String(v));
  return h('table', { class: 'planner-front', 'data-testid': 'planner-front' },
    h('caption', {}, `The front of "${spec.title}": ${front.length} of ${data.points.length} points`),
    h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, c))),
    ...front.map((i) => h('tr', {}, ...cols.map((c) => h('td', {}, show(data.points[i]![c]))))));
}

export function renderPlanner(app: HTMLElement): void {
  const status = h('p', { role: 'status', 'data-testid': 'planner-status' }, 'No file loaded yet.');
  const charts = h('div', { class: 'planner-charts' });
  const input = h('input', { type: 'file', accept: '.csv,.json', 'data-testid': 'planner-file', id: 'planner-file' });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    void file.text().then((text) => show(text, file.name));
  });
  const show = (text: string, name: string) => {
    charts.replaceChildren();
    let data: PlannerData;
    try {
      data = parsePlannerFile(text, name);
    } catch (e) {
      status.textContent = e instanceof PlannerFileError ? e.message : `${name}: ${(e as Error).message}`;
      status.setAttribute('role', 'alert');
      return;
    }
    status.setAttribute('role', 'status');
    status.textContent = `${data.title}: ${data.points.length} ${data.kind === 'sizing' ? 'fleets' : 'points'}.`;
    for (const spec of data.charts) new ParetoChart(charts, spec).update({ data, spec });
    charts.append(frontTable(data));
    app.dataset.planner = data.kind;
  };
  app.replaceChildren(
    h('h1', {}, 'Planner'),
    h('p', {}, 'Load the rows of ', h('code', {}, 'fleetlab sweep --out rows.csv'), ' (or .json) or the result of ',
      h('code', {}, 'fleetlab size --json > sizing.json'), ' to see the Pareto fronts: the configurations no other one beats on both cost and latency, or on throughput and latency.'),
    h('label', { for: 'planner-file' }, 'Sweep or sizing file: '), input, status, charts);
}
