// Preload (`NODE_OPTIONS=--import <this file>`) that toggles a V8 CPU profile on SIGUSR2: the first
// signal starts it, the next writes `<TRIAD_CPU_PROFILE_DIR>/<pid>.cpuprofile` (with the process's argv
// and cwd in a `.json` beside it). Used by bench/profile-redirect.ts to profile every Linkly process over
// the same wrk window; harmless in processes nobody signals.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.TRIAD_CPU_PROFILE_DIR;
if (dir) {
  let session;
  process.on('SIGUSR2', () => {
    if (!session) {
      session = new Session();
      session.connect();
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')),
      );
      return;
    }
    const s = session;
    session = undefined;
    s.post('Profiler.stop', (err, res) => {
      if (!err) {
        writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(res.profile));
        writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ argv: process.argv, cwd: process.cwd() }));
      }
      s.disconnect();
    });
  });
}
