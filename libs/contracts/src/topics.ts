import { GatewayIdSchema } from './measurement';

export const TOPIC_ROOT = 'tm/v1/gateways';
export const GATEWAY_TOPIC_KINDS = ['measurements', 'receipts', 'status'] as const;
export type GatewayTopicKind = (typeof GATEWAY_TOPIC_KINDS)[number];

export const gatewayTopic = (gatewayId: string, kind: GatewayTopicKind): string => `${TOPIC_ROOT}/${gatewayId}/${kind}`;
export const measurementsTopic = (gatewayId: string): string => gatewayTopic(gatewayId, 'measurements');
export const receiptsTopic = (gatewayId: string): string => gatewayTopic(gatewayId, 'receipts');
export const statusTopic = (gatewayId: string): string => gatewayTopic(gatewayId, 'status');

/** What ingestion subscribes to; `$share/ingestion/` lets several instances split the load on an external broker. */
export const MEASUREMENTS_SUBSCRIPTION = `${TOPIC_ROOT}/+/measurements`;
export const STATUS_SUBSCRIPTION = `${TOPIC_ROOT}/+/status`;
export const SHARED_GROUP = 'ingestion';
export const sharedSubscription = (filter: string): string => `$share/${SHARED_GROUP}/${filter}`;

export function parseGatewayTopic(topic: string): { gatewayId: string; kind: GatewayTopicKind } | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}/${parts[2]}` !== TOPIC_ROOT) return null;
  const [, , , gatewayId = '', kind = ''] = parts;
  if (!GatewayIdSchema.safeParse(gatewayId).success) return null;
  return (GATEWAY_TOPIC_KINDS as readonly string[]).includes(kind) ? { gatewayId, kind: kind as GatewayTopicKind } : null;
}
