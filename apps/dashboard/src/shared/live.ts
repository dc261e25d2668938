import { io } from 'socket.io-client';
import { AlertEventSchema, LIVE_NAMESPACE, ObservationEventSchema, type AlertEvent, type ObservationEvent } from '@tm/contracts';

export type LiveEvent = { type: 'alert'; event: AlertEvent } | { type: 'observation'; event: ObservationEvent };
export type LiveStatus = 'connecting' | 'connected' | 'disconnected';

export const LAST_EVENT_KEY = 'tm.lastEventId';

/**
 * Subscribes to `/live`. The last event id seen is kept (and survives a reload) and sent again on
 * every reconnect so the server can replay what was missed.
 */
export function connectLive(token: string, onEvent: (e: LiveEvent) => void, onStatus: (s: LiveStatus) => void): () => void {
  let lastEventId = sessionStorage.getItem(LAST_EVENT_KEY);
  // A function, so every reconnect sends the latest id rather than the one at first connect.
  const auth = (send: (data: object) => void): void => send(lastEventId === null ? { token } : { token, lastEventId });
  const socket = io(LIVE_NAMESPACE, { auth, transports: ['websocket', 'polling'] });

  const remember = (eventId: string): void => {
    lastEventId = eventId;
    sessionStorage.setItem(LAST_EVENT_KEY, eventId);
  };

  onStatus('connecting');
  socket.on('connect', () => onStatus('connected'));
  socket.on('disconnect', () => onStatus('disconnected'));
  socket.on('connect_error', () => onStatus('disconnected'));
  socket.on('alert', (payload: unknown) => {
    const parsed = AlertEventSchema.safeParse(payload);
    if (!parsed.success) return;
    remember(parsed.data.eventId);
    onEvent({ type: 'alert', event: parsed.data });
  });
  socket.on('observation', (payload: unknown) => {
    const parsed = ObservationEventSchema.safeParse(payload);
    if (!parsed.success) return;
    remember(parsed.data.eventId);
    onEvent({ type: 'observation', event: parsed.data });
  });
  return () => {
    socket.disconnect();
  };
}
