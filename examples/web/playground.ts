// The playground page: each panel starts its task in its own module Worker and draws what comes
// back (a uPlot loss curve, text lines, heatmaps), so the page never blocks on training. Each panel
// also keeps its state in data attributes (steps, first and recent loss) for the Chromium test.
import uPlot from 'uplot';
import type { FromWorker, Heatmap, TaskName, ToWorker } from './protocol.js';

const $ = <T extends Element>(sel: string, root: ParentNode = document) => root.querySelector(sel) as T;

function newWorker(): Worker {
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

/** Draws a heatmap of values in [0, 1] with its row and column labels. */
function drawHeatmap(canvas: HTMLCanvasElement, h: Heatmap): void {
  const ctx = canvas.getContext('2d');
  if (!ctx || !h.values.length) return;
  const left = 46;
  const top = 18;
  const W = canvas.width - left - 4;
  const H = canvas.height - top - 4;
  const rows = h.values.length;
  const cols = h.values[0].length;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '10px system-ui';
  ctx.fillStyle = '#1d2430';
  ctx.fillText(canvas.dataset.heatmap ?? '', 2, 11);
  const cw = W / cols;
  const ch = H / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = Math.max(0, Math.min(1, h.values[r][c]));
      // white -> deep blue
      ctx.fillStyle = `rgb(${Math.round(255 - 215 * v)}, ${Math.round(255 - 170 * v)}, ${Math.round(255 - 60 * v)})`;
      ctx.fillRect(left + c * cw, top + r * ch, Math.ceil(cw), Math.ceil(ch));
    }
    if (ch >= 9) {
      ctx.fillStyle = '#3b4452';
      ctx.fillText(h.rows[r] ?? '', 2, top + r * ch + ch / 2 + 3);
    }
  }
  ctx.fillStyle = '#3b4452';
  if (cw >= 9) h.cols.forEach((c, i) => ctx.fillText(c, left + i * cw + cw / 2 - 3, top - 4));
}

/** One training panel: its Worker, its chart and its state. */
class Panel {
  private worker: Worker | null = null;
  private chart: uPlot;
  private rate = '';
  private xs: number[] = [];
  private ys: number[] = [];
  private readonly el: HTMLElement;

  constructor(readonly task: TaskName) {
    this.el = $<HTMLElement>(`#${task}`);
    const box = $<HTMLElement>('.chart', this.el);
    this.chart = new uPlot(
      {
        width: 420,
        height: 220,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, { label: box.dataset.ylabel ?? 'loss' }],
        series: [{}, { label: box.dataset.ylabel ?? 'loss', stroke: '#2563eb', width: 1.5 }],
        legend: { show: false },
      },
      [[], []],
      box,
    );
    $<HTMLButtonElement>(`[data-start="${task}"]`).onclick = () => this.start();
    $<HTMLButtonElement>(`[data-stop="${task}"]`).onclick = () => this.stop();
  }

  private status(text: string): void {
    $<HTMLElement>('.status', this.el).textContent = text;
  }

  start(): void {
    if (this.worker) return;
    this.xs = [];
    this.ys = [];
    this.el.dataset.steps = '0';
    delete this.el.dataset.firstLoss;
    this.status('starting…');
    const w = newWorker();
    this.worker = w;
    w.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    w.onerror = (e) => this.status(`error: ${e.message}`);
    const options =
      this.task === 'charlm'
        ? {
            text: $<HTMLTextAreaElement>('#charlm-text').value,
            cell: $<HTMLSelectElement>('#charlm-cell').value as 'lstm' | 'gru',
            hiddenSize: Number($<HTMLSelectElement>('#charlm-hidden').value),
          }
        : {};
    w.postMessage({ type: 'start', task: this.task, options } satisfies ToWorker);
    $<HTMLButtonElement>(`[data-start="${this.task}"]`).disabled = true;
    $<HTMLButtonElement>(`[data-stop="${this.task}"]`).disabled = false;
  }

  stop(): void {
    this.worker?.postMessage({ type: 'stop' } satisfies ToWorker);
  }

  private finish(): void {
    this.worker?.terminate();
    this.worker = null;
    $<HTMLButtonElement>(`[data-start="${this.task}"]`).disabled = false;
    $<HTMLButtonElement>(`[data-stop="${this.task}"]`).disabled = true;
  }

  private receive(m: FromWorker): void {
    if (m.type === 'ready') $<HTMLElement>('#env').textContent = m.backend;
    else if (m.type === 'error') {
      this.status(`error: ${m.message}`);
      this.el.dataset.error = m.message;
      this.finish();
    } else if (m.type === 'stopped') {
      this.status(`stopped after ${m.step} steps${this.rate ? `, ${this.rate}` : ''}`);
      this.finish();
    } else if (m.type === 'progress') {
      this.xs.push(m.step);
      this.ys.push(m.loss);
      this.chart.setData([this.xs, this.ys]);
      const recent = this.ys.slice(-10); // a smoothed recent loss (the NTM's batches vary in length)
      this.el.dataset.steps = String(m.step);
      this.el.dataset.firstLoss ??= String(m.loss);
      this.el.dataset.loss = String(recent.reduce((a, b) => a + b, 0) / recent.length);
      if (m.rate) this.rate = m.rate;
      this.status(`step ${m.step}, loss ${m.loss.toFixed(3)}${m.rate ? `, ${m.rate}` : ''}`);
      if (m.lines) $<HTMLElement>('pre.lines', this.el).textContent = m.lines.join('\n');
      for (const [name, h] of Object.entries(m.heatmaps ?? {})) {
        const canvas = $<HTMLCanvasElement>(`canvas[data-heatmap="${name}"]`, this.el);
        if (canvas) drawHeatmap(canvas, h);
      }
    }
  }
}

