/** `iii.worker.yaml` as every `worker-bare` template writes it (workers.md §19.2, §21.1). */
export interface ManifestTemplate {
  /** Base OCI image (kept for the reference's VM runtime; Triad runs the scripts on the host). */
  image: string;
  install: string;
  start: string;
  /** A comment line above the scripts (why they differ from the reference). */
  note?: string;
}

export function manifestText(name: string, t: ManifestTemplate): string {
  return `name: ${name}
runtime:
  # Base OCI image used as the worker rootfs.
  base_image: ${t.image}
scripts:
${t.note ? `  # ${t.note}\n` : ''}  install: ${t.install}
  start: ${t.start}
`;
}
