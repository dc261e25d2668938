// Preloaded (`node -r`) into a gateway CLI that a fault scenario runs on a simulated clock:
// its Date (and so its devices' clocks, outbox timestamps and measurement times) reads
// TM_FAULT_CLOCK_OFFSET_MS away from the real time. On SIGUSR2 a clock that is behind runs
// TM_FAULT_CLOCK_SPEED times as fast until it has caught up with the real time, then runs
// normally: "72 hours of readings" pass in seconds and end at the real now, so no reading is
// ever dated after its reception. Timers are untouched (they run in real time).
// Plain CommonJS: it is loaded before any TypeScript hook.
'use strict';

const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
let offset = Number(process.env.TM_FAULT_CLOCK_OFFSET_MS || 0);
const speed = Number(process.env.TM_FAULT_CLOCK_SPEED || 1);
let catchUp = null; // { real, offset } from the moment the clock started to run fast

function now() {
  const real = realNow();
  if (catchUp) {
    const o = catchUp.offset + (real - catchUp.real) * (speed - 1);
    if (o < 0) return real + o;
    offset = 0;
    catchUp = null;
  }
  return real + offset;
}

globalThis.Date = new Proxy(RealDate, {
  construct: (target, args) => (args.length === 0 ? new target(now()) : new target(...args)),
  apply: () => new RealDate(now()).toString(),
  get: (target, property) => (property === 'now' ? now : Reflect.get(target, property)),
});

process.on('SIGUSR2', () => {
  if (offset < 0 && speed > 1 && !catchUp) catchUp = { real: realNow(), offset };
});
