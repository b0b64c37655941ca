import type { IIIConnectionState } from 'iii-browser-sdk';
import { useEffect, useState } from 'react';
import { worker } from './iii.ts';

/** The tab's connection to the engine (connected, reconnecting, …), as `data-state` for tests and styles. */
export function Status() {
  const [state, setState] = useState<IIIConnectionState>('connecting');
  useEffect(() => worker.addConnectionStateListener(setState), []);
  return (
    <p className="status" data-state={state}>
      {state}
    </p>
  );
}
