// Learning-rate schedules in PyTorch's closed forms, stepped once per epoch (or per batch):
// each step() sets optimizer.lr for the next step from the base rate and the count.
import type { Optimizer } from './optimizer.js';

/** Base of the schedules: remembers the base rate and counts steps. */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  readonly baseLr: number;
  lastEpoch = 0;

  constructor(optimizer: Optimizer) {
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
  constructor(
    optimizer: Optimizer,
    readonly options: { stepSize: number; gamma?: number },
  ) {
    super(optimizer);
    if (!Number.isInteger(options.stepSize) || options.stepSize < 1)
      throw new Error(`StepLR: stepSize must be a positive integer, got ${options.stepSize}`);
  }
  lrAt(epoch: number): number {
    return this.baseLr * (this.options.gamma ?? 0.1) ** Math.floor(epoch / this.options.stepSize);
  }
}

/** lr = base · gamma^epoch (ExponentialLR). */
export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly options: { gamma: number },
  ) {
    super(optimizer);
    if (!(options.gamma > 0)) throw new Error(`ExponentialLR: gamma must be > 0, got ${options.gamma}`);
  }
  lrAt(epoch: number): number {
    return this.baseLr * this.options.gamma ** epoch;
  }
}

/** lr = etaMin + (base - etaMin)·(1 + cos(π·epoch/tMax))/2 (CosineAnnealingLR, closed form). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly options: { tMax: number; etaMin?: number },
  ) {
    super(optimizer);
    if (!(options.tMax > 0)) throw new Error(`CosineAnnealingLR: tMax must be > 0, got ${options.tMax}`);
  }
  lrAt(epoch: number): number {
    const etaMin = this.options.etaMin ?? 0;
    return etaMin + ((this.baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / this.options.tMax))) / 2;
  }
}
