/** Why a BLE step failed, so the gateway can tell "device not there" from "device misbehaved". */
export type BleErrorCode = 'BLUETOOTH_UNAVAILABLE' | 'TIMEOUT' | 'DISCONNECTED' | 'MISSING_CHARACTERISTIC' | 'PROTOCOL';

export class BleError extends Error {
  constructor(
    readonly code: BleErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BleError';
  }
}

/** No usable adapter: the message is one line an installer can act on. */
export class BluetoothUnavailableError extends BleError {
  constructor(readonly underlyingCode: string, cause?: unknown) {
    super(
      'BLUETOOTH_UNAVAILABLE',
      `No usable Bluetooth adapter (${underlyingCode}): check that an adapter is present and up (\`hciconfig\`), ` +
        'that node may use raw sockets (`sudo setcap cap_net_raw+eip $(eval readlink -f $(which node))`), ' +
        'and that NOBLE_HCI_DEVICE_ID names the right adapter (e.g. 0 for hci0)',
      { cause },
    );
    this.name = 'BluetoothUnavailableError';
  }
}

export class BleTimeoutError extends BleError {
  constructor(
    readonly step: string,
    readonly timeoutMs: number,
    hint?: string,
  ) {
    super('TIMEOUT', `${step} did not complete within ${timeoutMs} ms${hint ? ` (${hint})` : ''}`);
    this.name = 'BleTimeoutError';
  }
}
