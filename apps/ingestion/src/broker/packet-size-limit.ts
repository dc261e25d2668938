import type { Socket } from 'node:net';

/** MQTT control packet types by the high nibble of the first byte (MQTT 3.1.1 §2.2.1). */
const PACKET_TYPES = ['reserved', 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth'] as const;

/** The remaining length takes at most four bytes of seven bits each (MQTT 3.1.1 §2.2.3). */
const MAX_LENGTH_BYTES = 4;

/** A client sent a packet over the broker's limit; MQTT 3.1.1 has no reason code for it, so the connection is closed. */
export class PacketTooLargeError extends Error {
  override name = 'PacketTooLargeError';
  constructor(
    readonly bytes: number,
    readonly limit: number,
    readonly packetType: string,
  ) {
    super(`${packetType} packet of ${bytes} bytes is over the broker's limit of ${limit} bytes (MQTT_MAX_PACKET_BYTES)`);
  }
}

/**
 * Follows the MQTT framing of a byte stream: each packet's fixed header gives its size up front,
 * so a packet over the limit is known from its first bytes, before its body has arrived.
 */
export class PacketFraming {
  private step: 'type' | 'length' | 'body' | 'done' = 'type';
  private type = 0;
  private length = 0;
  private lengthBytes = 0;
  private remaining = 0;

  constructor(private readonly limit: number) {}

  /** the first packet over the limit that starts or continues in `chunk`, if any; after it, nothing more is checked */
  scan(chunk: Buffer): PacketTooLargeError | undefined {
    let i = 0;
    while (i < chunk.length && this.step !== 'done') {
      if (this.step === 'body') {
        const skipped = Math.min(this.remaining, chunk.length - i);
        i += skipped;
        this.remaining -= skipped;
        if (this.remaining === 0) this.step = 'type';
        continue;
      }
      const byte = chunk[i++] ?? 0;
      if (this.step === 'type') {
        this.type = byte >> 4;
        this.length = 0;
        this.lengthBytes = 0;
        this.step = 'length';
        continue;
      }
      this.length += (byte & 0x7f) * 128 ** this.lengthBytes;
      this.lengthBytes += 1;
      if (byte & 0x80) {
        // a fifth length byte is malformed: aedes' parser refuses it and closes the connection
        if (this.lengthBytes === MAX_LENGTH_BYTES) this.step = 'done';
        continue;
      }
      const bytes = 1 + this.lengthBytes + this.length;
      if (bytes > this.limit) {
        this.step = 'done';
        return new PacketTooLargeError(bytes, this.limit, PACKET_TYPES[this.type] ?? 'reserved');
      }
      this.remaining = this.length;
      this.step = this.remaining === 0 ? 'type' : 'body';
    }
    return undefined;
  }
}

/**
 * Closes a connection as soon as a packet over `limit` bytes starts on it. aedes' parser would
 * otherwise buffer the whole packet (up to 256 MB) before any hook of the broker sees it.
 *
 * It watches the chunks aedes itself reads: with a 'readable' listener present (aedes', which must
 * already be attached), a 'data' listener is called with each chunk inside `read()`, before aedes
 * gets it, and does not change the flow (Node stream docs: "'readable' takes precedence"). The
 * socket is left as it is, so the broker keeps its direct writes and their back-pressure.
 */
export function closeOnOversizePackets(socket: Socket, limit: number, onRefused: (error: PacketTooLargeError) => void): void {
  if (socket.listenerCount('readable') === 0) throw new Error('attach the broker to the socket first: a data listener alone would switch it to flowing mode');
  const framing = new PacketFraming(limit);
  const watch = (chunk: Buffer): void => {
    const refused = framing.scan(chunk);
    if (!refused) return;
    socket.off('data', watch);
    onRefused(refused);
    socket.destroy();
  };
  socket.on('data', watch);
}
