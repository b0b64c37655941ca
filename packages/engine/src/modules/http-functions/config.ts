import { type Infer, s } from '../../core/config/schema.ts';

/** `iii-http-functions`: which URLs a worker may register as HTTP-invoked functions (protocol.md §10). */
export const httpFunctionsConfig = s.object({
  security: s
    .object({
      /** Host globs (`*` matches any run of characters); `*` alone allows every host. */
      url_allowlist: s.array(s.string()).default(['*']),
      block_private_ips: s.boolean().default(true),
      require_https: s.boolean().default(true),
    })
    .default({ url_allowlist: ['*'], block_private_ips: true, require_https: true }),
});

export type HttpFunctionsConfig = Infer<typeof httpFunctionsConfig>;
