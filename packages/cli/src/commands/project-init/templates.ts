/** The "bare" project template (workers.md §18), embedded so `project init` needs no network. */
export const BARE_CONFIG = `# iii engine configuration
# Docs: https://iii.dev/docs/how-to/configure-engine
workers:
  - name: iii-observability
    config:
      enabled: true
      service_name: iii
      exporter: memory
      memory_max_spans: 10000
      metrics_enabled: true
      metrics_exporter: memory
      logs_enabled: true
      logs_exporter: memory
      logs_console_output: true
      sampling_ratio: 1.0

  - name: queue
    config:
      adapter:
        name: builtin
`;

export const GITIGNORE = `# secrets
.env
.env.*
!.env.example

# engine data and local state
data/
*.db
*.db-wal
*.db-shm
.iii/logs/
.iii/pids/

# dependencies and builds
node_modules/
dist/
build/
target/
.venv
venv/
__pycache__/
*.pyc
.pytest_cache/

# editors and OS
.DS_Store
.idea/
.vscode/
*.log
`;
