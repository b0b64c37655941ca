import { z } from 'zod';

/** `iii-http-functions`: which URLs a worker may register as HTTP-invoked functions (protocol.md §10). */
export const httpFunctionsConfig = z.strictObject({
  security: z
    .strictObject({
      /** Host globs (`*` matches any run of characters); `*` alone allows every host. */
      url_allowlist: z.array(z.string()).default(['*']),
      block_private_ips: z.boolean().default(true),
      require_https: z.boolean().default(true),
    })
    .default(() => ({ url_allowlist: ['*'], block_private_ips: true, require_https: true })),
});

export type HttpFunctionsConfig = z.output<typeof httpFunctionsConfig>;
