import { EventEmitter } from 'node:events';
import type { Alert } from '@tm/contracts';
import type { LiveEvent } from './live/live-events';

/**
 * What one committed transaction changed that clients must hear about: the live events it wrote
 * (their ids are the eventIds clients replay from) and the alerts it raised (new, worse, or open again).
 */
export interface Committed {
  /** what committed: a gateway's batch, a questionnaire answer, a timer's check, a nurse's action */
  source: 'batch' | 'questionnaire' | 'missing_data' | 'escalation' | 'alert_action' | 'message' | 'manual_reading';
  events: LiveEvent[];
  raised: Alert[];
}

/**
 * A gateway's credential changed and committed (enrol, rotate-secret, revoke): the broker's
 * in-memory credentials take it at once, and a rotated or revoked gateway's connection is closed.
 */
export interface GatewayChanged {
  gatewayId: string;
  change: 'enrolled' | 'rotated' | 'revoked';
  /** the stored hash (never the secret) */
  secretHash: string;
  revoked: boolean;
}

/** The events of the bus and what each carries. */
interface BusEvents {
  committed: Committed;
  gatewayChanged: GatewayChanged;
}

/**
 * The service's one event bus (as zigbee2mqtt's `eventBus`): typed events, published after the
 * transaction that made them commits; every part that cares subscribes itself (the live sockets
 * to `committed`). A subscriber that throws is logged by the caller's process, never the publisher's problem.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // one subscriber per part (and per platform in a test process); no leak warning for those
    this.emitter.setMaxListeners(0);
  }

  emitCommitted(committed: Committed): void {
    this.emit('committed', committed);
  }

  /** Subscribes to committed changes; returns the unsubscribe. */
  onCommitted(handler: (committed: Committed) => void): () => void {
    return this.on('committed', handler);
  }

  emitGatewayChanged(change: GatewayChanged): void {
    this.emit('gatewayChanged', change);
  }

  onGatewayChanged(handler: (change: GatewayChanged) => void): () => void {
    return this.on('gatewayChanged', handler);
  }

  private emit<K extends keyof BusEvents>(event: K, data: BusEvents[K]): void {
    this.emitter.emit(event, data);
  }

  private on<K extends keyof BusEvents>(event: K, handler: (data: BusEvents[K]) => void): () => void {
    this.emitter.on(event, handler);
    return () => this.emitter.off(event, handler);
  }
}
