// Learning-rate schedules in PyTorch's closed forms, stepped once per epoch (or per batch):
// each step() sets optimizer.lr for the next step from the base rate and the count.
import { Optimizer } from './optimizer.js';
import { int, num, readOptions } from '../options.js';

/** Base of the schedules: remembers the base rate and counts steps. */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  readonly baseLr: number;
  lastEpoch = 0;

  constructor(optimizer: Optimizer, name = 'LRScheduler') {
    if (!(optimizer instanceof Optimizer))
      throw new Error(`${name}: optimizer must be an Optimizer (SGD, Adam, ...), got ${typeof optimizer}`);
    this.optimizer = optimizer;
    this.baseLr = optimizer.lr;
  }

  /** Advances one epoch and sets the optimiser's lr. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  /** The learning rate after `epoch` steps. */
  abstract lrAt(epoch: number): number;
}

/** lr = base · gamma^⌊epoch / stepSize⌋ (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends LRScheduler {
  readonly options: { stepSize: number; gamma?: number };

  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer, 'StepLR');
    this.options = readOptions('StepLR', 'options', options, { stepSize: int(1), gamma: num(0, Infinity, { minOpen: true }) }, [
      'stepSize',
    ]) as { stepSize: number; gamma?: number };
  }
  lrAt(epoch: number): number {
    return this.baseLr * (this.options.gamma ?? 0.1) ** Math.floor(epoch / this.options.stepSize);
  }
}

/** lr = base · gamma^epoch (ExponentialLR). */
export class ExponentialLR extends LRScheduler {
  readonly options: { gamma: number };

  constructor(optimizer: Optimizer, options: { gamma: number }) {
    super(optimizer, 'ExponentialLR');
    this.options = readOptions('ExponentialLR', 'options', options, { gamma: num(0, Infinity, { minOpen: true }) }, ['gamma']) as {
      gamma: number;
    };
  }
  lrAt(epoch: number): number {
    return this.baseLr * this.options.gamma ** epoch;
  }
}

/** lr = etaMin + (base - etaMin)·(1 + cos(π·epoch/tMax))/2 (CosineAnnealingLR, closed form). */
export class CosineAnnealingLR extends LRScheduler {
  readonly options: { tMax: number; etaMin?: number };

  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer, 'CosineAnnealingLR');
    this.options = readOptions('CosineAnnealingLR', 'options', options, { tMax: num(0, Infinity, { minOpen: true }), etaMin: num(0) }, [
      'tMax',
    ]) as { tMax: number; etaMin?: number };
  }
  lrAt(epoch: number): number {
    const etaMin = this.options.etaMin ?? 0;
    return etaMin + ((this.baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / this.options.tMax))) / 2;
  }
}
