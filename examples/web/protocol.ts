// The messages between the playground page and its Workers: the page starts and stops a task;
// the Worker reports progress (a loss point and the panel's own view) and errors.

/** The playground's tasks, one per panel. */
export type TaskName = 'charlm' | 'reverse' | 'ctc' | 'ntm';

/** What the page sends. */
export type ToWorker =
  | { type: 'start'; task: TaskName; options: TaskOptions }
  | { type: 'stop' }
  | { type: 'speed'; threads: number; withTf: boolean };

/** Options a panel passes to its task. */
export interface TaskOptions {
  /** charlm: the training text, the cell and its size. */
  text?: string;
  cell?: 'lstm' | 'gru';
  hiddenSize?: number;
  seed?: number;
}

/** A heatmap: rows × cols values in [0, 1], with labels. */
export interface Heatmap {
  rows: string[];
  cols: string[];
  values: number[][];
}

/** What a Worker sends. */
export type FromWorker =
  | { type: 'ready'; backend: string }
  | {
      type: 'progress';
      step: number;
      loss: number;
      /** Task-specific views: text lines, heatmaps, a rate. */
      lines?: string[];
      heatmaps?: Record<string, Heatmap>;
      rate?: string;
    }
  | { type: 'speed'; rows: { id: string; what: string; ms: number; peer: string }[] }
  | { type: 'stopped'; step: number }
  | { type: 'error'; message: string };
