/** Importing this file registers every command (each command file registers itself). */
import './serve/index.ts';
import './trigger/index.ts';
import './project-init/index.ts';
import './worker-init/index.ts';
import './worker-add/index.ts';
import './worker-list/index.ts';
import './worker-remove/index.ts';
import './worker-logs/index.ts';
import './worker-control/index.ts';
import './console/index.ts';
import './config/index.ts';
