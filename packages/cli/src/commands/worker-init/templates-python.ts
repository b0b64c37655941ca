/**
 * The Python `worker-bare` template (workers.md §19.2): the reference's manifest, pyproject.toml and
 * src/main.py, with one change: `iii` runs workers on the host, not in a VM, so install and start use a
 * virtualenv in the worker folder (`.venv`) instead of the system Python (workers.md §22.2 step 8).
 *
 * The Python SDK (`iii-sdk` on PyPI) cannot be reached from this machine: the files and that `iii` runs
 * their scripts are tested; main.py itself has not been run against the SDK here.
 */
import { manifestText } from './manifest-template.ts';

export function pythonFiles(name: string): Record<string, string> {
  return {
    'iii.worker.yaml': manifestText(name, {
      image: 'docker.io/iiidev/python:latest',
      note: 'On the host, a virtualenv per worker keeps the system Python clean (the reference VM needs none).',
      install: 'python3 -m venv .venv && .venv/bin/pip install -e .',
      start: ".venv/bin/watchfiles '.venv/bin/python src/main.py' src",
    }),
    'pyproject.toml': `[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "${name}"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["iii-sdk>=0.22.1", "iii-helpers", "watchfiles"]

[tool.hatch.build.targets.wheel]
packages = ["src"]
`,
    'src/main.py': `"""The ${name} worker. \`iii\` starts it with III_URL (the engine socket) and III_WORKER_NAME set."""
import os
import signal

from iii import InitOptions, register_worker

iii = register_worker(
    os.environ.get("III_URL", "ws://localhost:49134"),
    InitOptions(worker_name=os.environ.get("III_WORKER_NAME", "${name}")),
)


def hello(data):
    """Example function: says hello to \`name\`."""
    name = (data or {}).get("name", "there")
    return {"greeting": f"hello {name}"}


iii.register_function("${name}::hello", hello)
print("worker ready", flush=True)

# Leave the engine cleanly when \`iii\` stops this worker.
signal.sigwait({signal.SIGTERM, signal.SIGINT})
iii.shutdown()
`,
  };
}
