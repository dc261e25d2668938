/** Nest injection tokens for the parts composed outside Nest (see platform.ts). */
export const CONFIG = Symbol('Config');
export const DB = Symbol('Db');
export const METRICS = Symbol('Metrics');
export const LOGGER = Symbol('Logger');
export const EVENT_BUS = Symbol('EventBus');
export const BROKER_STATE = Symbol('BrokerState');

/** Whether the platform's MQTT connection is usable right now. */
export interface BrokerState {
  isUsable(): boolean;
  /** on an external broker: enrol / rotate / revoke there too (broker/dynsec-admin.ts); absent on the embedded one */
  gatewayAdmin?: import('../broker/dynsec-admin').GatewayBrokerAdmin;
}