/** The speed panel: rnn-wasm with 1 thread and tfjs-wasm in one Worker, then rnn-wasm with 2 threads in another. */
async function runSpeed(): Promise<void> {
  const el = $<HTMLElement>('#speed');
  const button = $<HTMLButtonElement>('#speed-run');
  const status = $<HTMLElement>('.status', el);
  const body = $<HTMLElement>('#speed-table tbody');
  button.disabled = true;
  body.textContent = '';
  delete el.dataset.done;
  const measure = (threads: number, withTf: boolean) =>
    new Promise<{ id: string; what: string; ms: number; peer: string }[]>((resolve, reject) => {
      const w = newWorker();
      w.onmessage = (e: MessageEvent<FromWorker>) => {
        if (e.data.type === 'speed') {
          w.terminate();
          resolve(e.data.rows);
        } else if (e.data.type === 'error') {
          w.terminate();
          reject(new Error(e.data.message));
        }
      };
      w.postMessage({ type: 'speed', threads, withTf } satisfies ToWorker);
    });
  try {
    status.textContent = 'timing rnn-wasm (1 thread) and tfjs-wasm…';
    const rows = await measure(1, true);
    if (crossOriginIsolated) {
      status.textContent = 'timing rnn-wasm with 2 threads…';
      rows.push(...(await measure(2, false)));
    }
    const tf = new Map(rows.filter((r) => r.peer === 'tfjs-wasm').map((r) => [r.id, r.ms]));
    for (const r of rows) {
      const tr = document.createElement('tr');
      const peer = tf.get(r.id);
      const ratio = r.peer === 'rnn-wasm' && peer ? `${(peer / r.ms).toFixed(1)}× faster` : '';
      tr.innerHTML = `<td>${r.id}: ${r.what}</td><td class="num">${r.ms.toFixed(1)}</td><td class="num">${ratio}</td>`;
      tr.dataset.id = r.id;
      tr.dataset.peer = r.peer;
      tr.dataset.ms = String(r.ms);
      body.append(tr);
    }
    status.textContent = crossOriginIsolated ? '' : 'this page is not cross-origin isolated: no 2-thread run';
    el.dataset.done = 'true';
  } catch (e) {
    status.textContent = `error: ${(e as Error).message}`;
    el.dataset.error = (e as Error).message;
  } finally {
    button.disabled = false;
  }
}

for (const t of ['charlm', 'reverse', 'ctc', 'ntm'] as const) new Panel(t);
$<HTMLButtonElement>('#speed-run').onclick = () => void runSpeed();
fetch(new URL('./data/sample.txt', import.meta.url))
  .then((r) => r.text())
  .then((t) => {
    $<HTMLTextAreaElement>('#charlm-text').value = t;
  });
