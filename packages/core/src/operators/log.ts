import type { Attributes, Decider, LogLevel, LogLevels } from '../stage/Attributes.js';
import { GraphStageLogic, type InHandler, type OutHandler } from '../stage/GraphStageLogic.js';
import { decide, FlowStage } from './FlowStage.js';
import { requireFunction } from './validate.js';

/** Where `log` writes. `console` fits; so does any logger with these four methods. */
export interface StreamLogger {
  debug(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

const defaultLevels: LogLevels = { onElement: 'debug', onFinish: 'debug', onFailure: 'error' };

/**
 * `log(name, extract?, logger?)`: logs each element (through `extract`), completion, cancellation and
 * failure, passing everything through unchanged. Levels come from `Attributes.logLevels` (default:
 * elements and completion at debug, failure at error); 'off' silences a kind of event.
 * Supervision (for `extract`, or the logger, throwing on an element), as in Pekko: `resume`/`restart`
 * drop the element.
 */
export class Log<T> extends FlowStage<T, T> {
  constructor(
    readonly label: string,
    readonly extract: (x: T) => unknown,
    readonly logger: StreamLogger,
  ) {
    super('log');
    if (typeof label !== 'string') throw new TypeError(`log: name must be a string, got ${typeof label}`);
    requireFunction('log', 'extract', extract);
    if (logger === null || typeof logger !== 'object' || !(['debug', 'info', 'warn', 'error'] as const).every((m) => typeof logger[m] === 'function')) {
      throw new TypeError('log: logger must be an object with debug, info, warn and error methods (console will do)');
    }
  }
  createLogic(attributes: Attributes): GraphStageLogic {
    return new LogLogic(this, attributes.logLevels ?? defaultLevels, attributes.supervisionDecider);
  }
}

class LogLogic<T> extends GraphStageLogic implements InHandler, OutHandler {
  constructor(
    private readonly stage: Log<T>,
    private readonly levels: LogLevels,
    private readonly decider: Decider,
  ) {
    super(stage.shape);
    this.setHandlers(stage.in, stage.out, this);
  }
  private write(level: LogLevel, message: string, ...rest: unknown[]): void {
    if (level === 'off') return;
    this.stage.logger[level](`[${this.stage.label}] ${message}`, ...rest);
  }
  onPush(): void {
    const s = this.stage;
    const x = this.grab(s.in);
    if (this.levels.onElement !== 'off') {
      try {
        this.write(this.levels.onElement, 'Element:', s.extract(x));
      } catch (e) {
        if (decide(this.decider, e) === 'stop') return this.failStage(e);
        return this.pull(s.in);
      }
    }
    this.push(s.out, x);
  }
  onPull(): void {
    this.pull(this.stage.in);
  }
  onUpstreamFinish(): void {
    this.write(this.levels.onFinish, 'Upstream finished.');
    this.completeStage();
  }
  onUpstreamFailure(error: unknown): void {
    this.write(this.levels.onFailure, 'Upstream failed.', error);
    this.failStage(error);
  }
  onDownstreamFinish(cause: unknown): void {
    this.write(this.levels.onFinish, 'Downstream finished.');
    this.cancelStage(cause);
  }
}
